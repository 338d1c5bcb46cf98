/* How the OCI runtime hosts an enclave (lib/enclave implements these; the container library
   only calls them at the right points of create and of the container init). With no hooks,
   or when configure finds no enclave in the bundle, a container runs exactly as before. */
#ifndef CONTAINER_ENCLAVE_HOOKS_H
#define CONTAINER_ENCLAVE_HOOKS_H

#include "config.h"
#include "error.h"
#include <stdbool.h>

struct container_enclave
{
  void *data;
  /* rune: the bundle is parsed (bundle is its absolute directory). May change config (the
     ENCLAVE_* variables, mounts). *active is false when the bundle asks for no enclave. */
  int (*configure) (void *data, const char *bundle, struct oci_config *config, bool *active,
                    ic_error_t *err);
  /* rune: the state directory exists. *init_fd is an fd the container init keeps (the agent
     socket), closed by rune once the init exists. */
  int (*prepare) (void *data, int state_dirfd, int *init_fd, ic_error_t *err);
  /* init: before pivot_root (the host's files are still reachable), while rune runs the
     prestart and createRuntime hooks: load the runtime. */
  int (*load) (void *data, ic_error_t *err);
  /* init: inside the container, as the container's user with its capabilities and seccomp
     profile, before `rune create` returns: create the enclave. */
  int (*init) (void *data, int init_fd, ic_error_t *err);
  /* init: after `rune start` wrote fifo_fd (still open) and the startContainer hooks ran:
     run the payload in the enclave, closing fifo_fd once it is created; returns its exit
     value (0-255), or -1 with *err set. */
  int (*run) (void *data, int fifo_fd, char *const *argv, char *const *env, const char *exe,
              ic_error_t *err);
};

#endif
