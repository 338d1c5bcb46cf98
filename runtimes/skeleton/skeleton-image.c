/* skeleton-image: writes the skeleton's enclave image, an SGXS stream (the measurement
   records ECREATE, EADD, EEXTEND + data) of a small enclave: a TCS page, the content pages
   (the bytes of --content FILE, or a built-in greeting) and an SSA page. Sign it with
   `sgx-tools sign --key KEY --sgxs IMAGE -o SIGSTRUCT`. */
#include "buildconfig.h"
#include "measure.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[]
    = "Usage: skeleton-image [--content FILE] [--size BYTES] -o IMAGE\n"
      "\n"
      "Writes the skeleton enclave runtime's enclave image as an SGXS stream: a TCS page,\n"
      "the content pages (FILE's bytes, default a greeting) and an SSA page, every byte\n"
      "measured. Print its MRENCLAVE with `sgx-tools measure IMAGE`; sign it with\n"
      "`sgx-tools sign --key KEY --sgxs IMAGE -o SIGSTRUCT`.\n"
      "\n"
      "Options:\n"
      "  -c, --content FILE   the enclave's content pages (at most 16 MiB)\n"
      "  -s, --size BYTES     the enclave size, a power of two (default: the smallest that fits)\n"
      "  -o, --output IMAGE   where to write the SGXS stream\n"
      "  -h, --help           show this help\n"
      "  -v, --version        show the version\n";

static const char greeting[] = "Hello Inclavare Containers!\n";

static void
add_page (struct sgx_layout *l, uint64_t offset, uint64_t flags, const void *data, size_t len)
{
  struct sgx_page *p;
  l->pages = xrealloc (l->pages, (l->pages_len + 1) * sizeof (*l->pages));
  p = &l->pages[l->pages_len++];
  memset (p, 0, sizeof (*p));
  p->offset = offset;
  p->secinfo_flags = flags;
  p->measured = 0xffff;
  if (data)
    memcpy (p->data, data, len);
}

static int
write_sgxs (FILE *f, const struct sgx_layout *l)
{
  uint8_t rec[64];
  memset (rec, 0, 64);
  memcpy (rec, "ECREATE\0", 8);
  memcpy (rec + 8, &l->ssa_frame_size, 4);
  memcpy (rec + 12, &l->size, 8);
  if (fwrite (rec, 64, 1, f) != 1)
    return -1;
  for (size_t i = 0; i < l->pages_len; i++)
    {
      const struct sgx_page *p = &l->pages[i];
      memset (rec, 0, 64);
      memcpy (rec, "EADD\0\0\0\0", 8);
      memcpy (rec + 8, &p->offset, 8);
      memcpy (rec + 16, &p->secinfo_flags, 8);
      if (fwrite (rec, 64, 1, f) != 1)
        return -1;
      for (unsigned int c = 0; c < SGX_PAGE_SIZE / 256; c++)
        {
          uint64_t off = p->offset + c * 256;
          memset (rec, 0, 64);
          memcpy (rec, "EEXTEND\0", 8);
          memcpy (rec + 8, &off, 8);
          if (fwrite (rec, 64, 1, f) != 1 || fwrite (p->data + c * 256, 256, 1, f) != 1)
            return -1;
        }
    }
  return 0;
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "content", required_argument, NULL, 'c' }, { "size", required_argument, NULL, 's' },
    { "output", required_argument, NULL, 'o' },  { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },       { NULL, 0, NULL, 0 },
  };
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *content = NULL;
  const char *content_path = NULL, *output = NULL;
  struct sgx_layout layout = { .ssa_frame_size = 1 };
  unsigned long long size = 0;
  size_t len = sizeof (greeting) - 1, pages;
  uint8_t tcs[SGX_PAGE_SIZE] = { 0 };
  uint64_t offset;
  FILE *f;
  int c;

  while ((c = getopt_long (argc, argv, "c:s:o:hv", options, NULL)) != -1)
    switch (c)
      {
      case 'c':
        content_path = optarg;
        break;
      case 's':
        {
          char *end;
          errno = 0;
          size = strtoull (optarg, &end, 0);
          if (errno || *end || size < 4 * SGX_PAGE_SIZE || (size & (size - 1)))
            {
              fprintf (stderr, "skeleton-image: --size: `%s` is not a power of two >= 16384\n",
                       optarg);
              return 1;
            }
          break;
        }
      case 'o':
        output = optarg;
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      case 'v':
        printf ("skeleton-image %s\n", PACKAGE_VERSION);
        return 0;
      default:
        fprintf (stderr, "Try `skeleton-image --help`.\n");
        return 1;
      }
  if (output == NULL || optind != argc)
    {
      fprintf (stderr, "skeleton-image: %s\nTry `skeleton-image --help`.\n",
               output ? "too many arguments" : "--output is required");
      return 1;
    }
  if (content_path)
    {
      if (read_file_at (AT_FDCWD, content_path, 16 * 1024 * 1024, &content, &len, &err) < 0)
        {
          fprintf (stderr, "skeleton-image: --content: %s\n", ic_error_message (err));
          return 1;
        }
    }
  pages = 2 + (len + SGX_PAGE_SIZE - 1) / SGX_PAGE_SIZE + (len == 0);
  if (size == 0)
    for (size = 4 * SGX_PAGE_SIZE; size < pages * SGX_PAGE_SIZE; size *= 2)
      ;
  if (size < pages * SGX_PAGE_SIZE)
    {
      fprintf (stderr, "skeleton-image: --size: %llu bytes do not hold %zu pages\n", size, pages);
      return 1;
    }
  layout.size = size;
  /* TCS: OSSA (the SSA page's offset) at byte 16, NSSA 1 at byte 24. */
  offset = (pages - 1) * SGX_PAGE_SIZE;
  memcpy (tcs + 16, &offset, 8);
  tcs[24] = 1;
  add_page (&layout, 0, (uint64_t)SGX_PT_TCS << 8, tcs, sizeof (tcs));
  for (size_t i = 0; i + 2 < pages; i++)
    {
      size_t from = i * SGX_PAGE_SIZE, n = len - from < SGX_PAGE_SIZE ? len - from : SGX_PAGE_SIZE;
      add_page (&layout, (i + 1) * SGX_PAGE_SIZE,
                (uint64_t)SGX_PT_REG << 8 | SGX_SECINFO_R | SGX_SECINFO_X,
                content_path ? (const void *)(content + from) : greeting, len ? n : 0);
    }
  add_page (&layout, offset, (uint64_t)SGX_PT_REG << 8 | SGX_SECINFO_R | SGX_SECINFO_W, NULL, 0);
  f = fopen (output, "we");
  if (f == NULL)
    {
      fprintf (stderr, "skeleton-image: --output: create `%s`: %s\n", output, strerror (errno));
      sgx_layout_clear (&layout);
      return 1;
    }
  if (write_sgxs (f, &layout) < 0 || fclose (f) != 0)
    {
      fprintf (stderr, "skeleton-image: --output: write `%s`: %s\n", output, strerror (errno));
      sgx_layout_clear (&layout);
      return 1;
    }
  sgx_layout_clear (&layout);
  return 0;
}
