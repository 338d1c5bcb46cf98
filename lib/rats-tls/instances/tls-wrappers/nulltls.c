/* The nulltls TLS wrapper: no TLS at all, plain reads and writes on the fd. It carries no
   certificate, so only the nullverifier can accept its peer: a forced verifier fails. */
#include <errno.h>
#include <rats-tls/tls_wrapper.h>
#include <unistd.h>

static tls_wrapper_err_t
nulltls_init (tls_wrapper_ctx_t *ctx)
{
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
nulltls_negotiate (tls_wrapper_ctx_t *ctx, int fd)
{
  bool verifies = !(ctx->conf_flags & RATS_TLS_CONF_FLAGS_SERVER)
                  || (ctx->conf_flags & RATS_TLS_CONF_FLAGS_MUTUAL);
  ctx->fd = fd;
  if (verifies)
    return (tls_wrapper_err_t)rtls_verify_peer_certificate (ctx->rtls_handle, NULL, 0);
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
nulltls_transmit (tls_wrapper_ctx_t *ctx, void *buf, size_t *size)
{
  ssize_t n;
  do
    n = write (ctx->fd, buf, *size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rtls_error (TLS_WRAPPER_ERR_TRANSMIT, "nulltls: write: %m");
  *size = n;
  return TLS_WRAPPER_ERR_NONE;
}

static tls_wrapper_err_t
nulltls_receive (tls_wrapper_ctx_t *ctx, void *buf, size_t *size)
{
  ssize_t n;
  do
    n = read (ctx->fd, buf, *size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rtls_error (TLS_WRAPPER_ERR_RECEIVE, "nulltls: read: %m");
  *size = n;
  return TLS_WRAPPER_ERR_NONE;
}

static const tls_wrapper_opts_t nulltls_opts = {
  .api_version = TLS_WRAPPER_API_VERSION_DEFAULT,
  .name = "nulltls",
  .priority = 0,
  .init = nulltls_init,
  .negotiate = nulltls_negotiate,
  .transmit = nulltls_transmit,
  .receive = nulltls_receive,
};

static void __attribute__ ((constructor)) libtls_wrapper_nulltls_init (void)
{
  tls_wrapper_register (&nulltls_opts);
}
