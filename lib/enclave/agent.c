#include "agent.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
agent_write_frame (int sock, const uint8_t *buf, size_t len, ic_error_t *err)
{
  uint8_t header[4] = { len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >> 24) & 0xff };
  if (len > AGENT_MAX_MESSAGE)
    return ic_error (err, EMSGSIZE, "agent: a %zu-byte message is too large", len);
  if (write_all (sock, header, 4) < 0 || write_all (sock, buf, len) < 0)
    return ic_error (err, errno, "agent: send a message");
  return 0;
}

int
agent_read_frame (int sock, uint8_t **buf, size_t *len, ic_error_t *err)
{
  uint8_t header[4];
  ssize_t n = read_all (sock, header, 4);
  uint32_t size;

  *buf = NULL;
  *len = 0;
  if (n == 0)
    return 1;
  if (n < 0)
    return ic_error (err, errno, "agent: receive a message");
  if (n != 4)
    return ic_error (err, EPROTO, "agent: the peer closed the connection inside a message header");
  size = header[0] | header[1] << 8 | header[2] << 16 | (uint32_t)header[3] << 24;
  if (size > AGENT_MAX_MESSAGE)
    return ic_error (err, EMSGSIZE, "agent: a %u-byte message is too large (at most %d)", size,
                     AGENT_MAX_MESSAGE);
  *buf = xmalloc0 (size ? size : 1);
  n = read_all (sock, *buf, size);
  if (n < 0 || (size_t)n != size)
    {
      free (*buf);
      *buf = NULL;
      return ic_error (err, n < 0 ? errno : EPROTO, "agent: %s",
                       n < 0 ? "receive a message" : "truncated message");
    }
  *len = size;
  return 0;
}

static int
check_request (const agent_request *r, ic_error_t *err)
{
  int set = (r->exec != NULL) + (r->kill != NULL) + (r->attest != NULL);
  if (set != 1)
    return ic_error (err, EPROTO, "agent: a request must hold exactly one of exec, kill, attest");
  if (r->exec)
    {
      if (r->exec->n_argv == 0 || r->exec->argv[0][0] == '\0')
        return ic_error (err, EINVAL, "agent: exec: argv is empty");
      for (size_t i = 0; i < r->exec->n_env; i++)
        if (strchr (r->exec->env[i], '=') == NULL || r->exec->env[i][0] == '=')
          return ic_error (err, EINVAL, "agent: exec: env[%zu] is not NAME=value", i);
    }
  if (r->kill && (r->kill->sig < 1 || r->kill->sig > 64))
    return ic_error (err, EINVAL, "agent: kill: %d is not a signal", r->kill->sig);
  if (r->attest && r->attest->target_info.len != 512)
    return ic_error (err, EINVAL, "agent: attest: the TARGETINFO has %zu bytes, not 512",
                     r->attest->target_info.len);
  return 0;
}

