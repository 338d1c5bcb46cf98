/* The init-runelet: what an enclave container's init does besides the OCI runtime's work
   (docs/enclave.md). rune asks for the enclave configuration (enclave-config.h) when it
   parses the bundle; when there is an enclave, the container's init
   - loads the PAL before pivot_root (the runtime is a host file) and negotiates its version;
   - becomes the container's user, then calls pal_init, so `rune create` returns only once
     the enclave exists (or fails with pal_init's error);
   - serves the agent socket (exec, attest) from then on;
   - after `rune start`, runs process.args with pal_create_process + pal_exec (v1: pal_exec),
     relays every signal it gets with pal_kill (-1, sig), calls pal_destroy when the payload
     ends and exits with the payload's exit value. */
#ifndef ENCLAVE_RUNELET_H
#define ENCLAVE_RUNELET_H

#include "enclave-config.h"
#include "enclave-hooks.h"

struct enclave_container;

/* host: NULL for the real host probe. sim_create makes a software TEE platform that is not
   ready (sim_platform_ready) ready, as sim_platform_prepare does: rune passes a function that
   loads the TEE core (and OpenSSL) only then. warn receives configuration notices. */
struct enclave_container *enclave_container_new (const struct enclave_host *host,
                                                 int (*sim_create) (const char *dir,
                                                                    ic_error_t *err),
                                                 void (*warn) (const char *msg));
void enclave_container_free (struct enclave_container *ec);
/* The hooks to put in container_create_options.enclave. */
const struct container_enclave *enclave_container_hooks (struct enclave_container *ec);

#endif
