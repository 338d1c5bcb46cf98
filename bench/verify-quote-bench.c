/* Times dcap_verify on a recorded quote with its collateral already loaded and parsed, the
   way a verifier serving many quotes runs. Usage: verify-quote-bench QUOTE DIR AS_OF [N] */
#include "dcap.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  struct dcap_collateral *c = NULL;
  ic_error_t err = NULL;
  char *data = NULL;
  struct sgx_quote q;
  size_t len;
  int n = argc > 4 ? atoi (argv[4]) : 1000;
  time_t as_of;
  double start;

  if (argc < 4 || n <= 0)
    {
      fprintf (stderr, "usage: verify-quote-bench QUOTE COLLATERAL-DIR AS_OF [N]\n");
      return 2;
    }
  as_of = dcap_parse_time (argv[3]);
  if (read_file_at (AT_FDCWD, argv[1], SGX_QUOTE_MAX_SIZE, &data, &len, &err) < 0
      || sgx_quote_parse ((uint8_t *)data, len, &q, &err) < 0
      || dcap_collateral_load (argv[2], &c, &err) < 0)
    {
      fprintf (stderr, "verify-quote-bench: %s\n", ic_error_message (err));
      return 1;
    }
  start = now ();
  for (int i = 0; i < n; i++)
    {
      struct dcap_verdict v;
      if (dcap_verify (&q, c, as_of, &v, &err) < 0)
        {
          fprintf (stderr, "verify-quote-bench: %s\n", ic_error_message (err));
          return 1;
        }
      dcap_verdict_clear (&v);
    }
  printf ("%d verifications, %.3f ms each, %.0f per second\n", n, (now () - start) * 1000 / n,
          n / (now () - start));
  dcap_collateral_free (c);
  free (data);
  return 0;
}
