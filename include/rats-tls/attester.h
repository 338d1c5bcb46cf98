/* Attester instances: evidence whose user/report data is a hash the core gives. */
#ifndef RATS_TLS_ATTESTER_H
#define RATS_TLS_ATTESTER_H

#include "cert.h"

#define ENCLAVE_ATTESTER_API_VERSION_1 1
#define ENCLAVE_ATTESTER_API_VERSION_DEFAULT ENCLAVE_ATTESTER_API_VERSION_1
#define ENCLAVE_ATTESTER_TYPE_MAX RATS_TLS_TYPE_NAME_SIZE

typedef struct enclave_attester_ctx enclave_attester_ctx_t;
typedef struct enclave_attester_opts enclave_attester_opts_t;

struct enclave_attester_ctx
{
  const enclave_attester_opts_t *opts;
  void *attester_private;
  unsigned long conf_flags;
  rats_tls_log_level_t log_level;
};

struct enclave_attester_opts
{
  uint8_t api_version;
  unsigned long flags;
  char name[ENCLAVE_ATTESTER_TYPE_MAX];
  char type[ENCLAVE_ATTESTER_TYPE_MAX];
  uint8_t priority;
  enclave_attester_err_t (*pre_init) (void);
  /* Fails (e.g. ENCLAVE_ATTESTER_ERR_CPU_UNSUPPORTED, _NO_TOOL) when this host cannot attest. */
  enclave_attester_err_t (*init) (enclave_attester_ctx_t *ctx, rats_tls_cert_algo_t algo);
  /* Evidence whose report data starts with hash (hash_len bytes; the rest is zero). An
     attester that makes no evidence (nullattester) leaves evidence->data NULL. */
  enclave_attester_err_t (*collect_evidence) (enclave_attester_ctx_t *ctx,
                                              attestation_evidence_t *evidence,
                                              rats_tls_cert_algo_t algo, const uint8_t *hash,
                                              uint32_t hash_len);
  /* Optional (NULL: none): collateral for the evidence (RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS).
   */
  enclave_attester_err_t (*collect_endorsements) (enclave_attester_ctx_t *ctx,
                                                  const attestation_evidence_t *evidence,
                                                  attestation_endorsement_t *endorsements);
  enclave_attester_err_t (*cleanup) (enclave_attester_ctx_t *ctx);
};

#ifdef __cplusplus
extern "C"
{
#endif
  enclave_attester_err_t enclave_attester_register (const enclave_attester_opts_t *opts);
#ifdef __cplusplus
}
#endif

#endif
