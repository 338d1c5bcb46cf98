/* sgx-tools measure: the MRENCLAVE of an enclave. */
#include "measure.h"
#include "sgx-tools.h"
#include "utils.h"
#include <fcntl.h>
#include <stdio.h>

static const char usage[]
    = "Usage: sgx-tools measure SGXS-FILE\n"
      "\n"
      "Reads an enclave as an SGXS stream (its measurement records: ECREATE, EADD, EEXTEND with\n"
      "page data), rebuilds its layout (size, SSA frame size, pages, measured chunks) and\n"
      "measures that layout as ECREATE/EADD/EEXTEND do. Prints the MRENCLAVE (64 hex digits),\n"
      "then the enclave size and its page count.\n"
      "\n"
      "Options:\n"
      "  -h, --help   show this help\n";

static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };

int
sgx_tools_measure (int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *data = NULL;
  struct sgx_layout layout;
  uint8_t mr[32];
  char hex[65];
  size_t len;

  if (sgx_tools_getopt (argc, argv, "+h", options, usage) != -1)
    return 1;
  if (argc - optind != 1)
    return sgx_tools_usage_error ("measure", "expected one SGXS file");
  if (read_file_at (AT_FDCWD, argv[optind], 1ULL << 32, &data, &len, &err) < 0
      || sgx_layout_from_sgxs ((const uint8_t *)data, len, &layout, &err) < 0)
    return sgx_tools_fail (&err);
  if (sgx_layout_measure (&layout, mr, &err) < 0)
    {
      sgx_layout_clear (&layout);
      return sgx_tools_fail (&err);
    }
  sgx_tools_hex (mr, 32, hex);
  printf ("%s\nsize %#llx, %zu pages\n", hex, (unsigned long long)layout.size, layout.pages_len);
  sgx_layout_clear (&layout);
  return 0;
}
