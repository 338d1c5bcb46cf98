#include "pal-loader.h"
#include "utils.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *
lookup (void *handle, const char *name)
{
  return dlsym (handle, name);
}

static int
require (struct enclave_pal *pal, void *fn, const char *name, ic_error_t *err)
{
  if (fn == NULL)
    return ic_error (err, ENOSYS,
                     "enclave runtime `%s`: PAL API v%d requires `%s`, which it does not export",
                     pal->path, pal->version, name);
  return 0;
}

int
enclave_pal_open (const char *path, struct enclave_pal **out, ic_error_t *err)
{
  struct enclave_pal *pal;
  void *handle;

  dlerror ();
  handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      const char *why = dlerror ();
      return ic_error (err, ENOEXEC, "enclave runtime `%s`: dlopen: %s", path,
                       why ? why : "failed");
    }
  pal = xmalloc0 (sizeof (*pal));
  pal->handle = handle;
  pal->path = xstrdup (path);
  pal->get_version = (pal_get_version_fn)lookup (handle, "pal_get_version");
  pal->version = pal->get_version ? pal->get_version () : 1;
  if (pal->version > PAL_API_VERSION)
    {
      ic_error (err, ENOTSUP,
                "enclave runtime `%s`: unsupported PAL API version %d (this rune supports 1 to %d)",
                path, pal->version, PAL_API_VERSION);
      goto fail;
    }
  if (pal->version < 1)
    {
      ic_error (err, EINVAL, "enclave runtime `%s`: pal_get_version() returned %d", path,
                pal->version);
      goto fail;
    }
  pal->init = (pal_init_fn)lookup (handle, "pal_init");
  pal->destroy = (pal_destroy_fn)lookup (handle, "pal_destroy");
  if (pal->version == 1)
    pal->exec_v1 = (pal_exec_v1_fn)lookup (handle, "pal_exec");
  else
    {
      pal->exec = (pal_exec_fn)lookup (handle, "pal_exec");
      pal->create_process = (pal_create_process_fn)lookup (handle, "pal_create_process");
      pal->kill = (pal_kill_fn)lookup (handle, "pal_kill");
    }
  if (pal->version >= 3)
    pal->get_local_report = (pal_get_local_report_fn)lookup (handle, "pal_get_local_report");
  if (require (pal, pal->init, "pal_init", err) < 0
      || require (pal, pal->destroy, "pal_destroy", err) < 0
      || require (pal, pal->version == 1 ? (void *)pal->exec_v1 : (void *)pal->exec, "pal_exec",
                  err)
             < 0
      || (pal->version >= 2
          && (require (pal, pal->create_process, "pal_create_process", err) < 0
              || require (pal, pal->kill, "pal_kill", err) < 0))
      || (pal->version >= 3
          && require (pal, pal->get_local_report, "pal_get_local_report", err) < 0))
    goto fail;
  *out = pal;
  return 0;
fail:
  enclave_pal_close (pal);
  return -1;
}

void
enclave_pal_close (struct enclave_pal *pal)
{
  if (pal == NULL)
    return;
  if (pal->handle)
    dlclose (pal->handle);
  free (pal->path);
  free (pal);
}

/* 0 is success; a negative errno is the PAL's error; anything else breaks the API. */
static int
check (const struct enclave_pal *pal, const char *call, int ret, ic_error_t *err)
{
  if (ret == 0)
    return 0;
  if (ret < 0 && ret > -4096)
    return ic_error (err, -ret, "enclave runtime `%s`: %s() failed with %d", pal->path, call, ret);
  return ic_error (
      err, EPROTO,
      "enclave runtime `%s`: %s() returned %d, which is neither 0 nor a negative errno", pal->path,
      call, ret);
}

int
enclave_pal_init (struct enclave_pal *pal, const char *args, const char *log_level, ic_error_t *err)
{
  pal_attr_v3_t attr = { .attr_v1 = { .args = args, .log_level = log_level }, .fd = -1, .addr = 0 };
  /* v1 and v2 get the first member alone, which is the same address. */
  return check (pal, "pal_init", pal->init (&attr), err);
}

int
enclave_pal_create_process (struct enclave_pal *pal, const char *path, char *const *argv,
                            char *const *env, const struct pal_stdio_fds *stdio, int *pid,
                            ic_error_t *err)
{
  struct pal_create_process_args a = {
    .path = path, .argv = (const char **)argv, .env = (const char **)env, .stdio = stdio, .pid = pid
  };
  if (pal->create_process == NULL)
    return ic_error (err, ENOSYS, "enclave runtime `%s`: PAL API v%d has no pal_create_process",
                     pal->path, pal->version);
  return check (pal, "pal_create_process", pal->create_process (&a), err);
}

int
enclave_pal_exec (struct enclave_pal *pal, int pid, int *exit_value, ic_error_t *err)
{
  struct pal_exec_args a = { .pid = pid, .exit_value = exit_value };
  if (pal->exec == NULL)
    return ic_error (err, ENOSYS, "enclave runtime `%s`: PAL API v%d has no pal_exec(args)",
                     pal->path, pal->version);
  return check (pal, "pal_exec", pal->exec (&a), err);
}

int
enclave_pal_exec_v1 (struct enclave_pal *pal, const char *path, char *const *argv,
                     const struct pal_stdio_fds *stdio, int *exit_value, ic_error_t *err)
{
  struct pal_stdio_fds fds = *stdio;
  if (pal->exec_v1 == NULL)
    return ic_error (err, ENOSYS, "enclave runtime `%s`: not a PAL API v1 runtime", pal->path);
  return check (pal, "pal_exec", pal->exec_v1 ((char *)path, (char **)argv, &fds, exit_value), err);
}

int
enclave_pal_kill (struct enclave_pal *pal, int pid, int sig, ic_error_t *err)
{
  if (pal->kill == NULL)
    return ic_error (err, ENOSYS, "enclave runtime `%s`: PAL API v%d has no pal_kill", pal->path,
                     pal->version);
  return check (pal, "pal_kill", pal->kill (pid, sig), err);
}

int
enclave_pal_destroy (struct enclave_pal *pal, ic_error_t *err)
{
  return check (pal, "pal_destroy", pal->destroy (), err);
}

int
enclave_pal_get_local_report (struct enclave_pal *pal, const uint8_t targetinfo[512],
                              uint8_t report[432], ic_error_t *err)
{
  uint8_t ti[PAL_TARGETINFO_SIZE];
  int len = PAL_REPORT_SIZE;

  if (pal->get_local_report == NULL)
    return ic_error (err, ENOSYS,
                     "enclave runtime `%s`: PAL API v%d has no pal_get_local_report (v3 has)",
                     pal->path, pal->version);
  memcpy (ti, targetinfo, sizeof (ti));
  if (check (pal, "pal_get_local_report",
             pal->get_local_report (ti, PAL_TARGETINFO_SIZE, report, &len), err)
      < 0)
    return -1;
  if (len != PAL_REPORT_SIZE)
    return ic_error (
        err, EPROTO,
        "enclave runtime `%s`: pal_get_local_report() returned a %d-byte report, not %d", pal->path,
        len, PAL_REPORT_SIZE);
  return 0;
}
