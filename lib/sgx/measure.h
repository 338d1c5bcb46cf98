/* MRENCLAVE: the SHA-256 the processor accumulates while an enclave is built. ECREATE,
   every EADD and every EEXTEND contribute a 64-byte record (EEXTEND also its 256 bytes of
   data), so the measurement of a layout is fixed by its size, SSA frame size, pages (offset,
   SECINFO flags) and which 256-byte chunks of each page are measured. */
#ifndef SGX_MEASURE_H
#define SGX_MEASURE_H

#include "error.h"
#include "sgx-types.h"
#include <stdbool.h>
#include <stddef.h>

struct sgx_measure;

int sgx_measure_ecreate (struct sgx_measure **m, uint32_t ssa_frame_size, uint64_t size,
                         ic_error_t *err);
int sgx_measure_eadd (struct sgx_measure *m, uint64_t offset, uint64_t secinfo_flags,
                      ic_error_t *err);
int sgx_measure_eextend (struct sgx_measure *m, uint64_t offset, const uint8_t data[256],
                         ic_error_t *err);
/* Ends the measurement; *m is freed. */
int sgx_measure_finish (struct sgx_measure **m, uint8_t mrenclave[32], ic_error_t *err);
void sgx_measure_free (struct sgx_measure *m);

/* An enclave as a list of pages. */
struct sgx_page
{
  uint64_t offset;        /* from the enclave base, page aligned */
  uint64_t secinfo_flags; /* permissions and page type */
  uint16_t measured;      /* bit i: the i-th 256-byte chunk is EEXTENDed */
  uint8_t data[SGX_PAGE_SIZE];
};

struct sgx_layout
{
  uint64_t size; /* SECS.SIZE: a power of two */
  uint32_t ssa_frame_size;
  struct sgx_page *pages;
  size_t pages_len;
};

/* Reads an SGXS stream (the measurement records themselves: ECREATE, EADD, EEXTEND + data)
   into a layout; errors name the record at fault. */
int sgx_layout_from_sgxs (const uint8_t *data, size_t len, struct sgx_layout *out, ic_error_t *err);
/* Measures a layout: ECREATE, then for each page EADD and its EEXTENDs in order. */
int sgx_layout_measure (const struct sgx_layout *layout, uint8_t mrenclave[32], ic_error_t *err);
/* The SGXS stream of a layout (what sgx_layout_from_sgxs reads; its SHA-256 is MRENCLAVE);
 *out is malloc'ed. */
int sgx_layout_to_sgxs (const struct sgx_layout *layout, uint8_t **out, size_t *len,
                        ic_error_t *err);
void sgx_layout_clear (struct sgx_layout *layout);

#endif
