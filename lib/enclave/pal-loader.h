/* Loading an enclave runtime (a PAL shared object) and calling it: dlopen, version
   negotiation (pal_get_version; version 1 when it is missing; above PAL_API_VERSION is
   refused), the symbols each version requires, and wrappers that turn the PAL's negative
   errno results into ic_error values naming the call. */
#ifndef ENCLAVE_PAL_LOADER_H
#define ENCLAVE_PAL_LOADER_H

#include "error.h"
#include <inclavare/pal.h>
#include <stdbool.h>

struct enclave_pal
{
  void *handle;
  char *path;
  int version; /* 1, 2 or 3 */
  pal_get_version_fn get_version;
  pal_init_fn init;
  pal_exec_v1_fn exec_v1;
  pal_create_process_fn create_process;
  pal_exec_fn exec;
  pal_kill_fn kill;
  pal_destroy_fn destroy;
  pal_get_local_report_fn get_local_report;
};

/* dlopen (RTLD_NOW) and check the symbols of the version the PAL reports. */
int enclave_pal_open (const char *path, struct enclave_pal **out, ic_error_t *err);
void enclave_pal_close (struct enclave_pal *pal);

int enclave_pal_init (struct enclave_pal *pal, const char *args, const char *log_level,
                      ic_error_t *err);
/* v2, v3 */
int enclave_pal_create_process (struct enclave_pal *pal, const char *path, char *const *argv,
                                char *const *env, const struct pal_stdio_fds *stdio, int *pid,
                                ic_error_t *err);
int enclave_pal_exec (struct enclave_pal *pal, int pid, int *exit_value, ic_error_t *err);
/* v1 */
int enclave_pal_exec_v1 (struct enclave_pal *pal, const char *path, char *const *argv,
                         const struct pal_stdio_fds *stdio, int *exit_value, ic_error_t *err);
/* v2, v3; for v1 it fails with ENOSYS. */
int enclave_pal_kill (struct enclave_pal *pal, int pid, int sig, ic_error_t *err);
int enclave_pal_destroy (struct enclave_pal *pal, ic_error_t *err);
/* v3: a REPORT for the TARGETINFO; fails with ENOSYS before v3. */
int enclave_pal_get_local_report (struct enclave_pal *pal, const uint8_t targetinfo[512],
                                  uint8_t report[432], ic_error_t *err);

#endif
