/* Unit tests of the ELF enclave layout: a tiny ELF built at test time (argv[1]) is measured by
   sgx_layout_from_elf and, independently, by an SGXS stream this test writes by hand from the
   layout docs/sgx-tools.md documents (its SHA-256 is the MRENCLAVE); then every malformed ELF,
   layout parameter and JSON layout we can think of is refused with an error naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "elf-layout.h"
#include "measure.h"
#include "utils.h"
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixture_path;
static uint8_t *fixture;
static size_t fixture_len;

/* ---------------------------------------------------------------- the expectation, by hand */

struct stream
{
  uint8_t *buf;
  size_t len;
};

static void
record (struct stream *s, const char name[8], uint64_t a, uint64_t b)
{
  s->buf = realloc (s->buf, s->len + 64);
  memset (s->buf + s->len, 0, 64);
  memcpy (s->buf + s->len, name, 8);
  memcpy (s->buf + s->len + 8, &a, 8);
  memcpy (s->buf + s->len + 16, &b, 8);
  s->len += 64;
}

/* EADD, then (when measured) the 16 EEXTENDs of 256 bytes each. */
static void
add (struct stream *s, uint64_t offset, uint64_t flags, const uint8_t *page, int measured)
{
  record (s, "EADD\0\0\0\0", offset, flags);
  for (int c = 0; measured && c < 16; c++)
    {
      record (s, "EEXTEND\0", offset + c * 256, 0);
      s->buf = realloc (s->buf, s->len + 256);
      memcpy (s->buf + s->len, page + c * 256, 256);
      s->len += 256;
    }
}

static struct stream
expected_stream (const uint8_t *elf, uint64_t heap, uint64_t stack, uint32_t threads,
                 uint32_t ssa_size, uint32_t nssa, int heap_measured)
{
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
  struct stream s = { NULL, 0 };
  uint8_t page[4096], zero[4096] = { 0 };
  uint64_t end = 0, at, size;

  record (&s, "ECREATE\0", 0, 0); /* filled in below, when the size is known */
  for (int i = 0; i < eh->e_phnum; i++)
    {
      const Elf64_Phdr *ph = (const Elf64_Phdr *)(elf + eh->e_phoff + i * sizeof (*ph));
      uint64_t flags = 0x200;
      if (ph->p_type != PT_LOAD)
        continue;
      flags |= (ph->p_flags & PF_R ? 1 : 0) | (ph->p_flags & PF_W ? 2 : 0)
               | (ph->p_flags & PF_X ? 4 : 0);
      for (uint64_t va = ph->p_vaddr / 4096 * 4096; va < ph->p_vaddr + ph->p_memsz; va += 4096)
        {
          memset (page, 0, sizeof (page));
          for (uint64_t b = 0; b < 4096; b++)
            if (va + b >= ph->p_vaddr && va + b < ph->p_vaddr + ph->p_filesz)
              page[b] = elf[ph->p_offset + (va + b - ph->p_vaddr)];
          add (&s, va, flags, page, 1);
        }
      end = (ph->p_vaddr + ph->p_memsz + 4095) / 4096 * 4096;
    }
  at = end;
  for (uint64_t h = 0; h < heap; h += 4096, at += 4096)
    add (&s, at, 0x203, zero, heap_measured);
  for (uint32_t t = 0; t < threads; t++)
    {
      uint64_t ossa;
      uint32_t n = nssa;
      at += 4096; /* guard */
      for (uint64_t k = 0; k < stack; k += 4096, at += 4096)
        add (&s, at, 0x203, zero, 1);
      memset (page, 0, sizeof (page));
      ossa = at + 4096;
      memcpy (page + 16, &ossa, 8);
      memcpy (page + 28, &n, 4);
      memcpy (page + 32, &eh->e_entry, 8);
      add (&s, at, 0x100, page, 1);
      at += 4096;
      for (uint32_t k = 0; k < nssa * ssa_size; k++, at += 4096)
        add (&s, at, 0x203, zero, 1);
    }
  for (size = 8192; size < at; size *= 2)
    ;
  memcpy (s.buf + 8, &ssa_size, 4);
  memcpy (s.buf + 12, &size, 8);
  return s;
}

/* ---------------------------------------------------------------- tests */

static void
params_of (struct sgx_layout_params *p, uint64_t heap, uint64_t stack, uint32_t threads,
           uint32_t ssa_size, uint32_t nssa, bool heap_measured)
{
  sgx_layout_params_init (p);
  p->heap_size = heap;
  p->stack_size = stack;
  p->threads = threads;
  p->ssa_frame_size = ssa_size;
  p->ssa_frames = nssa;
  p->heap_measured = heap_measured;
}

