#include "sigstruct.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

static const uint8_t header1[16] = { 0x06, 0x00, 0x00, 0x00, 0xe1, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t header2[16] = { 0x01, 0x01, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
                                     0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };

void
sgx_sigstruct_init (struct sgx_sigstruct *s)
{
  memset (s, 0, sizeof (*s));
  memcpy (s->header.header, header1, 16);
  memcpy (s->header.header2, header2, 16);
}

void
sgx_sigstruct_signed_data (const struct sgx_sigstruct *s, uint8_t out[256])
{
  memcpy (out, &s->header, 128);
  memcpy (out + 128, &s->body, 128);
}

static void
reverse (uint8_t *dst, const uint8_t *src, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = src[n - 1 - i];
}

/* A little-endian 384-byte integer as a BIGNUM. */
static BIGNUM *
bn_le (const uint8_t le[SGX_MODULUS_SIZE])
{
  return BN_lebin2bn (le, SGX_MODULUS_SIZE, NULL);
}

/* Q1 = floor(S^2 / M), Q2 = floor((S^3 - Q1*S*M) / M), little-endian. */
static int
compute_q (const uint8_t sig_le[SGX_MODULUS_SIZE], const uint8_t mod_le[SGX_MODULUS_SIZE],
           uint8_t q1[SGX_MODULUS_SIZE], uint8_t q2[SGX_MODULUS_SIZE])
{
  BN_CTX *ctx = BN_CTX_new ();
  BIGNUM *s = bn_le (sig_le), *m = bn_le (mod_le), *t = BN_new (), *r = BN_new ();
  BIGNUM *b1 = BN_new (), *b2 = BN_new ();
  int ok = ctx && s && m && t && r && b1 && b2 && !BN_is_zero (m)
           && BN_sqr (t, s, ctx)        /* t = S^2 */
           && BN_div (b1, r, t, m, ctx) /* q1, r = S^2 mod M */
           && BN_mul (t, r, s, ctx)     /* S^3 - q1*S*M = r*S */
           && BN_div (b2, NULL, t, m, ctx)
           && BN_bn2lebinpad (b1, q1, SGX_MODULUS_SIZE) == SGX_MODULUS_SIZE
           && BN_bn2lebinpad (b2, q2, SGX_MODULUS_SIZE) == SGX_MODULUS_SIZE;
  BN_free (s);
  BN_free (m);
  BN_free (t);
  BN_free (r);
  BN_free (b1);
  BN_free (b2);
  BN_CTX_free (ctx);
  return ok ? 0 : -1;
}

/* An RSA public key (n, e = 3) from the SIGSTRUCT's modulus. */
static EVP_PKEY *
public_key (const uint8_t mod_le[SGX_MODULUS_SIZE])
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  BIGNUM *n = bn_le (mod_le), *e = BN_new ();
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  OSSL_PARAM *params = NULL;
  EVP_PKEY *key = NULL;

  if (bld && n && e && ctx && BN_set_word (e, 3)
      && OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_N, n)
      && OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_E, e)
      && (params = OSSL_PARAM_BLD_to_param (bld)) != NULL && EVP_PKEY_fromdata_init (ctx) == 1)
    EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  BN_free (n);
  BN_free (e);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

static int
verify_signature (const struct sgx_sigstruct *s, ic_error_t *err)
{
  EVP_PKEY *key = public_key (s->modulus);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  uint8_t data[256], sig_be[SGX_MODULUS_SIZE];
  int ok;

  sgx_sigstruct_signed_data (s, data);
  reverse (sig_be, s->signature, SGX_MODULUS_SIZE);
  ok = key && md && EVP_DigestVerifyInit (md, NULL, EVP_sha256 (), NULL, key) == 1
       && EVP_DigestVerify (md, sig_be, sizeof (sig_be), data, sizeof (data)) == 1;
  EVP_MD_CTX_free (md);
  EVP_PKEY_free (key);
  return ok ? 0 : ic_error (err, EBADMSG, "SIGSTRUCT: the signature does not verify");
}