int
agent_request_parse (const uint8_t *buf, size_t len, agent_request **out, ic_error_t *err)
{
  agent_request *r = libenclave_proto__agent_service_request__unpack (NULL, len, buf);
  *out = NULL;
  if (r == NULL)
    return ic_error (err, EPROTO, "agent: malformed request");
  if (check_request (r, err) < 0)
    {
      agent_request_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

int
agent_response_parse (const uint8_t *buf, size_t len, agent_response **out, ic_error_t *err)
{
  agent_response *r = libenclave_proto__agent_service_response__unpack (NULL, len, buf);
  *out = NULL;
  if (r == NULL)
    return ic_error (err, EPROTO, "agent: malformed response");
  if ((r->exec != NULL) + (r->attest != NULL) != 1)
    {
      agent_response_free (r);
      return ic_error (err, EPROTO, "agent: a response must hold exactly one of exec, attest");
    }
  if (r->attest && r->attest->error[0] == '\0' && r->attest->localreport.len != 432)
    {
      size_t n = r->attest->localreport.len;
      agent_response_free (r);
      return ic_error (err, EPROTO, "agent: attest: the report has %zu bytes, not 432", n);
    }
  *out = r;
  return 0;
}

void
agent_request_free (agent_request *r)
{
  if (r)
    libenclave_proto__agent_service_request__free_unpacked (r, NULL);
}

void
agent_response_free (agent_response *r)
{
  if (r)
    libenclave_proto__agent_service_response__free_unpacked (r, NULL);
}

int
agent_send_request (int sock, const agent_request *r, ic_error_t *err)
{
  size_t len = libenclave_proto__agent_service_request__get_packed_size (r);
  cleanup_free uint8_t *buf = xmalloc0 (len ? len : 1);
  libenclave_proto__agent_service_request__pack (r, buf);
  return agent_write_frame (sock, buf, len, err);
}

int
agent_send_response (int sock, const agent_response *r, ic_error_t *err)
{
  size_t len = libenclave_proto__agent_service_response__get_packed_size (r);
  cleanup_free uint8_t *buf = xmalloc0 (len ? len : 1);
  libenclave_proto__agent_service_response__pack (r, buf);
  return agent_write_frame (sock, buf, len, err);
}

#define AGENT_MAX_FDS 8

int
agent_send_fds (int sock, const int *fds, size_t n, ic_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (AGENT_MAX_FDS * sizeof (int))];
    struct cmsghdr align;
  } u;
  char byte = 'F';
  struct iovec iov = { &byte, 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *c;

  if (n == 0 || n > AGENT_MAX_FDS)
    return ic_error (err, EINVAL, "agent: cannot pass %zu fds", n);
  memset (&u, 0, sizeof (u));
  mh.msg_control = u.buf;
  mh.msg_controllen = CMSG_SPACE (n * sizeof (int));
  c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (n * sizeof (int));
  memcpy (CMSG_DATA (c), fds, n * sizeof (int));
  while (sendmsg (sock, &mh, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "agent: pass file descriptors");
  return 0;
}

int
agent_recv_fds (int sock, int *fds, size_t n, ic_error_t *err)
{
  union
  {
    char buf[CMSG_SPACE (AGENT_MAX_FDS * sizeof (int))];
    struct cmsghdr align;
  } u;
  char byte;
  struct iovec iov = { &byte, 1 };
  struct msghdr mh = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof (u.buf)
  };
  size_t got = 0;
  ssize_t r;

  for (size_t i = 0; i < n; i++)
    fds[i] = -1;
  if (n == 0 || n > AGENT_MAX_FDS)
    return ic_error (err, EINVAL, "agent: cannot receive %zu fds", n);
  do
    r = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ic_error (err, errno, "agent: receive file descriptors");
  if (r == 0)
    return ic_error (err, EPROTO, "agent: the peer closed the connection before its stdio");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        size_t k = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        int passed[AGENT_MAX_FDS];
        memcpy (passed, CMSG_DATA (c), k * sizeof (int));
        for (size_t i = 0; i < k; i++)
          {
            if (got < n)
              fds[got++] = passed[i];
            else
              close (passed[i]);
          }
      }
  if (got != n || (mh.msg_flags & MSG_CTRUNC))
    {
      for (size_t i = 0; i < got; i++)
        close (fds[i]);
      for (size_t i = 0; i < n; i++)
        fds[i] = -1;
      return ic_error (err, EPROTO, "agent: expected %zu file descriptors, got %zu", n, got);
    }
  return 0;
}

static int
socket_address (int dirfd, struct sockaddr_un *sun, ic_error_t *err)
{
  char buf[FD_PATH_SIZE];
  memset (sun, 0, sizeof (*sun));
  sun->sun_family = AF_UNIX;
  if ((size_t)snprintf (sun->sun_path, sizeof (sun->sun_path), "%s/%s", fd_path (buf, dirfd),
                        AGENT_SOCKET)
      >= sizeof (sun->sun_path))
    return ic_error (err, ENAMETOOLONG, "agent: socket path");
  return 0;
}

int
agent_listen (int state_dirfd, int *out, ic_error_t *err)
{
  struct sockaddr_un sun;
  cleanup_close int sock = -1;

  if (socket_address (state_dirfd, &sun, err) < 0)
    return -1;
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return ic_error (err, errno, "agent: socket");
  unlinkat (state_dirfd, AGENT_SOCKET, 0);
  if (bind (sock, (struct sockaddr *)&sun, sizeof (sun)) < 0)
    return ic_error (err, errno, "agent: bind `%s`", AGENT_SOCKET);
  if (fchmodat (state_dirfd, AGENT_SOCKET, 0600, 0) < 0)
    return ic_error (err, errno, "agent: chmod `%s`", AGENT_SOCKET);
  if (listen (sock, 16) < 0)
    return ic_error (err, errno, "agent: listen");
  *out = steal_fd (&sock);
  return 0;
}

int
agent_connect (const char *state_dir, int *out, ic_error_t *err)
{
  cleanup_close int dirfd = open (state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct sockaddr_un sun;
  int sock;

  if (dirfd < 0)
    return ic_error (err, errno, "open `%s`", state_dir);
  if (socket_address (dirfd, &sun, err) < 0)
    return -1;
  if ((sock = unix_socket_connect (sun.sun_path, err)) < 0)
    return ic_error_wrap (err, "the enclave agent of `%s`", state_dir);
  *out = sock;
  return 0;
}
