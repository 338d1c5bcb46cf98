/* The rune side of an enclave container's agent socket: `rune exec` runs a process in the
   enclave, `rune attest` asks for a local report and, for remote attestation, turns it into a
   quote from the platform's quoting enclave and verifies that quote. */
#ifndef ENCLAVE_CLIENT_H
#define ENCLAVE_CLIENT_H

#include "dcap.h"
#include "enclave-config.h"
#include "sgx-types.h"
#include <signal.h>
#include <stdint.h>

/* The enclave configuration of container id under root; *out is NULL for a plain container. */
int enclave_client_config (const char *root, const char *id, struct enclave_config **out,
                           ic_error_t *err);

/* Runs argv with env in the running container's enclave, with rune's stdio (fds 0, 1, 2);
   every signal of relay (blocked by the caller) is sent to it. *exit_code is its exit value. */
int enclave_client_exec (const char *root, const char *id, char *const *argv, char *const *env,
                         const sigset_t *relay, int *exit_code, ic_error_t *err);

/* A REPORT of the container's enclave addressed to targetinfo. */
int enclave_client_report (const char *root, const char *id, const struct sgx_targetinfo *ti,
                           struct sgx_report *out, ic_error_t *err);

/* Remote attestation on the software TEE: a report addressed to the platform's quoting
   enclave, the quote (*quote malloc'ed), and its DCAP verification against the platform's
   collateral with the sim root trusted. The quote must carry the report's body. */
struct enclave_evidence
{
  struct sgx_report report;
  uint8_t *quote;
  size_t quote_len;
  struct dcap_verdict verdict;
  char *root_ca; /* the trusted sim root's path */
};
int enclave_client_remote_attest (const char *root, const char *id, struct enclave_evidence *out,
                                  ic_error_t *err);
void enclave_evidence_clear (struct enclave_evidence *e);

#endif
