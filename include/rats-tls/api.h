/* rats-tls: TLS whose certificates carry TEE evidence bound to the TLS key.

     rats_tls_conf_t conf = { .api_version = RATS_TLS_API_VERSION_DEFAULT,
                              .log_level = RATS_TLS_LOG_LEVEL_DEFAULT,
                              .cert_algo = RATS_TLS_CERT_ALGO_DEFAULT };
     strcpy (conf.verifier_type, "sgx_ecdsa");
     rats_tls_handle h;
     if (rats_tls_init (&conf, &h) != RATS_TLS_ERR_NONE)  ... rats_tls_last_error_message ()
     rats_tls_negotiate (h, connected_fd);  rats_tls_transmit (h, buf, &len); ...
     rats_tls_cleanup (h);

   Instances are shared objects loaded from $libdir/rats-tls/{tls-wrappers,crypto-wrappers,
   attesters,verifiers}/ (RATS_TLS_PLUGIN_DIR overrides $libdir/rats-tls). Empty instance names
   select the loaded instance of highest priority whose init succeeds; a verifier is then picked
   from the type of the peer's evidence. The library never prints: errors are returned as codes
   (err.h) with a detailed message from rats_tls_last_error_message(). */
#ifndef RATS_TLS_API_H
#define RATS_TLS_API_H

#include "claim.h"
#include "err.h"
#include "evidence.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

#define RATS_TLS_API_VERSION_1 1
#define RATS_TLS_API_VERSION_MAX RATS_TLS_API_VERSION_1
#define RATS_TLS_API_VERSION_DEFAULT RATS_TLS_API_VERSION_1

#define RATS_TLS_CONF_FLAGS_GLOBAL_MASK_SHIFT 0
#define RATS_TLS_CONF_FLAGS_PRIVATE_MASK_SHIFT 32
#define RATS_TLS_CONF_FLAGS_MUTUAL (1UL << RATS_TLS_CONF_FLAGS_GLOBAL_MASK_SHIFT)
#define RATS_TLS_CONF_FLAGS_SERVER (RATS_TLS_CONF_FLAGS_MUTUAL << 1)
#define RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS (RATS_TLS_CONF_FLAGS_SERVER << 1)
/* Ours: let the openssl TLS wrapper negotiate TLS 1.2 too (default: TLS 1.3 only). */
#define RATS_TLS_CONF_FLAGS_ALLOW_TLS12 (RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS << 1)
/* Set by rats_tls_init when the names are given. */
#define RATS_TLS_CONF_FLAGS_ATTESTER_ENFORCED (1UL << RATS_TLS_CONF_FLAGS_PRIVATE_MASK_SHIFT)
#define RATS_TLS_CONF_FLAGS_VERIFIER_ENFORCED (RATS_TLS_CONF_FLAGS_ATTESTER_ENFORCED << 1)

#define RATS_TLS_TYPE_NAME_SIZE 32

  typedef struct rtls_core_context_t *rats_tls_handle;

  typedef enum
  {
    RATS_TLS_LOG_LEVEL_DEBUG,
    RATS_TLS_LOG_LEVEL_INFO,
    RATS_TLS_LOG_LEVEL_WARN,
    RATS_TLS_LOG_LEVEL_ERROR,
    RATS_TLS_LOG_LEVEL_FATAL,
    RATS_TLS_LOG_LEVEL_NONE,
    RATS_TLS_LOG_LEVEL_MAX,
    RATS_TLS_LOG_LEVEL_DEFAULT = RATS_TLS_LOG_LEVEL_ERROR
  } rats_tls_log_level_t;

  typedef enum
  {
    RATS_TLS_CERT_ALGO_RSA_3072_SHA256,
    RATS_TLS_CERT_ALGO_ECC_256_SHA256,
    RATS_TLS_CERT_ALGO_MAX,
    RATS_TLS_CERT_ALGO_DEFAULT
  } rats_tls_cert_algo_t;

  typedef struct
  {
    unsigned int api_version;
    unsigned long flags;
    rats_tls_log_level_t log_level;
    char tls_type[RATS_TLS_TYPE_NAME_SIZE];
    char attester_type[RATS_TLS_TYPE_NAME_SIZE];
    char verifier_type[RATS_TLS_TYPE_NAME_SIZE];
    char crypto_type[RATS_TLS_TYPE_NAME_SIZE];
    rats_tls_cert_algo_t cert_algo;
    claim_t *custom_claims;
    size_t custom_claims_length;
    struct
    {
      bool valid;
      uint8_t spid[16];
      bool linkable;
    } quote_sgx_epid;
    struct
    {
      bool valid;
      uint8_t cert_type;
    } quote_sgx_ecdsa;
  } rats_tls_conf_t;

  /* Receives a rtls_evidence_t *; a non-zero return rejects the peer. */
  typedef int (*rats_tls_callback_t) (void *);

  rats_tls_err_t rats_tls_init (const rats_tls_conf_t *conf, rats_tls_handle *handle);
  rats_tls_err_t rats_tls_set_verification_callback (rats_tls_handle *handle,
                                                     rats_tls_callback_t cb);
  rats_tls_err_t rats_tls_negotiate (rats_tls_handle handle, int fd);
  rats_tls_err_t rats_tls_receive (rats_tls_handle handle, void *buf, size_t *buf_size);
  rats_tls_err_t rats_tls_transmit (rats_tls_handle handle, void *buf, size_t *buf_size);
  rats_tls_err_t rats_tls_cleanup (rats_tls_handle handle);

  /* Ours. Verifies a DER certificate the way a handshake verifies the peer's (validity, self
     signature, evidence, pubkey-hash binding, callback), without a connection. */
  rats_tls_err_t rats_tls_verify_certificate (rats_tls_handle handle, const uint8_t *der,
                                              size_t len);
  /* Ours. Verifies the value of a 2.23.133.5.4.9 extension (and of 2.23.133.5.4.2, may be NULL)
   against a DER SubjectPublicKeyInfo: the evidence by its verifier, the report data against
   the claims, the claims' pubkey-hash against the key, then the callback. */
  rats_tls_err_t rats_tls_verify_evidence (rats_tls_handle handle, const uint8_t *evidence,
                                           size_t evidence_len, const uint8_t *endorsements,
                                           size_t endorsements_len, const uint8_t *spki,
                                           size_t spki_len);
  /* Ours. The DER certificate this handle presents (NULL when it presents none). */
  const uint8_t *rats_tls_get_certificate (rats_tls_handle handle, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
