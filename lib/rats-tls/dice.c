/* CBOR encoding and strict decoding of claims, tagged evidence and endorsements (libcbor). */
#include "dice.h"
#include "utils.h"
#include <cbor.h>
#include <errno.h>
#include <string.h>

size_t
dice_hash_size (hash_algo_t alg)
{
  switch (alg)
    {
    case HASH_ALGO_SHA256:
      return 32;
    case HASH_ALGO_SHA384:
      return 48;
    case HASH_ALGO_SHA512:
      return 64;
    default:
      return 0;
    }
}

static void
cbor_decrefp (cbor_item_t **item)
{
  if (*item)
    cbor_decref (item);
}
#define cleanup_cbor __attribute__ ((cleanup (cbor_decrefp)))

static int
serialize (cbor_item_t *item, uint8_t **out, size_t *out_len, const char *what, ic_error_t *err)
{
  unsigned char *buf = NULL;
  size_t size = 0, len;

  if (item == NULL)
    return ic_error (err, ENOMEM, "%s: building the CBOR items", what);
  len = cbor_serialize_alloc (item, &buf, &size);
  if (len == 0)
    {
      free (buf);
      return ic_error (err, ENOMEM, "%s: serializing CBOR", what);
    }
  *out = buf;
  *out_len = len;
  return 0;
}

/* libcbor allocates a definite array or map for the size its header declares before it reads
   the items, so a few bytes could claim billions of them. Every declared item takes at least
   one byte of the buffer, so the sizes declared by all headers add up to at most its length:
   walk the headers with libcbor's streaming decoder and check that first. */
struct declared
{
  size_t total, limit;
};

static void
declared_array (void *ctx, size_t size)
{
  struct declared *d = ctx;
  d->total = size > d->limit ? d->limit + 1 : d->total + size;
}

static void
declared_map (void *ctx, size_t size)
{
  declared_array (ctx, size > SIZE_MAX / 2 ? SIZE_MAX : size * 2);
}

static bool
sizes_plausible (const uint8_t *buf, size_t len)
{
  struct cbor_callbacks callbacks = cbor_empty_callbacks;
  struct declared d = { .total = 0, .limit = len };
  size_t pos = 0;

  callbacks.array_start = declared_array;
  callbacks.map_start = declared_map;
  while (pos < len)
    {
      struct cbor_decoder_result r = cbor_stream_decode (buf + pos, len - pos, &callbacks, &d);
      if (r.status != CBOR_DECODER_FINISHED || r.read == 0 || d.total > d.limit)
        return false;
      pos += r.read;
    }
  return true;
}

/* Parses exactly one item filling the whole buffer. */
static cbor_item_t *
load_one (const uint8_t *buf, size_t len, const char *what, ic_error_t *err)
{
  struct cbor_load_result result;
  cbor_item_t *item;

  if (buf == NULL || len == 0)
    {
      ic_error (err, EINVAL, "%s: empty", what);
      return NULL;
    }
  if (!sizes_plausible (buf, len))
    {
      ic_error (err, EINVAL, "%s: malformed CBOR (truncated, or sizes larger than the data)", what);
      return NULL;
    }
  item = cbor_load (buf, len, &result);
  if (item == NULL || result.error.code != CBOR_ERR_NONE)
    {
      if (item)
        cbor_decref (&item);
      ic_error (err, EINVAL, "%s: malformed CBOR at byte %zu", what, result.error.position);
      return NULL;
    }
  if (result.read != len)
    {
      cbor_decref (&item);
      ic_error (err, EINVAL, "%s: %zu bytes after the CBOR item", what, len - result.read);
      return NULL;
    }
  return item;
}

