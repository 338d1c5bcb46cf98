/* rune features: the OCI Features structure of this build. */
#include "oci-features.h"
#include "rune.h"
#include <stdio.h>

static const char usage[]
    = "Usage: rune features\n"
      "\n"
      "Prints what this build of rune recognizes, as the OCI runtime spec's Features\n"
      "structure (JSON): spec versions, hooks, mount options, namespaces, capabilities,\n"
      "cgroup versions, seccomp actions, operators, architectures and flags. It describes\n"
      "rune, not the host: a feature listed here may still be missing on a given kernel.\n"
      "\n"
      "Options:\n"
      "  -h, --help   show this help\n";

static const struct option options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
rune_features (struct rune_globals *g, int argc, char **argv)
{
  json_object *features;
  int c;

  while ((c = rune_getopt (argc, argv, "+h", options, usage)) != -1)
    return 1;
  if (rune_want_args ("features", argc - optind, 0, 0))
    return 1;
  features = container_features ();
  puts (json_object_to_json_string_ext (features, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                                                      | JSON_C_TO_STRING_SPACED
                                                      | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (features);
  return 0;
}
