/* SGX data structures with their architectural sizes and layouts (Intel SDM vol. 3D, and the
   Linux kernel's arch/x86/include/asm/sgx.h). Multi-byte integers are little-endian, as the
   hardware stores them; rune only builds for little-endian hosts. */
#ifndef SGX_TYPES_H
#define SGX_TYPES_H

#include <stdint.h>

#define SGX_PAGE_SIZE 4096
#define SGX_MODULUS_SIZE 384

struct sgx_attributes
{
  uint64_t flags;
  uint64_t xfrm;
} __attribute__ ((packed));

#define SGX_ATTR_INIT (1ULL << 0)
#define SGX_ATTR_DEBUG (1ULL << 1)
#define SGX_ATTR_MODE64BIT (1ULL << 2)
#define SGX_ATTR_PROVISIONKEY (1ULL << 4)
#define SGX_ATTR_EINITTOKENKEY (1ULL << 5)
#define SGX_ATTR_KSS (1ULL << 7)

/* SECINFO.flags: permissions and the page type in bits 8-15. */
#define SGX_SECINFO_R (1ULL << 0)
#define SGX_SECINFO_W (1ULL << 1)
#define SGX_SECINFO_X (1ULL << 2)
#define SGX_SECINFO_PAGE_TYPE(flags) (((flags) >> 8) & 0xff)
enum sgx_page_type
{
  SGX_PT_SECS = 0,
  SGX_PT_TCS = 1,
  SGX_PT_REG = 2,
  SGX_PT_VA = 3,
  SGX_PT_TRIM = 4,
};

struct sgx_secinfo
{
  uint64_t flags;
  uint8_t reserved[56];
} __attribute__ ((packed));

/* The signed parts of SIGSTRUCT: bytes 0-127 and 900-1027. */
struct sgx_sigstruct_header
{
  uint8_t header[16];
  uint32_t vendor;
  uint32_t date; /* BCD yyyymmdd */
  uint8_t header2[16];
  uint32_t swdefined;
  uint8_t reserved[84];
} __attribute__ ((packed));

struct sgx_sigstruct_body
{
  uint32_t miscselect;
  uint32_t miscmask;
  uint8_t reserved1[4];
  uint8_t isvfamilyid[16];
  struct sgx_attributes attributes;
  struct sgx_attributes attributemask;
  uint8_t enclavehash[32];
  uint8_t reserved2[16];
  uint8_t isvextprodid[16];
  uint16_t isvprodid;
  uint16_t isvsvn;
} __attribute__ ((packed));

struct sgx_sigstruct
{
  struct sgx_sigstruct_header header;
  uint8_t modulus[SGX_MODULUS_SIZE];
  uint32_t exponent;
  uint8_t signature[SGX_MODULUS_SIZE];
  struct sgx_sigstruct_body body;
  uint8_t reserved[12];
  uint8_t q1[SGX_MODULUS_SIZE];
  uint8_t q2[SGX_MODULUS_SIZE];
} __attribute__ ((packed));

struct sgx_einittoken
{
  uint32_t valid;
  uint8_t reserved1[44];
  struct sgx_attributes attributes;
  uint8_t mrenclave[32];
  uint8_t reserved2[32];
  uint8_t mrsigner[32];
  uint8_t reserved3[32];
  uint8_t cpusvnle[16];
  uint16_t isvprodidle;
  uint16_t isvsvnle;
  uint8_t reserved4[24];
  uint32_t maskedmiscselectle;
  struct sgx_attributes maskedattributesle;
  uint8_t keyid[32];
  uint8_t mac[16];
} __attribute__ ((packed));

struct sgx_targetinfo
{
  uint8_t mrenclave[32];
  struct sgx_attributes attributes;
  uint8_t reserved1[2];
  uint16_t config_svn;
  uint32_t miscselect;
  uint8_t reserved2[8];
  uint8_t config_id[64];
  uint8_t reserved3[384];
} __attribute__ ((packed));

struct sgx_report_body
{
  uint8_t cpusvn[16];
  uint32_t miscselect;
  uint8_t reserved1[12];
  uint8_t isvextprodid[16];
  struct sgx_attributes attributes;
  uint8_t mrenclave[32];
  uint8_t reserved2[32];
  uint8_t mrsigner[32];
  uint8_t reserved3[32];
  uint8_t config_id[64];
  uint16_t isvprodid;
  uint16_t isvsvn;
  uint16_t config_svn;
  uint8_t reserved4[42];
  uint8_t isvfamilyid[16];
  uint8_t report_data[64];
} __attribute__ ((packed));

/* The thread control structure: one page of type TCS (its fields are measured with it). */
struct sgx_tcs
{
  uint64_t state;  /* reserved: 0 */
  uint64_t flags;  /* bit 0: DBGOPTIN */
  uint64_t ossa;   /* offset of the first SSA frame from the enclave base */
  uint32_t cssa;   /* current SSA frame: 0 */
  uint32_t nssa;   /* number of SSA frames */
  uint64_t oentry; /* offset of the entry point from the enclave base */
  uint64_t aep;    /* set by EENTER: 0 */
  uint64_t ofsbase;
  uint64_t ogsbase;
  uint32_t fslimit;
  uint32_t gslimit;
  uint8_t reserved[4024];
} __attribute__ ((packed));

struct sgx_report
{
  struct sgx_report_body body;
  uint8_t keyid[32];
  uint8_t mac[16];
} __attribute__ ((packed));

_Static_assert(sizeof (struct sgx_secinfo) == 64, "SECINFO is 64 bytes");
_Static_assert(sizeof (struct sgx_sigstruct_header) == 128, "SIGSTRUCT header is 128 bytes");
_Static_assert(sizeof (struct sgx_sigstruct_body) == 128, "SIGSTRUCT body is 128 bytes");
_Static_assert(sizeof (struct sgx_sigstruct) == 1808, "SIGSTRUCT is 1808 bytes");
_Static_assert(__builtin_offsetof(struct sgx_sigstruct, body) == 900, "body at 900");
_Static_assert(__builtin_offsetof(struct sgx_sigstruct, q1) == 1040, "Q1 at 1040");
_Static_assert(sizeof (struct sgx_einittoken) == 304, "EINITTOKEN is 304 bytes");
_Static_assert(sizeof (struct sgx_targetinfo) == 512, "TARGETINFO is 512 bytes");
_Static_assert(sizeof (struct sgx_report_body) == 384, "REPORT body is 384 bytes");
_Static_assert(sizeof (struct sgx_tcs) == 4096, "TCS is one page");
_Static_assert(__builtin_offsetof(struct sgx_tcs, oentry) == 32, "OENTRY at 32");
_Static_assert(sizeof (struct sgx_report) == 432, "REPORT is 432 bytes");

#endif
