/* The rune CLI: global options and one function per verb (one verb per file). */
#ifndef RUNE_H
#define RUNE_H

#include "container.h"
#include "error.h"
#include "enclave-module.h"
#include <signal.h>
#include <getopt.h>
#include <stdbool.h>

struct rune_globals
{
  struct container_runtime rt;
  bool debug;
};

typedef int (*rune_verb_fn) (struct rune_globals *g, int argc, char **argv);

int rune_spec (struct rune_globals *g, int argc, char **argv);
int rune_create (struct rune_globals *g, int argc, char **argv);
int rune_start (struct rune_globals *g, int argc, char **argv);
int rune_run (struct rune_globals *g, int argc, char **argv);
int rune_state (struct rune_globals *g, int argc, char **argv);
int rune_kill (struct rune_globals *g, int argc, char **argv);
int rune_delete (struct rune_globals *g, int argc, char **argv);
int rune_list (struct rune_globals *g, int argc, char **argv);
int rune_exec (struct rune_globals *g, int argc, char **argv);
int rune_features (struct rune_globals *g, int argc, char **argv);
int rune_pause (struct rune_globals *g, int argc, char **argv);
int rune_resume (struct rune_globals *g, int argc, char **argv);
int rune_ps (struct rune_globals *g, int argc, char **argv);
int rune_update (struct rune_globals *g, int argc, char **argv);
int rune_events (struct rune_globals *g, int argc, char **argv);
int rune_checkpoint (struct rune_globals *g, int argc, char **argv);
int rune_restore (struct rune_globals *g, int argc, char **argv);
int rune_attest (struct rune_globals *g, int argc, char **argv); /* in rune-attest.so */
int rune_attest_loader (struct rune_globals *g, int argc, char **argv);

/* Logs the error (and prints it on stderr when the log goes elsewhere); returns exit code 1. */
int rune_fail (ic_error_t *err);
/* For usage errors: "rune VERB: message", a hint to --help; returns 1. */
int rune_usage_error (const char *verb, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Prints the warning through the log. */
void rune_warn (const char *msg);

/* Parses the options of a verb with getopt_long; handles --help (prints usage, exit 0).
   Returns the option character, -1 at the end, or '?' after printing a usage error. */
int rune_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts,
                 const char *usage);
/* Checks the number of positional arguments left after the options (max -1: no limit). */
int rune_want_args (const char *verb, int argc, int min, int max);
/* For verbs whose only argument is a container id and whose only option is --help. Returns 0
   with *id set, or an exit code after a usage error. */
int rune_parse_id (const char *verb, int argc, char **argv, const char *usage, const char **id);

/* Help lines of the options create and run share. */
#define RUNE_CREATE_OPTIONS_HELP                                                                   \
  "  -b, --bundle DIR        bundle directory holding config.json (default: current dir)\n"        \
  "      --pid-file FILE     write the container process's pid to FILE\n"                          \
  "      --console-socket S  with process.terminal, send the pty master to the unix socket S\n"    \
  "      --no-pivot          use MS_MOVE and chroot instead of pivot_root (ramfs roots)\n"         \
  "      --preserve-fds N    pass N extra fds (from fd 3) to the container process\n"              \
  "      --no-new-keyring    accepted for runc compatibility\n"                                    \
  "  -h, --help              show this help\n"

/* For a process rune stays attached to (run, exec): block these signals before creating it,
   then wait with rune_wait_attached, which relays them and the terminal (master, or -1) and
   returns the exit status (128+N when killed by signal N). */
void rune_relayed_signals (sigset_t *set);
int rune_wait_attached (pid_t pid, const sigset_t *set, int master);

/* The options shared by create and run; run also takes --detach and --keep. */
struct rune_create_args
{
  struct container_create_options opts;
  struct enclave_container *enclave;
  bool detach;
  bool keep;
};
/* Returns 0, or an exit code after printing a usage error. */
int rune_parse_create_args (const char *verb, int argc, char **argv, const char *usage,
                            struct rune_create_args *args);

#endif
