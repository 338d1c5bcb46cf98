/* rune attest: evidence of an enclave container's enclave (upstream rune's verb). */
#include "client.h"
#include "enclave-module.h"
#include "rune.h"
#include "sim.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const char usage[]
    = "Usage: rune attest [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Asks the enclave of a created or running enclave container for a local REPORT\n"
      "(pal_get_local_report, PAL API v3) and prints the enclave's identity. With --isRA the\n"
      "report is addressed to the platform's quoting enclave, turned into a DCAP ECDSA quote\n"
      "and verified (chain, signatures, collateral, TCB level) before the verified measurement\n"
      "is printed. On the software TEE the quote chains to the sim platform's root CA, which is\n"
      "trusted for this verification only, and the result says `simulated`.\n"
      "\n"
      "Options:\n"
      "      --isRA                remote attestation: a verified quote instead of a report\n"
      "      --quote-type TYPE     ecdsa (default); epidUnlinkable and epidLinkable need Intel's\n"
      "                            attestation service and are refused\n"
      "      --spid ID, --subscription-key KEY  EPID only (accepted, then refused with EPID)\n"
      "      --target-info FILE    address the local report to this 512-byte TARGETINFO\n"
      "                            (default: the platform's quoting enclave)\n"
      "      --reportFile FILE     write the REPORT (432 bytes) to FILE, a host path\n"
      "      --quote-file FILE     with --isRA, write the quote to FILE\n"
      "      --format text|json    output format (default text)\n"
      "  -h, --help                show this help\n"
      "\n"
      "Exit status: 0 with evidence (and, with --isRA, a verified quote), 1 otherwise.\n";

enum
{
  OPT_IS_RA = 1000,
  OPT_QUOTE_TYPE,
  OPT_SPID,
  OPT_SUBSCRIPTION_KEY,
  OPT_TARGET_INFO,
  OPT_REPORT_FILE,
  OPT_QUOTE_FILE,
  OPT_FORMAT,
};

static const struct option options[] = {
  { "isRA", no_argument, NULL, OPT_IS_RA },
  { "quote-type", required_argument, NULL, OPT_QUOTE_TYPE },
  { "spid", required_argument, NULL, OPT_SPID },
  { "subscription-key", required_argument, NULL, OPT_SUBSCRIPTION_KEY },
  { "key", required_argument, NULL, OPT_SUBSCRIPTION_KEY },
  { "target-info", required_argument, NULL, OPT_TARGET_INFO },
  { "reportFile", required_argument, NULL, OPT_REPORT_FILE },
  { "quote-file", required_argument, NULL, OPT_QUOTE_FILE },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static char *
hex (const uint8_t *p, size_t n)
{
  char *s = xmalloc0 (2 * n + 1);
  for (size_t i = 0; i < n; i++)
    sprintf (s + 2 * i, "%02x", p[i]);
  return s;
}

static void
add_hex (json_object *o, const char *key, const void *p, size_t n)
{
  cleanup_free char *h = hex (p, n);
  json_object_object_add (o, key, json_object_new_string (h));
}

static json_object *
identity (const struct sgx_report_body *b)
{
  json_object *o = json_object_new_object ();
  add_hex (o, "mrenclave", b->mrenclave, 32);
  add_hex (o, "mrsigner", b->mrsigner, 32);
  json_object_object_add (o, "isvprodid", json_object_new_int (b->isvprodid));
  json_object_object_add (o, "isvsvn", json_object_new_int (b->isvsvn));
  add_hex (o, "attributes", &b->attributes, 16);
  json_object_object_add (o, "debug",
                          json_object_new_boolean (b->attributes.flags & SGX_ATTR_DEBUG));
  add_hex (o, "report_data", b->report_data, 64);
  return o;
}

static void
print (json_object *o, bool json)
{
  if (json)
    {
      puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY));
      return;
    }
  json_object_object_foreach (o, key, value)
  {
    if (json_object_is_type (value, json_type_array))
      {
        printf ("%s:", key);
        for (size_t i = 0; i < json_object_array_length (value); i++)
          printf (" %s", json_object_get_string (json_object_array_get_idx (value, i)));
        putchar ('\n');
      }
    else
      printf ("%s: %s\n", key, json_object_get_string (value));
  }
}

static int
write_out (const char *flag, const char *path, const void *data, size_t len, ic_error_t *err)
{
  if (path && write_file_at (AT_FDCWD, path, data, len, 0644, err) < 0)
    return ic_error_wrap (err, "%s", flag);
  return 0;
}

