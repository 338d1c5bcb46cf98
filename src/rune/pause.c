/* rune pause and rune resume: freeze and thaw a container's processes. */
#include "rune.h"

static const char pause_usage[]
    = "Usage: rune pause CONTAINER-ID\n"
      "\n"
      "Freezes every process of a running container (cgroup freezer); `rune state` then\n"
      "reports it paused until `rune resume`.\n"
      "\n"
      "Options:\n"
      "  -h, --help   show this help\n";

static const char resume_usage[] = "Usage: rune resume CONTAINER-ID\n"
                                   "\n"
                                   "Thaws the processes of a paused container.\n"
                                   "\n"
                                   "Options:\n"
                                   "  -h, --help   show this help\n";

int
rune_pause (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  const char *id;
  if (rune_parse_id ("pause", argc, argv, pause_usage, &id))
    return 1;
  return container_pause (&g->rt, id, &err) < 0 ? rune_fail (&err) : 0;
}

int
rune_resume (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  const char *id;
  if (rune_parse_id ("resume", argc, argv, resume_usage, &id))
    return 1;
  return container_resume (&g->rt, id, &err) < 0 ? rune_fail (&err) : 0;
}
