/* rune delete: remove a container and everything create made for it. */
#include "log.h"
#include "rune.h"
#include <errno.h>
#include <stddef.h>

static const char usage[]
    = "Usage: rune delete [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Deletes a stopped container: its cgroup and state go, and the poststop hooks run.\n"
      "\n"
      "Options:\n"
      "  -f, --force  kill a created or running container first (SIGKILL); succeed when\n"
      "               the container does not exist\n"
      "  -h, --help   show this help\n";

static const struct option options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
rune_delete (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  bool force = false;
  int c;

  while ((c = rune_getopt (argc, argv, "+fh", options, usage)) != -1)
    {
      if (c != 'f')
        return rune_usage_error ("delete", "invalid option");
      force = true;
    }
  if (rune_want_args ("delete", argc - optind, 1, 1))
    return 1;
  if (container_delete (&g->rt, argv[optind], force, &err) < 0)
    {
      /* As runc: forcing the delete of a container that is not there is not an error. */
      if (force && err->status == ENOENT)
        return 0;
      return rune_fail (&err);
    }
  ic_debug ("deleted container %s", argv[optind]);
  return 0;
}