static void
check_two_ways (uint64_t heap, uint64_t stack, uint32_t threads, uint32_t ssa_size, uint32_t nssa,
                bool heap_measured, uint8_t mr_out[32])
{
  struct stream want
      = expected_stream (fixture, heap, stack, threads, ssa_size, nssa, heap_measured);
  struct sgx_layout_params p;
  struct sgx_layout layout, reread;
  ic_error_t err = NULL;
  uint8_t mr[32], mr_reread[32], mr_hand[32];
  uint8_t *got = NULL;
  size_t got_len = 0;

  params_of (&p, heap, stack, threads, ssa_size, nssa, heap_measured);
  assert_int_equal (sgx_layout_from_elf (fixture, fixture_len, &p, &layout, &err), 0);
  assert_int_equal (sgx_layout_measure (&layout, mr, &err), 0);
  /* The hand-written stream, hashed directly: MRENCLAVE is the SHA-256 of the records. */
  SHA256 (want.buf, want.len, mr_hand);
  assert_memory_equal (mr, mr_hand, 32);
  /* The same stream read back by the SGXS reader and measured. */
  assert_int_equal (sgx_layout_from_sgxs (want.buf, want.len, &reread, &err), 0);
  assert_int_equal (sgx_layout_measure (&reread, mr_reread, &err), 0);
  assert_memory_equal (mr, mr_reread, 32);
  /* And the library's own stream, byte for byte. */
  assert_int_equal (sgx_layout_to_sgxs (&layout, &got, &got_len, &err), 0);
  assert_int_equal (got_len, want.len);
  assert_memory_equal (got, want.buf, want.len);
  memcpy (mr_out, mr, 32);
  free (got);
  free (want.buf);
  sgx_layout_clear (&layout);
  sgx_layout_clear (&reread);
}

static void
test_measured_two_ways (void **state)
{
  uint8_t a[32], b[32], c[32], d[32], e[32];
  check_two_ways (64 << 10, 8 << 10, 2, 1, 2, true, a);
  check_two_ways (64 << 10, 8 << 10, 2, 1, 2, false, b);
  check_two_ways (0, 4096, 1, 2, 1, true, c);
  check_two_ways (1 << 20, 256 << 10, 1, 1, 2, true, d);
  check_two_ways (64 << 10, 8 << 10, 3, 1, 2, true, e);
  /* Each parameter changes the measurement. */
  assert_memory_not_equal (a, b, 32);
  assert_memory_not_equal (a, c, 32);
  assert_memory_not_equal (a, d, 32);
  assert_memory_not_equal (a, e, 32);
}

static void
test_layout_pages (void **state)
{
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)fixture;
  struct sgx_layout_params p;
  struct sgx_layout l;
  ic_error_t err = NULL;
  size_t tcs = 0, code = 0, unmeasured = 0;

  params_of (&p, 8192, 8192, 2, 1, 2, false);
  assert_int_equal (sgx_layout_from_elf (fixture, fixture_len, &p, &l, &err), 0);
  for (size_t i = 0; i < l.pages_len; i++)
    {
      const struct sgx_page *pg = &l.pages[i];
      assert_int_equal (pg->offset % 4096, 0);
      assert_true (pg->offset < l.size);
      if (i)
        assert_true (pg->offset > l.pages[i - 1].offset);
      if (SGX_SECINFO_PAGE_TYPE (pg->secinfo_flags) == SGX_PT_TCS)
        {
          const struct sgx_tcs *t = (const struct sgx_tcs *)pg->data;
          assert_int_equal (pg->secinfo_flags, 0x100);
          assert_int_equal (t->ossa, pg->offset + 4096);
          assert_int_equal (t->nssa, 2);
          assert_int_equal (t->oentry, eh->e_entry);
          /* The SSA frames follow; a guard gap precedes the stack. */
          assert_int_equal (l.pages[i + 1].offset, pg->offset + 4096);
          assert_int_equal (l.pages[i - 2].offset, pg->offset - 8192);
          assert_int_equal (l.pages[i - 3].offset + 8192, l.pages[i - 2].offset);
          tcs++;
        }
      if (pg->secinfo_flags & SGX_SECINFO_X)
        code++;
      if (pg->measured == 0)
        unmeasured++;
    }
  assert_int_equal (tcs, 2);
  assert_true (code >= 1);
  assert_int_equal (unmeasured, 2); /* the two heap pages */
  assert_int_equal (l.ssa_frame_size, 1);
  assert_true ((l.size & (l.size - 1)) == 0);
  sgx_layout_clear (&l);
}

