/* rune update: change a live container's resource limits. */
#include "rune.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char usage[]
    = "Usage: rune update [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Applies new resource limits to a created, running or paused container's cgroup.\n"
      "Sizes take a k, m or g suffix (powers of 1024); -1 means unlimited.\n"
      "\n"
      "Options:\n"
      "  -r, --resources FILE         an OCI linux.resources JSON object (- for stdin); the\n"
      "                               flags below override its fields\n"
      "      --memory SIZE            memory limit\n"
      "      --memory-reservation SIZE  soft memory limit\n"
      "      --memory-swap SIZE       memory plus swap limit\n"
      "      --kernel-memory SIZE     kernel memory limit (cgroup v1)\n"
      "      --kernel-memory-tcp SIZE kernel TCP buffer limit (cgroup v1)\n"
      "      --cpu-shares N           relative CPU weight\n"
      "      --cpu-quota N            CPU time per period, microseconds (-1: none)\n"
      "      --cpu-period N           CFS period, microseconds\n"
      "      --cpu-rt-runtime N       realtime runtime, microseconds (cgroup v1)\n"
      "      --cpu-rt-period N        realtime period, microseconds (cgroup v1)\n"
      "      --cpuset-cpus LIST       CPUs allowed, e.g. 0-2,4\n"
      "      --cpuset-mems LIST       memory nodes allowed\n"
      "      --pids-limit N           maximum number of processes (-1: none)\n"
      "      --blkio-weight N         block I/O weight (10-1000)\n"
      "  -h, --help                   show this help\n";

/* Each flag sets resources.SECTION.KEY. */
static const struct
{
  const char *flag, *section, *key;
  enum
  {
    SIZE,
    NUMBER,
    STRING
  } kind;
} flags[] = {
  { "memory", "memory", "limit", SIZE },
  { "memory-reservation", "memory", "reservation", SIZE },
  { "memory-swap", "memory", "swap", SIZE },
  { "kernel-memory", "memory", "kernel", SIZE },
  { "kernel-memory-tcp", "memory", "kernelTCP", SIZE },
  { "cpu-shares", "cpu", "shares", NUMBER },
  { "cpu-quota", "cpu", "quota", NUMBER },
  { "cpu-period", "cpu", "period", NUMBER },
  { "cpu-rt-runtime", "cpu", "realtimeRuntime", NUMBER },
  { "cpu-rt-period", "cpu", "realtimePeriod", NUMBER },
  { "cpuset-cpus", "cpu", "cpus", STRING },
  { "cpuset-mems", "cpu", "mems", STRING },
  { "pids-limit", "pids", "limit", NUMBER },
  { "blkio-weight", "blockIO", "weight", NUMBER },
};
#define N_FLAGS (sizeof (flags) / sizeof (flags[0]))

/* "512m" -> 536870912; "-1" stays -1. */
static int
parse_value (const char *flag, const char *text, bool size, int64_t *out)
{
  char *end;
  errno = 0;
  *out = strtoll (text, &end, 10);
  if (size && *out > 0 && end[0] && end[1] == '\0' && strchr ("kKmMgG", end[0]))
    {
      int shift = strchr ("kK", end[0]) ? 10 : strchr ("mM", end[0]) ? 20 : 30;
      if (*out > (INT64_MAX >> shift))
        errno = ERANGE;
      *out <<= shift;
      end++;
    }
  if (errno || end == text || *end || *out < -1)
    return rune_usage_error ("update", "--%s: `%s` is not a %s", flag, text,
                             size ? "size" : "number");
  return 0;
}

static json_object *
section (json_object *resources, const char *name)
{
  json_object *s;
  if (!json_object_object_get_ex (resources, name, &s)
      || !json_object_is_type (s, json_type_object))
    {
      s = json_object_new_object ();
      json_object_object_add (resources, name, s);
    }
  return s;
}

static int
load_resources (const char *file, json_object **out, ic_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;
  if (file == NULL)
    {
      *out = json_object_new_object ();
      return 0;
    }
  if (read_file_at (AT_FDCWD, strcmp (file, "-") ? file : "/dev/stdin", 1 << 20, &data, &len, err)
      < 0)
    return ic_error_wrap (err, "--resources");
  *out = json_tokener_parse (data);
  if (*out == NULL || !json_object_is_type (*out, json_type_object))
    {
      json_object_put (*out);
      return ic_error (err, 0, "--resources `%s`: not a JSON object", file);
    }
  return 0;
}

int
rune_update (struct rune_globals *g, int argc, char **argv)
{
  struct option options[N_FLAGS + 3]
      = { { "resources", required_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' } };
  const char *values[N_FLAGS] = { NULL }, *file = NULL;
  cleanup_error ic_error_t err = NULL;
  json_object *resources = NULL;
  int c, index, ret = 1;

  for (size_t i = 0; i < N_FLAGS; i++)
    options[i + 2] = (struct option){ flags[i].flag, required_argument, NULL, 1000 + (int)i };
  while ((c = rune_getopt (argc, argv, "+r:h", options, usage)) != -1)
    if (c == 'r')
      file = optarg;
    else if (c >= 1000 && c < 1000 + (int)N_FLAGS)
      values[c - 1000] = optarg;
    else
      return 1;
  if (rune_want_args ("update", argc - optind, 1, 1))
    return 1;
  if (load_resources (file, &resources, &err) < 0)
    return rune_fail (&err);
  for (index = 0; index < (int)N_FLAGS; index++)
    {
      int64_t n;
      json_object *s;
      if (values[index] == NULL)
        continue;
      s = section (resources, flags[index].section);
      if (flags[index].kind == STRING)
        json_object_object_add (s, flags[index].key, json_object_new_string (values[index]));
      else if (parse_value (flags[index].flag, values[index], flags[index].kind == SIZE, &n))
        goto out;
      else
        json_object_object_add (s, flags[index].key, json_object_new_int64 (n));
    }
  ret = container_update (&g->rt, argv[optind], resources, &err) < 0 ? rune_fail (&err) : 0;
out:
  json_object_put (resources);
  return ret;
}
