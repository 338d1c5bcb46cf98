/* An enclave image given as an ELF shared object, laid out the way an SGX signing tool lays an
   enclave out: the image's PT_LOAD segments, then the heap, then for each thread a guard gap,
   its stack, its TCS and its SSA frames. docs/sgx-tools.md ("Enclave layout of an ELF image")
   describes every page, so that anyone can reproduce the MRENCLAVE. The ELF is untrusted input:
   it is validated strictly and errors name the field at fault. */
#ifndef SGX_ELF_LAYOUT_H
#define SGX_ELF_LAYOUT_H

#include "error.h"
#include "measure.h"
#include "sgx-types.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sgx_layout_params
{
  uint64_t heap_size;      /* bytes, a multiple of the page size (may be 0) */
  uint64_t stack_size;     /* bytes per thread, a multiple of the page size, at least a page */
  uint32_t threads;        /* number of TCS, 1..SGX_LAYOUT_MAX_THREADS */
  uint32_t ssa_frame_size; /* SECS.SSAFRAMESIZE, in pages, 1..SGX_LAYOUT_MAX_SSA_FRAME_SIZE */
  uint32_t ssa_frames;     /* TCS.NSSA, 1..SGX_LAYOUT_MAX_SSA_FRAMES */
  bool heap_measured;      /* EEXTEND the heap pages (else they are only EADDed) */
  struct sgx_attributes attributes; /* SECS.ATTRIBUTES: MODE64BIT, and XFRM with x87 and SSE */
  uint32_t miscselect;
  uint64_t max_pages; /* refuse layouts of more pages (0: SGX_LAYOUT_MAX_PAGES) */
};

#define SGX_LAYOUT_MAX_THREADS 4096
#define SGX_LAYOUT_MAX_SSA_FRAME_SIZE 16
#define SGX_LAYOUT_MAX_SSA_FRAMES 16
#define SGX_LAYOUT_MAX_PAGES (1ULL << 18) /* 1 GiB of pages held in memory */

/* Defaults: 1 MiB heap (measured), 256 KiB stacks, 1 thread, SSA frames of 1 page, 2 frames,
   attributes MODE64BIT with XFRM x87+SSE. */
void sgx_layout_params_init (struct sgx_layout_params *p);
/* Checks params (errors name the parameter, as the JSON layout spells it). */
int sgx_layout_params_check (const struct sgx_layout_params *p, ic_error_t *err);
/* Reads a JSON layout description into p (fields not given keep their value), e.g.
   {"heap_size": "1M", "stack_size": 65536, "threads": 2, "ssa_frame_size": 1, "ssa_frames": 2,
    "heap_measured": true, "attributes": "<32 hex digits>", "miscselect": 0}. Unknown fields are
   refused. Sizes are integers or strings with an optional K, M or G suffix. */
int sgx_layout_params_from_json (const char *text, struct sgx_layout_params *p, ic_error_t *err);
/* "65536", "0x10000", "64K", "1M", "2G" -> bytes; -1 when malformed or overflowing. */
int sgx_parse_size (const char *text, uint64_t *out);

/* Lays out the ELF image with params: out receives the pages (see measure.h) in the order they
   are added and measured; free it with sgx_layout_clear. */
int sgx_layout_from_elf (const uint8_t *elf, size_t len, const struct sgx_layout_params *params,
                         struct sgx_layout *out, ic_error_t *err);

#endif
