/* The public API: init (select instances, make the certificate), negotiate, transmit,
   receive, cleanup. */
#include "internal.h"
#include "utils.h"
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static bool
name_ok (const char *name)
{
  return memchr (name, '\0', RATS_TLS_TYPE_NAME_SIZE) != NULL;
}

static rats_tls_err_t
copy_conf (struct rtls_core_context_t *h, const rats_tls_conf_t *conf)
{
  h->config = *conf;
  if (conf->api_version > RATS_TLS_API_VERSION_MAX)
    return rtls_error (RATS_TLS_ERR_INVALID, "conf: api_version %u is not supported (at most %d)",
                       conf->api_version, RATS_TLS_API_VERSION_MAX);
  if ((unsigned)conf->log_level >= RATS_TLS_LOG_LEVEL_MAX)
    h->config.log_level = RATS_TLS_LOG_LEVEL_DEFAULT;
  if (conf->cert_algo == RATS_TLS_CERT_ALGO_DEFAULT)
    h->config.cert_algo = RATS_TLS_CERT_ALGO_ECC_256_SHA256;
  else if ((unsigned)conf->cert_algo >= RATS_TLS_CERT_ALGO_MAX)
    return rtls_error (RATS_TLS_ERR_UNSUPPORTED_CERT_ALGO, "conf: cert_algo %d is not supported",
                       conf->cert_algo);
  if (!name_ok (conf->tls_type) || !name_ok (conf->crypto_type) || !name_ok (conf->attester_type)
      || !name_ok (conf->verifier_type))
    return rtls_error (RATS_TLS_ERR_INVALID, "conf: an instance name is not NUL-terminated");
  h->config.flags
      &= ~(RATS_TLS_CONF_FLAGS_ATTESTER_ENFORCED | RATS_TLS_CONF_FLAGS_VERIFIER_ENFORCED);
  if (conf->attester_type[0])
    h->config.flags |= RATS_TLS_CONF_FLAGS_ATTESTER_ENFORCED;
  if (conf->verifier_type[0])
    h->config.flags |= RATS_TLS_CONF_FLAGS_VERIFIER_ENFORCED;
  if (conf->custom_claims_length && conf->custom_claims == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "conf: custom_claims is NULL");
  if (conf->custom_claims_length > 64)
    return rtls_error (RATS_TLS_ERR_INVALID, "conf: %zu custom claims, at most 64",
                       conf->custom_claims_length);
  h->custom_claims = xmalloc0 ((conf->custom_claims_length + 1) * sizeof (claim_t));
  for (size_t i = 0; i < conf->custom_claims_length; i++)
    {
      const claim_t *c = &conf->custom_claims[i];
      if (c->name == NULL || (c->value == NULL && c->value_size))
        return rtls_error (RATS_TLS_ERR_INVALID, "conf: custom claim %zu has no name or value", i);
      h->custom_claims[i].name = xstrdup (c->name);
      h->custom_claims[i].value = xmalloc0 (c->value_size + 1);
      if (c->value_size)
        memcpy (h->custom_claims[i].value, c->value, c->value_size);
      h->custom_claims[i].value_size = c->value_size;
      h->n_custom_claims++;
    }
  h->config.custom_claims = h->custom_claims;
  return RATS_TLS_ERR_NONE;
}

/* Tries the named instance, or each in priority order, until one's init succeeds. */
static rats_tls_err_t
select_instance (struct rtls_core_context_t *h, enum rtls_kind kind, const char *name,
                 const char *what, int (*try) (struct rtls_core_context_t *, const void *))
{
  int ret = RATS_TLS_ERR_NOT_REGISTERED;

  if (name[0])
    {
      const void *opts = rtls_registry_find (kind, name);
      if (opts == NULL)
        return rtls_error (RATS_TLS_ERR_NOT_REGISTERED,
                           "%s `%s` is not loaded (see RATS_TLS_PLUGIN_DIR)%s", what, name,
                           rtls_registry_warnings ());
      return try (h, opts);
    }
  for (size_t i = 0; i < rtls_registry_count (kind); i++)
    {
      ret = try (h, rtls_registry_get (kind, i));
      if (ret == RATS_TLS_ERR_NONE)
        return ret;
    }
  return rtls_error (ret, "no %s could be initialized: %s", what, rats_tls_last_error_message ());
}

