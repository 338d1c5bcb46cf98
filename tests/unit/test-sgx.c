/* Unit tests of the SGX core against the recorded vectors: MRENCLAVE of a real enclave's SGXS
   stream, its SIGSTRUCT's signature, Q1/Q2 and MRSIGNER, every mutation rejected, and signing
   with a key of our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "measure.h"
#include "sigstruct.h"
#include "utils.h"
#include <fcntl.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The recorded enclave. Missing vectors fail the tests, never skip them. */
static char SGXS[4096], SIG[4096];

static int
find_vectors (void **state)
{
  char dir[4000];
  if (vectors_find ("sgx-sigstruct/test_enclave.sig", dir, sizeof (dir)) < 0)
    return -1;
  snprintf (SGXS, sizeof (SGXS), "%s/sgx-sigstruct/test_enclave.sgxs", dir);
  snprintf (SIG, sizeof (SIG), "%s/sgx-sigstruct/test_enclave.sig", dir);
  return 0;
}

static void
hex (const uint8_t *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf (out + 2 * i, "%02x", b[i]);
}

static void
assert_hex (const uint8_t *b, size_t n, const char *want)
{
  char got[2 * 64 + 1];
  hex (b, n, got);
  assert_string_equal (got, want);
}

static void
test_mrenclave_of_sgxs (void **state)
{
  cleanup_free char *data = NULL;
  struct sgx_layout layout;
  ic_error_t err = NULL;
  uint8_t mr[32];
  size_t len;

  assert_int_equal (read_file_at (AT_FDCWD, SGXS, 1 << 20, &data, &len, &err), 0);
  assert_int_equal (sgx_layout_from_sgxs ((uint8_t *)data, len, &layout, &err), 0);
  assert_true (layout.pages_len > 0);
  assert_int_equal (sgx_layout_measure (&layout, mr, &err), 0);
  assert_hex (mr, 32, "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
  /* A page more, or a chunk less, changes it. */
  layout.pages[0].measured &= ~1u;
  assert_int_equal (sgx_layout_measure (&layout, mr, &err), 0);
  assert_memory_not_equal (mr, "\x78\x4a\xcf\xd7", 4);
  sgx_layout_clear (&layout);
}

static void
test_sgxs_bad (void **state)
{
  cleanup_free char *data = NULL;
  struct sgx_layout layout;
  ic_error_t err = NULL;
  size_t len;

  assert_int_equal (read_file_at (AT_FDCWD, SGXS, 1 << 20, &data, &len, &err), 0);
  /* truncated in the middle of a record, and a record of unknown kind */
  assert_int_equal (sgx_layout_from_sgxs ((uint8_t *)data, len - 10, &layout, &err), -1);
  ic_error_release (&err);
  data[64] = 'X';
  assert_int_equal (sgx_layout_from_sgxs ((uint8_t *)data, len, &layout, &err), -1);
  assert_non_null (strstr (ic_error_message (err), "record 1"));
  ic_error_release (&err);
  assert_int_equal (sgx_layout_from_sgxs ((uint8_t *)data, 10, &layout, &err), -1);
  ic_error_release (&err);
}

static void
test_sigstruct_vector (void **state)
{
  struct sgx_sigstruct s;
  ic_error_t err = NULL;
  uint8_t mrsigner[32];

  assert_int_equal (sgx_sigstruct_load (SIG, &s, &err), 0);
  assert_int_equal (s.header.date, 0x20161214);
  assert_int_equal (s.body.isvprodid, 65535);
  assert_int_equal (s.exponent, 3);
  assert_hex (s.body.enclavehash, 32,
              "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
  assert_int_equal (sgx_sigstruct_verify (&s, s.body.enclavehash, &err), 0);
  assert_int_equal (sgx_sigstruct_mrsigner (&s, mrsigner, &err), 0);
  assert_hex (mrsigner, 32, "fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542");
}

/* Every byte that EINIT checks, changed, must make verification fail. */
static void
test_sigstruct_mutations (void **state)
{
  struct sgx_sigstruct s;
  ic_error_t err = NULL;
  uint8_t *bytes = (uint8_t *)&s;
  size_t checked = 0;

  assert_int_equal (sgx_sigstruct_load (SIG, &s, &err), 0);
  for (size_t i = 0; i < sizeof (s); i++)
    {
      bool covered = i < 128 || (i >= 128 && i < 516 + 384) || (i >= 900 && i < 1028) || i >= 1040;
      if (!covered)
        continue;
      bytes[i] ^= 0x01;
      if (sgx_sigstruct_verify (&s, NULL, &err) == 0)
        fail_msg ("byte %zu changed and the SIGSTRUCT still verifies", i);
      ic_error_release (&err);
      bytes[i] ^= 0x01;
      checked++;
    }
  assert_true (checked > 1700);
  assert_int_equal (sgx_sigstruct_verify (&s, NULL, &err), 0);
  /* ENCLAVEHASH against another measurement */
  uint8_t other[32] = { 1 };
  assert_int_equal (sgx_sigstruct_verify (&s, other, &err), -1);
  ic_error_release (&err);
}

static void
test_sign_and_verify (void **state)
{
  EVP_PKEY *key = EVP_RSA_gen (3072);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  BIGNUM *three = BN_new ();
  struct sgx_sigstruct s;
  ic_error_t err = NULL;

  EVP_PKEY_free (key);
  key = NULL;
  assert_non_null (ctx);
  BN_set_word (three, 3);
  assert_int_equal (EVP_PKEY_keygen_init (ctx), 1);
  assert_int_equal (EVP_PKEY_CTX_set_rsa_keygen_bits (ctx, 3072), 1);
  assert_int_equal (EVP_PKEY_CTX_set1_rsa_keygen_pubexp (ctx, three), 1);
  assert_int_equal (EVP_PKEY_generate (ctx, &key), 1);
  sgx_sigstruct_init (&s);
  memset (s.body.enclavehash, 0xab, 32);
  s.body.isvprodid = 7;
  assert_int_equal (sgx_sigstruct_sign (&s, key, &err), 0);
  assert_int_equal (sgx_sigstruct_verify (&s, NULL, &err), 0);
  s.body.isvsvn = 1; /* a change after signing */
  assert_int_equal (sgx_sigstruct_verify (&s, NULL, &err), -1);
  ic_error_release (&err);
  BN_free (three);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (key);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_mrenclave_of_sgxs), cmocka_unit_test (test_sgxs_bad),
    cmocka_unit_test (test_sigstruct_vector),  cmocka_unit_test (test_sigstruct_mutations),
    cmocka_unit_test (test_sign_and_verify),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
