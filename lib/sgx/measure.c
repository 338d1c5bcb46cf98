#include "measure.h"
#include "utils.h"
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

struct sgx_measure
{
  EVP_MD_CTX *sha;
};

/* The 64-byte record of one instruction: its name, then little-endian fields. */
struct record
{
  uint8_t bytes[64];
  size_t used;
};

static void
put (struct record *r, const void *p, size_t n)
{
  memcpy (r->bytes + r->used, p, n);
  r->used += n;
}

static int
update (struct sgx_measure *m, const void *p, size_t n, ic_error_t *err)
{
  if (EVP_DigestUpdate (m->sha, p, n) != 1)
    return ic_error (err, EIO, "measure: SHA-256 update");
  return 0;
}

int
sgx_measure_ecreate (struct sgx_measure **out, uint32_t ssa_frame_size, uint64_t size,
                     ic_error_t *err)
{
  struct sgx_measure *m = xmalloc0 (sizeof (*m));
  struct record r = { { 0 }, 0 };

  m->sha = EVP_MD_CTX_new ();
  if (m->sha == NULL || EVP_DigestInit_ex (m->sha, EVP_sha256 (), NULL) != 1)
    {
      sgx_measure_free (m);
      return ic_error (err, ENOMEM, "measure: SHA-256 init");
    }
  put (&r, "ECREATE\0", 8);
  put (&r, &ssa_frame_size, 4);
  put (&r, &size, 8);
  if (update (m, r.bytes, 64, err) < 0)
    {
      sgx_measure_free (m);
      return -1;
    }
  *out = m;
  return 0;
}

int
sgx_measure_eadd (struct sgx_measure *m, uint64_t offset, uint64_t secinfo_flags, ic_error_t *err)
{
  struct record r = { { 0 }, 0 };
  put (&r, "EADD\0\0\0\0", 8);
  put (&r, &offset, 8);
  /* The first 48 bytes of SECINFO: the flags and reserved zeros. */
  put (&r, &secinfo_flags, 8);
  return update (m, r.bytes, 64, err);
}

int
sgx_measure_eextend (struct sgx_measure *m, uint64_t offset, const uint8_t data[256],
                     ic_error_t *err)
{
  struct record r = { { 0 }, 0 };
  put (&r, "EEXTEND\0", 8);
  put (&r, &offset, 8);
  if (update (m, r.bytes, 64, err) < 0)
    return -1;
  return update (m, data, 256, err);
}

int
sgx_measure_finish (struct sgx_measure **m, uint8_t mrenclave[32], ic_error_t *err)
{
  unsigned int len = 0;
  int ok = EVP_DigestFinal_ex ((*m)->sha, mrenclave, &len) == 1 && len == 32;
  sgx_measure_free (*m);
  *m = NULL;
  return ok ? 0 : ic_error (err, EIO, "measure: SHA-256 final");
}

void
sgx_measure_free (struct sgx_measure *m)
{
  if (m == NULL)
    return;
  EVP_MD_CTX_free (m->sha);
  free (m);
}

/* ---------------------------------------------------------------- layouts */

static struct sgx_page *
find_page (struct sgx_layout *l, uint64_t offset)
{
  for (size_t i = 0; i < l->pages_len; i++)
    if (l->pages[i].offset == (offset & ~(uint64_t)(SGX_PAGE_SIZE - 1)))
      return &l->pages[i];
  return NULL;
}

static int
read_ecreate (const uint8_t *rec, struct sgx_layout *out, ic_error_t *err)
{
  if (memcmp (rec, "ECREATE\0", 8) != 0)
    return ic_error (err, EINVAL, "SGXS: the stream must start with an ECREATE record");
  memcpy (&out->ssa_frame_size, rec + 8, 4);
  memcpy (&out->size, rec + 12, 8);
  if (out->size < 2 * SGX_PAGE_SIZE || (out->size & (out->size - 1)) != 0)
    return ic_error (err, EINVAL, "SGXS: ECREATE size %#llx is not a power of two >= 8 KiB",
                     (unsigned long long)out->size);
  if (out->ssa_frame_size == 0)
    return ic_error (err, EINVAL, "SGXS: ECREATE SSA frame size is 0");
  return 0;
}

static int
read_eadd (const uint8_t *rec, size_t index, struct sgx_layout *out, ic_error_t *err)
{
  uint64_t offset, flags;
  memcpy (&offset, rec + 8, 8);
  memcpy (&flags, rec + 16, 8);
  if (offset % SGX_PAGE_SIZE || offset >= out->size)
    return ic_error (err, EINVAL,
                     "SGXS: record %zu: EADD offset %#llx is not a page of the enclave", index,
                     (unsigned long long)offset);
  if (find_page (out, offset))
    return ic_error (err, EINVAL, "SGXS: record %zu: page %#llx added twice", index,
                     (unsigned long long)offset);
  for (size_t k = 24; k < 64; k++)
    if (rec[k])
      return ic_error (err, EINVAL, "SGXS: record %zu: reserved SECINFO bytes are not zero", index);
  out->pages = xrealloc (out->pages, (out->pages_len + 1) * sizeof (*out->pages));
  memset (&out->pages[out->pages_len], 0, sizeof (*out->pages));
  out->pages[out->pages_len].offset = offset;
  out->pages[out->pages_len].secinfo_flags = flags;
  out->pages_len++;
  return 0;
}