int
sgx_sigstruct_verify (const struct sgx_sigstruct *s, const uint8_t *mrenclave, ic_error_t *err)
{
  uint8_t q1[SGX_MODULUS_SIZE], q2[SGX_MODULUS_SIZE];

  if (memcmp (s->header.header, header1, 16) != 0 || memcmp (s->header.header2, header2, 16) != 0)
    return ic_error (err, EBADMSG, "SIGSTRUCT: bad HEADER/HEADER2 constants");
  if (s->header.vendor != 0 && s->header.vendor != 0x8086)
    return ic_error (err, EBADMSG, "SIGSTRUCT: VENDOR must be 0 or 0x8086");
  if (s->exponent != 3)
    return ic_error (err, EBADMSG, "SIGSTRUCT: the exponent is %u, EINIT requires 3", s->exponent);
  if (verify_signature (s, err) < 0)
    return -1;
  if (compute_q (s->signature, s->modulus, q1, q2) < 0)
    return ic_error (err, EBADMSG, "SIGSTRUCT: cannot compute Q1/Q2");
  if (memcmp (q1, s->q1, sizeof (q1)) != 0 || memcmp (q2, s->q2, sizeof (q2)) != 0)
    return ic_error (err, EBADMSG, "SIGSTRUCT: Q1/Q2 do not match the signature");
  if (mrenclave && memcmp (mrenclave, s->body.enclavehash, 32) != 0)
    return ic_error (err, EBADMSG, "SIGSTRUCT: ENCLAVEHASH is not the enclave's measurement");
  return 0;
}

int
sgx_sigstruct_mrsigner (const struct sgx_sigstruct *s, uint8_t out[32], ic_error_t *err)
{
  unsigned int len = 0;
  if (EVP_Digest (s->modulus, SGX_MODULUS_SIZE, out, &len, EVP_sha256 (), NULL) != 1)
    return ic_error (err, EIO, "MRSIGNER: SHA-256");
  return 0;
}

int
sgx_sigstruct_attach (struct sgx_sigstruct *s, const uint8_t *modulus_be,
                      const uint8_t *signature_be, ic_error_t *err)
{
  reverse (s->modulus, modulus_be, SGX_MODULUS_SIZE);
  reverse (s->signature, signature_be, SGX_MODULUS_SIZE);
  s->exponent = 3;
  if (compute_q (s->signature, s->modulus, s->q1, s->q2) < 0)
    return ic_error (err, EINVAL, "SIGSTRUCT: cannot compute Q1/Q2");
  return sgx_sigstruct_verify (s, NULL, err);
}

int
sgx_sigstruct_sign (struct sgx_sigstruct *s, EVP_PKEY *key, ic_error_t *err)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  BIGNUM *n = NULL;
  uint8_t data[256], sig_be[SGX_MODULUS_SIZE], mod_be[SGX_MODULUS_SIZE];
  size_t sig_len = sizeof (sig_be);
  int ok;

  sgx_sigstruct_signed_data (s, data);
  ok = md && EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_RSA_N, &n) == 1
       && BN_bn2binpad (n, mod_be, SGX_MODULUS_SIZE) == SGX_MODULUS_SIZE
       && EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key) == 1
       && EVP_DigestSign (md, sig_be, &sig_len, data, sizeof (data)) == 1
       && sig_len == SGX_MODULUS_SIZE;
  EVP_MD_CTX_free (md);
  BN_free (n);
  if (!ok)
    return ic_error (err, EINVAL, "SIGSTRUCT: signing failed (is the key RSA-3072?)");
  return sgx_sigstruct_attach (s, mod_be, sig_be, err);
}

int
sgx_sigstruct_load (const char *path, struct sgx_sigstruct *s, ic_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  if (read_file_at (AT_FDCWD, path, sizeof (*s) + 1, &data, &len, err) < 0)
    return -1;
  if (len != sizeof (*s))
    return ic_error (err, EINVAL, "%s: a SIGSTRUCT is %zu bytes, the file has %zu", path,
                     sizeof (*s), len);
  memcpy (s, data, sizeof (*s));
  return 0;
}

int
sgx_signing_key_load (const char *path, EVP_PKEY **key, ic_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  BIGNUM *e = NULL;
  int ok;

  if (f == NULL)
    return ic_error (err, errno, "--key: open `%s`", path);
  *key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
  if (*key == NULL)
    return ic_error (err, EINVAL, "--key `%s`: not a PEM private key", path);
  ok = EVP_PKEY_is_a (*key, "RSA") && EVP_PKEY_get_bits (*key) == 3072
       && EVP_PKEY_get_bn_param (*key, OSSL_PKEY_PARAM_RSA_E, &e) == 1 && BN_is_word (e, 3);
  BN_free (e);
  if (!ok)
    {
      EVP_PKEY_free (*key);
      *key = NULL;
      return ic_error (err, EINVAL,
                       "--key `%s`: SGX needs an RSA-3072 key with exponent 3 "
                       "(openssl genrsa -3 3072)",
                       path);
    }
  return 0;
}
