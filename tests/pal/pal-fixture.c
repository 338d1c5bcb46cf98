/* Broken enclave runtimes for rune's error paths (tests/integration/enclave.bats):
   FIXTURE_NO_KILL  a v2 runtime that does not export pal_kill (a required symbol);
   FIXTURE_FUTURE   a runtime reporting PAL API version 4, newer than rune supports.
   rune must refuse both when it loads them, before calling anything else: their functions
   only report that they must not have been called. */
#include <errno.h>
#include <stdio.h>

#define PUBLIC __attribute__ ((visibility ("default")))

static int
not_expected (const char *call)
{
  fprintf (stderr, "pal-fixture: %s must not be called: rune should have refused this runtime\n",
           call);
  return -ENOTRECOVERABLE;
}

PUBLIC int
pal_get_version (void)
{
#ifdef FIXTURE_FUTURE
  return 4;
#else
  return 2;
#endif
}

PUBLIC int
pal_init (const void *attr)
{
  (void)attr;
  return not_expected ("pal_init");
}

PUBLIC int
pal_create_process (void *args)
{
  (void)args;
  return not_expected ("pal_create_process");
}

PUBLIC int
pal_exec (void *args)
{
  (void)args;
  return not_expected ("pal_exec");
}

#ifndef FIXTURE_NO_KILL
PUBLIC int
pal_kill (int pid, int sig)
{
  (void)pid, (void)sig;
  return not_expected ("pal_kill");
}
#endif

PUBLIC int
pal_destroy (void)
{
  return not_expected ("pal_destroy");
}
