/* The checks of a loaded runtime. Each runs in a fresh child (main.c), so each starts from
   an uninitialized runtime: the checks of a verb call pal_init first, as rune does. The
   payloads are `sh -c SCRIPT`, their stdout a pipe the check reads. */
#include "pal-check.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...) (snprintf (why, len, __VA_ARGS__), -1)

/* How long a check waits for a payload's "ready" line. */
#define READY_TIMEOUT_MS 5000
/* How long a check waits for a payload that a signal or pal_destroy should end. */
#define WAIT_TIMEOUT_MS 2000

static bool
is_errno (int r)
{
  return r < 0 && r > -4096;
}

/* "-2 (-ENOENT: No such file or directory)"-like text for a result. */
static const char *
describe (int r, char buf[96])
{
  if (is_errno (r))
    snprintf (buf, 96, "%d (%s)", r, strerror (-r));
  else if (r > 0)
    snprintf (buf, 96, "%d (positive: errors must be negative errno values)", r);
  else
    snprintf (buf, 96, "%d", r);
  return buf;
}

/* The call must have failed with a negative errno. */
static int
want_errno (int r, const char *call, char *why, size_t len)
{
  char b[96];
  if (is_errno (r))
    return 0;
  return FAIL ("%s returned %s: expected a negative errno", call, describe (r, b));
}

static int
want_zero (int r, const char *call, char *why, size_t len)
{
  char b[96];
  if (r == 0)
    return 0;
  return FAIL ("%s failed: returned %s", call, describe (r, b));
}

static int
call_init (const struct pal_target *t, const char *args)
{
  pal_attr_v3_t attr = { .attr_v1 = { .args = args, .log_level = t->log_level }, .fd = -1 };
  /* v1 and v2 read the first member, at the same address. */
  return t->init (&attr);
}

static int
init (const struct pal_target *t, char *why, size_t len)
{
  char b[96];
  int r = call_init (t, t->args);
  if (r != 0)
    return FAIL ("pal_init(\"%s\") failed: returned %s (give the runtime's arguments with "
                 "--args)",
                 t->args, describe (r, b));
  return 0;
}

/* ------------------------------------------------------------------ payloads */

struct payload
{
  const struct pal_target *t;
  const char *argv[8];
  const char *env[4];
  struct pal_stdio_fds stdio;
  int in[2], out[2]; /* stdin and stdout pipes */
  int pid;
  int exit_value;
  int ret;
  bool started;
  pthread_t thread;
  char output[512];
};

static const char *const payload_env[]
    = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "PAL_CHECK=two  words", NULL };

static void
payload_setup (struct payload *p, const struct pal_target *t, const char *script, const char *arg)
{
  memset (p, 0, sizeof (*p));
  p->t = t;
  p->argv[0] = t->shell;
  p->argv[1] = "-c";
  p->argv[2] = script;
  p->argv[3] = "pal-check";
  p->argv[4] = arg;
  memcpy (p->env, payload_env, sizeof (payload_env));
  p->in[0] = p->in[1] = p->out[0] = p->out[1] = -1;
  p->exit_value = -1;
}

static int
payload_pipes (struct payload *p, char *why, size_t len)
{
  if (pipe2 (p->in, O_CLOEXEC) < 0 || pipe2 (p->out, O_CLOEXEC) < 0)
    return FAIL ("pipe: %s", strerror (errno));
  p->stdio = (struct pal_stdio_fds){ p->in[0], p->out[1], STDERR_FILENO };
  return 0;
}

static void
payload_close (struct payload *p)
{
  for (int i = 0; i < 2; i++)
    {
      if (p->in[i] >= 0)
        close (p->in[i]);
      if (p->out[i] >= 0)
        close (p->out[i]);
      p->in[i] = p->out[i] = -1;
    }
}

/* Reads what the payload wrote (after it ended: the write end is closed first). */
static void
payload_read_output (struct payload *p)
{
  size_t n = 0;
  ssize_t r;
  if (p->out[1] >= 0)
    {
      close (p->out[1]);
      p->out[1] = -1;
    }
  fcntl (p->out[0], F_SETFL, O_NONBLOCK);
  while (n + 1 < sizeof (p->output)
         && (r = read (p->out[0], p->output + n, sizeof (p->output) - 1 - n)) > 0)
    n += r;
  p->output[n] = '\0';
}

