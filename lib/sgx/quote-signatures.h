/* The signatures inside a DCAP quote: the QE report signed by the PCK key, the attestation
   key bound into the QE report data, and the quote signed by the attestation key. These are
   necessary, not sufficient: a verdict also needs the PCK chain up to Intel's root, the CRLs
   and the collateral (TCB info, QE identity). */
#ifndef SGX_QUOTE_SIGNATURES_H
#define SGX_QUOTE_SIGNATURES_H

#include "quote.h"
#include <openssl/evp.h>
#include <stdbool.h>

/* ECDSA P-256 over SHA-256 of data, the signature as r || s (32 bytes each, big-endian). */
bool sgx_ecdsa_verify (EVP_PKEY *key, const uint8_t *data, size_t len, const uint8_t rs[64]);
/* The public key of the first certificate of the quote's PCK chain. */
int sgx_quote_pck_key (const struct sgx_quote *q, EVP_PKEY **key, ic_error_t *err);
/* Checks the three links with pck_key (from sgx_quote_pck_key, or a key the caller chose). */
int sgx_quote_check_signatures (const struct sgx_quote *q, EVP_PKEY *pck_key, ic_error_t *err);

#endif
