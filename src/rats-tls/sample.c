/* Options and output shared by the rats-tls samples (upstream's flags, plus a few of ours). */
#include "sample.h"
#include "buildconfig.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_fmt[]
    = "Usage: %s [OPTIONS]\n"
      "\n"
      "%s\n"
      "\n"
      "Options:\n"
      "  -a, --attester NAME      attester instance (default: the highest priority that works)\n"
      "  -v, --verifier NAME      verifier instance (default: chosen by the peer's evidence)\n"
      "  -t, --tls NAME           TLS wrapper instance (nulltls, openssl)\n"
      "  -c, --crypto NAME        crypto wrapper instance (nullcrypto, openssl)\n"
      "  -k, --key-type TYPE      ecc (P-256, default) or rsa (RSA-3072)\n"
      "  -m, --mutual             mutual attestation: both sides present and verify evidence\n"
      "  -e, --endorsements       put the attester's collateral in the certificate\n"
      "  -l, --log-level LEVEL    off, fatal, error (default), warn, info or debug\n"
      "  -i, --ip ADDRESS         IPv4 address (default 127.0.0.1)\n"
      "  -p, --port PORT          TCP port (default 1234)\n"
      "  -D, --debug-enclave      the sim attester reports a debug enclave\n"
      "%s"
      "  -h, --help               show this help\n"
      "      --version            show the version\n"
      "\n"
      "Verifiers read their trust configuration from the environment: RATS_TLS_COLLATERAL_DIR,\n"
      "RATS_TLS_AS_OF, RATS_TLS_ACCEPT_STATUS, RATS_TLS_ACCEPT_DEBUG, RATS_TLS_SIM_ROOT,\n"
      "RATS_TLS_SIM_COLLATERAL (see docs/rats-tls.md). Exit status: 0 on success, 1 on failure.\n";

static const char server_about[]
    = "Accepts attested TLS connections and echoes what each client sends.";
static const char client_about[]
    = "Connects to a rats-tls server, prints the server's verified evidence, sends a message\n"
      "and prints the reply.";
static const char server_extra[]
    = "  -n, --connections N      exit after N connections (default: serve forever)\n";
static const char client_extra[] = "  -E, --verdictd           send verdictd's JSON echo command\n"
                                   "  -M, --message TEXT       the message to send\n";

static int
set_name (char dst[RATS_TLS_TYPE_NAME_SIZE], const char *flag, const char *value,
          const char *program)
{
  if (strlen (value) >= RATS_TLS_TYPE_NAME_SIZE || value[0] == '\0')
    {
      fprintf (stderr, "%s: %s: `%s` is not an instance name (1 to %d characters)\n", program, flag,
               value, RATS_TLS_TYPE_NAME_SIZE - 1);
      return -1;
    }
  strcpy (dst, value);
  return 0;
}

static int
log_level (const char *s, rats_tls_log_level_t *out)
{
  static const char *names[] = { "debug", "info", "warn", "error", "fatal", "off" };
  for (int i = 0; i < 6; i++)
    if (strcmp (s, names[i]) == 0)
      {
        *out = (rats_tls_log_level_t)i;
        return 0;
      }
  return -1;
}

