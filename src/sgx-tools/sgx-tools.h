/* sgx-tools: a thin CLI over lib/sgx; one verb per file. */
#ifndef SGX_TOOLS_H
#define SGX_TOOLS_H

#include "error.h"
#include "sgx-types.h"
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

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
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sgx_tools_hex (const uint8_t *b, size_t n, char *out);
/* n bytes from 2n hex digits; -1 on anything else. */
int sgx_tools_unhex (const char *text, uint8_t *out, size_t n);

/* The SIGSTRUCT fields sign and gendata take from the command line. */
struct sigstruct_args
{
  const char *sgxs;
  const char *enclavehash;
  const char *out;
  struct sgx_sigstruct s;
};
#define SIGSTRUCT_OPTIONS_HELP                                                                     \
  "      --sgxs FILE            measure this SGXS stream for ENCLAVEHASH, or\n"                    \
  "      --enclavehash HEX      take the measurement as given (64 hex digits)\n"                   \
  "      --isvprodid N          product id (default 0)\n"                                          \
  "      --isvsvn N             security version (default 0)\n"                                    \
  "      --attributes HEX       16 bytes (default: MODE64BIT, XFRM x87+SSE: 0400...0300...)\n"     \
  "      --attributemask HEX    16 bytes (default: all ones but DEBUG, XFRM mask 0x1b)\n"          \
  "      --miscselect N, --miscmask N\n"                                                           \
  "      --date YYYYMMDD        (default 20240101)\n"                                              \
  "      --vendor N             0 or 32902 (0x8086, Intel)\n"                                      \
  "  -o, --out FILE             where to write the result\n"
/* Parses those options (others are left to the caller: returns the option char). */
int sigstruct_args_parse (const char *verb, int argc, char **argv, const char *extra_short,
                          const struct option *extra_long, const char *usage,
                          struct sigstruct_args *a, int (*extra) (int c, void *ctx), void *ctx);

#endif