static int
try_crypto (struct rtls_core_context_t *h, const void *opts)
{
  h->crypto.opts = opts;
  h->crypto.conf_flags = h->config.flags;
  h->crypto.log_level = h->config.log_level;
  h->crypto.cert_algo = h->config.cert_algo;
  int ret = h->crypto.opts->init ? h->crypto.opts->init (&h->crypto) : 0;
  if (ret != 0)
    h->crypto.opts = NULL;
  return ret;
}

static int
try_attester (struct rtls_core_context_t *h, const void *opts)
{
  h->attester.opts = opts;
  h->attester.conf_flags = h->config.flags;
  h->attester.log_level = h->config.log_level;
  int ret = h->attester.opts->init ? h->attester.opts->init (&h->attester, h->config.cert_algo) : 0;
  if (ret != 0)
    h->attester.opts = NULL;
  else
    h->attester_ready = true;
  return ret;
}

static int
try_verifier (struct rtls_core_context_t *h, const void *opts)
{
  return rtls_verifier_select (h, opts);
}

static int
try_tls (struct rtls_core_context_t *h, const void *opts)
{
  h->tls.opts = opts;
  h->tls.conf_flags = h->config.flags;
  h->tls.log_level = h->config.log_level;
  h->tls.rtls_handle = h;
  h->tls.fd = -1;
  int ret = h->tls.opts->init (&h->tls);
  if (ret != 0)
    h->tls.opts = NULL;
  return ret;
}

