/* SIGSTRUCT: the enclave author's signature (RSA-3072, exponent 3, PKCS#1 v1.5 over SHA-256
   of bytes 0-127 and 900-1027, integers stored little-endian), with the Q1/Q2 helpers EINIT
   uses, and what EINIT checks. */
#ifndef SGX_SIGSTRUCT_H
#define SGX_SIGSTRUCT_H

#include "error.h"
#include "sgx-types.h"
#include <openssl/evp.h>
#include <stddef.h>

/* The fixed header values of a SIGSTRUCT; vendor 0 (or 0x8086 for Intel). */
void sgx_sigstruct_init (struct sgx_sigstruct *s);
/* The 256 bytes that are signed (header then body): what an external signer signs. */
void sgx_sigstruct_signed_data (const struct sgx_sigstruct *s, uint8_t out[256]);
/* Signs with an RSA-3072 key of exponent 3: modulus, exponent, signature, Q1, Q2. */
int sgx_sigstruct_sign (struct sgx_sigstruct *s, EVP_PKEY *key, ic_error_t *err);
/* Sets modulus, signature (both big-endian, as OpenSSL and signing servers give them) and
   Q1/Q2 from an external signature; it is verified before it is accepted. */
int sgx_sigstruct_attach (struct sgx_sigstruct *s, const uint8_t *modulus_be,
                          const uint8_t *signature_be, ic_error_t *err);
/* What EINIT checks of the SIGSTRUCT itself: header, exponent 3, the signature, Q1 and Q2;
   and, when mrenclave is given, that ENCLAVEHASH equals it. */
int sgx_sigstruct_verify (const struct sgx_sigstruct *s, const uint8_t *mrenclave, ic_error_t *err);
/* MRSIGNER: SHA-256 of the modulus as stored (little-endian). */
int sgx_sigstruct_mrsigner (const struct sgx_sigstruct *s, uint8_t out[32], ic_error_t *err);
/* Reads a SIGSTRUCT file (exactly 1808 bytes). */
int sgx_sigstruct_load (const char *path, struct sgx_sigstruct *s, ic_error_t *err);
/* Reads a PEM private key and checks that it is RSA-3072 with exponent 3. */
int sgx_signing_key_load (const char *path, EVP_PKEY **key, ic_error_t *err);

#endif
