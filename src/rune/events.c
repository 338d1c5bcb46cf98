/* rune events: statistics and OOM notifications of a container, as runc prints them. */
#include "rune.h"
#include "utils.h"
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[]
    = "Usage: rune events [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Prints JSON lines about the container: {\"type\":\"stats\",\"id\":ID,\"data\":{cpu,\n"
      "memory, pids}} every interval, and {\"type\":\"oom\",\"id\":ID} when the kernel's OOM\n"
      "killer kills one of its processes. Stops when the container stops.\n"
      "\n"
      "Options:\n"
      "      --stats             print one stats line and exit\n"
      "      --interval DURATION time between stats lines, e.g. 5s, 500ms (default 5s)\n"
      "  -h, --help              show this help\n";

enum
{
  OPT_STATS = 1000,
  OPT_INTERVAL,
};

static const struct option options[] = {
  { "stats", no_argument, NULL, OPT_STATS },
  { "interval", required_argument, NULL, OPT_INTERVAL },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* "5s", "500ms", "1m" -> milliseconds. */
static int
parse_interval (const char *text, long *ms)
{
  char *end;
  double n;
  errno = 0;
  n = strtod (text, &end);
  if (errno || end == text || n <= 0)
    return -1;
  if (strcmp (end, "ms") == 0)
    *ms = n;
  else if (strcmp (end, "s") == 0 || *end == '\0')
    *ms = n * 1000;
  else if (strcmp (end, "m") == 0)
    *ms = n * 60000;
  else
    return -1;
  return *ms > 0 ? 0 : -1;
}

static void
print_event (const char *type, const char *id, json_object *data)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "type", json_object_new_string (type));
  json_object_object_add (o, "id", json_object_new_string (id));
  if (data)
    json_object_object_add (o, "data", json_object_get (data));
  puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
  fflush (stdout);
  json_object_put (o);
}

int
rune_events (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  bool stats_only = false;
  long interval_ms = 5000, elapsed = 0;
  uint64_t last_oom = 0;
  bool first = true;
  int c;

  while ((c = rune_getopt (argc, argv, "+h", options, usage)) != -1)
    switch (c)
      {
      case OPT_STATS:
        stats_only = true;
        break;
      case OPT_INTERVAL:
        if (parse_interval (optarg, &interval_ms) < 0)
          return rune_usage_error ("events", "--interval: `%s` is not a duration", optarg);
        break;
      default:
        return 1;
      }
  if (rune_want_args ("events", argc - optind, 1, 1))
    return 1;
  for (;;)
    {
      enum container_status status;
      json_object *stats = NULL;
      uint64_t oom;

      if (container_stats (&g->rt, argv[optind], &stats, &oom, &status, &err) < 0)
        return first ? rune_fail (&err) : 0;
      if (status == CONTAINER_STOPPED && !first)
        {
          json_object_put (stats);
          return 0;
        }
      if (!first && oom > last_oom)
        print_event ("oom", argv[optind], NULL);
      if (stats_only || elapsed >= interval_ms || first)
        {
          print_event ("stats", argv[optind], stats);
          elapsed = 0;
        }
      json_object_put (stats);
      if (stats_only)
        return 0;
      last_oom = oom;
      first = false;
      /* OOM kills are polled more often than stats are printed. */
      nanosleep (&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
      elapsed += 100;
    }
}