/* pal_create_process (v2, v3). */
static int
payload_create (struct payload *p, char *why, size_t len)
{
  struct pal_create_process_args a
      = { .path = p->t->shell, .argv = p->argv, .env = p->env, .stdio = &p->stdio, .pid = &p->pid };
  char b[96];
  int r;

  if (p->in[0] < 0 && payload_pipes (p, why, len) < 0)
    return -1;
  p->pid = -12345;
  r = p->t->create_process (&a);
  if (r != 0)
    return FAIL ("pal_create_process(%s -c '%s') failed: returned %s", p->t->shell, p->argv[2],
                 describe (r, b));
  if (p->pid == -12345)
    return FAIL ("pal_create_process returned 0 but did not store the process's id in *pid");
  return 0;
}

static void *
exec_thread (void *arg)
{
  struct payload *p = arg;
  struct pal_exec_args a = { .pid = p->pid, .exit_value = &p->exit_value };
  p->ret = p->t->exec (&a);
  return NULL;
}

/* pal_exec in a thread (it returns when the payload ends). */
static int
payload_start (struct payload *p, char *why, size_t len)
{
  int e = pthread_create (&p->thread, NULL, exec_thread, p);
  if (e)
    return FAIL ("pthread_create: %s", strerror (e));
  p->started = true;
  return 0;
}

/* Joins pal_exec's thread. A payload that has not ended after ms (a signal that did not
   reach it) is released (its stdin closed: its `read` ends) before the join, so that the
   check fails on its exit value instead of hanging. */
static bool
payload_join (struct payload *p, int ms)
{
  struct timespec deadline;
  bool in_time;
  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += ms / 1000;
  deadline.tv_nsec += (ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L)
    deadline.tv_sec++, deadline.tv_nsec -= 1000000000L;
  in_time = pthread_timedjoin_np (p->thread, NULL, &deadline) == 0;
  if (!in_time)
    {
      if (p->in[1] >= 0)
        close (p->in[1]);
      p->in[1] = -1;
      pthread_join (p->thread, NULL);
    }
  p->started = false;
  payload_read_output (p);
  return in_time;
}

/* Joins pal_exec's thread; its result must be 0 and the exit value want. */
static int
payload_wait (struct payload *p, int want, char *why, size_t len)
{
  char b[96];
  bool in_time = payload_join (p, WAIT_TIMEOUT_MS);
  if (p->ret != 0)
    return FAIL ("pal_exec(pid %d) of `%s` failed: returned %s", p->pid, p->argv[2],
                 describe (p->ret, b));
  if (p->exit_value != want)
    return FAIL (
        "pal_exec(pid %d) of `%s`: exit value %d, expected %d%s", p->pid, p->argv[2], p->exit_value,
        want, in_time ? "" : " (it had not ended after the signal: released by closing its stdin)");
  return 0;
}

/* Waits until the payload wrote its first line, which must be "ready" (then its signal
   dispositions are in place). */
static int
payload_ready (struct payload *p, char *why, size_t len)
{
  struct pollfd pfd = { .fd = p->out[0], .events = POLLIN };
  char line[64];
  size_t n = 0;
  for (;;)
    {
      ssize_t r;
      if (poll (&pfd, 1, READY_TIMEOUT_MS) <= 0)
        return FAIL ("the payload `%s` did not start (no output %d ms after pal_exec)", p->argv[2],
                     READY_TIMEOUT_MS);
      r = read (p->out[0], line + n, 1);
      if (r <= 0)
        return FAIL ("the payload `%s` ended before it was ready", p->argv[2]);
      if (line[n] == '\n' || n + 2 == sizeof (line))
        break;
      n++;
    }
  line[n] = '\0';
  if (strcmp (line, "ready") != 0)
    return FAIL ("the payload `%s` wrote `%s` first, not `ready` (were its arguments passed "
                 "whole?)",
                 p->argv[2], line);
  return 0;
}

/* Created, started and ready: a payload running in the enclave, waiting for its input. */
static int
payload_launch (struct payload *p, char *why, size_t len)
{
  if (payload_create (p, why, len) < 0 || payload_start (p, why, len) < 0)
    return -1;
  return payload_ready (p, why, len);
}

