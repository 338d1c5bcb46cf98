/* Verifying a peer's certificate: validity and self-signature, the tagged evidence extension,
   the verifier for its type, the pubkey-hash binding, then the user's callback. Fails closed:
   anything missing or malformed is an error. */
#include "dice.h"
#include "internal.h"
#include "quote.h"
#include "utils.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

/* The verifier type that checks evidence with this tag and contents. */
static const char *
evidence_type (uint64_t tag, const uint8_t *ev, size_t len)
{
  const struct sgx_quote_header *hdr = (const void *)ev;

  switch (tag)
    {
    case OCBR_TAG_EVIDENCE_INTEL_TEE_QUOTE:
      if (len < sizeof *hdr)
        return NULL;
      if (hdr->tee_type == SGX_QUOTE_TEE_TDX)
        return "tdx_ecdsa";
      if (hdr->tee_type != SGX_QUOTE_TEE_SGX)
        return NULL;
      if (memcmp (hdr->qe_vendor_id, sgx_qe_vendor_sim, sizeof sgx_qe_vendor_sim) == 0)
        return "sim";
      return "sgx_ecdsa";
    case OCBR_TAG_EVIDENCE_SGX_LEGACY_REPORT:
      return "sgx_la";
    case OCBR_TAG_EVIDENCE_SEV_SNP:
      return "sev_snp";
    case OCBR_TAG_EVIDENCE_SEV:
      return "sev";
    case OCBR_TAG_EVIDENCE_CSV:
      return "csv";
    default:
      return NULL;
    }
}

rats_tls_err_t
rtls_verifier_select (struct rtls_core_context_t *h, const enclave_verifier_opts_t *opts)
{
  int ret;

  if (h->verifier_ready && h->verifier.opts == opts)
    return RATS_TLS_ERR_NONE;
  if (h->verifier_ready && h->verifier.opts->cleanup)
    h->verifier.opts->cleanup (&h->verifier);
  h->verifier_ready = false;
  memset (&h->verifier, 0, sizeof h->verifier);
  h->verifier.opts = opts;
  h->verifier.conf_flags = h->config.flags;
  h->verifier.log_level = h->config.log_level;
  h->verifier.policy = &h->policy;
  ret = opts->init ? opts->init (&h->verifier, h->config.cert_algo) : ENCLAVE_VERIFIER_ERR_NONE;
  if (ret != ENCLAVE_VERIFIER_ERR_NONE)
    return ret;
  h->verifier_ready = true;
  return RATS_TLS_ERR_NONE;
}

static rats_tls_err_t
select_for_type (struct rtls_core_context_t *h, const char *type)
{
  if (h->config.flags & RATS_TLS_CONF_FLAGS_VERIFIER_ENFORCED)
    {
      const enclave_verifier_opts_t *forced
          = rtls_registry_find (RTLS_VERIFIER, h->config.verifier_type);
      /* A named nullverifier means "do not attest the peer": it takes any evidence. */
      if (strcmp (forced->type, type) != 0 && strcmp (forced->type, "nullverifier") != 0)
        return rtls_error (RATS_TLS_ERR_NO_VERIFIER,
                           "the peer's evidence is of type `%s`; verifier `%s` checks `%s`", type,
                           forced->name, forced->type);
      return rtls_verifier_select (h, forced);
    }
  for (size_t i = 0; i < rtls_registry_count (RTLS_VERIFIER); i++)
    {
      const enclave_verifier_opts_t *v = rtls_registry_get (RTLS_VERIFIER, i);
      if (strcmp (v->type, type) == 0)
        return rtls_verifier_select (h, v);
    }
  return rtls_error (RATS_TLS_ERR_NO_VERIFIER, "no verifier for evidence of type `%s` is loaded%s",
                     type, rtls_registry_warnings ());
}

static int
call_back (struct rtls_core_context_t *h, rtls_evidence_t *ev)
{
  if (h->user_callback && h->user_callback (ev) != 0)
    return rtls_error (RATS_TLS_ERR_CALLBACK_REJECTED,
                       "the verification callback rejected the peer's evidence");
  return RATS_TLS_ERR_NONE;
}

