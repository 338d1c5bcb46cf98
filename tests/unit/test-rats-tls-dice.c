/* Unit tests of the rats-tls CBOR formats (lib/rats-tls/dice.c): claims, tagged evidence and
   endorsements round trips, the upstream certificate's extension, and strict rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "dice.h"
#include "utils.h"
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t hash32[32]
    = { 1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static void
test_claims_round_trip (void **state)
{
  cleanup_error ic_error_t err = NULL;
  claim_t custom[] = { { .name = "key_0", .value = (uint8_t *)"value_0", .value_size = 8 },
                       { .name = "empty", .value = NULL, .value_size = 0 } };
  cleanup_free uint8_t *buf = NULL;
  struct dice_claims c;
  size_t len;

  assert_int_equal (dice_claims_build (HASH_ALGO_SHA256, hash32, custom, 2, &buf, &len, &err), 0);
  assert_int_equal (dice_claims_parse (buf, len, &c, &err), 0);
  assert_int_equal (c.pubkey_hash_alg, HASH_ALGO_SHA256);
  assert_int_equal (c.pubkey_hash_len, 32);
  assert_memory_equal (c.pubkey_hash, hash32, 32);
  assert_int_equal (c.n_custom, 2);
  assert_string_equal (c.custom[0].name, "key_0");
  assert_int_equal (c.custom[0].value_size, 8);
  assert_memory_equal (c.custom[0].value, "value_0", 8);
  assert_string_equal (c.custom[1].name, "empty");
  assert_int_equal (c.custom[1].value_size, 0);
  dice_claims_clear (&c);

  /* every truncation is refused */
  for (size_t n = 0; n < len; n++)
    {
      cleanup_error ic_error_t e = NULL;
      assert_int_equal (dice_claims_parse (buf, n, &c, &e), -1);
      assert_non_null (e);
    }
}

static void
test_claims_build_refusals (void **state)
{
  claim_t reserved[] = { { .name = "pubkey-hash", .value = (uint8_t *)"x", .value_size = 1 } };
  claim_t twice[] = { { .name = "a", .value = (uint8_t *)"x", .value_size = 1 },
                      { .name = "a", .value = (uint8_t *)"y", .value_size = 1 } };
  claim_t unnamed[] = { { .name = "", .value = (uint8_t *)"x", .value_size = 1 } };
  uint8_t *buf = NULL;
  size_t len;
  cleanup_error ic_error_t e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;

  assert_int_equal (dice_claims_build (HASH_ALGO_SHA256, hash32, reserved, 1, &buf, &len, &e1), -1);
  assert_non_null (strstr (ic_error_message (e1), "reserved"));
  assert_int_equal (dice_claims_build (HASH_ALGO_SHA256, hash32, twice, 2, &buf, &len, &e2), -1);
  assert_non_null (strstr (ic_error_message (e2), "twice"));
  assert_int_equal (dice_claims_build (HASH_ALGO_SHA256, hash32, unnamed, 1, &buf, &len, &e3), -1);
  assert_int_equal (dice_claims_build ((hash_algo_t)99, hash32, NULL, 0, &buf, &len, &e4), -1);
  assert_null (buf);
}

/* Parses hex-free literal CBOR and expects a refusal mentioning what. */
static void
refuse_claims (const uint8_t *cbor, size_t len, const char *what)
{
  cleanup_error ic_error_t err = NULL;
  struct dice_claims c;
  assert_int_equal (dice_claims_parse (cbor, len, &c, &err), -1);
  if (strstr (ic_error_message (err), what) == NULL)
    fail_msg ("expected `%s` in `%s`", what, ic_error_message (err));
}

