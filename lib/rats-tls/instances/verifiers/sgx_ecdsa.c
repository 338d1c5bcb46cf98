/* The sgx_ecdsa verifier: SGX DCAP ECDSA quotes checked natively (lib/sgx) against Intel's
   pinned root, with the collateral of the peer's endorsements extension or of
   RATS_TLS_COLLATERAL_DIR, as of RATS_TLS_AS_OF (default now). */
#include "dcap-verify.h"
#include <stdlib.h>

static enclave_verifier_err_t
sgx_ecdsa_init (enclave_verifier_ctx_t *ctx, rats_tls_cert_algo_t algo)
{
  cleanup_error ic_error_t err = NULL;
  struct dcap_verifier *v = calloc (1, sizeof *v);

  if (v == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_NO_MEM, "sgx_ecdsa: out of memory");
  if (ctx->policy->collateral_dir
      && dcap_collateral_load (ctx->policy->collateral_dir, &v->collateral, &err) < 0)
    {
      free (v);
      return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
                         "sgx_ecdsa: RATS_TLS_COLLATERAL_DIR: %s", ic_error_message (err));
    }
  ctx->verifier_private = v;
  return ENCLAVE_VERIFIER_ERR_NONE;
}

static enclave_verifier_err_t
sgx_ecdsa_verify_evidence (enclave_verifier_ctx_t *ctx, const attestation_evidence_t *evidence,
                           const uint8_t *hash, uint32_t hash_len,
                           const attestation_endorsement_t *endorsements, rtls_evidence_t *out)
{
  return dcap_verify_evidence ("sgx_ecdsa", ctx->verifier_private, ctx->policy, evidence, hash,
                               hash_len, endorsements, out);
}

static enclave_verifier_err_t
sgx_ecdsa_cleanup (enclave_verifier_ctx_t *ctx)
{
  struct dcap_verifier *v = ctx->verifier_private;
  if (v)
    dcap_collateral_free (v->collateral);
  free (v);
  ctx->verifier_private = NULL;
  return ENCLAVE_VERIFIER_ERR_NONE;
}

static const enclave_verifier_opts_t sgx_ecdsa_opts = {
  .api_version = ENCLAVE_VERIFIER_API_VERSION_DEFAULT,
  .name = "sgx_ecdsa",
  .type = "sgx_ecdsa",
  .priority = 52,
  .init = sgx_ecdsa_init,
  .verify_evidence = sgx_ecdsa_verify_evidence,
  .cleanup = sgx_ecdsa_cleanup,
};

static void __attribute__ ((constructor)) libverifier_sgx_ecdsa_init (void)
{
  enclave_verifier_register (&sgx_ecdsa_opts);
}
