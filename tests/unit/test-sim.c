/* Unit tests of the software TEE: EINIT's checks, reports only their target can check on the
   platform that made them, quotes that verify only with the sim root trusted, and refusals of
   every altered byte, of another platform's root, of a revoked PCK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "dcap.h"
#include "measure.h"
#include "sigstruct.h"
#include "sim.h"
#include "utils.h"
#include <fcntl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct world
{
  char dir[64], other_dir[64];
  struct sim_platform *p, *other;
  struct sgx_sigstruct ss;
  uint8_t mrenclave[32];
  struct sim_enclave enclave;
};

static struct world w;

static void
load_vector_enclave (void)
{
  char dir[4000];
  cleanup_free char *sig = NULL, *sgxs = NULL, *data = NULL;
  struct sgx_layout layout;
  size_t len;

  if (vectors_find ("sgx-sigstruct/test_enclave.sig", dir, sizeof (dir)) < 0)
    fail_msg ("the vectors are not found (set VECTORS_DIR)");
  sig = xasprintf ("%s/sgx-sigstruct/test_enclave.sig", dir);
  sgxs = xasprintf ("%s/sgx-sigstruct/test_enclave.sgxs", dir);
  assert_int_equal (sgx_sigstruct_load (sig, &w.ss, NULL), 0);
  assert_int_equal (read_file_at (AT_FDCWD, sgxs, 1 << 24, &data, &len, NULL), 0);
  assert_int_equal (sgx_layout_from_sgxs ((uint8_t *)data, len, &layout, NULL), 0);
  assert_int_equal (sgx_layout_measure (&layout, w.mrenclave, NULL), 0);
  sgx_layout_clear (&layout);
}

static int
setup (void **state)
{
  ic_error_t err = NULL;
  strcpy (w.dir, "/tmp/test-sim.XXXXXX");
  strcpy (w.other_dir, "/tmp/test-sim-other.XXXXXX");
  if (!mkdtemp (w.dir) || !mkdtemp (w.other_dir))
    return -1;
  load_vector_enclave ();
  if (sim_platform_open (w.dir, &w.p, &err) < 0
      || sim_platform_open (w.other_dir, &w.other, &err) < 0
      || sim_enclave_init (w.p, w.mrenclave, &w.ss.body.attributes, w.ss.body.miscselect, &w.ss,
                           &w.enclave, &err)
             < 0)
    {
      fprintf (stderr, "%s\n", ic_error_message (err));
      return -1;
    }
  return 0;
}

static int
teardown (void **state)
{
  cleanup_free char *cmd = xasprintf ("rm -rf '%s' '%s'", w.dir, w.other_dir);
  sim_platform_free (w.p);
  sim_platform_free (w.other);
  return system (cmd);
}

static void
expect_error (int ret, ic_error_t *err, const char *mention)
{
  assert_int_equal (ret, -1);
  if (strstr (ic_error_message (*err), mention) == NULL)
    fail_msg ("`%s` does not mention `%s`", ic_error_message (*err), mention);
  ic_error_release (err);
}

static void
test_einit_checks (void **state)
{
  struct sgx_sigstruct ss = w.ss;
  struct sgx_attributes attrs = w.ss.body.attributes;
  uint8_t other[32];
  struct sim_enclave e;
  ic_error_t err = NULL;

  assert_int_equal (w.enclave.identity.isvprodid, 65535);
  assert_true (w.enclave.identity.attributes.flags & SGX_ATTR_INIT);
  memcpy (other, w.mrenclave, 32);
  other[0] ^= 1;
  expect_error (sim_enclave_init (w.p, other, &attrs, 0, &ss, &e, &err), &err, "ENCLAVEHASH");
  ss.body.isvsvn = 1; /* a body the signature does not cover */
  expect_error (sim_enclave_init (w.p, w.mrenclave, &attrs, 0, &ss, &e, &err), &err, "signature");
  attrs.flags |= SGX_ATTR_PROVISIONKEY; /* under the mask, not in the SIGSTRUCT */
  expect_error (sim_enclave_init (w.p, w.mrenclave, &attrs, 0, &w.ss, &e, &err), &err,
                "attributes");
  attrs = w.ss.body.attributes;
  attrs.flags |= SGX_ATTR_DEBUG; /* outside the mask: allowed */
  assert_int_equal (sim_enclave_init (w.p, w.mrenclave, &attrs, 0, &w.ss, &e, &err), 0);
}

