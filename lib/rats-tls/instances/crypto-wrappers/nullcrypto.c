/* The nullcrypto crypto wrapper: makes no key and no certificate (for nulltls). */
#include <rats-tls/crypto_wrapper.h>
#include <string.h>

static crypto_wrapper_err_t
nullcrypto_gen_privkey (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, uint8_t **der,
                        size_t *len)
{
  *der = NULL;
  *len = 0;
  return CRYPTO_WRAPPER_ERR_NONE;
}

static crypto_wrapper_err_t
nullcrypto_gen_pubkey_hash (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, uint8_t hash[32])
{
  return rtls_error (CRYPTO_WRAPPER_ERR_PUB_KEY, "nullcrypto: makes no key");
}

static crypto_wrapper_err_t
nullcrypto_gen_cert (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo,
                     rats_tls_cert_info_t *info)
{
  return rtls_error (CRYPTO_WRAPPER_ERR_CERT, "nullcrypto: makes no certificate");
}

static const crypto_wrapper_opts_t nullcrypto_opts = {
  .api_version = CRYPTO_WRAPPER_API_VERSION_DEFAULT,
  .name = "nullcrypto",
  .priority = 0,
  .gen_privkey = nullcrypto_gen_privkey,
  .gen_pubkey_hash = nullcrypto_gen_pubkey_hash,
  .gen_cert = nullcrypto_gen_cert,
};

static void __attribute__ ((constructor)) libcrypto_wrapper_nullcrypto_init (void)
{
  crypto_wrapper_register (&nullcrypto_opts);
}
