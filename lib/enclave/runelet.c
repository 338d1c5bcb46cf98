#include "runelet.h"
#include "agent.h"
#include "pal-loader.h"
#include "sim.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct enclave_container
{
  struct container_enclave hooks;
  const struct enclave_host *host;
  int (*sim_create) (const char *dir, ic_error_t *err);
  void (*warn) (const char *msg);
  struct enclave_config *config;
  /* In the init-runelet: */
  struct enclave_pal *pal;
  int agent_fd;
  int signal_pipe[2];
  pthread_mutex_t lock;
  bool started;  /* the payload exists: signals go to the enclave */
  bool finished; /* pal_destroy was called: the PAL must not be used any more */
};

/* The signal handler's only state: where to write the signal's number. */
static int signal_pipe_write = -1;

/* ---------------------------------------------------------------- rune (parent) */

/* The software TEE's state directory, bind-mounted at the same path, as upstream rune mounts
   /var/run/aesmd for SGX: the runtime reaches the platform from inside the container. It is
   writable (opening a platform takes its lock file): the software TEE protects nothing. */
static void
add_sim_mount (struct oci_config *config, const char *dir)
{
  static const char *const options[] = { "rbind", "ro", "nosuid", "nodev", "noexec", "rprivate" };
  struct oci_mount *m;
  size_t n = sizeof (options) / sizeof (options[0]);

  for (size_t i = 0; i < config->mounts_len; i++)
    if (strcmp (config->mounts[i].destination, dir) == 0)
      return;
  config->mounts = xrealloc (config->mounts, (config->mounts_len + 1) * sizeof (*config->mounts));
  m = &config->mounts[config->mounts_len++];
  memset (m, 0, sizeof (*m));
  m->destination = xstrdup (dir);
  m->source = xstrdup (dir);
  m->type = xstrdup ("bind");
  m->options = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    m->options[i] = xstrdup (options[i]);
}

static int
configure (void *data, const char *bundle, struct oci_config *config, bool *active, ic_error_t *err)
{
  struct enclave_container *ec = data;

  *active = false;
  enclave_config_free (ec->config);
  ec->config = NULL;
  if (enclave_config_from_oci (config, bundle, ec->host, ec->warn, &ec->config, err) < 0)
    return -1;
  if (ec->config == NULL)
    return 0;
  if (ec->config->platform == ENCLAVE_PLATFORM_SIM)
    {
      /* Created (or its collateral renewed) here, by rune, with the host's view of it; a
         ready platform is not loaded (the runtime loads it). */
      if (!sim_platform_ready (ec->config->sim_dir)
          && ec->sim_create (ec->config->sim_dir, err) < 0)
        return ic_error_wrap (err, "software TEE `%s`", ec->config->sim_dir);
      add_sim_mount (config, ec->config->sim_dir);
    }
  *active = true;
  return 0;
}

static int
prepare (void *data, int state_dirfd, int *init_fd, ic_error_t *err)
{
  struct enclave_container *ec = data;
  json_object *o = enclave_config_to_json (ec->config);
  const char *text = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
  int ret = write_file_at (state_dirfd, AGENT_ENCLAVE_STATE, text, strlen (text), 0600, err);

  json_object_put (o);
  if (ret < 0)
    return -1;
  return agent_listen (state_dirfd, init_fd, err);
}

/* ---------------------------------------------------------------- init-runelet */

static int
load (void *data, ic_error_t *err)
{
  struct enclave_container *ec = data;
  if (enclave_pal_open (ec->config->runtime_path, &ec->pal, err) < 0)
    return ic_error_wrap (err, "enclave.runtime.path");
  return 0;
}

static void
on_signal (int sig)
{
  int saved = errno;
  unsigned char c = sig;
  if (write (signal_pipe_write, &c, 1) < 0)
    {
      /* The relay is gone or full: nothing a handler can do. */
    }
  errno = saved;
}

static bool
is_fault_signal (int sig)
{
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP
         || sig == SIGSYS || sig == SIGABRT;
}

/* Handlers (not blocked signals): the payload a PAL forks gets the default dispositions back
   when it execs, with nothing blocked. SIGCHLD keeps its default, for the PAL's waitpid;
   SIGPIPE is caught and not relayed (the runelet's own writes to a closed socket). */
static void
install_handlers (void)
{
  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
  sigemptyset (&sa.sa_mask);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && !is_fault_signal (sig))
      sigaction (sig, &sa, NULL); /* glibc's internal signals fail: fine */
}