/* ---------------------------------------------------------------- refusals */

static uint8_t *
copy_fixture (void)
{
  uint8_t *c = xmalloc0 (fixture_len);
  memcpy (c, fixture, fixture_len);
  return c;
}

static Elf64_Phdr *
phdr (uint8_t *elf, int i)
{
  return (Elf64_Phdr *)(elf + ((Elf64_Ehdr *)elf)->e_phoff + i * sizeof (Elf64_Phdr));
}

/* The index of the n-th PT_LOAD program header. */
static int
load_index (uint8_t *elf, int n)
{
  for (int i = 0; i < ((Elf64_Ehdr *)elf)->e_phnum; i++)
    if (phdr (elf, i)->p_type == PT_LOAD && n-- == 0)
      return i;
  fail_msg ("the fixture has too few PT_LOAD segments");
  return -1;
}

static void
expect_refused (const uint8_t *elf, size_t len, const struct sgx_layout_params *p,
                const char *needle)
{
  struct sgx_layout l;
  ic_error_t err = NULL;
  struct sgx_layout_params defaults;
  if (p == NULL)
    {
      params_of (&defaults, 8192, 4096, 1, 1, 1, true);
      p = &defaults;
    }
  assert_int_equal (sgx_layout_from_elf (elf, len, p, &l, &err), -1);
  assert_non_null (err);
  if (strstr (ic_error_message (err), needle) == NULL)
    fail_msg ("error `%s` does not mention `%s`", ic_error_message (err), needle);
  assert_null (l.pages);
  ic_error_release (&err);
}

typedef void (*mutation_fn) (uint8_t *elf);

static void
m_magic (uint8_t *e)
{
  e[1] = 'F';
}
static void
m_class (uint8_t *e)
{
  e[EI_CLASS] = ELFCLASS32;
}
static void
m_data (uint8_t *e)
{
  e[EI_DATA] = ELFDATA2MSB;
}
static void
m_type (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_type = ET_EXEC;
}
static void
m_machine (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_machine = EM_AARCH64;
}
static void
m_phentsize (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_phentsize = 32;
}
static void
m_phnum_zero (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_phnum = 0;
}
static void
m_phnum_huge (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_phnum = 0xfffe;
}
static void
m_phoff (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_phoff = ~0ULL - 8;
}
static void
m_past_eof (uint8_t *e)
{
  phdr (e, load_index (e, 1))->p_offset = 1 << 30;
}
static void
m_filesz_past_eof (uint8_t *e)
{
  phdr (e, load_index (e, 1))->p_filesz = 1 << 24;
  phdr (e, load_index (e, 1))->p_memsz = 1 << 24;
}
static void
m_filesz (uint8_t *e)
{
  phdr (e, load_index (e, 0))->p_filesz = phdr (e, load_index (e, 0))->p_memsz + 1;
}
static void
m_memsz_zero (uint8_t *e)
{
  phdr (e, load_index (e, 0))->p_memsz = 0;
  phdr (e, load_index (e, 0))->p_filesz = 0;
}
static void
m_huge (uint8_t *e)
{
  phdr (e, load_index (e, 2))->p_memsz = 1ULL << 62;
}
static void
m_wrap (uint8_t *e)
{
  Elf64_Phdr *p = phdr (e, load_index (e, 3));
  p->p_vaddr = ~0ULL - 4095 + p->p_offset % 4096; /* p_vaddr + p_memsz wraps around */
}
static void
m_align (uint8_t *e)
{
  phdr (e, load_index (e, 1))->p_align = 0x1800;
}
static void
m_small_align (uint8_t *e)
{
  phdr (e, load_index (e, 1))->p_align = 16;
}
static void
m_congruent (uint8_t *e)
{
  phdr (e, load_index (e, 1))->p_vaddr += 8;
}
static void
m_flags (uint8_t *e)
{
  phdr (e, load_index (e, 0))->p_flags |= 0x100000;
}
static void
m_no_access (uint8_t *e)
{
  phdr (e, load_index (e, 0))->p_flags = 0;
}
static void
m_interp (uint8_t *e)
{
  for (int i = 0; i < ((Elf64_Ehdr *)e)->e_phnum; i++)
    if (phdr (e, i)->p_type != PT_LOAD)
      {
        phdr (e, i)->p_type = PT_INTERP;
        return;
      }
}
static void
m_no_load (uint8_t *e)
{
  for (int i = 0; i < ((Elf64_Ehdr *)e)->e_phnum; i++)
    if (phdr (e, i)->p_type == PT_LOAD)
      phdr (e, i)->p_type = PT_NOTE;
}
static void
m_overlap (uint8_t *e)
{
  Elf64_Phdr *a = phdr (e, load_index (e, 1)), *b = phdr (e, load_index (e, 2));
  b->p_vaddr = a->p_vaddr + 0x800; /* inside the code page */
  b->p_offset = a->p_offset + 0x800;
}
static void
m_order (uint8_t *e)
{
  Elf64_Phdr *a = phdr (e, load_index (e, 0)), *b = phdr (e, load_index (e, 1));
  Elf64_Phdr t = *a;
  *a = *b;
  *b = t;
}
static void
m_entry (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_entry = phdr (e, load_index (e, 0))->p_vaddr;
}
static void
m_entry_out (uint8_t *e)
{
  ((Elf64_Ehdr *)e)->e_entry = 1ULL << 40;
}