static rats_tls_err_t
verify_no_evidence (struct rtls_core_context_t *h, const char *why)
{
  rtls_evidence_t ev = { 0 };
  int ret;

  const enclave_verifier_opts_t *forced
      = rtls_registry_find (RTLS_VERIFIER, h->config.verifier_type);

  if ((h->config.flags & RATS_TLS_CONF_FLAGS_VERIFIER_ENFORCED)
      && strcmp (forced->type, "nullverifier") != 0)
    return rtls_error (RATS_TLS_ERR_NO_EVIDENCE, "%s; verifier `%s` requires evidence", why,
                       h->config.verifier_type);
  ret = select_for_type (h, "nullverifier");
  if (ret != RATS_TLS_ERR_NONE)
    return ret;
  ret = h->verifier.opts->verify_evidence (&h->verifier, NULL, NULL, 0, NULL, &ev);
  if (ret != ENCLAVE_VERIFIER_ERR_NONE)
    return ret;
  ev.verifier = h->verifier.opts->name;
  ev.tcb_status = "";
  return call_back (h, &ev);
}

static void
x509_freep (X509 **x)
{
  X509_free (*x);
}

static void
asn1_object_freep (ASN1_OBJECT **o)
{
  ASN1_OBJECT_free (*o);
}

/* The value of the extension with this OID (NULL if absent); it may appear once only. */
static int
find_extension (X509 *cert, const char *oid, const ASN1_OCTET_STRING **out)
{
  __attribute__ ((cleanup (asn1_object_freep))) ASN1_OBJECT *obj = OBJ_txt2obj (oid, 1);
  int i;

  *out = NULL;
  if (obj == NULL)
    return rtls_error (RATS_TLS_ERR_NO_MEM, "OID %s", oid);
  i = X509_get_ext_by_OBJ (cert, obj, -1);
  if (i < 0)
    return RATS_TLS_ERR_NONE;
  if (X509_get_ext_by_OBJ (cert, obj, i) >= 0)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: extension %s appears twice", oid);
  *out = X509_EXTENSION_get_data (X509_get_ext (cert, i));
  if (*out == NULL || (*out)->length <= 0)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: extension %s is empty", oid);
  return RATS_TLS_ERR_NONE;
}

static const EVP_MD *
dice_md (hash_algo_t alg)
{
  switch (alg)
    {
    case HASH_ALGO_SHA256:
      return EVP_sha256 ();
    case HASH_ALGO_SHA384:
      return EVP_sha384 ();
    case HASH_ALGO_SHA512:
      return EVP_sha512 ();
    default:
      return NULL;
    }
}

