/* sgx-tools dump: the fields of an SGX structure, as text or JSON. */
#include "sgx-tools.h"
#include "quote.h"
#include "sigstruct.h"
#include "utils.h"
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

static const char usage[]
    = "Usage: sgx-tools dump --type TYPE [--format text|json] FILE\n"
      "\n"
      "Prints every field of an SGX structure stored in FILE (exactly its size): sigstruct\n"
      "(1808 bytes; also MRSIGNER and whether the signature, Q1 and Q2 verify), report (432),\n"
      "targetinfo (512), einittoken (304), secinfo (64), or a DCAP quote (version 3, or 4 for\n"
      "SGX and TDX: its header, report body and the sizes of its signature parts; dumping does\n"
      "not verify it). Integers are printed as numbers, the rest as hex in the byte order of\n"
      "the structure.\n"
      "\n"
      "Options:\n"
      "  -t, --type TYPE       sigstruct, report, targetinfo, einittoken, secinfo or quote\n"
      "  -f, --format FORMAT   text (default) or json\n"
      "  -h, --help            show this help\n";

enum kind
{
  HEX,
  BCD32, /* a date stored as BCD: printed as its hex digits */
  U16,
  U32,
  U64,
};

struct field
{
  const char *name;
  size_t offset, size;
  enum kind kind;
};

#define F(type, member, kind)                                                                      \
  {                                                                                                \
#member, offsetof(type, member), sizeof(((type *)0)->member), kind                             \
  }

static const struct field sigstruct_fields[] = {
  { "header", 0, 16, HEX },
  { "vendor", 16, 4, U32 },
  { "date", 20, 4, BCD32 },
  { "header2", 24, 16, HEX },
  { "swdefined", 40, 4, U32 },
  F (struct sgx_sigstruct, modulus, HEX),
  F (struct sgx_sigstruct, exponent, U32),
  F (struct sgx_sigstruct, signature, HEX),
  { "miscselect", 900, 4, U32 },
  { "miscmask", 904, 4, U32 },
  { "isvfamilyid", 912, 16, HEX },
  { "attributes", 928, 16, HEX },
  { "attributemask", 944, 16, HEX },
  { "enclavehash", 960, 32, HEX },
  { "isvextprodid", 1008, 16, HEX },
  { "isvprodid", 1024, 2, U16 },
  { "isvsvn", 1026, 2, U16 },
  F (struct sgx_sigstruct, q1, HEX),
  F (struct sgx_sigstruct, q2, HEX),
};

static const struct field report_fields[] = {
  F (struct sgx_report_body, cpusvn, HEX),
  F (struct sgx_report_body, miscselect, U32),
  F (struct sgx_report_body, isvextprodid, HEX),
  F (struct sgx_report_body, attributes, HEX),
  F (struct sgx_report_body, mrenclave, HEX),
  F (struct sgx_report_body, mrsigner, HEX),
  F (struct sgx_report_body, config_id, HEX),
  F (struct sgx_report_body, isvprodid, U16),
  F (struct sgx_report_body, isvsvn, U16),
  F (struct sgx_report_body, config_svn, U16),
  F (struct sgx_report_body, isvfamilyid, HEX),
  F (struct sgx_report_body, report_data, HEX),
  { "keyid", 384, 32, HEX },
  { "mac", 416, 16, HEX },
};

static const struct field targetinfo_fields[] = {
  F (struct sgx_targetinfo, mrenclave, HEX),  F (struct sgx_targetinfo, attributes, HEX),
  F (struct sgx_targetinfo, config_svn, U16), F (struct sgx_targetinfo, miscselect, U32),
  F (struct sgx_targetinfo, config_id, HEX),
};

static const struct field einittoken_fields[] = {
  F (struct sgx_einittoken, valid, U32),
  F (struct sgx_einittoken, attributes, HEX),
  F (struct sgx_einittoken, mrenclave, HEX),
  F (struct sgx_einittoken, mrsigner, HEX),
  F (struct sgx_einittoken, cpusvnle, HEX),
  F (struct sgx_einittoken, isvprodidle, U16),
  F (struct sgx_einittoken, isvsvnle, U16),
  F (struct sgx_einittoken, maskedmiscselectle, U32),
  F (struct sgx_einittoken, maskedattributesle, HEX),
  F (struct sgx_einittoken, keyid, HEX),
  F (struct sgx_einittoken, mac, HEX),
};