static void
test_claims_parse_refusals (void **state)
{
  /* {"pubkey-hash": h'820158200...'} built by hand around a valid inner [1, h32] */
  uint8_t good[64], inner[36] = { 0x82, 0x01, 0x58, 0x20 };
  size_t n = 0;
  memcpy (inner + 4, hash32, 32);
  good[n++] = 0xa1;
  good[n++] = 0x6b;
  memcpy (good + n, "pubkey-hash", 11);
  n += 11;
  good[n++] = 0x58;
  good[n++] = 36;
  memcpy (good + n, inner, 36);
  n += 36;
  {
    cleanup_error ic_error_t err = NULL;
    struct dice_claims c;
    assert_int_equal (dice_claims_parse (good, n, &c, &err), 0);
    dice_claims_clear (&c);
  }
  uint8_t trailing[65];
  memcpy (trailing, good, n);
  trailing[n] = 0;
  refuse_claims (trailing, n + 1, "after the CBOR item");
  refuse_claims ((const uint8_t *)"\xa0", 1, "no `pubkey-hash`");
  refuse_claims ((const uint8_t *)"\x80", 1, "not a definite CBOR map");
  refuse_claims ((const uint8_t *)"\xa1\x01\x41\x00", 4, "not a non-empty text string");
  refuse_claims ((const uint8_t *)"\xa1\x61k\x61v", 5, "not a definite byte string");
  refuse_claims ((const uint8_t *)"\xa2\x61k\x40\x61k\x40", 7, "appears twice");
  refuse_claims ((const uint8_t *)"\xa1\x61k\x5f\x41x\xff", 7, "not a definite byte string");
  refuse_claims ((const uint8_t *)"", 0, "empty");
  /* headers declaring more items than there are bytes (libcbor would allocate for them) */
  refuse_claims ((const uint8_t *)"\xbb\x00\x00\x00\x0b\xab\xab\xab\xab\x00", 10,
                 "sizes larger than the data");
  refuse_claims ((const uint8_t *)"\xa1\x61k\x9a\xba\xba\xba\xba", 8, "sizes larger than the data");
  /* pubkey-hash: wrong algorithm, wrong length, not an array */
  uint8_t bad[64];
  memcpy (bad, good, n);
  bad[16] = 0x02; /* algorithm 2 is unknown */
  refuse_claims (bad, n, "unknown hash algorithm");
  memcpy (bad, good, n);
  bad[16] = 0x07; /* SHA-384 with 32 bytes */
  refuse_claims (bad, n, "32 bytes for algorithm 7");
  memcpy (bad, good, n);
  bad[15] = 0x83;
  refuse_claims (bad, n, "pubkey-hash");
}

static void
test_evidence_round_trip (void **state)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free uint8_t *buf = NULL, *ev = NULL, *claims = NULL;
  size_t len, ev_len, claims_len;
  uint64_t tag;

  assert_int_equal (dice_evidence_build (60000, (const uint8_t *)"quote", 5,
                                         (const uint8_t *)"claims", 6, &buf, &len, &err),
                    0);
  assert_int_equal (dice_evidence_parse (buf, len, &tag, &ev, &ev_len, &claims, &claims_len, &err),
                    0);
  assert_int_equal (tag, 60000);
  assert_int_equal (ev_len, 5);
  assert_memory_equal (ev, "quote", 5);
  assert_int_equal (claims_len, 6);
  for (size_t n = 0; n < len; n++)
    {
      cleanup_error ic_error_t e = NULL;
      uint8_t *a = NULL, *b = NULL;
      assert_int_equal (dice_evidence_parse (buf, n, &tag, &a, &ev_len, &b, &claims_len, &e), -1);
      assert_null (a);
      free (b);
    }
  /* an untagged array, and a tag of three items */
  {
    cleanup_error ic_error_t e1 = NULL, e2 = NULL;
    uint8_t *a = NULL, *b = NULL;
    assert_int_equal (dice_evidence_parse ((const uint8_t *)"\x82\x40\x40", 3, &tag, &a, &ev_len,
                                           &b, &claims_len, &e1),
                      -1);
    assert_non_null (strstr (ic_error_message (e1), "not a CBOR tag"));
    assert_int_equal (dice_evidence_parse ((const uint8_t *)"\xd9\xea\x60\x83\x40\x40\x40", 7, &tag,
                                           &a, &ev_len, &b, &claims_len, &e2),
                      -1);
    assert_non_null (strstr (ic_error_message (e2), "not an array of 2"));
  }
}

static void
test_endorsements_round_trip (void **state)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free uint8_t *buf = NULL;
  attestation_endorsement_t in = { .version = 3,
                                   .tcb_info = (uint8_t *)"{tcb}",
                                   .tcb_info_size = 5,
                                   .qe_identity_issuer_chain = (uint8_t *)"pem",
                                   .qe_identity_issuer_chain_size = 3 },
                            out;
  size_t len;
  uint64_t tag;

  assert_int_equal (dice_endorsements_build (60000, &in, &buf, &len, &err), 0);
  assert_int_equal (dice_endorsements_parse (buf, len, &tag, &out, &err), 0);
  assert_int_equal (tag, 60000);
  assert_int_equal (out.version, 3);
  assert_int_equal (out.tcb_info_size, 5);
  assert_memory_equal (out.tcb_info, "{tcb}", 5);
  assert_int_equal (out.pck_crl_size, 0);
  assert_int_equal (out.qe_identity_issuer_chain_size, 3);
  rtls_endorsement_clear (&out);
  for (size_t n = 0; n < len; n++)
    {
      cleanup_error ic_error_t e = NULL;
      assert_int_equal (dice_endorsements_parse (buf, n, &tag, &out, &e), -1);
    }
}

