#include "quote.h"
#include <errno.h>
#include <string.h>

const uint8_t sgx_qe_vendor_intel[16] = { 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                          0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07 };
const uint8_t sgx_qe_vendor_sim[16] = "SIMULATED-TEE-QE";

/* A cursor over the quote that refuses to move past its end. */
struct reader
{
  const uint8_t *data;
  size_t len, pos;
  ic_error_t *err;
};

static const uint8_t *
take (struct reader *r, size_t n, const char *what)
{
  const uint8_t *p;
  if (n > r->len - r->pos)
    {
      ic_error (r->err, EBADMSG, "quote: %s (%zu bytes at offset %zu) runs past the end (%zu)",
                what, n, r->pos, r->len);
      return NULL;
    }
  p = r->data + r->pos;
  r->pos += n;
  return p;
}

static int
take_u16 (struct reader *r, uint16_t *v, const char *what)
{
  const uint8_t *p = take (r, 2, what);
  if (p)
    memcpy (v, p, 2);
  return p ? 0 : -1;
}

static int
take_u32 (struct reader *r, uint32_t *v, const char *what)
{
  const uint8_t *p = take (r, 4, what);
  if (p)
    memcpy (v, p, 4);
  return p ? 0 : -1;
}

/* Certification data type 5: the PEM PCK chain, which must fill the rest exactly. */
static int
read_pck_chain (struct reader *r, struct sgx_quote *q)
{
  uint16_t type;
  uint32_t size;
  if (take_u16 (r, &type, "certification data type") < 0
      || take_u32 (r, &size, "certification data size") < 0)
    return -1;
  if (type != SGX_QUOTE_CERT_PCK_CHAIN)
    return ic_error (r->err, EBADMSG, "quote: certification data type %u, expected 5 (PCK chain)",
                     type);
  q->pck_chain = (const char *)take (r, size, "PCK certificate chain");
  q->pck_chain_len = size;
  return q->pck_chain ? 0 : -1;
}

/* The QE's report, its signature, the QE authentication data and the PCK chain. */
static int
read_qe_part (struct reader *r, struct sgx_quote *q)
{
  q->qe_report = (const struct sgx_report_body *)take (r, sizeof (*q->qe_report), "QE report");
  q->qe_report_signature = take (r, 64, "QE report signature");
  if (!q->qe_report || !q->qe_report_signature
      || take_u16 (r, &q->qe_auth_len, "QE auth data size") < 0)
    return -1;
  q->qe_auth_data = take (r, q->qe_auth_len, "QE auth data");
  return q->qe_auth_data ? read_pck_chain (r, q) : -1;
}

/* v4 wraps the QE part in certification data of type 6. */
static int
read_v4_qe_part (struct reader *r, struct sgx_quote *q)
{
  uint16_t type;
  uint32_t size;
  size_t end;
  if (take_u16 (r, &type, "certification data type") < 0
      || take_u32 (r, &size, "certification data size") < 0)
    return -1;
  if (type != SGX_QUOTE_CERT_QE_REPORT)
    return ic_error (r->err, EBADMSG, "quote: certification data type %u, expected 6 (QE report)",
                     type);
  if (size != r->len - r->pos)
    return ic_error (r->err, EBADMSG,
                     "quote: QE report certification data size %u, but the signature data has %zu "
                     "bytes left",
                     size, r->len - r->pos);
  end = r->pos + size;
  if (read_qe_part (r, q) < 0)
    return -1;
  return r->pos == end ? 0 : ic_error (r->err, EBADMSG, "quote: trailing bytes in the QE part");
}

int
sgx_quote_parse (const uint8_t *data, size_t len, struct sgx_quote *q, ic_error_t *err)
{
  struct reader r = { data, len, 0, err };
  uint32_t sig_len;
  size_t body;

  memset (q, 0, sizeof (*q));
  if (len > SGX_QUOTE_MAX_SIZE)
    return ic_error (err, E2BIG, "quote: %zu bytes is too large", len);
  q->header = (const struct sgx_quote_header *)take (&r, sizeof (*q->header), "header");
  if (q->header == NULL)
    return -1;
  if (q->header->version != 3 && q->header->version != 4)
    return ic_error (err, EBADMSG, "quote: version %u is not supported (3 or 4)",
                     q->header->version);
  if (q->header->att_key_type != SGX_QUOTE_ATT_KEY_ECDSA_P256)
    return ic_error (err, EBADMSG, "quote: attestation key type %u, expected 2 (ECDSA P-256)",
                     q->header->att_key_type);
  if (q->header->tee_type == SGX_QUOTE_TEE_TDX && q->header->version == 4)
    {
      body = sizeof (struct tdx_report_body);
      q->td_report = (const struct tdx_report_body *)take (&r, body, "TD report body");
    }
  else if (q->header->tee_type == SGX_QUOTE_TEE_SGX)
    {
      body = sizeof (struct sgx_report_body);
      q->report = (const struct sgx_report_body *)take (&r, body, "report body");
    }
  else
    return ic_error (err, EBADMSG, "quote: TEE type %#x is not supported in version %u",
                     q->header->tee_type, q->header->version);
  if (!q->report && !q->td_report)
    return -1;
  q->signed_data = data;
  q->signed_len = sizeof (*q->header) + body;
  if (take_u32 (&r, &sig_len, "signature data size") < 0)
    return -1;
  /* Quotes read from fixed-size buffers arrive with zero padding: allowed, but nothing else
     may follow the signature data (checked below). */
  if (sig_len > len - r.pos)
    return ic_error (err, EBADMSG, "quote: signature data size %u, but only %zu bytes follow",
                     sig_len, len - r.pos);
  r.len = r.pos + sig_len;
  q->signature = take (&r, 64, "quote signature");
  q->attest_key = take (&r, 64, "attestation key");
  if (!q->signature || !q->attest_key)
    return -1;
  if ((q->header->version == 3 ? read_qe_part (&r, q) : read_v4_qe_part (&r, q)) < 0)
    return -1;
  if (r.pos != r.len)
    return ic_error (err, EBADMSG, "quote: %zu bytes of signature data are left over",
                     r.len - r.pos);
  for (size_t i = r.len; i < len; i++)
    if (data[i] != 0)
      return ic_error (err, EBADMSG, "quote: non-zero byte at offset %zu after the signature data",
                       i);
  return 0;
}
