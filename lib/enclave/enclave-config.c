#include "enclave-config.h"
#include "sim.h"
#include "utils.h"
#include <cpuid.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

enum key_index
{
  K_TYPE,
  K_PATH,
  K_ARGS,
  K_LOGLEVEL,
  K_PLATFORM,
  K_RA_TYPE,
  K_SPID,
  K_SUBKEY,
  K_COUNT
};

const struct enclave_config_key enclave_config_keys[] = {
  [K_TYPE] = { "enclave.type", "ENCLAVE_TYPE" },
  [K_PATH] = { "enclave.runtime.path", "ENCLAVE_RUNTIME_PATH" },
  [K_ARGS] = { "enclave.runtime.args", "ENCLAVE_RUNTIME_ARGS" },
  [K_LOGLEVEL] = { "enclave.runtime.loglevel", "ENCLAVE_RUNTIME_LOGLEVEL" },
  [K_PLATFORM] = { "enclave.platform", "ENCLAVE_PLATFORM" },
  [K_RA_TYPE] = { "enclave.attestation.ra_type", "ENCLAVE_RA_TYPE" },
  [K_SPID] = { "enclave.attestation.ra_epid_spid", "ENCLAVE_RA_EPID_SPID" },
  [K_SUBKEY] = { "enclave.attestation.ra_epid_subscription_key", "ENCLAVE_RA_EPID_SUB_KEY" },
  [K_COUNT] = { NULL, NULL },
};

static bool
host_has_sgx (void)
{
  unsigned int a, b, c, d;
  if (!__get_cpuid_count (7, 0, &a, &b, &c, &d))
    return false;
  return (b >> 2) & 1;
}

static bool
host_has_device (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISCHR (st.st_mode);
}

const struct enclave_host enclave_host_default = { host_has_sgx, host_has_device };

/* One looked-up value and where it came from, for error messages. */
struct value
{
  const char *text; /* borrowed from the config; NULL when absent */
  char *source;     /* "annotation `enclave.type`" or "process.env ENCLAVE_TYPE" */
};

