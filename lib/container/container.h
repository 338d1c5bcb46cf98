/* The OCI runtime operations (runtime.md "Operations"), as the rune CLI and tests call them.
   Every function returns 0 or -1 with *err set, and never prints. */
#ifndef CONTAINER_CONTAINER_H
#define CONTAINER_CONTAINER_H

#include "enclave-hooks.h"
#include "error.h"
#include "state.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct container_runtime
{
  const char *root; /* state directory root, e.g. /run/rune */
  bool systemd_cgroup;
  /* Receives warnings the spec says to log and not fail on (poststart, poststop hooks). */
  void (*warn) (const char *msg);
};

struct container_create_options
{
  const char *id;
  const char *bundle; /* NULL: the current directory */
  const char *pid_file;
  bool no_pivot;
  int preserve_fds;
  /* With process.terminal: the pty master goes to this unix socket (runc's protocol) or,
     when terminal_master is not NULL, to the caller (an attached `rune run`). */
  const char *console_socket;
  int *terminal_master;
  /* Enclave support (lib/enclave): NULL runs every bundle as a plain container. */
  const struct container_enclave *enclave;
};

/* create: the process waits for start; *pid is its pid (rune is its parent). */
int container_create (const struct container_runtime *rt,
                      const struct container_create_options *opts, pid_t *pid, ic_error_t *err);
/* start: releases a created container and runs the poststart hooks. */
int container_start (const struct container_runtime *rt, const char *id, ic_error_t *err);
/* kill: sends sig to the init, or with all to every process of the container. */
int container_kill (const struct container_runtime *rt, const char *id, int sig, bool all,
                    ic_error_t *err);
/* delete: removes a stopped container; force kills a created or running one first. */
int container_delete (const struct container_runtime *rt, const char *id, bool force,
                      ic_error_t *err);
/* state: the OCI state JSON of a container. */
int container_state_json (const struct container_runtime *rt, const char *id, char **json,
                          ic_error_t *err);

/* pause/resume: freeze or thaw every process of a running (paused) container. */
int container_pause (const struct container_runtime *rt, const char *id, ic_error_t *err);
int container_resume (const struct container_runtime *rt, const char *id, ic_error_t *err);
/* ps: the pids of the container's processes (none when stopped); caller frees *pids. */
int container_pids (const struct container_runtime *rt, const char *id, pid_t **pids, size_t *len,
                    ic_error_t *err);
/* update: applies an OCI linux.resources object to a live container's cgroup. */
int container_update (const struct container_runtime *rt, const char *id, json_object *resources,
                      ic_error_t *err);
/* events: a statistics snapshot (runc's stats "data"), the OOM kill count and the status. */
int container_stats (const struct container_runtime *rt, const char *id, json_object **stats,
                     uint64_t *oom_count, enum container_status *status, ic_error_t *err);

struct container_info
{
  struct container_state state;
  enum container_status status;
};

/* Every container under the root, sorted by id. */
int container_list (const struct container_runtime *rt, struct container_info **list, size_t *len,
                    ic_error_t *err);
void container_list_free (struct container_info *list, size_t len);

#endif
