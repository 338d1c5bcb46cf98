/* A small PAL API v3 runtime for pal-check's own tests (tests/integration/pal-check.bats):
   no enclave, the payloads are plain child processes, the "report" is the targetinfo's bytes
   repeated. Built without a BUG_ definition it conforms (pal-check passes it); each BUG_
   definition below adds one defect that pal-check must detect:

   BUG_CRASH_ON_NULL    pal_create_process(NULL) dereferences NULL
   BUG_POSITIVE_ERRNO   pal_kill returns positive errno values
   BUG_SIGNAL_EXIT      a payload killed by signal N reports exit value N, not 128 + N
   BUG_KILL_LATEST      pal_kill(-1, sig) signals only the latest process, not every one
   BUG_KEEP_ON_DESTROY  pal_destroy leaves the running processes running
   BUG_REPORT_OVERFLOW  pal_get_local_report ignores targetinfo_len and *report_len
   BUG_REPORT_HANG      pal_get_local_report never returns
   BUG_NO_INIT_CHECK    every call works without pal_init, and after pal_destroy
   BUG_EXIT_IN_INIT     pal_init exit()s on arguments it does not know (as upstream's
                        skeleton exits when it has no SGX device)
   BUG_JOINED_ARGV      argv goes through a space-joined string (upstream's agent did so) */
#define PAL_VERSION 3
#include <errno.h>
#include <fcntl.h>
#include <inclavare/pal.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PUBLIC __attribute__ ((visibility ("default")))
#define MAX_PROCS 32

struct proc
{
  int id;      /* 0: free slot */
  pid_t pid;   /* 0 once reaped */
  int gate;    /* write end; closing it lets the child exec */
  bool waited; /* pal_exec waits for it */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct proc procs[MAX_PROCS];
static bool ready;
static int last_id;

static bool
initialized (void)
{
#ifdef BUG_NO_INIT_CHECK
  return true;
#else
  return ready;
#endif
}

PUBLIC int
pal_get_version (void)
{
  return 3;
}

PUBLIC int
pal_init (const pal_attr_v3_t *attr)
{
  if (attr == NULL)
    return -EINVAL;
  if (attr->attr_v1.args && attr->attr_v1.args[0])
    {
#ifdef BUG_EXIT_IN_INIT
      fprintf (stderr, "pal-buggy: unknown arguments, exiting\n");
      exit (1);
#endif
      return -EINVAL;
    }
  pthread_mutex_lock (&lock);
  ready = true;
  pthread_mutex_unlock (&lock);
  return 0;
}

static struct proc *
find (int id)
{
  for (int i = 0; i < MAX_PROCS; i++)
    if (procs[i].id != 0 && procs[i].id == id)
      return &procs[i];
  return NULL;
}

PUBLIC int
pal_create_process (struct pal_create_process_args *args)
{
  static const char *const no_env[] = { NULL };
  struct proc *slot = NULL;
  int gate[2];
  pid_t pid;

#ifndef BUG_CRASH_ON_NULL
  if (args == NULL)
    return -EINVAL;
#endif
  if (args->path == NULL || args->argv == NULL || args->argv[0] == NULL || args->stdio == NULL
      || args->pid == NULL)
    return -EINVAL;
  if (!initialized ())
    return -ENXIO;
  if (fcntl (args->stdio->stdin, F_GETFD) < 0 || fcntl (args->stdio->stdout, F_GETFD) < 0
      || fcntl (args->stdio->stderr, F_GETFD) < 0)
    return -EBADF;
  if (access (args->path, X_OK) < 0)
    return -errno;
  pthread_mutex_lock (&lock);
  for (int i = 0; i < MAX_PROCS && !slot; i++)
    if (procs[i].id == 0)
      slot = &procs[i];
  if (slot == NULL || pipe2 (gate, O_CLOEXEC) < 0)
    {
      pthread_mutex_unlock (&lock);
      return slot ? -errno : -EAGAIN;
    }
  pid = fork ();
  if (pid == 0)
    {
      int fds[3]
          = { fcntl (args->stdio->stdin, F_DUPFD, 3), fcntl (args->stdio->stdout, F_DUPFD, 3),
              fcntl (args->stdio->stderr, F_DUPFD, 3) };
      char c;
      const char **argv = args->argv;
#ifdef BUG_JOINED_ARGV
      char joined[4096] = "", *words[64], *save = NULL;
      int n = 0;
      for (int i = 0; argv[i]; i++)
        snprintf (joined + strlen (joined), sizeof (joined) - strlen (joined), "%s%s", i ? " " : "",
                  argv[i]);
      for (char *w = strtok_r (joined, " ", &save); w && n < 63; w = strtok_r (NULL, " ", &save))
        words[n++] = w;
      words[n] = NULL;
      argv = (const char **)words;
#endif
      close (gate[1]);
      signal (SIGPIPE, SIG_DFL);
      (void)!read (gate[0], &c, 1);
      for (int i = 0; i < 3; i++)
        dup2 (fds[i], i);
      for (int fd = 3; fd < 1024; fd++)
        close (fd);
      execve (args->path, (char *const *)argv, (char *const *)(args->env ? args->env : no_env));
      _exit (127);
    }
  close (gate[0]);
  if (pid < 0)
    {
      close (gate[1]);
      pthread_mutex_unlock (&lock);
      return -EAGAIN;
    }
  *slot = (struct proc){ .id = ++last_id, .pid = pid, .gate = gate[1] };
  *args->pid = slot->id;
  pthread_mutex_unlock (&lock);
  return 0;
}

PUBLIC int
pal_exec (struct pal_exec_args *args)
{
  struct proc *p;
  pid_t pid;
  int status;

  if (args == NULL || args->exit_value == NULL)
    return -EINVAL;
  if (!initialized ())
    return -ENXIO;
  pthread_mutex_lock (&lock);
  p = find (args->pid);
  if (p == NULL || p->waited)
    {
      pthread_mutex_unlock (&lock);
      return p ? -EBUSY : -ESRCH;
    }
  p->waited = true;
  pid = p->pid;
  close (p->gate);
  p->gate = -1;
  pthread_mutex_unlock (&lock);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -errno;
  pthread_mutex_lock (&lock);
  memset (p, 0, sizeof (*p));
  pthread_mutex_unlock (&lock);
#ifdef BUG_SIGNAL_EXIT
  *args->exit_value = WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status);
#else
  *args->exit_value = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
#endif
  return 0;
}

