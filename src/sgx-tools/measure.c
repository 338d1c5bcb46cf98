/* sgx-tools measure: the MRENCLAVE of an enclave (an SGXS stream, or an ELF image laid out). */
#include "elf-layout.h"
#include "measure.h"
#include "sgx-tools.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const char usage[]
    = "Usage: sgx-tools measure SGXS-FILE\n"
      "       sgx-tools measure --elf FILE [--layout FILE] [LAYOUT OPTIONS] [--sgxs-out FILE]\n"
      "\n"
      "Reads an enclave as an SGXS stream (its measurement records: ECREATE, EADD, EEXTEND with\n"
      "page data), or as an ELF shared object laid out with a heap, stacks, TCS and SSA frames\n"
      "(docs/sgx-tools.md gives the exact layout), and measures the layout as ECREATE, EADD and\n"
      "EEXTEND do. Prints the MRENCLAVE (64 hex digits), then the enclave size and its page\n"
      "count.\n"
      "\n"
      "Options:\n"
      "      --elf FILE             the enclave image, an ELF64 x86-64 shared object, laid out\n"
      "                             as docs/sgx-tools.md describes, with:\n" LAYOUT_OPTIONS_HELP
      "      --sgxs-out FILE        also write the layout as an SGXS stream (its SHA-256 is the\n"
      "                             MRENCLAVE)\n"
      "  -h, --help                 show this help\n";

enum
{
  OPT_SGXS_OUT = 1000
};

int
sgx_tools_measure (int argc, char **argv)
{
  struct option options[N_LAYOUT_OPTIONS + 3]
      = { { "help", no_argument, NULL, 'h' },
          { "sgxs-out", required_argument, NULL, OPT_SGXS_OUT } };
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *data = NULL;
  cleanup_free uint8_t *sgxs = NULL;
  struct layout_args la = { 0 };
  struct sgx_layout_params params;
  struct sgx_layout layout;
  const char *sgxs_out = NULL;
  size_t len, sgxs_len;
  uint8_t mr[32];
  char hex[65];
  int c, ret;

  memcpy (options + 2, layout_options, sizeof (layout_options));
  while ((c = sgx_tools_getopt (argc, argv, "+h", options, usage)) != -1)
    {
      if (c == OPT_SGXS_OUT)
        sgxs_out = optarg;
      else if ((ret = layout_args_apply (&la, "measure", c, optarg)) != 0)
        return 1;
    }
  if (la.elf == NULL && (layout_args_any (&la) || sgxs_out))
    return sgx_tools_usage_error ("measure", "layout options and --sgxs-out need --elf");
  if (la.elf ? argc != optind : argc - optind != 1)
    return sgx_tools_usage_error ("measure", "expected one SGXS file, or --elf FILE");
  if (la.elf)
    {
      if (layout_args_build (&la, &params, &layout, &err) < 0)
        return sgx_tools_fail (&err);
    }
  else if (read_file_at (AT_FDCWD, argv[optind], 1ULL << 32, &data, &len, &err) < 0
           || sgx_layout_from_sgxs ((const uint8_t *)data, len, &layout, &err) < 0)
    return sgx_tools_fail (&err);
  ret = sgx_layout_measure (&layout, mr, &err);
  if (ret == 0 && sgxs_out)
    ret = sgx_layout_to_sgxs (&layout, &sgxs, &sgxs_len, &err) < 0
                  || write_file_at (AT_FDCWD, sgxs_out, sgxs, sgxs_len, 0644, &err) < 0
              ? ic_error_wrap (&err, "--sgxs-out")
              : 0;
  if (ret < 0)
    {
      sgx_layout_clear (&layout);
      return sgx_tools_fail (&err);
    }
  sgx_tools_hex (mr, 32, hex);
  printf ("%s\nsize %#llx, %zu pages\n", hex, (unsigned long long)layout.size, layout.pages_len);
  sgx_layout_clear (&layout);
  return 0;
}
