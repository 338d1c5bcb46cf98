/* libFuzzer target: any JSON as linux.seccomp must compile or be rejected without crashing,
   hanging or leaking. */
#include "seccomp-program.h"
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct seccomp_program *program = NULL;
  json_tokener *tok = json_tokener_new ();
  json_object *seccomp = json_tokener_parse_ex (tok, (const char *)data, size);
  ic_error_t err = NULL;

  json_tokener_free (tok);
  if (seccomp == NULL)
    return 0;
  if (seccomp_program_compile (seccomp, &program, &err) == 0)
    seccomp_program_free (program);
  ic_error_release (&err);
  json_object_put (seccomp);
  return 0;
}
