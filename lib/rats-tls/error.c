/* Error codes' names and the per-thread detailed message of the last failure. */
#include "internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char last_message[1024];

RTLS_EXPORT int
rtls_error (int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (last_message, sizeof last_message, fmt, ap);
  va_end (ap);
  return code;
}

int
rtls_error_from (int code, ic_error_t *err)
{
  return rtls_error (code, "%s", *err ? ic_error_message (*err) : "unknown error");
}

RTLS_EXPORT const char *
rats_tls_last_error_message (void)
{
  return last_message;
}

RTLS_EXPORT const char *
rats_tls_err_name (int err)
{
#define N(x)                                                                                       \
  case x:                                                                                          \
    return #x;
  switch (err)
    {
      N (RATS_TLS_ERR_NONE)
      N (RATS_TLS_ERR_UNKNOWN)
      N (RATS_TLS_ERR_INVALID)
      N (RATS_TLS_ERR_NO_MEM)
      N (RATS_TLS_ERR_NOT_REGISTERED)
      N (RATS_TLS_ERR_LOAD_CRYPTO_WRAPPERS)
      N (RATS_TLS_ERR_LOAD_TLS_WRAPPERS)
      N (RATS_TLS_ERR_LOAD_ENCLAVE_ATTESTERS)
      N (RATS_TLS_ERR_LOAD_ENCLAVE_VERIFIERS)
      N (RATS_TLS_ERR_DLOPEN)
      N (RATS_TLS_ERR_INIT)
      N (RATS_TLS_ERR_UNSUPPORTED_CERT_ALGO)
      N (RATS_TLS_ERR_NO_NAME)
      N (RATS_TLS_ERR_CBOR)
      N (RATS_TLS_ERR_NO_EVIDENCE)
      N (RATS_TLS_ERR_BAD_CERT)
      N (RATS_TLS_ERR_PUBKEY_HASH_MISMATCH)
      N (RATS_TLS_ERR_CALLBACK_REJECTED)
      N (RATS_TLS_ERR_NO_VERIFIER)
      N (TLS_WRAPPER_ERR_UNKNOWN)
      N (TLS_WRAPPER_ERR_NO_MEM)
      N (TLS_WRAPPER_ERR_NOT_FOUND)
      N (TLS_WRAPPER_ERR_INVALID)
      N (TLS_WRAPPER_ERR_TRANSMIT)
      N (TLS_WRAPPER_ERR_RECEIVE)
      N (TLS_WRAPPER_ERR_UNSUPPORTED_QUOTE)
      N (TLS_WRAPPER_ERR_PRIV_KEY)
      N (TLS_WRAPPER_ERR_CERT)
      N (TLS_WRAPPER_ERR_NEGOTIATE)
      N (TLS_WRAPPER_ERR_PEER_VERIFY)
      N (ENCLAVE_ATTESTER_ERR_UNKNOWN)
      N (ENCLAVE_ATTESTER_ERR_NO_MEM)
      N (ENCLAVE_ATTESTER_ERR_INVALID)
      N (ENCLAVE_ATTESTER_ERR_CPU_UNSUPPORTED)
      N (ENCLAVE_ATTESTER_ERR_NO_TOOL)
      N (ENCLAVE_ATTESTER_ERR_EVIDENCE)
      N (ENCLAVE_VERIFIER_ERR_UNKNOWN)
      N (ENCLAVE_VERIFIER_ERR_NO_MEM)
      N (ENCLAVE_VERIFIER_ERR_INVALID)
      N (ENCLAVE_VERIFIER_ERR_CBOR)
      N (ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED)
      N (ENCLAVE_VERIFIER_ERR_EVIDENCE)
      N (ENCLAVE_VERIFIER_ERR_REPORT_DATA)
      N (ENCLAVE_VERIFIER_ERR_POLICY)
      N (CRYPTO_WRAPPER_ERR_UNKNOWN)
      N (CRYPTO_WRAPPER_ERR_NO_MEM)
      N (CRYPTO_WRAPPER_ERR_INVALID)
      N (CRYPTO_WRAPPER_ERR_UNSUPPORTED_ALGO)
      N (CRYPTO_WRAPPER_ERR_PRIV_KEY)
      N (CRYPTO_WRAPPER_ERR_PUB_KEY)
      N (CRYPTO_WRAPPER_ERR_CERT)
    default:
      return "unknown error";
    }
#undef N
}

RTLS_EXPORT bool
rtls_status_accepted (const char *status, const char *list)
{
  size_t n = strlen (status);
  const char *p = list;

  if (n == 0 || list == NULL)
    return false;
  while (*p)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t)(end - p) == n && strncmp (p, status, n) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}
