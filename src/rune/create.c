/* rune create: set up a container whose process waits for `rune start`. */
#include "log.h"
#include "rune.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[]
    = "Usage: rune create [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Creates a container from an OCI bundle: namespaces, mounts and devices are set up and\n"
      "the createRuntime and createContainer hooks run, but the user process waits until\n"
      "`rune start`. The container's stdio is rune's stdio.\n"
      "\n"
      "Options:\n" RUNE_CREATE_OPTIONS_HELP;

enum
{
  OPT_PID_FILE = 1000,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_PRESERVE_FDS,
  OPT_NO_NEW_KEYRING,
  OPT_KEEP,
};

static const struct option options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  { "detach", no_argument, NULL, 'd' },
  { "keep", no_argument, NULL, OPT_KEEP },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
parse_preserve_fds (const char *verb, const char *value, int *out)
{
  char *end;
  long n;
  errno = 0;
  n = strtol (value, &end, 10);
  if (errno || *end || end == value || n < 0 || n > 65536)
    return rune_usage_error (verb, "--preserve-fds: `%s` is not a number of fds", value);
  *out = n;
  return 0;
}

int
rune_parse_create_args (const char *verb, int argc, char **argv, const char *verb_usage,
                        struct rune_create_args *args)
{
  bool is_run = strcmp (verb, "run") == 0;
  int c;

  while ((c = rune_getopt (argc, argv, is_run ? "+b:dh" : "+b:h", options, verb_usage)) != -1)
    switch (c)
      {
      case 'b':
        args->opts.bundle = optarg;
        break;
      case OPT_PID_FILE:
        args->opts.pid_file = optarg;
        break;
      case OPT_CONSOLE_SOCKET:
        args->opts.console_socket = optarg;
        break;
      case OPT_NO_PIVOT:
        args->opts.no_pivot = true;
        break;
      case OPT_PRESERVE_FDS:
        if (parse_preserve_fds (verb, optarg, &args->opts.preserve_fds))
          return 1;
        break;
      case OPT_NO_NEW_KEYRING:
        break;
      case 'd':
        if (!is_run)
          return rune_usage_error (verb, "unknown option --detach");
        args->detach = true;
        break;
      case OPT_KEEP:
        if (!is_run)
          return rune_usage_error (verb, "unknown option --keep");
        args->keep = true;
        break;
      default:
        return rune_usage_error (verb, "invalid option");
      }
  if (rune_want_args (verb, argc - optind, 1, 1))
    return 1;
  args->opts.id = argv[optind];
  /* A bundle asking for an enclave (enclave.type) becomes an enclave container. */
  args->opts.enclave = rune_enclave_hooks (&args->enclave);
  return 0;
}

int
rune_create (struct rune_globals *g, int argc, char **argv)
{
  struct rune_create_args args = { 0 };
  cleanup_error ic_error_t err = NULL;
  pid_t pid;
  int ret;

  if (rune_parse_create_args ("create", argc, argv, usage, &args))
    return 1;
  ret = container_create (&g->rt, &args.opts, &pid, &err);
  rune_enclave_hooks_release (args.opts.enclave, args.enclave);
  if (ret < 0)
    return rune_fail (&err);
  ic_debug ("created container %s, pid %d", args.opts.id, pid);
  return 0;
}
