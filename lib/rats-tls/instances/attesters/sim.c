/* The sim attester: evidence of the software TEE (lib/sgx/sim.h). The enclave is the running
   program: its MRENCLAVE is the measurement of /proc/self/exe loaded page by page (ECREATE,
   then EADD and EEXTEND of every page), signed into a SIGSTRUCT by the key in
   RATS_TLS_SIM_SIGNING_KEY (RSA-3072, exponent 3) or by a key made for this process, and
   EINIT'ed by the sim platform. Its REPORT, addressed to the sim QE, carries the claims' hash
   and is quoted by the sim QE. The quote says it is simulated (QE vendor ID, sim root), so
   verifiers refuse it unless they trust the sim root.
   It is used only when named (-a sim): never picked by priority. */
#include "measure.h"
#include "sigstruct.h"
#include "sim.h"
#include "utils.h"
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <rats-tls/attester.h>
#include <stdlib.h>
#include <string.h>

struct sim_attester
{
  struct sim_platform *platform;
  struct sim_enclave enclave;
};

static int
measure_self (uint8_t mrenclave[32], ic_error_t *err)
{
  cleanup_free char *image = NULL;
  struct sgx_measure *m = NULL;
  uint64_t pages, size = SGX_PAGE_SIZE;
  size_t len;
  uint8_t page[SGX_PAGE_SIZE];

  if (read_file_at (AT_FDCWD, "/proc/self/exe", 1ULL << 30, &image, &len, err) < 0)
    return ic_error_wrap (err, "sim: measuring the program");
  pages = (len + SGX_PAGE_SIZE - 1) / SGX_PAGE_SIZE;
  while (size < pages * SGX_PAGE_SIZE)
    size <<= 1;
  if (sgx_measure_ecreate (&m, 1, size, err) < 0)
    return -1;
  for (uint64_t i = 0; i < pages; i++)
    {
      size_t n = len - i * SGX_PAGE_SIZE < SGX_PAGE_SIZE ? len - i * SGX_PAGE_SIZE : SGX_PAGE_SIZE;
      memset (page, 0, sizeof page);
      memcpy (page, image + i * SGX_PAGE_SIZE, n);
      if (sgx_measure_eadd (m, i * SGX_PAGE_SIZE,
                            SGX_SECINFO_R | SGX_SECINFO_X | ((uint64_t)SGX_PT_REG << 8), err)
          < 0)
        goto fail;
      for (int c = 0; c < SGX_PAGE_SIZE / 256; c++)
        if (sgx_measure_eextend (m, i * SGX_PAGE_SIZE + c * 256, page + c * 256, err) < 0)
          goto fail;
    }
  return sgx_measure_finish (&m, mrenclave, err);
fail:
  sgx_measure_free (m);
  return -1;
}

static int
signing_key (EVP_PKEY **key, ic_error_t *err)
{
  const char *path = getenv ("RATS_TLS_SIM_SIGNING_KEY");
  EVP_PKEY_CTX *ctx;
  BIGNUM *e;
  int ok;

  if (path && path[0])
    {
      if (sgx_signing_key_load (path, key, err) < 0)
        return ic_error_wrap (err, "RATS_TLS_SIM_SIGNING_KEY");
      return 0;
    }
  *key = NULL;
  ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  e = BN_new ();
  ok = ctx && e && BN_set_word (e, 3) && EVP_PKEY_keygen_init (ctx) > 0
       && EVP_PKEY_CTX_set_rsa_keygen_bits (ctx, 3072) > 0
       && EVP_PKEY_CTX_set1_rsa_keygen_pubexp (ctx, e) > 0 && EVP_PKEY_keygen (ctx, key) > 0;
  BN_free (e);
  EVP_PKEY_CTX_free (ctx);
  if (!ok)
    return ic_error (err, 0, "sim: making a signing key failed");
  return 0;
}

static enclave_attester_err_t
sim_init (enclave_attester_ctx_t *ctx, rats_tls_cert_algo_t algo)
{
  cleanup_error ic_error_t err = NULL;
  const char *debug = getenv ("RATS_TLS_SIM_DEBUG_ENCLAVE");
  struct sim_attester *s;
  struct sgx_sigstruct ss;
  uint8_t mrenclave[32];
  EVP_PKEY *key = NULL;
  int ret;

  if (!(ctx->conf_flags & RATS_TLS_CONF_FLAGS_ATTESTER_ENFORCED))
    return rtls_error (ENCLAVE_ATTESTER_ERR_INVALID,
                       "sim: the software TEE is used only when named (attester `sim`)");
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return rtls_error (ENCLAVE_ATTESTER_ERR_NO_MEM, "sim: out of memory");
  sgx_sigstruct_init (&ss);
  ss.body.attributes.flags = SGX_ATTR_MODE64BIT;
  if (debug && strcmp (debug, "1") == 0)
    ss.body.attributes.flags |= SGX_ATTR_DEBUG;
  ss.body.attributes.xfrm = 3;
  memset (&ss.body.attributemask, 0xff, sizeof ss.body.attributemask);
  ss.body.miscmask = 0xffffffff;
  ret = sim_platform_open (NULL, &s->platform, &err) < 0 || measure_self (mrenclave, &err) < 0
        || signing_key (&key, &err) < 0;
  if (!ret)
    {
      memcpy (ss.body.enclavehash, mrenclave, 32);
      ret = sgx_sigstruct_sign (&ss, key, &err) < 0
            || sim_enclave_init (s->platform, mrenclave, &ss.body.attributes, 0, &ss, &s->enclave,
                                 &err)
                   < 0;
    }
  EVP_PKEY_free (key);
  if (ret)
    {
      sim_platform_free (s->platform);
      free (s);
      return rtls_error (ENCLAVE_ATTESTER_ERR_INVALID, "sim: %s", ic_error_message (err));
    }
  ctx->attester_private = s;
  return ENCLAVE_ATTESTER_ERR_NONE;
}

