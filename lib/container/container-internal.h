/* Helpers container.c shares with the other operations of the library (exec.c). */
#ifndef CONTAINER_INTERNAL_H
#define CONTAINER_INTERNAL_H

#include "cgroup.h"
#include "config.h"
#include "container.h"
#include "seccomp-program.h"
#include "state.h"

/* Opens and reads a container's directory and state; *status is derived from them. */
int container_open (const struct container_runtime *rt, const char *id, bool exclusive,
                    struct container_dir *dir, struct container_state *state,
                    enum container_status *status, ic_error_t *err);
/* The config.json saved at create. */
int container_load_saved_config (struct container_dir *dir, struct oci_config **config,
                                 ic_error_t *err);
/* The container's cgroup from its state (*out NULL when it has none). */
int container_cgroup (const struct container_state *state, struct cgroup **out, ic_error_t *err);
/* container_status, and "paused" when its cgroup is frozen. */
enum container_status container_status_with_cgroup (struct container_dir *dir,
                                                    const struct container_state *state);
/* linux.seccomp of config compiled (NULL when there is none). */
int container_compile_seccomp (const struct oci_config *config, struct seccomp_program **out,
                               ic_error_t *err);

#endif
