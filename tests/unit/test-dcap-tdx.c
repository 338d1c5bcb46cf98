/* Unit tests of TDX quote verification on the recorded TDX quote v4 and its collateral: the
   verdict the vector's expected.env states, then the rejections: every byte of the quote's
   signed part changed, TEE TCB SVNs and module identities below or outside the TCB info,
   and collateral of the wrong kind (SGX for a TDX quote, TDX for an SGX quote). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "dcap-internal.h"
#include "quote-signatures.h"
#include "utils.h"
#include <fcntl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char vectors[4096];
#define AS_OF "2025-07-04T10:16:31Z"

static int
find_vectors (void **state)
{
  return vectors_find ("tdx-dcap-v4/quote.bin", vectors, sizeof (vectors));
}

struct fixture
{
  char *quote;
  size_t len;
  struct sgx_quote q;
  struct dcap_collateral *c;
};

static void
load (struct fixture *f, const char *vector, const char *collateral_dir)
{
  cleanup_free char *qpath = xasprintf ("%s/%s/quote.bin", vectors, vector);
  cleanup_free char *cdir
      = collateral_dir ? xstrdup (collateral_dir) : xasprintf ("%s/%s/collateral", vectors, vector);
  ic_error_t err = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, qpath, SGX_QUOTE_MAX_SIZE, &f->quote, &f->len, &err),
                    0);
  assert_int_equal (sgx_quote_parse ((uint8_t *)f->quote, f->len, &f->q, &err), 0);
  if (dcap_collateral_load (cdir, &f->c, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
}

static void
unload (struct fixture *f)
{
  dcap_collateral_free (f->c);
  free (f->quote);
}

/* KEY=value from the vector's expected.env. */
static char *
expected (const char *key)
{
  cleanup_free char *path = xasprintf ("%s/tdx-dcap-v4/expected.env", vectors), *data = NULL;
  cleanup_free char *prefix = xasprintf ("%s=", key);
  size_t len;
  assert_int_equal (read_file_at (AT_FDCWD, path, 1 << 16, &data, &len, NULL), 0);
  for (char *line = strtok (data, "\n"); line; line = strtok (NULL, "\n"))
    if (has_prefix (line, prefix))
      return xstrdup (line + strlen (prefix));
  fail_msg ("expected.env has no %s", key);
  return NULL;
}

static void
hex (const uint8_t *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf (out + 2 * i, "%02x", b[i]);
}

