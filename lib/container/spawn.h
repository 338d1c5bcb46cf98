/* Creating the container process: namespaces, id mappings, cgroup placement, and the
   container's init, which sets up the rootfs and waits on the exec FIFO for `rune start`.

   Processes: rune (parent) forks an intermediate child that joins and unshares namespaces,
   then clones the container init with CLONE_PARENT so that init is rune's own child, the
   first process of any new pid and time namespace. */
#ifndef CONTAINER_SPAWN_H
#define CONTAINER_SPAWN_H

#include "cgroup.h"
#include "config.h"
#include "enclave-hooks.h"
#include "seccomp-program.h"
#include <stdbool.h>
#include <sys/types.h>

struct spawn
{
  const struct oci_config *config;
  const char *rootfs; /* absolute */
  int rootfs_fd;      /* set in the child: O_PATH fd of the rootfs in its mount namespace */
  struct cgroup *cgroup;
  int state_dirfd; /* the container's state directory, for start errors */
  int lock_fd;     /* rune's locked fd of that directory: the child must not hold it */
  int fifo_fd;     /* read end of the exec FIFO, opened O_NONBLOCK */
  const struct seccomp_program *seccomp; /* NULL: none */
  bool no_pivot;
  int preserve_fds;
  const struct container_enclave *enclave; /* NULL: a plain container */
  int enclave_fd;                          /* the fd the enclave's init keeps, or -1 */
  /* set by spawn_start */
  pid_t pid;
  int sync_fd;
  /* set by spawn_finish with process.terminal: the pty master, for the caller to close */
  int terminal_master;
};

/* Namespaced sysctls only: changing a host-wide value from a container is refused. */
/* Also checks the process (process_validate), passing warnings to warn. */
int spawn_validate (const struct oci_config *config, void (*warn) (const char *msg),
                    ic_error_t *err);

/* Forks, places the process in the cgroup, writes id maps; on return spawn->pid is the
   container init, which is setting up the rootfs. */
int spawn_start (struct spawn *spawn, ic_error_t *err);
/* Waits until the init is ready for the createRuntime hooks. */
int spawn_wait_runtime_ready (struct spawn *spawn, ic_error_t *err);
/* Lets the init go on (createContainer hooks, pivot_root) and waits until it is created. */
int spawn_finish (struct spawn *spawn, const char *state_json, ic_error_t *err);
/* Kills and reaps a half-created container process. */
void spawn_abort (struct spawn *spawn);

#endif
