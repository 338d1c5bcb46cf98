/* Fail-closed tests of the DCAP verifier on every recorded quote and its collateral:
   - every byte of each collateral document's signed body (the inner tcbInfo / enclaveIdentity
     object) and of its signature changed: the collateral no longer verifies; a sample of them
     also through the whole path (files on disk, dcap_collateral_load, dcap_verify);
   - a wrong root: chains whose last certificate is a self-signed root with another key (alone,
     and as a complete chain that signs its documents), and a quote whose PCK chain ends there;
   - quotes cut at every length, and every length field of a quote made to lie: refused by the
     parser with an error that says what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "vectors.h"
#include "dcap-internal.h"
#include "quote-signatures.h"
#include "utils.h"
#include <fcntl.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char vectors[4096];

static const struct
{
  const char *name, *as_of;
} vector_list[] = {
  { "sgx-dcap-v3", "2025-07-04T10:28:44Z" },
  { "tdx-dcap-v4", "2025-07-04T10:16:31Z" },
  { "ratstls-cert", "2025-08-20T00:00:00Z" },
};
#define N_VECTORS (sizeof (vector_list) / sizeof (vector_list[0]))

static int
find_vectors (void **state)
{
  return vectors_find ("ratstls-cert/quote.bin", vectors, sizeof (vectors));
}

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *
read_vector_file (const char *vector, const char *file, size_t *len)
{
  cleanup_free char *path = xasprintf ("%s/%s/%s", vectors, vector, file);
  char *data = NULL;
  size_t n;
  ic_error_t err = NULL;
  if (read_file_at (AT_FDCWD, path, 1 << 20, &data, &n, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
  if (len)
    *len = n;
  return data;
}

/* A copy of a vector's collateral in a new directory, with some files replaced. */
struct replacement
{
  const char *file;
  const char *data;
  size_t len;
};

static char *
collateral_copy (const char *vector, const struct replacement *r, size_t n)
{
  char tmpl[] = "/tmp/test-dcap-fail-closed.XXXXXX";
  char *dir = xstrdup (mkdtemp (tmpl));
  for (size_t i = 0; i < COLLATERAL_FILES; i++)
    {
      cleanup_free char *rel = xasprintf ("collateral/%s", collateral_files[i]);
      cleanup_free char *dst = xasprintf ("%s/%s", dir, collateral_files[i]);
      cleanup_free char *data = NULL;
      const void *out;
      size_t len;
      out = data = read_vector_file (vector, rel, &len);
      for (size_t k = 0; k < n; k++)
        if (strcmp (r[k].file, collateral_files[i]) == 0)
          {
            out = r[k].data;
            len = r[k].len;
          }
      assert_int_equal (write_file_at (AT_FDCWD, dst, out, len, 0600, NULL), 0);
    }
  return dir;
}

struct loaded
{
  char *quote;
  size_t len;
  struct sgx_quote q;
  struct dcap_collateral *c;
};

static int
load (struct loaded *l, const char *vector, const char *dir, ic_error_t *err)
{
  cleanup_free char *cdir = dir ? xstrdup (dir) : xasprintf ("%s/%s/collateral", vectors, vector);
  memset (l, 0, sizeof (*l));
  l->quote = read_vector_file (vector, "quote.bin", &l->len);
  assert_int_equal (sgx_quote_parse ((uint8_t *)l->quote, l->len, &l->q, NULL), 0);
  return dcap_collateral_load (cdir, &l->c, err);
}

static void
unload (struct loaded *l)
{
  dcap_collateral_free (l->c);
  free (l->quote);
}

