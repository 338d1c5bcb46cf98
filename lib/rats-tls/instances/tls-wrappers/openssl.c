/* The openssl TLS wrapper: TLS 1.3 (1.2 with RATS_TLS_CONF_FLAGS_ALLOW_TLS12) over OpenSSL 3.
   The peer's certificate is checked by the core alone (rtls_verify_peer_certificate) from a
   certificate verification callback that replaces OpenSSL's chain building: a self-signed
   certificate is expected, and nothing OpenSSL would tolerate is taken as proof. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <rats-tls/tls_wrapper.h>
#include <stdlib.h>
#include <string.h>

struct openssl_tls
{
  SSL_CTX *ctx;
  SSL *ssl;
  int verify_result; /* the core's verdict on the peer's certificate */
  bool verified;
};

static bool
verifies_peer (const tls_wrapper_ctx_t *ctx)
{
  return !(ctx->conf_flags & RATS_TLS_CONF_FLAGS_SERVER)
         || (ctx->conf_flags & RATS_TLS_CONF_FLAGS_MUTUAL);
}

static int
openssl_error (int code, const char *what)
{
  char buf[256] = "";
  unsigned long e = ERR_peek_last_error ();
  if (e)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  return rtls_error (code, "openssl: %s%s%s", what, buf[0] ? ": " : "", buf);
}