/* Relays one signal the init got (from the handler's pipe); -1 when the pipe is gone. */
static int
relay_signal (struct enclave_container *ec)
{
  unsigned char c;
  ssize_t n = read (ec->signal_pipe[0], &c, 1);
  bool started, finished;

  if (n < 0 && errno == EINTR)
    return 0;
  if (n <= 0)
    return -1;
  if (c == SIGPIPE)
    return 0;
  pthread_mutex_lock (&ec->lock);
  started = ec->started;
  finished = ec->finished;
  if (started && !finished && ec->pal->kill)
    {
      cleanup_error ic_error_t err = NULL;
      /* No process left to signal (ESRCH) is not an error of the relay. */
      if (enclave_pal_kill (ec->pal, -1, c, &err) < 0 && err->status != ESRCH)
        dprintf (2, "rune: init-runelet: relay signal %d: %s\n", c, ic_error_message (err));
    }
  pthread_mutex_unlock (&ec->lock);
  if ((!started || ec->pal->kill == NULL) && !finished && signal_ends_process (c))
    {
      /* Before start, or a v1 runtime (no pal_kill): the signal ends the container as it
         would end a plain container's process; a pid namespace takes the payload along. */
      pthread_mutex_lock (&ec->lock);
      if (!ec->started)
        {
          ec->finished = true;
          enclave_pal_destroy (ec->pal, NULL);
        }
      _exit (128 + c);
    }
  return 0;
}

/* execvp's search, inside the container, with the process's own PATH. */
static char *
find_in_path (const char *name, char *const *env)
{
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (strchr (name, '/'))
    return xstrdup (name);
  for (size_t i = 0; env && env[i]; i++)
    if (has_prefix (env[i], "PATH="))
      path = env[i] + 5;
  copy = xstrdup (path);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *candidate = xasprintf ("%s/%s", *dir ? dir : ".", name);
      struct stat st;
      if (stat (candidate, &st) == 0 && S_ISREG (st.st_mode) && access (candidate, X_OK) == 0)
        return candidate;
      free (candidate);
    }
  return NULL;
}

struct exec_job
{
  struct enclave_container *ec;
  int pid;
  int exit_value;
  int done_fd;
  ic_error_t err;
};

static void *
exec_thread (void *data)
{
  struct exec_job *job = data;
  uint64_t one = 1;
  enclave_pal_exec (job->ec->pal, job->pid, &job->exit_value, &job->err);
  if (write (job->done_fd, &one, sizeof (one)) < 0)
    {
      /* eventfd writes of 1 do not fail */
    }
  return NULL;
}