/* Runs the payload to its end: v2/v3 pal_create_process + pal_exec, v1 pal_exec. */
static int
payload_run (struct payload *p, int want, char *why, size_t len)
{
  char b[96];
  if (payload_pipes (p, why, len) < 0)
    return -1;
  close (p->in[1]); /* stdin: at its end */
  p->in[1] = -1;
  if (p->t->version == 1)
    {
      struct pal_stdio_fds fds = p->stdio;
      int r = p->t->exec_v1 ((char *)p->t->shell, (char **)p->argv, &fds, &p->exit_value);
      payload_read_output (p);
      if (r != 0)
        return FAIL ("pal_exec(%s -c '%s') failed: returned %s", p->t->shell, p->argv[2],
                     describe (r, b));
      if (p->exit_value != want)
        return FAIL ("pal_exec(%s -c '%s'): exit value %d, expected %d", p->t->shell, p->argv[2],
                     p->exit_value, want);
      return 0;
    }
  if (payload_create (p, why, len) < 0)
    return -1;
  exec_thread (p);
  payload_read_output (p);
  if (p->ret != 0)
    return FAIL ("pal_exec(pid %d) of `%s` failed: returned %s", p->pid, p->argv[2],
                 describe (p->ret, b));
  if (p->exit_value != want)
    return FAIL ("pal_exec(pid %d) of `%s`: exit value %d, expected %d", p->pid, p->argv[2],
                 p->exit_value, want);
  return 0;
}

static int
destroy (const struct pal_target *t, char *why, size_t len)
{
  return want_zero (t->destroy (), "pal_destroy()", why, len);
}

/* ------------------------------------------------------------------ the verbs */

/* rune create, then the payload's end with nothing run: pal_init, pal_destroy. */
static int
check_create (const struct pal_target *t, int arg, char *why, size_t len)
{
  if (init (t, why, len) < 0)
    return -1;
  return destroy (t, why, len);
}

/* rune start: the payload runs with its stdio; pal_destroy after it. */
static int
check_start (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload p;
  payload_setup (&p, t, "echo hello from the payload", NULL);
  if (init (t, why, len) < 0 || payload_run (&p, 0, why, len) < 0)
    return -1;
  if (strcmp (p.output, "hello from the payload\n") != 0)
    return FAIL ("the payload's stdout was `%s`, not `hello from the payload`", p.output);
  payload_close (&p);
  return destroy (t, why, len);
}

/* argv (and env, v2 and v3) are arrays: words with spaces arrive whole. */
static int
check_argv_env (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload p;
  const char *want = t->version == 1 ? "[a  b c]\n" : "[a  b c] [two  words]\n";
  payload_setup (&p, t, t->version == 1 ? "echo \"[$1]\"" : "echo \"[$1] [$PAL_CHECK]\"", "a  b c");
  if (init (t, why, len) < 0 || payload_run (&p, 0, why, len) < 0)
    return -1;
  if (strcmp (p.output, want) != 0)
    return FAIL ("the payload printed `%s`, expected `%.*s`%s", p.output, (int)strlen (want) - 1,
                 want, t->version == 1 ? "" : " (argv and env must be passed as arrays)");
  payload_close (&p);
  return destroy (t, why, len);
}

/* Exit values 0, 1, 3 and 137 (killed by SIGKILL: 128 + 9) come back, in one enclave. */
static int
check_exit_values (const struct pal_target *t, int arg, char *why, size_t len)
{
  static const struct
  {
    const char *script;
    int want;
  } cases[] = {
    { "exit 0", 0 },
    { "exit 1", 1 },
    { "exit 3", 3 },
    { "kill -KILL $$", 137 },
  };
  if (init (t, why, len) < 0)
    return -1;
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      struct payload p;
      payload_setup (&p, t, cases[i].script, NULL);
      if (payload_run (&p, cases[i].want, why, len) < 0)
        return -1;
      payload_close (&p);
    }
  return destroy (t, why, len);
}

/* A missing program: pal_create_process (or v1 pal_exec) fails with a negative errno, or the
   process exits with 127 as a shell's would. */