static int
errno_value (int e)
{
#ifdef BUG_POSITIVE_ERRNO
  return e;
#else
  return -e;
#endif
}

PUBLIC int
pal_kill (int pid, int sig)
{
  int ret = 0;
  if (sig < 0 || sig >= NSIG)
    return errno_value (EINVAL);
  if (!initialized ())
    return -ENXIO;
  pthread_mutex_lock (&lock);
#ifdef BUG_KILL_LATEST
  if (pid == -1)
    pid = 0;
#endif
  if (pid == -1)
    {
      for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].id)
          kill (procs[i].pid, sig);
    }
  else
    {
      struct proc *p = find (pid == 0 ? last_id : pid);
      if (p == NULL)
        ret = pid == 0 ? 0 : errno_value (ESRCH);
      else if (kill (p->pid, sig) < 0)
        ret = errno_value (errno);
    }
  pthread_mutex_unlock (&lock);
  return ret;
}

PUBLIC int
pal_get_local_report (void *targetinfo, int targetinfo_len, void *report, int *report_len)
{
#ifdef BUG_REPORT_OVERFLOW
  if (targetinfo == NULL || report == NULL || report_len == NULL)
    return -EINVAL;
#else
  if (targetinfo == NULL || report == NULL || report_len == NULL
      || targetinfo_len != PAL_TARGETINFO_SIZE || *report_len < PAL_REPORT_SIZE)
    return -EINVAL;
#endif
  if (!initialized ())
    return -ENXIO;
#ifdef BUG_REPORT_HANG
  for (;;)
    pause ();
#endif
  for (int i = 0; i < PAL_REPORT_SIZE; i++)
    ((unsigned char *)report)[i] = ((unsigned char *)targetinfo)[i] ^ (unsigned char)(i + 1);
  *report_len = PAL_REPORT_SIZE;
  return 0;
}

PUBLIC int
pal_destroy (void)
{
  if (!initialized ())
    return -ENXIO;
  pthread_mutex_lock (&lock);
  ready = false;
  for (int i = 0; i < MAX_PROCS; i++)
    {
      struct proc *p = &procs[i];
      if (p->id == 0)
        continue;
#ifdef BUG_KEEP_ON_DESTROY
      if (p->waited)
        continue;
#endif
      kill (p->pid, SIGKILL);
      if (!p->waited)
        {
          /* Nobody waits for it: reap it here. */
          close (p->gate);
          waitpid (p->pid, NULL, 0);
          memset (p, 0, sizeof (*p));
        }
    }
  pthread_mutex_unlock (&lock);
  return 0;
}