RTLS_EXPORT rats_tls_err_t
rats_tls_verify_evidence (rats_tls_handle h, const uint8_t *ext, size_t ext_len,
                          const uint8_t *endorsements_ext, size_t endorsements_len,
                          const uint8_t *spki, size_t spki_len)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free uint8_t *raw = NULL, *claims = NULL;
  attestation_endorsement_t endorsements = { 0 };
  attestation_evidence_t evidence = { 0 };
  struct dice_claims parsed = { 0 };
  rtls_evidence_t ev = { 0 };
  uint8_t claims_hash[SHA256_DIGEST_LENGTH], key_hash[EVP_MAX_MD_SIZE];
  unsigned int key_hash_len = 0;
  size_t raw_len, claims_len;
  const char *type;
  uint64_t tag = 0, endorsements_tag = 0;
  int ret;

  if (h == NULL || ext == NULL || spki == NULL || spki_len > INT32_MAX)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_verify_evidence: NULL argument");
  if (dice_evidence_parse (ext, ext_len, &tag, &raw, &raw_len, &claims, &claims_len, &err) < 0)
    return rtls_error_from (RATS_TLS_ERR_CBOR, &err);
  type = evidence_type (tag, raw, raw_len);
  if (type == NULL)
    return rtls_error (RATS_TLS_ERR_NO_VERIFIER, "evidence: unknown kind (CBOR tag %llu)",
                       (unsigned long long)tag);
  ret = select_for_type (h, type);
  if (ret != RATS_TLS_ERR_NONE)
    return ret;
  if (endorsements_ext)
    {
      if (dice_endorsements_parse (endorsements_ext, endorsements_len, &endorsements_tag,
                                   &endorsements, &err)
          < 0)
        return rtls_error_from (RATS_TLS_ERR_CBOR, &err);
      if (endorsements_tag != tag)
        {
          rtls_endorsement_clear (&endorsements);
          return rtls_error (RATS_TLS_ERR_CBOR,
                             "endorsements: CBOR tag %llu does not match the evidence's %llu",
                             (unsigned long long)endorsements_tag, (unsigned long long)tag);
        }
    }

  snprintf (evidence.type, sizeof evidence.type, "%s", type);
  evidence.tag = tag;
  evidence.data = raw;
  evidence.size = raw_len;
  SHA256 (claims, claims_len, claims_hash);
  ret = h->verifier.opts->verify_evidence (&h->verifier, &evidence, claims_hash, sizeof claims_hash,
                                           endorsements_ext ? &endorsements : NULL, &ev);
  rtls_endorsement_clear (&endorsements);
  if (ret != ENCLAVE_VERIFIER_ERR_NONE)
    return ret;

  /* The evidence binds the claims; the claims must bind the certificate's key. */
  if (dice_claims_parse (claims, claims_len, &parsed, &err) < 0)
    return rtls_error_from (RATS_TLS_ERR_CBOR, &err);
  if (!EVP_Digest (spki, spki_len, key_hash, &key_hash_len, dice_md (parsed.pubkey_hash_alg), NULL)
      || key_hash_len != parsed.pubkey_hash_len
      || CRYPTO_memcmp (key_hash, parsed.pubkey_hash, key_hash_len) != 0)
    {
      dice_claims_clear (&parsed);
      return rtls_error (RATS_TLS_ERR_PUBKEY_HASH_MISMATCH,
                         "claims: pubkey-hash is not the hash of the certificate's public key");
    }

  ev.custom_claims = parsed.custom;
  ev.custom_claims_length = parsed.n_custom;
  ev.ehd.public_key = (void *)spki;
  ev.ehd.public_key_size = (int)spki_len;
  ev.ehd.user_data = (char *)claims;
  ev.ehd.user_data_size = (int)claims_len;
  ev.quote = (char *)raw;
  ev.quote_size = (int)raw_len;
  ev.verifier = h->verifier.opts->name;
  if (ev.tcb_status == NULL)
    ev.tcb_status = "";
  ret = call_back (h, &ev);
  dice_claims_clear (&parsed);
  return ret;
}

RTLS_EXPORT rats_tls_err_t
rtls_verify_peer_certificate (rats_tls_handle h, const uint8_t *der, size_t len)
{
  __attribute__ ((cleanup (x509_freep))) X509 *cert = NULL;
  uint8_t *spki = NULL;
  const uint8_t *p = der;
  const ASN1_OCTET_STRING *ext = NULL, *endorsements_ext = NULL;
  time_t now = h->policy.cert_as_of ? h->policy.cert_as_of : time (NULL);
  int spki_len, ret;

  if (der == NULL)
    return verify_no_evidence (h, "the peer presented no certificate");
  if (len > INT32_MAX || (cert = d2i_X509 (NULL, &p, (long)len)) == NULL || p != der + len)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: malformed DER");
  if (X509_cmp_time (X509_get0_notBefore (cert), &now) >= 0)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: not valid yet (or bad notBefore)");
  if (X509_cmp_time (X509_get0_notAfter (cert), &now) <= 0)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: expired (or bad notAfter)");
  if (X509_get0_pubkey (cert) == NULL || X509_verify (cert, X509_get0_pubkey (cert)) != 1)
    return rtls_error (RATS_TLS_ERR_BAD_CERT,
                       "certificate: its signature does not verify with its own key");

  ret = find_extension (cert, TCG_DICE_TAGGED_EVIDENCE_OID, &ext);
  if (ret == RATS_TLS_ERR_NONE)
    ret = find_extension (cert, TCG_DICE_ENDORSEMENT_MANIFEST_OID, &endorsements_ext);
  if (ret != RATS_TLS_ERR_NONE)
    return ret;
  if (ext == NULL)
    {
      if (endorsements_ext)
        return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: endorsements without evidence");
      return verify_no_evidence (h, "the peer's certificate carries no evidence");
    }
  spki_len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (cert), &spki);
  if (spki_len <= 0)
    return rtls_error (RATS_TLS_ERR_BAD_CERT, "certificate: cannot encode its public key");
  ret = rats_tls_verify_evidence (h, ext->data, ext->length,
                                  endorsements_ext ? endorsements_ext->data : NULL,
                                  endorsements_ext ? endorsements_ext->length : 0, spki, spki_len);
  OPENSSL_free (spki);
  return ret;
}
