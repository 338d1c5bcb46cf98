#include "dcap.h"
#include "dcap-internal.h"
#include "quote-signatures.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

/* The Intel SGX Root CA's public key (P-256, uncompressed point): the only trust anchor. */
static const uint8_t intel_root_key[65]
    = { 0x04, 0x0b, 0xa9, 0xc4, 0xc0, 0xc0, 0xc8, 0x61, 0x93, 0xa3, 0xfe, 0x23, 0xd6,
        0xb0, 0x2c, 0xda, 0x10, 0xa8, 0xbb, 0xd4, 0xe8, 0x8e, 0x48, 0xb4, 0x45, 0x85,
        0x61, 0xa3, 0x6e, 0x70, 0x55, 0x25, 0xf5, 0x67, 0x91, 0x8e, 0x2e, 0xdc, 0x88,
        0xe4, 0x0d, 0x86, 0x0b, 0xd0, 0xcc, 0x4e, 0xe2, 0x6a, 0xac, 0xc9, 0x88, 0xe5,
        0x05, 0xa9, 0x53, 0x55, 0x8c, 0x45, 0x3f, 0x6b, 0x09, 0x04, 0xae, 0x73, 0x94 };

#define COLLATERAL_MAX_SIZE (1 << 20)

struct dcap_collateral
{
  STACK_OF (X509) * tcb_chain;
  STACK_OF (X509) * qe_chain;
  STACK_OF (X509) * pck_crl_chain;
  X509_CRL *root_crl;
  X509_CRL *pck_crl;
  struct signed_json tcb_info;
  struct signed_json qe_identity;
  X509 *sim_root; /* trusted besides Intel's root when the caller asks (software TEE) */
  /* The TCB info and QE identity, with their chains, verified once: they hold for any time in
     [valid_from, valid_until), where every certificate, CRL and document of theirs is valid. */
  bool verified;
  time_t valid_from, valid_until;
  /* The last PCK chain that verified (by the SHA-256 of its PEM bytes), its leaf and TCB, the
     root it verified to and the window in which its certificates and the CRLs hold: a
     platform's next quotes skip parsing and verifying the same chain again. */
  uint8_t pck_digest[32];
  X509 *pck, *pck_root;
  struct pck_tcb pck_tcb;
  time_t pck_from, pck_until;
};

/* ---------------------------------------------------------------- small helpers */

time_t
dcap_parse_time (const char *text)
{
  struct tm tm = { 0 };
  const char *end = text ? strptime (text, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
  if (end == NULL || *end)
    return -1;
  return timegm (&tm);
}

static int
unhex (const char *text, uint8_t *out, size_t n)
{
  if (text == NULL || strlen (text) != 2 * n)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      char pair[3] = { text[2 * i], text[2 * i + 1], 0 }, *end;
      out[i] = strtoul (pair, &end, 16);
      if (*end || !strchr ("0123456789abcdefABCDEF", pair[0])
          || !strchr ("0123456789abcdefABCDEF", pair[1]))
        return -1;
    }
  return 0;
}

static const char *
jstr (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_string)
             ? json_object_get_string (v)
             : NULL;
}

static bool
jint (json_object *o, const char *key, int64_t *out)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_int))
    return false;
  *out = json_object_get_int64 (v);
  return true;
}

/* The end of the JSON value starting at p (an object), honouring strings; NULL if unbalanced. */
static const char *
object_end (const char *p)
{
  int depth = 0;
  bool in_string = false;
  for (; *p; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1])
            p++;
          else if (*p == '"')
            in_string = false;
        }
      else if (*p == '"')
        in_string = true;
      else if (*p == '{')
        depth++;
      else if (*p == '}' && --depth == 0)
        return p + 1;
    }
  return NULL;
}