/* The whole path on disk: the collateral with file `file` replaced must not verify. */
static void
expect_refused_on_disk (const char *vector, const char *as_of, const struct replacement *r,
                        size_t n, const char *mention)
{
  char *dir = collateral_copy (vector, r, n);
  struct loaded l;
  struct dcap_verdict v;
  ic_error_t err = NULL;
  if (load (&l, vector, dir, &err) == 0)
    {
      if (dcap_verify (&l.q, l.c, dcap_parse_time (as_of), &v, &err) == 0)
        fail_msg ("%s: collateral with %s replaced verifies (%s)", vector, r[0].file, v.tcb_status);
    }
  if (mention && strstr (ic_error_message (err), mention) == NULL)
    fail_msg ("%s: `%s` does not mention `%s`", vector, ic_error_message (err), mention);
  ic_error_release (&err);
  unload (&l);
  remove_dir (dir);
}

/* ---------------------------------------------------------------- signed bodies */

static void
mutate_document (const char *vector, const char *as_of_text, const char *file, const char *name,
                 size_t *mutations)
{
  cleanup_free char *rel = xasprintf ("collateral/%s", file);
  cleanup_free char *orig = NULL, *text = NULL;
  cleanup_free char *prefix = xasprintf ("{\"%s\":", name);
  time_t as_of = dcap_parse_time (as_of_text);
  struct loaded l;
  struct dcap_verdict base, v;
  ic_error_t err = NULL;
  size_t len, body_start, body_end, sig_start, sig_end, refused_parse = 0, refused_verify = 0;

  orig = read_vector_file (vector, rel, &len);
  text = xstrdup (orig);
  assert_true (has_prefix (orig, prefix));
  body_start = strlen (prefix);
  body_end = strstr (orig, ",\"signature\":\"") - orig;
  sig_start = body_end + strlen (",\"signature\":\"");
  sig_end = sig_start + 128;
  assert_int_equal (orig[sig_end], '"');

  assert_int_equal (load (&l, vector, NULL, &err), 0);
  if (dcap_verify (&l.q, l.c, as_of, &base, &err) < 0)
    fail_msg ("%s: %s", vector, ic_error_message (err));
  for (size_t i = body_start; i < sig_end; i++)
    {
      if (i >= body_end && i < sig_start)
        continue; /* the "signature" key between them */
      text[i] ^= 0x01;
      if (dcap_collateral_replace_document (l.c, file, text, &err) < 0)
        refused_parse++;
      else if (dcap_collateral_verify_documents (l.c, as_of, &err) == 0)
        fail_msg ("%s %s: byte %zu changed and the collateral still verifies", vector, file, i);
      else
        refused_verify++;
      ic_error_release (&err);
      /* A sample through the whole path, files on disk. */
      if (i % 97 == 0)
        {
          struct replacement r = { file, text, len };
          expect_refused_on_disk (vector, as_of_text, &r, 1, NULL);
        }
      text[i] ^= 0x01;
      (*mutations)++;
    }
  /* Most changes keep the JSON well-formed: the signature is what refuses them. */
  assert_true (refused_verify > refused_parse);
  /* The original document, put back, verifies with the same verdict: the harness refuses
     nothing by itself. */
  assert_int_equal (dcap_collateral_replace_document (l.c, file, orig, &err), 0);
  assert_int_equal (dcap_collateral_verify_documents (l.c, as_of, &err), 0);
  assert_int_equal (dcap_verify (&l.q, l.c, as_of, &v, &err), 0);
  assert_string_equal (v.tcb_status, base.tcb_status);
  assert_string_equal (v.qe_tcb_status, base.qe_tcb_status);
  dcap_verdict_clear (&v);
  dcap_verdict_clear (&base);
  unload (&l);
}

static void
test_collateral_body_mutations (void **state)
{
  size_t mutations = 0;
  double start = now_ms ();
  for (size_t i = 0; i < N_VECTORS; i++)
    {
      mutate_document (vector_list[i].name, vector_list[i].as_of, "tcb_info.json", "tcbInfo",
                       &mutations);
      mutate_document (vector_list[i].name, vector_list[i].as_of, "qe_identity.json",
                       "enclaveIdentity", &mutations);
    }
  fprintf (stderr, "collateral: %zu signed bytes changed one at a time, none verifies (%.0f ms)\n",
           mutations, now_ms () - start);
  assert_true (mutations > 15000);
}

