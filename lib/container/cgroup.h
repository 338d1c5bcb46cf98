/* The container's cgroup. This layer tracks the container's processes in the cgroup v2
   hierarchy (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones), so that
   `kill --all` and `delete` reach every process; resource limits come in a later layer. */
#ifndef CONTAINER_CGROUP_H
#define CONTAINER_CGROUP_H

#include "error.h"
#include <sys/types.h>

/* The absolute cgroup directory for linux.cgroupsPath (NULL: the default /rune/<id>), or NULL
   in *out when the host has no cgroup v2 hierarchy to track processes with. */
int cgroup_resolve (const char *cgroups_path, const char *id, char **out, ic_error_t *err);
int cgroup_create (const char *path, ic_error_t *err);
int cgroup_enter (const char *path, pid_t pid, ic_error_t *err);
/* Sends sig to every process in the cgroup. */
int cgroup_kill (const char *path, int sig, ic_error_t *err);
/* True when no process is left in the cgroup (or it does not exist). */
int cgroup_is_empty (const char *path);
/* Removes the cgroup and any sub-cgroups the container made; waits briefly for exiting tasks. */
int cgroup_destroy (const char *path, ic_error_t *err);

#endif