int
dcap_signed_json_parse (const char *data, const char *name, struct signed_json *out,
                        ic_error_t *err)
{
  cleanup_free char *prefix = xasprintf ("{\"%s\":", name);
  json_object *whole;
  const char *start, *end;

  memset (out, 0, sizeof (*out));
  start = strncmp (data, prefix, strlen (prefix)) == 0 ? data + strlen (prefix) : NULL;
  end = start && *start == '{' ? object_end (start) : NULL;
  whole = json_tokener_parse (data);
  if (end == NULL || whole == NULL || strncmp (end, ",\"signature\":", 13) != 0
      || unhex (jstr (whole, "signature"), out->signature, 64) < 0)
    {
      json_object_put (whole);
      return ic_error (err, EBADMSG, "not a signed PCS %s response", name);
    }
  json_object_put (whole);
  out->raw = xmalloc0 (end - start + 1);
  memcpy (out->raw, start, end - start);
  out->object = json_tokener_parse (out->raw);
  if (out->object == NULL || !json_object_is_type (out->object, json_type_object))
    {
      dcap_signed_json_clear (out);
      return ic_error (err, EBADMSG, "the %s object does not parse", name);
    }
  return 0;
}

void
dcap_signed_json_clear (struct signed_json *doc)
{
  free (doc->raw);
  json_object_put (doc->object);
  memset (doc, 0, sizeof (*doc));
}

static int
load_signed_json (const char *dir, const char *file, const char *name, struct signed_json *out,
                  ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file), *data = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, path, COLLATERAL_MAX_SIZE, &data, &len, err) < 0)
    return -1;
  if (strlen (data) != len)
    return ic_error (err, EBADMSG, "%s: contains a NUL byte", path);
  if (dcap_signed_json_parse (data, name, out, err) < 0)
    return ic_error_wrap (err, "%s", path);
  return 0;
}