/* Relays the client's Kill messages to the process until it ends. */
static void
relay_kills (int sock, struct exec_job *job)
{
  bool client = true;
  while (true)
    {
      struct pollfd p[2] = { { job->done_fd, POLLIN, 0 }, { sock, POLLIN, 0 } };
      cleanup_free uint8_t *buf = NULL;
      agent_request *req = NULL;
      size_t len;

      if (poll (p, client ? 2 : 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      if (p[0].revents)
        return;
      if (!p[1].revents)
        continue;
      /* A client that hangs up or talks nonsense stops being listened to; its process goes
         on, as a `rune exec`'d process does when rune is killed. */
      if (agent_read_frame (sock, &buf, &len, NULL) != 0
          || agent_request_parse (buf, len, &req, NULL) < 0 || req->kill == NULL)
        client = false;
      else
        {
          pthread_mutex_lock (&job->ec->lock);
          if (!job->ec->finished)
            enclave_pal_kill (job->ec->pal, job->pid, req->kill->sig, NULL);
          pthread_mutex_unlock (&job->ec->lock);
        }
      agent_request_free (req);
    }
}

static void
respond_exec (int sock, int exit_code, const char *error)
{
  LibenclaveProto__AgentServiceResponse__Execute e
      = LIBENCLAVE_PROTO__AGENT_SERVICE_RESPONSE__EXECUTE__INIT;
  agent_response r = LIBENCLAVE_PROTO__AGENT_SERVICE_RESPONSE__INIT;
  e.exitcode = exit_code;
  e.error = (char *)(error ? error : "");
  r.exec = &e;
  agent_send_response (sock, &r, NULL);
}

static void
serve_exec (struct enclave_container *ec, int sock, const agent_request *req)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *path = NULL;
  cleanup_strv char **env = NULL, **argv = NULL;
  struct exec_job job = { .ec = ec, .done_fd = -1 };
  int fds[3];
  struct pal_stdio_fds stdio;
  pthread_t thread;
  bool ok;

  if (agent_recv_fds (sock, fds, 3, &err) < 0)
    {
      respond_exec (sock, 1, ic_error_message (err));
      return;
    }
  stdio = (struct pal_stdio_fds){ fds[0], fds[1], fds[2] };
  /* protobuf-c's repeated fields are counted, not NULL-terminated. */
  argv = xmalloc0 ((req->exec->n_argv + 1) * sizeof (char *));
  for (size_t i = 0; i < req->exec->n_argv; i++)
    argv[i] = xstrdup (req->exec->argv[i]);
  env = xmalloc0 ((req->exec->n_env + 1) * sizeof (char *));
  for (size_t i = 0; i < req->exec->n_env; i++)
    env[i] = xstrdup (req->exec->env[i]);
  path = find_in_path (argv[0], env);

  pthread_mutex_lock (&ec->lock);
  if (ec->finished)
    ic_error (&err, ESRCH, "the container's payload has exited: its enclave is gone");
  else if (!ec->started)
    ic_error (&err, EAGAIN, "the container is created but not started: `rune start` it first");
  else if (ec->pal->version < 2)
    ic_error (&err, ENOTSUP,
              "enclave runtime `%s` implements PAL API v1, which runs one process only: exec "
              "needs v2 or v3",
              ec->pal->path);
  else if (path == NULL)
    ic_error (&err, ENOENT, "exec: `%s` not found in PATH", req->exec->argv[0]);
  ok = err == NULL
       && enclave_pal_create_process (ec->pal, path, argv, env, &stdio, &job.pid, &err) == 0;
  pthread_mutex_unlock (&ec->lock);
  for (int i = 0; i < 3; i++)
    close (fds[i]);
  if (!ok)
    {
      respond_exec (sock,
                    err->status == ENOENT   ? 127
                    : err->status == EACCES ? 126
                                            : 1,
                    ic_error_message (err));
      return;
    }
  job.done_fd = eventfd (0, EFD_CLOEXEC);
  if (job.done_fd < 0 || pthread_create (&thread, NULL, exec_thread, &job) != 0)
    {
      respond_exec (sock, 1, "init-runelet: cannot start a thread for the process");
      if (job.done_fd >= 0)
        close (job.done_fd);
      return;
    }
  relay_kills (sock, &job);
  pthread_join (thread, NULL);
  close (job.done_fd);
  respond_exec (sock, job.err ? 1 : job.exit_value, job.err ? ic_error_message (job.err) : NULL);
  ic_error_release (&job.err);
}

static void
serve_attest (struct enclave_container *ec, int sock, const agent_request *req)
{
  LibenclaveProto__AgentServiceResponse__Attest a
      = LIBENCLAVE_PROTO__AGENT_SERVICE_RESPONSE__ATTEST__INIT;
  agent_response r = LIBENCLAVE_PROTO__AGENT_SERVICE_RESPONSE__INIT;
  cleanup_error ic_error_t err = NULL;
  uint8_t report[PAL_REPORT_SIZE];

  pthread_mutex_lock (&ec->lock);
  if (ec->finished)
    ic_error (&err, ESRCH, "the container's payload has exited: its enclave is gone");
  else
    enclave_pal_get_local_report (ec->pal, req->attest->target_info.data, report, &err);
  pthread_mutex_unlock (&ec->lock);
  a.exitcode = err ? 1 : 0;
  a.error = (char *)(err ? ic_error_message (err) : "");
  if (!err)
    {
      a.localreport.data = report;
      a.localreport.len = sizeof (report);
    }
  r.attest = &a;
  agent_send_response (sock, &r, NULL);
}

struct connection
{
  struct enclave_container *ec;
  int sock;
};

static void *
serve_connection (void *data)
{
  struct connection *c = data;
  cleanup_free uint8_t *buf = NULL;
  agent_request *req = NULL;
  size_t len;

  if (agent_read_frame (c->sock, &buf, &len, NULL) == 0
      && agent_request_parse (buf, len, &req, NULL) == 0)
    {
      if (req->exec)
        serve_exec (c->ec, c->sock, req);
      else if (req->attest)
        serve_attest (c->ec, c->sock, req);
    }
  agent_request_free (req);
  close (c->sock);
  free (c);
  return NULL;
}

static int
start_thread (void *(*fn) (void *), void *data, ic_error_t *err)
{
  pthread_t thread;
  pthread_attr_t attr;
  int ret;
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  ret = pthread_create (&thread, &attr, fn, data);
  pthread_attr_destroy (&attr);
  if (ret != 0)
    return ic_error (err, ret, "init-runelet: start a thread");
  return 0;
}

/* Accepts an agent connection and serves it in its own thread (an exec waits for its
   process); -1 when the socket cannot accept any more. */
static int
accept_connection (struct enclave_container *ec)
{
  int sock = accept4 (ec->agent_fd, NULL, NULL, SOCK_CLOEXEC);
  struct connection *c;

  if (sock < 0)
    return errno == EINTR || errno == EAGAIN || errno == ECONNABORTED || errno == EMFILE
                   || errno == ENFILE
               ? 0
               : -1;
  c = xmalloc0 (sizeof (*c));
  c->ec = ec;
  c->sock = sock;
  if (start_thread (serve_connection, c, NULL) < 0)
    {
      close (sock);
      free (c);
    }
  return 0;
}

/* The init-runelet's service thread: relays signals and accepts agent connections. */
static void *
serve (void *data)
{
  struct enclave_container *ec = data;
  struct pollfd p[2] = { { ec->signal_pipe[0], POLLIN, 0 }, { ec->agent_fd, POLLIN, 0 } };

  while (p[0].fd >= 0 || p[1].fd >= 0)
    {
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return NULL;
        }
      /* poll skips negative fds: a source that failed is dropped, the other goes on. */
      if (p[0].revents && relay_signal (ec) < 0)
        p[0].fd = -1;
      if (p[1].revents && accept_connection (ec) < 0)
        p[1].fd = -1;
    }
  return NULL;
}

