/* rune state: print the OCI state of a container. */
#include "rune.h"
#include "utils.h"
#include <stdio.h>

static const char usage[] = "Usage: rune state CONTAINER-ID\n"
                            "\n"
                            "Prints the container's state as the OCI runtime spec defines it:\n"
                            "ociVersion, id, status (created, running or stopped), pid, bundle\n"
                            "and annotations.\n"
                            "\n"
                            "Options:\n"
                            "  -h, --help   show this help\n";

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
rune_state (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *json = NULL;
  int c;

  while ((c = rune_getopt (argc, argv, "+h", options, usage)) != -1)
    return rune_usage_error ("state", "invalid option");
  if (rune_want_args ("state", argc - optind, 1, 1))
    return 1;
  if (container_state_json (&g->rt, argv[optind], &json, &err) < 0)
    return rune_fail (&err);
  puts (json);
  return 0;
}
