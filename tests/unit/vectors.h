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

#endif