static void
test_bad_elf (void **state)
{
  static const struct
  {
    mutation_fn fn;
    const char *needle;
  } cases[] = {
    { m_magic, "e_ident: bad magic" },
    { m_class, "EI_CLASS" },
    { m_data, "EI_DATA" },
    { m_type, "e_type" },
    { m_machine, "e_machine" },
    { m_phentsize, "e_phentsize" },
    { m_phnum_zero, "e_phnum" },
    { m_phnum_huge, "run past the end" },
    { m_phoff, "e_phoff" },
    { m_past_eof, "p_offset" },
    { m_filesz_past_eof, "runs past the end of the file" },
    { m_filesz, "p_filesz" },
    { m_memsz_zero, "p_memsz 0" },
    { m_huge, "p_memsz" },
    { m_wrap, "beyond the largest enclave" },
    { m_align, "p_align" },
    { m_small_align, "p_align" },
    { m_congruent, "not congruent" },
    { m_flags, "p_flags" },
    { m_no_access, "no access" },
    { m_interp, "PT_INTERP" },
    { m_no_load, "no PT_LOAD" },
    { m_overlap, "overlap" },
    { m_order, "ascending p_vaddr" },
    { m_entry, "e_entry" },
    { m_entry_out, "e_entry" },
  };
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      cleanup_free uint8_t *e = copy_fixture ();
      cases[i].fn (e);
      expect_refused (e, fixture_len, NULL, cases[i].needle);
    }
}

/* Every length that cuts the header, the program headers or a segment's file bytes. */
static void
test_truncated (void **state)
{
  uint8_t *e = fixture;
  uint64_t end = 0;
  for (int i = 0; i < ((Elf64_Ehdr *)e)->e_phnum; i++)
    if (phdr (e, i)->p_type == PT_LOAD && phdr (e, i)->p_offset + phdr (e, i)->p_filesz > end)
      end = phdr (e, i)->p_offset + phdr (e, i)->p_filesz;
  assert_true (end <= fixture_len);
  for (size_t len = 0; len < end; len++)
    {
      struct sgx_layout_params p;
      struct sgx_layout l;
      ic_error_t err = NULL;
      /* A copy of exactly len bytes, so that ASan sees any read past it. */
      uint8_t *cut = malloc (len ? len : 1);
      memcpy (cut, fixture, len);
      params_of (&p, 0, 4096, 1, 1, 1, true);
      if (sgx_layout_from_elf (cut, len, &p, &l, &err) != -1)
        fail_msg ("a fixture cut to %zu bytes (of %" PRIu64 ") was accepted", len, end);
      ic_error_release (&err);
      free (cut);
    }
}