static int
read_eextend (const uint8_t *rec, const uint8_t *data, size_t index, struct sgx_layout *out,
              ic_error_t *err)
{
  uint64_t offset;
  struct sgx_page *page;
  unsigned int chunk;

  memcpy (&offset, rec + 8, 8);
  page = offset % 256 ? NULL : find_page (out, offset);
  if (page == NULL)
    return ic_error (
        err, EINVAL,
        "SGXS: record %zu: EEXTEND offset %#llx is not a 256-byte chunk of an added page", index,
        (unsigned long long)offset);
  chunk = (offset % SGX_PAGE_SIZE) / 256;
  /* Our layouts measure a page's chunks once each, in order, right after its EADD. */
  if (page != &out->pages[out->pages_len - 1] || (page->measured >> chunk) != 0)
    return ic_error (err, EINVAL, "SGXS: record %zu: EEXTEND %#llx out of order", index,
                     (unsigned long long)offset);
  page->measured |= 1u << chunk;
  memcpy (page->data + chunk * 256, data, 256);
  return 0;
}

int
sgx_layout_from_sgxs (const uint8_t *data, size_t len, struct sgx_layout *out, ic_error_t *err)
{
  size_t pos = 64, index = 1;

  memset (out, 0, sizeof (*out));
  if (len < 64 || read_ecreate (data, out, err) < 0)
    return err && *err ? -1 : ic_error (err, EINVAL, "SGXS: shorter than one record");
  while (pos < len)
    {
      const uint8_t *rec = data + pos;
      int ret;
      if (len - pos < 64)
        ret = ic_error (err, EINVAL, "SGXS: record %zu is truncated", index);
      else if (memcmp (rec, "EADD\0\0\0\0", 8) == 0)
        ret = read_eadd (rec, index, out, err);
      else if (memcmp (rec, "EEXTEND\0", 8) == 0)
        ret = len - pos < 64 + 256
                  ? ic_error (err, EINVAL, "SGXS: record %zu: EEXTEND data is truncated", index)
                  : read_eextend (rec, rec + 64, index, out, err);
      else
        ret = ic_error (err, EINVAL, "SGXS: record %zu: unknown record `%.8s`", index, rec);
      if (ret < 0)
        {
          sgx_layout_clear (out);
          return -1;
        }
      pos += memcmp (rec, "EEXTEND\0", 8) == 0 ? 64 + 256 : 64;
      index++;
    }
  return 0;
}

int
sgx_layout_measure (const struct sgx_layout *l, uint8_t mrenclave[32], ic_error_t *err)
{
  struct sgx_measure *m = NULL;

  if (sgx_measure_ecreate (&m, l->ssa_frame_size, l->size, err) < 0)
    return -1;
  for (size_t i = 0; i < l->pages_len; i++)
    {
      const struct sgx_page *p = &l->pages[i];
      if (sgx_measure_eadd (m, p->offset, p->secinfo_flags, err) < 0)
        goto fail;
      for (unsigned int c = 0; c < SGX_PAGE_SIZE / 256; c++)
        if ((p->measured >> c) & 1
            && sgx_measure_eextend (m, p->offset + c * 256, p->data + c * 256, err) < 0)
          goto fail;
    }
  return sgx_measure_finish (&m, mrenclave, err);
fail:
  sgx_measure_free (m);
  return -1;
}

int
sgx_layout_to_sgxs (const struct sgx_layout *l, uint8_t **out, size_t *len, ic_error_t *err)
{
  size_t n = 64, pos = 0;
  struct record r = { { 0 }, 0 };
  uint8_t *buf;

  for (size_t i = 0; i < l->pages_len; i++)
    n += 64 + (size_t)__builtin_popcount (l->pages[i].measured) * (64 + 256);
  buf = xmalloc0 (n);
  put (&r, "ECREATE\0", 8);
  put (&r, &l->ssa_frame_size, 4);
  put (&r, &l->size, 8);
  memcpy (buf, r.bytes, 64);
  pos = 64;
  for (size_t i = 0; i < l->pages_len; i++)
    {
      const struct sgx_page *p = &l->pages[i];
      memcpy (buf + pos, "EADD\0\0\0\0", 8);
      memcpy (buf + pos + 8, &p->offset, 8);
      memcpy (buf + pos + 16, &p->secinfo_flags, 8);
      pos += 64;
      for (unsigned int c = 0; c < SGX_PAGE_SIZE / 256; c++)
        if ((p->measured >> c) & 1)
          {
            uint64_t offset = p->offset + c * 256;
            memcpy (buf + pos, "EEXTEND\0", 8);
            memcpy (buf + pos + 8, &offset, 8);
            memcpy (buf + pos + 64, p->data + c * 256, 256);
            pos += 64 + 256;
          }
    }
  if (pos != n)
    {
      free (buf);
      return ic_error (err, EINVAL, "SGXS: internal size mismatch");
    }
  *out = buf;
  *len = n;
  return 0;
}

void
sgx_layout_clear (struct sgx_layout *l)
{
  free (l->pages);
  memset (l, 0, sizeof (*l));
}
