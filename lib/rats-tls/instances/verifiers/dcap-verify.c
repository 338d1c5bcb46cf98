/* DCAP quote verification for the verifier instances (see dcap-verify.h). */
#include "dcap-verify.h"
#include "quote.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The endorsements as a collateral: written to a private temporary directory in the file
   layout dcap_collateral_load reads, loaded, and removed. */
static int
load_endorsements (const attestation_endorsement_t *e, struct dcap_collateral **out,
                   ic_error_t *err)
{
  static const char *names[] = { "tcb_info.json",
                                 "tcb_info_issuer_chain.pem",
                                 "pck_crl.der",
                                 "root_ca_crl.der",
                                 "pck_crl_issuer_chain.pem",
                                 "qe_identity.json",
                                 "qe_identity_issuer_chain.pem" };
  const uint8_t *data[] = {
    e->tcb_info,    e->tcb_info_issuer_chain,   e->pck_crl, e->root_ca_crl, e->pck_crl_issuer_chain,
    e->qe_identity, e->qe_identity_issuer_chain
  };
  const size_t sizes[] = { e->tcb_info_size,
                           e->tcb_info_issuer_chain_size,
                           e->pck_crl_size,
                           e->root_ca_crl_size,
                           e->pck_crl_issuer_chain_size,
                           e->qe_identity_size,
                           e->qe_identity_issuer_chain_size };
  char dir[] = "/tmp/rats-tls-endorsements.XXXXXX";
  cleanup_close int dfd = -1;
  int ret = -1;
  size_t i;

  if (mkdtemp (dir) == NULL)
    return ic_error (err, errno, "endorsements: mkdtemp");
  dfd = open (dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dfd < 0)
    {
      ic_error (err, errno, "endorsements: open `%s`", dir);
      goto out;
    }
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (write_file_at (dfd, names[i], data[i] ? data[i] : (const uint8_t *)"", sizes[i], 0600, err)
        < 0)
      goto out;
  ret = dcap_collateral_load (dir, out, err);
  if (ret < 0)
    ic_error_wrap (err, "endorsements");
out:
  for (i = 0; dfd >= 0 && i < sizeof names / sizeof names[0]; i++)
    unlinkat (dfd, names[i], 0);
  rmdir (dir);
  return ret;
}

enclave_verifier_err_t
dcap_verifier_init_intel (enclave_verifier_ctx_t *ctx, const char *name, bool tdx)
{
  cleanup_error ic_error_t err = NULL;
  struct dcap_verifier *v = calloc (1, sizeof *v);

  if (v == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_NO_MEM, "%s: out of memory", name);
  v->want_tdx = tdx;
  if (ctx->policy->collateral_dir
      && dcap_collateral_load (ctx->policy->collateral_dir, &v->collateral, &err) < 0)
    {
      free (v);
      return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED, "%s: RATS_TLS_COLLATERAL_DIR: %s",
                         name, ic_error_message (err));
    }
  ctx->verifier_private = v;
  return ENCLAVE_VERIFIER_ERR_NONE;
}

enclave_verifier_err_t
dcap_verifier_cleanup (enclave_verifier_ctx_t *ctx)
{
  struct dcap_verifier *v = ctx->verifier_private;
  if (v)
    dcap_collateral_free (v->collateral);
  free (v);
  ctx->verifier_private = NULL;
  return ENCLAVE_VERIFIER_ERR_NONE;
}

/* What the verdict states of the TD or the enclave, for the callback. */
static void
describe (struct dcap_verifier *v, const struct sgx_quote *q, const struct dcap_verdict *verdict,
          rtls_evidence_t *out)
{
  snprintf (v->tcb_status, sizeof v->tcb_status, "%s", verdict->tcb_status);
  out->tcb_status = v->tcb_status;
  out->simulated = verdict->simulated;
  if (q->td_report)
    {
      const struct tdx_report_body *td = q->td_report;
      out->type = TDX_ECDSA;
      out->tdx.mrseam = (uint8_t *)td->mrseam;
      out->tdx.mrseamsigner = (uint8_t *)td->mrsignerseam;
      out->tdx.tcb_svns = (uint8_t *)td->tee_tcb_svn;
      out->tdx.cpu_svn = (uint8_t *)td->tee_tcb_svn;
      out->tdx.mrtd = (uint8_t *)td->mrtd;
      for (int i = 0; i < 4; i++)
        out->tdx.rtmr[i] = (uint8_t *)td->rtmr[i];
      out->tdx.report_data = (uint8_t *)td->report_data;
      return;
    }
  out->type = SGX_ECDSA;
  out->sgx.mr_enclave = (uint8_t *)q->report->mrenclave;
  out->sgx.mr_signer = (uint8_t *)q->report->mrsigner;
  out->sgx.product_id = q->report->isvprodid;
  out->sgx.security_version = q->report->isvsvn;
  out->sgx.attributes = (uint8_t *)&q->report->attributes;
}