static void
test_bad_params (void **state)
{
  static const struct
  {
    uint64_t heap, stack;
    uint32_t threads, ssa_size, nssa;
    const char *needle;
  } cases[] = {
    { 100, 4096, 1, 1, 1, "heap_size" },        { 0, 0, 1, 1, 1, "stack_size" },
    { 0, 4097, 1, 1, 1, "stack_size" },         { 0, 4096, 0, 1, 1, "threads" },
    { 0, 4096, 5000, 1, 1, "threads" },         { 0, 4096, 1, 0, 1, "ssa_frame_size" },
    { 0, 4096, 1, 17, 1, "ssa_frame_size" },    { 0, 4096, 1, 1, 0, "ssa_frames" },
    { 1ULL << 40, 4096, 1, 1, 1, "heap_size" },
  };
  struct sgx_layout_params p;
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      params_of (&p, cases[i].heap, cases[i].stack, cases[i].threads, cases[i].ssa_size,
                 cases[i].nssa, true);
      expect_refused (fixture, fixture_len, &p, cases[i].needle);
    }
  params_of (&p, 0, 4096, 1, 1, 1, true);
  p.attributes.flags = 0;
  expect_refused (fixture, fixture_len, &p, "MODE64BIT");
  params_of (&p, 0, 4096, 1, 1, 1, true);
  p.attributes.flags |= SGX_ATTR_INIT;
  expect_refused (fixture, fixture_len, &p, "INIT");
  params_of (&p, 0, 4096, 1, 1, 1, true);
  p.attributes.xfrm = 1;
  expect_refused (fixture, fixture_len, &p, "XFRM");
  /* Too many pages for the caller's limit, and for any enclave. */
  params_of (&p, 1 << 20, 4096, 1, 1, 1, true);
  p.max_pages = 100;
  expect_refused (fixture, fixture_len, &p, "larger than allowed");
  params_of (&p, 1ULL << 36, 1ULL << 36, 4096, 1, 1, true);
  expect_refused (fixture, fixture_len, &p, "larger than allowed");
}

static void
test_layout_json (void **state)
{
  static const struct
  {
    const char *json, *needle;
  } bad[] = {
    { "[]", "not a JSON object" },
    { "{", "not a JSON object" },
    { "{\"heap\": 4096}", "unknown field `heap`" },
    { "{\"heap_size\": -4096}", "heap_size" },
    { "{\"heap_size\": \"1X\"}", "heap_size" },
    { "{\"heap_size\": \"-1\"}", "heap_size" },
    { "{\"heap_size\": \"99999999999G\"}", "heap_size" },
    { "{\"heap_size\": 100}", "heap_size" },
    { "{\"stack_size\": true}", "stack_size" },
    { "{\"threads\": 0}", "threads" },
    { "{\"threads\": 4294967296}", "threads" },
    { "{\"ssa_frames\": \"x\"}", "ssa_frames" },
    { "{\"heap_measured\": 1}", "heap_measured" },
    { "{\"attributes\": \"04\"}", "attributes" },
    { "{\"attributes\": \"0000000000000000030000000000000g\"}", "attributes" },
    { "{\"attributes\": \"00000000000000000300000000000000\"}", "MODE64BIT" },
  };
  struct sgx_layout_params p, want;
  ic_error_t err = NULL;

  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      sgx_layout_params_init (&p);
      assert_int_equal (sgx_layout_params_from_json (bad[i].json, &p, &err), -1);
      if (strstr (ic_error_message (err), bad[i].needle) == NULL)
        fail_msg ("%s: error `%s` does not mention `%s`", bad[i].json, ic_error_message (err),
                  bad[i].needle);
      ic_error_release (&err);
    }
  sgx_layout_params_init (&p);
  assert_int_equal (sgx_layout_params_from_json (
                        "{\"heap_size\": \"64K\", \"stack_size\": 8192, \"threads\": 2, "
                        "\"ssa_frame_size\": 1, \"ssa_frames\": \"3\", \"heap_measured\": false, "
                        "\"attributes\": \"06000000000000000700000000000000\", "
                        "\"miscselect\": 1}",
                        &p, &err),
                    0);
  params_of (&want, 64 << 10, 8192, 2, 1, 3, false);
  want.attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
  want.attributes.xfrm = 7;
  want.miscselect = 1;
  assert_memory_equal (&p, &want, sizeof (p));
  /* Fields not given keep their value. */
  assert_int_equal (sgx_layout_params_from_json ("{\"threads\": 4}", &p, &err), 0);
  assert_int_equal (p.threads, 4);
  assert_int_equal (p.heap_size, 64 << 10);
}

int
main (int argc, char **argv)
{
  ic_error_t err = NULL;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_measured_two_ways), cmocka_unit_test (test_layout_pages),
    cmocka_unit_test (test_bad_elf),           cmocka_unit_test (test_truncated),
    cmocka_unit_test (test_bad_params),        cmocka_unit_test (test_layout_json),
  };
  if (argc != 2)
    {
      fprintf (stderr, "usage: test-elf-layout TEST-ENCLAVE.so\n");
      return 1;
    }
  fixture_path = argv[1];
  if (read_file_at (AT_FDCWD, fixture_path, 1 << 24, (char **)&fixture, &fixture_len, &err) < 0)
    {
      fprintf (stderr, "test-elf-layout: %s\n", ic_error_message (err));
      return 1;
    }
  return cmocka_run_group_tests (tests, NULL, NULL);
}
