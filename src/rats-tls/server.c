/* rats-tls-server: accepts attested TLS connections on IP:PORT and echoes each client's
   message (upstream's sample, with its flags). */
#include "sample.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char program[] = "rats-tls-server";

static void
serve (rats_tls_handle handle, int fd, bool verifies)
{
  char buf[4096];
  size_t len = sizeof buf - 1;
  int ret = rats_tls_negotiate (handle, fd);

  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, "negotiate", ret);
      return;
    }
  ret = rats_tls_receive (handle, buf, &len);
  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, "receive", ret);
      return;
    }
  buf[len] = '\0';
  if (verifies)
    printf ("received: %s", buf);
  ret = rats_tls_transmit (handle, buf, &len);
  if (ret != RATS_TLS_ERR_NONE)
    sample_fail (program, "transmit", ret);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  struct sample_options o;
  struct sockaddr_in addr = { .sin_family = AF_INET };
  rats_tls_handle handle;
  int ret, sock, one = 1;

  ret = sample_parse (program, true, argc, argv, &o);
  if (ret)
    return ret == -2 ? 0 : ret;
  signal (SIGPIPE, SIG_IGN);
  addr.sin_port = htons (o.port);
  if (inet_pton (AF_INET, o.ip, &addr.sin_addr) != 1)
    {
      fprintf (stderr, "%s: --ip: `%s` is not an IPv4 address\n", program, o.ip);
      return 1;
    }

  /* claims as upstream's sample sets them (values with their NUL) */
  claim_t claims[] = {
    { .name = "key_0", .value = (uint8_t *)"value_0", .value_size = sizeof "value_0" },
    { .name = "key_1", .value = (uint8_t *)"value_1", .value_size = sizeof "value_1" },
  };
  o.conf.custom_claims = claims;
  o.conf.custom_claims_length = 2;
  ret = rats_tls_init (&o.conf, &handle);
  if (ret != RATS_TLS_ERR_NONE)
    return sample_fail (program, "init", ret);
  if (o.conf.flags & RATS_TLS_CONF_FLAGS_MUTUAL)
    rats_tls_set_verification_callback (&handle, sample_print_evidence);

  sock = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || setsockopt (sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (sock, (struct sockaddr *)&addr, sizeof addr) < 0 || listen (sock, 5) < 0)
    {
      fprintf (stderr, "%s: listen on %s:%d: %s\n", program, o.ip, o.port, strerror (errno));
      rats_tls_cleanup (handle);
      return 1;
    }
  printf ("listening on %s:%d\n", o.ip, o.port);
  fflush (stdout);
  for (long n = 0; o.connections == 0 || n < o.connections; n++)
    {
      int fd = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        {
          if (errno == EINTR)
            continue;
          fprintf (stderr, "%s: accept: %s\n", program, strerror (errno));
          break;
        }
      serve (handle, fd, o.conf.flags & RATS_TLS_CONF_FLAGS_MUTUAL);
      close (fd);
    }
  close (sock);
  rats_tls_cleanup (handle);
  return 0;
}
