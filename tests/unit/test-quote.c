/* Unit tests of the DCAP quote parser on the recorded quotes: the fields the vectors' READMEs
   list, and every truncation and lying length refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "quote-signatures.h"
#include "quote.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

static int
find_vectors (void **state)
{
  return vectors_find ("sgx-dcap-v3/quote.bin", dir, sizeof (dir));
}

static uint8_t *
load (const char *name, size_t *len)
{
  cleanup_free char *path = xasprintf ("%s/%s/quote.bin", dir, name);
  char *data = NULL;
  ic_error_t err = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, path, SGX_QUOTE_MAX_SIZE, &data, len, &err), 0);
  return (uint8_t *)data;
}

static void
assert_hex (const uint8_t *b, size_t n, const char *want)
{
  char got[2 * 64 + 1];
  for (size_t i = 0; i < n; i++)
    sprintf (got + 2 * i, "%02x", b[i]);
  assert_string_equal (got, want);
}

static void
test_sgx_v3 (void **state)
{
  size_t len;
  cleanup_free uint8_t *q = load ("sgx-dcap-v3", &len);
  struct sgx_quote quote;
  ic_error_t err = NULL;

  assert_int_equal (sgx_quote_parse (q, len, &quote, &err), 0);
  assert_int_equal (quote.header->version, 3);
  assert_int_equal (quote.header->qe_svn, 10);
  assert_int_equal (quote.header->pce_svn, 15);
  assert_null (quote.td_report);
  assert_hex (quote.report->mrenclave, 32,
              "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
  assert_hex (quote.report->mrsigner, 32,
              "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6");
  assert_hex ((const uint8_t *)&quote.report->attributes, 16, "0500000000000000e700000000000000");
  assert_int_equal (quote.report->isvprodid, 0);
  assert_memory_equal (quote.report->report_data, "Hello, world!\0\0\0", 16);
  assert_int_equal (quote.signed_len, 48 + 384);
  assert_int_equal (quote.qe_auth_len, 32);
  assert_non_null (strstr (quote.pck_chain, "BEGIN CERTIFICATE"));
}

static void
test_tdx_v4 (void **state)
{
  size_t len;
  cleanup_free uint8_t *q = load ("tdx-dcap-v4", &len);
  struct sgx_quote quote;
  ic_error_t err = NULL;

  assert_int_equal (sgx_quote_parse (q, len, &quote, &err), 0);
  assert_int_equal (quote.header->version, 4);
  assert_int_equal (quote.header->tee_type, SGX_QUOTE_TEE_TDX);
  assert_null (quote.report);
  assert_hex (quote.td_report->mrtd, 32,
              "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407");
  assert_hex (quote.td_report->tee_tcb_svn, 16, "06010300000000000000000000000000");
  assert_int_equal (quote.signed_len, 48 + 584);
}

/* Every prefix of a quote is refused, and so is any non-zero byte in the padding. */
static void
test_truncations (void **state)
{
  size_t len;
  cleanup_free uint8_t *q = load ("sgx-dcap-v3", &len);
  struct sgx_quote quote;
  ic_error_t err = NULL;

  for (size_t n = 0; n < len; n++)
    {
      if (sgx_quote_parse (q, n, &quote, &err) == 0)
        fail_msg ("a quote cut to %zu of %zu bytes parses", n, len);
      ic_error_release (&err);
    }
  uint8_t *padded = xmalloc0 (len + 16);
  memcpy (padded, q, len);
  assert_int_equal (sgx_quote_parse (padded, len + 16, &quote, &err), 0);
  padded[len + 3] = 1;
  assert_int_equal (sgx_quote_parse (padded, len + 16, &quote, &err), -1);
  ic_error_release (&err);
  free (padded);
}