/* A definite byte string's bytes (malloc'ed copy, at least one byte allocated). */
static int
get_bytes (cbor_item_t *item, uint8_t **out, size_t *len, size_t max, const char *what,
           ic_error_t *err)
{
  if (!cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
    return ic_error (err, EINVAL, "%s: not a definite byte string", what);
  *len = cbor_bytestring_length (item);
  if (*len > max)
    return ic_error (err, EINVAL, "%s: %zu bytes, at most %zu allowed", what, *len, max);
  *out = xmalloc0 (*len + 1);
  if (*len)
    memcpy (*out, cbor_bytestring_handle (item), *len);
  return 0;
}

static int
get_uint (cbor_item_t *item, uint64_t *v, const char *what, ic_error_t *err)
{
  if (!cbor_isa_uint (item))
    return ic_error (err, EINVAL, "%s: not an unsigned integer", what);
  *v = cbor_get_int (item);
  return 0;
}

int
dice_claims_build (hash_algo_t alg, const uint8_t *pubkey_hash, const claim_t *custom,
                   size_t n_custom, uint8_t **out, size_t *out_len, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *map = NULL, *pair = NULL;
  cleanup_free uint8_t *hash_buf = NULL;
  size_t hash_size = dice_hash_size (alg), hash_buf_len;
  bool ok;

  if (hash_size == 0)
    return ic_error (err, EINVAL, "claims: unknown hash algorithm %d", alg);
  if (n_custom > DICE_MAX_CLAIMS)
    return ic_error (err, EINVAL, "claims: %zu custom claims, at most %d", n_custom,
                     DICE_MAX_CLAIMS);
  pair = cbor_new_definite_array (2);
  if (pair == NULL || !cbor_array_push (pair, cbor_move (cbor_build_uint8 (alg)))
      || !cbor_array_push (pair, cbor_move (cbor_build_bytestring (pubkey_hash, hash_size))))
    return ic_error (err, ENOMEM, "claims: building pubkey-hash");
  if (serialize (pair, &hash_buf, &hash_buf_len, "claims", err) < 0)
    return -1;

  map = cbor_new_definite_map (n_custom + 1);
  if (map == NULL)
    return ic_error (err, ENOMEM, "claims: building the map");
  ok = cbor_map_add (map, (struct cbor_pair){
                              .key = cbor_move (cbor_build_string (CLAIM_PUBLIC_KEY_HASH)),
                              .value = cbor_move (cbor_build_bytestring (hash_buf, hash_buf_len)),
                          });
  for (size_t i = 0; ok && i < n_custom; i++)
    {
      if (custom[i].name == NULL || custom[i].name[0] == '\0')
        return ic_error (err, EINVAL, "claims: custom claim %zu has no name", i);
      if (strcmp (custom[i].name, CLAIM_PUBLIC_KEY_HASH) == 0)
        return ic_error (err, EINVAL, "claims: custom claim `%s`: the name is reserved",
                         custom[i].name);
      for (size_t j = 0; j < i; j++)
        if (strcmp (custom[i].name, custom[j].name) == 0)
          return ic_error (err, EINVAL, "claims: custom claim `%s` given twice", custom[i].name);
      if (custom[i].value == NULL && custom[i].value_size)
        return ic_error (err, EINVAL, "claims: custom claim `%s` has no value", custom[i].name);
      ok = cbor_map_add (map, (struct cbor_pair){
                                  .key = cbor_move (cbor_build_string (custom[i].name)),
                                  .value = cbor_move (cbor_build_bytestring (
                                      custom[i].value ? custom[i].value : (const uint8_t *)"",
                                      custom[i].value_size)),
                              });
    }
  if (!ok)
    return ic_error (err, ENOMEM, "claims: building the map");
  return serialize (map, out, out_len, "claims", err);
}

void
dice_claims_clear (struct dice_claims *c)
{
  for (size_t i = 0; i < c->n_custom; i++)
    {
      free (c->custom[i].name);
      free (c->custom[i].value);
    }
  free (c->custom);
  memset (c, 0, sizeof *c);
}

static int
parse_pubkey_hash (cbor_item_t *value, struct dice_claims *out, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *pair = NULL;
  cleanup_free uint8_t *inner = NULL, *hash = NULL;
  size_t inner_len, hash_len;
  uint64_t alg = 0;
  cbor_item_t **items;

  if (get_bytes (value, &inner, &inner_len, 1024, "claims: pubkey-hash", err) < 0)
    return -1;
  pair = load_one (inner, inner_len, "claims: pubkey-hash", err);
  if (pair == NULL)
    return -1;
  if (!cbor_isa_array (pair) || !cbor_array_is_definite (pair) || cbor_array_size (pair) != 2)
    return ic_error (err, EINVAL, "claims: pubkey-hash: not an array [algorithm, hash]");
  items = cbor_array_handle (pair);
  if (get_uint (items[0], &alg, "claims: pubkey-hash: algorithm", err) < 0)
    return -1;
  if (alg > 0xff || dice_hash_size ((hash_algo_t)alg) == 0)
    return ic_error (err, EINVAL, "claims: pubkey-hash: unknown hash algorithm %llu",
                     (unsigned long long)alg);
  if (get_bytes (items[1], &hash, &hash_len, 64, "claims: pubkey-hash: hash", err) < 0)
    return -1;
  if (hash_len != dice_hash_size ((hash_algo_t)alg))
    return ic_error (err, EINVAL, "claims: pubkey-hash: %zu bytes for algorithm %llu", hash_len,
                     (unsigned long long)alg);
  out->pubkey_hash_alg = (hash_algo_t)alg;
  memcpy (out->pubkey_hash, hash, hash_len);
  out->pubkey_hash_len = hash_len;
  return 0;
}

int
dice_claims_parse (const uint8_t *buf, size_t len, struct dice_claims *out, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *map = NULL;
  struct cbor_pair *pairs;
  size_t n;
  bool have_hash = false;

  memset (out, 0, sizeof *out);
  map = load_one (buf, len, "claims", err);
  if (map == NULL)
    return -1;
  if (!cbor_isa_map (map) || !cbor_map_is_definite (map))
    return ic_error (err, EINVAL, "claims: not a definite CBOR map");
  n = cbor_map_size (map);
  if (n > DICE_MAX_CLAIMS + 1)
    return ic_error (err, EINVAL, "claims: %zu entries, at most %d", n, DICE_MAX_CLAIMS + 1);
  pairs = cbor_map_handle (map);
  out->custom = xmalloc0 ((n + 1) * sizeof *out->custom);
  for (size_t i = 0; i < n; i++)
    {
      cbor_item_t *key = pairs[i].key;
      size_t key_len;
      char *name;

      if (!cbor_isa_string (key) || !cbor_string_is_definite (key))
        goto fail_key;
      key_len = cbor_string_length (key);
      if (key_len == 0 || key_len > 255 || memchr (cbor_string_handle (key), 0, key_len))
        goto fail_key;
      name = xmalloc0 (key_len + 1);
      memcpy (name, cbor_string_handle (key), key_len);
      for (size_t j = 0; j < out->n_custom; j++)
        if (strcmp (out->custom[j].name, name) == 0)
          {
            ic_error (err, EINVAL, "claims: `%s` appears twice", name);
            free (name);
            goto fail;
          }
      if (strcmp (name, CLAIM_PUBLIC_KEY_HASH) == 0)
        {
          free (name);
          if (have_hash)
            {
              ic_error (err, EINVAL, "claims: `" CLAIM_PUBLIC_KEY_HASH "` appears twice");
              goto fail;
            }
          if (parse_pubkey_hash (pairs[i].value, out, err) < 0)
            goto fail;
          have_hash = true;
          continue;
        }
      uint8_t *value = NULL;
      size_t value_size = 0;
      out->custom[out->n_custom].name = name;
      out->n_custom++;
      if (get_bytes (pairs[i].value, &value, &value_size, RATS_TLS_EVIDENCE_MAX_SIZE,
                     "claims: value", err)
          < 0)
        {
          ic_error_wrap (err, "claim `%s`", name);
          goto fail;
        }
      out->custom[out->n_custom - 1].value = value;
      out->custom[out->n_custom - 1].value_size = value_size;
    }
  if (!have_hash)
    {
      ic_error (err, EINVAL, "claims: no `" CLAIM_PUBLIC_KEY_HASH "`");
      goto fail;
    }
  return 0;

fail_key:
  ic_error (err, EINVAL, "claims: a key is not a non-empty text string");
fail:
  dice_claims_clear (out);
  return -1;
}

int
dice_evidence_build (uint64_t tag, const uint8_t *evidence, size_t evidence_len,
                     const uint8_t *claims, size_t claims_len, uint8_t **out, size_t *out_len,
                     ic_error_t *err)
{
  cleanup_cbor cbor_item_t *array = cbor_new_definite_array (2), *tagged = NULL;

  if (array == NULL
      || !cbor_array_push (array, cbor_move (cbor_build_bytestring (evidence, evidence_len)))
      || !cbor_array_push (array, cbor_move (cbor_build_bytestring (claims, claims_len))))
    return ic_error (err, ENOMEM, "evidence: building the CBOR items");
  tagged = cbor_build_tag (tag, array);
  return serialize (tagged, out, out_len, "evidence", err);
}

/* tag(T, array of n items): the array's items, borrowed from *tagged. */
static cbor_item_t **
load_tagged_array (const uint8_t *buf, size_t len, size_t n, uint64_t *tag, cbor_item_t **tagged,
                   cbor_item_t **array, const char *what, ic_error_t *err)
{
  *tagged = load_one (buf, len, what, err);
  if (*tagged == NULL)
    return NULL;
  if (!cbor_isa_tag (*tagged))
    {
      ic_error (err, EINVAL, "%s: not a CBOR tag", what);
      return NULL;
    }
  *tag = cbor_tag_value (*tagged);
  *array = cbor_tag_item (*tagged); /* a new reference */
  if (!cbor_isa_array (*array) || !cbor_array_is_definite (*array) || cbor_array_size (*array) != n)
    {
      ic_error (err, EINVAL, "%s: not an array of %zu items", what, n);
      return NULL;
    }
  return cbor_array_handle (*array);
}

int
dice_evidence_parse (const uint8_t *buf, size_t len, uint64_t *tag, uint8_t **evidence,
                     size_t *evidence_len, uint8_t **claims, size_t *claims_len, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *tagged = NULL, *array = NULL;
  cleanup_free uint8_t *ev = NULL;
  cbor_item_t **items;

  items = load_tagged_array (buf, len, 2, tag, &tagged, &array, "evidence", err);
  if (items == NULL)
    return -1;
  if (get_bytes (items[0], &ev, evidence_len, RATS_TLS_EVIDENCE_MAX_SIZE, "evidence: raw evidence",
                 err)
      < 0)
    return -1;
  if (get_bytes (items[1], claims, claims_len, RATS_TLS_EVIDENCE_MAX_SIZE, "evidence: claims", err)
      < 0)
    return -1;
  *evidence = steal_pointer (&ev);
  return 0;
}

#define ENDORSEMENT_FIELDS(X)                                                                      \
  X (tcb_info)                                                                                     \
  X (tcb_info_issuer_chain)                                                                        \
  X (pck_crl)                                                                                      \
  X (root_ca_crl)                                                                                  \
  X (pck_crl_issuer_chain)                                                                         \
  X (qe_identity)                                                                                  \
  X (qe_identity_issuer_chain)

int
dice_endorsements_build (uint64_t tag, const attestation_endorsement_t *e, uint8_t **out,
                         size_t *out_len, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *array = cbor_new_definite_array (8), *tagged = NULL;
  bool ok = array && cbor_array_push (array, cbor_move (cbor_build_uint32 (e->version)));

#define PUSH(f)                                                                                    \
  ok = ok                                                                                          \
       && cbor_array_push (array,                                                                  \
                           cbor_move (cbor_build_bytestring (e->f ? e->f : (const uint8_t *)"",    \
                                                             e->f ? e->f##_size : 0)));
  ENDORSEMENT_FIELDS (PUSH)
#undef PUSH
  if (!ok)
    return ic_error (err, ENOMEM, "endorsements: building the CBOR items");
  tagged = cbor_build_tag (tag, array);
  return serialize (tagged, out, out_len, "endorsements", err);
}

int
dice_endorsements_parse (const uint8_t *buf, size_t len, uint64_t *tag,
                         attestation_endorsement_t *out, ic_error_t *err)
{
  cleanup_cbor cbor_item_t *tagged = NULL, *array = NULL;
  cbor_item_t **items;
  uint64_t version = 0;
  size_t i = 1;

  memset (out, 0, sizeof *out);
  items = load_tagged_array (buf, len, 8, tag, &tagged, &array, "endorsements", err);
  if (items == NULL)
    return -1;
  if (get_uint (items[0], &version, "endorsements: version", err) < 0)
    return -1;
  if (version > UINT32_MAX)
    return ic_error (err, EINVAL, "endorsements: version %llu", (unsigned long long)version);
  out->version = version;
#define GET(f)                                                                                     \
  if (get_bytes (items[i++], &out->f, &out->f##_size, RATS_TLS_EVIDENCE_MAX_SIZE,                  \
                 "endorsements: " #f, err)                                                         \
      < 0)                                                                                         \
    goto fail;
  ENDORSEMENT_FIELDS (GET)
#undef GET
  return 0;
fail:
  rtls_endorsement_clear (out);
  return -1;
}

void
rtls_endorsement_clear (attestation_endorsement_t *e)
{
#define FREE(f) free (e->f);
  ENDORSEMENT_FIELDS (FREE)
#undef FREE
  memset (e, 0, sizeof *e);
}
