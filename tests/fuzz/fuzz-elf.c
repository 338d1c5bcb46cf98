/* libFuzzer target: an ELF enclave image (or, when the input starts with '{', a JSON layout
   description) must be laid out or refused without reading outside the input, crashing,
   leaking or hanging. The layout is capped at a few pages so that huge images are refused
   quickly. */
#include "elf-layout.h"
#include "utils.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct sgx_layout_params params;
  struct sgx_layout layout;
  ic_error_t err = NULL;

  sgx_layout_params_init (&params);
  params.heap_size = 2 * SGX_PAGE_SIZE;
  params.stack_size = SGX_PAGE_SIZE;
  params.max_pages = 64;
  if (size > 0 && data[0] == '{')
    {
      char *text = xmalloc0 (size + 1);
      memcpy (text, data, size);
      sgx_layout_params_from_json (text, &params, &err);
      free (text);
    }
  else if (sgx_layout_from_elf (data, size, &params, &layout, &err) == 0)
    {
      uint8_t mr[32];
      if (sgx_layout_measure (&layout, mr, &err) < 0)
        __builtin_trap ();
      sgx_layout_clear (&layout);
    }
  ic_error_release (&err);
  return 0;
}
