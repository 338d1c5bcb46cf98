/* An enclave container's configuration, from the bundle (compatible with upstream rune):
   annotations `enclave.type`, `enclave.runtime.path`, `enclave.runtime.args`,
   `enclave.runtime.loglevel`, `enclave.platform` and `enclave.attestation.*`, each overridden by
   its ENCLAVE_* variable in process.env. The variables that configure the enclave are removed
   from the container's environment. A bundle without an enclave type has no enclave and is
   left exactly as it was. */
#ifndef ENCLAVE_CONFIG_H
#define ENCLAVE_CONFIG_H

#include "config.h"
#include "error.h"
#include <json-c/json.h>
#include <stdbool.h>

/* Where the software TEE runs an enclave: the sim platform or real SGX. */
enum enclave_platform
{
  ENCLAVE_PLATFORM_SIM,
  ENCLAVE_PLATFORM_SGX,
};

struct enclave_config
{
  char *type;         /* sim, intelSgx */
  char *runtime_path; /* absolute host path of the PAL */
  char *runtime_args; /* as given, commas included */
  char *loglevel;     /* trace ... off; default info */
  char *ra_type;      /* NULL, ecdsa, epidUnlinkable, epidLinkable */
  char *ra_epid_spid; /* 32 hex digits, epid only */
  char *ra_epid_subscription_key;
  enum enclave_platform platform;
  char *sim_dir; /* ENCLAVE_PLATFORM_SIM: the sim platform's state directory on the host */
};

/* A field of the configuration: its annotation and the variable that overrides it. */
struct enclave_config_key
{
  const char *annotation;
  const char *variable;
};
extern const struct enclave_config_key enclave_config_keys[];

/* Host probing, replaceable by tests: SGX is there when CPUID.(7,0):EBX[2] is set and the
   kernel's driver exposes /dev/sgx_enclave (or the older /dev/sgx/enclave, /dev/isgx). */
struct enclave_host
{
  bool (*has_sgx) (void);
  bool (*has_device) (const char *path);
};
extern const struct enclave_host enclave_host_default;

/* Reads the enclave configuration of config (bundle: the bundle directory, for a relative
   runtime path). *out is NULL when the bundle asks for no enclave; otherwise the ENCLAVE_*
   variables are removed from config->process->env. Errors name the annotation or variable
   at fault. warn receives notices (e.g. intelSgx running on the software TEE). */
int enclave_config_from_oci (struct oci_config *config, const char *bundle,
                             const struct enclave_host *host, void (*warn) (const char *msg),
                             struct enclave_config **out, ic_error_t *err);
void enclave_config_free (struct enclave_config *c);
#define cleanup_enclave_config __attribute__ ((cleanup (enclave_config_freep)))
void enclave_config_freep (struct enclave_config **c);

/* enclave.runtime.args as the PAL gets it: commas become spaces. Caller frees. */
char *enclave_config_pal_args (const struct enclave_config *c);

/* The state directory's copy (enclave.json), for exec and attest. */
json_object *enclave_config_to_json (const struct enclave_config *c);
int enclave_config_from_json (const char *text, size_t len, struct enclave_config **out,
                              ic_error_t *err);

#endif