static int
check_missing_program (const struct pal_target *t, int arg, char *why, size_t len)
{
  static const char *const argv[] = { "/nonexistent/pal-check-program", NULL };
  struct pal_stdio_fds stdio = { 0, 1, 2 };
  char b[96];
  int pid = -1, exit_value = -1, r;

  if (init (t, why, len) < 0)
    return -1;
  if (t->version == 1)
    r = t->exec_v1 ((char *)argv[0], (char **)argv, &stdio, &exit_value);
  else
    {
      struct pal_create_process_args a = { .path = argv[0],
                                           .argv = (const char **)argv,
                                           .env = (const char **)payload_env,
                                           .stdio = &stdio,
                                           .pid = &pid };
      r = t->create_process (&a);
      if (r == 0)
        {
          struct pal_exec_args e = { .pid = pid, .exit_value = &exit_value };
          r = t->exec (&e);
        }
    }
  if (r == 0 && exit_value != 127)
    return FAIL ("running %s: returned 0 with exit value %d (expected a negative errno, or 127)",
                 argv[0], exit_value);
  if (r != 0 && !is_errno (r))
    return FAIL ("running %s returned %s: expected a negative errno", argv[0], describe (r, b));
  return destroy (t, why, len);
}

/* rune exec: a second process runs in the enclave while the first one runs. */
static int
check_exec_second (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload first, second;
  payload_setup (&first, t, "echo ready; read line; exit 4", NULL);
  payload_setup (&second, t, "echo second; exit 5", NULL);
  if (init (t, why, len) < 0 || payload_launch (&first, why, len) < 0)
    return -1;
  if (payload_run (&second, 5, why, len) < 0)
    return -1;
  if (strcmp (second.output, "second\n") != 0)
    return FAIL ("the second process printed `%s`, not `second`", second.output);
  if (second.pid == first.pid)
    return FAIL ("pal_create_process gave the second process the first one's id %d", first.pid);
  /* The first one still runs: it reads its line and exits 4. */
  if (write_all (first.in[1], "go\n", 3) < 0)
    return FAIL ("write to the first process: %s", strerror (errno));
  if (payload_wait (&first, 4, why, len) < 0)
    return -1;
  return destroy (t, why, len);
}

