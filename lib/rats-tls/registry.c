/* The instance registry: shared objects loaded from the per-kind directories register their
   opts from a constructor; each kind's list is kept sorted by descending priority. */
#include "buildconfig.h"
#include "internal.h"
#include "utils.h"
#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSTANCES 32

static const struct
{
  const char *dir, *prefix, *what;
  rats_tls_err_t load_error;
} kinds[RTLS_KINDS] = {
  [RTLS_CRYPTO_WRAPPER] = { "crypto-wrappers", "libcrypto_wrapper_", "crypto wrapper",
                            RATS_TLS_ERR_LOAD_CRYPTO_WRAPPERS },
  [RTLS_ATTESTER]
  = { "attesters", "libattester_", "attester", RATS_TLS_ERR_LOAD_ENCLAVE_ATTESTERS },
  [RTLS_VERIFIER]
  = { "verifiers", "libverifier_", "verifier", RATS_TLS_ERR_LOAD_ENCLAVE_VERIFIERS },
  [RTLS_TLS_WRAPPER]
  = { "tls-wrappers", "libtls_wrapper_", "TLS wrapper", RATS_TLS_ERR_LOAD_TLS_WRAPPERS },
};

static struct
{
  const void *items[MAX_INSTANCES];
  size_t n;
} registry[RTLS_KINDS];

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static rats_tls_err_t load_result;
static char load_message[1024];
static char load_warnings[1024]; /* instances that failed to load */

const char *
rtls_registry_warnings (void)
{
  return load_warnings;
}

const char *
rtls_opts_name (enum rtls_kind kind, const void *opts)
{
  switch (kind)
    {
    case RTLS_CRYPTO_WRAPPER:
      return ((const crypto_wrapper_opts_t *)opts)->name;
    case RTLS_ATTESTER:
      return ((const enclave_attester_opts_t *)opts)->name;
    case RTLS_VERIFIER:
      return ((const enclave_verifier_opts_t *)opts)->name;
    default:
      return ((const tls_wrapper_opts_t *)opts)->name;
    }
}

static uint8_t
priority (enum rtls_kind kind, const void *opts)
{
  switch (kind)
    {
    case RTLS_CRYPTO_WRAPPER:
      return ((const crypto_wrapper_opts_t *)opts)->priority;
    case RTLS_ATTESTER:
      return ((const enclave_attester_opts_t *)opts)->priority;
    case RTLS_VERIFIER:
      return ((const enclave_verifier_opts_t *)opts)->priority;
    default:
      return ((const tls_wrapper_opts_t *)opts)->priority;
    }
}

static int
add (enum rtls_kind kind, const void *opts, uint8_t api_version, const char *name, int invalid)
{
  if (opts == NULL || api_version != 1)
    return rtls_error (invalid, "%s: unsupported API version", kinds[kind].what);
  if (memchr (name, '\0', RATS_TLS_TYPE_NAME_SIZE) == NULL || name[0] == '\0')
    return rtls_error (invalid, "%s: the name is empty or not NUL-terminated", kinds[kind].what);
  if (rtls_registry_find (kind, name))
    return rtls_error (invalid, "%s `%s` is registered twice", kinds[kind].what, name);
  if (registry[kind].n == MAX_INSTANCES)
    return rtls_error (invalid, "%s `%s`: too many instances", kinds[kind].what, name);
  /* Insert keeping descending priority; equal priorities keep registration order. */
  size_t i = registry[kind].n;
  while (i > 0 && priority (kind, registry[kind].items[i - 1]) < priority (kind, opts))
    {
      registry[kind].items[i] = registry[kind].items[i - 1];
      i--;
    }
  registry[kind].items[i] = opts;
  registry[kind].n++;
  return 0;
}

RTLS_EXPORT crypto_wrapper_err_t
crypto_wrapper_register (const crypto_wrapper_opts_t *opts)
{
  if (opts && opts->pre_init && opts->pre_init () != CRYPTO_WRAPPER_ERR_NONE)
    return rtls_error (CRYPTO_WRAPPER_ERR_INVALID, "crypto wrapper `%s`: pre_init failed",
                       opts->name);
  return add (RTLS_CRYPTO_WRAPPER, opts, opts ? opts->api_version : 0, opts ? opts->name : "",
              CRYPTO_WRAPPER_ERR_INVALID);
}

RTLS_EXPORT enclave_attester_err_t
enclave_attester_register (const enclave_attester_opts_t *opts)
{
  if (opts && opts->pre_init && opts->pre_init () != ENCLAVE_ATTESTER_ERR_NONE)
    return rtls_error (ENCLAVE_ATTESTER_ERR_INVALID, "attester `%s`: pre_init failed", opts->name);
  return add (RTLS_ATTESTER, opts, opts ? opts->api_version : 0, opts ? opts->name : "",
              ENCLAVE_ATTESTER_ERR_INVALID);
}

