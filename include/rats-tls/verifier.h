/* Verifier instances: check evidence and that it binds the hash of the claims. */
#ifndef RATS_TLS_VERIFIER_H
#define RATS_TLS_VERIFIER_H

#include "cert.h"
#include <time.h>

#define ENCLAVE_VERIFIER_API_VERSION_1 1
#define ENCLAVE_VERIFIER_API_VERSION_DEFAULT ENCLAVE_VERIFIER_API_VERSION_1
#define ENCLAVE_VERIFIER_TYPE_MAX RATS_TLS_TYPE_NAME_SIZE

/* The trust configuration, read by the core from the environment (docs/rats-tls.md):
     RATS_TLS_COLLATERAL_DIR  DCAP collateral used when the peer sends no endorsements
     RATS_TLS_AS_OF           verify evidence and collateral as of this UTC time (default now)
     RATS_TLS_CERT_AS_OF      check the certificate's validity at this time (default now)
     RATS_TLS_ACCEPT_STATUS   comma-separated TCB statuses to accept
     RATS_TLS_ACCEPT_DEBUG    1: accept debug enclaves (default refused)
     RATS_TLS_SIM_ROOT        the software TEE's root CA (PEM): sim evidence is refused without
     RATS_TLS_SIM_COLLATERAL  the software TEE's collateral directory */
typedef struct rtls_verifier_policy
{
  const char *collateral_dir;
  time_t as_of;      /* 0: now */
  time_t cert_as_of; /* 0: now */
  const char *accept_status;
  bool accept_debug;
  const char *sim_root;
  const char *sim_collateral_dir;
} rtls_verifier_policy_t;

#define RTLS_DEFAULT_ACCEPT_STATUS                                                                 \
  "UpToDate,SWHardeningNeeded,ConfigurationNeeded,ConfigurationAndSWHardeningNeeded"

typedef struct enclave_verifier_ctx enclave_verifier_ctx_t;
typedef struct enclave_verifier_opts enclave_verifier_opts_t;

struct enclave_verifier_ctx
{
  const enclave_verifier_opts_t *opts;
  void *verifier_private;
  unsigned long conf_flags;
  rats_tls_log_level_t log_level;
  const rtls_verifier_policy_t *policy;
};

struct enclave_verifier_opts
{
  uint8_t api_version;
  unsigned long flags;
  char name[ENCLAVE_VERIFIER_TYPE_MAX];
  char type[ENCLAVE_VERIFIER_TYPE_MAX]; /* the evidence type it checks */
  uint8_t priority;
  enclave_verifier_err_t (*pre_init) (void);
  /* Fails with ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED when the trust it needs is not configured. */
  enclave_verifier_err_t (*init) (enclave_verifier_ctx_t *ctx, rats_tls_cert_algo_t algo);
  /* Verifies evidence (NULL data: the peer sent none) and that its report data is hash; fills
     the type-specific fields of *out (pointers into evidence->data). */
  enclave_verifier_err_t (*verify_evidence) (enclave_verifier_ctx_t *ctx,
                                             const attestation_evidence_t *evidence,
                                             const uint8_t *hash, uint32_t hash_len,
                                             const attestation_endorsement_t *endorsements,
                                             rtls_evidence_t *out);
  enclave_verifier_err_t (*cleanup) (enclave_verifier_ctx_t *ctx);
};

#ifdef __cplusplus
extern "C"
{
#endif
  enclave_verifier_err_t enclave_verifier_register (const enclave_verifier_opts_t *opts);
  /* True when status is in the comma-separated list. */
  bool rtls_status_accepted (const char *status, const char *list);
#ifdef __cplusplus
}
#endif

#endif
