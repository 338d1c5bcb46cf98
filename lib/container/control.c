/* Operations on a live container's cgroup: pause, resume, ps, update, events. */
#include "container-internal.h"
#include "utils.h"
#include <errno.h>

/* Opens the container and its cgroup, which the operation needs. */
static int
open_with_cgroup (const struct container_runtime *rt, const char *id, bool exclusive,
                  struct container_dir *dir, struct container_state *state,
                  enum container_status *status, struct cgroup **cg, ic_error_t *err)
{
  if (container_open (rt, id, exclusive, dir, state, status, err) < 0
      || container_cgroup (state, cg, err) < 0)
    return -1;
  if (*cg == NULL)
    return ic_error (err, ENOTSUP, "container `%s` has no cgroup", id);
  return 0;
}

static int
freeze (const struct container_runtime *rt, const char *id, bool frozen, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_cgroup struct cgroup *cg = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  enum container_status want = frozen ? CONTAINER_RUNNING : CONTAINER_PAUSED;
  int ret = -1;

  if (open_with_cgroup (rt, id, true, &dir, &state, &status, &cg, err) < 0)
    goto out;
  if (status != want)
    {
      ic_error (err, 0, "container `%s` is %s, not %s", id, container_status_name (status),
                container_status_name (want));
      goto out;
    }
  ret = cgroup_freeze (cg, frozen, err);
out:
  container_state_clear (&state);
  return ret;
}

int
container_pause (const struct container_runtime *rt, const char *id, ic_error_t *err)
{
  return freeze (rt, id, true, err);
}

int
container_resume (const struct container_runtime *rt, const char *id, ic_error_t *err)
{
  return freeze (rt, id, false, err);
}

int
container_pids (const struct container_runtime *rt, const char *id, pid_t **pids, size_t *len,
                ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_cgroup struct cgroup *cg = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  int ret = -1;

  *pids = NULL;
  *len = 0;
  if (open_with_cgroup (rt, id, false, &dir, &state, &status, &cg, err) == 0)
    ret = status == CONTAINER_STOPPED ? 0 : cgroup_pids (cg, pids, len, err);
  container_state_clear (&state);
  return ret;
}

int
container_update (const struct container_runtime *rt, const char *id, json_object *resources,
                  ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_cgroup struct cgroup *cg = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  int ret = -1;

  if (open_with_cgroup (rt, id, true, &dir, &state, &status, &cg, err) < 0)
    goto out;
  if (status == CONTAINER_STOPPED)
    {
      ic_error (err, 0, "container `%s` is stopped: cannot update it", id);
      goto out;
    }
  ret = cgroup_set_resources (cg, resources, err);
out:
  container_state_clear (&state);
  return ret;
}

int
container_stats (const struct container_runtime *rt, const char *id, json_object **stats,
                 uint64_t *oom_count, enum container_status *status, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_cgroup struct cgroup *cg = NULL;
  struct container_state state = { 0 };
  int ret = -1;

  *stats = NULL;
  if (open_with_cgroup (rt, id, false, &dir, &state, status, &cg, err) == 0
      && cgroup_stats (cg, stats, err) == 0 && cgroup_oom_count (cg, oom_count, err) == 0)
    ret = 0;
  container_state_clear (&state);
  return ret;
}
