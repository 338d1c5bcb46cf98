/* DCAP ECDSA quotes: version 3 (SGX) and version 4 (SGX or TDX), parsed in place with every
   length checked against the buffer. Parsing verifies nothing: see the verifier for that. */
#ifndef SGX_QUOTE_H
#define SGX_QUOTE_H

#include "error.h"
#include "sgx-types.h"
#include <stddef.h>

#define SGX_QUOTE_MAX_SIZE (1 << 20)
#define SGX_QUOTE_TEE_SGX 0x00000000
#define SGX_QUOTE_TEE_TDX 0x00000081
#define SGX_QUOTE_ATT_KEY_ECDSA_P256 2
#define SGX_QUOTE_CERT_PCK_CHAIN 5
#define SGX_QUOTE_CERT_QE_REPORT 6

struct sgx_quote_header
{
  uint16_t version;
  uint16_t att_key_type;
  uint32_t tee_type;
  uint16_t qe_svn;  /* v3; reserved in v4 */
  uint16_t pce_svn; /* v3; reserved in v4 */
  uint8_t qe_vendor_id[16];
  uint8_t user_data[20];
} __attribute__ ((packed));

/* TDX 1.0 TD report body, as quoted. */
struct tdx_report_body
{
  uint8_t tee_tcb_svn[16];
  uint8_t mrseam[48];
  uint8_t mrsignerseam[48];
  uint8_t seam_attributes[8];
  uint8_t td_attributes[8];
  uint8_t xfam[8];
  uint8_t mrtd[48];
  uint8_t mrconfigid[48];
  uint8_t mrowner[48];
  uint8_t mrownerconfig[48];
  uint8_t rtmr[4][48];
  uint8_t report_data[64];
} __attribute__ ((packed));

_Static_assert(sizeof (struct sgx_quote_header) == 48, "quote header is 48 bytes");
_Static_assert(sizeof (struct tdx_report_body) == 584, "TD report body is 584 bytes");

/* QE vendor IDs in the quote header: Intel's quoting enclaves, and the software TEE's
   (ASCII "SIMULATED-TEE-QE"), which a verifier accepts only from a trusted sim root. */
extern const uint8_t sgx_qe_vendor_intel[16];
extern const uint8_t sgx_qe_vendor_sim[16];

/* Pointers into the caller's buffer, which must outlive the struct. */
struct sgx_quote
{
  const struct sgx_quote_header *header;
  const struct sgx_report_body *report;    /* SGX quotes; NULL for TDX */
  const struct tdx_report_body *td_report; /* TDX quotes; NULL for SGX */
  const uint8_t *signed_data;              /* header + report body: what the quote signs */
  size_t signed_len;
  const uint8_t *signature;  /* ECDSA P-256, r || s, big-endian, 64 bytes */
  const uint8_t *attest_key; /* P-256 point x || y, 64 bytes */
  const struct sgx_report_body *qe_report;
  const uint8_t *qe_report_signature; /* by the PCK key, r || s */
  const uint8_t *qe_auth_data;
  uint16_t qe_auth_len;
  const char *pck_chain; /* PEM: PCK certificate, its CA, the root */
  uint32_t pck_chain_len;
};

/* Parses a quote; errors say which part is malformed ("quote: QE auth data runs past..."). */
int sgx_quote_parse (const uint8_t *data, size_t len, struct sgx_quote *q, ic_error_t *err);

#endif
