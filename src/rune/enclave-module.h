/* Enclave support lives in two modules rune loads on demand, so that plain containers start
   without them and enclave containers without OpenSSL in rune's process:
   - rune-enclave.so (enclave-module.c over lib/enclave): the enclave container's hooks (its
     configuration, the init-runelet, the agent socket) and exec into its enclave; it needs
     protobuf-c, not the TEE core's crypto;
   - rune-attest.so (attest.c over lib/enclave and lib/sgx): `rune attest`, and creating the
     software TEE platform when an enclave container finds it not ready; it links OpenSSL.
   Both resolve rune's own functions (the container library, the CLI helpers) against the rune
   executable. */
#ifndef RUNE_ENCLAVE_MODULE_H
#define RUNE_ENCLAVE_MODULE_H

#include "enclave-hooks.h"
#include "error.h"
#include <signal.h>

struct rune_globals;
struct enclave_container;

struct rune_enclave_module
{
  struct enclave_container *(*container_new) (int (*sim_create) (const char *dir, ic_error_t *err),
                                              void (*warn) (const char *msg));
  const struct container_enclave *(*container_hooks) (struct enclave_container *ec);
  void (*container_free) (struct enclave_container *ec);
  /* Runs argv in the container's enclave (env without the ENCLAVE_* variables); *exit_code. */
  int (*exec) (const char *root, const char *id, char **argv, char **env, const sigset_t *relayed,
               int *exit_code, ic_error_t *err);
};

struct rune_attest_module
{
  int (*attest) (struct rune_globals *g, int argc, char **argv);
  /* sim_platform_prepare: creates the software TEE platform in dir or renews its collateral. */
  int (*sim_create) (const char *dir, ic_error_t *err);
};

#define RUNE_ENCLAVE_MODULE "rune-enclave.so"
#define RUNE_ENCLAVE_MODULE_SYMBOL "rune_enclave_module"
#define RUNE_ATTEST_MODULE "rune-attest.so"
#define RUNE_ATTEST_MODULE_SYMBOL "rune_attest_module"

/* rune: a module's interface, each module loaded once, from $RUNE_MODULE_DIR, else the build
   tree's directory for the build tree's rune, else the installed one. */
const struct rune_enclave_module *rune_enclave_module_load (ic_error_t *err);
const struct rune_attest_module *rune_attest_module_load (ic_error_t *err);
/* rune: whether a bundle mentions an enclave (an enclave.* annotation or an ENCLAVE_* variable
   in process.env): only then is rune-enclave.so loaded to read it. */
bool rune_bundle_mentions_enclave (const struct oci_config *config);
/* rune: hooks for container_create_options.enclave that load the module on demand; *ec
   receives the module's enclave container (free it with rune_enclave_hooks_release). */
struct container_enclave *rune_enclave_hooks (struct enclave_container **ec);
void rune_enclave_hooks_release (const struct container_enclave *hooks,
                                 struct enclave_container *ec);

#endif
