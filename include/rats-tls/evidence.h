/* What a verified peer proved, as handed to the verification callback. Pointers are valid only
   during the callback. */
#ifndef RATS_TLS_EVIDENCE_H
#define RATS_TLS_EVIDENCE_H

#include "claim.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum
{
  SGX_ECDSA = 1,
  TDX_ECDSA,
  CSV,
} enclave_evidence_type_t;

typedef enum
{
  HASH_ALGO_RESERVED = 0,
  HASH_ALGO_SHA256 = 1,
  HASH_ALGO_SHA384 = 7,
  HASH_ALGO_SHA512 = 8,
} hash_algo_t;

/* The evidence's binding: the certificate's public key and the hashed user data. */
typedef struct ehd
{
  void *public_key; /* DER SubjectPublicKeyInfo */
  int public_key_size;
  int user_data_size; /* the claims buffer (CBOR), whose hash is in the report data */
  char *user_data;
  int unhashed_size;
  char *unhashed;
} ehd_t;

typedef struct rtls_sgx_evidence
{
  uint8_t *mr_enclave; /* 32 bytes */
  uint8_t *mr_signer;  /* 32 bytes */
  uint32_t product_id;
  uint32_t security_version;
  uint8_t *attributes; /* 16 bytes: flags, xfrm */
  size_t collateral_size;
  char *collateral;
} rtls_sgx_evidence_t;

typedef struct rtls_tdx_evidence
{
  uint8_t *mrseam;
  uint8_t *mrseamsigner;
  uint8_t *tcb_svns;
  uint8_t *cpu_svn;
  uint8_t *mrtd;
  uint8_t *rtmr[4];
  uint8_t *report_data;
} rtls_tdx_evidence_t;

typedef struct rtls_csv_evidence
{
  uint8_t *measure;
  size_t measure_size;
} rtls_csv_evidence_t;

typedef struct rtls_evidence
{
  enclave_evidence_type_t type;
  claim_t *custom_claims;
  size_t custom_claims_length;
  ehd_t ehd;
  int quote_size;
  char *quote;
  union
  {
    rtls_sgx_evidence_t sgx;
    rtls_tdx_evidence_t tdx;
    rtls_csv_evidence_t csv;
  };
  /* Our additions (after upstream's fields). */
  const char *verifier;   /* the verifier instance that checked it */
  const char *tcb_status; /* DCAP TCB status, "" when not applicable */
  bool simulated;         /* software TEE evidence: it proves no hardware protection */
} rtls_evidence_t;

#endif
