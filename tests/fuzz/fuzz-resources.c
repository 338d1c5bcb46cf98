/* libFuzzer target: linux.resources from an untrusted config.json, applied to a fake v1
   cgroup tree of regular files under /tmp, must be written or rejected without crashing,
   hanging or leaking. */
#include "cgroup-internal.h"
#include "utils.h"
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT "/tmp/rune-fuzz-cgroup"

static const char *const controllers[]
    = { "memory", "cpu", "cpuset", "pids", "blkio", "hugetlb", "net_cls", "net_prio", "devices" };
static const char *const files[] = { "memory.limit_in_bytes",
                                     "memory.soft_limit_in_bytes",
                                     "memory.memsw.limit_in_bytes",
                                     "memory.kmem.limit_in_bytes",
                                     "memory.kmem.tcp.limit_in_bytes",
                                     "memory.swappiness",
                                     "memory.oom_control",
                                     "memory.use_hierarchy",
                                     "cpu.shares",
                                     "cpu.cfs_period_us",
                                     "cpu.cfs_quota_us",
                                     "cpu.cfs_burst_us",
                                     "cpu.rt_period_us",
                                     "cpu.rt_runtime_us",
                                     "cpu.idle",
                                     "cpuset.cpus",
                                     "cpuset.mems",
                                     "pids.max",
                                     "blkio.weight",
                                     "blkio.leaf_weight",
                                     "blkio.weight_device",
                                     "blkio.throttle.read_bps_device",
                                     "blkio.throttle.write_bps_device",
                                     "blkio.throttle.read_iops_device",
                                     "blkio.throttle.write_iops_device",
                                     "hugetlb.2MB.limit_in_bytes",
                                     "net_cls.classid",
                                     "net_prio.ifpriomap",
                                     "devices.allow",
                                     "devices.deny" };

static struct cgroup cg;

static void
setup (void)
{
  mkdir (ROOT, 0700);
  for (size_t i = 0; i < sizeof (controllers) / sizeof (controllers[0]); i++)
    {
      char dir[256];
      snprintf (dir, sizeof (dir), ROOT "/%s", controllers[i]);
      mkdir (dir, 0700);
      strcat (dir, "/c");
      mkdir (dir, 0700);
      for (size_t f = 0; f < sizeof (files) / sizeof (files[0]); f++)
        if (strncmp (files[f], controllers[i], strlen (controllers[i])) == 0)
          {
            char path[512];
            snprintf (path, sizeof (path), "%s/%s", dir, files[f]);
            close (open (path, O_CREAT | O_WRONLY, 0600));
          }
      snprintf (dir, sizeof (dir), ROOT "/%s", controllers[i]);
      cg.hierarchies[cg.len++]
          = (struct cgroup_hierarchy){ .mountpoint = xstrdup (dir),
                                       .controllers = xstrdup (controllers[i]) };
    }
  cg.v2 = -1;
  cg.path = xstrdup ("/c");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_tokener *tok = json_tokener_new ();
  json_object *resources = json_tokener_parse_ex (tok, (const char *)data, size);
  ic_error_t err = NULL;

  json_tokener_free (tok);
  if (cg.len == 0)
    setup ();
  if (resources)
    cgroup_set_resources (&cg, resources, &err);
  ic_error_release (&err);
  json_object_put (resources);
  return 0;
}
