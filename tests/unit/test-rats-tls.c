/* Unit tests of librats_tls through its API with the instances of the build tree
   (RATS_TLS_PLUGIN_DIR): the upstream certificate, sim certificates made and verified in
   process, and every rejection the attested TLS must make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include <cbor.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <rats-tls/api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char vectors[4096], tmpdir[64] = "/tmp/test-rats-tls.XXXXXX";
static char sim1[128], sim2[128], root1[160], root2[160];

/* What the last verification callback saw. */
static struct
{
  int calls;
  rtls_evidence_t ev;
  uint8_t mrenclave[32], mrsigner[32];
  char claims[512];
  int verdict; /* what the callback returns */
} seen;

static int
callback (void *arg)
{
  rtls_evidence_t *ev = arg;
  seen.calls++;
  seen.ev = *ev;
  seen.claims[0] = '\0';
  memset (seen.mrenclave, 0, 32);
  if (ev->type == SGX_ECDSA)
    {
      memcpy (seen.mrenclave, ev->sgx.mr_enclave, 32);
      memcpy (seen.mrsigner, ev->sgx.mr_signer, 32);
    }
  for (size_t i = 0; i < ev->custom_claims_length; i++)
    {
      size_t n = strlen (seen.claims);
      snprintf (seen.claims + n, sizeof seen.claims - n, "%s=%.*s;", ev->custom_claims[i].name,
                (int)ev->custom_claims[i].value_size, (const char *)ev->custom_claims[i].value);
    }
  return seen.verdict;
}

static void
reset_env (void)
{
  static const char *vars[] = { "RATS_TLS_COLLATERAL_DIR", "RATS_TLS_AS_OF",
                                "RATS_TLS_CERT_AS_OF",     "RATS_TLS_ACCEPT_STATUS",
                                "RATS_TLS_ACCEPT_DEBUG",   "RATS_TLS_SIM_ROOT",
                                "RATS_TLS_SIM_COLLATERAL", "RATS_TLS_SIM_DEBUG_ENCLAVE" };
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    unsetenv (vars[i]);
  setenv ("INCLAVARE_SIM_DIR", sim1, 1);
  memset (&seen, 0, sizeof seen);
}

static int
setup (void **state)
{
  char key[160];
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *ctx;
  BIGNUM *e = BN_new ();
  FILE *f;

  if (vectors_find ("ratstls-cert/rats-tls-cert.pem", vectors, sizeof vectors - 16) == 0)
    strcat (vectors, "/ratstls-cert");
  else
    vectors[0] = '\0';
  if (!vectors[0] || getenv ("RATS_TLS_PLUGIN_DIR") == NULL)
    {
      fprintf (stderr, "test-rats-tls: needs the vectors and RATS_TLS_PLUGIN_DIR\n");
      return -1;
    }
  if (mkdtemp (tmpdir) == NULL)
    return -1;
  snprintf (sim1, sizeof sim1, "%s/sim1", tmpdir);
  snprintf (sim2, sizeof sim2, "%s/sim2", tmpdir);
  snprintf (root1, sizeof root1, "%s/root-ca.pem", sim1);
  snprintf (root2, sizeof root2, "%s/root-ca.pem", sim2);
  /* One SIGSTRUCT signing key for every sim attester of the run (RSA-3072, e = 3). */
  snprintf (key, sizeof key, "%s/signer.pem", tmpdir);
  ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  BN_set_word (e, 3);
  if (EVP_PKEY_keygen_init (ctx) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits (ctx, 3072) <= 0
      || EVP_PKEY_CTX_set1_rsa_keygen_pubexp (ctx, e) <= 0 || EVP_PKEY_keygen (ctx, &pkey) <= 0
      || (f = fopen (key, "w")) == NULL)
    return -1;
  PEM_write_PrivateKey (f, pkey, NULL, NULL, 0, NULL, NULL);
  fclose (f);
  EVP_PKEY_free (pkey);
  EVP_PKEY_CTX_free (ctx);
  BN_free (e);
  setenv ("RATS_TLS_SIM_SIGNING_KEY", key, 1);
  return 0;
}

static int
teardown (void **state)
{
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system (cmd) == 0 ? 0 : -1;
}

/* Tagged evidence [quote, claims] for a recorded quote; claims that its report data does not
   bind (nobody can make a recorded quote bind new claims). */
