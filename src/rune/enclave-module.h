/* Enclave support is a module rune loads on demand (rune-enclave.so): only a bundle that asks
   for an enclave, an enclave container's exec, or `rune attest` pay for OpenSSL, protobuf-c and
   the SGX/TEE core; plain containers start without them. The module resolves rune's own
   functions (the container library, the CLI helpers) against the rune executable. */
#ifndef RUNE_ENCLAVE_MODULE_H
#define RUNE_ENCLAVE_MODULE_H

#include "enclave-hooks.h"
#include "error.h"
#include <signal.h>

struct rune_globals;
struct enclave_container;

struct rune_enclave_module
{
  struct enclave_container *(*container_new) (void (*warn) (const char *msg));
  const struct container_enclave *(*container_hooks) (struct enclave_container *ec);
  void (*container_free) (struct enclave_container *ec);
  /* Runs argv in the container's enclave (env without the ENCLAVE_* variables); *exit_code. */
  int (*exec) (const char *root, const char *id, char **argv, char **env, const sigset_t *relayed,
               int *exit_code, ic_error_t *err);
  int (*attest) (struct rune_globals *g, int argc, char **argv);
};

#define RUNE_ENCLAVE_MODULE_SYMBOL "rune_enclave_module"

/* rune: the module, loaded once ($RUNE_ENCLAVE_MODULE, else next to the build tree's rune or
   the installed one). */
const struct rune_enclave_module *rune_enclave_module_load (ic_error_t *err);
/* rune: whether a bundle mentions an enclave (an enclave.* annotation or an ENCLAVE_* variable
   in process.env): only then is the module loaded to read it. */
bool rune_bundle_mentions_enclave (const struct oci_config *config);
/* rune: hooks for container_create_options.enclave that load the module on demand; *ec
   receives the module's enclave container (free it with rune_enclave_hooks_release). */
struct container_enclave *rune_enclave_hooks (struct enclave_container **ec);
void rune_enclave_hooks_release (const struct container_enclave *hooks,
                                 struct enclave_container *ec);

#endif
