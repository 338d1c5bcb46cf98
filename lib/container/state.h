/* Container state under the runtime root: <root>/<id>/ holds state.json, a copy of the bundle's
   config.json and, while the container is created but not started, the exec FIFO.
   The directory is locked with flock() by every rune process that works on it. */
#ifndef CONTAINER_STATE_H
#define CONTAINER_STATE_H

#include "error.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define STATE_FILE "state.json"
#define STATE_CONFIG_FILE "config.json"
#define STATE_EXEC_FIFO "exec.fifo"
#define STATE_START_ERROR "start.error"

enum container_status
{
  CONTAINER_CREATING,
  CONTAINER_CREATED,
  CONTAINER_RUNNING,
  CONTAINER_STOPPED,
  CONTAINER_PAUSED, /* running, with its cgroup frozen (not an OCI status, runc's) */
};

struct container_state
{
  char *id;
  char *oci_version;
  pid_t pid;
  uint64_t pid_start_time; /* field 22 of /proc/PID/stat, to detect pid reuse */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 */
  uid_t owner;
  char *cgroup_path;  /* absolute, under the unified hierarchy; NULL when none */
  char **annotations; /* key, value, key, value, ..., NULL */
};

/* An open, locked container directory. */
struct container_dir
{
  int dirfd;
  char *id;
  char *path;
};

bool container_id_is_valid (const char *id);

/* Creates <root>/<id> (the root too, mode 0700) and locks it; fails if it exists. */
int container_dir_create (const char *root, const char *id, struct container_dir *dir,
                          ic_error_t *err);
/* Opens and locks an existing container directory: shared for readers (state, list),
   exclusive for operations that change the container. */
int container_dir_open (const char *root, const char *id, bool exclusive, struct container_dir *dir,
                        ic_error_t *err);
/* Removes the directory and its files; the dir stays valid for close. */
int container_dir_remove (struct container_dir *dir, ic_error_t *err);
void container_dir_close (struct container_dir *dir);
#define cleanup_container_dir __attribute__ ((cleanup (container_dir_close)))

int container_state_write (struct container_dir *dir, const struct container_state *state,
                           ic_error_t *err);
int container_state_read (struct container_dir *dir, struct container_state *state,
                          ic_error_t *err);
void container_state_clear (struct container_state *state);

/* Derives the status from the process and the exec FIFO, as runc does. */
enum container_status container_status (struct container_dir *dir,
                                        const struct container_state *state);
const char *container_status_name (enum container_status status);

/* The OCI state document (runtime.md "State") as JSON text; caller frees. */
char *container_state_to_oci_json (const struct container_state *state,
                                   enum container_status status, bool pretty);

/* Start time of a process (0 when it is gone or a zombie). */
uint64_t process_start_time (pid_t pid);

#endif
