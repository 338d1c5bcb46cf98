/* The sim verifier: quotes of the software TEE, checked by the native DCAP verifier with the
   sim root CA (RATS_TLS_SIM_ROOT) trusted besides Intel's root, and collateral from the
   peer's endorsements, or of RATS_TLS_SIM_COLLATERAL (default: the "collateral" directory next to
   the root CA, as the sim platform lays them out). Without RATS_TLS_SIM_ROOT it refuses to
   start: sim evidence proves no hardware protection, so trusting it must be a decision. The
   verdict must say simulated: a hardware quote is for the sgx_ecdsa verifier. */
#include "dcap-verify.h"
#include "utils.h"
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* RATS_TLS_SIM_COLLATERAL, else the platform's layout: "collateral" next to the root CA. */
static char *
collateral_dir (const rtls_verifier_policy_t *p)
{
  cleanup_free char *copy = xstrdup (p->sim_root);
  struct stat st;
  char *dir;

  if (p->sim_collateral_dir)
    return xstrdup (p->sim_collateral_dir);
  dir = xasprintf ("%s/collateral", dirname (copy));
  if (stat (dir, &st) == 0 && S_ISDIR (st.st_mode))
    return dir;
  free (dir);
  return NULL;
}

static enclave_verifier_err_t
sim_init (enclave_verifier_ctx_t *ctx, rats_tls_cert_algo_t algo)
{
  cleanup_error ic_error_t err = NULL;
  const rtls_verifier_policy_t *p = ctx->policy;
  struct dcap_verifier *v;

  if (p->sim_root == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
                       "sim: the software TEE's root CA is not trusted (set RATS_TLS_SIM_ROOT to "
                       "its PEM file): sim evidence is refused");
  v = calloc (1, sizeof *v);
  if (v == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_NO_MEM, "sim: out of memory");
  v->sim_root = p->sim_root;
  v->trust_sim_root = dcap_collateral_trust_sim_root;
  v->want_simulated = true;
  cleanup_free char *dir = collateral_dir (p);
  if (dir
      && (dcap_collateral_load (dir, &v->collateral, &err) < 0
          || dcap_collateral_trust_sim_root (v->collateral, p->sim_root, &err) < 0))
    {
      dcap_collateral_free (v->collateral);
      free (v);
      return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED, "sim: %s", ic_error_message (err));
    }
  ctx->verifier_private = v;
  return ENCLAVE_VERIFIER_ERR_NONE;
}

static enclave_verifier_err_t
sim_verify_evidence (enclave_verifier_ctx_t *ctx, const attestation_evidence_t *evidence,
                     const uint8_t *hash, uint32_t hash_len,
                     const attestation_endorsement_t *endorsements, rtls_evidence_t *out)
{
  return dcap_verify_evidence ("sim", ctx->verifier_private, ctx->policy, evidence, hash, hash_len,
                               endorsements, out);
}

static const enclave_verifier_opts_t sim_opts = {
  .api_version = ENCLAVE_VERIFIER_API_VERSION_DEFAULT,
  .name = "sim",
  .type = "sim",
  .priority = 10,
  .init = sim_init,
  .verify_evidence = sim_verify_evidence,
  .cleanup = dcap_verifier_cleanup,
};

static void __attribute__ ((constructor)) libverifier_sim_init (void)
{
  enclave_verifier_register (&sim_opts);
}
