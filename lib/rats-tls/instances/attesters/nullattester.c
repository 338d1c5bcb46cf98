/* The nullattester: no evidence (the certificate gets no evidence extension). */
#include <rats-tls/attester.h>

static enclave_attester_err_t
nullattester_collect_evidence (enclave_attester_ctx_t *ctx, attestation_evidence_t *evidence,
                               rats_tls_cert_algo_t algo, const uint8_t *hash, uint32_t hash_len)
{
  evidence->data = NULL;
  evidence->size = 0;
  return ENCLAVE_ATTESTER_ERR_NONE;
}

static const enclave_attester_opts_t nullattester_opts = {
  .api_version = ENCLAVE_ATTESTER_API_VERSION_DEFAULT,
  .name = "nullattester",
  .type = "nullverifier",
  .priority = 0,
  .collect_evidence = nullattester_collect_evidence,
};

static void __attribute__ ((constructor)) libattester_nullattester_init (void)
{
  enclave_attester_register (&nullattester_opts);
}