static uint8_t *
recorded_evidence (const char *quote_path, size_t *len)
{
  static uint8_t data[1 << 16];
  FILE *f = fopen (quote_path, "rb");
  size_t data_len, size = 0;
  uint8_t *out = NULL;
  static const uint8_t claims[] = { 0xa1, 0x61, 'k', 0x41, 'v' };
  cbor_item_t *array = cbor_new_definite_array (2), *tag;
  assert_non_null (f);
  data_len = fread (data, 1, sizeof data, f);
  fclose (f);
  assert_true (data_len > 0 && data_len < sizeof data);
  cbor_array_push (array, cbor_move (cbor_build_bytestring (data, data_len)));
  cbor_array_push (array, cbor_move (cbor_build_bytestring (claims, sizeof claims)));
  tag = cbor_build_tag (60000, array);
  *len = cbor_serialize_alloc (tag, &out, &size);
  cbor_decref (&tag);
  cbor_decref (&array);
  return out;
}

static rats_tls_conf_t
conf_of (unsigned long flags, const char *tls, const char *crypto, const char *attester,
         const char *verifier)
{
  rats_tls_conf_t c = { .api_version = RATS_TLS_API_VERSION_DEFAULT,
                        .flags = flags,
                        .log_level = RATS_TLS_LOG_LEVEL_DEFAULT,
                        .cert_algo = RATS_TLS_CERT_ALGO_DEFAULT };
  snprintf (c.tls_type, sizeof c.tls_type, "%s", tls);
  snprintf (c.crypto_type, sizeof c.crypto_type, "%s", crypto);
  snprintf (c.attester_type, sizeof c.attester_type, "%s", attester);
  snprintf (c.verifier_type, sizeof c.verifier_type, "%s", verifier);
  return c;
}

/* A verifying (client) handle with the callback. */
static rats_tls_handle
verifier_handle (const char *verifier, int expected)
{
  rats_tls_conf_t c = conf_of (0, "openssl", "openssl", "", verifier);
  rats_tls_handle h = NULL;
  int ret = rats_tls_init (&c, &h);
  if (ret != expected)
    fail_msg ("init with verifier `%s`: %s: %s", verifier, rats_tls_err_name (ret),
              rats_tls_last_error_message ());
  if (h)
    rats_tls_set_verification_callback (&h, callback);
  return h;
}

/* A certificate made by a server handle with attester `attester` (DER, malloc'ed). */
static uint8_t *
make_cert (const char *attester, unsigned long flags, rats_tls_cert_algo_t algo, size_t *len)
{
  claim_t claims[] = { { .name = "key_0", .value = (uint8_t *)"value_0", .value_size = 7 } };
  rats_tls_conf_t c
      = conf_of (RATS_TLS_CONF_FLAGS_SERVER | flags, "openssl", "openssl", attester, "");
  rats_tls_handle h;
  const uint8_t *der;
  uint8_t *copy;
  int ret;

  c.cert_algo = algo;
  c.custom_claims = claims;
  c.custom_claims_length = 1;
  ret = rats_tls_init (&c, &h);
  if (ret != RATS_TLS_ERR_NONE)
    fail_msg ("server init with `%s`: %s: %s", attester, rats_tls_err_name (ret),
              rats_tls_last_error_message ());
  der = rats_tls_get_certificate (h, len);
  assert_non_null (der);
  copy = malloc (*len);
  memcpy (copy, der, *len);
  rats_tls_cleanup (h);
  return copy;
}

static void
expect (int ret, int code, const char *text)
{
  if (ret != code)
    fail_msg ("expected %s, got %s: %s", rats_tls_err_name (code), rats_tls_err_name (ret),
              rats_tls_last_error_message ());
  if (text && strstr (rats_tls_last_error_message (), text) == NULL)
    fail_msg ("expected `%s` in `%s`", text, rats_tls_last_error_message ());
}

