#include "enclave.h"
#include "elf-layout.h"
#include "sigstruct.h"
#include "utils.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Far above the skeleton's own image. */
#define IMAGE_MAX_SIZE (256 * 1024 * 1024)

int
skel_image_load (const char *path, struct sgx_layout *out, ic_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (read_file_at (AT_FDCWD, path, IMAGE_MAX_SIZE, &data, &len, err) < 0)
    return ic_error_wrap (err, "enclave image");
  if (len >= SELFMAG && memcmp (data, ELFMAG, SELFMAG) == 0)
    {
      /* An ELF image is laid out with the default layout, as `sgx-tools sign --elf IMAGE`
         (without layout options) lays it out to compute the ENCLAVEHASH it signs. */
      struct sgx_layout_params params;
      sgx_layout_params_init (&params);
      if (sgx_layout_from_elf ((const uint8_t *)data, len, &params, out, err) < 0)
        return ic_error_wrap (err, "enclave image `%s`", path);
      return 0;
    }
  if (len < 8 || memcmp (data, "ECREATE\0", 8) != 0)
    return ic_error (err, ENOEXEC, "enclave image `%s`: neither an SGXS stream nor an ELF file",
                     path);
  if (sgx_layout_from_sgxs ((const uint8_t *)data, len, out, err) < 0)
    return ic_error_wrap (err, "enclave image `%s`", path);
  return 0;
}

int
skel_enclave_create (const char *image, const char *sigstruct_path, bool debug,
                     struct skel_enclave *out, ic_error_t *err)
{
  struct sgx_layout layout = { 0 };
  struct sgx_sigstruct sigstruct;
  struct sgx_attributes attributes
      = { .flags = SGX_ATTR_MODE64BIT | (debug ? SGX_ATTR_DEBUG : 0), .xfrm = 0x3 };
  uint8_t mrenclave[32];
  int ret;

  memset (out, 0, sizeof (*out));
  if (skel_image_load (image, &layout, err) < 0)
    return -1;
  ret = sgx_layout_measure (&layout, mrenclave, err);
  sgx_layout_clear (&layout);
  if (ret < 0 || sgx_sigstruct_load (sigstruct_path, &sigstruct, err) < 0)
    return -1;
  if (sim_platform_open (NULL, &out->platform, err) < 0)
    return ic_error_wrap (err, "software TEE");
  if (sim_enclave_init (out->platform, mrenclave, &attributes, 0, &sigstruct, &out->enclave, err)
      < 0)
    {
      sim_platform_free (out->platform);
      out->platform = NULL;
      return ic_error_wrap (err, "EINIT of `%s` with SIGSTRUCT `%s`", image, sigstruct_path);
    }
  return 0;
}

void
skel_enclave_destroy (struct skel_enclave *e)
{
  if (e->platform)
    sim_platform_free (e->platform);
  memset (e, 0, sizeof (*e));
}
