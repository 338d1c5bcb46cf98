/* Times dcap_verify on a recorded quote with its collateral already loaded and parsed, the
   way a verifier serving many quotes runs: "warm" is the steady state for a platform whose PCK
   chain already verified (2 ECDSA verifications per quote), "cold" the first quote of each
   platform (the chain and CRL checks too: fresh collateral each time, its loading time
   subtracted). Usage: verify-quote-bench QUOTE DIR AS_OF [N] */
#include "dcap.h"
#include "utils.h"
#include <fcntl.h>
#include <stdbool.h>
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

/* Seconds per (load collateral [+ verify]) over n rounds; -1 on failure. */
static double
cold_round (const struct sgx_quote *q, const char *dir, time_t as_of, int n, bool verify)
{
  double start = now ();
  for (int i = 0; i < n; i++)
    {
      struct dcap_collateral *c = NULL;
      struct dcap_verdict v;
      ic_error_t err = NULL;
      if (dcap_collateral_load (dir, &c, &err) < 0
          || (verify && dcap_verify (q, c, as_of, &v, &err) < 0))
        {
          fprintf (stderr, "verify-quote-bench: %s\n", ic_error_message (err));
          return -1;
        }
      if (verify)
        dcap_verdict_clear (&v);
      dcap_collateral_free (c);
    }
  return (now () - start) / n;
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
  printf ("warm: %d verifications, %.3f ms each, %.0f per second\n", n, (now () - start) * 1000 / n,
          n / (now () - start));
  {
    int rounds = n / 10 > 0 ? n / 10 : 1;
    double load = cold_round (&q, argv[2], as_of, rounds, false);
    double both = cold_round (&q, argv[2], as_of, rounds, true);
    if (load < 0 || both < 0)
      return 1;
    printf ("cold: %d verifications, %.3f ms each (collateral loading, %.3f ms, not counted)\n",
            rounds, (both - load) * 1000, load * 1000);
  }
  dcap_collateral_free (c);
  free (data);
  return 0;
}
