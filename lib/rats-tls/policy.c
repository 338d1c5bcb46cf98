/* The verifiers' trust configuration, from the environment (see rats-tls/verifier.h). */
#include "dcap.h"
#include "internal.h"
#include "utils.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static rats_tls_err_t
read_time (const char *var, time_t *out)
{
  const char *v = getenv (var);
  *out = 0;
  if (v == NULL || v[0] == '\0')
    return RATS_TLS_ERR_NONE;
  *out = dcap_parse_time (v);
  if (*out == (time_t)-1)
    return rtls_error (RATS_TLS_ERR_INVALID, "%s: `%s` is not a UTC time like 2025-08-20T00:00:00Z",
                       var, v);
  return RATS_TLS_ERR_NONE;
}

static const char *
keep (struct rtls_core_context_t *h, int slot, const char *var)
{
  const char *v = getenv (var);
  if (v == NULL || v[0] == '\0')
    return NULL;
  h->policy_strings[slot] = xstrdup (v);
  return h->policy_strings[slot];
}

rats_tls_err_t
rtls_policy_init (struct rtls_core_context_t *h)
{
  rtls_verifier_policy_t *p = &h->policy;
  const char *debug = getenv ("RATS_TLS_ACCEPT_DEBUG");
  rats_tls_err_t ret;

  memset (p, 0, sizeof *p);
  if ((ret = read_time ("RATS_TLS_AS_OF", &p->as_of)) != RATS_TLS_ERR_NONE
      || (ret = read_time ("RATS_TLS_CERT_AS_OF", &p->cert_as_of)) != RATS_TLS_ERR_NONE)
    return ret;
  p->collateral_dir = keep (h, 0, "RATS_TLS_COLLATERAL_DIR");
  p->accept_status = keep (h, 1, "RATS_TLS_ACCEPT_STATUS");
  if (p->accept_status == NULL)
    p->accept_status = RTLS_DEFAULT_ACCEPT_STATUS;
  p->sim_root = keep (h, 2, "RATS_TLS_SIM_ROOT");
  p->sim_collateral_dir = keep (h, 3, "RATS_TLS_SIM_COLLATERAL");
  if (debug && debug[0] && strcmp (debug, "0") != 0 && strcmp (debug, "1") != 0)
    return rtls_error (RATS_TLS_ERR_INVALID, "RATS_TLS_ACCEPT_DEBUG: `%s` is not 0 or 1", debug);
  p->accept_debug = debug && strcmp (debug, "1") == 0;
  return RATS_TLS_ERR_NONE;
}