static char cert_path[4096];

static int
find_vectors (void **state)
{
  char dir[4000];
  if (vectors_find ("ratstls-cert/rats-tls-cert.pem", dir, sizeof (dir)) < 0)
    return -1;
  snprintf (cert_path, sizeof (cert_path), "%s/ratstls-cert/rats-tls-cert.pem", dir);
  return 0;
}

static void
hex (const uint8_t *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf (out + 2 * i, "%02x", b[i]);
}

/* The certificate made by upstream rats-tls: its extension parses into the expected parts. */
static void
test_upstream_extension (void **state)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free uint8_t *ev = NULL, *claims = NULL;
  FILE *f = fopen (cert_path, "r");
  X509 *cert;
  ASN1_OBJECT *oid = OBJ_txt2obj (TCG_DICE_TAGGED_EVIDENCE_OID, 1);
  const ASN1_OCTET_STRING *ext;
  struct dice_claims c;
  unsigned char *spki = NULL;
  uint8_t spki_hash[32], claims_hash[32];
  char text[65];
  size_t ev_len, claims_len;
  uint64_t tag;
  int i, spki_len;

  assert_non_null (f);
  cert = PEM_read_X509 (f, NULL, NULL, NULL);
  fclose (f);
  assert_non_null (cert);
  i = X509_get_ext_by_OBJ (cert, oid, -1);
  assert_true (i >= 0);
  assert_int_equal (X509_EXTENSION_get_critical (X509_get_ext (cert, i)), 0);
  ext = X509_EXTENSION_get_data (X509_get_ext (cert, i));
  assert_int_equal (
      dice_evidence_parse (ext->data, ext->length, &tag, &ev, &ev_len, &claims, &claims_len, &err),
      0);
  assert_int_equal (tag, 60000);
  assert_int_equal (ev_len, 4734);
  assert_int_equal (claims_len, 81);

  spki_len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (cert), &spki);
  SHA256 (spki, spki_len, spki_hash);
  hex (spki_hash, 32, text);
  assert_string_equal (text, "72c0b70c2092741a4cfda0c2465487faf132998617b0aad53118aa5d6e180006");
  SHA256 (claims, claims_len, claims_hash);
  hex (claims_hash, 32, text);
  assert_string_equal (text, "3ef61b935603341747b96c602397da1c4761afe4eeed2cdc08cbf5f4ff61c533");
  /* REPORTDATA is at 48 (header) + 320 of the quote */
  assert_memory_equal (ev + 48 + 320, claims_hash, 32);

  assert_int_equal (dice_claims_parse (claims, claims_len, &c, &err), 0);
  assert_int_equal (c.pubkey_hash_alg, HASH_ALGO_SHA256);
  assert_memory_equal (c.pubkey_hash, spki_hash, 32);
  assert_int_equal (c.n_custom, 2);
  assert_string_equal (c.custom[0].name, "key_0");
  assert_memory_equal (c.custom[0].value, "value_0", 8);
  assert_string_equal (c.custom[1].name, "key_1");
  dice_claims_clear (&c);

  /* Every truncation of the extension is refused. */
  for (int n = 0; n < ext->length; n++)
    {
      cleanup_error ic_error_t e = NULL;
      uint8_t *a = NULL, *b = NULL;
      assert_int_equal (dice_evidence_parse (ext->data, n, &tag, &a, &ev_len, &b, &claims_len, &e),
                        -1);
    }
  OPENSSL_free (spki);
  ASN1_OBJECT_free (oid);
  X509_free (cert);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_claims_round_trip),       cmocka_unit_test (test_claims_build_refusals),
    cmocka_unit_test (test_claims_parse_refusals),   cmocka_unit_test (test_evidence_round_trip),
    cmocka_unit_test (test_endorsements_round_trip), cmocka_unit_test (test_upstream_extension),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
