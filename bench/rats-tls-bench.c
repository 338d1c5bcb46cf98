/* rats-tls speed against plain OpenSSL in the same process: handshakes per second and bulk
   throughput over loopback TCP, server and client in two threads.
     rats-tls-bench handshake rats|plain N     N handshakes (one-way; client verifies)
     rats-tls-bench bulk rats|plain BYTES      BYTES client -> server on one connection
   "rats" is openssl+sim (server: attester sim, made once as upstream's server does; client:
   verifier sim, collateral loaded once); "plain" is OpenSSL TLS 1.3 with a self-signed
   ECDSA P-256 certificate that the client verifies against itself as trust anchor. Prints
   one line: "<mode> <kind> <count> <seconds> <rate>". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <signal.h>
#include <rats-tls/api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 16384

static bool rats, bulk;
static long count;
static int listener, port;
static SSL_CTX *plain_server, *plain_client;

static void
die (const char *what)
{
  fprintf (stderr, "rats-tls-bench: %s: %s\n", what, rats_tls_last_error_message ());
  ERR_print_errors_fp (stderr);
  exit (1);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static rats_tls_handle
rats_handle (bool server)
{
  rats_tls_conf_t c = { .api_version = 1, .cert_algo = RATS_TLS_CERT_ALGO_ECC_256_SHA256 };
  rats_tls_handle h;
  strcpy (c.tls_type, "openssl");
  strcpy (c.crypto_type, "openssl");
  if (server)
    {
      c.flags = RATS_TLS_CONF_FLAGS_SERVER;
      strcpy (c.attester_type, "sim");
    }
  else
    strcpy (c.verifier_type, "sim");
  if (rats_tls_init (&c, &h) != RATS_TLS_ERR_NONE)
    die (server ? "server init" : "client init");
  return h;
}

static void
plain_contexts (void)
{
  EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  X509 *cert = X509_new ();
  X509_NAME *name = X509_get_subject_name (cert);
  X509_set_version (cert, X509_VERSION_3);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), 1);
  X509_gmtime_adj (X509_getm_notBefore (cert), -3600);
  X509_gmtime_adj (X509_getm_notAfter (cert), 86400);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *)"plain", -1, -1, 0);
  X509_set_issuer_name (cert, name);
  X509_set_pubkey (cert, key);
  X509_sign (cert, key, EVP_sha256 ());
  plain_server = SSL_CTX_new (TLS_server_method ());
  plain_client = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_min_proto_version (plain_server, TLS1_3_VERSION);
  SSL_CTX_set_min_proto_version (plain_client, TLS1_3_VERSION);
  SSL_CTX_set_session_cache_mode (plain_server, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets (plain_server, 0);
  SSL_CTX_use_certificate (plain_server, cert);
  SSL_CTX_use_PrivateKey (plain_server, key);
  X509_STORE_add_cert (SSL_CTX_get_cert_store (plain_client), cert);
  SSL_CTX_set_verify (plain_client, SSL_VERIFY_PEER, NULL);
  X509_free (cert);
  EVP_PKEY_free (key);
}

static void *
server_thread (void *arg)
{
  rats_tls_handle h = rats ? rats_handle (true) : NULL;
  char *buf = malloc (CHUNK);
  long connections = bulk ? 1 : count;

  for (long i = 0; i < connections; i++)
    {
      int fd = accept (listener, NULL, NULL);
      SSL *ssl = NULL;
      size_t len;
      if (fd < 0)
        die ("accept");
      if (rats)
        {
          if (rats_tls_negotiate (h, fd) != RATS_TLS_ERR_NONE)
            die ("server negotiate");
        }
      else
        {
          ssl = SSL_new (plain_server);
          SSL_set_fd (ssl, fd);
          if (SSL_accept (ssl) != 1)
            die ("SSL_accept");
        }
      /* read until the client closes (bulk), or the one-byte hello (handshake) */
      for (;;)
        {
          len = CHUNK;
          if (rats)
            {
              if (rats_tls_receive (h, buf, &len) != RATS_TLS_ERR_NONE)
                break;
            }
          else if (SSL_read_ex (ssl, buf, CHUNK, &len) != 1)
            len = 0;
          if (len == 0 || !bulk)
            break;
        }
      if (ssl)
        {
          SSL_shutdown (ssl);
          SSL_free (ssl);
        }
      close (fd);
    }
  if (h)
    rats_tls_cleanup (h);
  free (buf);
  return NULL;
}

