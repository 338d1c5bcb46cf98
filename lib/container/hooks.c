#include "hooks.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t
spawn_hook (const struct oci_hook *hook, int stdin_fd)
{
  static char *const empty_env[] = { NULL };
  char *default_argv[] = { hook->path, NULL };
  pid_t pid = fork ();

  if (pid != 0)
    return pid;
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (dup2 (stdin_fd, 0) < 0)
    _exit (127);
  close_fds_from (3, true);
  signal (SIGPIPE, SIG_DFL);
  execve (hook->path, hook->args && hook->args[0] ? hook->args : default_argv,
          hook->env ? hook->env : empty_env);
  _exit (127);
}

/* Waits for pid, at most timeout seconds (0: forever); kills it on timeout. */
static int
wait_hook (pid_t pid, int timeout, int *status)
{
  int pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout > 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      int n;
      do
        n = poll (&p, 1, timeout * 1000);
      while (n < 0 && errno == EINTR);
      if (n == 0)
        {
          kill (pid, SIGKILL);
          close (pidfd);
          waitpid (pid, status, 0);
          return -ETIMEDOUT;
        }
    }
  if (pidfd >= 0)
    close (pidfd);
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  return 0;
}

static int
run_one (const struct oci_hook *hook, const char *kind_name, const char *state_json,
         ic_error_t *err)
{
  int fds[2];
  int status = 0, ret;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    return ic_error (err, errno, "%s hook `%s`: pipe", kind_name, hook->path);
  pid = spawn_hook (hook, fds[0]);
  close (fds[0]);
  if (pid < 0)
    {
      close (fds[1]);
      return ic_error (err, errno, "%s hook `%s`: fork", kind_name, hook->path);
    }
  /* A hook may exit without reading its stdin: ignore EPIPE, its exit status decides. */
  {
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction (SIGPIPE, &ign, &old);
    write_all (fds[1], state_json, strlen (state_json));
    sigaction (SIGPIPE, &old, NULL);
  }
  close (fds[1]);
  ret = wait_hook (pid, hook->timeout, &status);
  if (ret == -ETIMEDOUT)
    return ic_error (err, 0, "%s hook `%s` timed out after %d s", kind_name, hook->path,
                     hook->timeout);
  if (ret < 0)
    return ic_error (err, -ret, "%s hook `%s`: wait", kind_name, hook->path);
  if (WIFSIGNALED (status))
    return ic_error (err, 0, "%s hook `%s` killed by signal %d", kind_name, hook->path,
                     WTERMSIG (status));
  if (WEXITSTATUS (status) == 127)
    return ic_error (err, 0, "%s hook `%s` exited with status 127 (could it be executed?)",
                     kind_name, hook->path);
  if (WEXITSTATUS (status) != 0)
    return ic_error (err, 0, "%s hook `%s` exited with status %d", kind_name, hook->path,
                     WEXITSTATUS (status));
  return 0;
}

int
hooks_run (const struct oci_hook_list *hooks, enum oci_hook_kind kind, const char *state_json,
           ic_error_t *err)
{
  for (size_t i = 0; i < hooks->len; i++)
    if (run_one (&hooks->items[i], oci_hook_kind_name (kind), state_json, err) < 0)
      return -1;
  return 0;
}
