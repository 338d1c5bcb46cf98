/* sgx-tools verify-quote: the verdict of the native DCAP verifier on a quote. */
#include "dcap.h"
#include "sgx-tools.h"
#include "utils.h"
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static const char usage[]
    = "Usage: sgx-tools verify-quote --quote FILE --collateral DIR [OPTIONS]\n"
      "\n"
      "Verifies a DCAP ECDSA quote (SGX, version 3 or 4) without Intel's libraries: the PCK\n"
      "certificate chain up to the Intel SGX Root CA (its public key is built in) with the\n"
      "CRLs, the QE report and quote signatures, the TCB info and QE identity (signatures,\n"
      "issuer chains, validity), and the platform's TCB level from the PCK certificate.\n"
      "DIR holds pck_crl.der, pck_crl_issuer_chain.pem, root_ca_crl.der, tcb_info.json,\n"
      "tcb_info_issuer_chain.pem, qe_identity.json and qe_identity_issuer_chain.pem.\n"
      "Prints the TCB status, advisory IDs and the enclave's identity.\n"
      "\n"
      "Exit status: 0 verified with an accepted status, 2 verified but the status is not\n"
      "accepted, 1 not verified (the reason is printed).\n"
      "\n"
      "Options:\n"
      "  -q, --quote FILE           the quote\n"
      "  -c, --collateral DIR       the collateral files\n"
      "      --as-of TIME           verify as of this UTC time, e.g. 2025-07-04T10:28:44Z\n"
      "                             (default: now)\n"
      "      --accept-status LIST   comma-separated statuses to accept (default: UpToDate,\n"
      "                             SWHardeningNeeded, ConfigurationNeeded,\n"
      "                             ConfigurationAndSWHardeningNeeded)\n"
      "      --trust-sim-root PEM   also trust this software TEE root CA (`sgx-tools sim init`\n"
      "                             prints it); its quotes are reported as simulated\n"
      "  -f, --format FORMAT        text (default) or json\n"
      "  -h, --help                 show this help\n";

enum
{
  OPT_AS_OF = 1000,
  OPT_ACCEPT,
  OPT_SIM_ROOT,
};