static void
test_error_codes (void **state)
{
  rats_tls_conf_t c = conf_of (0, "openssl", "openssl", "", "");
  rats_tls_handle h;

  assert_true (RATS_TLS_ERR_INVALID < 0);
  assert_int_equal (RATS_TLS_ERR_CLASS (RATS_TLS_ERR_INVALID), ERR_CLASS_CORE);
  assert_int_equal (RATS_TLS_ERR_CLASS (TLS_WRAPPER_ERR_NEGOTIATE), ERR_CLASS_TLS_WRAPPER);
  assert_int_equal (RATS_TLS_ERR_CLASS (ENCLAVE_ATTESTER_ERR_NO_TOOL), ERR_CLASS_ATTESTER);
  assert_int_equal (RATS_TLS_ERR_CLASS (ENCLAVE_VERIFIER_ERR_POLICY), ERR_CLASS_VERIFIER);
  assert_int_equal (RATS_TLS_ERR_CLASS (CRYPTO_WRAPPER_ERR_CERT), ERR_CLASS_CRYPTO_WRAPPER);
  assert_string_equal (rats_tls_err_name (ENCLAVE_VERIFIER_ERR_POLICY),
                       "ENCLAVE_VERIFIER_ERR_POLICY");
  reset_env ();

  expect (rats_tls_init (NULL, &h), RATS_TLS_ERR_INVALID, "NULL");
  c = conf_of (0, "nosuchtls", "", "", "");
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_NOT_REGISTERED, "TLS wrapper `nosuchtls`");
  assert_null (h);
  c = conf_of (0, "", "", "", "nosuchverifier");
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_NOT_REGISTERED, "verifier `nosuchverifier`");
  c = conf_of (0, "", "", "", "");
  c.cert_algo = 7;
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_UNSUPPORTED_CERT_ALGO, "cert_algo");
  c = conf_of (0, "", "", "", "");
  c.api_version = 2;
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_INVALID, "api_version");
  c = conf_of (0, "", "", "", "");
  setenv ("RATS_TLS_ACCEPT_DEBUG", "yes", 1);
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_INVALID, "RATS_TLS_ACCEPT_DEBUG");
  unsetenv ("RATS_TLS_ACCEPT_DEBUG");
  /* the claim name the library uses itself */
  claim_t reserved = { .name = "pubkey-hash", .value = (uint8_t *)"x", .value_size = 1 };
  c = conf_of (RATS_TLS_CONF_FLAGS_SERVER, "openssl", "openssl", "nullattester", "");
  c.custom_claims = &reserved;
  c.custom_claims_length = 1;
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_INVALID, "reserved");
  /* nulltls cannot present the certificate openssl makes */
  c = conf_of (RATS_TLS_CONF_FLAGS_SERVER, "nulltls", "openssl", "nullattester", "");
  expect (rats_tls_init (&c, &h), RATS_TLS_ERR_INIT, "cannot use a certificate");
  /* sgx_ecdsa cannot attest on this machine: a clear error */
  c = conf_of (RATS_TLS_CONF_FLAGS_SERVER, "openssl", "openssl", "sgx_ecdsa", "");
  int ret = rats_tls_init (&c, &h);
  assert_int_equal (RATS_TLS_ERR_CLASS (ret), ERR_CLASS_ATTESTER);
  assert_non_null (strstr (rats_tls_last_error_message (), "sgx_ecdsa"));
}

static uint8_t *
read_pem_cert (const char *path, size_t *len, uint8_t **spki, size_t *spki_len, uint8_t **ext,
               size_t *ext_len)
{
  FILE *f = fopen (path, "r");
  X509 *cert = f ? PEM_read_X509 (f, NULL, NULL, NULL) : NULL;
  unsigned char *der = NULL, *s = NULL;
  ASN1_OBJECT *oid = OBJ_txt2obj ("2.23.133.5.4.9", 1);
  const ASN1_OCTET_STRING *e;

  if (f)
    fclose (f);
  assert_non_null (cert);
  *len = i2d_X509 (cert, &der);
  *spki_len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (cert), &s);
  *spki = malloc (*spki_len);
  memcpy (*spki, s, *spki_len);
  e = X509_EXTENSION_get_data (X509_get_ext (cert, X509_get_ext_by_OBJ (cert, oid, -1)));
  *ext_len = e->length;
  *ext = malloc (e->length);
  memcpy (*ext, e->data, e->length);
  OPENSSL_free (s);
  ASN1_OBJECT_free (oid);
  X509_free (cert);
  uint8_t *copy = malloc (*len);
  memcpy (copy, der, *len);
  OPENSSL_free (der);
  return copy;
}

