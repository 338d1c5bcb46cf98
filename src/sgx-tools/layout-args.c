/* The ELF enclave options measure, sign and gendata share: --elf with a layout given as a
   JSON file (--layout) and/or flags, flags winning. */
#include "elf-layout.h"
#include "sgx-tools.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

const struct option layout_options[N_LAYOUT_OPTIONS + 1] = {
  { "elf", required_argument, NULL, OPT_ELF },
  { "layout", required_argument, NULL, OPT_LAYOUT },
  { "heap-size", required_argument, NULL, OPT_HEAP_SIZE },
  { "stack-size", required_argument, NULL, OPT_STACK_SIZE },
  { "threads", required_argument, NULL, OPT_THREADS },
  { "ssa-frame-size", required_argument, NULL, OPT_SSA_FRAME_SIZE },
  { "ssa-frames", required_argument, NULL, OPT_SSA_FRAMES },
  { "unmeasured-heap", no_argument, NULL, OPT_UNMEASURED_HEAP },
  { NULL, 0, NULL, 0 },
};

int
layout_args_apply (struct layout_args *a, const char *verb, int c, const char *arg)
{
  uint64_t n;
  if (c < OPT_ELF || c > OPT_UNMEASURED_HEAP)
    return -1;
  if (c == OPT_ELF)
    a->elf = arg;
  else if (c == OPT_LAYOUT)
    a->layout = arg;
  else if (c == OPT_UNMEASURED_HEAP)
    a->unmeasured_heap = true;
  else if (sgx_parse_size (arg, &n) < 0 || (c > OPT_STACK_SIZE && n > UINT32_MAX))
    return sgx_tools_usage_error (verb, "--%s: `%s` is not a %s", layout_options[c - OPT_ELF].name,
                                  arg, c > OPT_STACK_SIZE ? "number" : "size (N, NK, NM, NG)");
  else
    {
      a->value[c - OPT_HEAP_SIZE] = n;
      a->given |= 1u << (c - OPT_HEAP_SIZE);
    }
  return 0;
}

bool
layout_args_any (const struct layout_args *a)
{
  return a->layout || a->given || a->unmeasured_heap;
}

int
layout_args_params (const struct layout_args *a, struct sgx_layout_params *p, ic_error_t *err)
{
  sgx_layout_params_init (p);
  if (a->layout)
    {
      cleanup_free char *text = NULL;
      size_t len;
      if (read_file_at (AT_FDCWD, a->layout, 1 << 20, &text, &len, err) < 0)
        return ic_error_wrap (err, "--layout");
      if (sgx_layout_params_from_json (text, p, err) < 0)
        return ic_error_wrap (err, "%s", a->layout);
    }
  if (a->given & 1)
    p->heap_size = a->value[0];
  if (a->given & 2)
    p->stack_size = a->value[1];
  if (a->given & 4)
    p->threads = a->value[2];
  if (a->given & 8)
    p->ssa_frame_size = a->value[3];
  if (a->given & 16)
    p->ssa_frames = a->value[4];
  if (a->unmeasured_heap)
    p->heap_measured = false;
  return sgx_layout_params_check (p, err);
}

int
layout_args_build (const struct layout_args *a, struct sgx_layout_params *p, struct sgx_layout *out,
                   ic_error_t *err)
{
  cleanup_free char *elf = NULL;
  size_t len;
  if (layout_args_params (a, p, err) < 0)
    return -1;
  if (read_file_at (AT_FDCWD, a->elf, 1ULL << 32, &elf, &len, err) < 0)
    return ic_error_wrap (err, "--elf");
  if (sgx_layout_from_elf ((const uint8_t *)elf, len, p, out, err) < 0)
    return ic_error_wrap (err, "%s", a->elf);
  return 0;
}
