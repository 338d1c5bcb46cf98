/* The SIGSTRUCT options sign and gendata share. */
#include "elf-layout.h"
#include "measure.h"
#include "sgx-tools.h"
#include "sigstruct.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

enum
{
  OPT_SGXS = 1000,
  OPT_ENCLAVEHASH,
  OPT_ISVPRODID,
  OPT_ISVSVN,
  OPT_ATTRIBUTES,
  OPT_ATTRIBUTEMASK,
  OPT_MISCSELECT,
  OPT_MISCMASK,
  OPT_DATE,
  OPT_VENDOR,
};

static const struct option common[] = {
  { "sgxs", required_argument, NULL, OPT_SGXS },
  { "enclavehash", required_argument, NULL, OPT_ENCLAVEHASH },
  { "isvprodid", required_argument, NULL, OPT_ISVPRODID },
  { "isvsvn", required_argument, NULL, OPT_ISVSVN },
  { "attributes", required_argument, NULL, OPT_ATTRIBUTES },
  { "attributemask", required_argument, NULL, OPT_ATTRIBUTEMASK },
  { "miscselect", required_argument, NULL, OPT_MISCSELECT },
  { "miscmask", required_argument, NULL, OPT_MISCMASK },
  { "date", required_argument, NULL, OPT_DATE },
  { "vendor", required_argument, NULL, OPT_VENDOR },
  { "out", required_argument, NULL, 'o' },
  { "help", no_argument, NULL, 'h' },
};
#define N_COMMON (sizeof (common) / sizeof (common[0]))

static int
number (const char *verb, const char *flag, const char *text, unsigned long max, unsigned long *out)
{
  char *end;
  errno = 0;
  *out = strtoul (text, &end, 0);
  if (errno || end == text || *end || *out > max || text[0] == '-')
    return sgx_tools_usage_error (verb, "--%s: `%s` is not a number up to %lu", flag, text, max);
  return 0;
}

/* BCD, as SIGSTRUCT.DATE stores it: 20240101 -> 0x20240101. */
static int
bcd_date (const char *verb, const char *text, struct sgx_sigstruct *s)
{
  if (strlen (text) != 8 || strspn (text, "0123456789") != 8)
    return sgx_tools_usage_error (verb, "--date: `%s` is not YYYYMMDD", text);
  s->header.date = strtoul (text, NULL, 16);
  return 0;
}

int
sgx_tools_measure_sgxs (const char *path, uint8_t mr[32], ic_error_t *err)
{
  cleanup_free char *data = NULL;
  struct sgx_layout layout;
  size_t len;
  int ret;
  if (read_file_at (AT_FDCWD, path, 1ULL << 32, &data, &len, err) < 0)
    return -1;
  if (sgx_layout_from_sgxs ((const uint8_t *)data, len, &layout, err) < 0)
    return ic_error_wrap (err, "%s", path);
  ret = sgx_layout_measure (&layout, mr, err);
  sgx_layout_clear (&layout);
  return ret;
}

static int
apply (const char *verb, int c, const char *arg, struct sigstruct_args *a)
{
  struct sgx_sigstruct *s = &a->s;
  unsigned long n;
  switch (c)
    {
    case OPT_SGXS:
      a->sgxs = arg;
      return 0;
    case OPT_ENCLAVEHASH:
      a->enclavehash = arg;
      return 0;
    case 'o':
      a->out = arg;
      return 0;
    case OPT_ISVPRODID:
      return number (verb, "isvprodid", arg, 65535, &n) ? 1 : (s->body.isvprodid = n, 0);
    case OPT_ISVSVN:
      return number (verb, "isvsvn", arg, 65535, &n) ? 1 : (s->body.isvsvn = n, 0);
    case OPT_MISCSELECT:
      a->miscselect_given = true;
      return number (verb, "miscselect", arg, UINT32_MAX, &n) ? 1 : (s->body.miscselect = n, 0);
    case OPT_MISCMASK:
      return number (verb, "miscmask", arg, UINT32_MAX, &n) ? 1 : (s->body.miscmask = n, 0);
    case OPT_VENDOR:
      if (number (verb, "vendor", arg, UINT32_MAX, &n))
        return 1;
      if (n != 0 && n != 0x8086)
        return sgx_tools_usage_error (verb, "--vendor: must be 0 or 32902 (0x8086)");
      s->header.vendor = n;
      return 0;
    case OPT_DATE:
      return bcd_date (verb, arg, s);
    case OPT_ATTRIBUTES:
      a->attributes_given = true;
      return sgx_tools_unhex (arg, (uint8_t *)&s->body.attributes, 16) < 0
                 ? sgx_tools_usage_error (verb, "--attributes: expected 32 hex digits")
                 : 0;
    case OPT_ATTRIBUTEMASK:
      return sgx_tools_unhex (arg, (uint8_t *)&s->body.attributemask, 16) < 0
                 ? sgx_tools_usage_error (verb, "--attributemask: expected 32 hex digits")
                 : 0;
    }
  return layout_args_apply (&a->layout, verb, c, arg);
}