static void
upstream_env (bool accept)
{
  char dir[4200];
  reset_env ();
  snprintf (dir, sizeof dir, "%s/collateral", vectors);
  setenv ("RATS_TLS_COLLATERAL_DIR", dir, 1);
  setenv ("RATS_TLS_AS_OF", "2025-08-20T00:00:00Z", 1);
  /* the certificate expired in 2024; its quote is checked against 2025 collateral */
  setenv ("RATS_TLS_CERT_AS_OF", "2023-06-01T00:00:00Z", 1);
  if (accept)
    {
      setenv ("RATS_TLS_ACCEPT_STATUS", "UpToDate,OutOfDate", 1);
      setenv ("RATS_TLS_ACCEPT_DEBUG", "1", 1);
    }
}

/* The certificate upstream rats-tls made on an SGX machine. */
static void
test_upstream_certificate (void **state)
{
  char path[4200];
  uint8_t *der, *spki, *ext;
  size_t len, spki_len, ext_len;
  rats_tls_handle h;

  snprintf (path, sizeof path, "%s/rats-tls-cert.pem", vectors);
  der = read_pem_cert (path, &len, &spki, &spki_len, &ext, &ext_len);

  upstream_env (false);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_POLICY, "OutOfDate");
  assert_int_equal (seen.calls, 0);
  rats_tls_cleanup (h);

  upstream_env (false);
  setenv ("RATS_TLS_ACCEPT_STATUS", "OutOfDate", 1);
  h = verifier_handle ("sgx_ecdsa", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_POLICY, "debug enclave");
  rats_tls_cleanup (h);

  upstream_env (true);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_int_equal (seen.calls, 1);
  assert_int_equal (seen.ev.type, SGX_ECDSA);
  assert_false (seen.ev.simulated);
  assert_string_equal (seen.ev.verifier, "sgx_ecdsa");
  assert_int_equal (seen.mrenclave[0], 0x38);
  assert_int_equal (seen.mrenclave[31], 0x41);
  assert_int_equal (seen.mrsigner[0], 0x83);
  /* the values carry their NUL, as upstream's sample sends them; %.*s stops there */
  assert_string_equal (seen.claims, "key_0=value_0;key_1=value_1;");
  rats_tls_cleanup (h);

  /* the certificate itself, at its real age, is expired */
  upstream_env (true);
  unsetenv ("RATS_TLS_CERT_AS_OF");
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_BAD_CERT, "expired");
  rats_tls_cleanup (h);
  /* and the quote outside its collateral's window does not verify */
  upstream_env (true);
  setenv ("RATS_TLS_AS_OF", "2025-10-01T00:00:00Z", 1);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_EVIDENCE, NULL);
  rats_tls_cleanup (h);
  free (der);
  free (spki);
  free (ext);
}

/* Every single-byte change of the upstream extension is refused, or verifies to exactly the
   same content. */
static void
test_upstream_extension_mutations (void **state)
{
  char path[4200];
  uint8_t *der, *spki, *ext, mrenclave[32];
  size_t len, spki_len, ext_len, refused = 0, same = 0;
  char claims[512];
  rats_tls_handle h;

  snprintf (path, sizeof path, "%s/rats-tls-cert.pem", vectors);
  der = read_pem_cert (path, &len, &spki, &spki_len, &ext, &ext_len);
  upstream_env (true);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ext, ext_len, NULL, 0, spki, spki_len), RATS_TLS_ERR_NONE,
          NULL);
  memcpy (mrenclave, seen.mrenclave, 32);
  memcpy (claims, seen.claims, sizeof claims);
  for (size_t i = 0; i < ext_len; i++)
    {
      uint8_t saved = ext[i];
      ext[i] ^= (i % 2) ? 0x01 : 0x80;
      seen.calls = 0;
      if (rats_tls_verify_evidence (h, ext, ext_len, NULL, 0, spki, spki_len) != RATS_TLS_ERR_NONE)
        refused++;
      else
        {
          assert_int_equal (seen.calls, 1);
          assert_memory_equal (seen.mrenclave, mrenclave, 32);
          assert_string_equal (seen.claims, claims);
          same++;
        }
      ext[i] = saved;
    }
  fprintf (stderr, "# %zu single-byte mutations: %zu refused, %zu verified to the same content\n",
           ext_len, refused, same);
  assert_int_equal (refused + same, ext_len);
  assert_true (refused > ext_len * 9 / 10);
  rats_tls_cleanup (h);
  free (der);
  free (spki);
  free (ext);
}