static STACK_OF (X509) * load_chain (const char *dir, const char *file, ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  BIO *bio = BIO_new_file (path, "r");
  STACK_OF (X509) *chain = sk_X509_new_null ();
  X509 *cert;

  while (bio && chain && (cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    sk_X509_push (chain, cert);
  BIO_free (bio);
  if (chain == NULL || sk_X509_num (chain) < 2)
    {
      sk_X509_pop_free (chain, X509_free);
      ic_error (err, EBADMSG, "%s: expected a PEM chain (leaf, ..., Intel SGX Root CA)", path);
      return NULL;
    }
  return chain;
}

static X509_CRL *
load_crl (const char *dir, const char *file, ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file), *data = NULL;
  const unsigned char *p;
  X509_CRL *crl;
  size_t len;
  if (read_file_at (AT_FDCWD, path, COLLATERAL_MAX_SIZE, &data, &len, err) < 0)
    return NULL;
  p = (const unsigned char *)data;
  crl = d2i_X509_CRL (NULL, &p, len);
  if (crl == NULL)
    ic_error (err, EBADMSG, "%s: not a DER CRL", path);
  return crl;
}

int
dcap_collateral_load (const char *dir, struct dcap_collateral **out, ic_error_t *err)
{
  struct dcap_collateral *c = xmalloc0 (sizeof (*c));
  if ((c->tcb_chain = load_chain (dir, "tcb_info_issuer_chain.pem", err)) == NULL
      || (c->qe_chain = load_chain (dir, "qe_identity_issuer_chain.pem", err)) == NULL
      || (c->pck_crl_chain = load_chain (dir, "pck_crl_issuer_chain.pem", err)) == NULL
      || (c->root_crl = load_crl (dir, "root_ca_crl.der", err)) == NULL
      || (c->pck_crl = load_crl (dir, "pck_crl.der", err)) == NULL
      || load_signed_json (dir, "tcb_info.json", "tcbInfo", &c->tcb_info, err) < 0
      || load_signed_json (dir, "qe_identity.json", "enclaveIdentity", &c->qe_identity, err) < 0)
    {
      dcap_collateral_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

void
dcap_collateral_free (struct dcap_collateral *c)
{
  if (c == NULL)
    return;
  sk_X509_pop_free (c->tcb_chain, X509_free);
  sk_X509_pop_free (c->qe_chain, X509_free);
  sk_X509_pop_free (c->pck_crl_chain, X509_free);
  X509_CRL_free (c->root_crl);
  X509_CRL_free (c->pck_crl);
  dcap_signed_json_clear (&c->tcb_info);
  dcap_signed_json_clear (&c->qe_identity);
  X509_free (c->sim_root);
  X509_free (c->pck);
  free (c);
}

void
dcap_verdict_clear (struct dcap_verdict *v)
{
  strv_free (v->advisory_ids);
  memset (v, 0, sizeof (*v));
}

/* ---------------------------------------------------------------- certificates */

static bool
is_intel_root (X509 *cert)
{
  EVP_PKEY *key = X509_get0_pubkey (cert);
  uint8_t point[65];
  size_t len = 0;
  return key && EVP_PKEY_is_a (key, "EC")
         && EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof (point),
                                             &len)
                == 1
         && len == sizeof (point) && memcmp (point, intel_root_key, sizeof (point)) == 0;
}

/* Verifies leaf up to the pinned root through untrusted, with the CRLs, as of as_of. */
static int
verify_chain (X509 *leaf, STACK_OF (X509) * untrusted, X509 *root, X509_CRL *crl1, X509_CRL *crl2,
              time_t as_of, const char *what, ic_error_t *err)
{
  X509_STORE *store = X509_STORE_new ();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new ();
  int ok = 0, code = X509_V_ERR_UNSPECIFIED;

  if (store && ctx && X509_STORE_add_cert (store, root) == 1
      && (crl1 == NULL || X509_STORE_add_crl (store, crl1) == 1)
      && (crl2 == NULL || X509_STORE_add_crl (store, crl2) == 1)
      && X509_STORE_CTX_init (ctx, store, leaf, untrusted) == 1)
    {
      X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param (ctx);
      X509_VERIFY_PARAM_set_time (param, as_of);
      X509_VERIFY_PARAM_set_flags (param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
      ok = X509_verify_cert (ctx) == 1;
      code = X509_STORE_CTX_get_error (ctx);
    }
  X509_STORE_CTX_free (ctx);
  X509_STORE_free (store);
  if (!ok)
    return ic_error (err, EBADMSG, "%s: certificate chain: %s", what,
                     X509_verify_cert_error_string (code));
  return 0;
}

static X509 *
last_cert (STACK_OF (X509) * chain)
{
  return sk_X509_value (chain, sk_X509_num (chain) - 1);
}

/* The trust anchor of the collateral: every issuer chain in it must end at the same root,
   Intel's (pinned key) or the sim root the caller chose to trust. */
static X509 *
trust_anchor (const struct dcap_collateral *c, bool *simulated, ic_error_t *err)
{
  X509 *root = last_cert (c->tcb_chain);
  const char *trusted = c->sim_root ? "the Intel SGX Root CA or the trusted sim root"
                                    : "the Intel SGX Root CA (sim quotes need the sim root "
                                      "trusted)";
  *simulated = root && c->sim_root && X509_cmp (root, c->sim_root) == 0;
  if (root == NULL || !(*simulated || is_intel_root (root)))
    {
      ic_error (err, EBADMSG, "collateral: the TCB info issuer chain does not end at %s", trusted);
      return NULL;
    }
  if (X509_cmp (last_cert (c->qe_chain), root) != 0
      || X509_cmp (last_cert (c->pck_crl_chain), root) != 0)
    {
      ic_error (err, EBADMSG, "collateral: the issuer chains end at different roots");
      return NULL;
    }
  return *simulated ? c->sim_root : root;
}

int
dcap_collateral_trust_sim_root (struct dcap_collateral *c, const char *pem_path, ic_error_t *err)
{
  cleanup_free char *data = NULL;
  BIO *bio;
  X509 *root;
  EVP_PKEY *key;
  size_t len;

  if (read_file_at (AT_FDCWD, pem_path, COLLATERAL_MAX_SIZE, &data, &len, err) < 0)
    return -1;
  bio = BIO_new_mem_buf (data, len);
  root = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  key = root ? X509_get0_pubkey (root) : NULL;
  if (key == NULL || X509_check_issued (root, root) != X509_V_OK || X509_verify (root, key) != 1)
    {
      X509_free (root);
      return ic_error (err, EBADMSG, "%s: not a self-signed root CA certificate (PEM)", pem_path);
    }
  if (is_intel_root (root))
    {
      X509_free (root);
      return ic_error (err, EINVAL, "%s: this is Intel's root, not a sim root", pem_path);
    }
  X509_free (c->sim_root);
  c->sim_root = root;
  c->verified = false;
  X509_free (c->pck); /* verified to a root that is gone */
  c->pck = NULL;
  return 0;
}

/* A signed collateral document: its issuer chain to the root, its signature, its window. */
static int
verify_signed_json (const struct signed_json *doc, STACK_OF (X509) * chain, X509 *root,
                    X509_CRL *root_crl, time_t as_of, const char *what, ic_error_t *err)
{
  X509 *signer = sk_X509_value (chain, 0);
  time_t issued = dcap_parse_time (jstr (doc->object, "issueDate"));
  time_t next = dcap_parse_time (jstr (doc->object, "nextUpdate"));

  /* The signature first: it is the cheap check, and what a changed document fails. */
  if (!sgx_ecdsa_verify (X509_get0_pubkey (signer), (const uint8_t *)doc->raw, strlen (doc->raw),
                         doc->signature))
    return ic_error (err, EBADMSG, "%s: the signature does not verify", what);
  if (verify_chain (signer, chain, root, root_crl, NULL, as_of, what, err) < 0)
    return -1;
  if (issued < 0 || next < 0)
    return ic_error (err, EBADMSG, "%s: issueDate/nextUpdate missing or malformed", what);
  if (as_of < issued || as_of >= next)
    return ic_error (err, EBADMSG, "%s: not valid as of the verification time (%s .. %s)", what,
                     jstr (doc->object, "issueDate"), jstr (doc->object, "nextUpdate"));
  return 0;
}

/* ---------------------------------------------------------------- the PCK's SGX extension */

/* Calls fn on each {OID, value} pair of a DER SEQUENCE OF SEQUENCE. */
static int
for_each_pair (const unsigned char *der, long len,
               int (*fn) (const char *oid, const ASN1_TYPE *value, struct pck_tcb *t),
               struct pck_tcb *t)
{
  const unsigned char *p = der;
  STACK_OF (ASN1_TYPE) *seq = d2i_ASN1_SEQUENCE_ANY (NULL, &p, len);
  int ret = seq ? 0 : -1;

  for (int i = 0; seq && ret == 0 && i < sk_ASN1_TYPE_num (seq); i++)
    {
      const ASN1_TYPE *item = sk_ASN1_TYPE_value (seq, i);
      const unsigned char *q;
      STACK_OF (ASN1_TYPE) * pair;
      char oid[64];

      if (item->type != V_ASN1_SEQUENCE)
        {
          ret = -1;
          break;
        }
      q = item->value.sequence->data;
      pair = d2i_ASN1_SEQUENCE_ANY (NULL, &q, item->value.sequence->length);
      if (pair == NULL || sk_ASN1_TYPE_num (pair) != 2
          || sk_ASN1_TYPE_value (pair, 0)->type != V_ASN1_OBJECT
          || OBJ_obj2txt (oid, sizeof (oid), sk_ASN1_TYPE_value (pair, 0)->value.object, 1) <= 0)
        ret = -1;
      else
        ret = fn (oid, sk_ASN1_TYPE_value (pair, 1), t);
      sk_ASN1_TYPE_pop_free (pair, ASN1_TYPE_free);
    }
  sk_ASN1_TYPE_pop_free (seq, ASN1_TYPE_free);
  return ret;
}

#define SGX_OID "1.2.840.113741.1.13.1"

static int
tcb_item (const char *oid, const ASN1_TYPE *value, struct pck_tcb *t)
{
  const char *suffix = has_prefix (oid, SGX_OID ".2.") ? oid + strlen (SGX_OID ".2.") : NULL;
  long n = suffix ? strtol (suffix, NULL, 10) : 0;
  if (n >= 1 && n <= 17)
    {
      if (value->type != V_ASN1_INTEGER
          || ASN1_INTEGER_get_int64 (n == 17 ? &t->pcesvn : &t->comp[n - 1], value->value.integer)
                 != 1)
        return -1;
      t->found |= 4u << n; /* bits 3..20 */
    }
  return 0;
}

static int
sgx_item (const char *oid, const ASN1_TYPE *value, struct pck_tcb *t)
{
  if (strcmp (oid, SGX_OID ".4") == 0 && value->type == V_ASN1_OCTET_STRING
      && value->value.octet_string->length == 6)
    {
      memcpy (t->fmspc, value->value.octet_string->data, 6);
      t->found |= 1;
    }
  else if (strcmp (oid, SGX_OID ".3") == 0 && value->type == V_ASN1_OCTET_STRING
           && value->value.octet_string->length == 2)
    {
      memcpy (t->pceid, value->value.octet_string->data, 2);
      t->found |= 2;
    }
  else if (strcmp (oid, SGX_OID ".2") == 0)
    {
      if (value->type != V_ASN1_SEQUENCE
          || for_each_pair (value->value.sequence->data, value->value.sequence->length, tcb_item, t)
                 < 0)
        return -1;
    }
  return 0;
}

int
dcap_read_pck_tcb (X509 *pck, struct pck_tcb *t, ic_error_t *err)
{
  ASN1_OBJECT *obj = OBJ_txt2obj (SGX_OID, 1);
  int idx = obj ? X509_get_ext_by_OBJ (pck, obj, -1) : -1;
  ASN1_OCTET_STRING *data = idx >= 0 ? X509_EXTENSION_get_data (X509_get_ext (pck, idx)) : NULL;
  const unsigned int all = 1 | 2 | (0x1ffffu << 3);

  ASN1_OBJECT_free (obj);
  memset (t, 0, sizeof (*t));
  if (data == NULL || for_each_pair (data->data, data->length, sgx_item, t) < 0
      || (t->found & all) != all)
    return ic_error (err, EBADMSG,
                     "PCK certificate: missing or malformed SGX extensions "
                     "(FMSPC, PCE-ID, TCB)");
  return 0;
}

static time_t
asn1_time (const ASN1_TIME *t)
{
  struct tm tm;
  return t && ASN1_TIME_to_tm (t, &tm) == 1 ? timegm (&tm) : -1;
}

/* Narrows [*from, *until) to the validity of a chain, a CRL and a document. */
static void
narrow (time_t *from, time_t *until, time_t start, time_t end)
{
  if (start > *from)
    *from = start;
  if (end < *until)
    *until = end;
}

static void
narrow_chain (time_t *from, time_t *until, STACK_OF (X509) * chain)
{
  for (int i = 0; i < sk_X509_num (chain); i++)
    narrow (from, until, asn1_time (X509_get0_notBefore (sk_X509_value (chain, i))),
            asn1_time (X509_get0_notAfter (sk_X509_value (chain, i))));
}

/* The collateral documents, verified as of as_of unless an earlier verification covers it. */
static int
verify_collateral (struct dcap_collateral *c, X509 *root, time_t as_of, ic_error_t *err)
{
  time_t from = 0, until = (time_t)INT64_MAX;

  if (c->verified && as_of >= c->valid_from && as_of < c->valid_until)
    return 0;
  c->verified = false;
  if (verify_signed_json (&c->tcb_info, c->tcb_chain, root, c->root_crl, as_of, "TCB info", err) < 0
      || verify_signed_json (&c->qe_identity, c->qe_chain, root, c->root_crl, as_of, "QE identity",
                             err)
             < 0)
    return -1;
  narrow_chain (&from, &until, c->tcb_chain);
  narrow_chain (&from, &until, c->qe_chain);
  narrow (&from, &until, asn1_time (X509_CRL_get0_lastUpdate (c->root_crl)),
          asn1_time (X509_CRL_get0_nextUpdate (c->root_crl)));
  narrow (&from, &until, dcap_parse_time (jstr (c->tcb_info.object, "issueDate")),
          dcap_parse_time (jstr (c->tcb_info.object, "nextUpdate")));
  narrow (&from, &until, dcap_parse_time (jstr (c->qe_identity.object, "issueDate")),
          dcap_parse_time (jstr (c->qe_identity.object, "nextUpdate")));
  /* Anything unreadable leaves the window empty: the next call verifies again. */
  c->valid_from = from;
  c->valid_until = until;
  c->verified = from >= 0 && until > from && as_of >= from && as_of < until;
  return 0;
}

int
dcap_collateral_replace_document (struct dcap_collateral *c, const char *file, const char *text,
                                  ic_error_t *err)
{
  bool tcb = strcmp (file, "tcb_info.json") == 0;
  struct signed_json doc;
  if (!tcb && strcmp (file, "qe_identity.json") != 0)
    return ic_error (err, EINVAL, "collateral: no document `%s`", file);
  if (dcap_signed_json_parse (text, tcb ? "tcbInfo" : "enclaveIdentity", &doc, err) < 0)
    return ic_error_wrap (err, "%s", file);
  dcap_signed_json_clear (tcb ? &c->tcb_info : &c->qe_identity);
  *(tcb ? &c->tcb_info : &c->qe_identity) = doc;
  c->verified = false;
  return 0;
}

int
dcap_collateral_verify_documents (struct dcap_collateral *c, time_t as_of, ic_error_t *err)
{
  bool simulated;
  X509 *root = trust_anchor (c, &simulated, err);
  return root ? verify_collateral (c, root, as_of, err) : -1;
}

/* ---------------------------------------------------------------- TCB levels */

char **
dcap_level_advisories (json_object *level)
{
  json_object *ids;
  size_t n;
  char **out;
  if (!json_object_object_get_ex (level, "advisoryIDs", &ids)
      || !json_object_is_type (ids, json_type_array))
    return xmalloc0 (sizeof (char *));
  n = json_object_array_length (ids);
  out = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0, k = 0; i < n; i++)
    if (json_object_is_type (json_object_array_get_idx (ids, i), json_type_string))
      out[k++] = xstrdup (json_object_get_string (json_object_array_get_idx (ids, i)));
  return out;
}

bool
dcap_sgx_level_matches (json_object *level, const struct pck_tcb *t)
{
  json_object *tcb, *comps;
  int64_t pcesvn;
  if (!json_object_object_get_ex (level, "tcb", &tcb)
      || !json_object_object_get_ex (tcb, "sgxtcbcomponents", &comps)
      || !json_object_is_type (comps, json_type_array) || json_object_array_length (comps) != 16
      || !jint (tcb, "pcesvn", &pcesvn))
    return false;
  for (size_t i = 0; i < 16; i++)
    {
      int64_t svn;
      if (!jint (json_object_array_get_idx (comps, i), "svn", &svn) || t->comp[i] < svn)
        return false;
    }
  return t->pcesvn >= pcesvn;
}

/* The first level (they are sorted from the newest) the platform reaches. */
int
dcap_platform_level (json_object *tcb_info, const struct pck_tcb *t, struct dcap_verdict *v,
                     ic_error_t *err)
{
  uint8_t fmspc[6], pceid[2];
  json_object *levels;
  int64_t version;

  if (!jint (tcb_info, "version", &version) || version < 2
      || unhex (jstr (tcb_info, "fmspc"), fmspc, 6) < 0
      || unhex (jstr (tcb_info, "pceId"), pceid, 2) < 0
      || !json_object_object_get_ex (tcb_info, "tcbLevels", &levels)
      || !json_object_is_type (levels, json_type_array))
    return ic_error (err, EBADMSG, "TCB info: missing version, fmspc, pceId or tcbLevels");
  if (memcmp (fmspc, t->fmspc, 6) != 0 || memcmp (pceid, t->pceid, 2) != 0)
    return ic_error (err, EBADMSG,
                     "TCB info: it is for another platform (FMSPC/PCE-ID differ "
                     "from the PCK certificate's)");
  for (size_t i = 0; i < json_object_array_length (levels); i++)
    {
      json_object *level = json_object_array_get_idx (levels, i);
      const char *status = jstr (level, "tcbStatus");
      if (status && dcap_sgx_level_matches (level, t))
        {
          snprintf (v->tcb_status, sizeof (v->tcb_status), "%s", status);
          v->advisory_ids = dcap_level_advisories (level);
          return 0;
        }
    }
  return ic_error (err, EBADMSG, "TCB info: the platform's TCB is below every known level");
}

/* The QE report against the QE identity: who signed the QE, its attributes, its TCB level. */
int
dcap_check_qe (const struct sgx_report_body *qe, json_object *id, struct dcap_verdict *v,
               ic_error_t *err)
{
  uint8_t mrsigner[32], attrs[16], attrs_mask[16], misc[4], misc_mask[4];
  uint8_t *qe_attrs = (uint8_t *)&((struct sgx_report_body *)qe)->attributes;
  int64_t prodid;
  json_object *levels;
  uint32_t m, mm;

  if (unhex (jstr (id, "mrsigner"), mrsigner, 32) < 0
      || unhex (jstr (id, "attributes"), attrs, 16) < 0
      || unhex (jstr (id, "attributesMask"), attrs_mask, 16) < 0
      || unhex (jstr (id, "miscselect"), misc, 4) < 0
      || unhex (jstr (id, "miscselectMask"), misc_mask, 4) < 0 || !jint (id, "isvprodid", &prodid)
      || !json_object_object_get_ex (id, "tcbLevels", &levels)
      || !json_object_is_type (levels, json_type_array))
    return ic_error (err, EBADMSG, "QE identity: missing or malformed fields");
  if (memcmp (qe->mrsigner, mrsigner, 32) != 0 || qe->isvprodid != prodid)
    return ic_error (err, EBADMSG, "QE identity: the quoting enclave is not Intel's QE");
  /* miscselect is written big-endian in the JSON, like Intel's tools print it. */
  m = (uint32_t)misc[0] << 24 | misc[1] << 16 | misc[2] << 8 | misc[3];
  mm = (uint32_t)misc_mask[0] << 24 | misc_mask[1] << 16 | misc_mask[2] << 8 | misc_mask[3];
  if ((qe->miscselect & mm) != m)
    return ic_error (err, EBADMSG, "QE identity: MISCSELECT does not match");
  for (size_t i = 0; i < 16; i++)
    if ((qe_attrs[i] & attrs_mask[i]) != attrs[i])
      return ic_error (err, EBADMSG, "QE identity: ATTRIBUTES do not match");
  for (size_t i = 0; i < json_object_array_length (levels); i++)
    {
      json_object *level = json_object_array_get_idx (levels, i), *tcb;
      int64_t isvsvn;
      const char *status = jstr (level, "tcbStatus");
      if (status && json_object_object_get_ex (level, "tcb", &tcb) && jint (tcb, "isvsvn", &isvsvn)
          && qe->isvsvn >= isvsvn)
        {
          snprintf (v->qe_tcb_status, sizeof (v->qe_tcb_status), "%s", status);
          return 0;
        }
    }
  return ic_error (err, EBADMSG, "QE identity: the QE's ISVSVN is below every known level");
}

/* An out-of-date or revoked component (the QE, the TDX module) lowers the platform's status,
   as Intel's verifier does. */
void
dcap_lower_status (struct dcap_verdict *v, const char *component_status)
{
  const char *p = v->tcb_status, *merged = NULL;
  if (strcmp (component_status, "Revoked") == 0)
    merged = "Revoked";
  else if (strcmp (component_status, "OutOfDate") == 0)
    {
      if (strcmp (p, "UpToDate") == 0 || strcmp (p, "SWHardeningNeeded") == 0)
        merged = "OutOfDate";
      else if (strcmp (p, "ConfigurationNeeded") == 0
               || strcmp (p, "ConfigurationAndSWHardeningNeeded") == 0)
        merged = "OutOfDateConfigurationNeeded";
    }
  if (merged)
    snprintf (v->tcb_status, sizeof (v->tcb_status), "%s", merged);
}

/* ---------------------------------------------------------------- the verdict */

static STACK_OF (X509) * quote_chain (const struct sgx_quote *q, ic_error_t *err)
{
  BIO *bio = BIO_new_mem_buf (q->pck_chain, q->pck_chain_len);
  STACK_OF (X509) *chain = sk_X509_new_null ();
  X509 *cert;
  while (bio && chain && (cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    sk_X509_push (chain, cert);
  BIO_free (bio);
  if (chain == NULL || sk_X509_num (chain) < 2)
    {
      sk_X509_pop_free (chain, X509_free);
      ic_error (err, EBADMSG, "quote: the PCK certificate chain does not parse");
      return NULL;
    }
  return chain;
}

/* The quote's PCK certificate, verified up to root with the CRLs as of as_of: from the cache
   when the same chain verified to the same root for a window holding as_of. */
static X509 *
verified_pck (const struct sgx_quote *q, struct dcap_collateral *c, X509 *root, time_t as_of,
              struct pck_tcb *tcb, ic_error_t *err)
{
  uint8_t digest[32];
  STACK_OF (X509) * chain;
  time_t from = 0, until = (time_t)INT64_MAX;
  X509 *pck;

  SHA256 ((const uint8_t *)q->pck_chain, q->pck_chain_len, digest);
  if (c->pck && c->pck_root == root && memcmp (digest, c->pck_digest, 32) == 0
      && as_of >= c->pck_from && as_of < c->pck_until)
    {
      *tcb = c->pck_tcb;
      return c->pck;
    }
  if ((chain = quote_chain (q, err)) == NULL)
    return NULL;
  pck = sk_X509_value (chain, 0);
  if (X509_cmp (last_cert (chain), root) != 0)
    ic_error (err, EBADMSG, "quote: the PCK certificate chain does not end at the %s",
              root == c->sim_root ? "trusted sim root" : "Intel SGX Root CA");
  else if (verify_chain (pck, chain, root, c->root_crl, c->pck_crl, as_of, "PCK certificate", err)
               == 0
           && dcap_read_pck_tcb (pck, tcb, err) == 0)
    {
      narrow_chain (&from, &until, chain);
      narrow (&from, &until, asn1_time (X509_CRL_get0_lastUpdate (c->root_crl)),
              asn1_time (X509_CRL_get0_nextUpdate (c->root_crl)));
      narrow (&from, &until, asn1_time (X509_CRL_get0_lastUpdate (c->pck_crl)),
              asn1_time (X509_CRL_get0_nextUpdate (c->pck_crl)));
      X509_free (c->pck);
      X509_up_ref (pck);
      c->pck = pck;
      c->pck_root = root;
      c->pck_tcb = *tcb;
      memcpy (c->pck_digest, digest, 32);
      /* Anything unreadable leaves the window empty: the next quote verifies its chain. */
      c->pck_from = from;
      c->pck_until = from >= 0 && until > from ? until : from;
      sk_X509_pop_free (chain, X509_free);
      return c->pck;
    }
  sk_X509_pop_free (chain, X509_free);
  return NULL;
}

static int
verify_quote (const struct sgx_quote *q, struct dcap_collateral *c, time_t as_of,
              struct dcap_verdict *v, ic_error_t *err)
{
  X509 *root = trust_anchor (c, &v->simulated, err), *pck;
  struct pck_tcb tcb;

  if (root == NULL)
    return -1;
  /* Sim evidence must say so in its header, and nothing else may. */
  if (memcmp (q->header->qe_vendor_id, v->simulated ? sgx_qe_vendor_sim : sgx_qe_vendor_intel, 16)
      != 0)
    return ic_error (err, EBADMSG,
                     "quote: the QE vendor ID is not %s, although the quote is "
                     "verified against %s",
                     v->simulated ? "the software TEE's" : "Intel's",
                     v->simulated ? "the sim root" : "Intel's root");
  if ((pck = verified_pck (q, c, root, as_of, &tcb, err)) == NULL
      || sgx_quote_check_signatures (q, X509_get0_pubkey (pck), err) < 0
      || verify_collateral (c, root, as_of, err) < 0
      || dcap_check_collateral_kind (q, c->tcb_info.object, c->qe_identity.object, err) < 0)
    return -1;
  for (size_t i = 0; i < 6; i++)
    snprintf (v->fmspc + 2 * i, 3, "%02X", tcb.fmspc[i]);
  if (dcap_check_qe (q->qe_report, c->qe_identity.object, v, err) < 0
      || (q->td_report ? dcap_tdx_platform_level (c->tcb_info.object, &tcb, q->td_report, v, err)
                       : dcap_platform_level (c->tcb_info.object, &tcb, v, err))
             < 0)
    return -1;
  dcap_lower_status (v, v->qe_tcb_status);
  return 0;
}

int
dcap_verify (const struct sgx_quote *q, struct dcap_collateral *c, time_t as_of,
             struct dcap_verdict *v, ic_error_t *err)
{
  memset (v, 0, sizeof (*v));
  if (verify_quote (q, c, as_of, v, err) == 0)
    return 0;
  dcap_verdict_clear (v);
  return -1;
}