/* ENCLAVEHASH of the ELF image; its layout's attributes and MISCSELECT unless given. */
static int
measure_elf (struct sigstruct_args *a, ic_error_t *err)
{
  struct sgx_layout_params params;
  struct sgx_layout layout;
  int ret;
  if (layout_args_build (&a->layout, &params, &layout, err) < 0)
    return -1;
  ret = sgx_layout_measure (&layout, a->s.body.enclavehash, err);
  sgx_layout_clear (&layout);
  if (!a->attributes_given)
    a->s.body.attributes = params.attributes;
  if (!a->miscselect_given)
    a->s.body.miscselect = params.miscselect;
  return ret;
}

int
sigstruct_args_parse (const char *verb, int argc, char **argv, const char *extra_short,
                      const struct option *extra_long, const char *usage, struct sigstruct_args *a,
                      int (*extra) (int c, void *ctx), void *ctx)
{
  struct option options[N_COMMON + N_LAYOUT_OPTIONS + 8] = { { 0 } };
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *shortopts = xasprintf ("+ho:%s", extra_short);
  size_t n = 0;
  int c, ret;

  memcpy (options, common, sizeof (common));
  memcpy (options + N_COMMON, layout_options, N_LAYOUT_OPTIONS * sizeof (struct option));
  for (n = 0; extra_long && extra_long[n].name && n < 7; n++)
    options[N_COMMON + N_LAYOUT_OPTIONS + n] = extra_long[n];
  sgx_sigstruct_init (&a->s);
  a->s.header.date = 0x20240101;
  a->s.body.attributes = (struct sgx_attributes){ SGX_ATTR_MODE64BIT, 0x3 };
  /* Everything but DEBUG must match; of XFRM, x87, SSE, AVX and the MPX bits. */
  a->s.body.attributemask = (struct sgx_attributes){ ~SGX_ATTR_DEBUG, 0xffffffffffffff1bULL };
  while ((c = sgx_tools_getopt (argc, argv, shortopts, options, usage)) != -1)
    {
      ret = apply (verb, c, optarg, a);
      if (ret < 0)
        ret = extra ? extra (c, ctx) : 1;
      if (ret)
        return 1;
    }
  if (argc != optind)
    return sgx_tools_usage_error (verb, "unexpected argument `%s`", argv[optind]);
  if (a->out == NULL)
    return sgx_tools_usage_error (verb, "--out is required");
  if ((a->sgxs != NULL) + (a->enclavehash != NULL) + (a->layout.elf != NULL) != 1)
    return sgx_tools_usage_error (verb, "give exactly one of --sgxs, --elf and --enclavehash");
  if (a->layout.elf == NULL && layout_args_any (&a->layout))
    return sgx_tools_usage_error (verb, "layout options need --elf");
  if (a->enclavehash && sgx_tools_unhex (a->enclavehash, a->s.body.enclavehash, 32) < 0)
    return sgx_tools_usage_error (verb, "--enclavehash: expected 64 hex digits");
  if (a->sgxs && sgx_tools_measure_sgxs (a->sgxs, a->s.body.enclavehash, &err) < 0)
    return sgx_tools_fail (&err);
  if (a->layout.elf && measure_elf (a, &err) < 0)
    return sgx_tools_fail (&err);
  return 0;
}