static void
test_reports (void **state)
{
  struct sgx_targetinfo qe;
  struct sgx_report r;
  uint8_t data[64] = { 1, 2, 3 };
  ic_error_t err = NULL;

  sim_qe_target_info (w.p, &qe);
  assert_int_equal (sim_enclave_report (w.p, &w.enclave, &qe, data, &r, &err), 0);
  assert_memory_equal (r.body.report_data, data, 64);
  assert_memory_equal (r.body.mrenclave, w.mrenclave, 32);
  /* Addressed to the QE: the enclave itself cannot check it, nor can another platform. */
  expect_error (sim_report_verify (w.p, &w.enclave, &r, &err), &err, "MAC");
  {
    struct sgx_report copy = r;
    uint8_t *quote = NULL;
    size_t len;
    expect_error (sim_quote (w.other, &copy, &quote, &len, &err), &err, "MAC");
    for (size_t i = 0; i < sizeof (copy); i += 7)
      {
        copy = r;
        ((uint8_t *)&copy)[i] ^= 0x10;
        expect_error (sim_quote (w.p, &copy, &quote, &len, &err), &err, "MAC");
      }
  }
  /* A report to the enclave itself verifies there. */
  {
    struct sgx_targetinfo self;
    sim_enclave_target_info (&w.enclave, &self);
    assert_int_equal (sim_enclave_report (w.p, &w.enclave, &self, data, &r, &err), 0);
    assert_int_equal (sim_report_verify (w.p, &w.enclave, &r, &err), 0);
  }
}

/* A fresh quote of the enclave with report data. */
static uint8_t *
make_quote (struct sim_platform *p, size_t *len)
{
  struct sgx_targetinfo qe;
  struct sgx_report r;
  uint8_t data[64] = { 0xaa, 0xbb }, *quote = NULL;
  ic_error_t err = NULL;
  sim_qe_target_info (p, &qe);
  assert_int_equal (sim_enclave_report (p, &w.enclave, &qe, data, &r, &err), 0);
  assert_int_equal (sim_quote (p, &r, &quote, len, &err), 0);
  return quote;
}

static struct dcap_collateral *
collateral (struct sim_platform *p, const char *trusted_root)
{
  struct dcap_collateral *c = NULL;
  ic_error_t err = NULL;
  assert_int_equal (dcap_collateral_load (sim_platform_collateral_dir (p), &c, &err), 0);
  if (trusted_root)
    assert_int_equal (dcap_collateral_trust_sim_root (c, trusted_root, &err), 0);
  return c;
}

static void
test_quote_verifies_only_with_the_sim_root (void **state)
{
  size_t len;
  cleanup_free uint8_t *quote = make_quote (w.p, &len);
  struct dcap_collateral *c = collateral (w.p, sim_platform_root_ca (w.p));
  struct dcap_collateral *untrusted = collateral (w.p, NULL);
  struct dcap_collateral *wrong = collateral (w.p, sim_platform_root_ca (w.other));
  struct sgx_quote q;
  struct dcap_verdict v;
  ic_error_t err = NULL;

  assert_int_equal (sgx_quote_parse (quote, len, &q, &err), 0);
  assert_memory_equal (q.header->qe_vendor_id, "SIMULATED-TEE-QE", 16);
  assert_int_equal (dcap_verify (&q, c, time (NULL), &v, &err), 0);
  assert_true (v.simulated);
  assert_string_equal (v.tcb_status, "UpToDate");
  assert_string_equal (v.qe_tcb_status, "UpToDate");
  assert_memory_equal (q.report->mrenclave, w.mrenclave, 32);
  assert_int_equal (q.report->report_data[0], 0xaa);
  dcap_verdict_clear (&v);
  expect_error (dcap_verify (&q, untrusted, time (NULL), &v, &err), &err, "sim root trusted");
  expect_error (dcap_verify (&q, wrong, time (NULL), &v, &err), &err, "trusted sim root");
  /* Intel's root cannot be passed off as a sim root. */
  dcap_collateral_free (c);
  dcap_collateral_free (untrusted);
  dcap_collateral_free (wrong);
}

