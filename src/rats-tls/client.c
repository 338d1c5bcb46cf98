/* rats-tls-client: connects to a rats-tls server, verifies it, sends a message and prints the
   reply (upstream's sample, with its flags). */
#include "sample.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char program[] = "rats-tls-client";

int
main (int argc, char **argv)
{
  struct sample_options o;
  struct sockaddr_in addr = { .sin_family = AF_INET };
  rats_tls_handle handle;
  char buf[4096], request[1024];
  const char *msg;
  size_t len;
  int ret, sock;

  ret = sample_parse (program, false, argc, argv, &o);
  if (ret)
    return ret == -2 ? 0 : ret;
  signal (SIGPIPE, SIG_IGN);
  addr.sin_port = htons (o.port);
  if (inet_pton (AF_INET, o.ip, &addr.sin_addr) != 1)
    {
      fprintf (stderr, "%s: --ip: `%s` is not an IPv4 address\n", program, o.ip);
      return 1;
    }
  ret = rats_tls_init (&o.conf, &handle);
  if (ret != RATS_TLS_ERR_NONE)
    return sample_fail (program, "init", ret);
  rats_tls_set_verification_callback (&handle, sample_print_evidence);

  sock = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect (sock, (struct sockaddr *)&addr, sizeof addr) < 0)
    {
      fprintf (stderr, "%s: connect to %s:%d: %s\n", program, o.ip, o.port, strerror (errno));
      rats_tls_cleanup (handle);
      return 1;
    }
  ret = rats_tls_negotiate (handle, sock);
  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, "negotiate", ret);
      goto fail;
    }
  msg = o.message;
  if (o.verdictd)
    {
      snprintf (request, sizeof request, "{\"command\":\"echo\",\"data\":\"%s\"}",
                "Hello and welcome to RATS-TLS!\\n");
      msg = request;
    }
  len = strlen (msg);
  ret = rats_tls_transmit (handle, (void *)msg, &len);
  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, "transmit", ret);
      goto fail;
    }
  len = sizeof buf - 1;
  ret = rats_tls_receive (handle, buf, &len);
  if (ret != RATS_TLS_ERR_NONE)
    {
      sample_fail (program, "receive", ret);
      goto fail;
    }
  if (len == 0)
    {
      fprintf (stderr, "%s: receive: the server closed the connection\n", program);
      goto fail;
    }
  buf[len] = '\0';
  printf ("reply: %s", buf);
  if (len && buf[len - 1] != '\n')
    putchar ('\n');
  close (sock);
  rats_tls_cleanup (handle);
  return 0;
fail:
  close (sock);
  rats_tls_cleanup (handle);
  return 1;
}
