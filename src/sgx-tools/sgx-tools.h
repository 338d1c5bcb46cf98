/* sgx-tools: a thin CLI over lib/sgx; one verb per file. */
#ifndef SGX_TOOLS_H
#define SGX_TOOLS_H

#include "error.h"
#include "sgx-types.h"
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*sgx_tools_verb_fn) (int argc, char **argv);

int sgx_tools_measure (int argc, char **argv);
int sgx_tools_sign (int argc, char **argv);
int sgx_tools_gendata (int argc, char **argv);
int sgx_tools_catsig (int argc, char **argv);
int sgx_tools_dump (int argc, char **argv);
int sgx_tools_verify_quote (int argc, char **argv);
int sgx_tools_sim (int argc, char **argv);

/* Prints "sgx-tools: message" and returns exit code 1. */
int sgx_tools_fail (ic_error_t *err);
/* Prints "sgx-tools VERB: message" and a hint to --help; returns 1. */
int sgx_tools_usage_error (const char *verb, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* getopt_long with --help handled (usage printed, exit 0). */
int sgx_tools_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts,
                      const char *usage);
/* The MRENCLAVE of an SGXS file. */
int sgx_tools_measure_sgxs (const char *path, uint8_t mr[32], ic_error_t *err);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sgx_tools_hex (const uint8_t *b, size_t n, char *out);
/* n bytes from 2n hex digits; -1 on anything else. */
int sgx_tools_unhex (const char *text, uint8_t *out, size_t n);

/* The ELF enclave options (layout-args.c). */
struct sgx_layout;
struct sgx_layout_params;
enum
{
  OPT_ELF = 2000,
  OPT_LAYOUT,
  OPT_HEAP_SIZE,
  OPT_STACK_SIZE,
  OPT_THREADS,
  OPT_SSA_FRAME_SIZE,
  OPT_SSA_FRAMES,
  OPT_UNMEASURED_HEAP,
};
#define N_LAYOUT_OPTIONS 8
extern const struct option layout_options[N_LAYOUT_OPTIONS + 1];
struct layout_args
{
  const char *elf;
  const char *layout;
  uint64_t value[5]; /* heap, stack, threads, SSA frame size, SSA frames */
  unsigned int given;
  bool unmeasured_heap;
};
#define LAYOUT_OPTIONS_HELP                                                                        \
  "      --layout FILE          a JSON layout description (heap_size, stack_size, threads,\n"      \
  "                             ssa_frame_size, ssa_frames, heap_measured, attributes,\n"          \
  "                             miscselect); the flags below override it\n"                        \
  "      --heap-size N          heap bytes (default 1M; K, M, G suffixes)\n"                       \
  "      --stack-size N         stack bytes per thread (default 256K)\n"                           \
  "      --threads N            number of TCS (default 1)\n"                                       \
  "      --ssa-frame-size N     SSA frame size in pages (default 1)\n"                             \
  "      --ssa-frames N         SSA frames per thread (default 2)\n"                               \
  "      --unmeasured-heap      EADD the heap pages without EEXTEND\n"
/* Takes option c if it is one of the layout options: 0 taken, 1 usage error (printed), -1 not
   a layout option. */
int layout_args_apply (struct layout_args *a, const char *verb, int c, const char *arg);
bool layout_args_any (const struct layout_args *a);
/* The layout parameters: defaults, then the --layout file, then the flags; checked. */
int layout_args_params (const struct layout_args *a, struct sgx_layout_params *p, ic_error_t *err);
/* Reads --elf and lays it out. */
int layout_args_build (const struct layout_args *a, struct sgx_layout_params *p,
                       struct sgx_layout *out, ic_error_t *err);

/* The SIGSTRUCT fields sign and gendata take from the command line. */
struct sigstruct_args
{
  struct layout_args layout;
  bool attributes_given, miscselect_given;
  const char *sgxs;
  const char *enclavehash;
  const char *out;
  struct sgx_sigstruct s;
};
#define SIGSTRUCT_OPTIONS_HELP                                                                     \
  "      --sgxs FILE            measure this SGXS stream for ENCLAVEHASH, or\n"                    \
  "      --elf FILE             this ELF image, laid out (layout options below), or\n"             \
  "      --enclavehash HEX      take the measurement as given (64 hex digits)\n"                   \
  "      --isvprodid N          product id (default 0)\n"                                          \
  "      --isvsvn N             security version (default 0)\n"                                    \
  "      --attributes HEX       16 bytes (default: MODE64BIT, XFRM x87+SSE: 0400...0300...)\n"     \
  "      --attributemask HEX    16 bytes (default: all ones but DEBUG, XFRM mask 0x1b)\n"          \
  "      --miscselect N, --miscmask N\n"                                                           \
  "      --date YYYYMMDD        (default 20240101)\n"                                              \
  "      --vendor N             0 or 32902 (0x8086, Intel)\n"                                      \
  "  -o, --out FILE             where to write the result\n"                                       \
  "Layout options, with --elf (attributes and miscselect of a --layout file are used when\n"       \
  "--attributes and --miscselect are not given):\n" LAYOUT_OPTIONS_HELP
/* Parses those options (others are left to the caller: returns the option char). */
int sigstruct_args_parse (const char *verb, int argc, char **argv, const char *extra_short,
                          const struct option *extra_long, const char *usage,
                          struct sigstruct_args *a, int (*extra) (int c, void *ctx), void *ctx);

#endif
