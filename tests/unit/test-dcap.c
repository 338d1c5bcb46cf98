/* Unit tests of the native DCAP verifier on the recorded SGX quote and its collateral: the
   expected verdict as of a time inside the window, and the rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "dcap-internal.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char vectors[4096];

static int
find_vectors (void **state)
{
  return vectors_find ("sgx-dcap-v3/quote.bin", vectors, sizeof (vectors));
}

struct fixture
{
  char *quote;
  size_t len;
  struct sgx_quote q;
  struct dcap_collateral *c;
};

static void
load (struct fixture *f, const char *collateral_dir)
{
  cleanup_free char *qpath = xasprintf ("%s/sgx-dcap-v3/quote.bin", vectors);
  cleanup_free char *cdir = collateral_dir ? xstrdup (collateral_dir)
                                           : xasprintf ("%s/sgx-dcap-v3/collateral", vectors);
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

static void
expect_failure (struct fixture *f, time_t as_of, const char *mention)
{
  struct dcap_verdict v;
  ic_error_t err = NULL;
  assert_int_equal (dcap_verify (&f->q, f->c, as_of, &v, &err), -1);
  if (mention && strstr (ic_error_message (err), mention) == NULL)
    fail_msg ("`%s` does not mention `%s`", ic_error_message (err), mention);
  ic_error_release (&err);
}

static void
test_expected_verdict (void **state)
{
  struct fixture f = { 0 };
  struct dcap_verdict v;
  ic_error_t err = NULL;

  load (&f, NULL);
  if (dcap_verify (&f.q, f.c, dcap_parse_time ("2025-07-04T10:28:44Z"), &v, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
  assert_string_equal (v.tcb_status, "ConfigurationAndSWHardeningNeeded");
  assert_string_equal (v.qe_tcb_status, "UpToDate");
  assert_string_equal (v.fmspc, "00A067110000");
  assert_non_null (v.advisory_ids[0]);
  assert_string_equal (v.advisory_ids[0], "INTEL-SA-00289");
  assert_string_equal (v.advisory_ids[1], "INTEL-SA-00615");
  assert_null (v.advisory_ids[2]);
  dcap_verdict_clear (&v);
  unload (&f);
}

static void
test_expired_and_early (void **state)
{
  struct fixture f = { 0 };
  struct dcap_verdict v;
  ic_error_t err = NULL;
  load (&f, NULL);
  expect_failure (&f, dcap_parse_time ("2026-01-01T00:00:00Z"), NULL);
  expect_failure (&f, dcap_parse_time ("2025-06-01T00:00:00Z"), NULL);
  /* The collateral remembers a successful verification only for its validity window. */
  assert_int_equal (dcap_verify (&f.q, f.c, dcap_parse_time ("2025-07-04T10:28:44Z"), &v, &err), 0);
  dcap_verdict_clear (&v);
  expect_failure (&f, dcap_parse_time ("2026-01-01T00:00:00Z"), NULL);
  expect_failure (&f, dcap_parse_time ("2025-06-01T00:00:00Z"), NULL);
  expect_failure (&f, dcap_parse_time ("2025-07-19T10:56:11Z"), NULL);
  assert_int_equal (dcap_verify (&f.q, f.c, dcap_parse_time ("2025-07-10T00:00:00Z"), &v, &err), 0);
  dcap_verdict_clear (&v);
  unload (&f);
}

/* Each byte of the quote changed: it no longer verifies with the same verdict. */
static void
test_quote_mutations (void **state)
{
  struct fixture f = { 0 };
  time_t as_of = dcap_parse_time ("2025-07-04T10:28:44Z");
  ic_error_t err = NULL;
  size_t checked = 0;

  load (&f, NULL);
  /* the header, bodies and signatures; the PEM chain is tested by chain verification */
  for (size_t i = 0; i < f.len - f.q.pck_chain_len; i += 1)
    {
      struct sgx_quote q;
      struct dcap_verdict v;
      f.quote[i] ^= 0x04;
      if (sgx_quote_parse ((uint8_t *)f.quote, f.len, &q, &err) == 0
          && dcap_verify (&q, f.c, as_of, &v, &err) == 0)
        fail_msg ("quote byte %zu changed and it still verifies (%s)", i, v.tcb_status);
      ic_error_release (&err);
      f.quote[i] ^= 0x04;
      checked++;
    }
  assert_true (checked > 1000);
  unload (&f);
}

