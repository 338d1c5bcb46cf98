#include "sim-pki.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VALID_YEARS 20

EVP_PKEY *
pki_key_new (ic_error_t *err)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  if (key == NULL)
    ic_error (err, ENOMEM, "sim: generate a P-256 key");
  return key;
}

/* Opens path for writing with mode, replacing what was there. */
static FILE *
create_file (const char *path, mode_t mode, ic_error_t *err)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  FILE *f = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (f == NULL)
    {
      ic_error (err, errno, "create `%s`", path);
      if (fd >= 0)
        close (fd);
    }
  return f;
}

int
pki_key_save (const char *path, EVP_PKEY *key, ic_error_t *err)
{
  cleanup_file FILE *f = create_file (path, 0600, err);
  if (f == NULL)
    return -1;
  if (PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL) != 1 || fflush (f) != 0)
    return ic_error (err, EIO, "write `%s`", path);
  return 0;
}

EVP_PKEY *
pki_key_load (const char *path, ic_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  EVP_PKEY *key = f ? PEM_read_PrivateKey (f, NULL, NULL, NULL) : NULL;
  if (f == NULL)
    ic_error (err, errno, "open `%s`", path);
  else if (key == NULL || !EVP_PKEY_is_a (key, "EC"))
    {
      EVP_PKEY_free (key);
      key = NULL;
      ic_error (err, EBADMSG, "%s: not a PEM EC private key", path);
    }
  return key;
}

int
pki_cert_save (const char *path, X509 *cert, ic_error_t *err)
{
  cleanup_file FILE *f = create_file (path, 0600, err);
  if (f == NULL)
    return -1;
  if (PEM_write_X509 (f, cert) != 1 || fflush (f) != 0)
    return ic_error (err, EIO, "write `%s`", path);
  return 0;
}

X509 *
pki_cert_load (const char *path, ic_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  X509 *cert = f ? PEM_read_X509 (f, NULL, NULL, NULL) : NULL;
  if (f == NULL)
    ic_error (err, errno, "open `%s`", path);
  else if (cert == NULL)
    ic_error (err, EBADMSG, "%s: not a PEM certificate", path);
  return cert;
}

static bool
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  bool ok;
  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  ok = ext && X509_add_ext (cert, ext, -1) == 1;
  X509_EXTENSION_free (ext);
  return ok;
}

static bool
set_name (X509_NAME *name, const char *cn)
{
  return X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                     0)
             == 1
         && X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                        (const unsigned char *)"Inclavare Containers software TEE",
                                        -1, -1, 0)
                == 1;
}

X509 *
pki_cert_new (const char *cn, EVP_PKEY *subject_key, X509 *issuer, EVP_PKEY *issuer_key,
              long serial, bool ca, X509_EXTENSION *extension, ic_error_t *err)
{
  X509 *cert = X509_new ();
  X509 *signer = issuer ? issuer : cert;
  bool ok = cert && X509_set_version (cert, X509_VERSION_3) == 1
            && ASN1_INTEGER_set (X509_get_serialNumber (cert), serial) == 1
            && set_name (X509_get_subject_name (cert), cn)
            && X509_set_issuer_name (cert, X509_get_subject_name (signer)) == 1
            && X509_gmtime_adj (X509_getm_notBefore (cert), -3600)
            && X509_time_adj_ex (X509_getm_notAfter (cert), 365 * VALID_YEARS, 0, NULL)
            && X509_set_pubkey (cert, subject_key) == 1
            && add_ext (cert, signer, NID_basic_constraints,
                        ca ? "critical,CA:TRUE,pathlen:1" : "critical,CA:FALSE")
            && add_ext (cert, signer, NID_key_usage,
                        ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature")
            && add_ext (cert, signer, NID_subject_key_identifier, "hash")
            && (issuer == NULL || add_ext (cert, signer, NID_authority_key_identifier, "keyid"))
            && (extension == NULL || X509_add_ext (cert, extension, -1) == 1)
            && X509_sign (cert, issuer_key ? issuer_key : subject_key, EVP_sha256 ()) > 0;
  if (!ok)
    {
      X509_free (cert);
      ic_error (err, EINVAL, "sim: create the certificate `%s`", cn);
      return NULL;
    }
  return cert;
}

X509_CRL *
pki_crl_new (X509 *issuer, EVP_PKEY *key, int days, const ASN1_INTEGER *revoked, ic_error_t *err)
{
  X509_CRL *crl = X509_CRL_new ();
  X509_REVOKED *entry = NULL;
  ASN1_TIME *last = X509_gmtime_adj (NULL, -3600), *next = X509_time_adj_ex (NULL, days, 0, NULL);
  bool ok = crl && last && next && X509_CRL_set_version (crl, X509_CRL_VERSION_2) == 1
            && X509_CRL_set_issuer_name (crl, X509_get_subject_name (issuer)) == 1
            && X509_CRL_set1_lastUpdate (crl, last) == 1
            && X509_CRL_set1_nextUpdate (crl, next) == 1;
  if (ok && revoked)
    {
      entry = X509_REVOKED_new ();
      ok = entry && X509_REVOKED_set_serialNumber (entry, (ASN1_INTEGER *)revoked) == 1
           && X509_REVOKED_set_revocationDate (entry, last) == 1
           && X509_CRL_add0_revoked (crl, entry) == 1;
      if (!ok)
        X509_REVOKED_free (entry);
    }
  ok = ok && X509_CRL_sort (crl) == 1 && X509_CRL_sign (crl, key, EVP_sha256 ()) > 0;
  ASN1_TIME_free (last);
  ASN1_TIME_free (next);
  if (!ok)
    {
      X509_CRL_free (crl);
      ic_error (err, EINVAL, "sim: create a CRL");
      return NULL;
    }
  return crl;
}

int
pki_sign_rs (EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t rs[64], ic_error_t *err)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned char der[80];
  const unsigned char *p = der;
  size_t der_len = sizeof (der);
  ECDSA_SIG *sig = NULL;
  bool ok = ctx && EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
            && EVP_DigestSign (ctx, der, &der_len, data, len) == 1
            && (sig = d2i_ECDSA_SIG (NULL, &p, der_len)) != NULL
            && BN_bn2binpad (ECDSA_SIG_get0_r (sig), rs, 32) == 32
            && BN_bn2binpad (ECDSA_SIG_get0_s (sig), rs + 32, 32) == 32;
  ECDSA_SIG_free (sig);
  EVP_MD_CTX_free (ctx);
  return ok ? 0 : ic_error (err, EINVAL, "sim: ECDSA signature");
}

int
pki_public_xy (EVP_PKEY *key, uint8_t xy[64], ic_error_t *err)
{
  uint8_t point[65];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof (point), &len)
          != 1
      || len != sizeof (point) || point[0] != 0x04)
    return ic_error (err, EINVAL, "sim: the key is not an uncompressed P-256 point");
  memcpy (xy, point + 1, 64);
  return 0;
}
