/* libFuzzer target: arbitrary bytes from the peer. The first byte picks what we are:
     0  an openssl TLS client: the bytes are the server's side of the connection;
     1  an openssl TLS server in mutual mode: the bytes are the client's side;
     2  a nulltls client (the bytes are the server's messages), then receive;
     3  the certificate the peer presents, as the handshake hands it to the core (TLS 1.3
        encrypts it, so no fuzzer could reach it through the handshake): X.509, the evidence
        extension's CBOR, the verifier for its type (sgx_ecdsa with the recorded collateral in
        $RATS_TLS_COLLATERAL_DIR), the claims and the key binding.
   Whatever the bytes, negotiation must fail or succeed without crashing, leaking or hanging.
   The instances are compiled in: their constructors register them. */
#include <rats-tls/api.h>
#include <rats-tls/tls_wrapper.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static rats_tls_handle handles[3];

static rats_tls_handle
handle (int mode)
{
  rats_tls_conf_t c = { .api_version = 1, .cert_algo = RATS_TLS_CERT_ALGO_DEFAULT };
  static const char *tls[] = { "openssl", "openssl", "nulltls" };

  if (handles[mode])
    return handles[mode];
  strcpy (c.tls_type, tls[mode]);
  strcpy (c.crypto_type, mode == 2 ? "nullcrypto" : "openssl");
  strcpy (c.attester_type, "nullattester");
  if (mode == 1)
    c.flags = RATS_TLS_CONF_FLAGS_SERVER | RATS_TLS_CONF_FLAGS_MUTUAL;
  if (rats_tls_init (&c, &handles[mode]) != RATS_TLS_ERR_NONE)
    abort ();
  return handles[mode];
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* no plugin directory: the compiled-in instances are all there is */
  setenv ("RATS_TLS_PLUGIN_DIR", "/nonexistent", 0);
  setenv ("RATS_TLS_ACCEPT_STATUS", "UpToDate,OutOfDate", 0);
  setenv ("RATS_TLS_ACCEPT_DEBUG", "1", 0);
  setenv ("RATS_TLS_AS_OF", "2025-08-20T00:00:00Z", 0);
  setenv ("RATS_TLS_CERT_AS_OF", "2023-06-01T00:00:00Z", 0);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int sv[2], mode;
  char buf[256];
  size_t len = sizeof buf;

  if (size < 1 || size > 65536)
    return 0;
  mode = data[0] % 4;
  if (mode == 3)
    {
      rtls_verify_peer_certificate (handle (0), data + 1, size - 1);
      return 0;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    abort ();
  /* the peer's bytes wait in the socket, then end */
  if (size > 1 && write (sv[1], data + 1, size - 1) != (ssize_t)(size - 1))
    abort ();
  shutdown (sv[1], SHUT_WR);
  if (rats_tls_negotiate (handle (mode), sv[0]) == RATS_TLS_ERR_NONE)
    rats_tls_receive (handle (mode), buf, &len);
  close (sv[0]);
  close (sv[1]);
  return 0;
}
