/* Messages between `rune create` and the container process it spawns, over a SOCK_SEQPACKET
   socketpair: a fixed header and an optional payload (the state JSON, an error message). */
#ifndef CONTAINER_SYNC_H
#define CONTAINER_SYNC_H

#include "error.h"
#include <stdint.h>
#include <sys/types.h>

enum sync_type
{
  SYNC_GO = 1,        /* parent -> child: go on (intermediate: it is in the cgroup; init:
                         rune has read its pid) */
  SYNC_USERNS_READY,  /* child -> parent: unshared the user namespace, write the id maps */
  SYNC_USERNS_MAPPED, /* parent -> child: maps written */
  SYNC_PID,           /* child -> parent: the container process's pid (in status) */
  SYNC_RUNTIME_READY, /* init -> parent: mounts done, run createRuntime hooks */
  SYNC_CONTINUE,      /* parent -> init: hooks passed; payload: state JSON */
  SYNC_CREATED,       /* init -> parent: waiting for start */
  SYNC_TERMINAL,      /* init -> parent: the pty master (passed fd) */
  SYNC_SECCOMP,       /* init -> parent: the seccomp notify fd (passed fd) */
  SYNC_SECCOMP_DONE,  /* parent -> init: the listener has the fd */
  SYNC_ERROR,         /* either way: status is an errno, payload the message */
};

#define SYNC_MAX_PAYLOAD (256 * 1024)

struct sync_msg
{
  uint32_t type;
  int32_t status;
  uint32_t len;
  char *payload; /* NUL-terminated, NULL when len == 0 */
};

int sync_send (int fd, enum sync_type type, int32_t status, const char *payload, ic_error_t *err);
/* Sends an ic_error as SYNC_ERROR. */
void sync_send_error (int fd, ic_error_t error);
/* Receives one message of the expected type; a SYNC_ERROR becomes *err. End of file is an
   error with status EPIPE. */
int sync_expect (int fd, enum sync_type type, struct sync_msg *msg, ic_error_t *err);
/* A message carrying only a file descriptor, and its receiving side (*passed_fd = -1 when
   the message had none). */
int sync_send_fd (int fd, enum sync_type type, int passed_fd, ic_error_t *err);
int sync_expect_fd (int fd, enum sync_type type, struct sync_msg *msg, int *passed_fd,
                    ic_error_t *err);
void sync_msg_clear (struct sync_msg *msg);

#endif
