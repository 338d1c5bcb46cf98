/* sgx-tools: SGX structures, measurement and signing from the command line. */
#include "buildconfig.h"
#include "measure.h"
#include "sgx-tools.h"
#include "utils.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[]
    = "Usage: sgx-tools COMMAND [OPTIONS] [ARGS]\n"
      "\n"
      "Works with SGX enclave structures without SGX hardware: measures enclaves, signs and\n"
      "verifies SIGSTRUCTs, and dumps the architectural structures.\n"
      "\n"
      "Commands:\n"
      "  measure   print the MRENCLAVE of an enclave (SGXS measurement stream)\n"
      "  sign      make a signed SIGSTRUCT with an RSA-3072 key of exponent 3\n"
      "  gendata   make an unsigned SIGSTRUCT and the 256 bytes an external signer signs\n"
      "  catsig    put an external signature into a SIGSTRUCT, after checking it\n"
      "  dump      print a SIGSTRUCT, REPORT, TARGETINFO, EINITTOKEN, SECINFO or quote\n"
      "  verify-quote  verify a DCAP quote with its collateral (native, no Intel library)\n"
      "  sim       the software TEE: its platform, enclaves and quotes (no SGX needed)\n"
      "\n"
      "Options:\n"
      "  -h, --help      show this help\n"
      "  -v, --version   show the version\n"
      "\n"
      "Run `sgx-tools COMMAND --help` for a command's options. Exit status: 0 on success, 1 on\n"
      "error or when a check fails.\n";

static const struct
{
  const char *name;
  sgx_tools_verb_fn fn;
} verbs[] = {
  { "measure", sgx_tools_measure }, { "sign", sgx_tools_sign },
  { "gendata", sgx_tools_gendata }, { "catsig", sgx_tools_catsig },
  { "dump", sgx_tools_dump },       { "verify-quote", sgx_tools_verify_quote },
  { "sim", sgx_tools_sim },
};

int
sgx_tools_fail (ic_error_t *err)
{
  fprintf (stderr, "sgx-tools: %s\n", ic_error_message (*err));
  ic_error_release (err);
  return 1;
}

int
sgx_tools_usage_error (const char *verb, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "sgx-tools %s: ", verb);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nTry `sgx-tools %s --help`.\n", verb);
  return 1;
}

int
sgx_tools_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts,
                  const char *usage)
{
  int c = getopt_long (argc, argv, shortopts, longopts, NULL);
  if (c == 'h')
    {
      fputs (usage, stdout);
      exit (0);
    }
  return c;
}

void
sgx_tools_hex (const uint8_t *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf (out + 2 * i, "%02x", b[i]);
  out[2 * n] = '\0';
}

int
sgx_tools_unhex (const char *text, uint8_t *out, size_t n)
{
  if (strlen (text) != 2 * n)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      unsigned int v;
      if (sscanf (text + 2 * i, "%2x", &v) != 1 || !strchr ("0123456789abcdefABCDEF", text[2 * i])
          || !strchr ("0123456789abcdefABCDEF", text[2 * i + 1]))
        return -1;
      out[i] = v;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    {
      fputs (usage_text, argc < 2 ? stderr : stdout);
      return argc < 2 ? 1 : 0;
    }
  if (strcmp (argv[1], "-v") == 0 || strcmp (argv[1], "--version") == 0)
    {
      printf ("sgx-tools version %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (size_t i = 0; i < sizeof (verbs) / sizeof (verbs[0]); i++)
    if (strcmp (argv[1], verbs[i].name) == 0)
      return verbs[i].fn (argc - 1, argv + 1);
  fprintf (stderr, "sgx-tools: unknown command `%s`\nTry `sgx-tools --help`.\n", argv[1]);
  return 1;
}
