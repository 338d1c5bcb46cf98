#include "elf-layout.h"
#include "utils.h"
#include <elf.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define PAGE ((uint64_t)SGX_PAGE_SIZE)
/* The largest enclave (SECS.SIZE) we lay out: 64 GiB, as large as processors allow. */
#define SGX_LAYOUT_MAX_SIZE (1ULL << 36)
#define REG_PAGE ((uint64_t)SGX_PT_REG << 8)
#define TCS_PAGE ((uint64_t)SGX_PT_TCS << 8)
#define ALL_CHUNKS 0xffff

static uint64_t
page_down (uint64_t x)
{
  return x & ~(PAGE - 1);
}

static uint64_t
page_up (uint64_t x)
{
  return (x + PAGE - 1) & ~(PAGE - 1);
}

void
sgx_layout_params_init (struct sgx_layout_params *p)
{
  memset (p, 0, sizeof (*p));
  p->heap_size = 1 << 20;
  p->stack_size = 256 << 10;
  p->threads = 1;
  p->ssa_frame_size = 1;
  p->ssa_frames = 2;
  p->heap_measured = true;
  p->attributes.flags = SGX_ATTR_MODE64BIT;
  p->attributes.xfrm = 0x3;
}

int
sgx_layout_params_check (const struct sgx_layout_params *p, ic_error_t *err)
{
  if (p->heap_size % PAGE || p->heap_size > SGX_LAYOUT_MAX_SIZE)
    return ic_error (err, EINVAL, "layout: heap_size %#llx is not a multiple of 4096 up to 64 GiB",
                     (unsigned long long)p->heap_size);
  if (p->stack_size % PAGE || p->stack_size == 0 || p->stack_size > SGX_LAYOUT_MAX_SIZE)
    return ic_error (err, EINVAL,
                     "layout: stack_size %#llx is not a non-zero multiple of 4096 up to 64 GiB",
                     (unsigned long long)p->stack_size);
  if (p->threads == 0 || p->threads > SGX_LAYOUT_MAX_THREADS)
    return ic_error (err, EINVAL, "layout: threads %u is not in 1..%u", p->threads,
                     SGX_LAYOUT_MAX_THREADS);
  if (p->ssa_frame_size == 0 || p->ssa_frame_size > SGX_LAYOUT_MAX_SSA_FRAME_SIZE)
    return ic_error (err, EINVAL, "layout: ssa_frame_size %u (pages) is not in 1..%u",
                     p->ssa_frame_size, SGX_LAYOUT_MAX_SSA_FRAME_SIZE);
  if (p->ssa_frames == 0 || p->ssa_frames > SGX_LAYOUT_MAX_SSA_FRAMES)
    return ic_error (err, EINVAL, "layout: ssa_frames %u is not in 1..%u", p->ssa_frames,
                     SGX_LAYOUT_MAX_SSA_FRAMES);
  if (!(p->attributes.flags & SGX_ATTR_MODE64BIT))
    return ic_error (err, EINVAL, "layout: attributes: MODE64BIT must be set for an ELF64 image");
  if (p->attributes.flags & SGX_ATTR_INIT)
    return ic_error (err, EINVAL, "layout: attributes: INIT must not be set (EINIT sets it)");
  if ((p->attributes.xfrm & 0x3) != 0x3)
    return ic_error (err, EINVAL, "layout: attributes: XFRM must enable x87 and SSE (bits 0, 1)");
  if (p->max_pages > SGX_LAYOUT_MAX_PAGES)
    return ic_error (err, EINVAL, "layout: max_pages %llu exceeds %llu",
                     (unsigned long long)p->max_pages, (unsigned long long)SGX_LAYOUT_MAX_PAGES);
  return 0;
}

/* ---------------------------------------------------------------- JSON layout */

int
sgx_parse_size (const char *text, uint64_t *out)
{
  unsigned long long v;
  unsigned int shift = 0;
  char *end;

  if (text == NULL || *text < '0' || *text > '9')
    return -1;
  errno = 0;
  v = strtoull (text, &end, 0);
  if (errno || end == text)
    return -1;
  if (*end == 'K' || *end == 'k')
    shift = 10;
  else if (*end == 'M' || *end == 'm')
    shift = 20;
  else if (*end == 'G' || *end == 'g')
    shift = 30;
  if (shift)
    end++;
  if (*end || (shift && v > (UINT64_MAX >> shift)))
    return -1;
  *out = (uint64_t)v << shift;
  return 0;
}