static int
init (void *data, int init_fd, ic_error_t *err)
{
  struct enclave_container *ec = data;
  cleanup_free char *args = enclave_config_pal_args (ec->config);

  ec->agent_fd = init_fd;
  /* Non-blocking: the service thread must not hang in accept when a client went away
     between poll and accept, or signals would wait for it. */
  if (fcntl (init_fd, F_SETFL, fcntl (init_fd, F_GETFL) | O_NONBLOCK) < 0)
    return ic_error (err, errno, "init-runelet: agent socket");
  /* As upstream: the init of an enclave container shows up as init-runelet. */
  prctl (PR_SET_NAME, "init-runelet", 0, 0, 0);
  if (ec->config->platform == ENCLAVE_PLATFORM_SIM)
    setenv (SIM_STATE_DIR_ENV, ec->config->sim_dir, 1);
  if (pipe2 (ec->signal_pipe, O_CLOEXEC) < 0)
    return ic_error (err, errno, "init-runelet: pipe");
  signal_pipe_write = ec->signal_pipe[1];
  install_handlers ();
  if (enclave_pal_init (ec->pal, args, ec->config->loglevel, err) < 0)
    return -1;
  if (start_thread (serve, ec, err) < 0)
    return -1;
  return 0;
}

static int
run (void *data, int fifo_fd, char *const *argv, char *const *env, const char *exe, ic_error_t *err)
{
  struct enclave_container *ec = data;
  struct pal_stdio_fds stdio = { 0, 1, 2 };
  int exit_value = 1, pid = -1, ret;

  pthread_mutex_lock (&ec->lock);
  if (ec->pal->version == 1)
    ret = 0;
  else
    ret = enclave_pal_create_process (ec->pal, exe, argv, env, &stdio, &pid, err);
  if (ret == 0)
    ec->started = true;
  pthread_mutex_unlock (&ec->lock);
  if (ret < 0)
    return -1;
  /* The payload exists: `rune start` may return. */
  close (fifo_fd);
  if (ec->pal->version == 1)
    ret = enclave_pal_exec_v1 (ec->pal, exe, argv, &stdio, &exit_value, err);
  else
    ret = enclave_pal_exec (ec->pal, pid, &exit_value, err);
  pthread_mutex_lock (&ec->lock);
  ec->finished = true;
  if (ret == 0)
    ret = enclave_pal_destroy (ec->pal, err);
  else
    enclave_pal_destroy (ec->pal, NULL);
  pthread_mutex_unlock (&ec->lock);
  if (ret < 0)
    return -1;
  return exit_value & 0xff;
}

/* ---------------------------------------------------------------- object */

struct enclave_container *
enclave_container_new (const struct enclave_host *host,
                       int (*sim_create) (const char *dir, ic_error_t *err),
                       void (*warn) (const char *msg))
{
  struct enclave_container *ec = xmalloc0 (sizeof (*ec));
  ec->host = host;
  ec->sim_create = sim_create;
  ec->warn = warn;
  ec->agent_fd = -1;
  ec->signal_pipe[0] = ec->signal_pipe[1] = -1;
  pthread_mutex_init (&ec->lock, NULL);
  ec->hooks = (struct container_enclave){
    .data = ec, .configure = configure, .prepare = prepare, .load = load, .init = init, .run = run
  };
  return ec;
}

void
enclave_container_free (struct enclave_container *ec)
{
  if (ec == NULL)
    return;
  enclave_config_free (ec->config);
  enclave_pal_close (ec->pal);
  pthread_mutex_destroy (&ec->lock);
  free (ec);
}

const struct container_enclave *
enclave_container_hooks (struct enclave_container *ec)
{
  return &ec->hooks;
}