RTLS_EXPORT rats_tls_err_t
rats_tls_init (const rats_tls_conf_t *conf, rats_tls_handle *handle)
{
  struct rtls_core_context_t *h;
  bool presents, verifies;
  int ret;

  if (conf == NULL || handle == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_init: conf or handle is NULL");
  *handle = NULL;
  ret = rtls_registry_load ();
  if (ret != RATS_TLS_ERR_NONE)
    return ret;

  h = xmalloc0 (sizeof *h);
  h->fd = -1;
  ret = copy_conf (h, conf);
  if (ret == RATS_TLS_ERR_NONE)
    ret = rtls_policy_init (h);
  if (ret != RATS_TLS_ERR_NONE)
    goto fail;

  presents = h->config.flags & (RATS_TLS_CONF_FLAGS_SERVER | RATS_TLS_CONF_FLAGS_MUTUAL);
  verifies = !(h->config.flags & RATS_TLS_CONF_FLAGS_SERVER)
             || (h->config.flags & RATS_TLS_CONF_FLAGS_MUTUAL);

  ret = select_instance (h, RTLS_CRYPTO_WRAPPER, h->config.crypto_type, "crypto wrapper",
                         try_crypto);
  if (ret != RATS_TLS_ERR_NONE)
    goto fail;
  if (presents)
    ret = select_instance (h, RTLS_ATTESTER, h->config.attester_type, "attester", try_attester);
  else if (h->config.attester_type[0]
           && rtls_registry_find (RTLS_ATTESTER, h->config.attester_type) == NULL)
    ret = rtls_error (RATS_TLS_ERR_NOT_REGISTERED, "attester `%s` is not loaded",
                      h->config.attester_type);
  if (ret != RATS_TLS_ERR_NONE)
    goto fail;
  /* A named verifier must be usable now; otherwise one is picked per peer. */
  if (h->config.verifier_type[0])
    {
      if (rtls_registry_find (RTLS_VERIFIER, h->config.verifier_type) == NULL)
        ret = rtls_error (RATS_TLS_ERR_NOT_REGISTERED,
                          "verifier `%s` is not loaded (see RATS_TLS_PLUGIN_DIR)",
                          h->config.verifier_type);
      else if (verifies)
        ret = select_instance (h, RTLS_VERIFIER, h->config.verifier_type, "verifier", try_verifier);
      if (ret != RATS_TLS_ERR_NONE)
        goto fail;
    }
  ret = select_instance (h, RTLS_TLS_WRAPPER, h->config.tls_type, "TLS wrapper", try_tls);
  if (ret != RATS_TLS_ERR_NONE)
    goto fail;
  if (presents)
    {
      ret = rtls_generate_certificate (h);
      if (ret != RATS_TLS_ERR_NONE)
        goto fail;
    }
  *handle = h;
  return RATS_TLS_ERR_NONE;

fail:
  {
    /* Keep the message: cleanup must not overwrite it. */
    char message[1024];
    snprintf (message, sizeof message, "%s", rats_tls_last_error_message ());
    rats_tls_cleanup (h);
    rtls_error (0, "%s", message);
  }
  return ret;
}

RTLS_EXPORT rats_tls_err_t
rats_tls_set_verification_callback (rats_tls_handle *handle, rats_tls_callback_t cb)
{
  if (handle == NULL || *handle == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_set_verification_callback: no handle");
  (*handle)->user_callback = cb;
  return RATS_TLS_ERR_NONE;
}

RTLS_EXPORT rats_tls_err_t
rats_tls_negotiate (rats_tls_handle h, int fd)
{
  if (h == NULL || fd < 0)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_negotiate: no handle or bad fd %d", fd);
  h->fd = fd;
  h->tls.fd = fd;
  return (rats_tls_err_t)h->tls.opts->negotiate (&h->tls, fd);
}

RTLS_EXPORT rats_tls_err_t
rats_tls_receive (rats_tls_handle h, void *buf, size_t *buf_size)
{
  if (h == NULL || buf == NULL || buf_size == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_receive: NULL argument");
  if (h->fd < 0)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_receive: not negotiated");
  return (rats_tls_err_t)h->tls.opts->receive (&h->tls, buf, buf_size);
}

RTLS_EXPORT rats_tls_err_t
rats_tls_transmit (rats_tls_handle h, void *buf, size_t *buf_size)
{
  if (h == NULL || buf == NULL || buf_size == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_transmit: NULL argument");
  if (h->fd < 0)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_transmit: not negotiated");
  return (rats_tls_err_t)h->tls.opts->transmit (&h->tls, buf, buf_size);
}

RTLS_EXPORT rats_tls_err_t
rats_tls_cleanup (rats_tls_handle h)
{
  if (h == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_cleanup: no handle");
  if (h->tls.opts && h->tls.opts->cleanup)
    h->tls.opts->cleanup (&h->tls);
  if (h->attester_ready && h->attester.opts->cleanup)
    h->attester.opts->cleanup (&h->attester);
  if (h->verifier_ready && h->verifier.opts->cleanup)
    h->verifier.opts->cleanup (&h->verifier);
  if (h->crypto.opts && h->crypto.opts->cleanup)
    h->crypto.opts->cleanup (&h->crypto);
  for (size_t i = 0; i < h->n_custom_claims; i++)
    {
      free (h->custom_claims[i].name);
      free (h->custom_claims[i].value);
    }
  free (h->custom_claims);
  for (size_t i = 0; i < sizeof h->policy_strings / sizeof h->policy_strings[0]; i++)
    free (h->policy_strings[i]);
  free (h->cert_der);
  free (h);
  return RATS_TLS_ERR_NONE;
}

RTLS_EXPORT rats_tls_err_t
rats_tls_verify_certificate (rats_tls_handle h, const uint8_t *der, size_t len)
{
  if (h == NULL || der == NULL)
    return rtls_error (RATS_TLS_ERR_INVALID, "rats_tls_verify_certificate: NULL argument");
  return rtls_verify_peer_certificate (h, der, len);
}

RTLS_EXPORT const uint8_t *
rats_tls_get_certificate (rats_tls_handle h, size_t *len)
{
  if (h == NULL || h->cert_der == NULL)
    {
      if (len)
        *len = 0;
      return NULL;
    }
  if (len)
    *len = h->cert_len;
  return h->cert_der;
}