static int
json_size (json_object *v, const char *key, uint64_t max, uint64_t *out, ic_error_t *err)
{
  if (json_object_is_type (v, json_type_int) && json_object_get_int64 (v) >= 0)
    *out = json_object_get_int64 (v);
  else if (!json_object_is_type (v, json_type_string)
           || sgx_parse_size (json_object_get_string (v), out) < 0)
    return ic_error (err, EINVAL, "layout: %s: expected a size (a number, or \"64K\", \"1M\"...)",
                     key);
  if (*out > max)
    return ic_error (err, EINVAL, "layout: %s: %llu is too large (at most %llu)", key,
                     (unsigned long long)*out, (unsigned long long)max);
  return 0;
}

static int
json_u32 (json_object *v, const char *key, uint32_t *out, ic_error_t *err)
{
  uint64_t n;
  if (json_size (v, key, UINT32_MAX, &n, err) < 0)
    return -1;
  *out = n;
  return 0;
}

static int
json_attributes (json_object *v, struct sgx_attributes *out, ic_error_t *err)
{
  const char *text = json_object_is_type (v, json_type_string) ? json_object_get_string (v) : "";
  uint8_t bytes[16];
  if (strlen (text) != 32)
    return ic_error (err, EINVAL, "layout: attributes: expected 32 hex digits (16 bytes)");
  for (size_t i = 0; i < 16; i++)
    {
      char pair[3] = { text[2 * i], text[2 * i + 1], 0 };
      if (!strchr ("0123456789abcdefABCDEF", pair[0])
          || !strchr ("0123456789abcdefABCDEF", pair[1]))
        return ic_error (err, EINVAL, "layout: attributes: expected 32 hex digits (16 bytes)");
      bytes[i] = strtoul (pair, NULL, 16);
    }
  memcpy (out, bytes, 16);
  return 0;
}

int
sgx_layout_params_from_json (const char *text, struct sgx_layout_params *p, ic_error_t *err)
{
  enum json_tokener_error jerr = json_tokener_success;
  json_object *root = json_tokener_parse_verbose (text, &jerr);
  int ret = 0;

  if (root == NULL || !json_object_is_type (root, json_type_object))
    {
      json_object_put (root);
      return ic_error (err, EINVAL, "layout: not a JSON object%s%s", root ? "" : ": ",
                       root ? "" : json_tokener_error_desc (jerr));
    }
  json_object_object_foreach (root, key, v)
  {
    uint64_t n;
    if (strcmp (key, "heap_size") == 0)
      ret = json_size (v, key, SGX_LAYOUT_MAX_SIZE, &p->heap_size, err);
    else if (strcmp (key, "stack_size") == 0)
      ret = json_size (v, key, SGX_LAYOUT_MAX_SIZE, &p->stack_size, err);
    else if (strcmp (key, "threads") == 0)
      ret = json_u32 (v, key, &p->threads, err);
    else if (strcmp (key, "ssa_frame_size") == 0)
      ret = json_u32 (v, key, &p->ssa_frame_size, err);
    else if (strcmp (key, "ssa_frames") == 0)
      ret = json_u32 (v, key, &p->ssa_frames, err);
    else if (strcmp (key, "miscselect") == 0)
      ret = json_u32 (v, key, &p->miscselect, err);
    else if (strcmp (key, "max_pages") == 0)
      ret = json_size (v, key, SGX_LAYOUT_MAX_PAGES, &n, err) < 0 ? -1 : (p->max_pages = n, 0);
    else if (strcmp (key, "heap_measured") == 0)
      {
        if (!json_object_is_type (v, json_type_boolean))
          ret = ic_error (err, EINVAL, "layout: heap_measured: expected true or false");
        else
          p->heap_measured = json_object_get_boolean (v);
      }
    else if (strcmp (key, "attributes") == 0)
      ret = json_attributes (v, &p->attributes, err);
    else
      ret = ic_error (err, EINVAL, "layout: unknown field `%s`", key);
    if (ret < 0)
      break;
  }
  json_object_put (root);
  return ret < 0 ? -1 : sgx_layout_params_check (p, err);
}

