/* rune-enclave.so: what rune loads for enclave containers (see enclave-module.h). */
#include "client.h"
#include "enclave-config.h"
#include "enclave-module.h"
#include "rune.h"
#include "runelet.h"
#include "utils.h"
#include <stdlib.h>
#include <string.h>

static struct enclave_container *
container_new (int (*sim_create) (const char *dir, ic_error_t *err), void (*warn) (const char *msg))
{
  return enclave_container_new (NULL, sim_create, warn);
}

/* env without the variables that configured the enclave. */
static void
drop_enclave_env (char **env)
{
  size_t w = 0;
  for (size_t r = 0; env && env[r]; r++)
    {
      bool ours = false;
      for (const struct enclave_config_key *k = enclave_config_keys; k->variable; k++)
        if (has_prefix (env[r], k->variable) && env[r][strlen (k->variable)] == '=')
          ours = true;
      if (ours)
        free (env[r]);
      else
        env[w++] = env[r];
    }
  if (env)
    env[w] = NULL;
}

static int
exec_in_enclave (const char *root, const char *id, char **argv, char **env, const sigset_t *relayed,
                 int *exit_code, ic_error_t *err)
{
  drop_enclave_env (env);
  return enclave_client_exec (root, id, argv, env, relayed, exit_code, err);
}

__attribute__ ((visibility ("default"))) const struct rune_enclave_module rune_enclave_module = {
  .container_new = container_new,
  .container_hooks = enclave_container_hooks,
  .container_free = enclave_container_free,
  .exec = exec_in_enclave,
};
