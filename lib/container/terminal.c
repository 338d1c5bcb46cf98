#include "terminal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
terminal_setup (unsigned int height, unsigned int width, int *master, ic_error_t *err)
{
  cleanup_close int ptmx = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  cleanup_close int slave = -1;
  int unlock = 0;

  if (ptmx < 0)
    return ic_error (err, errno, "process.terminal: open /dev/ptmx in the container");
  if (ioctl (ptmx, TIOCSPTLCK, &unlock) < 0)
    return ic_error (err, errno, "process.terminal: unlock the pty");
  /* The peer ioctl opens the slave of this very master, whatever /dev/pts holds. */
  slave = ioctl (ptmx, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0)
    return ic_error (err, errno, "process.terminal: open the pty slave");
  if (height && width
      && ioctl (slave, TIOCSWINSZ, &(struct winsize){ .ws_row = height, .ws_col = width }) < 0)
    return ic_error (err, errno, "process.consoleSize: set the terminal size");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return ic_error (err, errno, "process.terminal: make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return ic_error (err, errno, "process.terminal: dup2 the pty to fd %d", fd);
  *master = steal_fd (&ptmx);
  return 0;
}

int
terminal_connect_console_socket (const char *path, ic_error_t *err)
{
  int fd = unix_socket_connect (path, err);
  return fd < 0 ? ic_error_wrap (err, "--console-socket") : fd;
}

int
terminal_send_master (int console_fd, int master, ic_error_t *err)
{
  char name[64] = "/dev/ptmx";
  unsigned int n;
  if (ioctl (master, TIOCGPTN, &n) == 0)
    snprintf (name, sizeof (name), "/dev/pts/%u", n);
  if (send_fd (console_fd, master, name, strlen (name), err) < 0)
    return ic_error_wrap (err, "--console-socket");
  return 0;
}

void
terminal_copy_size (int master)
{
  struct winsize ws;
  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (master, TIOCSWINSZ, &ws);
}

/* Copies what is readable on from to to; false on end of file or error. */
static bool
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof (buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  return n > 0 && write_all (to, buf, n) == 0;
}

int
terminal_relay (int master, int stop_fd, ic_error_t *err)
{
  struct termios saved, raw;
  bool restore = tcgetattr (STDIN_FILENO, &saved) == 0;
  struct pollfd fds[3] = { { .fd = master, .events = POLLIN },
                           { .fd = stop_fd, .events = POLLIN },
                           { .fd = STDIN_FILENO, .events = POLLIN } };
  int ret = 0;

  if (restore)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
    }
  for (;;)
    {
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          ret = ic_error (err, errno, "poll the terminal");
          break;
        }
      if (fds[1].revents)
        {
          ret = 1;
          break;
        }
      if (fds[0].revents && !copy_once (master, STDOUT_FILENO))
        break;
      /* Once our stdin ends, stop reading it; the container keeps its terminal. */
      if (fds[2].revents && !copy_once (STDIN_FILENO, master))
        fds[2].fd = -1;
    }
  if (restore)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  return ret;
}

int
terminal_check_options (bool terminal, const char *console_socket, bool attached, ic_error_t *err)
{
  if (terminal && console_socket == NULL && !attached)
    return ic_error (err, 0,
                     "process.terminal: a terminal needs --console-socket when rune does not "
                     "stay attached");
  if (!terminal && console_socket)
    return ic_error (err, 0,
                     "--console-socket: process.terminal is false: there is no "
                     "terminal to send");
  return 0;
}

int
terminal_hand_out (int *master, const char *console_socket, int *out, ic_error_t *err)
{
  cleanup_close int console = -1;
  if (*master < 0)
    return 0;
  if (console_socket == NULL)
    {
      *out = steal_fd (master);
      return 0;
    }
  console = terminal_connect_console_socket (console_socket, err);
  if (console < 0 || terminal_send_master (console, *master, err) < 0)
    return -1;
  close (steal_fd (master));
  return 0;
}