RTLS_EXPORT enclave_verifier_err_t
enclave_verifier_register (const enclave_verifier_opts_t *opts)
{
  if (opts && opts->pre_init && opts->pre_init () != ENCLAVE_VERIFIER_ERR_NONE)
    return rtls_error (ENCLAVE_VERIFIER_ERR_INVALID, "verifier `%s`: pre_init failed", opts->name);
  if (opts && (memchr (opts->type, '\0', sizeof opts->type) == NULL || opts->type[0] == '\0'))
    return rtls_error (ENCLAVE_VERIFIER_ERR_INVALID, "verifier: the type is empty");
  return add (RTLS_VERIFIER, opts, opts ? opts->api_version : 0, opts ? opts->name : "",
              ENCLAVE_VERIFIER_ERR_INVALID);
}

RTLS_EXPORT tls_wrapper_err_t
tls_wrapper_register (const tls_wrapper_opts_t *opts)
{
  if (opts && opts->pre_init && opts->pre_init () != TLS_WRAPPER_ERR_NONE)
    return rtls_error (TLS_WRAPPER_ERR_INVALID, "TLS wrapper `%s`: pre_init failed", opts->name);
  if (opts && (!opts->init || !opts->negotiate || !opts->transmit || !opts->receive))
    return rtls_error (TLS_WRAPPER_ERR_INVALID, "TLS wrapper `%s`: operations missing", opts->name);
  return add (RTLS_TLS_WRAPPER, opts, opts ? opts->api_version : 0, opts ? opts->name : "",
              TLS_WRAPPER_ERR_INVALID);
}

size_t
rtls_registry_count (enum rtls_kind kind)
{
  return registry[kind].n;
}

const void *
rtls_registry_get (enum rtls_kind kind, size_t i)
{
  return i < registry[kind].n ? registry[kind].items[i] : NULL;
}

const void *
rtls_registry_find (enum rtls_kind kind, const char *name)
{
  for (size_t i = 0; i < registry[kind].n; i++)
    if (strcmp (rtls_opts_name (kind, registry[kind].items[i]), name) == 0)
      return registry[kind].items[i];
  return NULL;
}

static void
load_kind (const char *base, enum rtls_kind kind, char *errors, size_t errors_size)
{
  cleanup_free char *path = xasprintf ("%s/%s", base, kinds[kind].dir);
  cleanup_dir DIR *dir = opendir (path);
  struct dirent *de;
  size_t prefix_len = strlen (kinds[kind].prefix);

  if (dir == NULL)
    {
      snprintf (errors + strlen (errors), errors_size - strlen (errors), "; opendir `%s`: %m",
                path);
      return;
    }
  while ((de = readdir (dir)))
    {
      size_t len = strlen (de->d_name);
      if ((de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
          || len <= prefix_len + 3 || strncmp (de->d_name, kinds[kind].prefix, prefix_len) != 0
          || strcmp (de->d_name + len - 3, ".so") != 0)
        continue;
      cleanup_free char *file = xasprintf ("%s/%s", path, de->d_name);
      cleanup_free char *name = strndup (de->d_name + prefix_len, len - prefix_len - 3);
      size_t before = registry[kind].n;
      /* The handle stays open for the life of the process: instances live in it. */
      void *handle = dlopen (file, RTLD_NOW | RTLD_LOCAL);
      if (handle == NULL)
        {
          snprintf (errors + strlen (errors), errors_size - strlen (errors), "; %s", dlerror ());
          continue;
        }
      if (registry[kind].n == before || rtls_registry_find (kind, name) == NULL)
        snprintf (errors + strlen (errors), errors_size - strlen (errors),
                  "; `%s` did not register a %s named `%s`: %s", file, kinds[kind].what, name,
                  rats_tls_last_error_message ());
    }
}

static void
load_all (void)
{
  const char *base = getenv (RATS_TLS_PLUGIN_DIR_ENV);
  char errors[768] = "";

  if (base == NULL || base[0] == '\0')
    base = RATS_TLS_PLUGIN_DEFAULT_DIR;
  for (int k = 0; k < RTLS_KINDS; k++)
    {
      errors[0] = '\0';
      load_kind (base, k, errors, sizeof errors);
      if (registry[k].n == 0)
        {
          load_result = kinds[k].load_error;
          snprintf (load_message, sizeof load_message, "no %s could be loaded from `%s/%s`%s",
                    kinds[k].what, base, kinds[k].dir, errors);
          return;
        }
      if (errors[0] && strlen (load_warnings) + strlen (errors) + 1 < sizeof load_warnings)
        strcat (load_warnings, errors);
    }
  load_result = RATS_TLS_ERR_NONE;
}

rats_tls_err_t
rtls_registry_load (void)
{
  pthread_once (&load_once, load_all);
  if (load_result != RATS_TLS_ERR_NONE)
    return rtls_error (load_result, "%s", load_message);
  return RATS_TLS_ERR_NONE;
}