/* The upstream evidence with another key, and with claims its report data does not bind. */
static void
test_binding_mismatches (void **state)
{
  char path[4200];
  uint8_t *der, *spki, *ext, *other = NULL;
  size_t len, spki_len, ext_len;
  rats_tls_handle h;
  EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  int other_len = i2d_PUBKEY (key, &other);

  snprintf (path, sizeof path, "%s/rats-tls-cert.pem", vectors);
  der = read_pem_cert (path, &len, &spki, &spki_len, &ext, &ext_len);
  upstream_env (true);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ext, ext_len, NULL, 0, other, other_len),
          RATS_TLS_ERR_PUBKEY_HASH_MISMATCH, "pubkey-hash");
  assert_int_equal (seen.calls, 0);

  /* Same quote, claims rebuilt with the right pubkey-hash plus one more claim. */
  {
    struct cbor_load_result r;
    cbor_item_t *tagged = cbor_load (ext, ext_len, &r);
    cbor_item_t *array = cbor_tag_item (tagged);
    cbor_item_t *quote = cbor_array_get (array, 0), *claims_bs = cbor_array_get (array, 1);
    cbor_item_t *claims
        = cbor_load (cbor_bytestring_handle (claims_bs), cbor_bytestring_length (claims_bs), &r);
    cbor_item_t *bigger = cbor_new_definite_map (cbor_map_size (claims) + 1);
    for (size_t i = 0; i < cbor_map_size (claims); i++)
      cbor_map_add (bigger, cbor_map_handle (claims)[i]);
    cbor_map_add (
        bigger,
        (struct cbor_pair){ .key = cbor_move (cbor_build_string ("key_2")),
                            .value = cbor_move (cbor_build_bytestring ((const uint8_t *)"x", 1)) });
    unsigned char *claims_buf = NULL, *ev_buf = NULL;
    size_t claims_size = 0, ev_size = 0;
    size_t claims_len = cbor_serialize_alloc (bigger, &claims_buf, &claims_size);
    cbor_item_t *arr2 = cbor_new_definite_array (2);
    cbor_array_push (arr2, quote);
    cbor_array_push (arr2, cbor_move (cbor_build_bytestring (claims_buf, claims_len)));
    cbor_item_t *tag2 = cbor_build_tag (60000, arr2);
    size_t ev_len = cbor_serialize_alloc (tag2, &ev_buf, &ev_size);
    expect (rats_tls_verify_evidence (h, ev_buf, ev_len, NULL, 0, spki, spki_len),
            ENCLAVE_VERIFIER_ERR_REPORT_DATA, "report data");
    assert_int_equal (seen.calls, 0);
    free (claims_buf);
    free (ev_buf);
    cbor_decref (&tag2);
    cbor_decref (&arr2);
    cbor_decref (&bigger);
    cbor_decref (&claims);
    cbor_decref (&claims_bs);
    cbor_decref (&quote);
    cbor_decref (&array);
    cbor_decref (&tagged);
  }
  rats_tls_cleanup (h);
  OPENSSL_free (other);
  EVP_PKEY_free (key);
  free (der);
  free (spki);
  free (ext);
}

static void
sim_env (const char *root)
{
  reset_env ();
  if (root)
    setenv ("RATS_TLS_SIM_ROOT", root, 1);
}

/* A certificate of the sim attester verifies with the sim root trusted, chosen by name or by
   the evidence's type; the callback sees simulated evidence and the claims. */
/* The recorded TDX quote reaches tdx_ecdsa by its type and verifies with its collateral: what
   stops it is only the binding of claims it was not made for. Outside its window the quote
   itself is refused; a verifier of the other TEE never sees it. */
