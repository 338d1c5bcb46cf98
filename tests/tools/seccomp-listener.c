/* seccomp-listener: a seccomp agent for tests. Listens on PATH, accepts one connection,
   receives the container process state (printed as one line on stdout) with the notify fd,
   then answers every notification with the errno ERRNO (default 42) until the container's
   filter goes away.

   Usage: seccomp-listener PATH [ERRNO] */
#include "utils.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
answer (int notify_fd, int error)
{
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;
  for (;;)
    {
      memset (&req, 0, sizeof (req));
      if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        {
          if (errno == EINTR)
            continue;
          return; /* ENOENT: the filter's last user is gone */
        }
      resp = (struct seccomp_notif_resp){ .id = req.id, .error = -error };
      ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}

int
main (int argc, char **argv)
{
  static char state[65536];
  int sock, conn, notify_fd;
  ssize_t n;

  if (argc < 2 || argc > 3 || argv[1][0] == '-')
    {
      fprintf (stderr, "Usage: seccomp-listener SOCKET-PATH [ERRNO]\n");
      return 2;
    }
  sock = unix_socket_listen (argv[1], 1, NULL);
  if (sock < 0)
    {
      perror ("seccomp-listener: listen");
      return 1;
    }
  conn = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
  n = conn < 0 ? -1 : recv_fd (conn, &notify_fd, state, sizeof (state) - 1, NULL);
  if (n <= 0 || notify_fd < 0)
    {
      fprintf (stderr, "seccomp-listener: no notify fd received\n");
      return 1;
    }
  state[n] = '\0';
  printf ("%s\n", state);
  fflush (stdout);
  close (conn);
  close (sock);
  unlink (argv[1]);
  answer (notify_fd, argc == 3 ? atoi (argv[2]) : 42);
  return 0;
}
