#include "process.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
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
  bool released; /* pal_exec was called: its thread runs and waits for it */
  bool exited;   /* waited for (not yet reaped): its pid must not be signalled */
  int id;
  pid_t pid;   /* once released */
  int pending; /* a signal that ended it before it ran */
  /* What to run, until pal_exec spawns it: */
  char *path;
  char **argv;
  char **env;
  int stdio[3]; /* our copies, above 2 and close-on-exec */
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

/* Forgets what a process was to run (spawned, or never to be). */
static void
drop_request (struct process *p)
{
  free (p->path);
  strv_free (p->argv);
  strv_free (p->env);
  for (int i = 0; i < 3; i++)
    if (p->stdio[i] >= 0)
      close (p->stdio[i]);
  p->path = NULL;
  p->argv = p->env = NULL;
  p->stdio[0] = p->stdio[1] = p->stdio[2] = -1;
}

/* The vfork child (it shares our memory until execve): only async-signal-safe calls. Every
   signal is blocked, so no handler of ours runs here before the dispositions are reset. */
static void __attribute__ ((noreturn)) child (const struct process *p, pid_t parent)
{
  static const char *const empty[] = { NULL };
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  sigset_t none;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid () != parent)
    _exit (128 + SIGKILL);
  sigemptyset (&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; sig++)
    sigaction (sig, &dfl, NULL);
  /* Our copies are above 2: dup2 cannot overwrite one with another. */
  for (int i = 0; i < 3; i++)
    if (dup2 (p->stdio[i], i) < 0)
      _exit (126);
  syscall (SYS_close_range, 3, ~0U, 0);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execve (p->path, p->argv, p->env ? p->env : (char *const *)empty);
  _exit (errno == ENOENT ? 127 : 126);
}

/* Starts p (with the table locked): vfork, as the child runs at once and copying our page
   tables would cost more than the rest of its start. */
static int
spawn (struct process *p)
{
  pid_t self = getpid (), pid;
  sigset_t all, old;
  int saved;

  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pid = vfork ();
  if (pid == 0)
    child (p, self);
  saved = errno;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (pid < 0)
    return -saved;
  p->pid = pid;
  return 0;
}

int
skel_process_create (const char *path, const char *const *argv, const char *const *env,
                     const struct pal_stdio_fds *stdio, int *id)
{
  struct process *slot = NULL;
  int fds[3] = { -1, -1, -1 }, ret = 0;
  struct stat st;

  if (path == NULL || argv == NULL || argv[0] == NULL || stdio == NULL || id == NULL)
    return -EINVAL;
  if (stat (path, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    return -EACCES;
  /* Our own copies of the streams: the caller may close its fds before pal_exec. */
  for (int i = 0; i < 3 && ret == 0; i++)
    {
      int fd = i == 0 ? stdio->stdin : i == 1 ? stdio->stdout : stdio->stderr;
      if ((fds[i] = fcntl (fd, F_DUPFD_CLOEXEC, 3)) < 0)
        ret = -errno;
    }
  pthread_mutex_lock (&lock);
  for (int i = 0; i < MAX_PROCESSES && slot == NULL && ret == 0; i++)
    if (!table[i].used)
      slot = &table[i];
  if (slot == NULL || ret < 0)
    {
      pthread_mutex_unlock (&lock);
      for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
          close (fds[i]);
      return ret < 0 ? ret : -EAGAIN;
    }
  *slot = (struct process){ .used = true,
                            .id = next_id++,
                            .path = xstrdup (path),
                            .argv = strv_dup (argv),
                            .env = strv_dup (env),
                            .stdio = { fds[0], fds[1], fds[2] } };
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
  int status = 0, pending, ret;

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
  pending = p->pending;
  ret = pending ? 0 : spawn (p);
  pid = p->pid;
  drop_request (p);
  if (pending || ret < 0)
    memset (p, 0, sizeof (*p)); /* nothing to wait for */
  pthread_mutex_unlock (&lock);
  if (ret < 0)
    return ret;
  if (pending)
    {
      /* Killed before it ran. */
      *exit_value = 128 + pending;
      return 0;
    }

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

/* Signals p (with the table locked); one that ends a process ends it before it runs. */
static int
signal_process (struct process *p, int sig)
{
  if (p->released)
    return p->exited ? -ESRCH : kill (p->pid, sig) < 0 ? -errno : 0;
  if (signal_ends_process (sig) && p->pending == 0)
    p->pending = sig;
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
        if (table[i].used)
          signal_process (&table[i], sig);
    }
  else
    {
      struct process *p = find (id == 0 ? last_id : id);
      ret = p ? signal_process (p, sig) : -ESRCH;
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
      if (!p->used)
        continue;
      if (p->released)
        {
          /* Its pal_exec waits for it and forgets it. */
          if (!p->exited)
            kill (p->pid, SIGKILL);
          continue;
        }
      /* Never ran: nobody will. */
      drop_request (p);
      memset (p, 0, sizeof (*p));
    }
  pthread_mutex_unlock (&lock);
}
