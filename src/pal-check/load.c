/* The loading checks: what rune does in `rune create` before it calls pal_init. Each runs in
   its own child, which dlopens the runtime itself. */
#include "pal-check.h"
#include "pal-loader.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define FAIL(...) (snprintf (why, len, __VA_ARGS__), -1)

static void *
open_runtime (const char *path, char *why, size_t len)
{
  void *handle;
  dlerror ();
  handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      const char *e = dlerror ();
      snprintf (why, len, "dlopen: %s", e ? e : "failed");
    }
  return handle;
}

int
pal_check_load (const struct pal_target *t, int arg, char *why, size_t len)
{
  return open_runtime (t->path, why, len) ? 0 : -1;
}

/* 1 without pal_get_version; else its result, which must be 1 to PAL_API_VERSION and the
   same on every call. */
static int
version_of (void *handle, char *why, size_t len)
{
  pal_get_version_fn fn = (pal_get_version_fn)dlsym (handle, "pal_get_version");
  int v, again;
  if (fn == NULL)
    return 1;
  v = fn ();
  again = fn ();
  if (v < 1)
    return FAIL ("pal_get_version() returned %d (versions are 1 to %d)", v, PAL_API_VERSION);
  if (v > PAL_API_VERSION)
    return FAIL ("pal_get_version() returned %d: newer than PAL API version %d, which rune "
                 "refuses",
                 v, PAL_API_VERSION);
  if (again != v)
    return FAIL ("pal_get_version() returned %d, then %d", v, again);
  return v;
}

int
pal_check_version (const struct pal_target *t, int arg, char *why, size_t len)
{
  void *handle = open_runtime (t->path, why, len);
  if (handle == NULL)
    return -1;
  return version_of (handle, why, len) < 0 ? -1 : 0;
}

int
pal_check_symbols (const struct pal_target *t, int arg, char *why, size_t len)
{
  static const char *const required[][4] = {
    { "pal_init", "pal_exec", "pal_destroy", NULL },
    { "pal_get_version", "pal_create_process", "pal_kill", NULL },
    { "pal_get_local_report", NULL },
  };
  char missing[256] = "";
  void *handle = open_runtime (t->path, why, len);
  int v;

  if (handle == NULL)
    return -1;
  v = version_of (handle, why, len);
  if (v < 0)
    return -1;
  for (int i = 0; i < v; i++)
    for (int j = 0; required[i][j]; j++)
      if (dlsym (handle, required[i][j]) == NULL)
        {
          size_t n = strlen (missing);
          snprintf (missing + n, sizeof (missing) - n, "%s%s", n ? ", " : "", required[i][j]);
        }
  if (missing[0])
    return FAIL ("PAL API v%d requires %s, which it does not export", v, missing);
  return 0;
}

/* rune's own loader (lib/enclave/pal-loader.c) accepts it: the harness and rune agree. */
int
pal_check_rune_loader (const struct pal_target *t, int arg, char *why, size_t len)
{
  cleanup_error ic_error_t err = NULL;
  struct enclave_pal *pal = NULL;
  if (enclave_pal_open (t->path, &pal, &err) < 0)
    return FAIL ("%s", ic_error_message (err));
  enclave_pal_close (pal);
  return 0;
}