static const struct option options[] = {
  { "quote", required_argument, NULL, 'q' },
  { "collateral", required_argument, NULL, 'c' },
  { "as-of", required_argument, NULL, OPT_AS_OF },
  { "accept-status", required_argument, NULL, OPT_ACCEPT },
  { "trust-sim-root", required_argument, NULL, OPT_SIM_ROOT },
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static bool
accepted (const char *status, const char *list)
{
  cleanup_free char *copy = xstrdup (list);
  char *save = NULL;
  for (char *s = strtok_r (copy, ",", &save); s; s = strtok_r (NULL, ",", &save))
    if (strcmp (s, status) == 0)
      return true;
  return false;
}

static void
add_hex (json_object *o, const char *key, const uint8_t *b, size_t n)
{
  char hex[2 * 64 + 1];
  sgx_tools_hex (b, n, hex);
  json_object_object_add (o, key, json_object_new_string (hex));
}

static json_object *
verdict_json (const struct sgx_quote *q, const struct dcap_verdict *v, bool ok)
{
  json_object *o = json_object_new_object (), *ids = json_object_new_array ();
  const struct sgx_report_body *r = q->report;

  json_object_object_add (o, "verified", json_object_new_boolean (true));
  /* Simulated evidence proves nothing about hardware: say so where no reader can miss it. */
  json_object_object_add (o, "simulated", json_object_new_boolean (v->simulated));
  json_object_object_add (o, "tcb_status", json_object_new_string (v->tcb_status));
  json_object_object_add (o, "accepted", json_object_new_boolean (ok));
  for (char **id = v->advisory_ids; id && *id; id++)
    json_object_array_add (ids, json_object_new_string (*id));
  json_object_object_add (o, "advisory_ids", ids);
  json_object_object_add (o, "qe_tcb_status", json_object_new_string (v->qe_tcb_status));
  json_object_object_add (o, "fmspc", json_object_new_string (v->fmspc));
  add_hex (o, "mrenclave", r->mrenclave, 32);
  add_hex (o, "mrsigner", r->mrsigner, 32);
  json_object_object_add (o, "isvprodid", json_object_new_int (r->isvprodid));
  json_object_object_add (o, "isvsvn", json_object_new_int (r->isvsvn));
  add_hex (o, "attributes", (const uint8_t *)&r->attributes, 16);
  json_object_object_add (o, "debug",
                          json_object_new_boolean (r->attributes.flags & SGX_ATTR_DEBUG));
  add_hex (o, "report_data", r->report_data, 64);
  return o;
}

static void
print (json_object *o, const char *format)
{
  if (strcmp (format, "json") == 0)
    {
      puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
      return;
    }
  json_object_object_foreach (o, key, value)
      printf ("%-14s %s\n", key, json_object_get_string (value));
}

int
sgx_tools_verify_quote (int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *data = NULL;
  const char *quote = NULL, *dir = NULL, *as_of_text = NULL, *format = "text", *sim_root = NULL;
  const char *accept = "UpToDate,SWHardeningNeeded,ConfigurationNeeded,"
                       "ConfigurationAndSWHardeningNeeded";
  struct dcap_collateral *collateral = NULL;
  struct dcap_verdict verdict;
  struct sgx_quote q;
  time_t as_of = time (NULL);
  size_t len;
  bool ok;
  int c;

  while ((c = sgx_tools_getopt (argc, argv, "+q:c:f:h", options, usage)) != -1)
    switch (c)
      {
      case 'q':
        quote = optarg;
        break;
      case 'c':
        dir = optarg;
        break;
      case 'f':
        format = optarg;
        break;
      case OPT_AS_OF:
        as_of_text = optarg;
        break;
      case OPT_ACCEPT:
        accept = optarg;
        break;
      case OPT_SIM_ROOT:
        sim_root = optarg;
        break;
      default:
        return 1;
      }
  if (!quote || !dir || argc != optind)
    return sgx_tools_usage_error ("verify-quote", "--quote and --collateral are required");
  if (strcmp (format, "text") && strcmp (format, "json"))
    return sgx_tools_usage_error ("verify-quote", "--format: `%s` is neither text nor json",
                                  format);
  if (as_of_text && (as_of = dcap_parse_time (as_of_text)) < 0)
    return sgx_tools_usage_error ("verify-quote", "--as-of: `%s` is not YYYY-MM-DDTHH:MM:SSZ",
                                  as_of_text);
  if (read_file_at (AT_FDCWD, quote, SGX_QUOTE_MAX_SIZE, &data, &len, &err) < 0
      || sgx_quote_parse ((const uint8_t *)data, len, &q, &err) < 0
      || dcap_collateral_load (dir, &collateral, &err) < 0
      || (sim_root && dcap_collateral_trust_sim_root (collateral, sim_root, &err) < 0))
    {
      dcap_collateral_free (collateral);
      return sgx_tools_fail (&err);
    }
  if (dcap_verify (&q, collateral, as_of, &verdict, &err) < 0)
    {
      dcap_collateral_free (collateral);
      fprintf (stderr, "sgx-tools: NOT VERIFIED: %s\n", ic_error_message (err));
      return 1;
    }
  ok = accepted (verdict.tcb_status, accept);
  if (verdict.simulated)
    fprintf (stderr, "sgx-tools: WARNING: simulated evidence from the software TEE: it proves "
                     "nothing about hardware protection\n");
  json_object *o = verdict_json (&q, &verdict, ok);
  print (o, format);
  json_object_put (o);
  dcap_verdict_clear (&verdict);
  dcap_collateral_free (collateral);
  return ok ? 0 : 2;
}
