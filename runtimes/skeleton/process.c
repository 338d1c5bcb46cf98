#include "process.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCESSES 256

struct process
{
  bool used;
  bool released; /* pal_exec was called: its thread waits for it */
  bool exited;   /* waited for (not yet reaped): its pid must not be signalled */
  int id;
  pid_t pid;
  int gate; /* write end: one byte releases the child */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct process table[MAX_PROCESSES];
static int next_id = 1;
static int last_id;

static struct process *
find (int id)
{
  for (int i = 0; i < MAX_PROCESSES; i++)
    if (table[i].used && table[i].id == id)
      return &table[i];
  return NULL;
}

static bool
fd_valid (int fd)
{
  return fd >= 0 && fcntl (fd, F_GETFD) >= 0;
}

/* In the child: only async-signal-safe calls. */
static void __attribute__ ((noreturn))
child (int gate, const char *path, const char *const *argv, const char *const *env,
       const struct pal_stdio_fds *stdio, pid_t parent)
{
  static const char *const empty[] = { NULL };
  int fds[3] = { stdio->stdin, stdio->stdout, stdio->stderr };
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  sigset_t none;
  char c;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid () != parent)
    _exit (128 + SIGKILL);
  sigemptyset (&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++)
    sigaction (sig, &dfl, NULL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* Move the stdio fds above 2 first, so that dup2 cannot overwrite one with another. */
  for (int i = 0; i < 3; i++)
    {
      fds[i] = fcntl (fds[i], F_DUPFD_CLOEXEC, 3);
      if (fds[i] < 0)
        _exit (126);
    }
  if (read (gate, &c, 1) != 1)
    _exit (128 + SIGKILL); /* destroyed before it ran */
  for (int i = 0; i < 3; i++)
    if (dup2 (fds[i], i) < 0)
      _exit (126);
  syscall (SYS_close_range, 3, ~0U, 0);
  execve (path, (char *const *)argv, (char *const *)(env ? env : empty));
  _exit (errno == ENOENT ? 127 : 126);
}

int
skel_process_create (const char *path, const char *const *argv, const char *const *env,
                     const struct pal_stdio_fds *stdio, int *id)
{
  struct process *slot = NULL;
  struct stat st;
  int gate[2];
  pid_t pid, self = getpid ();

  if (path == NULL || argv == NULL || argv[0] == NULL || stdio == NULL || id == NULL)
    return -EINVAL;
  if (!fd_valid (stdio->stdin) || !fd_valid (stdio->stdout) || !fd_valid (stdio->stderr))
    return -EBADF;
  if (stat (path, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    return -EACCES;
  pthread_mutex_lock (&lock);
  for (int i = 0; i < MAX_PROCESSES && slot == NULL; i++)
    if (!table[i].used)
      slot = &table[i];
  if (slot == NULL)
    {
      pthread_mutex_unlock (&lock);
      return -EAGAIN;
    }
  if (pipe2 (gate, O_CLOEXEC) < 0)
    {
      pthread_mutex_unlock (&lock);
      return -errno;
    }
  pid = fork ();
  if (pid == 0)
    {
      close (gate[1]);
      child (gate[0], path, argv, env, stdio, self);
    }
  close (gate[0]);
  if (pid < 0)
    {
      int e = errno;
      close (gate[1]);
      pthread_mutex_unlock (&lock);
      return -e;
    }
  *slot = (struct process){ .used = true, .id = next_id++, .pid = pid, .gate = gate[1] };
  last_id = slot->id;
  *id = slot->id;
  pthread_mutex_unlock (&lock);
  return 0;
}

int
skel_process_exec (int id, int *exit_value)
{
  struct process *p;
  siginfo_t info;
  pid_t pid;
  int status = 0;

  if (exit_value == NULL)
    return -EINVAL;
  pthread_mutex_lock (&lock);
  p = find (id);
  if (p == NULL || p->released)
    {
      pthread_mutex_unlock (&lock);
      return p ? -EBUSY : -ESRCH;
    }
  p->released = true;
  pid = p->pid;
  if (write (p->gate, "x", 1) != 1)
    {
      /* the child is gone already: waitid tells how */
    }
  close (p->gate);
  p->gate = -1;
  pthread_mutex_unlock (&lock);

  /* Wait without reaping, so its pid stays ours until the table forgets it. */
  while (waitid (P_PID, pid, &info, WEXITED | WNOWAIT) < 0)
    if (errno != EINTR)
      return -errno;
  pthread_mutex_lock (&lock);
  p = find (id);
  if (p)
    p->exited = true;
  pthread_mutex_unlock (&lock);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  pthread_mutex_lock (&lock);
  p = find (id);
  if (p)
    memset (p, 0, sizeof (*p));
  pthread_mutex_unlock (&lock);
  *exit_value = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return 0;
}

int
skel_process_kill (int id, int sig)
{
  int ret = 0;

  if (sig < 0 || sig >= NSIG)
    return -EINVAL;
  pthread_mutex_lock (&lock);
  if (id == -1)
    {
      for (int i = 0; i < MAX_PROCESSES; i++)
        if (table[i].used && !table[i].exited)
          kill (table[i].pid, sig);
    }
  else
    {
      struct process *p = find (id == 0 ? last_id : id);
      if (p == NULL || p->exited)
        ret = -ESRCH;
      else if (kill (p->pid, sig) < 0)
        ret = -errno;
    }
  pthread_mutex_unlock (&lock);
  return ret;
}

void
skel_process_kill_all (void)
{
  pthread_mutex_lock (&lock);
  for (int i = 0; i < MAX_PROCESSES; i++)
    {
      struct process *p = &table[i];
      if (!p->used || p->exited)
        continue;
      kill (p->pid, SIGKILL);
      if (!p->released)
        {
          /* Nobody waits for a process that never ran: reap it here. */
          close (p->gate);
          waitpid (p->pid, NULL, 0);
          memset (p, 0, sizeof (*p));
        }
    }
  pthread_mutex_unlock (&lock);
}
