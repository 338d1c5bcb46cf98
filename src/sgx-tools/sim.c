/* sgx-tools sim: the software TEE from the command line (platform, enclaves, quotes). */
#include "measure.h"
#include "sgx-tools.h"
#include "sigstruct.h"
#include "sim.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const char usage[]
    = "Usage: sgx-tools sim COMMAND [OPTIONS]\n"
      "\n"
      "The software TEE: a software model of an SGX platform with DCAP attestation, for hosts\n"
      "without SGX. It protects nothing. Its quotes have the real DCAP format, carry the QE\n"
      "vendor ID \"SIMULATED-TEE-QE\" and chain to a root CA created on this host, which\n"
      "verifiers refuse unless it is given to them (verify-quote --trust-sim-root).\n"
      "\n"
      "Commands:\n"
      "  init         create the platform on first use; print its root CA and collateral paths\n"
      "  quote        build an enclave from an SGXS image and its SIGSTRUCT, checked as EINIT\n"
      "               checks them, and write a quote of it\n"
      "  revoke-pck   revoke the platform's PCK certificate in its collateral\n"
      "\n"
      "Options:\n"
      "  -d, --sim-dir DIR        the platform's state directory (default: $" SIM_STATE_DIR_ENV
      ",\n"
      "                           else " SIM_STATE_DIR ")\n"
      "  -h, --help               show this help\n"
      "\n"
      "Options of quote:\n"
      "  -e, --enclave SGXS       the enclave image as an SGXS measurement stream\n"
      "  -s, --sigstruct FILE     its SIGSTRUCT (1808 bytes)\n"
      "  -r, --report-data HEX    up to 64 bytes for the report data (default: zeros)\n"
      "      --debug              launch the enclave in debug mode (ATTRIBUTES.DEBUG)\n"
      "  -o, --out FILE           where to write the quote (required)\n"
      "\n"
      "The enclave's ATTRIBUTES and MISCSELECT are the SIGSTRUCT's (plus DEBUG with --debug).\n"
      "Exit status: 0 on success, 1 on error (an EINIT refusal names what does not match).\n";

enum
{
  OPT_DEBUG = 1000,
};

static const struct option options[] = {
  { "sim-dir", required_argument, NULL, 'd' },
  { "enclave", required_argument, NULL, 'e' },
  { "sigstruct", required_argument, NULL, 's' },
  { "report-data", required_argument, NULL, 'r' },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "out", required_argument, NULL, 'o' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

struct sim_args
{
  const char *dir, *enclave, *sigstruct, *report_data, *out;
  bool debug;
};

static int
report_data_arg (const char *text, uint8_t out[64])
{
  size_t n = strlen (text);
  memset (out, 0, 64);
  return n % 2 || n > 128 || sgx_tools_unhex (text, out, n / 2) < 0 ? -1 : 0;
}

/* Enclave -> REPORT addressed to the QE -> quote. */
static int
sim_quote_command (const struct sim_args *a)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free uint8_t *quote = NULL;
  struct sim_platform *p = NULL;
  struct sgx_sigstruct ss;
  struct sgx_attributes attributes;
  struct sgx_targetinfo qe;
  struct sim_enclave enclave;
  struct sgx_report report;
  uint8_t mrenclave[32], data[64];
  size_t len = 0;
  int ret = -1;

  if (!a->enclave || !a->sigstruct || !a->out)
    return sgx_tools_usage_error ("sim", "quote needs --enclave, --sigstruct and --out");
  if (a->report_data && report_data_arg (a->report_data, data) < 0)
    return sgx_tools_usage_error ("sim", "--report-data: `%s` is not up to 64 bytes of hex",
                                  a->report_data);
  if (!a->report_data)
    memset (data, 0, sizeof (data));
  if (sgx_sigstruct_load (a->sigstruct, &ss, &err) < 0
      || sgx_tools_measure_sgxs (a->enclave, mrenclave, &err) < 0)
    return sgx_tools_fail (&err);
  attributes = ss.body.attributes;
  if (a->debug)
    attributes.flags |= SGX_ATTR_DEBUG;
  if (sim_platform_open (a->dir, &p, &err) == 0
      && sim_enclave_init (p, mrenclave, &attributes, ss.body.miscselect, &ss, &enclave, &err) == 0)
    {
      sim_qe_target_info (p, &qe);
      if (sim_enclave_report (p, &enclave, &qe, data, &report, &err) == 0
          && sim_quote (p, &report, &quote, &len, &err) == 0
          && write_file_at (AT_FDCWD, a->out, quote, len, 0644, &err) == 0)
        ret = 0;
    }
  sim_platform_free (p);
  return ret < 0 ? sgx_tools_fail (&err) : 0;
}

static int
sim_command (const char *command, const struct sim_args *a)
{
  cleanup_error ic_error_t err = NULL;
  struct sim_platform *p = NULL;
  if (strcmp (command, "quote") == 0)
    return sim_quote_command (a);
  if (strcmp (command, "init") && strcmp (command, "revoke-pck"))
    return sgx_tools_usage_error ("sim", "unknown command `%s`", command);
  if (sim_platform_open (a->dir, &p, &err) < 0
      || (strcmp (command, "revoke-pck") == 0 && sim_platform_revoke_pck (p, &err) < 0))
    {
      sim_platform_free (p);
      return sgx_tools_fail (&err);
    }
  printf ("root CA     %s\ncollateral  %s\n", sim_platform_root_ca (p),
          sim_platform_collateral_dir (p));
  sim_platform_free (p);
  return 0;
}

int
sgx_tools_sim (int argc, char **argv)
{
  struct sim_args a = { 0 };
  int c;
  while ((c = sgx_tools_getopt (argc, argv, "d:e:s:r:o:h", options, usage)) != -1)
    switch (c)
      {
      case 'd':
        a.dir = optarg;
        break;
      case 'e':
        a.enclave = optarg;
        break;
      case 's':
        a.sigstruct = optarg;
        break;
      case 'r':
        a.report_data = optarg;
        break;
      case 'o':
        a.out = optarg;
        break;
      case OPT_DEBUG:
        a.debug = true;
        break;
      default:
        return 1;
      }
  if (argc - optind != 1)
    return sgx_tools_usage_error ("sim", "expected one command: init, quote or revoke-pck");
  return sim_command (argv[optind], &a);
}
