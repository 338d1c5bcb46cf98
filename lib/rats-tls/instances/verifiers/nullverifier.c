/* The nullverifier: checks nothing. It is picked when the peer presents no evidence and no
   verifier was named, or when it is named ("do not attest the peer"). */
#include <rats-tls/verifier.h>

static enclave_verifier_err_t
nullverifier_verify_evidence (enclave_verifier_ctx_t *ctx, const attestation_evidence_t *evidence,
                              const uint8_t *hash, uint32_t hash_len,
                              const attestation_endorsement_t *endorsements, rtls_evidence_t *out)
{
  return ENCLAVE_VERIFIER_ERR_NONE;
}

static const enclave_verifier_opts_t nullverifier_opts = {
  .api_version = ENCLAVE_VERIFIER_API_VERSION_DEFAULT,
  .name = "nullverifier",
  .type = "nullverifier",
  .priority = 0,
  .verify_evidence = nullverifier_verify_evidence,
};

static void __attribute__ ((constructor)) libverifier_nullverifier_init (void)
{
  enclave_verifier_register (&nullverifier_opts);
}
