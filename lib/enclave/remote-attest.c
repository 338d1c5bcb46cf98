/* Remote attestation of an enclave container (client.h): a separate object from the agent
   client, because it needs the TEE core's crypto (quotes, DCAP verification), which
   rune-enclave.so must not load (only `rune attest` and rune-attest.so do). */
#include "client.h"
#include "quote.h"
#include "sim.h"
#include "utils.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
enclave_client_remote_attest (const char *root, const char *id, struct enclave_evidence *out,
                              ic_error_t *err)
{
  cleanup_enclave_config struct enclave_config *config = NULL;
  struct sim_platform *platform = NULL;
  struct dcap_collateral *collateral = NULL;
  struct sgx_targetinfo qe;
  struct sgx_quote q;
  int ret = -1;

  memset (out, 0, sizeof (*out));
  if (enclave_client_config (root, id, &config, err) < 0)
    return -1;
  if (config == NULL)
    return ic_error (err, EINVAL, "container `%s` has no enclave", id);
  if (config->platform != ENCLAVE_PLATFORM_SIM)
    return ic_error (err, ENOTSUP,
                     "container `%s`: remote attestation on SGX hardware needs a DCAP quoting "
                     "enclave (AESM), which this rune does not drive yet",
                     id);
  if (sim_platform_open (config->sim_dir, &platform, err) < 0)
    return ic_error_wrap (err, "software TEE `%s`", config->sim_dir);
  sim_qe_target_info (platform, &qe);
  if (enclave_client_report (root, id, &qe, &out->report, err) < 0
      || sim_quote (platform, &out->report, &out->quote, &out->quote_len, err) < 0
      || sgx_quote_parse (out->quote, out->quote_len, &q, err) < 0
      || dcap_collateral_load (sim_platform_collateral_dir (platform), &collateral, err) < 0
      || dcap_collateral_trust_sim_root (collateral, sim_platform_root_ca (platform), err) < 0
      || dcap_verify (&q, collateral, time (NULL), &out->verdict, err) < 0)
    goto out;
  if (q.report == NULL || memcmp (q.report, &out->report.body, sizeof (out->report.body)) != 0)
    {
      ic_error (err, EPROTO, "the quote does not carry the enclave's report");
      goto out;
    }
  out->root_ca = xstrdup (sim_platform_root_ca (platform));
  ret = 0;
out:
  dcap_collateral_free (collateral);
  sim_platform_free (platform);
  if (ret < 0)
    enclave_evidence_clear (out);
  return ret;
}

void
enclave_evidence_clear (struct enclave_evidence *e)
{
  free (e->quote);
  free (e->root_ca);
  dcap_verdict_clear (&e->verdict);
  memset (e, 0, sizeof (*e));
}
