/* rune checkpoint and rune restore: runc's verbs, which need CRIU. */
#include "rune.h"
#include "utils.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char checkpoint_usage[]
    = "Usage: rune checkpoint [OPTIONS] CONTAINER-ID\n"
      "       rune restore [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Saving a running container to disk and restoring it needs CRIU (criu). rune does not\n"
      "implement checkpoint and restore yet: both fail with an error that says so (and\n"
      "whether criu is installed), whatever the options.\n"
      "\n"
      "Options:\n"
      "  -h, --help   show this help\n";

/* Whether criu is on PATH, to tell the user which of the two things is missing. */
static bool
criu_installed (void)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = xasprintf ("%s/criu", dir);
      if (access (candidate, X_OK) == 0)
        return true;
    }
  return false;
}

static int
unsupported (const char *verb, int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "-h") == 0 || strcmp (argv[i], "--help") == 0)
      {
        fputs (checkpoint_usage, stdout);
        return 0;
      }
  if (!criu_installed ())
    fprintf (stderr,
             "rune %s: CRIU (criu) is not installed on this host; checkpoint and "
             "restore need it\n",
             verb);
  else
    fprintf (stderr,
             "rune %s: checkpoint and restore are not implemented by rune (CRIU is "
             "installed, but rune does not drive it)\n",
             verb);
  return 1;
}

int
rune_checkpoint (struct rune_globals *g, int argc, char **argv)
{
  return unsupported ("checkpoint", argc, argv);
}

int
rune_restore (struct rune_globals *g, int argc, char **argv)
{
  return unsupported ("restore", argc, argv);
}