static int
connect_loopback (void)
{
  struct sockaddr_in a = { .sin_family = AF_INET,
                           .sin_port = htons (port),
                           .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *)&a, sizeof a) < 0)
    die ("connect");
  return fd;
}

int
main (int argc, char **argv)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t alen = sizeof a;
  rats_tls_handle h = NULL;
  pthread_t server;
  char *buf;
  double start, elapsed;
  long done = 0;

  if (argc != 4 || (strcmp (argv[1], "handshake") && strcmp (argv[1], "bulk"))
      || (strcmp (argv[2], "rats") && strcmp (argv[2], "plain")) || atol (argv[3]) <= 0)
    {
      fprintf (stderr, "Usage: rats-tls-bench handshake|bulk rats|plain N\n");
      return 1;
    }
  bulk = strcmp (argv[1], "bulk") == 0;
  rats = strcmp (argv[2], "rats") == 0;
  count = atol (argv[3]);
  signal (SIGPIPE, SIG_IGN);
  listener = socket (AF_INET, SOCK_STREAM, 0);
  if (bind (listener, (struct sockaddr *)&a, sizeof a) < 0 || listen (listener, 128) < 0
      || getsockname (listener, (struct sockaddr *)&a, &alen) < 0)
    die ("listen");
  port = ntohs (a.sin_port);
  if (!rats)
    plain_contexts ();
  else
    h = rats_handle (false);
  buf = calloc (1, CHUNK);
  /* the server makes its certificate (and quote) before the clock starts */
  pthread_create (&server, NULL, server_thread, NULL);
  usleep (rats ? 500000 : 100000);

  start = now ();
  for (long i = 0; i < (bulk ? 1 : count); i++)
    {
      int fd = connect_loopback ();
      SSL *ssl = NULL;
      size_t len;
      if (rats)
        {
          if (rats_tls_negotiate (h, fd) != RATS_TLS_ERR_NONE)
            die ("client negotiate");
        }
      else
        {
          ssl = SSL_new (plain_client);
          SSL_set_fd (ssl, fd);
          if (SSL_connect (ssl) != 1)
            die ("SSL_connect");
        }
      long total = bulk ? count : 1;
      while (done < (bulk ? total : i + 1))
        {
          len = bulk ? (size_t)(total - done < CHUNK ? total - done : CHUNK) : 1;
          if (rats)
            {
              if (rats_tls_transmit (h, buf, &len) != RATS_TLS_ERR_NONE)
                die ("transmit");
            }
          else if (SSL_write_ex (ssl, buf, len, &len) != 1)
            die ("SSL_write");
          done += len;
        }
      if (ssl)
        {
          SSL_shutdown (ssl);
          SSL_free (ssl);
        }
      shutdown (fd, SHUT_WR);
      if (bulk)
        pthread_join (server, NULL); /* the server has read everything */
      close (fd);
    }
  if (!bulk)
    pthread_join (server, NULL);
  elapsed = now () - start;
  if (bulk)
    printf ("%s bulk %ld %.3f %.1f MiB/s\n", argv[2], count, elapsed, count / elapsed / (1 << 20));
  else
    printf ("%s handshake %ld %.3f %.1f /s\n", argv[2], count, elapsed, count / elapsed);
  if (h)
    rats_tls_cleanup (h);
  free (buf);
  return 0;
}
