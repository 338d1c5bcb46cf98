/* libFuzzer target: the DCAP quote parser must accept or refuse any bytes without reading
   outside them, crashing or hanging. */
#include "quote.h"
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct sgx_quote quote;
  ic_error_t err = NULL;
  sgx_quote_parse (data, size, &quote, &err);
  ic_error_release (&err);
  return 0;
}
