#include "sync.h"
#include "utils.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct sync_header
{
  uint32_t type;
  int32_t status;
};

int
sync_send (int fd, enum sync_type type, int32_t status, const char *payload, ic_error_t *err)
{
  struct sync_header h = { type, status };
  size_t len = payload ? strlen (payload) : 0;
  struct iovec iov[2] = { { &h, sizeof (h) }, { (void *)payload, len } };
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

  if (len > SYNC_MAX_PAYLOAD)
    return ic_error (err, EMSGSIZE, "sync message too large");
  while (sendmsg (fd, &mh, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "send to the container process");
  return 0;
}

void
sync_send_error (int fd, ic_error_t error)
{
  sync_send (fd, SYNC_ERROR, error ? error->status : 0, ic_error_message (error), NULL);
}

static void
close_passed_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

int
sync_send_fd (int fd, enum sync_type type, int passed_fd, ic_error_t *err)
{
  struct sync_header h = { type, 0 };
  return send_fd (fd, passed_fd, &h, sizeof (h), err);
}

int
sync_expect (int fd, enum sync_type type, struct sync_msg *msg, ic_error_t *err)
{
  int passed_fd = -1;
  int ret = sync_expect_fd (fd, type, msg, &passed_fd, err);
  /* A stray fd from a confused peer must not leak. */
  close_passed_fd (&passed_fd);
  return ret;
}

int
sync_expect_fd (int fd, enum sync_type type, struct sync_msg *msg, int *passed_fd, ic_error_t *err)
{
  cleanup_free char *buf = xmalloc0 (sizeof (struct sync_header) + SYNC_MAX_PAYLOAD + 1);
  struct sync_header h;
  ssize_t n;

  memset (msg, 0, sizeof (*msg));
  n = recv_fd (fd, passed_fd, buf, sizeof (h) + SYNC_MAX_PAYLOAD, NULL);
  if (n < 0)
    return ic_error (err, errno, "receive from the container process");
  if (n == 0)
    {
      ic_error (err, 0, "the container process exited during setup");
      if (err && *err)
        (*err)->status = EPIPE;
      return -1;
    }
  if ((size_t)n < sizeof (h))
    {
      close_passed_fd (passed_fd);
      return ic_error (err, EPROTO, "short sync message");
    }
  memcpy (&h, buf, sizeof (h));
  msg->type = h.type;
  msg->status = h.status;
  msg->len = n - sizeof (h);
  if (msg->len)
    {
      msg->payload = xmalloc0 (msg->len + 1);
      memcpy (msg->payload, buf + sizeof (h), msg->len);
    }
  if (h.type == SYNC_ERROR)
    {
      /* The message already carries strerror; keep the errno only for the caller. */
      ic_error (err, 0, "%s", msg->payload ? msg->payload : "container setup failed");
      if (err && *err)
        (*err)->status = h.status;
      sync_msg_clear (msg);
      close_passed_fd (passed_fd);
      return -1;
    }
  if (h.type != (uint32_t)type)
    {
      sync_msg_clear (msg);
      close_passed_fd (passed_fd);
      return ic_error (err, EPROTO, "unexpected sync message %u (expected %u)", h.type, type);
    }
  return 0;
}

void
sync_msg_clear (struct sync_msg *msg)
{
  free (msg->payload);
  msg->payload = NULL;
}