int
rune_attest (struct rune_globals *g, int argc, char **argv)
{
  const char *quote_type = "ecdsa", *target_file = NULL, *report_file = NULL, *quote_file = NULL;
  cleanup_enclave_config struct enclave_config *config = NULL;
  cleanup_error ic_error_t err = NULL;
  bool is_ra = false, json = false;
  json_object *o = NULL;
  const char *id;
  int c;

  while ((c = rune_getopt (argc, argv, "+h", options, usage)) != -1)
    switch (c)
      {
      case OPT_IS_RA:
        is_ra = true;
        break;
      case OPT_QUOTE_TYPE:
        quote_type = optarg;
        break;
      case OPT_SPID:
      case OPT_SUBSCRIPTION_KEY:
        break;
      case OPT_TARGET_INFO:
        target_file = optarg;
        break;
      case OPT_REPORT_FILE:
        report_file = optarg;
        break;
      case OPT_QUOTE_FILE:
        quote_file = optarg;
        break;
      case OPT_FORMAT:
        if (strcmp (optarg, "text") && strcmp (optarg, "json"))
          return rune_usage_error ("attest", "--format: `%s` is not text or json", optarg);
        json = strcmp (optarg, "json") == 0;
        break;
      default:
        return rune_usage_error ("attest", "invalid option");
      }
  if (rune_want_args ("attest", argc - optind, 1, 1))
    return 1;
  id = argv[optind];
  if (strcmp (quote_type, "ecdsa") && strcmp (quote_type, "epidUnlinkable")
      && strcmp (quote_type, "epidLinkable"))
    return rune_usage_error ("attest",
                             "--quote-type: `%s` is not ecdsa, epidUnlinkable or "
                             "epidLinkable",
                             quote_type);
  if (is_ra && strcmp (quote_type, "ecdsa"))
    return rune_usage_error ("attest",
                             "--quote-type: %s needs Intel's EPID attestation service (IAS), "
                             "which was retired; use ecdsa",
                             quote_type);
  if (is_ra && target_file)
    return rune_usage_error ("attest", "--target-info: with --isRA the report goes to the "
                                       "quoting enclave");
  if (quote_file && !is_ra)
    return rune_usage_error ("attest", "--quote-file: needs --isRA");
  if (enclave_client_config (g->rt.root, id, &config, &err) < 0)
    return rune_fail (&err);
  if (config == NULL)
    {
      ic_error (&err, 0, "container `%s` has no enclave (its bundle sets no enclave.type)", id);
      return rune_fail (&err);
    }
  if (is_ra)
    {
      struct enclave_evidence ev;
      json_object *adv;
      if (enclave_client_remote_attest (g->rt.root, id, &ev, &err) < 0)
        return rune_fail (&err);
      if (write_out ("--reportFile", report_file, &ev.report, sizeof (ev.report), &err) < 0
          || write_out ("--quote-file", quote_file, ev.quote, ev.quote_len, &err) < 0)
        {
          enclave_evidence_clear (&ev);
          return rune_fail (&err);
        }
      o = json_object_new_object ();
      json_object_object_add (o, "quote", json_object_new_string ("verified"));
      json_object_object_add (o, "simulated", json_object_new_boolean (ev.verdict.simulated));
      if (ev.verdict.simulated)
        json_object_object_add (o, "trusted_root", json_object_new_string (ev.root_ca));
      json_object_object_add (o, "tcb_status", json_object_new_string (ev.verdict.tcb_status));
      adv = json_object_new_array ();
      for (char **a = ev.verdict.advisory_ids; a && *a; a++)
        json_object_array_add (adv, json_object_new_string (*a));
      json_object_object_add (o, "advisory_ids", adv);
      json_object_object_add (o, "fmspc", json_object_new_string (ev.verdict.fmspc));
      json_object_object_foreach (identity (&ev.report.body), key, value)
      {
        json_object_object_add (o, key, json_object_get (value));
      }
      enclave_evidence_clear (&ev);
    }
  else
    {
      struct sgx_targetinfo ti = { 0 };
      struct sgx_report report;
      if (target_file)
        {
          cleanup_free char *data = NULL;
          size_t len;
          if (read_file_at (AT_FDCWD, target_file, 4096, &data, &len, &err) < 0)
            return ic_error_wrap (&err, "--target-info"), rune_fail (&err);
          if (len != sizeof (ti))
            {
              ic_error (&err, 0, "--target-info: `%s` has %zu bytes; a TARGETINFO has 512",
                        target_file, len);
              return rune_fail (&err);
            }
          memcpy (&ti, data, sizeof (ti));
        }
      else
        {
          struct sim_platform *platform = NULL;
          if (config->platform != ENCLAVE_PLATFORM_SIM)
            {
              ic_error (&err, ENOTSUP, "give --target-info: the quoting enclave's is not known");
              return rune_fail (&err);
            }
          if (sim_platform_open (config->sim_dir, &platform, &err) < 0)
            return rune_fail (&err);
          sim_qe_target_info (platform, &ti);
          sim_platform_free (platform);
        }
      if (enclave_client_report (g->rt.root, id, &ti, &report, &err) < 0
          || write_out ("--reportFile", report_file, &report, sizeof (report), &err) < 0)
        return rune_fail (&err);
      o = identity (&report.body);
      add_hex (o, "target_mrenclave", ti.mrenclave, 32);
    }
  print (o, json);
  json_object_put (o);
  return 0;
}

/* rune-attest.so's interface (enclave-module.h). */
__attribute__ ((visibility ("default"))) const struct rune_attest_module rune_attest_module = {
  .attest = rune_attest,
  .sim_create = sim_platform_prepare,
};
