/* skeleton: the reference enclave runtime (PAL API v1, v2 or v3, chosen by PAL_VERSION at
   build time), on the software TEE. pal_init builds and EINITs an enclave from an image and
   its SIGSTRUCT (enclave.runtime.args: image=PATH, default encl.sgxs; sigstruct=PATH, default
   encl.ss, relative to the container's working directory; debug; no-epm); the payloads run
   in isolated children (process.c); pal_get_local_report gives the enclave's REPORT.
   Loading it needs nothing: no SGX device, no platform (upstream's skeleton exit()s in a
   constructor when there is no SGX driver). Messages go to stderr, filtered by the log level. */
#include "enclave.h"
#include "process.h"
#include "utils.h"
#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PUBLIC __attribute__ ((visibility ("default")))
#define STR_(x) #x
#define STR(x) STR_ (x)
#define NAME "liberpal-skeleton-v" STR (PAL_VERSION)

enum level
{
  L_TRACE,
  L_DEBUG,
  L_INFO,
  L_WARNING,
  L_ERROR,
  L_FATAL,
  L_PANIC,
  L_OFF
};
static const char *const level_names[]
    = { "trace", "debug", "info", "warning", "error", "fatal", "panic", "off" };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialized;
static enum level log_level = L_INFO;
static struct skel_enclave enclave;

static void __attribute__ ((format (printf, 2, 3))) say (enum level level, const char *fmt, ...)
{
  va_list ap;
  if (level < log_level)
    return;
  va_start (ap, fmt);
  fprintf (stderr, NAME ": ");
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
}

static int
parse_level (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return L_INFO;
  for (int i = 0; i <= L_OFF; i++)
    if (strcmp (name, level_names[i]) == 0)
      return i;
  return -1;
}