/* A copy of the collateral with one file's signed content changed. */
static char *
tampered_collateral (const char *file, const char *from, const char *to)
{
  char tmpl[] = "/tmp/test-dcap.XXXXXX";
  char *dir = xstrdup (mkdtemp (tmpl));
  for (size_t i = 0; i < COLLATERAL_FILES; i++)
    {
      cleanup_free char *src
          = xasprintf ("%s/sgx-dcap-v3/collateral/%s", vectors, collateral_files[i]);
      cleanup_free char *dst = xasprintf ("%s/%s", dir, collateral_files[i]);
      cleanup_free char *data = NULL;
      size_t len;
      assert_int_equal (read_file_at (AT_FDCWD, src, 1 << 20, &data, &len, NULL), 0);
      if (strcmp (collateral_files[i], file) == 0)
        {
          char *at = strstr (data, from);
          assert_non_null (at);
          memcpy (at, to, strlen (to)); /* same length */
        }
      assert_int_equal (write_file_at (AT_FDCWD, dst, data, len, 0600, NULL), 0);
    }
  return dir;
}

static void
test_tampered_collateral (void **state)
{
  const char *cases[][3] = {
    { "tcb_info.json", "\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"UpToDat\"  " },
    { "tcb_info.json", "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A067110001\"" },
    { "qe_identity.json", "\"isvprodid\":1", "\"isvprodid\":2" },
  };
  time_t as_of = dcap_parse_time ("2025-07-04T10:28:44Z");
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      struct fixture f = { 0 };
      char *dir = tampered_collateral (cases[i][0], cases[i][1], cases[i][2]);
      load (&f, dir);
      expect_failure (&f, as_of, "signature");
      unload (&f);
      remove_dir (dir);
    }
}

/* QE identities that are well-formed JSON but not what Intel publishes: each is refused. */
static void
test_malformed_qe_identity (void **state)
{
  const char *head = "{\"mrsigner\":\""
                     "0000000000000000000000000000000000000000000000000000000000000000"
                     "\",\"isvprodid\":1,\"miscselect\":\"00000000\",\"miscselectMask\":"
                     "\"FFFFFFFF\",\"attributes\":\"00000000000000000000000000000000\","
                     "\"attributesMask\":\"00000000000000000000000000000000\"";
  const char *cases[][2] = {
    { ",\"tcbLevels\":\"x\"}", "malformed" },
    { ",\"tcbLevels\":{}}", "malformed" },
    { "}", "malformed" },
    { ",\"tcbLevels\":[]}", "below every known level" },
    { ",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":11},\"tcbStatus\":\"UpToDate\"}]}",
      "below every known level" },
    { ",\"tcbLevels\":[1,\"a\",{\"tcb\":7}]}", "below every known level" },
  };
  struct sgx_report_body qe = { .isvprodid = 1, .isvsvn = 10 };
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      cleanup_free char *text = xasprintf ("%s%s", head, cases[i][0]);
      json_object *id = json_tokener_parse (text);
      struct dcap_verdict v = { 0 };
      ic_error_t err = NULL;
      assert_non_null (id);
      assert_int_equal (dcap_check_qe (&qe, id, &v, &err), -1);
      if (strstr (ic_error_message (err), cases[i][1]) == NULL)
        fail_msg ("case %zu: `%s` does not mention `%s`", i, ic_error_message (err), cases[i][1]);
      ic_error_release (&err);
      json_object_put (id);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_expected_verdict),      cmocka_unit_test (test_expired_and_early),
    cmocka_unit_test (test_quote_mutations),       cmocka_unit_test (test_tampered_collateral),
    cmocka_unit_test (test_malformed_qe_identity),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
