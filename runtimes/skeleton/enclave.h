/* The skeleton's enclave on the software TEE: built from an enclave image and its SIGSTRUCT
   the way the hardware builds one (ECREATE/EADD/EEXTEND measure the image's pages; EINIT
   checks the SIGSTRUCT against that measurement and the enclave's attributes). */
#ifndef SKELETON_ENCLAVE_H
#define SKELETON_ENCLAVE_H

#include "error.h"
#include "measure.h"
#include "sim.h"
#include <stdbool.h>

/* An enclave image: an SGXS stream (the measurement records), or an ELF image laid out with
   the default layout of sgx_layout_from_elf (sgx_layout_params_init). The format is chosen
   by the file's first bytes. */
int skel_image_load (const char *path, struct sgx_layout *out, ic_error_t *err);

struct skel_enclave
{
  struct sim_platform *platform;
  struct sim_enclave enclave;
};

/* Builds and EINITs the enclave (attributes MODE64BIT, plus DEBUG when debug is set; XFRM
   x87|SSE; MISCSELECT 0) on the platform of $INCLAVARE_SIM_DIR. */
int skel_enclave_create (const char *image, const char *sigstruct, bool debug,
                         struct skel_enclave *out, ic_error_t *err);
void skel_enclave_destroy (struct skel_enclave *e);

#endif
