/* `rune exec`: a new process in a running container's namespaces and cgroup, set up exactly
   like the container's own process (process.c), with the container's seccomp profile. */
#ifndef CONTAINER_EXEC_H
#define CONTAINER_EXEC_H

#include "container.h"
#include "config.h"

struct container_exec_options
{
  const char *id;
  const struct oci_process *process;
  const char *pid_file;
  const char *console_socket; /* as for create */
  int *terminal_master;
  int preserve_fds;
  bool ignore_paused;
};

/* The container's own process, from its saved config: what exec starts from when no
   --process file is given. */
int container_exec_template (const struct container_runtime *rt, const char *id,
                             struct oci_process **out, ic_error_t *err);
/* Starts the process; *pid is rune's child, already exec'd when this returns. */
int container_exec (const struct container_runtime *rt, const struct container_exec_options *opts,
                    pid_t *pid, ic_error_t *err);

#endif
