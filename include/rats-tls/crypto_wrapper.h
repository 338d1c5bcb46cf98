/* Crypto wrapper instances: the TLS key and the self-signed certificate. */
#ifndef RATS_TLS_CRYPTO_WRAPPER_H
#define RATS_TLS_CRYPTO_WRAPPER_H

#include "cert.h"

#define CRYPTO_WRAPPER_API_VERSION_1 1
#define CRYPTO_WRAPPER_API_VERSION_DEFAULT CRYPTO_WRAPPER_API_VERSION_1
#define CRYPTO_WRAPPER_TYPE_MAX RATS_TLS_TYPE_NAME_SIZE

typedef struct crypto_wrapper_ctx crypto_wrapper_ctx_t;
typedef struct crypto_wrapper_opts crypto_wrapper_opts_t;

struct crypto_wrapper_ctx
{
  const crypto_wrapper_opts_t *opts;
  void *crypto_private;
  unsigned long conf_flags;
  rats_tls_log_level_t log_level;
  rats_tls_cert_algo_t cert_algo;
};

struct crypto_wrapper_opts
{
  uint8_t api_version;
  unsigned long flags;
  char name[CRYPTO_WRAPPER_TYPE_MAX];
  uint8_t priority;
  crypto_wrapper_err_t (*pre_init) (void);
  crypto_wrapper_err_t (*init) (crypto_wrapper_ctx_t *ctx);
  /* Makes the key; *der (malloc'ed) is the PKCS#8 DER private key. A wrapper that makes no key
     (nullcrypto) returns success with *der NULL. */
  crypto_wrapper_err_t (*gen_privkey) (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo,
                                       uint8_t **der, size_t *der_len);
  /* SHA-256 of the DER SubjectPublicKeyInfo of the key made by gen_privkey. */
  crypto_wrapper_err_t (*gen_pubkey_hash) (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo,
                                           uint8_t hash[32]);
  crypto_wrapper_err_t (*gen_cert) (crypto_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo,
                                    rats_tls_cert_info_t *cert_info);
  crypto_wrapper_err_t (*cleanup) (crypto_wrapper_ctx_t *ctx);
};

#ifdef __cplusplus
extern "C"
{
#endif
  /* Called from the instance's constructor; the opts must stay valid (static storage). */
  crypto_wrapper_err_t crypto_wrapper_register (const crypto_wrapper_opts_t *opts);
#ifdef __cplusplus
}
#endif

#endif
