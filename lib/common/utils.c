#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>

void
cleanup_freep (void *p)
{
  free (*(void **)p);
}

void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

void
cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

void
cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

void
cleanup_strvp (char ***v)
{
  strv_free (*v);
}

static void *
oom (void)
{
  fputs ("out of memory\n", stderr);
  abort ();
}

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  return p ? p : oom ();
}

void *
xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  return p ? p : oom ();
}

char *
xstrdup (const char *s)
{
  char *r;
  if (s == NULL)
    return NULL;
  r = strdup (s);
  return r ? r : oom ();
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *r;
  int n;
  va_start (ap, fmt);
  n = vasprintf (&r, fmt, ap);
  va_end (ap);
  return n < 0 ? oom () : r;
}

void
strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **i = v; *i; i++)
    free (*i);
  free (v);
}

size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

char **
strv_dup (const char *const *v)
{
  size_t n = strv_len ((char *const *)v);
  char **copy;

  if (v == NULL)
    return NULL;
  copy = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    copy[i] = xstrdup (v[i]);
  return copy;
}

bool
signal_ends_process (int sig)
{
  return sig > 0 && sig != SIGCHLD && sig != SIGCONT && sig != SIGURG && sig != SIGWINCH
         && sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= n;
    }
  return 0;
}

ssize_t
read_all (int fd, void *buf, size_t len)
{
  size_t done = 0;
  while (done < len)
    {
      ssize_t n = read (fd, (char *)buf + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += n;
    }
  return done;
}

int
read_file_at (int dirfd, const char *path, size_t max_size, char **out, size_t *len,
              ic_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t used = 0, allocated = 0;

  if (fd < 0)
    return ic_error (err, errno, "open `%s`", path);
  for (;;)
    {
      ssize_t n;
      if (allocated - used < 4096)
        {
          allocated = allocated ? allocated * 2 : 8192;
          buf = xrealloc (buf, allocated + 1);
        }
      n = read (fd, buf + used, allocated - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ic_error (err, errno, "read `%s`", path);
      if (n == 0)
        break;
      used += n;
      if (used > max_size)
        return ic_error (err, EFBIG, "read `%s`: larger than %zu bytes", path, max_size);
    }
  if (buf == NULL)
    buf = xmalloc0 (1);
  buf[used] = '\0';
  *out = steal_pointer (&buf);
  if (len)
    *len = used;
  return 0;
}

int
write_file_at (int dirfd, const char *path, const void *buf, size_t len, mode_t mode,
               ic_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return ic_error (err, errno, "open `%s`", path);
  if (write_all (fd, buf, len) < 0)
    return ic_error (err, errno, "write `%s`", path);
  return 0;
}

int
write_existing_file (const char *path, const void *buf, size_t len, ic_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ic_error (err, errno, "open `%s`", path);
  if (write_all (fd, buf, len) < 0)
    return ic_error (err, errno, "write `%s`", path);
  return 0;
}

int
write_file_atomic_at (int dirfd, const char *path, const char *buf, size_t len, ic_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp", path);
  if (write_file_at (dirfd, tmp, buf, len, 0600, err) < 0)
    return -1;
  if (renameat (dirfd, tmp, dirfd, path) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return ic_error (err, saved, "rename `%s`", path);
    }
  return 0;
}

static int
openat2_in_root (int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how
      = { .flags = flags, .mode = mode, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  return syscall (SYS_openat2, rootfd, path, &how, sizeof (how));
}

int
open_in_root (int rootfd, const char *path, int flags, mode_t mode, ic_error_t *err)
{
  int fd = openat2_in_root (rootfd, path, flags | O_CLOEXEC, mode);
  if (fd < 0)
    return ic_error (err, errno, "open `%s` in the container rootfs", path);
  return fd;
}

int
mkdir_p_in_root (int rootfd, const char *path, mode_t mode, ic_error_t *err)
{
  cleanup_free char *prefix = xmalloc0 (strlen (path) + 2);
  cleanup_close int cur = openat2_in_root (rootfd, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  const char *p = path;

  if (cur < 0)
    return ic_error (err, errno, "open the container rootfs");
  while (*p)
    {
      size_t n;
      int next;

      p += strspn (p, "/");
      n = strcspn (p, "/");
      if (n == 0)
        break;
      strcat (prefix, "/");
      strncat (prefix, p, n);
      /* Resolve the whole prefix from the root each time, so a symlink component is
         followed the way the container will see it and cannot lead outside the rootfs. */
      next = openat2_in_root (rootfd, prefix, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
      if (next < 0 && errno == ENOENT)
        {
          cleanup_free char *name = strndup (p, n);
          if (mkdirat (cur, name, mode) < 0 && errno != EEXIST)
            return ic_error (err, errno, "mkdir `%s`", prefix);
          next = openat2_in_root (rootfd, prefix, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        }
      if (next < 0)
        return ic_error (err, errno, "open `%s` in the container rootfs", prefix);
      close (cur);
      cur = next;
      p += n;
    }
  return steal_fd (&cur);
}

int
create_mount_target (int rootfd, const char *path, bool is_dir, ic_error_t *err)
{
  cleanup_free char *parent = xstrdup (path);
  cleanup_close int parentfd = -1;
  char *slash, *name;
  int fd;

  fd = openat2_in_root (rootfd, path, O_PATH | O_CLOEXEC, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return ic_error (err, errno, "open `%s` in the container rootfs", path);
  if (is_dir)
    return mkdir_p_in_root (rootfd, path, 0755, err);

  slash = strrchr (parent, '/');
  name = slash ? slash + 1 : parent;
  if (slash)
    *slash = '\0';
  parentfd = mkdir_p_in_root (rootfd, slash ? parent : "/", 0755, err);
  if (parentfd < 0)
    return -1;
  fd = openat2_in_root (parentfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
  if (fd < 0)
    return ic_error (err, errno, "create `%s` in the container rootfs", path);
  close (fd);
  fd = openat2_in_root (parentfd, name, O_PATH | O_CLOEXEC, 0);
  if (fd < 0)
    return ic_error (err, errno, "open `%s` in the container rootfs", path);
  return fd;
}

int
close_fds_from (int first, bool cloexec)
{
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
  return syscall (SYS_close_range, first, ~0U, cloexec ? CLOSE_RANGE_CLOEXEC : 0);
}

const char *
fd_path (char buf[FD_PATH_SIZE], int fd)
{
  snprintf (buf, FD_PATH_SIZE, "/proc/self/fd/%d", fd);
  return buf;
}

bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

int
send_fd (int sock, int fd, const void *data, size_t len, ic_error_t *err)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = (void *)(len ? data : ""), .iov_len = len ? len : 1 };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control)
  };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);

  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "send a file descriptor");
  return 0;
}

ssize_t
recv_fd (int sock, int *fd, void *buf, size_t size, ic_error_t *err)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = buf, .iov_len = size };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control)
  };
  ssize_t n;

  *fd = -1;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "receive a file descriptor");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy (fd, CMSG_DATA (c), sizeof (int));
  if (msg.msg_flags & MSG_CTRUNC)
    {
      if (*fd >= 0)
        close (*fd);
      *fd = -1;
      return ic_error (err, EBADMSG, "receive a file descriptor: control data truncated");
    }
  return n;
}

