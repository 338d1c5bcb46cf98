/* process.terminal: the container init allocates a pseudo-terminal from the container's own
   devpts, makes it its controlling terminal and stdio, and passes the master to rune, which
   hands it to the --console-socket (as runc does: SCM_RIGHTS, the pty's name as data) or, for
   an attached `rune run`, relays it to its own stdio. */
#ifndef CONTAINER_TERMINAL_H
#define CONTAINER_TERMINAL_H

#include "error.h"
#include <stdbool.h>

/* In the container (after pivot_root): opens /dev/ptmx, sets the size when given, makes the
   slave the controlling terminal and fds 0-2; *master is the master fd to pass on. */
int terminal_setup (unsigned int height, unsigned int width, int *master, ic_error_t *err);
/* runc's rules: a terminal needs somewhere to go (a console socket, or an attached rune),
   and a console socket needs a terminal. */
int terminal_check_options (bool terminal, const char *console_socket, bool attached,
                            ic_error_t *err);
/* Sends *master to console_socket, or moves it to *out when there is none; *master is -1
   afterwards (nothing happens when it already was). */
int terminal_hand_out (int *master, const char *console_socket, int *out, ic_error_t *err);
/* Connects to a console socket (a unix stream socket path); returns the connected fd. */
int terminal_connect_console_socket (const char *path, ic_error_t *err);
/* Sends master over the connected console socket. */
int terminal_send_master (int console_fd, int master, ic_error_t *err);
/* Copies between rune's stdin/stdout and master until the master hangs up or stop_fd (e.g. a
   signalfd) is readable; puts rune's terminal in raw mode meanwhile when stdin is a tty.
   Returns 1 when stop_fd became readable, 0 on hang-up. */
int terminal_relay (int master, int stop_fd, ic_error_t *err);
/* Copies the size of rune's own terminal (stdin) to master, if stdin is a terminal. */
void terminal_copy_size (int master);

#endif