int
sample_parse (const char *program, bool server, int argc, char **argv, struct sample_options *o)
{
  static const struct option options[] = {
    { "attester", required_argument, NULL, 'a' },
    { "verifier", required_argument, NULL, 'v' },
    { "tls", required_argument, NULL, 't' },
    { "crypto", required_argument, NULL, 'c' },
    { "key-type", required_argument, NULL, 'k' },
    { "mutual", no_argument, NULL, 'm' },
    { "endorsements", no_argument, NULL, 'e' },
    { "log-level", required_argument, NULL, 'l' },
    { "ip", required_argument, NULL, 'i' },
    { "port", required_argument, NULL, 'p' },
    { "debug-enclave", no_argument, NULL, 'D' },
    { "connections", required_argument, NULL, 'n' },
    { "verdictd", no_argument, NULL, 'E' },
    { "message", required_argument, NULL, 'M' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  const char *shortopts = server ? "a:v:t:c:k:mel:i:p:Dn:h" : "a:v:t:c:k:mel:i:p:DEM:h";
  char *end;
  int c;

  memset (o, 0, sizeof *o);
  o->conf.api_version = RATS_TLS_API_VERSION_DEFAULT;
  o->conf.log_level = RATS_TLS_LOG_LEVEL_DEFAULT;
  o->conf.cert_algo = RATS_TLS_CERT_ALGO_DEFAULT;
  o->conf.flags = server ? RATS_TLS_CONF_FLAGS_SERVER : 0;
  o->ip = "127.0.0.1";
  o->port = 1234;
  o->message = "Hello and welcome to RATS-TLS!\n";
  opterr = 0;
  while ((c = getopt_long (argc, argv, shortopts, options, NULL)) != -1)
    switch (c)
      {
      case 'a':
        if (set_name (o->conf.attester_type, "--attester", optarg, program) < 0)
          return 1;
        break;
      case 'v':
        if (set_name (o->conf.verifier_type, "--verifier", optarg, program) < 0)
          return 1;
        break;
      case 't':
        if (set_name (o->conf.tls_type, "--tls", optarg, program) < 0)
          return 1;
        break;
      case 'c':
        if (set_name (o->conf.crypto_type, "--crypto", optarg, program) < 0)
          return 1;
        break;
      case 'k':
        if (strcmp (optarg, "ecc") == 0)
          o->conf.cert_algo = RATS_TLS_CERT_ALGO_ECC_256_SHA256;
        else if (strcmp (optarg, "rsa") == 0)
          o->conf.cert_algo = RATS_TLS_CERT_ALGO_RSA_3072_SHA256;
        else
          {
            fprintf (stderr, "%s: --key-type: `%s` is not ecc or rsa\n", program, optarg);
            return 1;
          }
        break;
      case 'm':
        o->conf.flags |= RATS_TLS_CONF_FLAGS_MUTUAL;
        break;
      case 'e':
        o->conf.flags |= RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS;
        break;
      case 'l':
        if (log_level (optarg, &o->conf.log_level) < 0)
          {
            fprintf (stderr,
                     "%s: --log-level: `%s` is not off, fatal, error, warn, info or debug\n",
                     program, optarg);
            return 1;
          }
        break;
      case 'i':
        o->ip = optarg;
        break;
      case 'p':
        errno = 0;
        o->port = (int)strtol (optarg, &end, 10);
        if (errno || *end || end == optarg || o->port < 1 || o->port > 65535)
          {
            fprintf (stderr, "%s: --port: `%s` is not a port number (1-65535)\n", program, optarg);
            return 1;
          }
        break;
      case 'D':
        o->debug_enclave = true;
        break;
      case 'n':
        errno = 0;
        o->connections = strtol (optarg, &end, 10);
        if (errno || *end || end == optarg || o->connections < 1)
          {
            fprintf (stderr, "%s: --connections: `%s` is not a positive number\n", program, optarg);
            return 1;
          }
        break;
      case 'E':
        o->verdictd = true;
        break;
      case 'M':
        o->message = optarg;
        break;
      case 'h':
        printf (usage_fmt, program, server ? server_about : client_about,
                server ? server_extra : client_extra);
        return -2;
      case 'V':
        printf ("%s version %s\n", program, PACKAGE_VERSION);
        return -2;
      default:
        if (optopt && strchr (shortopts, optopt))
          fprintf (stderr, "%s: option -%c needs a value\n", program, optopt);
        else
          fprintf (stderr, "%s: unknown option `%s`\n", program, argv[optind - 1]);
        fprintf (stderr, "Try `%s --help`.\n", program);
        return 1;
      }
  if (optind != argc)
    {
      fprintf (stderr, "%s: unexpected argument `%s`\nTry `%s --help`.\n", program, argv[optind],
               program);
      return 1;
    }
  if (o->debug_enclave)
    setenv ("RATS_TLS_SIM_DEBUG_ENCLAVE", "1", 1);
  return 0;
}

static void
print_hex (const char *key, const uint8_t *b, size_t n)
{
  printf ("%s: ", key);
  for (size_t i = 0; i < n; i++)
    printf ("%02x", b[i]);
  putchar ('\n');
}

static void
print_value (const uint8_t *v, size_t n)
{
  /* Printable text as is (without a trailing NUL, as upstream's samples send), else hex. */
  size_t len = n && v[n - 1] == '\0' ? n - 1 : n;
  bool text = true;
  for (size_t i = 0; i < len; i++)
    if (v[i] < 0x20 || v[i] > 0x7e)
      text = false;
  if (text)
    printf ("%.*s\n", (int)len, (const char *)v);
  else
    {
      for (size_t i = 0; i < n; i++)
        printf ("%02x", v[i]);
      putchar ('\n');
    }
}

int
sample_print_evidence (void *arg)
{
  rtls_evidence_t *ev = arg;

  printf ("verifier: %s\n", ev->verifier ? ev->verifier : "");
  if (ev->type == SGX_ECDSA)
    {
      printf ("evidence: sgx_ecdsa%s\n", ev->simulated ? " (simulated)" : "");
      printf ("tcb_status: %s\n", ev->tcb_status ? ev->tcb_status : "");
      print_hex ("mrenclave", ev->sgx.mr_enclave, 32);
      print_hex ("mrsigner", ev->sgx.mr_signer, 32);
      printf ("isvprodid: %u\nisvsvn: %u\n", ev->sgx.product_id, ev->sgx.security_version);
      printf ("debug: %s\n", (ev->sgx.attributes[0] & 2) ? "true" : "false");
    }
  else
    printf ("evidence: none\n");
  for (size_t i = 0; i < ev->custom_claims_length; i++)
    {
      printf ("claim %s: ", ev->custom_claims[i].name);
      print_value (ev->custom_claims[i].value, ev->custom_claims[i].value_size);
    }
  fflush (stdout);
  return 0;
}

int
sample_fail (const char *program, const char *what, int err)
{
  const char *detail = rats_tls_last_error_message ();
  fprintf (stderr, "%s: %s: %s%s%s\n", program, what, rats_tls_err_name (err),
           detail[0] ? ": " : "", detail);
  return 1;
}
