/* libFuzzer target: the collateral parsers of the DCAP verifier. The first byte picks one:
   0 a signed PCS response (TCB info or QE identity shape), 1 TCB info levels against a fixed
   platform, 2 a QE identity against a fixed QE report, 3 a DER PCK certificate's SGX
   extensions. None may crash, hang, leak, or read outside the input. */
#include "dcap-internal.h"
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static void
signed_response (const char *text)
{
  struct signed_json doc;
  ic_error_t err = NULL;
  if (dcap_signed_json_parse (text, "tcbInfo", &doc, &err) == 0)
    dcap_signed_json_clear (&doc);
  ic_error_release (&err);
}

static void
levels (const char *text)
{
  struct pck_tcb tcb = { .fmspc = { 0, 0xa0, 0x67, 0x11, 0, 0 },
                         .comp = { 11, 11, 2, 2, 255, 1, 12 },
                         .pcesvn = 13 };
  json_object *o = json_tokener_parse (text);
  struct dcap_verdict v = { 0 };
  ic_error_t err = NULL;
  if (o)
    dcap_platform_level (o, &tcb, &v, &err);
  dcap_verdict_clear (&v);
  ic_error_release (&err);
  json_object_put (o);
}

static void
tdx_levels (const char *text)
{
  struct pck_tcb tcb = { .fmspc = { 0xb0, 0xc0, 0x6f, 0, 0, 0 },
                         .comp = { 2, 2, 2, 2, 3, 1, 0, 5 },
                         .pcesvn = 11 };
  struct tdx_report_body td = { .tee_tcb_svn = { 6, 1, 3 } };
  json_object *o = json_tokener_parse (text);
  struct dcap_verdict v = { 0 };
  ic_error_t err = NULL;
  if (o)
    dcap_tdx_platform_level (o, &tcb, &td, &v, &err);
  dcap_verdict_clear (&v);
  ic_error_release (&err);
  json_object_put (o);
}

static void
qe_identity (const char *text)
{
  struct sgx_report_body qe = { .isvprodid = 1, .isvsvn = 10 };
  json_object *o = json_tokener_parse (text);
  struct dcap_verdict v = { 0 };
  ic_error_t err = NULL;
  if (o)
    dcap_check_qe (&qe, o, &v, &err);
  ic_error_release (&err);
  json_object_put (o);
}

static void
pck_extensions (const uint8_t *der, size_t len)
{
  const unsigned char *p = der;
  X509 *cert = d2i_X509 (NULL, &p, len);
  struct pck_tcb tcb;
  ic_error_t err = NULL;
  if (cert)
    dcap_read_pck_tcb (cert, &tcb, &err);
  ic_error_release (&err);
  X509_free (cert);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text;
  if (size < 1)
    return 0;
  if (data[0] % 5 == 3)
    {
      pck_extensions (data + 1, size - 1);
      return 0;
    }
  text = strndup ((const char *)data + 1, size - 1);
  if (text == NULL)
    return 0;
  if (data[0] % 5 == 0)
    signed_response (text);
  else if (data[0] % 5 == 1)
    levels (text);
  else if (data[0] % 5 == 2)
    qe_identity (text);
  else
    tdx_levels (text);
  free (text);
  return 0;
}
