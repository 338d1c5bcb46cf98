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

#endif
