/* rats-tls error codes. Every function of the API returns RATS_TLS_ERR_NONE (0) on success, or
   a negative code that says which layer failed: bit 31 is set, bits 30-28 are the class (core,
   TLS wrapper, attester, verifier, crypto wrapper), bits 27-23 a subclass (unused: 0) and
   bits 22-0 the code. Unlike upstream, functions return these codes as they are, not negated.
   rats_tls_last_error_message() gives the detailed reason of the last failure of the calling
   thread. */
#ifndef RATS_TLS_ERR_H
#define RATS_TLS_ERR_H

#include <stdint.h>

#define ERR_CODE_CLASS_SHIFT 28
#define ERR_CODE_CLASS_MASK 0x70000000
#define ERR_CODE_SUBCLASS_SHIFT 23
#define ERR_CODE_SUBCLASS_MASK 0x0F800000
#define ERR_CODE_ERROR_MASK 0x007FFFFF
#define ERR_CODE_NEGATIVE ((int)0x80000000u)

#define ERR_CLASS_CORE 0
#define ERR_CLASS_TLS_WRAPPER 1
#define ERR_CLASS_ATTESTER 2
#define ERR_CLASS_VERIFIER 3
#define ERR_CLASS_CRYPTO_WRAPPER 4

#define RATS_TLS_ERR_BASE (ERR_CODE_NEGATIVE | (ERR_CLASS_CORE << ERR_CODE_CLASS_SHIFT))
#define TLS_WRAPPER_ERR_BASE (ERR_CODE_NEGATIVE | (ERR_CLASS_TLS_WRAPPER << ERR_CODE_CLASS_SHIFT))
#define ENCLAVE_ATTESTER_ERR_BASE (ERR_CODE_NEGATIVE | (ERR_CLASS_ATTESTER << ERR_CODE_CLASS_SHIFT))
#define ENCLAVE_VERIFIER_ERR_BASE (ERR_CODE_NEGATIVE | (ERR_CLASS_VERIFIER << ERR_CODE_CLASS_SHIFT))
#define CRYPTO_WRAPPER_ERR_BASE                                                                    \
  (ERR_CODE_NEGATIVE | (ERR_CLASS_CRYPTO_WRAPPER << ERR_CODE_CLASS_SHIFT))

/* The class of a code: ERR_CLASS_CORE ... ERR_CLASS_CRYPTO_WRAPPER. */
#define RATS_TLS_ERR_CLASS(err)                                                                    \
  ((((unsigned int)(err)) & ERR_CODE_CLASS_MASK) >> ERR_CODE_CLASS_SHIFT)

typedef enum
{
  RATS_TLS_ERR_NONE = 0,
  RATS_TLS_ERR_UNKNOWN = RATS_TLS_ERR_BASE | 1,
  RATS_TLS_ERR_INVALID,
  RATS_TLS_ERR_NO_MEM,
  RATS_TLS_ERR_NOT_REGISTERED,
  RATS_TLS_ERR_LOAD_CRYPTO_WRAPPERS,
  RATS_TLS_ERR_LOAD_TLS_WRAPPERS,
  RATS_TLS_ERR_LOAD_ENCLAVE_ATTESTERS,
  RATS_TLS_ERR_LOAD_ENCLAVE_VERIFIERS,
  RATS_TLS_ERR_DLOPEN,
  RATS_TLS_ERR_INIT,
  RATS_TLS_ERR_UNSUPPORTED_CERT_ALGO,
  RATS_TLS_ERR_NO_NAME,
  RATS_TLS_ERR_CBOR,
  RATS_TLS_ERR_NO_EVIDENCE,
  RATS_TLS_ERR_BAD_CERT,
  RATS_TLS_ERR_PUBKEY_HASH_MISMATCH,
  RATS_TLS_ERR_CALLBACK_REJECTED,
  RATS_TLS_ERR_NO_VERIFIER,
} rats_tls_err_t;

typedef enum
{
  TLS_WRAPPER_ERR_NONE = 0,
  TLS_WRAPPER_ERR_UNKNOWN = TLS_WRAPPER_ERR_BASE | 1,
  TLS_WRAPPER_ERR_NO_MEM,
  TLS_WRAPPER_ERR_NOT_FOUND,
  TLS_WRAPPER_ERR_INVALID,
  TLS_WRAPPER_ERR_TRANSMIT,
  TLS_WRAPPER_ERR_RECEIVE,
  TLS_WRAPPER_ERR_UNSUPPORTED_QUOTE,
  TLS_WRAPPER_ERR_PRIV_KEY,
  TLS_WRAPPER_ERR_CERT,
  TLS_WRAPPER_ERR_NEGOTIATE,
  TLS_WRAPPER_ERR_PEER_VERIFY,
} tls_wrapper_err_t;

typedef enum
{
  ENCLAVE_ATTESTER_ERR_NONE = 0,
  ENCLAVE_ATTESTER_ERR_UNKNOWN = ENCLAVE_ATTESTER_ERR_BASE | 1,
  ENCLAVE_ATTESTER_ERR_NO_MEM,
  ENCLAVE_ATTESTER_ERR_INVALID,
  ENCLAVE_ATTESTER_ERR_CPU_UNSUPPORTED,
  ENCLAVE_ATTESTER_ERR_NO_TOOL,
  ENCLAVE_ATTESTER_ERR_EVIDENCE,
} enclave_attester_err_t;

typedef enum
{
  ENCLAVE_VERIFIER_ERR_NONE = 0,
  ENCLAVE_VERIFIER_ERR_UNKNOWN = ENCLAVE_VERIFIER_ERR_BASE | 1,
  ENCLAVE_VERIFIER_ERR_NO_MEM,
  ENCLAVE_VERIFIER_ERR_INVALID,
  ENCLAVE_VERIFIER_ERR_CBOR,
  ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED,
  ENCLAVE_VERIFIER_ERR_EVIDENCE,    /* the evidence does not verify */
  ENCLAVE_VERIFIER_ERR_REPORT_DATA, /* it does not bind the claims */
  ENCLAVE_VERIFIER_ERR_POLICY,      /* it verifies, but the policy refuses it */
} enclave_verifier_err_t;

typedef enum
{
  CRYPTO_WRAPPER_ERR_NONE = 0,
  CRYPTO_WRAPPER_ERR_UNKNOWN = CRYPTO_WRAPPER_ERR_BASE | 1,
  CRYPTO_WRAPPER_ERR_NO_MEM,
  CRYPTO_WRAPPER_ERR_INVALID,
  CRYPTO_WRAPPER_ERR_UNSUPPORTED_ALGO,
  CRYPTO_WRAPPER_ERR_PRIV_KEY,
  CRYPTO_WRAPPER_ERR_PUB_KEY,
  CRYPTO_WRAPPER_ERR_CERT,
} crypto_wrapper_err_t;

#ifdef __cplusplus
extern "C"
{
#endif

  /* The symbolic name of a code ("RATS_TLS_ERR_NO_EVIDENCE"), or "unknown error". */
  const char *rats_tls_err_name (int err);
  /* The detailed message of the last failure in the calling thread ("" if none). */
  const char *rats_tls_last_error_message (void);

#ifdef __cplusplus
}
#endif

#endif