/* rune kill: pal_kill(-1, sig) reaches every process; the exit value is 128 + sig. */
static int
check_kill_all (const struct pal_target *t, int sig, char *why, size_t len)
{
  struct payload p[2];
  if (init (t, why, len) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    {
      payload_setup (&p[i], t, "echo ready; read line; exit 0", NULL);
      if (payload_launch (&p[i], why, len) < 0)
        return -1;
    }
  if (want_zero (t->kill (-1, sig),
                 sig == SIGKILL ? "pal_kill(-1, SIGKILL)" : "pal_kill(-1, SIGTERM)", why, len)
      < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    if (payload_wait (&p[i], 128 + sig, why, len) < 0)
      return -1;
  return destroy (t, why, len);
}

/* pal_kill(-1, sig) with no process: 0 or -ESRCH (rune relays every signal it gets). */
static int
check_kill_none (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload p;
  char b[96];
  int r;
  payload_setup (&p, t, "exit 0", NULL);
  if (init (t, why, len) < 0)
    return -1;
  r = t->kill (-1, SIGTERM);
  if (r != 0 && r != -ESRCH)
    return FAIL ("pal_kill(-1, SIGTERM) with no process returned %s: expected 0 or -ESRCH",
                 describe (r, b));
  /* The signal went nowhere: the next payload runs as usual. */
  if (payload_run (&p, 0, why, len) < 0)
    return -1;
  return destroy (t, why, len);
}

/* pal_kill(pid, SIGKILL) kills that process only. */
static int
check_kill_pid (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload victim, other;
  payload_setup (&victim, t, "echo ready; read line; exit 0", NULL);
  payload_setup (&other, t, "echo ready; read line; exit 6", NULL);
  if (init (t, why, len) < 0 || payload_launch (&victim, why, len) < 0
      || payload_launch (&other, why, len) < 0)
    return -1;
  if (want_zero (t->kill (victim.pid, SIGKILL), "pal_kill(pid, SIGKILL)", why, len) < 0
      || payload_wait (&victim, 137, why, len) < 0)
    return -1;
  if (write_all (other.in[1], "go\n", 3) < 0)
    return FAIL ("write to the other process: %s", strerror (errno));
  if (payload_wait (&other, 6, why, len) < 0)
    return -1;
  return destroy (t, why, len);
}

/* A signal before pal_exec (rune relays what it gets from the moment a payload is created):
   the process ends without having run, and pal_exec gives 128 + N. */
static int
check_kill_before_exec (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload p;
  payload_setup (&p, t, "echo ran; exit 0", NULL);
  if (init (t, why, len) < 0 || payload_create (&p, why, len) < 0)
    return -1;
  if (want_zero (t->kill (p.pid, SIGKILL), "pal_kill(pid, SIGKILL) before pal_exec", why, len) < 0
      || payload_start (&p, why, len) < 0 || payload_wait (&p, 137, why, len) < 0)
    return -1;
  if (strstr (p.output, "ran"))
    return FAIL ("the payload ran after pal_kill(pid, SIGKILL) before its pal_exec");
  return destroy (t, why, len);
}

/* The payload's end with a process still running: pal_destroy ends it (its pal_exec
   returns), and the runtime refuses calls afterwards. */
static int
check_destroy (const struct pal_target *t, int arg, char *why, size_t len)
{
  struct payload p, after;
  payload_setup (&p, t, "echo ready; read line; exit 0", NULL);
  payload_setup (&after, t, "exit 0", NULL);
  if (init (t, why, len) < 0)
    return -1;
  if (t->version >= 2)
    {
      if (payload_launch (&p, why, len) < 0)
        return -1;
    }
  if (destroy (t, why, len) < 0)
    return -1;
  if (t->version >= 2)
    {
      char b[96];
      if (!payload_join (&p, WAIT_TIMEOUT_MS))
        return FAIL ("pal_destroy did not end the running process (still running %d ms later)",
                     WAIT_TIMEOUT_MS);
      if (p.ret != 0 && !is_errno (p.ret))
        return FAIL ("pal_exec of a process ended by pal_destroy returned %s", describe (p.ret, b));
    }
  if (payload_pipes (&after, why, len) < 0)
    return -1;
  if (t->version == 1)
    return want_errno (
        t->exec_v1 ((char *)t->shell, (char **)after.argv, &after.stdio, &after.exit_value),
        "pal_exec after pal_destroy", why, len);
  {
    struct pal_create_process_args a = { .path = t->shell,
                                         .argv = after.argv,
                                         .env = after.env,
                                         .stdio = &after.stdio,
                                         .pid = &after.pid };
    return want_errno (t->create_process (&a), "pal_create_process after pal_destroy", why, len);
  }
}

/* rune attest: a 432-byte REPORT for a 512-byte TARGETINFO. */
static int
check_report (const struct pal_target *t, int arg, char *why, size_t len)
{
  uint8_t ti[PAL_TARGETINFO_SIZE] = { 0 }, report[PAL_REPORT_SIZE + 64],
          zero[PAL_REPORT_SIZE] = { 0 };
  int report_len = sizeof (report);

  memset (report, 0, sizeof (report));
  if (init (t, why, len) < 0
      || want_zero (t->get_local_report (ti, sizeof (ti), report, &report_len),
                    "pal_get_local_report(512-byte targetinfo)", why, len)
             < 0)
    return -1;
  if (report_len != PAL_REPORT_SIZE)
    return FAIL ("pal_get_local_report: *report_len is %d, not %d", report_len, PAL_REPORT_SIZE);
  if (memcmp (report, zero, sizeof (zero)) == 0)
    return FAIL ("pal_get_local_report returned 0 but the report is all zero bytes");
  return destroy (t, why, len);
}

/* ------------------------------------------------------------------ errors */

/* pal_init with arguments the runtime must refuse, and with NULL. */
static int
check_init_error (const struct pal_target *t, int arg, char *why, size_t len)
{
  char call[256];
  snprintf (call, sizeof (call), "pal_init(\"%s\")", t->bad_args);
  if (want_errno (call_init (t, t->bad_args), call, why, len) < 0)
    return -1;
  /* The failed pal_init leaves no enclave: a good one succeeds after it. */
  if (init (t, why, len) < 0)
    return -1;
  return destroy (t, why, len);
}

static int
check_init_null (const struct pal_target *t, int arg, char *why, size_t len)
{
  return want_errno (t->init (NULL), "pal_init(NULL)", why, len);
}

/* Calls before pal_init: there is no enclave to run anything in. */
enum
{
  BEFORE_CREATE,
  BEFORE_EXEC,
  BEFORE_REPORT,
};

static int
check_before_init (const struct pal_target *t, int what, char *why, size_t len)
{
  struct payload p;
  payload_setup (&p, t, "exit 0", NULL);
  if (payload_pipes (&p, why, len) < 0)
    return -1;
  if (what == BEFORE_CREATE && t->version == 1)
    return want_errno (t->exec_v1 ((char *)t->shell, (char **)p.argv, &p.stdio, &p.exit_value),
                       "pal_exec before pal_init", why, len);
  if (what == BEFORE_CREATE)
    {
      struct pal_create_process_args a
          = { .path = t->shell, .argv = p.argv, .env = p.env, .stdio = &p.stdio, .pid = &p.pid };
      return want_errno (t->create_process (&a), "pal_create_process before pal_init", why, len);
    }
  if (what == BEFORE_EXEC)
    {
      struct pal_exec_args a = { .pid = 1, .exit_value = &p.exit_value };
      return want_errno (t->exec (&a), "pal_exec(pid 1) before pal_init", why, len);
    }
  {
    uint8_t ti[PAL_TARGETINFO_SIZE] = { 0 }, report[PAL_REPORT_SIZE];
    int report_len = sizeof (report);
    return want_errno (t->get_local_report (ti, sizeof (ti), report, &report_len),
                       "pal_get_local_report before pal_init", why, len);
  }
}

/* NULL arguments, one per check: each call must return a negative errno. */
enum
{
  NULL_CREATE_ARGS,
  NULL_CREATE_PATH,
  NULL_CREATE_ARGV,
  NULL_CREATE_STDIO,
  NULL_CREATE_PID,
  NULL_EXEC_ARGS,
  NULL_EXEC_EXIT_VALUE,
  NULL_V1_PATH,
  NULL_V1_ARGV,
  NULL_V1_STDIO,
  NULL_V1_EXIT_CODE,
  NULL_REPORT_TARGETINFO,
  NULL_REPORT_REPORT,
  NULL_REPORT_LEN,
};

static int
check_null (const struct pal_target *t, int what, char *why, size_t len)
{
  struct payload p;
  struct pal_create_process_args a;
  uint8_t ti[PAL_TARGETINFO_SIZE] = { 0 }, report[PAL_REPORT_SIZE];
  int report_len = sizeof (report);

  payload_setup (&p, t, "exit 0", NULL);
  if (init (t, why, len) < 0 || payload_pipes (&p, why, len) < 0)
    return -1;
  a = (struct pal_create_process_args){
    .path = t->shell, .argv = p.argv, .env = p.env, .stdio = &p.stdio, .pid = &p.pid
  };
  switch (what)
    {
    case NULL_CREATE_ARGS:
      return want_errno (t->create_process (NULL), "pal_create_process(NULL)", why, len);
    case NULL_CREATE_PATH:
      a.path = NULL;
      return want_errno (t->create_process (&a), "pal_create_process(path NULL)", why, len);
    case NULL_CREATE_ARGV:
      a.argv = NULL;
      return want_errno (t->create_process (&a), "pal_create_process(argv NULL)", why, len);
    case NULL_CREATE_STDIO:
      a.stdio = NULL;
      return want_errno (t->create_process (&a), "pal_create_process(stdio NULL)", why, len);
    case NULL_CREATE_PID:
      a.pid = NULL;
      return want_errno (t->create_process (&a), "pal_create_process(pid NULL)", why, len);
    case NULL_EXEC_ARGS:
      return want_errno (t->exec (NULL), "pal_exec(NULL)", why, len);
    case NULL_EXEC_EXIT_VALUE:
      {
        struct pal_exec_args e = { .exit_value = NULL };
        if (payload_create (&p, why, len) < 0)
          return -1;
        e.pid = p.pid;
        return want_errno (t->exec (&e), "pal_exec(exit_value NULL)", why, len);
      }
    case NULL_V1_PATH:
      return want_errno (t->exec_v1 (NULL, (char **)p.argv, &p.stdio, &p.exit_value),
                         "pal_exec(path NULL)", why, len);
    case NULL_V1_ARGV:
      return want_errno (t->exec_v1 ((char *)t->shell, NULL, &p.stdio, &p.exit_value),
                         "pal_exec(argv NULL)", why, len);
    case NULL_V1_STDIO:
      return want_errno (t->exec_v1 ((char *)t->shell, (char **)p.argv, NULL, &p.exit_value),
                         "pal_exec(stdio NULL)", why, len);
    case NULL_V1_EXIT_CODE:
      return want_errno (t->exec_v1 ((char *)t->shell, (char **)p.argv, &p.stdio, NULL),
                         "pal_exec(exit_code NULL)", why, len);
    case NULL_REPORT_TARGETINFO:
      return want_errno (t->get_local_report (NULL, sizeof (ti), report, &report_len),
                         "pal_get_local_report(targetinfo NULL)", why, len);
    case NULL_REPORT_REPORT:
      return want_errno (t->get_local_report (ti, sizeof (ti), NULL, &report_len),
                         "pal_get_local_report(report NULL)", why, len);
    default:
      return want_errno (t->get_local_report (ti, sizeof (ti), report, NULL),
                         "pal_get_local_report(report_len NULL)", why, len);
    }
}

/* Bad values, one per check. */
enum
{
  BAD_STDIO_FD,
  BAD_EXEC_PID,
  BAD_EXEC_TWICE,
  BAD_KILL_PID,
  BAD_KILL_SIGNAL,
  BAD_REPORT_TARGETINFO_LEN,
  BAD_REPORT_SHORT_BUFFER,
};

static int
check_bad (const struct pal_target *t, int what, char *why, size_t len)
{
  struct payload p;
  struct pal_create_process_args a;
  uint8_t ti[PAL_TARGETINFO_SIZE] = { 0 }, report[PAL_REPORT_SIZE + 16];
  int report_len;

  payload_setup (&p, t, "exit 0", NULL);
  if (init (t, why, len) < 0 || payload_pipes (&p, why, len) < 0)
    return -1;
  a = (struct pal_create_process_args){
    .path = t->shell, .argv = p.argv, .env = p.env, .stdio = &p.stdio, .pid = &p.pid
  };
  switch (what)
    {
    case BAD_STDIO_FD:
      {
        struct pal_stdio_fds bad = { p.in[0], 1000000, STDERR_FILENO };
        if (t->version == 1)
          return want_errno (t->exec_v1 ((char *)t->shell, (char **)p.argv, &bad, &p.exit_value),
                             "pal_exec(stdout fd 1000000, not open)", why, len);
        a.stdio = &bad;
        return want_errno (t->create_process (&a),
                           "pal_create_process(stdout fd 1000000, not open)", why, len);
      }
    case BAD_EXEC_PID:
      {
        struct pal_exec_args e = { .pid = 999999, .exit_value = &p.exit_value };
        return want_errno (t->exec (&e), "pal_exec(pid 999999, never created)", why, len);
      }
    case BAD_EXEC_TWICE:
      {
        struct pal_exec_args e = { .exit_value = &p.exit_value };
        if (payload_run (&p, 0, why, len) < 0)
          return -1;
        e.pid = p.pid;
        return want_errno (t->exec (&e), "pal_exec of a process that ended already", why, len);
      }
    case BAD_KILL_PID:
      return want_errno (t->kill (999999, SIGTERM), "pal_kill(999999, SIGTERM)", why, len);
    case BAD_KILL_SIGNAL:
      {
        int r;
        if (payload_create (&p, why, len) < 0)
          return -1;
        r = t->kill (p.pid, 100000);
        if (want_errno (r, "pal_kill(pid, 100000)", why, len) < 0)
          return -1;
        return want_errno (t->kill (p.pid, -1), "pal_kill(pid, -1)", why, len);
      }
    case BAD_REPORT_TARGETINFO_LEN:
      report_len = sizeof (report);
      if (want_errno (t->get_local_report (ti, PAL_TARGETINFO_SIZE - 1, report, &report_len),
                      "pal_get_local_report(targetinfo_len 511)", why, len)
          < 0)
        return -1;
      return want_errno (t->get_local_report (ti, -1, report, &report_len),
                         "pal_get_local_report(targetinfo_len -1)", why, len);
    default:
      {
        /* A buffer of 431 bytes: refused, and nothing written past it. */
        memset (report, 0xa5, sizeof (report));
        report_len = PAL_REPORT_SIZE - 1;
        if (want_errno (t->get_local_report (ti, sizeof (ti), report, &report_len),
                        "pal_get_local_report(*report_len 431)", why, len)
            < 0)
          return -1;
        for (size_t i = PAL_REPORT_SIZE - 1; i < sizeof (report); i++)
          if (report[i] != 0xa5)
            return FAIL ("pal_get_local_report(*report_len 431) wrote byte %zu, past the "
                         "buffer",
                         i);
        return 0;
      }
    }
}

#define V1 1, 1
#define V2 2, PAL_API_VERSION
#define V3 3, PAL_API_VERSION
#define ALL 1, PAL_API_VERSION

const struct pal_check pal_checks[] = {
  { "create", ALL, check_create, 0 },
  { "start", ALL, check_start, 0 },
  { "argv-env", ALL, check_argv_env, 0 },
  { "exit-values", ALL, check_exit_values, 0 },
  { "missing-program", ALL, check_missing_program, 0 },
  { "exec-second", V2, check_exec_second, 0 },
  { "kill-all-term", V2, check_kill_all, SIGTERM },
  { "kill-all-kill", V2, check_kill_all, SIGKILL },
  { "kill-all-none", V2, check_kill_none, 0 },
  { "kill-pid", V2, check_kill_pid, 0 },
  { "kill-before-exec", V2, check_kill_before_exec, 0 },
  { "report", V3, check_report, 0 },
  { "destroy", ALL, check_destroy, 0 },
  { "init-bad-args", ALL, check_init_error, 0 },
  { "null-init", ALL, check_init_null, 0 },
  { "before-init-create-process", V2, check_before_init, BEFORE_CREATE },
  { "before-init-exec-v1", V1, check_before_init, BEFORE_CREATE },
  { "before-init-exec", V2, check_before_init, BEFORE_EXEC },
  { "before-init-report", V3, check_before_init, BEFORE_REPORT },
  { "null-create-process", V2, check_null, NULL_CREATE_ARGS },
  { "null-create-process-path", V2, check_null, NULL_CREATE_PATH },
  { "null-create-process-argv", V2, check_null, NULL_CREATE_ARGV },
  { "null-create-process-stdio", V2, check_null, NULL_CREATE_STDIO },
  { "null-create-process-pid", V2, check_null, NULL_CREATE_PID },
  { "null-exec", V2, check_null, NULL_EXEC_ARGS },
  { "null-exec-exit-value", V2, check_null, NULL_EXEC_EXIT_VALUE },
  { "null-exec-v1-path", V1, check_null, NULL_V1_PATH },
  { "null-exec-v1-argv", V1, check_null, NULL_V1_ARGV },
  { "null-exec-v1-stdio", V1, check_null, NULL_V1_STDIO },
  { "null-exec-v1-exit-code", V1, check_null, NULL_V1_EXIT_CODE },
  { "null-report-targetinfo", V3, check_null, NULL_REPORT_TARGETINFO },
  { "null-report-report", V3, check_null, NULL_REPORT_REPORT },
  { "null-report-len", V3, check_null, NULL_REPORT_LEN },
  { "bad-stdio-fd", ALL, check_bad, BAD_STDIO_FD },
  { "bad-exec-pid", V2, check_bad, BAD_EXEC_PID },
  { "bad-exec-ended", V2, check_bad, BAD_EXEC_TWICE },
  { "bad-kill-pid", V2, check_bad, BAD_KILL_PID },
  { "bad-kill-signal", V2, check_bad, BAD_KILL_SIGNAL },
  { "bad-report-targetinfo-len", V3, check_bad, BAD_REPORT_TARGETINFO_LEN },
  { "bad-report-short-buffer", V3, check_bad, BAD_REPORT_SHORT_BUFFER },
};
const size_t pal_checks_len = sizeof (pal_checks) / sizeof (pal_checks[0]);
