/* The software TEE's small PKI: P-256 keys, certificates, CRLs and raw ECDSA signatures, as
   Intel's provisioning infrastructure shapes them. Internal to lib/sgx. */
#ifndef SGX_SIM_PKI_H
#define SGX_SIM_PKI_H

#include "error.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <time.h>

EVP_PKEY *pki_key_new (ic_error_t *err);
/* PEM files; a private key is written 0600. */
int pki_key_save (const char *path, EVP_PKEY *key, ic_error_t *err);
EVP_PKEY *pki_key_load (const char *path, ic_error_t *err);
int pki_cert_save (const char *path, X509 *cert, ic_error_t *err);
X509 *pki_cert_load (const char *path, ic_error_t *err);

/* A certificate for subject_key named cn, issued by issuer (NULL: self-signed with
   subject_key), valid from an hour before now for 20 years; extension may be NULL. */
X509 *pki_cert_new (const char *cn, EVP_PKEY *subject_key, X509 *issuer, EVP_PKEY *issuer_key,
                    long serial, bool ca, X509_EXTENSION *extension, ic_error_t *err);
/* A CRL of issuer valid for days from an hour before now, listing revoked (may be NULL). */
X509_CRL *pki_crl_new (X509 *issuer, EVP_PKEY *key, int days, const ASN1_INTEGER *revoked,
                       ic_error_t *err);
/* ECDSA over SHA-256 of data, as r || s (32 bytes each, big-endian), the form quotes use. */
int pki_sign_rs (EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t rs[64], ic_error_t *err);
/* The uncompressed point of a P-256 public key without its 0x04 prefix: x || y. */
int pki_public_xy (EVP_PKEY *key, uint8_t xy[64], ic_error_t *err);

#endif
