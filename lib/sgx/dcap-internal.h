/* The parts of the DCAP verifier that the tests and fuzz targets reach directly. */
#ifndef SGX_DCAP_INTERNAL_H
#define SGX_DCAP_INTERNAL_H

#include "dcap.h"
#include <json-c/json.h>
#include <openssl/x509.h>

/* A PCS response {"<name>": {...}, "signature": "<hex r||s>"}: the signature covers the exact
   bytes of the inner object. */
struct signed_json
{
  char *raw; /* the inner object's bytes, NUL-terminated */
  json_object *object;
  uint8_t signature[64];
};

/* Splits a PCS response (NUL-terminated text) into the signed bytes and the signature. */
int dcap_signed_json_parse (const char *data, const char *name, struct signed_json *out,
                            ic_error_t *err);
void dcap_signed_json_clear (struct signed_json *doc);

/* The platform's TCB as its PCK certificate's SGX extensions state it. */
struct pck_tcb
{
  uint8_t fmspc[6];
  uint8_t pceid[2];
  int64_t comp[16];
  int64_t pcesvn;
  unsigned int found; /* bits: 1 fmspc, 2 pceid, 3..19 the 17 TCB values */
};

int dcap_read_pck_tcb (X509 *pck, struct pck_tcb *t, ic_error_t *err);
/* The TCB info level the platform reaches: sets v->tcb_status and v->advisory_ids. */
int dcap_platform_level (json_object *tcb_info, const struct pck_tcb *t, struct dcap_verdict *v,
                         ic_error_t *err);
/* The QE report against the QE identity: sets v->qe_tcb_status. */
int dcap_check_qe (const struct sgx_report_body *qe, json_object *identity, struct dcap_verdict *v,
                   ic_error_t *err);

/* Replaces the collateral's tcb_info.json or qe_identity.json with text (the file's content) and
   forgets earlier verifications: tests change documents without reloading the rest. */
int dcap_collateral_replace_document (struct dcap_collateral *c, const char *file, const char *text,
                                      ic_error_t *err);
/* Verifies the collateral's documents (issuer chains to its trust anchor, signatures, validity
   windows) as of as_of, as dcap_verify does before it uses them. */
int dcap_collateral_verify_documents (struct dcap_collateral *c, time_t as_of, ic_error_t *err);

/* Whether a TCB info level's SGX components and PCE SVN are reached by the platform. */
bool dcap_sgx_level_matches (json_object *level, const struct pck_tcb *t);
/* The advisory IDs of a TCB level (NULL-terminated, may be empty). */
char **dcap_level_advisories (json_object *level);

/* dcap-tdx.c. The collateral must be of the quote's kind: for an SGX quote, TCB info "SGX" (or
   a version 2 TCB info, which has no id) and QE identity "QE"; for a TDX quote, TCB info "TDX"
   of version 3 and QE identity "TD_QE". */
int dcap_check_collateral_kind (const struct sgx_quote *q, json_object *tcb_info,
                                json_object *qe_identity, ic_error_t *err);
/* The TDX TCB level: the TDX module identity that matches TEE_TCB_SVN's major version (its
   MRSIGNER, attributes and TCB levels), then the first TCB level whose SGX components, PCE SVN
   and TDX components the platform reaches; the module's status lowers the platform's. Sets
   v->tcb_status, v->advisory_ids and v->tdx_module_tcb_status. */
int dcap_tdx_platform_level (json_object *tcb_info, const struct pck_tcb *t,
                             const struct tdx_report_body *td, struct dcap_verdict *v,
                             ic_error_t *err);
/* Lowers v->tcb_status for an out-of-date or revoked component (QE, TDX module). */
void dcap_lower_status (struct dcap_verdict *v, const char *component_status);

#endif
