#include "quote-signatures.h"
#include "utils.h"
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

bool
sgx_ecdsa_verify (EVP_PKEY *key, const uint8_t *data, size_t len, const uint8_t rs[64])
{
  ECDSA_SIG *sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (rs, 32, NULL), *s = BN_bin2bn (rs + 32, 32, NULL);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  unsigned char *der = NULL;
  int der_len = -1;
  bool ok = false;

  if (sig && r && s && ECDSA_SIG_set0 (sig, r, s) == 1)
    {
      r = s = NULL; /* owned by sig now */
      der_len = i2d_ECDSA_SIG (sig, &der);
    }
  ok = der_len > 0 && md && EVP_DigestVerifyInit (md, NULL, EVP_sha256 (), NULL, key) == 1
       && EVP_DigestVerify (md, der, der_len, data, len) == 1;
  OPENSSL_free (der);
  EVP_MD_CTX_free (md);
  BN_free (r);
  BN_free (s);
  ECDSA_SIG_free (sig);
  return ok;
}

/* The attestation key: the P-256 point x || y of the quote. */
static EVP_PKEY *
attestation_key (const uint8_t xy[64])
{
  uint8_t point[65] = { 0x04 };
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, point, sizeof (point)),
    OSSL_PARAM_construct_end (),
  };
  memcpy (point + 1, xy, 64);
  if (ctx && EVP_PKEY_fromdata_init (ctx) == 1)
    EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

int
sgx_quote_pck_key (const struct sgx_quote *q, EVP_PKEY **key, ic_error_t *err)
{
  BIO *bio = BIO_new_mem_buf (q->pck_chain, q->pck_chain_len);
  X509 *cert = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  *key = cert ? X509_get_pubkey (cert) : NULL;
  X509_free (cert);
  BIO_free (bio);
  if (*key == NULL)
    return ic_error (err, EBADMSG, "quote: the PCK certificate chain does not parse");
  if (!EVP_PKEY_is_a (*key, "EC"))
    {
      EVP_PKEY_free (*key);
      *key = NULL;
      return ic_error (err, EBADMSG, "quote: the PCK key is not an EC key");
    }
  return 0;
}

int
sgx_quote_check_signatures (const struct sgx_quote *q, EVP_PKEY *pck_key, ic_error_t *err)
{
  uint8_t hash[32];
  unsigned int hash_len = 0;
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  EVP_PKEY *att = NULL;
  bool bound, signed_ok;

  if (!sgx_ecdsa_verify (pck_key, (const uint8_t *)q->qe_report, sizeof (*q->qe_report),
                         q->qe_report_signature))
    {
      EVP_MD_CTX_free (md);
      return ic_error (err, EBADMSG, "quote: the QE report is not signed by the PCK key");
    }
  /* REPORTDATA = SHA-256(attestation key || QE auth data), then 32 zero bytes. */
  bound = md && EVP_DigestInit_ex (md, EVP_sha256 (), NULL) == 1
          && EVP_DigestUpdate (md, q->attest_key, 64) == 1
          && EVP_DigestUpdate (md, q->qe_auth_data, q->qe_auth_len) == 1
          && EVP_DigestFinal_ex (md, hash, &hash_len) == 1 && hash_len == 32
          && memcmp (q->qe_report->report_data, hash, 32) == 0;
  for (size_t i = 32; bound && i < 64; i++)
    bound = q->qe_report->report_data[i] == 0;
  EVP_MD_CTX_free (md);
  if (!bound)
    return ic_error (err, EBADMSG,
                     "quote: the attestation key is not the one the QE report vouches for");
  att = attestation_key (q->attest_key);
  signed_ok = att && sgx_ecdsa_verify (att, q->signed_data, q->signed_len, q->signature);
  EVP_PKEY_free (att);
  if (!signed_ok)
    return ic_error (err, EBADMSG, "quote: the quote is not signed by its attestation key");
  return 0;
}
