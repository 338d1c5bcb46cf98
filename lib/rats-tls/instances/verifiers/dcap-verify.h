/* What the sgx_ecdsa, tdx_ecdsa and sim verifiers share: a DCAP quote checked by the native
   verifier of lib/sgx against a collateral, the binding of its report data, and the policy. */
#ifndef RATS_TLS_DCAP_VERIFY_H
#define RATS_TLS_DCAP_VERIFY_H

#include "dcap.h"
#include <rats-tls/verifier.h>

struct dcap_verifier
{
  struct dcap_collateral *collateral; /* from the configured directory, loaded once */
  const char *sim_root;               /* trusted besides Intel's root (sim verifier) */
  int (*trust_sim_root) (struct dcap_collateral *, const char *, ic_error_t *);
  bool want_simulated; /* the verdict must be (sim) or must not be simulated */
  bool want_tdx;       /* TDX quotes (tdx_ecdsa), else SGX quotes */
  char tcb_status[48];
};

/* The init and cleanup of the verifiers of Intel's quotes (sgx_ecdsa, tdx_ecdsa): Intel's root
   only, collateral from RATS_TLS_COLLATERAL_DIR when it is set. */
enclave_verifier_err_t dcap_verifier_init_intel (enclave_verifier_ctx_t *ctx, const char *name,
                                                 bool tdx);
enclave_verifier_err_t dcap_verifier_cleanup (enclave_verifier_ctx_t *ctx);

/* Verifies evidence->data as a DCAP quote (SGX, or TDX for v->want_tdx) whose report data is
   hash || zeros. The collateral comes from endorsements when given, else from v->collateral. */
enclave_verifier_err_t dcap_verify_evidence (const char *name, struct dcap_verifier *v,
                                             const rtls_verifier_policy_t *policy,
                                             const attestation_evidence_t *evidence,
                                             const uint8_t *hash, uint32_t hash_len,
                                             const attestation_endorsement_t *endorsements,
                                             rtls_evidence_t *out);

#endif