static void
test_tdx_quote (void **state)
{
  char path[4200], collateral[4200];
  uint8_t *ev, spki[] = { 0x30, 0x00 };
  size_t len;
  rats_tls_handle h;

  snprintf (path, sizeof path, "%s/../tdx-dcap-v4/quote.bin", vectors);
  snprintf (collateral, sizeof collateral, "%s/../tdx-dcap-v4/collateral", vectors);
  ev = recorded_evidence (path, &len);
  setenv ("RATS_TLS_COLLATERAL_DIR", collateral, 1);
  setenv ("RATS_TLS_AS_OF", "2025-07-04T10:16:31Z", 1);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ev, len, NULL, 0, spki, sizeof spki),
          ENCLAVE_VERIFIER_ERR_REPORT_DATA, "tdx_ecdsa: the quote's report data");
  rats_tls_cleanup (h);
  setenv ("RATS_TLS_AS_OF", "2027-01-01T00:00:00Z", 1);
  h = verifier_handle ("tdx_ecdsa", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ev, len, NULL, 0, spki, sizeof spki),
          ENCLAVE_VERIFIER_ERR_EVIDENCE, "tdx_ecdsa: the quote does not verify");
  rats_tls_cleanup (h);
  setenv ("RATS_TLS_AS_OF", "2025-07-04T10:16:31Z", 1);
  h = verifier_handle ("sgx_ecdsa", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ev, len, NULL, 0, spki, sizeof spki),
          RATS_TLS_ERR_NO_VERIFIER, "of type `tdx_ecdsa`");
  rats_tls_cleanup (h);
  free (ev);
  snprintf (path, sizeof path, "%s/../sgx-dcap-v3/quote.bin", vectors);
  ev = recorded_evidence (path, &len);
  h = verifier_handle ("tdx_ecdsa", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_evidence (h, ev, len, NULL, 0, spki, sizeof spki),
          RATS_TLS_ERR_NO_VERIFIER, "of type `sgx_ecdsa`");
  rats_tls_cleanup (h);
  free (ev);
  unsetenv ("RATS_TLS_COLLATERAL_DIR");
  unsetenv ("RATS_TLS_AS_OF");
}

static void
test_sim_certificate (void **state)
{
  size_t len;
  uint8_t *der;
  rats_tls_handle h;

  sim_env (NULL);
  der = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);
  sim_env (root1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_int_equal (seen.calls, 1);
  assert_true (seen.ev.simulated);
  assert_string_equal (seen.ev.tcb_status, "UpToDate");
  assert_string_equal (seen.claims, "key_0=value_0;");
  rats_tls_cleanup (h);

  sim_env (root1);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_string_equal (seen.ev.verifier, "sim");
  /* the callback's verdict is final */
  seen.verdict = 1;
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_CALLBACK_REJECTED, "callback");
  rats_tls_cleanup (h);

  /* a named nullverifier does not attest, but the key binding still holds */
  sim_env (NULL);
  h = verifier_handle ("nullverifier", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_int_equal (seen.ev.type, 0);
  rats_tls_cleanup (h);
  free (der);

  /* RSA-3072 keys too */
  sim_env (NULL);
  der = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_RSA_3072_SHA256, &len);
  sim_env (root1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  rats_tls_cleanup (h);
  free (der);
}

/* Sim evidence is refused unless the sim root is configured, and by another platform's root;
   sgx_ecdsa never takes it. */
static void
test_sim_refusals (void **state)
{
  char collateral1[200];
  size_t len;
  uint8_t *der;
  rats_tls_handle h;

  sim_env (NULL);
  der = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);

  sim_env (NULL);
  h = verifier_handle ("sim", ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED);
  assert_null (h);
  assert_non_null (strstr (rats_tls_last_error_message (), "RATS_TLS_SIM_ROOT"));
  sim_env (NULL);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
          "RATS_TLS_SIM_ROOT");
  rats_tls_cleanup (h);

  /* another platform's root (its own collateral, or the first platform's) */
  setenv ("INCLAVARE_SIM_DIR", sim2, 1);
  size_t len2;
  free (make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len2));
  sim_env (root2);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_EVIDENCE,
          "does not verify");
  rats_tls_cleanup (h);
  sim_env (root2);
  snprintf (collateral1, sizeof collateral1, "%s/collateral", sim1);
  setenv ("RATS_TLS_SIM_COLLATERAL", collateral1, 1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_EVIDENCE,
          "trusted sim root");
  rats_tls_cleanup (h);

  sim_env (root1);
  h = verifier_handle ("sgx_ecdsa", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NO_VERIFIER, "type `sim`");
  rats_tls_cleanup (h);
  /* sim evidence given to sgx_ecdsa's collateral and policy: refused */
  assert_int_equal (seen.calls, 0);
  free (der);

  /* a debug sim enclave */
  sim_env (NULL);
  setenv ("RATS_TLS_SIM_DEBUG_ENCLAVE", "1", 1);
  der = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);
  sim_env (root1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), ENCLAVE_VERIFIER_ERR_POLICY, "debug");
  rats_tls_cleanup (h);
  setenv ("RATS_TLS_ACCEPT_DEBUG", "1", 1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  rats_tls_cleanup (h);
  free (der);
}