int
write_pid_file (const char *path, pid_t pid, ic_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp", path);
  char buf[16];
  int len = snprintf (buf, sizeof (buf), "%d", pid);
  if (write_file_at (AT_FDCWD, tmp, buf, len, 0644, err) < 0)
    return ic_error_wrap (err, "--pid-file");
  if (rename (tmp, path) < 0)
    {
      unlink (tmp);
      return ic_error (err, errno, "--pid-file: `%s`", path);
    }
  return 0;
}

static int
unix_socket (const char *path, struct sockaddr_un *addr, ic_error_t *err)
{
  int fd;
  memset (addr, 0, sizeof (*addr));
  addr->sun_family = AF_UNIX;
  if (strlen (path) >= sizeof (addr->sun_path))
    return ic_error (err, ENAMETOOLONG, "`%s`: too long for a unix socket path", path);
  strcpy (addr->sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  return fd < 0 ? ic_error (err, errno, "socket for `%s`", path) : fd;
}

int
unix_socket_connect (const char *path, ic_error_t *err)
{
  struct sockaddr_un addr;
  cleanup_close int fd = unix_socket (path, &addr, err);
  if (fd < 0)
    return -1;
  if (connect (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return ic_error (err, errno, "connect to `%s`", path);
  return steal_fd (&fd);
}

int
unix_socket_listen (const char *path, int backlog, ic_error_t *err)
{
  struct sockaddr_un addr;
  cleanup_close int fd = unix_socket (path, &addr, err);
  if (fd < 0)
    return -1;
  unlink (path);
  if (bind (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return ic_error (err, errno, "bind `%s`", path);
  if (listen (fd, backlog) < 0)
    return ic_error (err, errno, "listen on `%s`", path);
  return steal_fd (&fd);
}
