/* Shared by cgroup.c (layout, lifecycle) and cgroup-resources.c (limits and statistics). */
#ifndef CONTAINER_CGROUP_INTERNAL_H
#define CONTAINER_CGROUP_INTERNAL_H

#include "cgroup.h"

#define CGROUP_MAX_HIERARCHIES 16

struct cgroup_hierarchy
{
  char *mountpoint;  /* e.g. /sys/fs/cgroup/memory */
  char *controllers; /* comma-separated v1 controllers ("cpu,cpuacct"); NULL for v2 */
};

struct cgroup
{
  bool unified; /* cgroup v2 only */
  struct cgroup_hierarchy hierarchies[CGROUP_MAX_HIERARCHIES];
  size_t len;
  int v2;     /* index of the v2 hierarchy, -1 when none */
  char *path; /* relative to every hierarchy's root, e.g. /rune/<id> */
};

/* The container's directory for a v1 controller ("memory"), or on a unified host the v2 one;
   NULL when the host has no hierarchy with that controller. Caller frees. */
char *cgroup_dir (const struct cgroup *cg, const char *controller);

/* One entry of the device allowlist: type 'a', 'c' or 'b'; major/minor -1 for any; access a
   mask of BPF_DEVCG_ACC_* (mknod 1, read 2, write 4). */
struct device_rule
{
  bool allow;
  char type;
  int64_t major, minor;
  unsigned int access;
};

/* Attaches a device filter made of the rules to the v2 cgroup directory dir, replacing the
   previous one; errors name field. */
int cgroup_devices_bpf (const char *dir, const struct device_rule *rules, size_t len,
                        const char *field, ic_error_t *err);

#endif