/* ---------------------------------------------------------------- the ELF image */

struct segment
{
  unsigned int index; /* of its program header, for errors */
  uint64_t vaddr, memsz, offset, filesz;
  uint64_t secinfo; /* R/W/X and the page type */
};

struct image
{
  struct segment *segs;
  size_t nsegs;
  uint64_t entry, end;
};

static int
read_ehdr (const uint8_t *elf, size_t len, Elf64_Ehdr *eh, ic_error_t *err)
{
  if (len < sizeof (*eh))
    return ic_error (err, EINVAL, "ELF: %zu bytes is shorter than the ELF64 header (64)", len);
  memcpy (eh, elf, sizeof (*eh));
  if (memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0)
    return ic_error (err, EINVAL, "ELF: e_ident: bad magic (not an ELF file)");
  if (eh->e_ident[EI_CLASS] != ELFCLASS64)
    return ic_error (err, EINVAL, "ELF: e_ident[EI_CLASS] %u: not ELF64", eh->e_ident[EI_CLASS]);
  if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
    return ic_error (err, EINVAL, "ELF: e_ident[EI_DATA] %u: not little-endian",
                     eh->e_ident[EI_DATA]);
  if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
    return ic_error (err, EINVAL, "ELF: e_version: not EV_CURRENT");
  if (eh->e_type != ET_DYN)
    return ic_error (err, EINVAL, "ELF: e_type %u: not a shared object (ET_DYN)", eh->e_type);
  if (eh->e_machine != EM_X86_64)
    return ic_error (err, EINVAL, "ELF: e_machine %u: not x86-64 (62)", eh->e_machine);
  if (eh->e_ehsize != sizeof (Elf64_Ehdr))
    return ic_error (err, EINVAL, "ELF: e_ehsize %u: expected 64", eh->e_ehsize);
  if (eh->e_phentsize != sizeof (Elf64_Phdr))
    return ic_error (err, EINVAL, "ELF: e_phentsize %u: expected 56", eh->e_phentsize);
  if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
    return ic_error (err, EINVAL, "ELF: e_phnum %u: no program headers", eh->e_phnum);
  if (eh->e_phoff > len || (len - eh->e_phoff) / sizeof (Elf64_Phdr) < eh->e_phnum)
    return ic_error (err, EINVAL,
                     "ELF: e_phoff %#llx, e_phnum %u: the program headers run past the end of "
                     "the file (%zu bytes)",
                     (unsigned long long)eh->e_phoff, eh->e_phnum, len);
  return 0;
}

