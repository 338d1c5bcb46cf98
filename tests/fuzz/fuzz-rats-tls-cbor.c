/* libFuzzer target: the rats-tls CBOR parsers (tagged evidence, claims, endorsements) must
   accept or refuse any bytes without reading outside them, crashing, leaking or hanging. The
   first byte picks the parser; evidence that parses has its claims parsed too, as the
   verifier does. */
#include "dice.h"
#include <stdlib.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ic_error_t err = NULL;
  struct dice_claims claims;
  attestation_endorsement_t e;
  uint8_t *ev = NULL, *cl = NULL;
  size_t ev_len, cl_len;
  uint64_t tag;

  if (size < 1)
    return 0;
  switch (data[0] % 3)
    {
    case 0:
      if (dice_evidence_parse (data + 1, size - 1, &tag, &ev, &ev_len, &cl, &cl_len, &err) == 0
          && dice_claims_parse (cl, cl_len, &claims, &err) == 0)
        dice_claims_clear (&claims);
      free (ev);
      free (cl);
      break;
    case 1:
      if (dice_claims_parse (data + 1, size - 1, &claims, &err) == 0)
        dice_claims_clear (&claims);
      break;
    default:
      if (dice_endorsements_parse (data + 1, size - 1, &tag, &e, &err) == 0)
        rtls_endorsement_clear (&e);
      break;
    }
  ic_error_release (&err);
  return 0;
}
