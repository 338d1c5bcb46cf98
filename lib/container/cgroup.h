/* The container's cgroup on any host layout: cgroup v2 (unified), v1 (one hierarchy per
   controller) and hybrid (v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified).
   A container's cgroup is named by one path relative to every hierarchy's root (e.g.
   /rune/<id>), which is what state.json records; the layout is detected on every open. */
#ifndef CONTAINER_CGROUP_H
#define CONTAINER_CGROUP_H

#include "error.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cgroup;

/* Resolves linux.cgroupsPath for container id: NULL or "" gives /rune/<id>; a relative path
   goes under /rune; with systemd, "slice:prefix:name" is the systemd form (a clear error when
   systemd is not running). Creates nothing. */
int cgroup_open (const char *cgroups_path, const char *id, bool systemd, struct cgroup **out,
                 ic_error_t *err);
/* Opens the cgroup recorded in state.json by cgroup_path(). */
int cgroup_open_recorded (const char *recorded, struct cgroup **out, ic_error_t *err);
/* The path to record in state.json. */
const char *cgroup_path (const struct cgroup *cg);
void cgroup_free (struct cgroup *cg);
#define cleanup_cgroup __attribute__ ((cleanup (cgroup_freep)))
void cgroup_freep (struct cgroup **cg);

/* Creates the cgroup in every hierarchy (enabling the v2 controllers it needs). */
int cgroup_create (struct cgroup *cg, ic_error_t *err);
/* Moves pid into the cgroup in every hierarchy. */
int cgroup_enter (struct cgroup *cg, pid_t pid, ic_error_t *err);
/* Applies linux.resources (the OCI object; NULL does nothing). Used at create and by update;
   errors name the JSON field, e.g. "linux.resources.memory.limit: ...". A resource the host
   can't honour is an error unless the spec marks it best-effort. */
int cgroup_set_resources (struct cgroup *cg, json_object *resources, ic_error_t *err);

/* Sends sig to every process of the cgroup. */
int cgroup_kill (struct cgroup *cg, int sig, ic_error_t *err);
/* The pids in the cgroup and its children; caller frees *pids. */
int cgroup_pids (struct cgroup *cg, pid_t **pids, size_t *len, ic_error_t *err);
/* True when no process is left (or the cgroup does not exist). */
bool cgroup_is_empty (struct cgroup *cg);
/* Freezes (pause) or thaws (resume) the cgroup and waits until the state is reached. */
int cgroup_freeze (struct cgroup *cg, bool frozen, ic_error_t *err);
bool cgroup_is_frozen (struct cgroup *cg);
/* The "data" object of runc's `events --stats`: cpu, memory, pids, blkio, hugetlb. */
int cgroup_stats (struct cgroup *cg, json_object **stats, ic_error_t *err);
/* Count of OOM kills in the cgroup so far (memory.events oom_kill on v2, memory.oom_control
   oom_kill on v1); events polls it to report OOM notifications. */
int cgroup_oom_count (struct cgroup *cg, uint64_t *count, ic_error_t *err);
/* Removes the cgroup and any sub-cgroups the container made, in every hierarchy; waits
   briefly for exiting tasks. */
int cgroup_destroy (struct cgroup *cg, ic_error_t *err);

#endif
