/* linux.seccomp: the filter is compiled with libseccomp in rune (so a bad rule fails create
   before any process exists) into a classic BPF program; the container init loads that program
   with seccomp(2) just before exec, and with listenerPath hands the notify fd to rune, which
   sends it to the listener as runtime.md's seccomp notify protocol says. */
#ifndef CONTAINER_SECCOMP_PROGRAM_H
#define CONTAINER_SECCOMP_PROGRAM_H

#include "error.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct seccomp_program
{
  void *filter;            /* struct sock_filter[] */
  uint16_t len;            /* instructions */
  unsigned int flags;      /* SECCOMP_FILTER_FLAG_*, incl. NEW_LISTENER with listenerPath */
  char *listener_path;     /* NULL when none */
  char *listener_metadata; /* NULL when none */
};

/* Compiles linux.seccomp (NULL: *out = NULL, no filter). Errors name the JSON field, e.g.
   "linux.seccomp.syscalls[3].names[0]: unknown syscall `foo`". */
int seccomp_program_compile (json_object *seccomp, struct seccomp_program **out, ic_error_t *err);
/* Loads the program into the calling process; *notify_fd is the listener fd when the program
   asks for one, else -1. Async-signal-safe enough to call in the container init. */
int seccomp_program_load (const struct seccomp_program *p, int *notify_fd, ic_error_t *err);
/* Connects to p->listener_path and sends notify_fd with SCM_RIGHTS and the container process
   state JSON (runtime.md "Container process state") as the message. */
int seccomp_send_to_listener (const struct seccomp_program *p, int notify_fd, pid_t pid,
                              const char *state_json, ic_error_t *err);
void seccomp_program_free (struct seccomp_program *p);
#define cleanup_seccomp_program __attribute__ ((cleanup (seccomp_program_freep)))
void seccomp_program_freep (struct seccomp_program **p);

#endif