static const struct field secinfo_fields[] = { F (struct sgx_secinfo, flags, U64) };

#define TYPE(name, size, fields)                                                                   \
  {                                                                                                \
    name, size, fields, sizeof (fields) / sizeof (fields[0])                                       \
  }
static const struct
{
  const char *name;
  size_t size;
  const struct field *fields;
  size_t len;
} types[] = {
  TYPE ("sigstruct", sizeof (struct sgx_sigstruct), sigstruct_fields),
  TYPE ("report", sizeof (struct sgx_report), report_fields),
  TYPE ("targetinfo", sizeof (struct sgx_targetinfo), targetinfo_fields),
  TYPE ("einittoken", sizeof (struct sgx_einittoken), einittoken_fields),
  TYPE ("secinfo", sizeof (struct sgx_secinfo), secinfo_fields),
};

static const struct field quote_header_fields[] = {
  F (struct sgx_quote_header, version, U16),   F (struct sgx_quote_header, att_key_type, U16),
  F (struct sgx_quote_header, tee_type, U32),  F (struct sgx_quote_header, qe_svn, U16),
  F (struct sgx_quote_header, pce_svn, U16),   F (struct sgx_quote_header, qe_vendor_id, HEX),
  F (struct sgx_quote_header, user_data, HEX),
};

static const struct field td_report_fields[] = {
  F (struct tdx_report_body, tee_tcb_svn, HEX),
  F (struct tdx_report_body, mrseam, HEX),
  F (struct tdx_report_body, mrsignerseam, HEX),
  F (struct tdx_report_body, seam_attributes, HEX),
  F (struct tdx_report_body, td_attributes, HEX),
  F (struct tdx_report_body, xfam, HEX),
  F (struct tdx_report_body, mrtd, HEX),
  F (struct tdx_report_body, mrconfigid, HEX),
  F (struct tdx_report_body, mrowner, HEX),
  F (struct tdx_report_body, mrownerconfig, HEX),
  { "rtmr0", 328, 48, HEX },
  { "rtmr1", 376, 48, HEX },
  { "rtmr2", 424, 48, HEX },
  { "rtmr3", 472, 48, HEX },
  F (struct tdx_report_body, report_data, HEX),
};

static json_object *field_value (const uint8_t *data, const struct field *f);

static void
add_fields (json_object *o, const uint8_t *data, const struct field *fields, size_t len,
            const char *prefix)
{
  for (size_t i = 0; i < len; i++)
    {
      cleanup_free char *name = xasprintf ("%s%s", prefix, fields[i].name);
      json_object_object_add (o, name, field_value (data, &fields[i]));
    }
}

/* A quote: parsed (lengths checked), not verified. */
static int
dump_quote (const uint8_t *data, size_t len, json_object *o, ic_error_t *err)
{
  struct sgx_quote q;
  if (sgx_quote_parse (data, len, &q, err) < 0)
    return -1;
  add_fields (o, (const uint8_t *)q.header, quote_header_fields,
              sizeof (quote_header_fields) / sizeof (quote_header_fields[0]), "");
  json_object_object_add (
      o, "qe_vendor",
      json_object_new_string (memcmp (q.header->qe_vendor_id, sgx_qe_vendor_sim, 16) == 0
                                  ? "SIMULATED-TEE-QE (the software TEE: no hardware protection)"
                              : memcmp (q.header->qe_vendor_id, sgx_qe_vendor_intel, 16) == 0
                                  ? "Intel"
                                  : "unknown"));
  if (q.report)
    add_fields (o, (const uint8_t *)q.report, report_fields, 12, "report.");
  else
    add_fields (o, (const uint8_t *)q.td_report, td_report_fields,
                sizeof (td_report_fields) / sizeof (td_report_fields[0]), "report.");
  add_fields (o, (const uint8_t *)q.qe_report, report_fields, 12, "qe_report.");
  json_object_object_add (o, "qe_auth_data_size", json_object_new_int (q.qe_auth_len));
  json_object_object_add (o, "pck_chain_size", json_object_new_int64 (q.pck_chain_len));
  json_object_object_add (o, "verified", json_object_new_boolean (false));
  return 0;
}

