/* A custom claim: a name and a byte-string value, carried in the certificate's claims. */
#ifndef RATS_TLS_CLAIM_H
#define RATS_TLS_CLAIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct claim
{
  char *name;
  uint8_t *value;
  size_t value_size;
} __attribute__ ((packed)) claim_t;

/* The claim the library adds itself; custom claims may not use this name. */
#define CLAIM_PUBLIC_KEY_HASH "pubkey-hash"
#define CLAIM_NONCE "nonce"

#endif
