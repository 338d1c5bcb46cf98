/* recvtty: a console socket for tests, like runc's contrib/recvtty. Listens on PATH, accepts
   one connection, receives the pty master rune sends, prints the pty name it came with on
   stderr, then copies the terminal's output to stdout (and its stdin to the terminal, unless
   --no-stdin) until the terminal hangs up.

   Usage: recvtty [--no-stdin] PATH */
#include "utils.h"
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
relay (int master, bool with_stdin)
{
  struct pollfd fds[2]
      = { { .fd = master, .events = POLLIN }, { .fd = with_stdin ? 0 : -1, .events = POLLIN } };
  char buf[4096];
  ssize_t n;

  while (poll (fds, 2, -1) > 0)
    {
      if (fds[0].revents)
        {
          n = read (master, buf, sizeof (buf));
          if (n <= 0)
            return;
          write_all (1, buf, n);
        }
      if (fds[1].revents)
        {
          n = read (0, buf, sizeof (buf));
          if (n <= 0)
            fds[1].fd = -1;
          else
            write_all (master, buf, n);
        }
    }
}

int
main (int argc, char **argv)
{
  bool with_stdin = !(argc == 3 && strcmp (argv[1], "--no-stdin") == 0);
  const char *path = argv[argc - 1];
  char name[256] = "";
  int sock, conn, master;
  ssize_t n;

  if (argc < 2 || argc > 3 || strcmp (path, "-h") == 0 || strcmp (path, "--help") == 0)
    {
      fprintf (stderr, "Usage: recvtty [--no-stdin] SOCKET-PATH\n");
      return 2;
    }
  sock = unix_socket_listen (path, 1, NULL);
  if (sock < 0)
    {
      perror ("recvtty: listen");
      return 1;
    }
  conn = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
  n = conn < 0 ? -1 : recv_fd (conn, &master, name, sizeof (name) - 1, NULL);
  if (n < 0 || master < 0)
    {
      fprintf (stderr, "recvtty: no terminal received\n");
      return 1;
    }
  fprintf (stderr, "recvtty: got %s\n", name);
  close (conn);
  close (sock);
  unlink (path);
  relay (master, with_stdin);
  return 0;
}