static int
init (const pal_attr_v1_t *attr, int fd, uint64_t addr)
{
  cleanup_free char *args = NULL, *image = NULL, *sigstruct = NULL;
  cleanup_error ic_error_t err = NULL;
  char *save = NULL;
  struct timespec start, end;
  bool debug = false;
  int level, ret = 0;

  clock_gettime (CLOCK_MONOTONIC, &start);
  /* We run inside the container: OpenSSL would read the image's openssl.cnf, which can load
     providers and engines and so replace the crypto that measures and checks the enclave. */
  OPENSSL_init_crypto (OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
  if (attr == NULL)
    return -EINVAL;
  level = parse_level (attr->log_level);
  if (level < 0)
    {
      say (L_ERROR, "pal_init: unknown log level `%s`", attr->log_level);
      return -EINVAL;
    }
  if (fd != -1 || addr != 0)
    {
      say (L_ERROR, "pal_init: a pre-built enclave (fd %d) is not supported: use no-epm", fd);
      return -ENOTSUP;
    }
  args = xstrdup (attr->args ? attr->args : "");
  for (char *t = strtok_r (args, " ", &save); t; t = strtok_r (NULL, " ", &save))
    if (strcmp (t, "debug") == 0)
      debug = true;
    else if (strcmp (t, "no-epm") == 0)
      continue;
    else if (has_prefix (t, "image=") && t[6] && image == NULL)
      image = xstrdup (t + 6);
    else if (has_prefix (t, "sigstruct=") && t[10] && sigstruct == NULL)
      sigstruct = xstrdup (t + 10);
    else
      {
        say (L_ERROR,
             "pal_init: unknown or repeated argument `%s` (expected image=PATH, "
             "sigstruct=PATH, debug, no-epm)",
             t);
        return -EINVAL;
      }

  pthread_mutex_lock (&lock);
  if (initialized)
    ret = -EBUSY;
  else if (skel_enclave_create (image ? image : "encl.sgxs", sigstruct ? sigstruct : "encl.ss",
                                debug, &enclave, &err)
           < 0)
    ret = -(err->status > 0 ? err->status : EPERM);
  else
    {
      initialized = true;
      log_level = level;
    }
  pthread_mutex_unlock (&lock);
  if (ret == -EBUSY)
    say (L_ERROR, "pal_init: the enclave exists already");
  else if (err)
    {
      /* The log level applies once pal_init worked: its failure is always reported. */
      if (level < L_OFF)
        fprintf (stderr, NAME ": pal_init: %s\n", ic_error_message (err));
    }
  else
    {
      clock_gettime (CLOCK_MONOTONIC, &end);
      /* bench/enclave-start.sh reads this time: pal_init's own part of a container's start. */
      say (L_DEBUG, "pal_init: enclave created and initialized in %.3f ms",
           (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
    }
  return ret;
}

static bool
ready (const char *call)
{
  bool ok;
  pthread_mutex_lock (&lock);
  ok = initialized;
  pthread_mutex_unlock (&lock);
  if (!ok)
    say (L_ERROR, "%s: no enclave (pal_init did not succeed, or pal_destroy was called)", call);
  return ok;
}

#if PAL_VERSION >= 2
PUBLIC int
pal_get_version (void)
{
  return PAL_VERSION;
}
#endif

#if PAL_VERSION >= 3
PUBLIC int
pal_init (const pal_attr_v3_t *attr)
{
  if (attr == NULL)
    return -EINVAL;
  return init (&attr->attr_v1, attr->fd, attr->addr);
}
#else
PUBLIC int
pal_init (const pal_attr_v1_t *attr)
{
  return init (attr, -1, 0);
}
#endif

#if PAL_VERSION == 1
PUBLIC int
pal_exec (char *path, char *argv[], struct pal_stdio_fds *stdio, int *exit_code)
{
  int id, ret;
  if (!ready ("pal_exec"))
    return -EINVAL;
  if (exit_code == NULL)
    return -EINVAL;
  /* v1 has no environment: the payload gets an empty one. */
  ret = skel_process_create (path, (const char *const *)argv, NULL, stdio, &id);
  if (ret == 0)
    ret = skel_process_exec (id, exit_code);
  return ret;
}
#else
PUBLIC int
pal_create_process (struct pal_create_process_args *args)
{
  if (!ready ("pal_create_process"))
    return -EINVAL;
  if (args == NULL)
    return -EINVAL;
  return skel_process_create (args->path, args->argv, args->env, args->stdio, args->pid);
}

PUBLIC int
pal_exec (struct pal_exec_args *args)
{
  if (!ready ("pal_exec"))
    return -EINVAL;
  if (args == NULL)
    return -EINVAL;
  return skel_process_exec (args->pid, args->exit_value);
}

PUBLIC int
pal_kill (int pid, int sig)
{
  if (!ready ("pal_kill"))
    return -EINVAL;
  return skel_process_kill (pid, sig);
}
#endif

#if PAL_VERSION >= 3
PUBLIC int
pal_get_local_report (void *targetinfo, int targetinfo_len, void *report, int *report_len)
{
  static const uint8_t report_data[64];
  cleanup_error ic_error_t err = NULL;
  struct sgx_targetinfo ti;
  struct sgx_report r;
  int ret = 0;

  if (targetinfo == NULL || report == NULL || report_len == NULL
      || targetinfo_len != (int)sizeof (ti) || *report_len < (int)sizeof (r))
    return -EINVAL;
  memcpy (&ti, targetinfo, sizeof (ti));
  pthread_mutex_lock (&lock);
  if (!initialized)
    ret = -EINVAL;
  else if (sim_enclave_report (enclave.platform, &enclave.enclave, &ti, report_data, &r, &err) < 0)
    ret = -(err->status > 0 ? err->status : EIO);
  pthread_mutex_unlock (&lock);
  if (err)
    say (L_ERROR, "pal_get_local_report: %s", ic_error_message (err));
  if (ret < 0)
    return ret;
  memcpy (report, &r, sizeof (r));
  *report_len = sizeof (r);
  return 0;
}
#endif

PUBLIC int
pal_destroy (void)
{
  pthread_mutex_lock (&lock);
  if (!initialized)
    {
      pthread_mutex_unlock (&lock);
      return -EINVAL;
    }
  initialized = false;
  pthread_mutex_unlock (&lock);
  /* Outside the lock: a pal_exec waiting for its process needs the table's lock to finish. */
  skel_process_kill_all ();
  pthread_mutex_lock (&lock);
  skel_enclave_destroy (&enclave);
  pthread_mutex_unlock (&lock);
  say (L_DEBUG, "pal_destroy: enclave destroyed");
  return 0;
}