static enclave_attester_err_t
sim_collect_evidence (enclave_attester_ctx_t *ctx, attestation_evidence_t *evidence,
                      rats_tls_cert_algo_t algo, const uint8_t *hash, uint32_t hash_len)
{
  cleanup_error ic_error_t err = NULL;
  struct sim_attester *s = ctx->attester_private;
  struct sgx_targetinfo qe;
  struct sgx_report report;
  uint8_t data[64] = { 0 };

  if (hash_len > sizeof data)
    return rtls_error (ENCLAVE_ATTESTER_ERR_INVALID, "sim: hash of %u bytes", hash_len);
  memcpy (data, hash, hash_len);
  sim_qe_target_info (s->platform, &qe);
  if (sim_enclave_report (s->platform, &s->enclave, &qe, data, &report, &err) < 0
      || sim_quote (s->platform, &report, &evidence->data, &evidence->size, &err) < 0)
    return rtls_error (ENCLAVE_ATTESTER_ERR_EVIDENCE, "sim: %s", ic_error_message (err));
  snprintf (evidence->type, sizeof evidence->type, "sim");
  evidence->tag = OCBR_TAG_EVIDENCE_INTEL_TEE_QUOTE;
  return ENCLAVE_ATTESTER_ERR_NONE;
}

static int
read_into (const char *dir, const char *name, uint8_t **out, size_t *len, ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, name);
  char *data = NULL;
  if (read_file_at (AT_FDCWD, path, RATS_TLS_EVIDENCE_MAX_SIZE, &data, len, err) < 0)
    return -1;
  *out = (uint8_t *)data;
  return 0;
}

static enclave_attester_err_t
sim_collect_endorsements (enclave_attester_ctx_t *ctx, const attestation_evidence_t *evidence,
                          attestation_endorsement_t *e)
{
  cleanup_error ic_error_t err = NULL;
  struct sim_attester *s = ctx->attester_private;
  const char *dir = sim_platform_collateral_dir (s->platform);

  e->version = 1;
  if (read_into (dir, "tcb_info.json", &e->tcb_info, &e->tcb_info_size, &err) < 0
      || read_into (dir, "tcb_info_issuer_chain.pem", &e->tcb_info_issuer_chain,
                    &e->tcb_info_issuer_chain_size, &err)
             < 0
      || read_into (dir, "pck_crl.der", &e->pck_crl, &e->pck_crl_size, &err) < 0
      || read_into (dir, "root_ca_crl.der", &e->root_ca_crl, &e->root_ca_crl_size, &err) < 0
      || read_into (dir, "pck_crl_issuer_chain.pem", &e->pck_crl_issuer_chain,
                    &e->pck_crl_issuer_chain_size, &err)
             < 0
      || read_into (dir, "qe_identity.json", &e->qe_identity, &e->qe_identity_size, &err) < 0
      || read_into (dir, "qe_identity_issuer_chain.pem", &e->qe_identity_issuer_chain,
                    &e->qe_identity_issuer_chain_size, &err)
             < 0)
    {
      rtls_endorsement_clear (e);
      return rtls_error (ENCLAVE_ATTESTER_ERR_EVIDENCE, "sim: collateral: %s",
                         ic_error_message (err));
    }
  return ENCLAVE_ATTESTER_ERR_NONE;
}

static enclave_attester_err_t
sim_cleanup (enclave_attester_ctx_t *ctx)
{
  struct sim_attester *s = ctx->attester_private;
  if (s)
    sim_platform_free (s->platform);
  free (s);
  ctx->attester_private = NULL;
  return ENCLAVE_ATTESTER_ERR_NONE;
}

static const enclave_attester_opts_t sim_opts = {
  .api_version = ENCLAVE_ATTESTER_API_VERSION_DEFAULT,
  .name = "sim",
  .type = "sim",
  .priority = 10,
  .init = sim_init,
  .collect_evidence = sim_collect_evidence,
  .collect_endorsements = sim_collect_endorsements,
  .cleanup = sim_cleanup,
};

static void __attribute__ ((constructor)) libattester_sim_init (void)
{
  enclave_attester_register (&sim_opts);
}
