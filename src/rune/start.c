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

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
rune_start (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  int c;

  while ((c = rune_getopt (argc, argv, "+h", options, usage)) != -1)
    return rune_usage_error ("start", "invalid option");
  if (rune_want_args ("start", argc - optind, 1, 1))
    return 1;
  if (container_start (&g->rt, argv[optind], &err) < 0)
    return rune_fail (&err);
  ic_debug ("started container %s", argv[optind]);
  return 0;
}