static const char *
env_value (const struct oci_config *config, const char *name)
{
  size_t n = strlen (name);
  if (config->process == NULL || config->process->env == NULL)
    return NULL;
  for (char **e = config->process->env; *e; e++)
    if (strncmp (*e, name, n) == 0 && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

static void
lookup (const struct oci_config *config, enum key_index k, struct value *v)
{
  const char *env = env_value (config, enclave_config_keys[k].variable);
  /* An empty variable does not override: it is as if it were absent. */
  if (env && env[0])
    {
      v->text = env;
      v->source = xasprintf ("process.env %s", enclave_config_keys[k].variable);
      return;
    }
  v->text = oci_config_annotation (config, enclave_config_keys[k].annotation);
  if (v->text && v->text[0] == '\0')
    v->text = NULL;
  v->source = xasprintf ("annotation `%s`", enclave_config_keys[k].annotation);
}

static void
remove_enclave_env (struct oci_config *config)
{
  char **env = config->process ? config->process->env : NULL;
  size_t w = 0;
  if (env == NULL)
    return;
  for (size_t r = 0; env[r]; r++)
    {
      bool ours = false;
      for (size_t k = 0; k < K_COUNT; k++)
        {
          size_t n = strlen (enclave_config_keys[k].variable);
          if (strncmp (env[r], enclave_config_keys[k].variable, n) == 0 && env[r][n] == '=')
            ours = true;
        }
      if (ours)
        free (env[r]);
      else
        env[w++] = env[r];
    }
  env[w] = NULL;
}

static bool
one_of (const char *s, const char *const *list)
{
  for (; *list; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}

static bool
is_hex (const char *s, size_t len)
{
  if (strlen (s) != len)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!isxdigit ((unsigned char)s[i]))
      return false;
  return true;
}

static int
check_type (const struct value *type, const struct value *platform, const struct enclave_host *host,
            void (*warn) (const char *msg), struct enclave_config *c, ic_error_t *err)
{
  static const char *const sgx_devices[] = { "/dev/sgx_enclave", "/dev/sgx/enclave", "/dev/isgx" };
  bool sgx = false;

  if (platform->text && strcmp (platform->text, "sim") && strcmp (platform->text, "hardware"))
    return ic_error (err, EINVAL, "%s: `%s` is not sim or hardware", platform->source,
                     platform->text);
  if (strcmp (type->text, "sim") == 0)
    {
      if (platform->text && strcmp (platform->text, "sim"))
        return ic_error (err, EINVAL, "%s: enclave type sim runs on the software TEE only",
                         platform->source);
      c->platform = ENCLAVE_PLATFORM_SIM;
      return 0;
    }
  if (strcmp (type->text, "intelSgx") == 0)
    {
      if (host->has_sgx ())
        for (size_t i = 0; i < sizeof (sgx_devices) / sizeof (sgx_devices[0]); i++)
          sgx |= host->has_device (sgx_devices[i]);
      if (platform->text && strcmp (platform->text, "sim") == 0)
        {
          c->platform = ENCLAVE_PLATFORM_SIM;
          if (warn)
            {
              cleanup_free char *msg = xasprintf (
                  "enclave type intelSgx runs on the software TEE (%s is sim): it protects "
                  "nothing and its evidence is marked as simulated",
                  platform->source);
              warn (msg);
            }
          return 0;
        }
      if (!sgx)
        return ic_error (err, ENODEV,
                         "%s: intelSgx needs SGX, and this host has none (no SGX in CPUID or no "
                         "/dev/sgx_enclave); set %s (or annotation `%s`) to sim to run it on the "
                         "software TEE",
                         type->source, enclave_config_keys[K_PLATFORM].variable,
                         enclave_config_keys[K_PLATFORM].annotation);
      return ic_error (err, ENOTSUP,
                       "%s: intelSgx on SGX hardware is not supported by this rune yet (enclave "
                       "runtimes here run on the software TEE); set %s=sim",
                       type->source, enclave_config_keys[K_PLATFORM].variable);
    }
  if (strcmp (type->text, "AwsNitroEnclaves") == 0 || strcmp (type->text, "Jailhouse") == 0)
    return ic_error (err, ENOTSUP, "%s: `%s` enclaves cannot run on this host (%s is %s)",
                     type->source, type->text,
                     strcmp (type->text, "Jailhouse") ? "/dev/nitro_enclaves" : "/dev/jailhouse",
                     host->has_device (strcmp (type->text, "Jailhouse") ? "/dev/nitro_enclaves"
                                                                        : "/dev/jailhouse")
                         ? "present, but this rune has no support for it"
                         : "missing");
  return ic_error (err, EINVAL,
                   "%s: unknown enclave type `%s` (expected sim or intelSgx; AwsNitroEnclaves and "
                   "Jailhouse are not supported)",
                   type->source, type->text);
}

static int
check_runtime_path (const struct value *v, const char *bundle, struct enclave_config *c,
                    ic_error_t *err)
{
  cleanup_free char *joined = NULL;
  struct stat st;

  if (v->text == NULL)
    return ic_error (err, EINVAL, "%s: an enclave container needs the path of its enclave runtime",
                     v->source);
  joined = v->text[0] == '/' || bundle == NULL ? xstrdup (v->text)
                                               : xasprintf ("%s/%s", bundle, v->text);
  if (stat (joined, &st) < 0)
    return ic_error (err, errno, "%s: `%s`", v->source, joined);
  if (!S_ISREG (st.st_mode))
    return ic_error (err, EINVAL, "%s: `%s` is not a regular file", v->source, joined);
  c->runtime_path = realpath (joined, NULL);
  if (c->runtime_path == NULL)
    return ic_error (err, errno, "%s: `%s`", v->source, joined);
  return 0;
}

static int
check_attestation (struct value *v, struct enclave_config *c, ic_error_t *err)
{
  static const char *const ra_types[] = { "ecdsa", "epidUnlinkable", "epidLinkable", NULL };
  if (v[K_RA_TYPE].text == NULL)
    return 0;
  if (!one_of (v[K_RA_TYPE].text, ra_types))
    return ic_error (err, EINVAL, "%s: `%s` is not ecdsa, epidUnlinkable or epidLinkable",
                     v[K_RA_TYPE].source, v[K_RA_TYPE].text);
  c->ra_type = xstrdup (v[K_RA_TYPE].text);
  if (strcmp (c->ra_type, "ecdsa") == 0)
    return 0;
  for (int k = K_SPID; k <= K_SUBKEY; k++)
    {
      if (v[k].text == NULL)
        return ic_error (err, EINVAL, "%s: required for the EPID attestation type `%s`",
                         v[k].source, c->ra_type);
      if (!is_hex (v[k].text, 32))
        return ic_error (err, EINVAL, "%s: expected 32 hexadecimal digits", v[k].source);
    }
  c->ra_epid_spid = xstrdup (v[K_SPID].text);
  c->ra_epid_subscription_key = xstrdup (v[K_SUBKEY].text);
  return 0;
}

int
enclave_config_from_oci (struct oci_config *config, const char *bundle,
                         const struct enclave_host *host, void (*warn) (const char *msg),
                         struct enclave_config **out, ic_error_t *err)
{
  static const char *const levels[]
      = { "trace", "debug", "info", "warning", "error", "fatal", "panic", "off", NULL };
  struct value v[K_COUNT] = { { 0 } };
  struct enclave_config *c = NULL;
  int ret = -1;

  *out = NULL;
  if (host == NULL)
    host = &enclave_host_default;
  for (int k = 0; k < K_COUNT; k++)
    lookup (config, k, &v[k]);
  if (v[K_TYPE].text == NULL)
    {
      ret = 0;
      goto out;
    }
  c = xmalloc0 (sizeof (*c));
  c->type = xstrdup (v[K_TYPE].text);
  if (check_type (&v[K_TYPE], &v[K_PLATFORM], host, warn, c, err) < 0
      || check_runtime_path (&v[K_PATH], bundle, c, err) < 0 || check_attestation (v, c, err) < 0)
    goto out;
  if (v[K_LOGLEVEL].text && !one_of (v[K_LOGLEVEL].text, levels))
    {
      ic_error (err, EINVAL,
                "%s: `%s` is not one of trace, debug, info, warning, error, fatal, panic, off",
                v[K_LOGLEVEL].source, v[K_LOGLEVEL].text);
      goto out;
    }
  c->loglevel = xstrdup (v[K_LOGLEVEL].text ? v[K_LOGLEVEL].text : "info");
  c->runtime_args = xstrdup (v[K_ARGS].text ? v[K_ARGS].text : "");
  if (c->platform == ENCLAVE_PLATFORM_SIM)
    {
      const char *dir = getenv (SIM_STATE_DIR_ENV);
      c->sim_dir = xstrdup (dir && dir[0] ? dir : SIM_STATE_DIR);
      if (c->sim_dir[0] != '/')
        {
          ic_error (err, EINVAL, "%s: `%s` must be an absolute path", SIM_STATE_DIR_ENV,
                    c->sim_dir);
          goto out;
        }
    }
  /* The values are copied: now the variables can go. */
  remove_enclave_env (config);
  *out = steal_pointer (&c);
  ret = 0;
out:
  for (int k = 0; k < K_COUNT; k++)
    free (v[k].source);
  enclave_config_free (c);
  return ret;
}

void
enclave_config_free (struct enclave_config *c)
{
  if (c == NULL)
    return;
  free (c->type);
  free (c->runtime_path);
  free (c->runtime_args);
  free (c->loglevel);
  free (c->ra_type);
  free (c->ra_epid_spid);
  free (c->ra_epid_subscription_key);
  free (c->sim_dir);
  free (c);
}

void
enclave_config_freep (struct enclave_config **c)
{
  enclave_config_free (*c);
  *c = NULL;
}

char *
enclave_config_pal_args (const struct enclave_config *c)
{
  char *s = xstrdup (c->runtime_args ? c->runtime_args : "");
  for (char *p = s; *p; p++)
    if (*p == ',')
      *p = ' ';
  return s;
}

static void
add_string (json_object *o, const char *key, const char *value)
{
  if (value)
    json_object_object_add (o, key, json_object_new_string (value));
}

json_object *
enclave_config_to_json (const struct enclave_config *c)
{
  json_object *o = json_object_new_object ();
  add_string (o, "type", c->type);
  add_string (o, "path", c->runtime_path);
  add_string (o, "args", c->runtime_args);
  add_string (o, "loglevel", c->loglevel);
  add_string (o, "ra_type", c->ra_type);
  add_string (o, "ra_epid_spid", c->ra_epid_spid);
  add_string (o, "ra_epid_subscription_key", c->ra_epid_subscription_key);
  add_string (o, "platform", c->platform == ENCLAVE_PLATFORM_SIM ? "sim" : "hardware");
  add_string (o, "sim_dir", c->sim_dir);
  return o;
}

static char *
get_string (json_object *o, const char *key)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return xstrdup (json_object_get_string (v));
}

int
enclave_config_from_json (const char *text, size_t len, struct enclave_config **out,
                          ic_error_t *err)
{
  json_tokener *tok = json_tokener_new ();
  json_object *o = json_tokener_parse_ex (tok, text, len);
  struct enclave_config *c;
  cleanup_free char *platform = NULL;

  json_tokener_free (tok);
  if (o == NULL || !json_object_is_type (o, json_type_object))
    {
      json_object_put (o);
      return ic_error (err, EINVAL, "enclave state: not a JSON object");
    }
  c = xmalloc0 (sizeof (*c));
  c->type = get_string (o, "type");
  c->runtime_path = get_string (o, "path");
  c->runtime_args = get_string (o, "args");
  c->loglevel = get_string (o, "loglevel");
  c->ra_type = get_string (o, "ra_type");
  c->ra_epid_spid = get_string (o, "ra_epid_spid");
  c->ra_epid_subscription_key = get_string (o, "ra_epid_subscription_key");
  c->sim_dir = get_string (o, "sim_dir");
  platform = get_string (o, "platform");
  json_object_put (o);
  c->platform = platform && strcmp (platform, "hardware") == 0 ? ENCLAVE_PLATFORM_SGX
                                                               : ENCLAVE_PLATFORM_SIM;
  if (c->type == NULL || c->runtime_path == NULL || c->loglevel == NULL
      || (c->platform == ENCLAVE_PLATFORM_SIM && c->sim_dir == NULL))
    {
      enclave_config_free (c);
      return ic_error (err, EINVAL, "enclave state: type, path, loglevel or sim_dir is missing");
    }
  *out = c;
  return 0;
}
