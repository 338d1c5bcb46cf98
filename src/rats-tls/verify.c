/* rats-tls-verify: verifies a rats-tls certificate offline, exactly as a handshake verifies a
   peer's: validity, self-signature, evidence, the binding of the claims and the key. */
#include "buildconfig.h"
#include "sample.h"
#include <getopt.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char program[] = "rats-tls-verify";

static const char usage[]
    = "Usage: rats-tls-verify CERT.pem [OPTIONS]\n"
      "\n"
      "Verifies a rats-tls certificate without a connection, as a handshake verifies the peer:\n"
      "its validity period and self-signature, the evidence in extension 2.23.133.5.4.9 (by the\n"
      "verifier for its type), that the evidence's report data is the SHA-256 of the claims, and\n"
      "that the claims' pubkey-hash is the hash of the certificate's key. Prints what it proves.\n"
      "\n"
      "Exit status: 0 verified and accepted, 2 verified but refused by the policy (TCB status,\n"
      "debug enclave), 1 not verified (the reason is printed).\n"
      "\n"
      "Options:\n"
      "  -c, --collateral DIR       DCAP collateral (when the certificate has no endorsements)\n"
      "      --as-of TIME           verify the evidence and collateral as of this UTC time,\n"
      "                             e.g. 2025-08-20T00:00:00Z (default: now)\n"
      "      --cert-as-of TIME      check the certificate's validity period at this time\n"
      "                             (default: now)\n"
      "      --accept-status LIST   comma-separated TCB statuses to accept (default: UpToDate,\n"
      "                             SWHardeningNeeded, ConfigurationNeeded,\n"
      "                             ConfigurationAndSWHardeningNeeded)\n"
      "      --accept-debug         accept debug enclaves\n"
      "      --trust-sim-root PEM   trust the software TEE's root CA (sim evidence)\n"
      "      --sim-collateral DIR   the software TEE's collateral\n"
      "  -v, --verifier NAME        use this verifier (default: chosen by the evidence type)\n"
      "  -h, --help                 show this help\n"
      "      --version              show the version\n"
      "\n"
      "The options set RATS_TLS_COLLATERAL_DIR, RATS_TLS_AS_OF, RATS_TLS_CERT_AS_OF,\n"
      "RATS_TLS_ACCEPT_STATUS, RATS_TLS_ACCEPT_DEBUG, RATS_TLS_SIM_ROOT and\n"
      "RATS_TLS_SIM_COLLATERAL, which it otherwise takes from the environment.\n";

enum
{
  OPT_AS_OF = 1000,
  OPT_CERT_AS_OF,
  OPT_ACCEPT,
  OPT_DEBUG,
  OPT_SIM_ROOT,
  OPT_SIM_COLLATERAL,
  OPT_VERSION,
};

static const struct option options[] = {
  { "collateral", required_argument, NULL, 'c' },
  { "as-of", required_argument, NULL, OPT_AS_OF },
  { "cert-as-of", required_argument, NULL, OPT_CERT_AS_OF },
  { "accept-status", required_argument, NULL, OPT_ACCEPT },
  { "accept-debug", no_argument, NULL, OPT_DEBUG },
  { "trust-sim-root", required_argument, NULL, OPT_SIM_ROOT },
  { "sim-collateral", required_argument, NULL, OPT_SIM_COLLATERAL },
  { "verifier", required_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static int
usage_error (const char *what, const char *arg)
{
  fprintf (stderr, "%s: %s%s\nTry `%s --help`.\n", program, what, arg, program);
  return 1;
}

int
main (int argc, char **argv)
{
  rats_tls_conf_t conf = {
    .api_version = RATS_TLS_API_VERSION_DEFAULT,
    .log_level = RATS_TLS_LOG_LEVEL_DEFAULT,
    .cert_algo = RATS_TLS_CERT_ALGO_DEFAULT,
  };
  rats_tls_handle handle;
  unsigned char *der = NULL;
  X509 *cert;
  FILE *f;
  int c, len, ret;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "c:v:h", options, NULL)) != -1)
    switch (c)
      {
      case 'c':
        setenv ("RATS_TLS_COLLATERAL_DIR", optarg, 1);
        break;
      case OPT_AS_OF:
        setenv ("RATS_TLS_AS_OF", optarg, 1);
        break;
      case OPT_CERT_AS_OF:
        setenv ("RATS_TLS_CERT_AS_OF", optarg, 1);
        break;
      case OPT_ACCEPT:
        setenv ("RATS_TLS_ACCEPT_STATUS", optarg, 1);
        break;
      case OPT_DEBUG:
        setenv ("RATS_TLS_ACCEPT_DEBUG", "1", 1);
        break;
      case OPT_SIM_ROOT:
        setenv ("RATS_TLS_SIM_ROOT", optarg, 1);
        break;
      case OPT_SIM_COLLATERAL:
        setenv ("RATS_TLS_SIM_COLLATERAL", optarg, 1);
        break;
      case 'v':
        if (strlen (optarg) >= sizeof conf.verifier_type || optarg[0] == '\0')
          return usage_error ("--verifier: not an instance name: ", optarg);
        strcpy (conf.verifier_type, optarg);
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      case OPT_VERSION:
        printf ("%s version %s\n", program, PACKAGE_VERSION);
        return 0;
      default:
        if (optopt)
          {
            char opt[2] = { (char)optopt, 0 };
            return usage_error ("option needs a value or is unknown: -", opt);
          }
        return usage_error ("unknown option or missing value: ", argv[optind - 1]);
      }
  if (argc - optind != 1)
    return usage_error ("expected one argument, the certificate (PEM)", "");

  f = fopen (argv[optind], "re");
  if (f == NULL)
    {
      fprintf (stderr, "%s: open `%s`: %m\n", program, argv[optind]);
      return 1;
    }
  cert = PEM_read_X509 (f, NULL, NULL, NULL);
  fclose (f);
  if (cert == NULL || (len = i2d_X509 (cert, &der)) <= 0)
    {
      fprintf (stderr, "%s: `%s`: not a PEM certificate\n", program, argv[optind]);
      X509_free (cert);
      return 1;
    }
  X509_free (cert);

  ret = rats_tls_init (&conf, &handle);
  if (ret != RATS_TLS_ERR_NONE)
    {
      OPENSSL_free (der);
      return sample_fail (program, "init", ret);
    }
  rats_tls_set_verification_callback (&handle, sample_print_evidence);
  ret = rats_tls_verify_certificate (handle, der, len);
  OPENSSL_free (der);
  rats_tls_cleanup (handle);
  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, argv[optind], ret);
      return ret == ENCLAVE_VERIFIER_ERR_POLICY ? 2 : 1;
    }
  printf ("verified: %s\n", argv[optind]);
  return 0;
}
