/* pal-check: the PAL conformance harness. It loads an enclave runtime (a PAL shared object)
   and calls it the way rune does, and with NULL and bad arguments, each check in a forked
   child (its own process group) so that a crash or a hang is a failed check, not a crashed
   harness. */
#ifndef PAL_CHECK_H
#define PAL_CHECK_H

#include <inclavare/pal.h>
#include <stdbool.h>
#include <stddef.h>

/* The runtime under test and how to call it. */
struct pal_target
{
  const char *path;
  int version; /* what pal_get_version returned (1 without it) */
  pal_get_version_fn get_version;
  pal_init_fn init;
  pal_exec_v1_fn exec_v1;
  pal_create_process_fn create_process;
  pal_exec_fn exec;
  pal_kill_fn kill;
  pal_destroy_fn destroy;
  pal_get_local_report_fn get_local_report;
  const char *args;      /* pal_init's args (enclave.runtime.args, commas made spaces) */
  const char *bad_args;  /* args pal_init must refuse */
  const char *log_level; /* pal_init's log_level */
  const char *shell;     /* the payloads' sh */
};

/* A check: run in a forked child; returns 0 when it passes, else -1 with the reason in why. */
typedef int (*pal_check_fn) (const struct pal_target *t, int arg, char *why, size_t len);

struct pal_check
{
  const char *name;
  int min_version, max_version;
  pal_check_fn fn;
  int arg;
};

/* The checks that need a loaded runtime, in the order they run. */
extern const struct pal_check pal_checks[];
extern const size_t pal_checks_len;

/* The loading checks: dlopen, pal_get_version, the symbols of the version, rune's loader.
   path only is set in t; they fill nothing. */
int pal_check_load (const struct pal_target *t, int arg, char *why, size_t len);
int pal_check_version (const struct pal_target *t, int arg, char *why, size_t len);
int pal_check_symbols (const struct pal_target *t, int arg, char *why, size_t len);
int pal_check_rune_loader (const struct pal_target *t, int arg, char *why, size_t len);

#endif