/* ---------------------------------------------------------------- a wrong root */

static EVP_PKEY *
new_key (void)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  assert_non_null (key);
  return key;
}

/* A certificate with the subject (and extensions that matter) of template, the key of
   subject_key, signed by issuer_key as issuer. */
static X509 *
impostor (X509 *template, EVP_PKEY *subject_key, X509 *issuer, EVP_PKEY *issuer_key)
{
  X509 *c = X509_new ();
  X509V3_CTX ctx;
  X509_EXTENSION *bc;
  assert_non_null (c);
  X509_set_version (c, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (c), 4242);
  X509_set_subject_name (c, X509_get_subject_name (template));
  X509_set_issuer_name (c,
                        issuer ? X509_get_subject_name (issuer) : X509_get_subject_name (template));
  X509_set1_notBefore (c, X509_get0_notBefore (template));
  X509_set1_notAfter (c, X509_get0_notAfter (template));
  X509_set_pubkey (c, subject_key);
  X509V3_set_ctx (&ctx, issuer ? issuer : c, c, NULL, NULL, 0);
  bc = X509V3_EXT_conf_nid (NULL, &ctx, NID_basic_constraints,
                            issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
  X509_add_ext (c, bc, -1);
  X509_EXTENSION_free (bc);
  assert_true (X509_sign (c, issuer_key, EVP_sha256 ()) > 0);
  return c;
}

static STACK_OF (X509) * read_chain (const char *vector, const char *file)
{
  cleanup_free char *rel = xasprintf ("collateral/%s", file);
  size_t len;
  cleanup_free char *pem = read_vector_file (vector, rel, &len);
  BIO *bio = BIO_new_mem_buf (pem, len);
  STACK_OF (X509) *chain = sk_X509_new_null ();
  X509 *cert;
  while ((cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    sk_X509_push (chain, cert);
  BIO_free (bio);
  assert_true (sk_X509_num (chain) >= 2);
  return chain;
}

/* PEM of a chain, with its last certificate replaced by root (and the first by leaf). */
static char *
chain_pem (STACK_OF (X509) * chain, X509 *leaf, X509 *root, size_t *len)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *p, *out;
  long n;
  for (int i = 0; i < sk_X509_num (chain); i++)
    {
      X509 *c = sk_X509_value (chain, i);
      if (i == sk_X509_num (chain) - 1)
        c = root;
      else if (i == 0 && leaf)
        c = leaf;
      PEM_write_bio_X509 (bio, c);
    }
  n = BIO_get_mem_data (bio, &p);
  out = xmalloc0 (n + 1);
  memcpy (out, p, n);
  *len = n;
  BIO_free (bio);
  return out;
}

/* The document re-signed (r || s, hex) by key. */
static char *
resign (const char *vector, const char *file, EVP_PKEY *key, size_t *len)
{
  cleanup_free char *rel = xasprintf ("collateral/%s", file);
  cleanup_free char *orig = read_vector_file (vector, rel, NULL);
  const char *sig = strstr (orig, ",\"signature\":\"");
  const char *body = strchr (orig, ':') + 1;
  unsigned char der[80], *d = der, rs[64];
  const unsigned char *dp = der;
  size_t der_len = sizeof (der);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  ECDSA_SIG *s;
  char *out, hex[129];

  assert_true (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key) == 1);
  assert_true (EVP_DigestSign (md, d, &der_len, (const unsigned char *)body, sig - body) == 1);
  EVP_MD_CTX_free (md);
  s = d2i_ECDSA_SIG (NULL, &dp, der_len);
  assert_non_null (s);
  BN_bn2binpad (ECDSA_SIG_get0_r (s), rs, 32);
  BN_bn2binpad (ECDSA_SIG_get0_s (s), rs + 32, 32);
  ECDSA_SIG_free (s);
  for (int i = 0; i < 64; i++)
    sprintf (hex + 2 * i, "%02x", rs[i]);
  out = xasprintf ("%.*s,\"signature\":\"%s\"}", (int)(sig - orig), orig, hex);
  *len = strlen (out);
  return out;
}

/* Adds delta to the little-endian u32 at p. */
static void
grow_u32 (uint8_t *p, int64_t delta)
{
  uint32_t v;
  memcpy (&v, p, 4);
  v += delta;
  memcpy (p, &v, 4);
}

/* The quote with another PCK chain (its last part), and the lengths that enclose it fixed. */
static uint8_t *
with_pck_chain (const struct sgx_quote *q, const char *pem, size_t pem_len, size_t *len)
{
  const uint8_t *base = (const uint8_t *)q->header;
  size_t prefix = (const uint8_t *)q->pck_chain - base;
  int64_t delta = (int64_t)pem_len - q->pck_chain_len;
  uint8_t *out = xmalloc0 (prefix + pem_len);
  memcpy (out, base, prefix);
  memcpy (out + prefix, pem, pem_len);
  grow_u32 (out + prefix - 4, delta);    /* certification data type 5 */
  grow_u32 (out + q->signed_len, delta); /* signature data */
  if (q->header->version == 4)           /* certification data type 6 */
    grow_u32 (out + q->signed_len + 4 + 128 + 2, delta);
  *len = prefix + pem_len;
  return out;
}

static void
test_wrong_root (void **state)
{
  for (size_t vi = 0; vi < N_VECTORS; vi++)
    {
      const char *vec = vector_list[vi].name, *as_of = vector_list[vi].as_of;
      STACK_OF (X509) *tcb = read_chain (vec, "tcb_info_issuer_chain.pem");
      STACK_OF (X509) *qe = read_chain (vec, "qe_identity_issuer_chain.pem");
      STACK_OF (X509) *crl = read_chain (vec, "pck_crl_issuer_chain.pem");
      X509 *intel_root = sk_X509_value (tcb, sk_X509_num (tcb) - 1);
      EVP_PKEY *root_key = new_key (), *signer_key = new_key ();
      X509 *fake_root = impostor (intel_root, root_key, NULL, root_key);
      X509 *fake_signer = impostor (sk_X509_value (tcb, 0), signer_key, fake_root, root_key);
      cleanup_free char *tcb_pem = NULL, *qe_pem = NULL, *crl_pem = NULL;
      cleanup_free char *tcb_doc = NULL, *qe_doc = NULL;
      size_t tcb_len, qe_len, crl_len, tcb_doc_len, qe_doc_len;

      /* The impostor root has Intel's name but not its key. */
      assert_int_equal (
          X509_NAME_cmp (X509_get_subject_name (fake_root), X509_get_subject_name (intel_root)), 0);
      assert_int_equal (X509_check_issued (fake_root, fake_root), X509_V_OK);
      tcb_pem = chain_pem (tcb, NULL, fake_root, &tcb_len);
      qe_pem = chain_pem (qe, NULL, fake_root, &qe_len);
      crl_pem = chain_pem (crl, NULL, fake_root, &crl_len);
      {
        /* One chain at a time ends at the impostor. */
        struct replacement r1 = { "tcb_info_issuer_chain.pem", tcb_pem, tcb_len };
        struct replacement r2 = { "qe_identity_issuer_chain.pem", qe_pem, qe_len };
        struct replacement r3 = { "pck_crl_issuer_chain.pem", crl_pem, crl_len };
        expect_refused_on_disk (vec, as_of, &r1, 1, "Intel SGX Root CA");
        expect_refused_on_disk (vec, as_of, &r2, 1, "different roots");
        expect_refused_on_disk (vec, as_of, &r3, 1, "different roots");
        /* All three: a consistent collateral under another root. */
        struct replacement all[] = { r1, r2, r3 };
        expect_refused_on_disk (vec, as_of, all, 3, "Intel SGX Root CA");
      }
      /* A complete chain under the impostor that signs its documents: refused all the same. */
      free (tcb_pem);
      free (qe_pem);
      tcb_pem = chain_pem (tcb, fake_signer, fake_root, &tcb_len);
      qe_pem = chain_pem (qe, fake_signer, fake_root, &qe_len);
      tcb_doc = resign (vec, "tcb_info.json", signer_key, &tcb_doc_len);
      qe_doc = resign (vec, "qe_identity.json", signer_key, &qe_doc_len);
      {
        struct replacement all[] = {
          { "tcb_info_issuer_chain.pem", tcb_pem, tcb_len },
          { "qe_identity_issuer_chain.pem", qe_pem, qe_len },
          { "pck_crl_issuer_chain.pem", crl_pem, crl_len },
          { "tcb_info.json", tcb_doc, tcb_doc_len },
          { "qe_identity.json", qe_doc, qe_doc_len },
        };
        expect_refused_on_disk (vec, as_of, all, 5, "Intel SGX Root CA");
      }
      /* The quote's own PCK chain ending at the impostor. */
      {
        struct loaded l;
        struct dcap_verdict v;
        ic_error_t err = NULL;
        BIO *bio;
        STACK_OF (X509) *pck = sk_X509_new_null ();
        X509 *cert;
        cleanup_free char *pem = NULL;
        cleanup_free uint8_t *q = NULL;
        size_t pem_len, q_len;
        struct sgx_quote parsed;

        assert_int_equal (load (&l, vec, NULL, &err), 0);
        bio = BIO_new_mem_buf (l.q.pck_chain, l.q.pck_chain_len);
        while ((cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
          sk_X509_push (pck, cert);
        BIO_free (bio);
        pem = chain_pem (pck, NULL, fake_root, &pem_len);
        q = with_pck_chain (&l.q, pem, pem_len, &q_len);
        if (sgx_quote_parse (q, q_len, &parsed, &err) < 0)
          fail_msg ("%s: rebuilt quote: %s", vec, ic_error_message (err));
        assert_int_equal (dcap_verify (&parsed, l.c, dcap_parse_time (as_of), &v, &err), -1);
        if (strstr (ic_error_message (err), "PCK certificate chain does not end") == NULL)
          fail_msg ("%s: `%s`", vec, ic_error_message (err));
        ic_error_release (&err);
        /* Control: rebuilt the same way with Intel's root (re-encoded, so the lengths change
           too: the recorded chains end with a NUL byte), it verifies. */
        free (pem);
        free (q);
        pem = chain_pem (pck, NULL, intel_root, &pem_len);
        assert_int_not_equal (pem_len, l.q.pck_chain_len);
        q = with_pck_chain (&l.q, pem, pem_len, &q_len);
        assert_int_equal (sgx_quote_parse (q, q_len, &parsed, &err), 0);
        if (dcap_verify (&parsed, l.c, dcap_parse_time (as_of), &v, &err) < 0)
          fail_msg ("%s: control: %s", vec, ic_error_message (err));
        dcap_verdict_clear (&v);
        sk_X509_pop_free (pck, X509_free);
        unload (&l);
      }
      X509_free (fake_root);
      X509_free (fake_signer);
      EVP_PKEY_free (root_key);
      EVP_PKEY_free (signer_key);
      sk_X509_pop_free (tcb, X509_free);
      sk_X509_pop_free (qe, X509_free);
      sk_X509_pop_free (crl, X509_free);
    }
}

/* ---------------------------------------------------------------- truncations and lengths */

static void
test_truncated_quotes (void **state)
{
  size_t total = 0;
  for (size_t vi = 0; vi < N_VECTORS; vi++)
    {
      size_t len, end;
      uint32_t sig_len;
      cleanup_free char *quote = read_vector_file (vector_list[vi].name, "quote.bin", &len);
      struct sgx_quote whole;
      /* The quote ends with its signature data; a recorded file may add zero padding (the TDX
         vector has 70 bytes of it), which the parser allows. */
      assert_int_equal (sgx_quote_parse ((uint8_t *)quote, len, &whole, NULL), 0);
      memcpy (&sig_len, quote + whole.signed_len, 4);
      end = whole.signed_len + 4 + sig_len;
      assert_true (end <= len);
      for (size_t n = end; n < len; n++)
        assert_int_equal (quote[n], 0);
      for (size_t n = 0; n < end; n++)
        {
          /* A buffer of exactly n bytes, so that ASan sees any read past it. */
          uint8_t *cut = xmalloc0 (n ? n : 1);
          struct sgx_quote q;
          ic_error_t err = NULL;
          memcpy (cut, quote, n);
          if (sgx_quote_parse (cut, n, &q, &err) == 0)
            fail_msg ("%s cut to %zu of %zu bytes parses", vector_list[vi].name, n, end);
          if (!has_prefix (ic_error_message (err), "quote: "))
            fail_msg ("unclear error `%s`", ic_error_message (err));
          ic_error_release (&err);
          free (cut);
          total++;
        }
    }
  assert_true (total > 10000);
}

struct length_field
{
  const char *name;
  size_t at, size;
};

static void
test_lying_lengths (void **state)
{
  for (size_t vi = 0; vi < N_VECTORS; vi++)
    for (size_t pad = 0; pad <= 64; pad += 64)
      {
        size_t len, nfields = 3;
        cleanup_free char *orig = read_vector_file (vector_list[vi].name, "quote.bin", &len);
        cleanup_free uint8_t *q = xmalloc0 (len + pad);
        struct sgx_quote parsed;
        struct length_field fields[4];
        ic_error_t err = NULL;

        memcpy (q, orig, len);
        assert_int_equal (sgx_quote_parse (q, len + pad, &parsed, &err), 0);
        fields[0] = (struct length_field){ "signature data size", parsed.signed_len, 4 };
        fields[1] = (struct length_field){ "QE auth data size", parsed.qe_auth_data - q - 2, 2 };
        fields[2] = (struct length_field){ "PCK chain size",
                                           (const uint8_t *)parsed.pck_chain - q - 4, 4 };
        if (parsed.header->version == 4)
          fields[nfields++] = (struct length_field){ "QE report certification data size",
                                                     parsed.signed_len + 4 + 128 + 2, 4 };
        for (size_t f = 0; f < nfields; f++)
          {
            uint32_t v = 0, lies[8];
            memcpy (&v, q + fields[f].at, fields[f].size);
            uint32_t max = fields[f].size == 2 ? 0xffff : 0xffffffff;
            lies[0] = 0;
            lies[1] = v - 1;
            lies[2] = v + 1;
            lies[3] = v / 2;
            lies[4] = (v * 2) & max;
            lies[5] = max;
            lies[6] = (v + 64) & max;
            lies[7] = (v - 64) & max;
            for (size_t k = 0; k < 8; k++)
              {
                uint32_t lie = lies[k];
                if (lie == v)
                  continue;
                memcpy (q + fields[f].at, &lie, fields[f].size);
                if (sgx_quote_parse (q, len + pad, &parsed, &err) == 0)
                  fail_msg ("%s (+%zu padding): %s %u instead of %u accepted", vector_list[vi].name,
                            pad, fields[f].name, lie, v);
                if (!has_prefix (ic_error_message (err), "quote: "))
                  fail_msg ("unclear error `%s`", ic_error_message (err));
                ic_error_release (&err);
              }
            memcpy (q + fields[f].at, &v, fields[f].size);
          }
        assert_int_equal (sgx_quote_parse (q, len + pad, &parsed, &err), 0);
      }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_collateral_body_mutations),
    cmocka_unit_test (test_wrong_root),
    cmocka_unit_test (test_truncated_quotes),
    cmocka_unit_test (test_lying_lengths),
  };
  return cmocka_run_group_tests (tests, find_vectors, NULL);
}
