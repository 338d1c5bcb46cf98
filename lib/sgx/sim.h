/* The software TEE ("sim"): a software model of an SGX platform with DCAP attestation. It
   protects nothing. It exists so that every flow of the product (EINIT checks, local reports,
   quotes, their verification) runs on machines without SGX, with evidence in the real formats:
   - a platform is a state directory (created on first use, 0700, files 0600) holding a sim
     root CA, a sim PCK CA and PCK certificate with SGX extensions, a TCB signing certificate,
     the sim QE's attestation key, a per-platform report-key secret and DCAP collateral signed
     by those keys;
   - every sim quote carries sgx_qe_vendor_sim ("SIMULATED-TEE-QE") in its header and chains to the
   sim root, so a verifier refuses it unless that root was explicitly given as a trust anchor, and
   then reports it as simulated. */
#ifndef SGX_SIM_H
#define SGX_SIM_H

#include "error.h"
#include "sgx-types.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default state directory, and the environment variable that overrides it. */
#define SIM_STATE_DIR "/var/lib/inclavare-containers/sim"
#define SIM_STATE_DIR_ENV "INCLAVARE_SIM_DIR"
/* In a platform's directory: the root CA certificate (PEM) and the collateral directory. */
#define SIM_ROOT_CERT "root-ca.pem"
#define SIM_COLLATERAL_DIR "collateral"

struct sim_platform;

/* Opens the platform in dir (NULL: $INCLAVARE_SIM_DIR, else SIM_STATE_DIR), creating its keys
   and certificates on first use and renewing its collateral when it nears expiry. Safe when
   several processes open a new platform at once. */
int sim_platform_open (const char *dir, struct sim_platform **out, ic_error_t *err);
void sim_platform_free (struct sim_platform *p);
/* Makes the platform in dir ready to be opened without writing (created, collateral fresh),
   as sim_platform_open would, but does not load it. */
int sim_platform_prepare (const char *dir, ic_error_t *err);
/* Without OpenSSL (sim-state.c): dir, else $INCLAVARE_SIM_DIR, else SIM_STATE_DIR; and whether
   the platform there is ready (created, collateral fresh), which rune checks before it mounts
   the directory read-only into an enclave container. */
const char *sim_platform_dir (const char *dir);
bool sim_platform_ready (const char *dir);
/* Paths inside the state directory: the root CA certificate (PEM) that verifiers must be
   given to trust sim quotes, and the collateral directory (same file names as Intel's). */
const char *sim_platform_root_ca (const struct sim_platform *p);
const char *sim_platform_collateral_dir (const struct sim_platform *p);

/* Revokes the platform's PCK certificate: its PCK CRL lists it from now on (for testing
   verifiers, and for retiring a platform). */
int sim_platform_revoke_pck (struct sim_platform *p, ic_error_t *err);

/* An initialized enclave: its identity as EREPORT states it. */
struct sim_enclave
{
  struct sgx_report_body identity; /* report_data is zero */
};

/* EINIT: the SIGSTRUCT must verify, its ENCLAVEHASH must equal mrenclave (the measurement of
   the pages the enclave was built from), and the enclave's attributes and MISCSELECT must
   match the SIGSTRUCT's under its masks. */
int sim_enclave_init (const struct sim_platform *p, const uint8_t mrenclave[32],
                      const struct sgx_attributes *attributes, uint32_t miscselect,
                      const struct sgx_sigstruct *sigstruct, struct sim_enclave *out,
                      ic_error_t *err);
/* The enclave's own TARGETINFO (what another enclave needs to report to it). */
void sim_enclave_target_info (const struct sim_enclave *e, struct sgx_targetinfo *out);

/* EREPORT: a report of enclave e for the target enclave, MAC'ed (AES-128-CMAC over the body)
   with the target's report key, which only this platform can derive. */
int sim_enclave_report (const struct sim_platform *p, const struct sim_enclave *e,
                        const struct sgx_targetinfo *target, const uint8_t report_data[64],
                        struct sgx_report *out, ic_error_t *err);
/* What the target enclave does with EGETKEY: checks the MAC of a report addressed to it. */
int sim_report_verify (const struct sim_platform *p, const struct sim_enclave *target,
                       const struct sgx_report *report, ic_error_t *err);

/* The sim quoting enclave: its TARGETINFO (gen-qe-target-info), and a DCAP ECDSA quote v3
   (the report must be addressed to the QE; *quote is malloc'ed). */
void sim_qe_target_info (const struct sim_platform *p, struct sgx_targetinfo *out);
int sim_quote (const struct sim_platform *p, const struct sgx_report *report, uint8_t **quote,
               size_t *len, ic_error_t *err);

#endif