/* Each length field of the quote, made to lie, is caught. */
static void
test_lying_lengths (void **state)
{
  size_t len;
  cleanup_free uint8_t *q = load ("sgx-dcap-v3", &len);
  struct sgx_quote quote;
  ic_error_t err = NULL;
  const size_t sig_len_at = 432, qe_auth_at = 436 + 64 + 64 + 384 + 64;
  const size_t cert_size_at = qe_auth_at + 2 + 32 + 2;
  const size_t fields[][2] = { { sig_len_at, 4 }, { qe_auth_at, 2 }, { cert_size_at, 4 } };

  for (size_t f = 0; f < 3; f++)
    for (int delta = -3; delta <= 3; delta += 2)
      {
        uint32_t v = 0;
        memcpy (&v, q + fields[f][0], fields[f][1]);
        v += delta;
        memcpy (q + fields[f][0], &v, fields[f][1]);
        if (sgx_quote_parse (q, len, &quote, &err) == 0)
          fail_msg ("length at %zu off by %d accepted", fields[f][0], delta);
        ic_error_release (&err);
        v -= delta;
        memcpy (q + fields[f][0], &v, fields[f][1]);
      }
  q[0] = 9; /* version */
  assert_int_equal (sgx_quote_parse (q, len, &quote, &err), -1);
  ic_error_release (&err);
}

static void
check_vector_signatures (const char *name)
{
  size_t len;
  cleanup_free uint8_t *q = load (name, &len);
  struct sgx_quote quote;
  ic_error_t err = NULL;
  EVP_PKEY *pck = NULL;

  assert_int_equal (sgx_quote_parse (q, len, &quote, &err), 0);
  assert_int_equal (sgx_quote_pck_key (&quote, &pck, &err), 0);
  if (sgx_quote_check_signatures (&quote, pck, &err) < 0)
    fail_msg ("%s: %s", name, ic_error_message (err));
  EVP_PKEY_free (pck);
}

static void
test_vector_signatures (void **state)
{
  check_vector_signatures ("sgx-dcap-v3");
  check_vector_signatures ("tdx-dcap-v4");
  check_vector_signatures ("ratstls-cert");
}

/* Every byte of the signed data, of the QE report, of the QE auth data and of the attestation
   key, changed, breaks a link. */
static void
test_signature_mutations (void **state)
{
  const char *names[] = { "sgx-dcap-v3", "tdx-dcap-v4" };
  for (size_t v = 0; v < 2; v++)
    {
      size_t len, checked = 0;
      cleanup_free uint8_t *q = load (names[v], &len);
      struct sgx_quote quote;
      ic_error_t err = NULL;
      EVP_PKEY *pck = NULL;
      size_t qe_part, qe_end;

      assert_int_equal (sgx_quote_parse (q, len, &quote, &err), 0);
      assert_int_equal (sgx_quote_pck_key (&quote, &pck, &err), 0);
      qe_part = (const uint8_t *)quote.signature - q;
      qe_end = quote.qe_auth_data + quote.qe_auth_len - q;
      for (size_t i = 0; i < qe_end; i++)
        {
          bool is_length = (i >= quote.signed_len && i < quote.signed_len + 4)
                           || (i >= qe_part + 128 + 384 + 64 && i < qe_part + 128 + 384 + 64 + 8);
          if (is_length || (v == 1 && i >= qe_part + 128 && i < qe_part + 128 + 6))
            continue; /* length and type fields: the parser's business */
          q[i] ^= 0x20;
          if (sgx_quote_parse (q, len, &quote, &err) == 0
              && sgx_quote_check_signatures (&quote, pck, &err) == 0)
            fail_msg ("%s: byte %zu changed and the signatures still hold", names[v], i);
          ic_error_release (&err);
          q[i] ^= 0x20;
          checked++;
        }
      assert_true (checked > 1000);
      assert_int_equal (sgx_quote_parse (q, len, &quote, &err), 0);
      EVP_PKEY_free (pck);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sgx_v3),
    cmocka_unit_test (test_tdx_v4),
    cmocka_unit_test (test_truncations),
    cmocka_unit_test (test_lying_lengths),
    cmocka_unit_test (test_vector_signatures),
    cmocka_unit_test (test_signature_mutations),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
