/* Where a software TEE platform lives and whether it is ready, without OpenSSL: rune checks
   this for every enclave container, and loading the TEE core's crypto for a stat or two would
   cost more than the rest of the check (sim.c creates, renews and opens platforms). */
#include "sim.h"
#include "utils.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Collateral is issued for 30 days (sim.c) and renewed when less than a day is left. */
#define RENEW_SECONDS (29 * 24 * 3600)

const char *
sim_platform_dir (const char *dir)
{
  const char *env = getenv (SIM_STATE_DIR_ENV);
  if (dir)
    return dir;
  return env && *env ? env : SIM_STATE_DIR;
}

bool
sim_platform_ready (const char *dir)
{
  const char *d = sim_platform_dir (dir);
  cleanup_free char *root = xasprintf ("%s/" SIM_ROOT_CERT, d);
  cleanup_free char *tcb_info = xasprintf ("%s/" SIM_COLLATERAL_DIR "/tcb_info.json", d);
  struct stat st;

  return access (root, F_OK) == 0 && stat (tcb_info, &st) == 0
         && st.st_mtime + RENEW_SECONDS > time (NULL);
}
