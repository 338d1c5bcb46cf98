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

int
rune_state (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *json = NULL;
  const char *id;

  if (rune_parse_id ("state", argc, argv, usage, &id))
    return 1;
  if (container_state_json (&g->rt, id, &json, &err) < 0)
    return rune_fail (&err);
  puts (json);
  return 0;
}
