/* rune: an OCI runtime compatible with runc's command line. */
#include "buildconfig.h"
#include "log.h"
#include "rune.h"
#include "utils.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OCI_SPEC_VERSION "1.2.1"

static const char usage_text[]
    = "Usage: rune [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
      "\n"
      "rune runs containers from OCI bundles, like runc and crun.\n"
      "\n"
      "Commands:\n"
      "  spec      write a new config.json template into the bundle\n"
      "  create    create a container; its process waits for start\n"
      "  start     run the user process of a created container\n"
      "  run       create and start a container, and wait for it unless --detach\n"
      "  state     print the OCI state of a container as JSON\n"
      "  exec      run a new process in a running container\n"
      "  kill      send a signal to a container's process (all processes with --all)\n"
      "  delete    delete a stopped container (any container with --force)\n"
      "  list      list the containers under the root\n"
      "  ps        show the processes of a container\n"
      "  pause     freeze every process of a container\n"
      "  resume    thaw a paused container\n"
      "  update    change a container's resource limits\n"
      "  events    print a container's statistics and OOM events as JSON lines\n"
      "  features  print the OCI features this rune recognizes, as JSON\n"
      "  attest    evidence of an enclave container's enclave (a report, or with --isRA a\n"
      "            verified quote)\n"
      "  checkpoint, restore  not supported (they need CRIU): a clear error\n"
      "\n"
      "Global options:\n"
      "  --root DIR            state directory (default " RUNE_DEFAULT_ROOT ")\n"
      "  --log FILE            write log lines to FILE instead of stderr\n"
      "  --log-format FORMAT   text (default) or json\n"
      "  --debug               log debug messages\n"
      "  --systemd-cgroup      cgroupsPath is systemd's slice:prefix:name (needs systemd)\n"
      "  --rootless VALUE      true, false or auto (accepted for runc compatibility)\n"
      "  --criu PATH           accepted for runc compatibility\n"
      "  -h, --help            show this help\n"
      "  -v, --version         show the version\n"
      "\n"
      "Run `rune COMMAND --help` for a command's options. Exit status: 0 on success, 1 on\n"
      "error; `run` without --detach exits with the container process's status.\n";

static const struct
{
  const char *name;
  rune_verb_fn fn;
} verbs[] = {
  { "spec", rune_spec },       { "create", rune_create },
  { "start", rune_start },     { "run", rune_run },
  { "state", rune_state },     { "kill", rune_kill },
  { "delete", rune_delete },   { "list", rune_list },
  { "exec", rune_exec },       { "features", rune_features },
  { "pause", rune_pause },     { "resume", rune_resume },
  { "ps", rune_ps },           { "update", rune_update },
  { "events", rune_events },   { "checkpoint", rune_checkpoint },
  { "restore", rune_restore }, { "attest", rune_attest_loader },
};

int
rune_fail (ic_error_t *err)
{
  const char *msg = ic_error_message (*err);
  ic_log (IC_LOG_ERROR, "%s", msg);
  if (!ic_log_to_stderr ())
    fprintf (stderr, "rune: %s\n", msg);
  ic_error_release (err);
  return 1;
}

int
rune_usage_error (const char *verb, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "rune%s%s: ", verb ? " " : "", verb ? verb : "");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nTry `rune%s%s --help`.\n", verb ? " " : "", verb ? verb : "");
  return 1;
}

void
rune_warn (const char *msg)
{
  ic_log (IC_LOG_WARNING, "%s", msg);
}

int
rune_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts,
             const char *usage)
{
  int c = getopt_long (argc, argv, shortopts, longopts, NULL);
  if (c == 'h')
    {
      fputs (usage, stdout);
      exit (0);
    }
  return c;
}

int
rune_parse_id (const char *verb, int argc, char **argv, const char *usage, const char **id)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  if (rune_getopt (argc, argv, "+h", options, usage) != -1)
    return rune_usage_error (verb, "invalid option");
  if (rune_want_args (verb, argc - optind, 1, 1))
    return 1;
  *id = argv[optind];
  return 0;
}

int
rune_want_args (const char *verb, int argc, int min, int max)
{
  if (argc < min)
    return rune_usage_error (verb, "missing %s", min == 1 ? "container id" : "arguments");
  if (max >= 0 && argc > max)
    return rune_usage_error (verb, "too many arguments");
  return 0;
}

enum
{
  OPT_ROOT = 1000,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_ROOTLESS,
  OPT_CRIU,
  OPT_LOG_LEVEL,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "rootless", required_argument, NULL, OPT_ROOTLESS },
  { "criu", required_argument, NULL, OPT_CRIU },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'v' },
  { NULL, 0, NULL, 0 },
};

int
main (int argc, char **argv)
{
  struct rune_globals g = { .rt = { .root = RUNE_DEFAULT_ROOT, .warn = rune_warn } };
  const char *log_path = NULL, *log_format = "text";
  cleanup_error ic_error_t err = NULL;
  int c;

  opterr = 1;
  while ((c = getopt_long (argc, argv, "+hv", global_options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT:
        g.rt.root = optarg;
        break;
      case OPT_LOG:
        log_path = optarg;
        break;
      case OPT_LOG_FORMAT:
        log_format = optarg;
        break;
      case OPT_DEBUG:
        g.debug = true;
        break;
      case OPT_SYSTEMD_CGROUP:
        g.rt.systemd_cgroup = true;
        break;
      case OPT_ROOTLESS:
        if (strcmp (optarg, "true") && strcmp (optarg, "false") && strcmp (optarg, "auto"))
          return rune_usage_error (NULL, "--rootless: `%s` is not true, false or auto", optarg);
        break;
      case OPT_CRIU:
      case OPT_LOG_LEVEL:
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      case 'v':
        printf ("rune version %s\nspec: %s\n", PACKAGE_VERSION, OCI_SPEC_VERSION);
        return 0;
      default:
        return rune_usage_error (NULL, "unknown global option");
      }
  if (ic_log_init ("rune", log_path, log_format, g.debug, &err) < 0)
    {
      fprintf (stderr, "rune: %s\n", ic_error_message (err));
      return 1;
    }
  if (optind >= argc)
    {
      fputs (usage_text, stderr);
      return 1;
    }
  if (g.rt.root[0] == '\0')
    return rune_usage_error (NULL, "--root: must not be empty");
  for (size_t i = 0; i < sizeof (verbs) / sizeof (verbs[0]); i++)
    if (strcmp (argv[optind], verbs[i].name) == 0)
      {
        int verb_argc = argc - optind;
        char **verb_argv = argv + optind;
        optind = 0; /* re-initialise getopt for the verb's own options */
        ic_debug ("%s: root %s", verbs[i].name, g.rt.root);
        return verbs[i].fn (&g, verb_argc, verb_argv);
      }
  return rune_usage_error (NULL, "unknown command `%s`", argv[optind]);
}