enclave_verifier_err_t
dcap_verify_evidence (const char *name, struct dcap_verifier *v,
                      const rtls_verifier_policy_t *policy, const attestation_evidence_t *evidence,
                      const uint8_t *hash, uint32_t hash_len,
                      const attestation_endorsement_t *endorsements, rtls_evidence_t *out)
{
  cleanup_error ic_error_t err = NULL;
  struct dcap_collateral *own = NULL, *collateral = v->collateral;
  struct dcap_verdict verdict = { 0 };
  struct sgx_quote q;
  uint8_t expected[64] = { 0 };
  time_t as_of = policy->as_of ? policy->as_of : time (NULL);
  int ret = ENCLAVE_VERIFIER_ERR_NONE;

  if (evidence == NULL || evidence->data == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_INVALID, "%s: no evidence", name);
  if (hash_len == 0 || hash_len > 64)
    return rtls_error (ENCLAVE_VERIFIER_ERR_INVALID, "%s: bad hash length %u", name, hash_len);
  if (sgx_quote_parse (evidence->data, evidence->size, &q, &err) < 0)
    return rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE, "%s: %s", name, ic_error_message (err));
  if (v->want_tdx ? q.td_report == NULL : q.report == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE, "%s: not a%s quote", name,
                       v->want_tdx ? " TDX" : "n SGX");

  if (endorsements)
    {
      if (load_endorsements (endorsements, &own, &err) < 0)
        return rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE, "%s: %s", name, ic_error_message (err));
      if (v->sim_root && v->trust_sim_root (own, v->sim_root, &err) < 0)
        {
          dcap_collateral_free (own);
          return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED, "%s: %s", name,
                             ic_error_message (err));
        }
      collateral = own;
    }
  if (collateral == NULL)
    return rtls_error (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
                       "%s: no collateral: the peer sent no endorsements and none is configured "
                       "(%s)",
                       name,
                       v->want_simulated ? "RATS_TLS_SIM_COLLATERAL" : "RATS_TLS_COLLATERAL_DIR");

  if (dcap_verify (&q, collateral, as_of, &verdict, &err) < 0)
    {
      ret = rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE, "%s: the quote does not verify: %s", name,
                        ic_error_message (err));
      goto out;
    }
  if (verdict.simulated != v->want_simulated)
    {
      ret = rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE,
                        verdict.simulated ? "%s: the quote comes from the software TEE"
                                          : "%s: the quote is not from the software TEE",
                        name);
      goto out;
    }
  memcpy (expected, hash, hash_len);
  if (CRYPTO_memcmp (q.td_report ? q.td_report->report_data : q.report->report_data, expected,
                     sizeof expected)
      != 0)
    {
      ret = rtls_error (ENCLAVE_VERIFIER_ERR_REPORT_DATA,
                        "%s: the quote's report data is not the hash of the claims", name);
      goto out;
    }
  if (!rtls_status_accepted (verdict.tcb_status, policy->accept_status))
    {
      ret = rtls_error (ENCLAVE_VERIFIER_ERR_POLICY,
                        "%s: TCB status %s is not accepted (accepted: %s; see "
                        "RATS_TLS_ACCEPT_STATUS)",
                        name, verdict.tcb_status, policy->accept_status);
      goto out;
    }
  /* TD attributes bit 0 is TUD.DEBUG; SGX has ATTRIBUTES.DEBUG. */
  if ((q.td_report ? q.td_report->td_attributes[0] & 1
                   : q.report->attributes.flags & SGX_ATTR_DEBUG)
      && !policy->accept_debug)
    {
      ret = rtls_error (ENCLAVE_VERIFIER_ERR_POLICY,
                        "%s: the %s (RATS_TLS_ACCEPT_DEBUG=1 accepts it)", name,
                        q.td_report ? "TD is a debug TD" : "enclave is a debug enclave");
      goto out;
    }
  describe (v, &q, &verdict, out);
out:
  dcap_verdict_clear (&verdict);
  dcap_collateral_free (own);
  return ret;
}
