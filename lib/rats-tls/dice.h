/* The DICE/CBOR formats of rats-tls certificates (docs/rats-tls.md):
   - claims buffer: a CBOR map {"pubkey-hash": bstr(CBOR [alg, bstr hash]), name: bstr ...};
   - tagged evidence (extension 2.23.133.5.4.9): tag(T, [bstr evidence, bstr claims buffer]);
   - endorsements (extension 2.23.133.5.4.2): tag(T, [version, bstr tcb_info,
     bstr tcb_info_issuer_chain, bstr pck_crl, bstr root_ca_crl, bstr pck_crl_issuer_chain,
     bstr qe_identity, bstr qe_identity_issuer_chain]).
   The parsers take untrusted bytes: every item must have the expected type and definite
   length, the buffer must hold exactly one item, and anything else is an error. */
#ifndef RATS_TLS_DICE_H
#define RATS_TLS_DICE_H

#include "error.h"
#include <rats-tls/cert.h>
#include <stddef.h>
#include <stdint.h>

#define DICE_MAX_CLAIMS 64

struct dice_claims
{
  hash_algo_t pubkey_hash_alg;
  uint8_t pubkey_hash[64];
  size_t pubkey_hash_len;
  claim_t *custom; /* names NUL-terminated; values malloc'ed */
  size_t n_custom;
};

/* The digest size of a DICE hash algorithm id, 0 if unknown. */
size_t dice_hash_size (hash_algo_t alg);

int dice_claims_build (hash_algo_t alg, const uint8_t *pubkey_hash, const claim_t *custom,
                       size_t n_custom, uint8_t **out, size_t *out_len, ic_error_t *err);
int dice_claims_parse (const uint8_t *buf, size_t len, struct dice_claims *out, ic_error_t *err);
void dice_claims_clear (struct dice_claims *c);

int dice_evidence_build (uint64_t tag, const uint8_t *evidence, size_t evidence_len,
                         const uint8_t *claims, size_t claims_len, uint8_t **out, size_t *out_len,
                         ic_error_t *err);
/* *evidence and *claims are malloc'ed copies. */
int dice_evidence_parse (const uint8_t *buf, size_t len, uint64_t *tag, uint8_t **evidence,
                         size_t *evidence_len, uint8_t **claims, size_t *claims_len,
                         ic_error_t *err);

int dice_endorsements_build (uint64_t tag, const attestation_endorsement_t *e, uint8_t **out,
                             size_t *out_len, ic_error_t *err);
int dice_endorsements_parse (const uint8_t *buf, size_t len, uint64_t *tag,
                             attestation_endorsement_t *out, ic_error_t *err);

#endif