static void
test_expected_verdict (void **state)
{
  cleanup_free char *status = expected ("STATUS"), *mrtd = expected ("MEASUREMENT");
  cleanup_free char *as_of = expected ("AS_OF");
  struct fixture f = { 0 };
  struct dcap_verdict v;
  ic_error_t err = NULL;
  char got[2 * 64 + 1];

  load (&f, "tdx-dcap-v4", NULL);
  assert_non_null (f.q.td_report);
  if (dcap_verify (&f.q, f.c, dcap_parse_time (as_of), &v, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
  assert_string_equal (v.tcb_status, status);
  assert_string_equal (v.tcb_status, "UpToDate");
  assert_null (v.advisory_ids[0]); /* "no advisories" (README.txt) */
  assert_string_equal (v.qe_tcb_status, "UpToDate");
  assert_string_equal (v.tdx_module_tcb_status, "UpToDate");
  assert_string_equal (v.fmspc, "B0C06F000000");
  assert_false (v.simulated);
  hex (f.q.td_report->mrtd, 48, got);
  assert_string_equal (got, mrtd);
  hex (f.q.td_report->tee_tcb_svn, 16, got);
  assert_string_equal (got, "06010300000000000000000000000000");
  hex (f.q.td_report->report_data, 64, got);
  assert_string_equal (got, "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9"
                            "eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20");
  dcap_verdict_clear (&v);
  /* Outside the collateral's window it does not verify. */
  assert_int_equal (dcap_verify (&f.q, f.c, dcap_parse_time ("2025-07-20T00:00:00Z"), &v, &err),
                    -1);
  ic_error_release (&err);
  unload (&f);
}

/* Each byte of the TD report body, header and signature data (not the PEM chain, which chain
   verification covers) changed: the quote no longer verifies. */
static void
test_quote_mutations (void **state)
{
  struct fixture f = { 0 };
  time_t as_of = dcap_parse_time (AS_OF);
  ic_error_t err = NULL;
  size_t checked = 0;

  load (&f, "tdx-dcap-v4", NULL);
  for (size_t i = 0; i < f.len - f.q.pck_chain_len; i++)
    {
      struct sgx_quote q;
      struct dcap_verdict v;
      f.quote[i] ^= 0x10;
      if (sgx_quote_parse ((uint8_t *)f.quote, f.len, &q, &err) == 0
          && dcap_verify (&q, f.c, as_of, &v, &err) == 0)
        fail_msg ("TDX quote byte %zu changed and it still verifies (%s)", i, v.tcb_status);
      ic_error_release (&err);
      f.quote[i] ^= 0x10;
      checked++;
    }
  assert_true (checked >= 48 + 584 + 4 + 128);
  unload (&f);
}

/* The TCB evaluation itself, on the real TCB info with TD reports we change. */
struct tcb_case
{
  json_object *tcb_info;
  struct pck_tcb pck;
  struct tdx_report_body td;
  struct signed_json doc;
};

static void
tcb_case_load (struct tcb_case *t)
{
  cleanup_free char *path = xasprintf ("%s/tdx-dcap-v4/collateral/tcb_info.json", vectors);
  cleanup_free char *data = NULL;
  struct fixture f = { 0 };
  BIO *bio;
  X509 *pck;
  size_t len;
  ic_error_t err = NULL;

  assert_int_equal (read_file_at (AT_FDCWD, path, 1 << 20, &data, &len, NULL), 0);
  assert_int_equal (dcap_signed_json_parse (data, "tcbInfo", &t->doc, &err), 0);
  t->tcb_info = t->doc.object;
  load (&f, "tdx-dcap-v4", NULL);
  t->td = *f.q.td_report;
  bio = BIO_new_mem_buf (f.q.pck_chain, f.q.pck_chain_len);
  pck = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  assert_non_null (pck);
  assert_int_equal (dcap_read_pck_tcb (pck, &t->pck, &err), 0);
  X509_free (pck);
  BIO_free (bio);
  unload (&f);
}

static int
evaluate (struct tcb_case *t, struct dcap_verdict *v, ic_error_t *err)
{
  memset (v, 0, sizeof (*v));
  return dcap_tdx_platform_level (t->tcb_info, &t->pck, &t->td, v, err);
}

static void
expect_level (struct tcb_case *t, const char *status, const char *module_status, size_t advisories)
{
  struct dcap_verdict v;
  ic_error_t err = NULL;
  size_t n = 0;
  if (evaluate (t, &v, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
  assert_string_equal (v.tcb_status, status);
  assert_string_equal (v.tdx_module_tcb_status, module_status);
  while (v.advisory_ids[n])
    n++;
  assert_int_equal (n, advisories);
  dcap_verdict_clear (&v);
}

static void
expect_refusal (struct tcb_case *t, const char *mention)
{
  struct dcap_verdict v;
  ic_error_t err = NULL;
  assert_int_equal (evaluate (t, &v, &err), -1);
  if (strstr (ic_error_message (err), mention) == NULL)
    fail_msg ("`%s` does not mention `%s`", ic_error_message (err), mention);
  ic_error_release (&err);
  dcap_verdict_clear (&v);
}

static void
test_tee_tcb_svn_levels (void **state)
{
  struct tcb_case t;
  struct tdx_report_body orig;

  tcb_case_load (&t);
  orig = t.td;
  /* As recorded: module TDX_01 at SVN 6, the first level. */
  expect_level (&t, "UpToDate", "UpToDate", 0);
  /* The TDX late microcode SVN (byte 2) below every level. */
  t.td.tee_tcb_svn[2] = 1;
  expect_refusal (&t, "below every known TDX level");
  t.td = orig;
  /* A byte past the first three above nothing: still the first level. */
  t.td.tee_tcb_svn[9] = 200;
  expect_level (&t, "UpToDate", "UpToDate", 0);
  t.td = orig;
  /* The module's SVN: TDX_01's OutOfDate level (isvsvn 2) lowers the platform's status. */
  t.td.tee_tcb_svn[0] = 3;
  expect_level (&t, "OutOfDate", "OutOfDate", 0);
  t.td.tee_tcb_svn[0] = 1;
  expect_refusal (&t, "below every known level");
  t.td = orig;
  /* A major version without an identity; TDX_03 exists and its level 3 is reached. */
  t.td.tee_tcb_svn[1] = 2;
  expect_refusal (&t, "no TDX module identity TDX_02");
  t.td.tee_tcb_svn[1] = 3;
  expect_level (&t, "UpToDate", "UpToDate", 0);
  /* Major version 0: tdxModule, and bytes 0-1 compared with the levels (5 and 0). */
  t.td.tee_tcb_svn[1] = 0;
  expect_level (&t, "UpToDate", "", 0);
  t.td.tee_tcb_svn[0] = 4;
  expect_refusal (&t, "below every known TDX level");
  t.td = orig;
  /* The module's signer and attributes. */
  t.td.mrsignerseam[47] = 1;
  expect_refusal (&t, "MRSIGNERSEAM");
  t.td = orig;
  t.td.seam_attributes[0] = 1;
  expect_refusal (&t, "SEAMATTRIBUTES");
  t.td = orig;
  /* The PCK's PCE SVN below the first level's (11): the second level, OutOfDate with its 14
     advisories. */
  t.pck.pcesvn = 10;
  expect_level (&t, "OutOfDate", "UpToDate", 14);
  t.pck.pcesvn = 4;
  expect_refusal (&t, "below every known TDX level");
  t.pck.pcesvn = 11;
  t.pck.comp[7] = 4; /* SEAMLDR ACM below 5 */
  expect_refusal (&t, "below every known TDX level");
  t.pck.comp[7] = 5;
  t.pck.fmspc[5] ^= 1;
  expect_refusal (&t, "another platform");
  dcap_signed_json_clear (&t.doc);
}

/* A TCB info shaped like Intel's but with a Revoked module level: the platform is Revoked. */
static void
test_module_status_merge (void **state)
{
  struct tcb_case t;
  json_object *ids, *levels, *level;
  tcb_case_load (&t);
  assert_true (json_object_object_get_ex (t.tcb_info, "tdxModuleIdentities", &ids));
  /* TDX_01 is the second identity; its second level (isvsvn 2) becomes Revoked. */
  assert_true (
      json_object_object_get_ex (json_object_array_get_idx (ids, 1), "tcbLevels", &levels));
  level = json_object_array_get_idx (levels, 1);
  json_object_object_add (level, "tcbStatus", json_object_new_string ("Revoked"));
  t.td.tee_tcb_svn[0] = 2;
  expect_level (&t, "Revoked", "Revoked", 0);
  dcap_signed_json_clear (&t.doc);
}

/* A collateral directory made of files from two vectors. */
static char *
mixed_collateral (const char *base, const char *docs)
{
  char tmpl[] = "/tmp/test-dcap-tdx.XXXXXX";
  char *dir = xstrdup (mkdtemp (tmpl));
  for (size_t i = 0; i < COLLATERAL_FILES; i++)
    {
      bool doc
          = strstr (collateral_files[i], "tcb_info") || strstr (collateral_files[i], "qe_identity");
      cleanup_free char *src
          = xasprintf ("%s/%s/collateral/%s", vectors, doc ? docs : base, collateral_files[i]);
      cleanup_free char *dst = xasprintf ("%s/%s", dir, collateral_files[i]);
      cleanup_free char *data = NULL;
      size_t len;
      assert_int_equal (read_file_at (AT_FDCWD, src, 1 << 20, &data, &len, NULL), 0);
      assert_int_equal (write_file_at (AT_FDCWD, dst, data, len, 0600, NULL), 0);
    }
  return dir;
}

static void
expect_verify_failure (const char *vector, const char *dir, const char *as_of, const char *mention)
{
  struct fixture f = { 0 };
  struct dcap_verdict v;
  ic_error_t err = NULL;
  load (&f, vector, dir);
  assert_int_equal (dcap_verify (&f.q, f.c, dcap_parse_time (as_of), &v, &err), -1);
  if (strstr (ic_error_message (err), mention) == NULL)
    fail_msg ("`%s` does not mention `%s`", ic_error_message (err), mention);
  ic_error_release (&err);
  unload (&f);
}

static void
test_wrong_kind_of_collateral (void **state)
{
  /* Both sets of documents are valid (signed by Intel) as of this time. */
  const char *both = "2025-07-04T10:28:44Z";
  char *dir;
  struct fixture f = { 0 };
  struct dcap_verdict v;
  ic_error_t err = NULL;

  /* The TDX platform's CRLs, the SGX platform's TCB info and QE identity. */
  dir = mixed_collateral ("tdx-dcap-v4", "sgx-dcap-v3");
  expect_verify_failure ("tdx-dcap-v4", dir, both, "TCB info: id `SGX`");
  remove_dir (dir);
  /* The other way round. */
  dir = mixed_collateral ("sgx-dcap-v3", "tdx-dcap-v4");
  expect_verify_failure ("sgx-dcap-v3", dir, both, "TCB info: id `TDX`");
  remove_dir (dir);
  /* The SGX collateral directory as it is, for the TDX quote. */
  dir = xasprintf ("%s/sgx-dcap-v3/collateral", vectors);
  load (&f, "tdx-dcap-v4", dir);
  assert_int_equal (dcap_verify (&f.q, f.c, dcap_parse_time (both), &v, &err), -1);
  ic_error_release (&err);
  unload (&f);
  free (dir);
  /* Both files checked: a TDX TCB info with an SGX QE identity. */
  {
    json_object *tcb = json_tokener_parse ("{\"id\":\"TDX\",\"version\":3}");
    json_object *qe = json_tokener_parse ("{\"id\":\"QE\",\"version\":2}");
    json_object *sgx_tcb = json_tokener_parse ("{\"version\":3}");
    load (&f, "tdx-dcap-v4", NULL);
    assert_int_equal (dcap_check_collateral_kind (&f.q, tcb, qe, &err), -1);
    assert_non_null (strstr (ic_error_message (err), "QE identity: id `QE`"));
    ic_error_release (&err);
    json_object_object_add (qe, "id", json_object_new_string ("TD_QE"));
    assert_int_equal (dcap_check_collateral_kind (&f.q, tcb, qe, &err), 0);
    json_object_object_add (tcb, "version", json_object_new_int (2));
    assert_int_equal (dcap_check_collateral_kind (&f.q, tcb, qe, &err), -1);
    ic_error_release (&err);
    unload (&f);
    /* An SGX quote needs id SGX, or no id in a version 2 TCB info. */
    load (&f, "sgx-dcap-v3", NULL);
    json_object_object_add (qe, "id", json_object_new_string ("QE"));
    assert_int_equal (dcap_check_collateral_kind (&f.q, sgx_tcb, qe, &err), -1);
    ic_error_release (&err);
    json_object_object_add (sgx_tcb, "version", json_object_new_int (2));
    assert_int_equal (dcap_check_collateral_kind (&f.q, sgx_tcb, qe, &err), 0);
    unload (&f);
    json_object_put (tcb);
    json_object_put (qe);
    json_object_put (sgx_tcb);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_expected_verdict),         cmocka_unit_test (test_quote_mutations),
    cmocka_unit_test (test_tee_tcb_svn_levels),       cmocka_unit_test (test_module_status_merge),
    cmocka_unit_test (test_wrong_kind_of_collateral),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
