/* What instances exchange with the core: evidence, endorsements and certificate contents. */
#ifndef RATS_TLS_CERT_H
#define RATS_TLS_CERT_H

#include "api.h"
#include <stddef.h>
#include <stdint.h>

/* CBOR tags of the evidence in the 2.23.133.5.4.9 extension (TCG DICE tagged evidence). */
#define OCBR_TAG_EVIDENCE_INTEL_TEE_QUOTE 60000
#define OCBR_TAG_EVIDENCE_INTEL_TEE_REPORT 60001
#define OCBR_TAG_EVIDENCE_SGX_LEGACY_REPORT 60002
#define OCBR_TAG_EVIDENCE_SEV_SNP 0x1a7504
#define OCBR_TAG_EVIDENCE_SEV 0x1a7505
#define OCBR_TAG_EVIDENCE_CSV 0x1a7506

#define TCG_DICE_TAGGED_EVIDENCE_OID "2.23.133.5.4.9"
#define TCG_DICE_ENDORSEMENT_MANIFEST_OID "2.23.133.5.4.2"

#define RATS_TLS_EVIDENCE_MAX_SIZE (1u << 20)

/* Raw evidence: what the attester made (e.g. a DCAP quote), tagged for the certificate. */
typedef struct attestation_evidence
{
  char type[RATS_TLS_TYPE_NAME_SIZE]; /* the verifier type that checks it, e.g. "sgx_ecdsa" */
  uint64_t tag;                       /* its CBOR tag */
  uint8_t *data;                      /* malloc'ed by the attester, freed by the core */
  size_t size;
} attestation_evidence_t;

/* DCAP collateral carried in the endorsements extension (all malloc'ed, may be NULL). */
typedef struct attestation_endorsement
{
  uint32_t version;
  uint8_t *tcb_info, *tcb_info_issuer_chain, *pck_crl, *root_ca_crl, *pck_crl_issuer_chain,
      *qe_identity, *qe_identity_issuer_chain;
  size_t tcb_info_size, tcb_info_issuer_chain_size, pck_crl_size, root_ca_crl_size,
      pck_crl_issuer_chain_size, qe_identity_size, qe_identity_issuer_chain_size;
} attestation_endorsement_t;

typedef struct
{
  const char *organization;
  const char *organization_unit;
  const char *common_name;
} cert_subject_t;

typedef struct rats_tls_cert_info
{
  cert_subject_t subject;
  const uint8_t *evidence_buffer; /* the 2.23.133.5.4.9 extension's value, or NULL */
  size_t evidence_buffer_size;
  const uint8_t *endorsements_buffer; /* the 2.23.133.5.4.2 extension's value, or NULL */
  size_t endorsements_buffer_size;
  uint8_t *cert_buf; /* out: the DER certificate, malloc'ed */
  size_t cert_len;
} rats_tls_cert_info_t;

#ifdef __cplusplus
extern "C"
{
#endif

  /* For instances: records the detailed message of a failure (the calling thread's, see
     rats_tls_last_error_message) and returns code, so they can write
     `return rtls_error (ENCLAVE_VERIFIER_ERR_EVIDENCE, "quote: %s", why);`. */
  int rtls_error (int code, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

  void rtls_endorsement_clear (attestation_endorsement_t *e);

#ifdef __cplusplus
}
#endif

#endif
