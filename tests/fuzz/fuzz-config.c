/* libFuzzer target: the config.json parser must reject or accept any input without crashing,
   hanging or leaking. */
#include "config.h"
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct oci_config *config = NULL;
  ic_error_t err = NULL;

  if (oci_config_parse ((const char *)data, size, &config, &err) == 0)
    oci_config_free (config);
  ic_error_release (&err);
  return 0;
}