/* The certificate's validity, its signature, and a certificate without evidence. */
static void
test_certificate_refusals (void **state)
{
  char when[32];
  time_t t;
  size_t len, refused = 0;
  uint8_t *der;
  rats_tls_handle h;

  sim_env (NULL);
  der = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);
  sim_env (root1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  rats_tls_cleanup (h);
  t = time (NULL) + 2 * 365 * 24 * 3600;
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime (&t));
  setenv ("RATS_TLS_CERT_AS_OF", when, 1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_BAD_CERT, "expired");
  rats_tls_cleanup (h);
  t = time (NULL) - 2 * 3600;
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime (&t));
  setenv ("RATS_TLS_CERT_AS_OF", when, 1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_BAD_CERT, "not valid yet");
  rats_tls_cleanup (h);
  setenv ("RATS_TLS_CERT_AS_OF", "yesterday", 1);
  h = verifier_handle ("sim", RATS_TLS_ERR_INVALID);
  assert_non_null (strstr (rats_tls_last_error_message (), "RATS_TLS_CERT_AS_OF"));

  /* every single-byte change of the DER certificate is refused */
  sim_env (root1);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  for (size_t i = 0; i < len; i++)
    {
      der[i] ^= 0x01;
      if (rats_tls_verify_certificate (h, der, len) != RATS_TLS_ERR_NONE)
        refused++;
      der[i] ^= 0x01;
    }
  assert_int_equal (refused, len);
  assert_int_equal (seen.calls, 0);
  expect (rats_tls_verify_certificate (h, der, len - 1), RATS_TLS_ERR_BAD_CERT, "malformed");
  rats_tls_cleanup (h);
  free (der);

  /* no evidence: a named verifier refuses, the automatic choice is the nullverifier */
  sim_env (root1);
  der = make_cert ("nullattester", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NO_EVIDENCE, "no evidence");
  rats_tls_cleanup (h);
  h = verifier_handle ("", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_string_equal (seen.ev.verifier, "nullverifier");
  assert_int_equal (seen.ev.type, 0);
  rats_tls_cleanup (h);
  free (der);
}

/* Endorsements carry the collateral: a verifier with only the root verifies with them. */
static void
test_endorsements (void **state)
{
  char lone[200], cmd[1024];
  size_t len;
  uint8_t *der, *plain;
  rats_tls_handle h;

  snprintf (lone, sizeof lone, "%s/lone", tmpdir);
  snprintf (cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/root.pem'", lone, root1, lone);
  assert_int_equal (system (cmd), 0);
  strcat (lone, "/root.pem");
  sim_env (NULL);
  plain = make_cert ("sim", 0, RATS_TLS_CERT_ALGO_DEFAULT, &len);
  sim_env (lone);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, plain, len), ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
          "no collateral");
  free (plain);
  rats_tls_cleanup (h);

  sim_env (NULL);
  der = make_cert ("sim", RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS, RATS_TLS_CERT_ALGO_DEFAULT,
                   &len);
  sim_env (lone);
  h = verifier_handle ("sim", RATS_TLS_ERR_NONE);
  expect (rats_tls_verify_certificate (h, der, len), RATS_TLS_ERR_NONE, NULL);
  assert_true (seen.ev.simulated);
  rats_tls_cleanup (h);
  free (der);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_error_codes),
    cmocka_unit_test (test_upstream_certificate),
    cmocka_unit_test (test_tdx_quote),
    cmocka_unit_test (test_upstream_extension_mutations),
    cmocka_unit_test (test_binding_mismatches),
    cmocka_unit_test (test_sim_certificate),
    cmocka_unit_test (test_sim_refusals),
    cmocka_unit_test (test_certificate_refusals),
    cmocka_unit_test (test_endorsements),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
