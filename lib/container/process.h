/* Becoming the OCI process (config.md "Process"): LSM labels, capabilities, user, working
   directory, no_new_privs, seccomp, then exec. Shared by the container init and `rune exec`,
   so both apply exactly the same rules in the same order. */
#ifndef CONTAINER_PROCESS_H
#define CONTAINER_PROCESS_H

#include "config.h"
#include "seccomp-program.h"

struct process_exec
{
  const struct oci_process *process;
  const struct seccomp_program *seccomp; /* NULL: none, or already loaded */
  bool has_personality;
  unsigned long personality;
  int preserve_fds; /* fds 3 .. 3+preserve_fds-1 stay open */
  const char *exe;  /* from process_find_executable */
};

/* Checks, before any process exists, what can be known in rune: the LSMs asked for are enabled
   on this host. Warnings (capabilities this kernel lacks, ambient outside permitted and
   inheritable) go to warn. */
int process_validate (const struct oci_process *p, void (*warn) (const char *msg), ic_error_t *err);
/* execvp's search for args[0], with the process's PATH rather than ours. */
int process_find_executable (const struct oci_process *p, char **out, ic_error_t *err);
/* process.rlimits and process.oomScoreAdj, for the calling process. */
int process_set_limits (const struct oci_process *p, ic_error_t *err);
/* Applies everything but the exec: the calling process becomes the OCI process (the
   init-runelet of an enclave container stays rune's binary, as the container's user). */
int process_enter (const struct process_exec *pe, ic_error_t *err);
/* Applies everything and execs; returns only on failure. */
int process_exec (const struct process_exec *pe, ic_error_t *err);
/* Exit status for a process that failed before exec: 127 not found, 126 not executable. */
int process_exec_failure_status (ic_error_t err);

#endif
