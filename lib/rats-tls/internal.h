/* librats_tls internals: the handle, the instance registry and the core's steps. */
#ifndef RATS_TLS_INTERNAL_H
#define RATS_TLS_INTERNAL_H

#include "error.h"
#include <rats-tls/api.h>
#include <rats-tls/attester.h>
#include <rats-tls/crypto_wrapper.h>
#include <rats-tls/tls_wrapper.h>
#include <rats-tls/verifier.h>

#define RTLS_EXPORT __attribute__ ((visibility ("default")))

/* The default plugin directory ($libdir/rats-tls) and its environment override. */
#define RATS_TLS_PLUGIN_DIR_ENV "RATS_TLS_PLUGIN_DIR"

enum rtls_kind
{
  RTLS_CRYPTO_WRAPPER,
  RTLS_ATTESTER,
  RTLS_VERIFIER,
  RTLS_TLS_WRAPPER,
  RTLS_KINDS
};

struct rtls_core_context_t
{
  rats_tls_conf_t config;
  claim_t *custom_claims; /* deep copy of conf->custom_claims */
  size_t n_custom_claims;
  rats_tls_callback_t user_callback;
  rtls_verifier_policy_t policy;
  char *policy_strings[4]; /* storage for the policy's strings */

  crypto_wrapper_ctx_t crypto;
  enclave_attester_ctx_t attester;
  enclave_verifier_ctx_t verifier;
  tls_wrapper_ctx_t tls;
  bool attester_ready, verifier_ready;

  uint8_t *cert_der; /* the certificate this side presents */
  size_t cert_len;
  int fd;
};

/* The registry: instances registered by the loaded shared objects, sorted by descending
   priority. rtls_registry_load loads every directory once per process. */
rats_tls_err_t rtls_registry_load (void);
size_t rtls_registry_count (enum rtls_kind kind);
const void *rtls_registry_get (enum rtls_kind kind, size_t i);
const void *rtls_registry_find (enum rtls_kind kind, const char *name);
/* "; why X failed to load" for each instance that did not load, or "". */
const char *rtls_registry_warnings (void);
const char *rtls_opts_name (enum rtls_kind kind, const void *opts);

/* Reads the trust configuration from the environment into h->policy. */
rats_tls_err_t rtls_policy_init (struct rtls_core_context_t *h);

/* Makes the key and the certificate (with evidence when the attester gives some). */
rats_tls_err_t rtls_generate_certificate (struct rtls_core_context_t *h);

/* Inits verifier opts in h (cleaning up the previous one). */
rats_tls_err_t rtls_verifier_select (struct rtls_core_context_t *h,
                                     const enclave_verifier_opts_t *opts);

/* Sets the thread's last error message from an ic_error and returns code. */
int rtls_error_from (int code, ic_error_t *err);

#endif