static int
read_load (const Elf64_Phdr *ph, unsigned int i, size_t len, struct segment *s, ic_error_t *err)
{
  uint64_t end;
  if (ph->p_memsz == 0)
    return ic_error (err, EINVAL, "ELF: program header %u: PT_LOAD with p_memsz 0", i);
  if (ph->p_filesz > ph->p_memsz)
    return ic_error (err, EINVAL, "ELF: program header %u: p_filesz %#llx > p_memsz %#llx", i,
                     (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
  if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
    return ic_error (err, EINVAL,
                     "ELF: program header %u: p_offset %#llx + p_filesz %#llx runs past the end "
                     "of the file (%zu bytes)",
                     i, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz, len);
  if (ph->p_align < PAGE || (ph->p_align & (ph->p_align - 1)) != 0)
    return ic_error (err, EINVAL,
                     "ELF: program header %u: p_align %#llx is not a power of two of at least "
                     "4096",
                     i, (unsigned long long)ph->p_align);
  if ((ph->p_vaddr - ph->p_offset) % ph->p_align != 0)
    return ic_error (err, EINVAL,
                     "ELF: program header %u: p_vaddr %#llx and p_offset %#llx are not congruent "
                     "modulo p_align",
                     i, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset);
  if (__builtin_add_overflow (ph->p_vaddr, ph->p_memsz, &end) || end > SGX_LAYOUT_MAX_SIZE)
    return ic_error (err, EINVAL,
                     "ELF: program header %u: p_vaddr %#llx + p_memsz %#llx is beyond the largest "
                     "enclave (64 GiB)",
                     i, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz);
  if (ph->p_flags & ~(uint32_t)(PF_R | PF_W | PF_X))
    return ic_error (err, EINVAL, "ELF: program header %u: p_flags %#x has unknown bits", i,
                     ph->p_flags);
  if ((ph->p_flags & (PF_R | PF_W | PF_X)) == 0)
    return ic_error (err, EINVAL, "ELF: program header %u: p_flags grants no access", i);
  s->index = i;
  s->vaddr = ph->p_vaddr;
  s->memsz = ph->p_memsz;
  s->offset = ph->p_offset;
  s->filesz = ph->p_filesz;
  s->secinfo = REG_PAGE | (ph->p_flags & PF_R ? SGX_SECINFO_R : 0)
               | (ph->p_flags & PF_W ? SGX_SECINFO_W : 0)
               | (ph->p_flags & PF_X ? SGX_SECINFO_X : 0);
  return 0;
}

static int
read_image (const uint8_t *elf, size_t len, struct image *img, ic_error_t *err)
{
  Elf64_Ehdr eh;
  bool entry_ok = false;

  memset (img, 0, sizeof (*img));
  if (read_ehdr (elf, len, &eh, err) < 0)
    return -1;
  img->segs = xmalloc0 (eh.e_phnum * sizeof (*img->segs));
  for (unsigned int i = 0; i < eh.e_phnum; i++)
    {
      Elf64_Phdr ph;
      struct segment *s = &img->segs[img->nsegs], *prev = img->nsegs ? s - 1 : NULL;

      memcpy (&ph, elf + eh.e_phoff + i * sizeof (ph), sizeof (ph));
      if (ph.p_type == PT_INTERP)
        return ic_error (err, EINVAL,
                         "ELF: program header %u: PT_INTERP: an enclave image cannot have an "
                         "interpreter",
                         i);
      if (ph.p_type != PT_LOAD)
        continue;
      if (read_load (&ph, i, len, s, err) < 0)
        return -1;
      if (prev && page_down (s->vaddr) < page_up (prev->vaddr + prev->memsz))
        {
          if (page_up (s->vaddr + s->memsz) > page_down (prev->vaddr))
            return ic_error (err, EINVAL,
                             "ELF: program headers %u and %u: PT_LOAD segments overlap (page "
                             "%#llx)",
                             prev->index, i, (unsigned long long)page_down (s->vaddr));
          return ic_error (err, EINVAL,
                           "ELF: program header %u: PT_LOAD segments are not in ascending p_vaddr "
                           "order",
                           i);
        }
      if (eh.e_entry >= s->vaddr && eh.e_entry - s->vaddr < s->memsz
          && (s->secinfo & SGX_SECINFO_X))
        entry_ok = true;
      img->end = page_up (s->vaddr + s->memsz);
      img->nsegs++;
    }
  if (img->nsegs == 0)
    return ic_error (err, EINVAL, "ELF: no PT_LOAD segment");
  if (!entry_ok)
    return ic_error (err, EINVAL, "ELF: e_entry %#llx is not in an executable PT_LOAD segment",
                     (unsigned long long)eh.e_entry);
  img->entry = eh.e_entry;
  return 0;
}

/* ---------------------------------------------------------------- the layout */

static struct sgx_page *
add_page (struct sgx_layout *l, uint64_t offset, uint64_t secinfo, uint16_t measured)
{
  struct sgx_page *p = &l->pages[l->pages_len++];
  p->offset = offset;
  p->secinfo_flags = secinfo;
  p->measured = measured;
  return p;
}

/* The pages after the image: their count and the end of the enclave's last page. */
static uint64_t
rest_size (const struct sgx_layout_params *pa, const struct image *img, uint64_t *count)
{
  uint64_t per_thread
      = 1 + pa->stack_size / PAGE + 1 + (uint64_t)pa->ssa_frames * pa->ssa_frame_size;
  /* Bounded terms (64 GiB, 4096 threads of at most 64 GiB + 258 pages): no overflow. */
  *count += pa->heap_size / PAGE + pa->threads * (per_thread - 1);
  return img->end + pa->heap_size + pa->threads * per_thread * PAGE;
}

/* Adds the heap, then per thread: a guard gap, the stack, the TCS, the SSA frames. */
static void
lay_out_rest (const struct sgx_layout_params *pa, const struct image *img, struct sgx_layout *l)
{
  uint64_t at = img->end, ssa_pages = (uint64_t)pa->ssa_frames * pa->ssa_frame_size;

  for (uint64_t o = 0; o < pa->heap_size; o += PAGE, at += PAGE)
    add_page (l, at, REG_PAGE | SGX_SECINFO_R | SGX_SECINFO_W, pa->heap_measured ? ALL_CHUNKS : 0);
  for (uint32_t t = 0; t < pa->threads; t++)
    {
      struct sgx_tcs tcs = { 0 };
      at += PAGE; /* the guard gap: no page */
      for (uint64_t o = 0; o < pa->stack_size; o += PAGE, at += PAGE)
        add_page (l, at, REG_PAGE | SGX_SECINFO_R | SGX_SECINFO_W, ALL_CHUNKS);
      tcs.ossa = at + PAGE;
      tcs.nssa = pa->ssa_frames;
      tcs.oentry = img->entry;
      memcpy (add_page (l, at, TCS_PAGE, ALL_CHUNKS)->data, &tcs, sizeof (tcs));
      at += PAGE;
      for (uint64_t s = 0; s < ssa_pages; s++, at += PAGE)
        add_page (l, at, REG_PAGE | SGX_SECINFO_R | SGX_SECINFO_W, ALL_CHUNKS);
    }
}

static void
copy_segment (struct sgx_layout *l, const uint8_t *elf, const struct segment *s)
{
  for (uint64_t at = page_down (s->vaddr); at < s->vaddr + s->memsz; at += PAGE)
    {
      struct sgx_page *p = add_page (l, at, s->secinfo, ALL_CHUNKS);
      /* The file bytes of this page: [max(at, vaddr), min(at + PAGE, vaddr + filesz)). */
      uint64_t from = at > s->vaddr ? at : s->vaddr;
      uint64_t to = s->vaddr + s->filesz < at + PAGE ? s->vaddr + s->filesz : at + PAGE;
      if (from < to)
        memcpy (p->data + (from - at), elf + s->offset + (from - s->vaddr), to - from);
    }
}

int
sgx_layout_from_elf (const uint8_t *elf, size_t len, const struct sgx_layout_params *params,
                     struct sgx_layout *out, ic_error_t *err)
{
  uint64_t max = params->max_pages ? params->max_pages : SGX_LAYOUT_MAX_PAGES;
  uint64_t count = 0, end, size;
  struct image img;

  memset (out, 0, sizeof (*out));
  if (sgx_layout_params_check (params, err) < 0)
    return -1;
  if (read_image (elf, len, &img, err) < 0)
    {
      free (img.segs);
      return -1;
    }
  for (size_t i = 0; i < img.nsegs; i++)
    count
        += (page_up (img.segs[i].vaddr + img.segs[i].memsz) - page_down (img.segs[i].vaddr)) / PAGE;
  end = rest_size (params, &img, &count);
  if (count > max || end > SGX_LAYOUT_MAX_SIZE)
    {
      free (img.segs);
      return ic_error (err, E2BIG,
                       "layout: %llu pages, %#llx bytes: larger than allowed (%llu pages, 64 GiB)",
                       (unsigned long long)count, (unsigned long long)end, (unsigned long long)max);
    }
  for (size = 2 * PAGE; size < end; size <<= 1)
    ;
  out->size = size;
  out->ssa_frame_size = params->ssa_frame_size;
  out->pages = xmalloc0 (count * sizeof (*out->pages));
  for (size_t i = 0; i < img.nsegs; i++)
    copy_segment (out, elf, &img.segs[i]);
  lay_out_rest (params, &img, out);
  free (img.segs);
  return 0;
}
