/* libFuzzer target: the process JSON of `rune exec --process` must parse or be rejected
   without crashing, hanging or leaking. */
#include "config.h"
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct oci_process *process = NULL;
  ic_error_t err = NULL;

  if (oci_process_parse ((const char *)data, size, &process, &err) == 0)
    oci_process_free (process);
  ic_error_release (&err);
  return 0;
}
