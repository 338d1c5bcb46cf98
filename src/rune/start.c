/* rune start: run the user process of a created container. */
#include "log.h"
#include "rune.h"
#include <stdio.h>

static const char usage[] = "Usage: rune start CONTAINER-ID\n"
                            "\n"
                            "Runs the startContainer hooks and the user process of a created\n"
                            "container, then the poststart hooks.\n"
                            "\n"
                            "Options:\n"
                            "  -h, --help   show this help\n";

int
rune_start (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  const char *id;

  if (rune_parse_id ("start", argc, argv, usage, &id))
    return 1;
  if (container_start (&g->rt, id, &err) < 0)
    return rune_fail (&err);
  ic_debug ("started container %s", id);
  return 0;
}