/* The DER of the certificates of a PEM chain, concatenated. */
static size_t
chain_der (const char *pem, size_t len, uint8_t *out, size_t max)
{
  BIO *bio = BIO_new_mem_buf (pem, len);
  X509 *cert;
  size_t n = 0;
  while ((cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    {
      int k = i2d_X509 (cert, NULL);
      uint8_t *p = out + n;
      if (k > 0 && n + k <= max)
        n += i2d_X509 (cert, &p);
      X509_free (cert);
    }
  BIO_free (bio);
  return n;
}

static void
test_every_quote_byte_matters (void **state)
{
  size_t len, checked = 0;
  cleanup_free uint8_t *quote = make_quote (w.p, &len);
  struct dcap_collateral *c = collateral (w.p, sim_platform_root_ca (w.p));
  ic_error_t err = NULL;

  struct sgx_quote orig;
  static uint8_t der[16384], mutated_der[16384];
  size_t der_len;

  assert_int_equal (sgx_quote_parse (quote, len, &orig, &err), 0);
  der_len = chain_der (orig.pck_chain, orig.pck_chain_len, der, sizeof (der));
  /* Every byte, the PEM chain included: there, only a change that decodes to the same
     certificates (a base64 digit's unused low bits) may still verify. */
  for (size_t i = 0; i < len; i++)
    {
      struct sgx_quote q;
      struct dcap_verdict v;
      quote[i] ^= 0x04;
      if (sgx_quote_parse (quote, len, &q, &err) == 0
          && dcap_verify (&q, c, time (NULL), &v, &err) == 0)
        {
          size_t n = chain_der (q.pck_chain, q.pck_chain_len, mutated_der, sizeof (mutated_der));
          if (n != der_len || memcmp (der, mutated_der, n) != 0)
            fail_msg ("quote byte %zu of %zu changed and it still verifies", i, len);
          dcap_verdict_clear (&v);
        }
      ic_error_release (&err);
      quote[i] ^= 0x04;
      checked++;
    }
  assert_true (checked > 4000);
  dcap_collateral_free (c);
}

/* A chain that verified once is remembered only for the window its certificates and CRLs
   hold: outside it, the same quote is checked again, and refused. */
static void
test_cached_chain_window (void **state)
{
  size_t len;
  cleanup_free uint8_t *quote = make_quote (w.p, &len);
  struct dcap_collateral *c = collateral (w.p, sim_platform_root_ca (w.p));
  time_t now = time (NULL);
  struct sgx_quote q;
  struct dcap_verdict v;
  ic_error_t err = NULL;

  assert_int_equal (sgx_quote_parse (quote, len, &q, &err), 0);
  assert_int_equal (dcap_verify (&q, c, now, &v, &err), 0);
  dcap_verdict_clear (&v);
  assert_int_equal (dcap_verify (&q, c, now + 60, &v, &err), 0);
  dcap_verdict_clear (&v);
  expect_error (dcap_verify (&q, c, now - 2 * 24 * 3600, &v, &err), &err, "");
  expect_error (dcap_verify (&q, c, now + 40 * 24 * 3600, &v, &err), &err, "");
  expect_error (dcap_verify (&q, c, now + 30LL * 365 * 24 * 3600, &v, &err), &err, "");
  /* Another root trusted in between: the remembered chain is forgotten. */
  assert_int_equal (dcap_collateral_trust_sim_root (c, sim_platform_root_ca (w.other), &err), 0);
  expect_error (dcap_verify (&q, c, now, &v, &err), &err, "trusted sim root");
  dcap_collateral_free (c);
}

static void
test_revoked_pck (void **state)
{
  char dir[] = "/tmp/test-sim-revoked.XXXXXX";
  struct sim_platform *p = NULL;
  struct dcap_collateral *c;
  struct sgx_quote q;
  struct dcap_verdict v;
  ic_error_t err = NULL;
  size_t len;
  cleanup_free uint8_t *quote = NULL;
  cleanup_free char *cmd = NULL;

  assert_non_null (mkdtemp (dir));
  assert_int_equal (sim_platform_open (dir, &p, &err), 0);
  quote = make_quote (p, &len);
  assert_int_equal (sim_platform_revoke_pck (p, &err), 0);
  c = collateral (p, sim_platform_root_ca (p));
  assert_int_equal (sgx_quote_parse (quote, len, &q, &err), 0);
  expect_error (dcap_verify (&q, c, time (NULL), &v, &err), &err, "revoked");
  dcap_collateral_free (c);
  sim_platform_free (p);
  cmd = xasprintf ("rm -rf '%s'", dir);
  assert_int_equal (system (cmd), 0);
}

static void
test_platform_persists (void **state)
{
  struct sim_platform *again = NULL;
  struct dcap_collateral *c;
  struct sgx_quote q;
  struct dcap_verdict v;
  ic_error_t err = NULL;
  size_t len;
  cleanup_free uint8_t *quote = make_quote (w.p, &len);

  /* Reopening keeps the keys: the old quote still verifies with the reopened collateral. */
  assert_int_equal (sim_platform_open (w.dir, &again, &err), 0);
  c = collateral (again, sim_platform_root_ca (again));
  assert_int_equal (sgx_quote_parse (quote, len, &q, &err), 0);
  assert_int_equal (dcap_verify (&q, c, time (NULL), &v, &err), 0);
  dcap_verdict_clear (&v);
  dcap_collateral_free (c);
  sim_platform_free (again);
  /* A root that is not self-signed, or Intel's, is not accepted as a sim root. */
  c = collateral (w.p, NULL);
  {
    cleanup_free char *pck = xasprintf ("%s/pck.pem", w.dir);
    expect_error (dcap_collateral_trust_sim_root (c, pck, &err), &err, "self-signed");
  }
  dcap_collateral_free (c);
}

/* sim_platform_prepare creates a platform as sim_platform_open would; a ready one it leaves
   alone without loading it (its keys are not even read: an unreadable key goes unnoticed
   until the platform is opened). */
static void
test_prepare (void **state)
{
  char dir[] = "/tmp/test-sim-prepare.XXXXXX";
  struct sim_platform *p = NULL;
  ic_error_t err = NULL;
  cleanup_free char *root = NULL, *key = NULL, *cmd = NULL;
  struct stat before, after;

  assert_non_null (mkdtemp (dir));
  root = xasprintf ("%s/root-ca.pem", dir);
  key = xasprintf ("%s/pck.key", dir);
  assert_int_equal (sim_platform_prepare (dir, &err), 0);
  assert_int_equal (stat (root, &before), 0);
  assert_int_equal (sim_platform_prepare (dir, &err), 0);
  assert_int_equal (stat (root, &after), 0);
  assert_int_equal (before.st_ino, after.st_ino);
  assert_int_equal (before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  assert_int_equal (truncate (key, 0), 0);
  assert_int_equal (sim_platform_prepare (dir, &err), 0);
  assert_int_not_equal (sim_platform_open (dir, &p, &err), 0);
  assert_non_null (err);
  ic_error_release (&err);
  cmd = xasprintf ("rm -rf '%s'", dir);
  assert_int_equal (system (cmd), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_einit_checks),
    cmocka_unit_test (test_reports),
    cmocka_unit_test (test_quote_verifies_only_with_the_sim_root),
    cmocka_unit_test (test_every_quote_byte_matters),
    cmocka_unit_test (test_cached_chain_window),
    cmocka_unit_test (test_revoked_pck),
    cmocka_unit_test (test_platform_persists),
    cmocka_unit_test (test_prepare),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
