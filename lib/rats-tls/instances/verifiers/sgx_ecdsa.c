/* The sgx_ecdsa verifier: SGX DCAP ECDSA quotes checked natively (lib/sgx) against Intel's
   pinned root, with the collateral of the peer's endorsements extension or of
   RATS_TLS_COLLATERAL_DIR, as of RATS_TLS_AS_OF (default now). */
#include "dcap-verify.h"

static enclave_verifier_err_t
sgx_ecdsa_init (enclave_verifier_ctx_t *ctx, rats_tls_cert_algo_t algo)
{
  return dcap_verifier_init_intel (ctx, "sgx_ecdsa", false);
}

static enclave_verifier_err_t
sgx_ecdsa_verify_evidence (enclave_verifier_ctx_t *ctx, const attestation_evidence_t *evidence,
                           const uint8_t *hash, uint32_t hash_len,
                           const attestation_endorsement_t *endorsements, rtls_evidence_t *out)
{
  return dcap_verify_evidence ("sgx_ecdsa", ctx->verifier_private, ctx->policy, evidence, hash,
                               hash_len, endorsements, out);
}

static const enclave_verifier_opts_t sgx_ecdsa_opts = {
  .api_version = ENCLAVE_VERIFIER_API_VERSION_DEFAULT,
  .name = "sgx_ecdsa",
  .type = "sgx_ecdsa",
  .priority = 52,
  .init = sgx_ecdsa_init,
  .verify_evidence = sgx_ecdsa_verify_evidence,
  .cleanup = dcap_verifier_cleanup,
};

static void __attribute__ ((constructor)) libverifier_sgx_ecdsa_init (void)
{
  enclave_verifier_register (&sgx_ecdsa_opts);
}
