/* Native DCAP quote verification (no Intel library): the PCK certificate chain up to the
   pinned Intel SGX Root CA with its CRLs, the QE report and quote signatures, the TCB info and
   QE identity collateral (signatures, issuer chains, validity windows), and the TCB level of
   the platform from the PCK certificate's SGX extensions — all "as of" a time the caller gives.
   It fails closed: anything missing, malformed, expired, revoked or unmatched is an error. */
#ifndef SGX_DCAP_H
#define SGX_DCAP_H

#include "error.h"
#include "quote.h"
#include <stdbool.h>
#include <time.h>

struct dcap_collateral;

/* Reads DIR/{pck_crl.der, pck_crl_issuer_chain.pem, root_ca_crl.der, tcb_info.json,
   tcb_info_issuer_chain.pem, qe_identity.json, qe_identity_issuer_chain.pem}. */
int dcap_collateral_load (const char *dir, struct dcap_collateral **out, ic_error_t *err);
void dcap_collateral_free (struct dcap_collateral *c);
/* Trusts the software TEE's root CA (a PEM certificate) besides Intel's pinned root: quotes
   and collateral that chain to it verify, and their verdict says simulated. Without it, every
   sim quote is refused. */
int dcap_collateral_trust_sim_root (struct dcap_collateral *c, const char *pem_path,
                                    ic_error_t *err);

struct dcap_verdict
{
  char tcb_status[48];    /* UpToDate, SWHardeningNeeded, ... OutOfDate, Revoked */
  char **advisory_ids;    /* NULL-terminated, may be empty */
  char qe_tcb_status[48]; /* the quoting enclave's own TCB status */
  char fmspc[13];
  bool simulated; /* chained to the trusted sim root: evidence of the software TEE */
  char tdx_module_tcb_status[48]; /* TDX quotes: the TDX module's own TCB status, or "" */
};
void dcap_verdict_clear (struct dcap_verdict *v);

/* Verifies quote q (SGX or TDX) against the collateral as of time as_of. On success the
   verdict holds the TCB status; whether that status is acceptable is the caller's choice.
   The collateral remembers that its own documents verified and for which time window, so a
   service verifying many quotes against it checks them once per window. */
int dcap_verify (const struct sgx_quote *q, struct dcap_collateral *c, time_t as_of,
                 struct dcap_verdict *v, ic_error_t *err);

/* "2025-07-04T10:28:44Z" -> time_t; -1 when malformed. */
time_t dcap_parse_time (const char *text);

#endif
