/* linux.resources onto cgroup files (config-linux.md "Control groups"), for v1 controllers and
   for cgroup v2 with runc's conversions, and the statistics of `rune events`. */
#include "cgroup-internal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The JSON field being applied, for messages: "linux.resources.memory.limit". */
#define FIELD_SIZE 128

struct apply
{
  struct cgroup *cg;
  ic_error_t *err;
};

static int
write_file (struct apply *a, const char *controller, const char *file, const char *value,
            const char *field)
{
  cleanup_free char *dir = cgroup_dir (a->cg, controller), *path = NULL;
  if (dir == NULL)
    return ic_error (a->err, ENOTSUP, "%s: this host has no %s cgroup controller", field,
                     controller);
  path = xasprintf ("%s/%s", dir, file);
  if (access (path, F_OK) < 0)
    return ic_error (a->err, ENOTSUP, "%s: this host cannot honour it (`%s` does not exist)", field,
                     path);
  if (write_existing_file (path, value, strlen (value), a->err) < 0)
    return ic_error_wrap (a->err, "%s: write `%s` to `%s`", field, value, path);
  return 0;
}

static int
write_int (struct apply *a, const char *controller, const char *file, int64_t value,
           const char *field)
{
  char buf[32];
  snprintf (buf, sizeof (buf), "%" PRId64, value);
  return write_file (a, controller, file, buf, field);
}

/* A member that must have the given type when present. */
static json_object *
get (struct apply *a, json_object *obj, const char *path, const char *key, json_type type,
     bool *bad)
{
  json_object *v = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    return NULL;
  if (!json_object_is_type (v, type))
    {
      ic_error (a->err, 0, "%s.%s: must be %s", path, key,
                type == json_type_int       ? "an integer"
                : type == json_type_string  ? "a string"
                : type == json_type_boolean ? "a boolean"
                : type == json_type_array   ? "an array"
                                            : "an object");
      *bad = true;
      return NULL;
    }
  return v;
}

#define GET(obj, path, key, type)                                                                  \
  ({                                                                                               \
    bool bad_ = false;                                                                             \
    json_object *v_ = get (a, obj, path, key, type, &bad_);                                        \
    if (bad_)                                                                                      \
      return -1;                                                                                   \
    v_;                                                                                            \
  })

static const char *
field (char buf[FIELD_SIZE], const char *path, const char *key)
{
  snprintf (buf, FIELD_SIZE, "%s.%s", path, key);
  return buf;
}

/* ---------------------------------------------------------------- memory */

static int
memory_v2 (struct apply *a, json_object *m, const char *path)
{
  json_object *limit = GET (m, path, "limit", json_type_int);
  json_object *reservation = GET (m, path, "reservation", json_type_int);
  json_object *swap = GET (m, path, "swap", json_type_int);
  char f[FIELD_SIZE];

  if (GET (m, path, "swappiness", json_type_int)
      || GET (m, path, "disableOOMKiller", json_type_boolean))
    {
      json_object *d = GET (m, path, "disableOOMKiller", json_type_boolean);
      if (GET (m, path, "swappiness", json_type_int) || (d && json_object_get_boolean (d)))
        return ic_error (a->err, ENOTSUP, "%s: swappiness and disableOOMKiller need cgroup v1",
                         path);
    }
  if (limit && json_object_get_int64 (limit) == -1)
    write_file (a, "memory", "memory.max", "max", field (f, path, "limit"));
  else if (limit
           && write_int (a, "memory", "memory.max", json_object_get_int64 (limit),
                         field (f, path, "limit"))
                  < 0)
    return -1;
  if (reservation
      && write_int (a, "memory", "memory.low", json_object_get_int64 (reservation),
                    field (f, path, "reservation"))
             < 0)
    return -1;
  if (swap)
    {
      /* OCI's swap is memory+swap; v2's memory.swap.max is swap alone. */
      int64_t s = json_object_get_int64 (swap), l = limit ? json_object_get_int64 (limit) : -1;
      if (s == -1)
        return write_file (a, "memory", "memory.swap.max", "max", field (f, path, "swap"));
      if (l < 0 || s < l)
        return ic_error (a->err, 0, "%s.swap: must be at least memory.limit", path);
      return write_int (a, "memory", "memory.swap.max", s - l, field (f, path, "swap"));
    }
  return 0;
}

