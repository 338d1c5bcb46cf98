/* The openssl crypto wrapper: an ECDSA P-256 (default) or RSA-3072 key, and a self-signed
   X.509 v3 certificate carrying the evidence and endorsements extensions. */
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <rats-tls/crypto_wrapper.h>
#include <stdlib.h>
#include <string.h>

#define CERT_SERIAL_NUMBER 1
#define CERT_VALIDITY_SECONDS (365L * 24 * 3600)

static crypto_wrapper_err_t
openssl_init (crypto_wrapper_ctx_t *ctx)
{
  ctx->crypto_private = NULL; /* the EVP_PKEY, once made */
  return CRYPTO_WRAPPER_ERR_NONE;
}

static crypto_wrapper_err_t
openssl_gen_privkey (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, uint8_t **der,
                     size_t *len)
{
  EVP_PKEY *key;
  unsigned char *buf = NULL;
  int n;

  if (algo == RATS_TLS_CERT_ALGO_ECC_256_SHA256)
    key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  else if (algo == RATS_TLS_CERT_ALGO_RSA_3072_SHA256)
    key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t)3072);
  else
    return rtls_error (CRYPTO_WRAPPER_ERR_UNSUPPORTED_ALGO, "openssl: cert algo %d", algo);
  if (key == NULL)
    return rtls_error (CRYPTO_WRAPPER_ERR_PRIV_KEY, "openssl: generating the key failed");
  n = i2d_PrivateKey (key, &buf);
  if (n <= 0)
    {
      EVP_PKEY_free (key);
      return rtls_error (CRYPTO_WRAPPER_ERR_PRIV_KEY, "openssl: encoding the key failed");
    }
  *der = malloc (n);
  if (*der == NULL)
    {
      OPENSSL_clear_free (buf, n);
      EVP_PKEY_free (key);
      return rtls_error (CRYPTO_WRAPPER_ERR_NO_MEM, "openssl: out of memory");
    }
  memcpy (*der, buf, n);
  *len = n;
  OPENSSL_clear_free (buf, n);
  EVP_PKEY_free (ctx->crypto_private);
  ctx->crypto_private = key;
  return CRYPTO_WRAPPER_ERR_NONE;
}

static crypto_wrapper_err_t
openssl_gen_pubkey_hash (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, uint8_t hash[32])
{
  unsigned char *spki = NULL;
  int n;

  if (ctx->crypto_private == NULL)
    return rtls_error (CRYPTO_WRAPPER_ERR_PUB_KEY, "openssl: no key yet");
  n = i2d_PUBKEY (ctx->crypto_private, &spki);
  if (n <= 0)
    return rtls_error (CRYPTO_WRAPPER_ERR_PUB_KEY, "openssl: encoding the public key failed");
  SHA256 (spki, n, hash);
  OPENSSL_free (spki);
  return CRYPTO_WRAPPER_ERR_NONE;
}

static int
add_ext (X509 *cert, X509V3_CTX *v3, int nid, const char *value)
{
  X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, v3, nid, value);
  int ok = ext && X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
  return ok;
}

static int
add_raw_ext (X509 *cert, const char *oid, const uint8_t *data, size_t len)
{
  ASN1_OBJECT *obj = OBJ_txt2obj (oid, 1);
  ASN1_OCTET_STRING *value = ASN1_OCTET_STRING_new ();
  X509_EXTENSION *ext = NULL;
  int ok = obj && value && len <= INT32_MAX && ASN1_OCTET_STRING_set (value, data, (int)len)
           && (ext = X509_EXTENSION_create_by_OBJ (NULL, obj, 0, value))
           && X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
  ASN1_OCTET_STRING_free (value);
  ASN1_OBJECT_free (obj);
  return ok;
}

static crypto_wrapper_err_t
openssl_gen_cert (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, rats_tls_cert_info_t *info)
{
  EVP_PKEY *key = ctx->crypto_private;
  X509 *cert = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  X509V3_CTX v3;
  unsigned char *der = NULL;
  int n = -1, ok;

  if (key == NULL)
    ok = 0;
  else
    ok = cert && name && X509_set_version (cert, X509_VERSION_3)
         && ASN1_INTEGER_set (X509_get_serialNumber (cert), CERT_SERIAL_NUMBER)
         && X509_gmtime_adj (X509_getm_notBefore (cert), -3600)
         && X509_gmtime_adj (X509_getm_notAfter (cert), CERT_VALIDITY_SECONDS)
         && (!info->subject.organization
             || X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                            (const unsigned char *)info->subject.organization, -1,
                                            -1, 0))
         && (!info->subject.organization_unit
             || X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_UTF8,
                                            (const unsigned char *)info->subject.organization_unit,
                                            -1, -1, 0))
         && (!info->subject.common_name
             || X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                            (const unsigned char *)info->subject.common_name, -1,
                                            -1, 0))
         && X509_set_subject_name (cert, name) && X509_set_issuer_name (cert, name)
         && X509_set_pubkey (cert, key);
  if (ok)
    {
      X509V3_set_ctx (&v3, cert, cert, NULL, NULL, 0);
      ok = add_ext (cert, &v3, NID_basic_constraints, "CA:FALSE")
           && add_ext (cert, &v3, NID_subject_key_identifier, "hash")
           && add_ext (cert, &v3, NID_authority_key_identifier, "keyid:always")
           && (!info->evidence_buffer
               || add_raw_ext (cert, TCG_DICE_TAGGED_EVIDENCE_OID, info->evidence_buffer,
                               info->evidence_buffer_size))
           && (!info->endorsements_buffer
               || add_raw_ext (cert, TCG_DICE_ENDORSEMENT_MANIFEST_OID, info->endorsements_buffer,
                               info->endorsements_buffer_size))
           && X509_sign (cert, key, EVP_sha256 ()) > 0 && (n = i2d_X509 (cert, &der)) > 0;
    }
  X509_NAME_free (name);
  X509_free (cert);
  if (!ok)
    {
      OPENSSL_free (der);
      return rtls_error (CRYPTO_WRAPPER_ERR_CERT, "openssl: making the certificate failed");
    }
  info->cert_buf = malloc (n);
  if (info->cert_buf == NULL)
    {
      OPENSSL_free (der);
      return rtls_error (CRYPTO_WRAPPER_ERR_NO_MEM, "openssl: out of memory");
    }
  memcpy (info->cert_buf, der, n);
  info->cert_len = n;
  OPENSSL_free (der);
  return CRYPTO_WRAPPER_ERR_NONE;
}

static crypto_wrapper_err_t
openssl_cleanup (crypto_wrapper_ctx_t *ctx)
{
  EVP_PKEY_free (ctx->crypto_private);
  ctx->crypto_private = NULL;
  return CRYPTO_WRAPPER_ERR_NONE;
}

static const crypto_wrapper_opts_t openssl_opts = {
  .api_version = CRYPTO_WRAPPER_API_VERSION_DEFAULT,
  .name = "openssl",
  .priority = 25,
  .init = openssl_init,
  .gen_privkey = openssl_gen_privkey,
  .gen_pubkey_hash = openssl_gen_pubkey_hash,
  .gen_cert = openssl_gen_cert,
  .cleanup = openssl_cleanup,
};

static void __attribute__ ((constructor)) libcrypto_wrapper_openssl_init (void)
{
  crypto_wrapper_register (&openssl_opts);
}
