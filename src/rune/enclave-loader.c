/* Loading the enclave module on demand (see enclave-module.h). */
#include "buildconfig.h"
#include "enclave-module.h"
#include "rune.h"
#include "utils.h"
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The build tree's module for the build tree's rune (tests), else the installed one. */
static char *
module_path (void)
{
  const char *env = getenv ("RUNE_ENCLAVE_MODULE");
  char exe[PATH_MAX];
  ssize_t n;

  if (env && env[0])
    return xstrdup (env);
  n = readlink ("/proc/self/exe", exe, sizeof (exe) - 1);
  if (n > 0)
    {
      exe[n] = '\0';
      if (has_prefix (exe, RUNE_BUILD_ROOT "/"))
        return xstrdup (RUNE_ENCLAVE_MODULE_BUILD);
    }
  return xstrdup (RUNE_ENCLAVE_MODULE);
}

const struct rune_enclave_module *
rune_enclave_module_load (ic_error_t *err)
{
  static const struct rune_enclave_module *module;
  cleanup_free char *path = NULL;
  void *handle;

  if (module)
    return module;
  path = module_path ();
  handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      ic_error (err, ENOENT, "enclave support: load `%s`: %s (set RUNE_ENCLAVE_MODULE)", path,
                dlerror ());
      return NULL;
    }
  module = dlsym (handle, RUNE_ENCLAVE_MODULE_SYMBOL);
  if (module == NULL)
    ic_error (err, ENOENT, "enclave support: `%s` has no %s", path, RUNE_ENCLAVE_MODULE_SYMBOL);
  return module;
}

bool
rune_bundle_mentions_enclave (const struct oci_config *config)
{
  for (size_t i = 0; i < config->annotations_len; i++)
    if (has_prefix (config->annotations[i].key, "enclave."))
      return true;
  for (char **e = config->process ? config->process->env : NULL; e && *e; e++)
    if (has_prefix (*e, "ENCLAVE_"))
      return true;
  return false;
}

/* The proxy: configure loads the module when the bundle mentions an enclave, then becomes the
   module's hooks (the container library calls through this same struct). */
struct proxy
{
  struct container_enclave hooks;
  struct enclave_container **ec;
};

static int
proxy_configure (void *data, const char *bundle, struct oci_config *config, bool *active,
                 ic_error_t *err)
{
  struct proxy *p = data;
  const struct rune_enclave_module *m;
  const struct container_enclave *real;

  *active = false;
  if (!rune_bundle_mentions_enclave (config))
    return 0;
  if ((m = rune_enclave_module_load (err)) == NULL)
    return -1;
  *p->ec = m->container_new (rune_warn);
  real = m->container_hooks (*p->ec);
  p->hooks = *real;
  return p->hooks.configure (p->hooks.data, bundle, config, active, err);
}

struct container_enclave *
rune_enclave_hooks (struct enclave_container **ec)
{
  struct proxy *p = xmalloc0 (sizeof (*p));
  *ec = NULL;
  p->ec = ec;
  p->hooks.data = p;
  p->hooks.configure = proxy_configure;
  return &p->hooks;
}

void
rune_enclave_hooks_release (const struct container_enclave *hooks, struct enclave_container *ec)
{
  const struct rune_enclave_module *m = ec ? rune_enclave_module_load (NULL) : NULL;
  if (m)
    m->container_free (ec);
  free ((void *)hooks); /* the proxy: hooks is its first member */
}

/* `rune attest` lives in the module. */
int
rune_attest_loader (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  const struct rune_enclave_module *m = rune_enclave_module_load (&err);
  return m ? m->attest (g, argc, argv) : rune_fail (&err);
}
