/* Loading the enclave modules on demand (see enclave-module.h). */
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

/* The build tree's modules for the build tree's rune (tests), else the installed ones. */
static const char *
module_dir (void)
{
  const char *env = getenv ("RUNE_MODULE_DIR");
  char exe[PATH_MAX];
  ssize_t n;

  if (env && env[0])
    return env;
  n = readlink ("/proc/self/exe", exe, sizeof (exe) - 1);
  if (n > 0)
    {
      exe[n] = '\0';
      if (has_prefix (exe, RUNE_BUILD_ROOT "/"))
        return RUNE_MODULE_DIR_BUILD;
    }
  return RUNE_MODULE_DIR;
}

/* The module's interface, loaded once into *cache. */
static const void *
module_load (const void **cache, const char *file, const char *symbol, ic_error_t *err)
{
  cleanup_free char *path = NULL;
  void *handle;

  if (*cache)
    return *cache;
  path = xasprintf ("%s/%s", module_dir (), file);
  handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      ic_error (err, ENOENT, "enclave support: load `%s`: %s (set RUNE_MODULE_DIR)", path,
                dlerror ());
      return NULL;
    }
  *cache = dlsym (handle, symbol);
  if (*cache == NULL)
    ic_error (err, ENOENT, "enclave support: `%s` has no %s", path, symbol);
  return *cache;
}

const struct rune_enclave_module *
rune_enclave_module_load (ic_error_t *err)
{
  static const void *module;
  return module_load (&module, RUNE_ENCLAVE_MODULE, RUNE_ENCLAVE_MODULE_SYMBOL, err);
}

const struct rune_attest_module *
rune_attest_module_load (ic_error_t *err)
{
  static const void *module;
  return module_load (&module, RUNE_ATTEST_MODULE, RUNE_ATTEST_MODULE_SYMBOL, err);
}

/* An enclave container found the software TEE platform not ready: creating it needs the
   TEE core. */
static int
sim_create (const char *dir, ic_error_t *err)
{
  const struct rune_attest_module *m = rune_attest_module_load (err);
  return m ? m->sim_create (dir, err) : -1;
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
  *p->ec = m->container_new (sim_create, rune_warn);
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

/* `rune attest` lives in rune-attest.so. */
int
rune_attest_loader (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  const struct rune_attest_module *m = rune_attest_module_load (&err);
  return m ? m->attest (g, argc, argv) : rune_fail (&err);
}
