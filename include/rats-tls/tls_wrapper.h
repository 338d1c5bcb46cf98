/* TLS wrapper instances: the handshake and the record layer over a connected fd. */
#ifndef RATS_TLS_TLS_WRAPPER_H
#define RATS_TLS_TLS_WRAPPER_H

#include "cert.h"

#define TLS_WRAPPER_API_VERSION_1 1
#define TLS_WRAPPER_API_VERSION_DEFAULT TLS_WRAPPER_API_VERSION_1
#define TLS_TYPE_NAME_SIZE RATS_TLS_TYPE_NAME_SIZE

typedef struct tls_wrapper_ctx tls_wrapper_ctx_t;
typedef struct tls_wrapper_opts tls_wrapper_opts_t;

struct tls_wrapper_ctx
{
  const tls_wrapper_opts_t *opts;
  void *tls_private;
  rats_tls_handle rtls_handle; /* for rtls_verify_peer_certificate */
  unsigned long conf_flags;
  rats_tls_log_level_t log_level;
  int fd;
};

struct tls_wrapper_opts
{
  uint8_t api_version;
  unsigned long flags;
  char name[TLS_TYPE_NAME_SIZE];
  uint8_t priority;
  tls_wrapper_err_t (*pre_init) (void);
  tls_wrapper_err_t (*init) (tls_wrapper_ctx_t *ctx);
  /* Optional: a wrapper that does no authentication (nulltls) sets neither. */
  tls_wrapper_err_t (*use_privkey) (tls_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo,
                                    const uint8_t *der, size_t len);
  tls_wrapper_err_t (*use_cert) (tls_wrapper_ctx_t *ctx, const rats_tls_cert_info_t *cert_info);
  /* Must call rtls_verify_peer_certificate on what the peer presents (NULL when nothing) and
     fail the handshake unless it succeeds. */
  tls_wrapper_err_t (*negotiate) (tls_wrapper_ctx_t *ctx, int fd);
  tls_wrapper_err_t (*transmit) (tls_wrapper_ctx_t *ctx, void *buf, size_t *buf_size);
  tls_wrapper_err_t (*receive) (tls_wrapper_ctx_t *ctx, void *buf, size_t *buf_size);
  tls_wrapper_err_t (*cleanup) (tls_wrapper_ctx_t *ctx);
};

#ifdef __cplusplus
extern "C"
{
#endif
  tls_wrapper_err_t tls_wrapper_register (const tls_wrapper_opts_t *opts);
  /* Verifies the peer's DER certificate (NULL: the peer presented none): its validity, evidence,
     pubkey-hash binding and the user callback. */
  rats_tls_err_t rtls_verify_peer_certificate (rats_tls_handle handle, const uint8_t *der,
                                               size_t len);
#ifdef __cplusplus
}
#endif

#endif
