/* Where the recorded vectors are: $VECTORS_DIR, the shared/ next to the source tree
   (VECTORS_DIR, which meson sets), or /work/shared/vectors. */
#ifndef TESTS_VECTORS_H
#define TESTS_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Sets out to the first candidate that holds probe (a path inside the vectors); -1 if none. */
static inline int
vectors_find (const char *probe, char *out, size_t size)
{
  const char *candidates[] = { getenv ("VECTORS_DIR"), VECTORS_DIR, "/work/shared/vectors" };
  for (size_t i = 0; i < sizeof (candidates) / sizeof (candidates[0]); i++)
    if (candidates[i])
      {
        snprintf (out, size, "%s/%s", candidates[i], probe);
        if (access (out, R_OK) == 0)
          {
            snprintf (out, size, "%s", candidates[i]);
            return 0;
          }
      }
  fprintf (stderr, "the recorded vectors are not found (no %s; set VECTORS_DIR)\n", probe);
  return -1;
}

/* The collateral files of a vector, as dcap_collateral_load reads them. */
static const char *const collateral_files[] = { "pck_crl.der",
                                                "pck_crl_issuer_chain.pem",
                                                "root_ca_crl.der",
                                                "tcb_info.json",
                                                "tcb_info_issuer_chain.pem",
                                                "qe_identity.json",
                                                "qe_identity_issuer_chain.pem" };
#define COLLATERAL_FILES (sizeof (collateral_files) / sizeof (collateral_files[0]))

/* Removes a test's temporary directory and frees its name. */
static inline void
remove_dir (char *dir)
{
  char *cmd = NULL;
  assert_true (asprintf (&cmd, "rm -rf '%s'", dir) > 0);
  assert_int_equal (system (cmd), 0);
  free (cmd);
  free (dir);
}

#endif