static json_object *
field_value (const uint8_t *data, const struct field *f)
{
  uint64_t v = 0;
  if (f->kind == HEX)
    {
      cleanup_free char *hex = xmalloc0 (2 * f->size + 1);
      sgx_tools_hex (data + f->offset, f->size, hex);
      return json_object_new_string (hex);
    }
  memcpy (&v, data + f->offset, f->size);
  if (f->kind == BCD32)
    {
      char bcd[16];
      snprintf (bcd, sizeof (bcd), "%08" PRIx64, v);
      return json_object_new_string (bcd);
    }
  return json_object_new_uint64 (v);
}

/* For a SIGSTRUCT: MRSIGNER and the verdict of the checks EINIT makes. */
static void
add_sigstruct_checks (const uint8_t *data, json_object *o)
{
  const struct sgx_sigstruct *s = (const struct sgx_sigstruct *)data;
  cleanup_error ic_error_t err = NULL;
  uint8_t mr[32];
  char hex[65];

  if (sgx_sigstruct_mrsigner (s, mr, NULL) == 0)
    {
      sgx_tools_hex (mr, 32, hex);
      json_object_object_add (o, "mrsigner", json_object_new_string (hex));
    }
  json_object_object_add (o, "signature_valid",
                          json_object_new_boolean (sgx_sigstruct_verify (s, NULL, &err) == 0));
  if (err)
    json_object_object_add (o, "signature_error", json_object_new_string (ic_error_message (err)));
}

static void
print_object (json_object *o, const char *format)
{
  if (strcmp (format, "json") == 0)
    {
      puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
      return;
    }
  json_object_object_foreach (o, key, value)
      printf ("%-22s %s\n", key, json_object_get_string (value));
}

static int
dump_quote_file (int argc, char **argv, const char *format)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *data = NULL;
  json_object *o;
  size_t len = 0;

  if (strcmp (format, "text") && strcmp (format, "json"))
    return sgx_tools_usage_error ("dump", "--format: `%s` is neither text nor json", format);
  if (argc - optind != 1)
    return sgx_tools_usage_error ("dump", "expected one file");
  if (read_file_at (AT_FDCWD, argv[optind], SGX_QUOTE_MAX_SIZE, &data, &len, &err) < 0)
    return sgx_tools_fail (&err);
  o = json_object_new_object ();
  if (dump_quote ((const uint8_t *)data, len, o, &err) < 0)
    {
      json_object_put (o);
      return sgx_tools_fail (&err);
    }
  print_object (o, format);
  json_object_put (o);
  return 0;
}

int
sgx_tools_dump (int argc, char **argv)
{
  static const struct option options[] = { { "type", required_argument, NULL, 't' },
                                           { "format", required_argument, NULL, 'f' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *data = NULL;
  const char *type = NULL, *format = "text";
  size_t len = 0, t;
  json_object *o;
  int c;

  while ((c = sgx_tools_getopt (argc, argv, "+t:f:h", options, usage)) != -1)
    switch (c)
      {
      case 't':
        type = optarg;
        break;
      case 'f':
        format = optarg;
        break;
      default:
        return 1;
      }
  if (type == NULL)
    return sgx_tools_usage_error ("dump", "--type is required");
  if (strcmp (type, "quote") == 0)
    return dump_quote_file (argc, argv, format);
  for (t = 0; t < sizeof (types) / sizeof (types[0]); t++)
    if (strcmp (types[t].name, type) == 0)
      break;
  if (t == sizeof (types) / sizeof (types[0]))
    return sgx_tools_usage_error ("dump", "--type: unknown type `%s`", type);
  if (strcmp (format, "text") && strcmp (format, "json"))
    return sgx_tools_usage_error ("dump", "--format: `%s` is neither text nor json", format);
  if (argc - optind != 1)
    return sgx_tools_usage_error ("dump", "expected one file");
  if (read_file_at (AT_FDCWD, argv[optind], 1 << 20, &data, &len, &err) < 0)
    return sgx_tools_fail (&err);
  if (len != types[t].size)
    return sgx_tools_usage_error ("dump", "%s: %zu bytes, a %s has %zu", argv[optind], len, type,
                                  types[t].size);
  o = json_object_new_object ();
  for (size_t i = 0; i < types[t].len; i++)
    json_object_object_add (o, types[t].fields[i].name,
                            field_value ((const uint8_t *)data, &types[t].fields[i]));
  if (strcmp (type, "sigstruct") == 0)
    add_sigstruct_checks ((const uint8_t *)data, o);
  print_object (o, format);
  json_object_put (o);
  return 0;
}
