/* OCI hooks (config.md "POSIX-platform Hooks"): each runs with the container state on stdin,
   its own args and env, and an optional timeout after which it is killed. */
#ifndef CONTAINER_HOOKS_H
#define CONTAINER_HOOKS_H

#include "config.h"

/* Runs the hooks of one kind in order; stops at the first failure. */
int hooks_run (const struct oci_hook_list *hooks, enum oci_hook_kind kind, const char *state_json,
               ic_error_t *err);

#endif