static int
memory_v1 (struct apply *a, json_object *m, const char *path)
{
  static const struct
  {
    const char *key, *file;
  } plain[] = { { "reservation", "memory.soft_limit_in_bytes" },
                { "kernel", "memory.kmem.limit_in_bytes" },
                { "kernelTCP", "memory.kmem.tcp.limit_in_bytes" },
                { "swappiness", "memory.swappiness" } };
  json_object *limit = GET (m, path, "limit", json_type_int);
  json_object *swap = GET (m, path, "swap", json_type_int);
  json_object *no_oom = GET (m, path, "disableOOMKiller", json_type_boolean);
  json_object *hierarchy = GET (m, path, "useHierarchy", json_type_boolean);
  char f[FIELD_SIZE];

  /* memsw must stay >= the limit at every step: raise swap first when the limit fails. */
  if (limit
      && write_int (a, "memory", "memory.limit_in_bytes", json_object_get_int64 (limit),
                    field (f, path, "limit"))
             < 0)
    {
      if (swap == NULL)
        return -1;
      ic_error_release (a->err);
      if (write_int (a, "memory", "memory.memsw.limit_in_bytes", json_object_get_int64 (swap),
                     field (f, path, "swap"))
              < 0
          || write_int (a, "memory", "memory.limit_in_bytes", json_object_get_int64 (limit),
                        field (f, path, "limit"))
                 < 0)
        return -1;
    }
  else if (swap
           && write_int (a, "memory", "memory.memsw.limit_in_bytes", json_object_get_int64 (swap),
                         field (f, path, "swap"))
                  < 0)
    return -1;
  for (size_t i = 0; i < sizeof (plain) / sizeof (plain[0]); i++)
    {
      json_object *v = GET (m, path, plain[i].key, json_type_int);
      if (v
          && write_int (a, "memory", plain[i].file, json_object_get_int64 (v),
                        field (f, path, plain[i].key))
                 < 0)
        return -1;
    }
  if (no_oom && json_object_get_boolean (no_oom)
      && write_file (a, "memory", "memory.oom_control", "1", field (f, path, "disableOOMKiller"))
             < 0)
    return -1;
  if (hierarchy && json_object_get_boolean (hierarchy)
      && write_file (a, "memory", "memory.use_hierarchy", "1", field (f, path, "useHierarchy")) < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------- cpu */

static int
cpu_v1 (struct apply *a, json_object *c, const char *path)
{
  static const struct
  {
    const char *key, *file;
  } ints[] = { { "shares", "cpu.shares" },
               { "period", "cpu.cfs_period_us" },
               { "quota", "cpu.cfs_quota_us" },
               { "burst", "cpu.cfs_burst_us" },
               { "realtimePeriod", "cpu.rt_period_us" },
               { "realtimeRuntime", "cpu.rt_runtime_us" },
               { "idle", "cpu.idle" } };
  char f[FIELD_SIZE];
  for (size_t i = 0; i < sizeof (ints) / sizeof (ints[0]); i++)
    {
      json_object *v = GET (c, path, ints[i].key, json_type_int);
      if (v
          && write_int (a, "cpu", ints[i].file, json_object_get_int64 (v),
                        field (f, path, ints[i].key))
                 < 0)
        return -1;
    }
  return 0;
}

static int
cpu_v2 (struct apply *a, json_object *c, const char *path)
{
  json_object *shares = GET (c, path, "shares", json_type_int);
  json_object *quota = GET (c, path, "quota", json_type_int);
  json_object *period = GET (c, path, "period", json_type_int);
  json_object *idle = GET (c, path, "idle", json_type_int);
  char f[FIELD_SIZE], buf[64];

  if (GET (c, path, "realtimeRuntime", json_type_int)
      || GET (c, path, "realtimePeriod", json_type_int))
    return ic_error (a->err, ENOTSUP, "%s.realtimeRuntime: realtime scheduling needs cgroup v1",
                     path);
  if (shares)
    {
      /* runc's mapping of shares [2, 262144] onto weight [1, 10000] */
      uint64_t s = json_object_get_uint64 (shares);
      if (s < 2 || s > 262144)
        return ic_error (a->err, 0, "%s.shares: %" PRIu64 " is outside [2, 262144]", path, s);
      if (write_int (a, NULL, "cpu.weight", 1 + ((s - 2) * 9999) / 262142,
                     field (f, path, "shares"))
          < 0)
        return -1;
    }
  if (quota || period)
    {
      int64_t q = quota ? json_object_get_int64 (quota) : -1;
      snprintf (buf, sizeof (buf), q < 0 ? "max %" PRId64 : "%2$" PRId64 " %1$" PRId64,
                period ? json_object_get_int64 (period) : 100000, q);
      if (write_file (a, NULL, "cpu.max", buf, field (f, path, quota ? "quota" : "period")) < 0)
        return -1;
    }
  if (idle
      && write_int (a, NULL, "cpu.idle", json_object_get_int64 (idle), field (f, path, "idle")) < 0)
    return -1;
  return 0;
}

static int
cpuset (struct apply *a, json_object *c, const char *path)
{
  json_object *cpus = GET (c, path, "cpus", json_type_string);
  json_object *mems = GET (c, path, "mems", json_type_string);
  char f[FIELD_SIZE];
  if (cpus
      && write_file (a, "cpuset", "cpuset.cpus", json_object_get_string (cpus),
                     field (f, path, "cpus"))
             < 0)
    return -1;
  if (mems
      && write_file (a, "cpuset", "cpuset.mems", json_object_get_string (mems),
                     field (f, path, "mems"))
             < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------- pids, hugetlb, network */

static int
pids (struct apply *a, json_object *p, const char *path)
{
  json_object *limit = GET (p, path, "limit", json_type_int);
  char f[FIELD_SIZE];
  if (limit == NULL)
    return ic_error (a->err, 0, "%s.limit: is required", path);
  if (json_object_get_int64 (limit) <= 0)
    return write_file (a, "pids", "pids.max", "max", field (f, path, "limit"));
  return write_int (a, "pids", "pids.max", json_object_get_int64 (limit), field (f, path, "limit"));
}

static int
hugepages (struct apply *a, json_object *list, const char *path)
{
  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *h = json_object_array_get_idx (list, i), *size, *limit;
      char p[FIELD_SIZE], file[96];
      snprintf (p, sizeof (p), "%s[%zu]", path, i);
      if (!json_object_is_type (h, json_type_object))
        return ic_error (a->err, 0, "%s: must be an object", p);
      size = GET (h, p, "pageSize", json_type_string);
      limit = GET (h, p, "limit", json_type_int);
      if (size == NULL || limit == NULL || strpbrk (json_object_get_string (size), "/."))
        return ic_error (a->err, 0, "%s: needs pageSize (e.g. \"2MB\") and limit", p);
      snprintf (file, sizeof (file), "hugetlb.%s.%s", json_object_get_string (size),
                a->cg->unified ? "max" : "limit_in_bytes");
      if (write_int (a, "hugetlb", file, json_object_get_int64 (limit), p) < 0)
        return -1;
    }
  return 0;
}

static int
network (struct apply *a, json_object *n, const char *path)
{
  json_object *classid = GET (n, path, "classID", json_type_int);
  json_object *prios = GET (n, path, "priorities", json_type_array);
  char f[FIELD_SIZE];
  if (classid
      && write_int (a, "net_cls", "net_cls.classid", json_object_get_int64 (classid),
                    field (f, path, "classID"))
             < 0)
    return -1;
  for (size_t i = 0; prios && i < json_object_array_length (prios); i++)
    {
      json_object *e = json_object_array_get_idx (prios, i), *name, *prio;
      cleanup_free char *line = NULL;
      char p[FIELD_SIZE];
      snprintf (p, sizeof (p), "%s.priorities[%zu]", path, i);
      if (!json_object_is_type (e, json_type_object))
        return ic_error (a->err, 0, "%s: must be an object", p);
      name = GET (e, p, "name", json_type_string);
      prio = GET (e, p, "priority", json_type_int);
      if (name == NULL || prio == NULL)
        return ic_error (a->err, 0, "%s: needs name and priority", p);
      line = xasprintf ("%s %" PRId64, json_object_get_string (name), json_object_get_int64 (prio));
      if (write_file (a, "net_prio", "net_prio.ifpriomap", line, p) < 0)
        return -1;
    }
  return 0;
}

/* ---------------------------------------------------------------- block I/O */

static int
device_list (struct apply *a, json_object *io, const char *path, const char *key,
             const char *v1_file, const char *v2_key, const char *value_key)
{
  json_object *list = GET (io, path, key, json_type_array);
  for (size_t i = 0; list && i < json_object_array_length (list); i++)
    {
      json_object *d = json_object_array_get_idx (list, i), *major, *minor, *value;
      cleanup_free char *line = NULL;
      char p[FIELD_SIZE];
      snprintf (p, sizeof (p), "%s.%s[%zu]", path, key, i);
      if (!json_object_is_type (d, json_type_object))
        return ic_error (a->err, 0, "%s: must be an object", p);
      major = GET (d, p, "major", json_type_int);
      minor = GET (d, p, "minor", json_type_int);
      value = GET (d, p, value_key, json_type_int);
      if (major == NULL || minor == NULL || value == NULL)
        return ic_error (a->err, 0, "%s: needs major, minor and %s", p, value_key);
      if (a->cg->unified)
        line = xasprintf ("%" PRId64 ":%" PRId64 " %s=%" PRId64, json_object_get_int64 (major),
                          json_object_get_int64 (minor), v2_key, json_object_get_int64 (value));
      else
        line = xasprintf ("%" PRId64 ":%" PRId64 " %" PRId64, json_object_get_int64 (major),
                          json_object_get_int64 (minor), json_object_get_int64 (value));
      if (write_file (a, "blkio",
                      a->cg->unified ? (strcmp (v2_key, "weight") ? "io.max" : "io.weight")
                                     : v1_file,
                      line, p)
          < 0)
        return -1;
    }
  return 0;
}

static int
block_io (struct apply *a, json_object *io, const char *path)
{
  json_object *weight = GET (io, path, "weight", json_type_int);
  json_object *leaf = GET (io, path, "leafWeight", json_type_int);
  char f[FIELD_SIZE];

  if (weight
      && write_int (a, "blkio", a->cg->unified ? "io.weight" : "blkio.weight",
                    json_object_get_int64 (weight), field (f, path, "weight"))
             < 0)
    return -1;
  if (leaf
      && write_int (a, "blkio", "blkio.leaf_weight", json_object_get_int64 (leaf),
                    field (f, path, "leafWeight"))
             < 0)
    return -1;
  return device_list (a, io, path, "weightDevice", "blkio.weight_device", "weight", "weight") < 0
                 || device_list (a, io, path, "throttleReadBpsDevice",
                                 "blkio.throttle.read_bps_device", "rbps", "rate")
                        < 0
                 || device_list (a, io, path, "throttleWriteBpsDevice",
                                 "blkio.throttle.write_bps_device", "wbps", "rate")
                        < 0
                 || device_list (a, io, path, "throttleReadIOPSDevice",
                                 "blkio.throttle.read_iops_device", "riops", "rate")
                        < 0
                 || device_list (a, io, path, "throttleWriteIOPSDevice",
                                 "blkio.throttle.write_iops_device", "wiops", "rate")
                        < 0
             ? -1
             : 0;
}

/* ---------------------------------------------------------------- devices, unified */

/* The devices every container has (runtime-linux.md's default devices, /dev/pts, /dev/ptmx)
   stay usable whatever the allowlist says, as with runc and crun. */
static const struct device_rule container_devices[] = {
  { true, 'c', 1, 3, 7 }, { true, 'c', 1, 5, 7 }, { true, 'c', 1, 7, 7 },    { true, 'c', 1, 8, 7 },
  { true, 'c', 1, 9, 7 }, { true, 'c', 5, 0, 7 }, { true, 'c', 136, -1, 7 }, { true, 'c', 5, 2, 7 },
};
#define N_CONTAINER_DEVICES (sizeof (container_devices) / sizeof (container_devices[0]))

static int
parse_device_rule (struct apply *a, json_object *d, const char *p, struct device_rule *r)
{
  json_object *allow, *type, *major, *minor, *access;
  const char *t, *acc;

  if (!json_object_is_type (d, json_type_object))
    return ic_error (a->err, 0, "%s: must be an object", p);
  allow = GET (d, p, "allow", json_type_boolean);
  type = GET (d, p, "type", json_type_string);
  major = GET (d, p, "major", json_type_int);
  minor = GET (d, p, "minor", json_type_int);
  access = GET (d, p, "access", json_type_string);
  if (allow == NULL)
    return ic_error (a->err, 0, "%s.allow: is required", p);
  t = type ? json_object_get_string (type) : "a";
  acc = access ? json_object_get_string (access) : "rwm";
  if (strlen (t) != 1 || !strchr ("acb", t[0]) || acc[0] == '\0'
      || strspn (acc, "rwm") != strlen (acc))
    return ic_error (a->err, 0, "%s: type must be a, c or b and access a subset of rwm", p);
  *r = (struct device_rule){ .allow = json_object_get_boolean (allow),
                             .type = t[0],
                             .major = major ? json_object_get_int64 (major) : -1,
                             .minor = minor ? json_object_get_int64 (minor) : -1,
                             .access = (strchr (acc, 'm') ? 1 : 0) | (strchr (acc, 'r') ? 2 : 0)
                                       | (strchr (acc, 'w') ? 4 : 0) };
  if (r->major < -1 || r->major > INT32_MAX || r->minor < -1 || r->minor > INT32_MAX)
    return ic_error (a->err, 0, "%s: major and minor must be device numbers", p);
  return 0;
}

/* v1: one line per rule in devices.allow or devices.deny. */
static int
devices_v1 (struct apply *a, const struct device_rule *rules, size_t len, const char *path)
{
  for (size_t i = 0; i < len; i++)
    {
      const struct device_rule *r = &rules[i];
      cleanup_free char *maj = r->major >= 0 ? xasprintf ("%" PRId64, r->major) : xstrdup ("*");
      cleanup_free char *min = r->minor >= 0 ? xasprintf ("%" PRId64, r->minor) : xstrdup ("*");
      cleanup_free char *rule
          = r->type == 'a'
                ? xstrdup ("a")
                : xasprintf ("%c %s:%s %s%s%s", r->type, maj, min, r->access & 2 ? "r" : "",
                             r->access & 4 ? "w" : "", r->access & 1 ? "m" : "");
      if (write_file (a, "devices", r->allow ? "devices.allow" : "devices.deny", rule, path) < 0)
        return -1;
    }
  return 0;
}

/* v1 files where the devices controller is mounted, and the v2 filter wherever there is a v2
   hierarchy (on hybrid hosts both apply, and both must allow). */
static int
devices (struct apply *a, json_object *list, const char *path)
{
  size_t n = json_object_array_length (list);
  cleanup_free struct device_rule *rules = xmalloc0 ((n + N_CONTAINER_DEVICES) * sizeof (*rules));
  cleanup_free char *v1 = a->cg->unified ? NULL : cgroup_dir (a->cg, "devices");

  if (n > 4096)
    return ic_error (a->err, E2BIG, "%s: at most 4096 rules", path);
  for (size_t i = 0; i < n; i++)
    {
      char p[FIELD_SIZE];
      snprintf (p, sizeof (p), "%s[%zu]", path, i);
      if (parse_device_rule (a, json_object_array_get_idx (list, i), p, &rules[i]) < 0)
        return -1;
    }
  memcpy (rules + n, container_devices, sizeof (container_devices));
  n += N_CONTAINER_DEVICES;
  if (v1 && devices_v1 (a, rules, n, path) < 0)
    return -1;
  if (a->cg->v2 >= 0)
    {
      cleanup_free char *dir
          = xasprintf ("%s%s", a->cg->hierarchies[a->cg->v2].mountpoint, a->cg->path);
      return cgroup_devices_bpf (dir, rules, n, path, a->err);
    }
  if (v1 == NULL)
    return ic_error (a->err, ENOTSUP, "%s: this host has no devices cgroup controller", path);
  return 0;
}

static int
unified (struct apply *a, json_object *map, const char *path)
{
  if (!a->cg->unified && a->cg->v2 < 0)
    return ic_error (a->err, ENOTSUP, "%s: this host has no cgroup v2 hierarchy", path);
  json_object_object_foreach (map, key, value)
  {
    char p[FIELD_SIZE];
    cleanup_free char *dir = NULL, *file = NULL;
    snprintf (p, sizeof (p), "%s.%s", path, key);
    if (!json_object_is_type (value, json_type_string))
      return ic_error (a->err, 0, "%s: must be a string", p);
    if (strchr (key, '/') || key[0] == '.')
      return ic_error (a->err, 0, "%s: not a cgroup file name", p);
    dir = xasprintf ("%s%s", a->cg->hierarchies[a->cg->v2 >= 0 ? a->cg->v2 : 0].mountpoint,
                     a->cg->path);
    file = xasprintf ("%s/%s", dir, key);
    if (write_existing_file (file, json_object_get_string (value),
                             strlen (json_object_get_string (value)), a->err)
        < 0)
      return ic_error_wrap (a->err, "%s", p);
  }
  return 0;
}

int
cgroup_set_resources (struct cgroup *cg, json_object *resources, ic_error_t *err)
{
  struct apply ctx = { cg, err }, *a = &ctx;
  const char *path = "linux.resources";
  json_object *v;

  if (resources == NULL)
    return 0;
  if (!json_object_is_type (resources, json_type_object))
    return ic_error (err, 0, "%s: must be an object", path);
  if ((v = GET (resources, path, "devices", json_type_array))
      && devices (a, v, "linux.resources.devices") < 0)
    return -1;
  if ((v = GET (resources, path, "memory", json_type_object))
      && (cg->unified ? memory_v2 : memory_v1) (a, v, "linux.resources.memory") < 0)
    return -1;
  if ((v = GET (resources, path, "cpu", json_type_object))
      && ((cg->unified ? cpu_v2 : cpu_v1) (a, v, "linux.resources.cpu") < 0
          || cpuset (a, v, "linux.resources.cpu") < 0))
    return -1;
  if ((v = GET (resources, path, "pids", json_type_object))
      && pids (a, v, "linux.resources.pids") < 0)
    return -1;
  if ((v = GET (resources, path, "blockIO", json_type_object))
      && block_io (a, v, "linux.resources.blockIO") < 0)
    return -1;
  if ((v = GET (resources, path, "hugepageLimits", json_type_array))
      && hugepages (a, v, "linux.resources.hugepageLimits") < 0)
    return -1;
  if ((v = GET (resources, path, "network", json_type_object))
      && network (a, v, "linux.resources.network") < 0)
    return -1;
  if ((v = GET (resources, path, "rdma", json_type_object)) && json_object_object_length (v))
    return ic_error (err, ENOTSUP, "linux.resources.rdma: not supported by rune");
  if ((v = GET (resources, path, "unified", json_type_object))
      && unified (a, v, "linux.resources.unified") < 0)
    return -1;
  return 0;
}

/* ---------------------------------------------------------------- statistics */

/* A number read from a cgroup file; *ok false when the file is missing. */
static uint64_t
read_number (struct cgroup *cg, const char *controller, const char *file, bool *ok)
{
  cleanup_free char *dir = cgroup_dir (cg, controller), *path = NULL, *value = NULL;
  *ok = false;
  if (dir == NULL)
    return 0;
  path = xasprintf ("%s/%s", dir, file);
  if (read_file_at (AT_FDCWD, path, 4096, &value, NULL, NULL) < 0)
    return 0;
  *ok = true;
  return strncmp (value, "max", 3) == 0 ? UINT64_MAX : strtoull (value, NULL, 10);
}

/* "key value" lines (memory.stat, cpu.stat) as a JSON object of numbers. */
static json_object *
read_keyed (struct cgroup *cg, const char *controller, const char *file)
{
  cleanup_free char *dir = cgroup_dir (cg, controller), *path = NULL, *text = NULL;
  json_object *o = json_object_new_object ();
  char *save = NULL;
  if (dir == NULL)
    return o;
  path = xasprintf ("%s/%s", dir, file);
  if (read_file_at (AT_FDCWD, path, 1 << 20, &text, NULL, NULL) < 0)
    return o;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char key[128];
      unsigned long long value;
      if (sscanf (line, "%127s %llu", key, &value) == 2)
        json_object_object_add (o, key, json_object_new_uint64 (value));
    }
  return o;
}

static void
add_number (json_object *o, const char *key, uint64_t value, bool ok)
{
  if (ok)
    json_object_object_add (o, key, json_object_new_uint64 (value));
}

static json_object *
memory_stats (struct cgroup *cg)
{
  json_object *m = json_object_new_object (), *usage = json_object_new_object ();
  json_object *swap = json_object_new_object ();
  bool ok;
  uint64_t v;

  if (cg->unified)
    {
      v = read_number (cg, "memory", "memory.current", &ok);
      add_number (usage, "usage", v, ok);
      v = read_number (cg, "memory", "memory.max", &ok);
      add_number (usage, "limit", v, ok);
      v = read_number (cg, "memory", "memory.swap.current", &ok);
      add_number (swap, "usage", v, ok);
    }
  else
    {
      v = read_number (cg, "memory", "memory.usage_in_bytes", &ok);
      add_number (usage, "usage", v, ok);
      v = read_number (cg, "memory", "memory.max_usage_in_bytes", &ok);
      add_number (usage, "max", v, ok);
      v = read_number (cg, "memory", "memory.limit_in_bytes", &ok);
      add_number (usage, "limit", v, ok);
      v = read_number (cg, "memory", "memory.failcnt", &ok);
      add_number (usage, "failcnt", v, ok);
      v = read_number (cg, "memory", "memory.memsw.usage_in_bytes", &ok);
      add_number (swap, "usage", v, ok);
    }
  json_object_object_add (m, "usage", usage);
  json_object_object_add (m, "swap", swap);
  json_object_object_add (m, "raw", read_keyed (cg, "memory", "memory.stat"));
  return m;
}

static json_object *
cpu_stats (struct cgroup *cg)
{
  json_object *c = json_object_new_object (), *usage = json_object_new_object ();
  json_object *throttling = json_object_new_object ();
  bool ok;

  if (cg->unified)
    {
      json_object *stat = read_keyed (cg, "cpu", "cpu.stat"), *v;
      /* v2 counts microseconds; runc reports nanoseconds. */
      if (json_object_object_get_ex (stat, "usage_usec", &v))
        add_number (usage, "total", json_object_get_uint64 (v) * 1000, true);
      if (json_object_object_get_ex (stat, "user_usec", &v))
        add_number (usage, "user", json_object_get_uint64 (v) * 1000, true);
      if (json_object_object_get_ex (stat, "system_usec", &v))
        add_number (usage, "kernel", json_object_get_uint64 (v) * 1000, true);
      if (json_object_object_get_ex (stat, "nr_throttled", &v))
        add_number (throttling, "throttledPeriods", json_object_get_uint64 (v), true);
      json_object_put (stat);
    }
  else
    {
      uint64_t total = read_number (cg, "cpuacct", "cpuacct.usage", &ok);
      json_object *stat = read_keyed (cg, "cpu", "cpu.stat"), *v;
      add_number (usage, "total", total, ok);
      if (json_object_object_get_ex (stat, "nr_periods", &v))
        add_number (throttling, "periods", json_object_get_uint64 (v), true);
      if (json_object_object_get_ex (stat, "nr_throttled", &v))
        add_number (throttling, "throttledPeriods", json_object_get_uint64 (v), true);
      if (json_object_object_get_ex (stat, "throttled_time", &v))
        add_number (throttling, "throttledTime", json_object_get_uint64 (v), true);
      json_object_put (stat);
    }
  json_object_object_add (c, "usage", usage);
  json_object_object_add (c, "throttling", throttling);
  return c;
}

int
cgroup_stats (struct cgroup *cg, json_object **stats, ic_error_t *err)
{
  json_object *o = json_object_new_object (), *p = json_object_new_object ();
  bool ok;
  uint64_t v;

  json_object_object_add (o, "cpu", cpu_stats (cg));
  json_object_object_add (o, "memory", memory_stats (cg));
  v = read_number (cg, "pids", "pids.current", &ok);
  add_number (p, "current", v, ok);
  v = read_number (cg, "pids", "pids.max", &ok);
  if (ok && v != UINT64_MAX)
    add_number (p, "limit", v, ok);
  json_object_object_add (o, "pids", p);
  *stats = o;
  return 0;
}

int
cgroup_oom_count (struct cgroup *cg, uint64_t *count, ic_error_t *err)
{
  json_object *events
      = read_keyed (cg, "memory", cg->unified ? "memory.events" : "memory.oom_control");
  json_object *v;
  *count = json_object_object_get_ex (events, "oom_kill", &v) ? json_object_get_uint64 (v) : 0;
  json_object_put (events);
  return 0;
}