static int
verify_certificate (X509_STORE_CTX *store, void *arg)
{
  tls_wrapper_ctx_t *ctx = arg;
  struct openssl_tls *t = ctx->tls_private;
  X509 *leaf = X509_STORE_CTX_get0_cert (store);
  unsigned char *der = NULL;
  int len = leaf ? i2d_X509 (leaf, &der) : -1;

  if (len <= 0)
    t->verify_result = rtls_error (TLS_WRAPPER_ERR_PEER_VERIFY, "openssl: no peer certificate");
  else
    t->verify_result = rtls_verify_peer_certificate (ctx->rtls_handle, der, len);
  OPENSSL_free (der);
  t->verified = t->verify_result == 0;
  if (!t->verified)
    {
      X509_STORE_CTX_set_error (store, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  X509_STORE_CTX_set_error (store, X509_V_OK);
  return 1;
}

static tls_wrapper_err_t
openssl_init (tls_wrapper_ctx_t *ctx)
{
  bool server = ctx->conf_flags & RATS_TLS_CONF_FLAGS_SERVER;
  struct openssl_tls *t = calloc (1, sizeof *t);
  int mode = SSL_VERIFY_NONE;

  if (t == NULL)
    return rtls_error (TLS_WRAPPER_ERR_NO_MEM, "openssl: out of memory");
  t->ctx = SSL_CTX_new (server ? TLS_server_method () : TLS_client_method ());
  if (t->ctx == NULL)
    {
      free (t);
      return openssl_error (TLS_WRAPPER_ERR_INVALID, "SSL_CTX_new");
    }
  SSL_CTX_set_min_proto_version (t->ctx, (ctx->conf_flags & RATS_TLS_CONF_FLAGS_ALLOW_TLS12)
                                             ? TLS1_2_VERSION
                                             : TLS1_3_VERSION);
  /* Each connection has its own handle: nothing to resume. */
  SSL_CTX_set_session_cache_mode (t->ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets (t->ctx, 0);
  if (verifies_peer (ctx))
    {
      mode = SSL_VERIFY_PEER;
      if (server)
        mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
      SSL_CTX_set_cert_verify_callback (t->ctx, verify_certificate, ctx);
    }
  SSL_CTX_set_verify (t->ctx, mode, NULL);
  ctx->tls_private = t;
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_use_privkey (tls_wrapper_ctx_t *ctx, rats_tls_cert_algo_t algo, const uint8_t *der,
                     size_t len)
{
  struct openssl_tls *t = ctx->tls_private;
  const unsigned char *p = der;
  EVP_PKEY *key = d2i_AutoPrivateKey (NULL, &p, (long)len);
  int ok = key && SSL_CTX_use_PrivateKey (t->ctx, key) == 1;

  EVP_PKEY_free (key);
  if (!ok)
    return openssl_error (TLS_WRAPPER_ERR_PRIV_KEY, "using the private key");
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_use_cert (tls_wrapper_ctx_t *ctx, const rats_tls_cert_info_t *info)
{
  struct openssl_tls *t = ctx->tls_private;
  if (SSL_CTX_use_certificate_ASN1 (t->ctx, (int)info->cert_len, info->cert_buf) != 1
      || SSL_CTX_check_private_key (t->ctx) != 1)
    return openssl_error (TLS_WRAPPER_ERR_CERT, "using the certificate");
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_negotiate (tls_wrapper_ctx_t *ctx, int fd)
{
  struct openssl_tls *t = ctx->tls_private;
  bool server = ctx->conf_flags & RATS_TLS_CONF_FLAGS_SERVER;
  int ret;

  /* A handle negotiates one connection after the other (a server's accept loop). */
  SSL_free (t->ssl);
  t->verify_result = 0;
  t->verified = false;
  t->ssl = SSL_new (t->ctx);
  if (t->ssl == NULL || SSL_set_fd (t->ssl, fd) != 1)
    return openssl_error (TLS_WRAPPER_ERR_NEGOTIATE, "SSL_new");
  ret = server ? SSL_accept (t->ssl) : SSL_connect (t->ssl);
  if (ret != 1)
    {
      if (t->verify_result != 0)
        {
          ERR_clear_error ();
          return t->verify_result; /* the core's code and message */
        }
      if (server && verifies_peer (ctx) && SSL_get0_peer_certificate (t->ssl) == NULL
          && SSL_get_error (t->ssl, ret) == SSL_ERROR_SSL)
        {
          ERR_clear_error ();
          return rtls_error (RATS_TLS_ERR_NO_EVIDENCE,
                             "openssl: the peer sent no certificate (mutual mode requires one)");
        }
      return openssl_error (TLS_WRAPPER_ERR_NEGOTIATE, server ? "SSL_accept" : "SSL_connect");
    }
  /* A server verifies the client's certificate during the handshake; a client sees no
     certificate only if the callback was never called: fail closed. */
  if (verifies_peer (ctx) && !t->verified && !server)
    return rtls_error (TLS_WRAPPER_ERR_PEER_VERIFY,
                       "openssl: the peer's certificate was not verified");
  if (verifies_peer (ctx) && server && !t->verified)
    return rtls_error (RATS_TLS_ERR_NO_EVIDENCE, "openssl: the peer sent no certificate");
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_transmit (tls_wrapper_ctx_t *ctx, void *buf, size_t *size)
{
  struct openssl_tls *t = ctx->tls_private;
  size_t written = 0;

  if (t->ssl == NULL)
    return rtls_error (TLS_WRAPPER_ERR_TRANSMIT, "openssl: not negotiated");
  if (*size && SSL_write_ex (t->ssl, buf, *size, &written) != 1)
    return openssl_error (TLS_WRAPPER_ERR_TRANSMIT, "SSL_write");
  *size = written;
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_receive (tls_wrapper_ctx_t *ctx, void *buf, size_t *size)
{
  struct openssl_tls *t = ctx->tls_private;
  size_t got = 0;
  int ret;

  if (t->ssl == NULL)
    return rtls_error (TLS_WRAPPER_ERR_RECEIVE, "openssl: not negotiated");
  ret = SSL_read_ex (t->ssl, buf, *size, &got);
  if (ret != 1)
    {
      int e = SSL_get_error (t->ssl, ret);
      if (e == SSL_ERROR_ZERO_RETURN)
        {
          *size = 0;
          return TLS_WRAPPER_ERR_NONE;
        }
      if (t->verify_result != 0)
        return t->verify_result; /* a TLS 1.3 server refusing our client certificate late */
      return openssl_error (TLS_WRAPPER_ERR_RECEIVE, "SSL_read");
    }
  *size = got;
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
openssl_cleanup (tls_wrapper_ctx_t *ctx)
{
  struct openssl_tls *t = ctx->tls_private;
  if (t == NULL)
    return TLS_WRAPPER_ERR_NONE;
  if (t->ssl)
    {
      if (t->verified || !verifies_peer (ctx))
        SSL_shutdown (t->ssl);
      SSL_free (t->ssl);
    }
  SSL_CTX_free (t->ctx);
  free (t);
  ctx->tls_private = NULL;
  ERR_clear_error ();
  return TLS_WRAPPER_ERR_NONE;
}

static const tls_wrapper_opts_t openssl_opts = {
  .api_version = TLS_WRAPPER_API_VERSION_DEFAULT,
  .name = "openssl",
  .priority = 25,
  .init = openssl_init,
  .use_privkey = openssl_use_privkey,
  .use_cert = openssl_use_cert,
  .negotiate = openssl_negotiate,
  .transmit = openssl_transmit,
  .receive = openssl_receive,
  .cleanup = openssl_cleanup,
};

static void __attribute__ ((constructor)) libtls_wrapper_openssl_init (void)
{
  tls_wrapper_register (&openssl_opts);
}
