#include "exec.h"
#include "cgroup.h"
#include "container-internal.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* What the two exec children need; set up by rune before forking. */
struct exec_ctx
{
  const struct oci_process *process;
  const struct oci_config *config;
  const struct seccomp_program *seccomp;
  int preserve_fds;
  int ns_fds[8];
  int ns_types[8];
  size_t ns_len;
  int sync_fd;
};

static const char *
proc_ns_name (int type)
{
  switch (type)
    {
    case CLONE_NEWUSER:
      return "user";
    case CLONE_NEWNS:
      return "mnt";
    case CLONE_NEWPID:
      return "pid";
    case CLONE_NEWNET:
      return "net";
    case CLONE_NEWIPC:
      return "ipc";
    case CLONE_NEWUTS:
      return "uts";
    case CLONE_NEWCGROUP:
      return "cgroup";
    case CLONE_NEWTIME:
      return "time";
    default:
      return NULL;
    }
}

/* The init's namespaces, user first: it owns the others. */
static int
open_namespaces (const struct oci_config *config, pid_t pid, struct exec_ctx *ctx, ic_error_t *err)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < config->linux_.namespaces_len && ctx->ns_len < 8; i++)
      {
        int type = config->linux_.namespaces[i].type;
        cleanup_free char *path = NULL;
        int fd;
        if ((pass == 0) != (type == CLONE_NEWUSER) || proc_ns_name (type) == NULL)
          continue;
        path = xasprintf ("/proc/%d/ns/%s", pid, proc_ns_name (type));
        fd = open (path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
          return ic_error (err, errno, "open `%s`", path);
        ctx->ns_fds[ctx->ns_len] = fd;
        ctx->ns_types[ctx->ns_len++] = type;
      }
  return 0;
}

static void
close_namespaces (struct exec_ctx *ctx)
{
  for (size_t i = 0; i < ctx->ns_len; i++)
    close (ctx->ns_fds[i]);
  ctx->ns_len = 0;
}

/* The process itself: cgroup joined by rune, then terminal, limits, and process_exec. */
static void __attribute__ ((noreturn)) exec_process (struct exec_ctx *ctx)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *exe = NULL;
  struct sync_msg msg;
  int master = -1;

  if (sync_expect (ctx->sync_fd, SYNC_GO, &msg, &err) < 0)
    _exit (1);
  if (setsid () < 0)
    ic_error (&err, errno, "setsid");
  if (!err && ctx->process->terminal
      && terminal_setup (ctx->process->console_height, ctx->process->console_width, &master, &err)
             == 0)
    {
      sync_send_fd (ctx->sync_fd, SYNC_TERMINAL, master, &err);
      close (master);
    }
  if (err || process_set_limits (ctx->process, &err) < 0
      || process_find_executable (ctx->process, &exe, &err) < 0)
    goto fail;
  /* The sync socket is close-on-exec: rune reads end of file once the exec worked. */
  process_exec (&(struct process_exec){ .process = ctx->process,
                                        .seccomp = ctx->seccomp,
                                        .has_personality = ctx->config->linux_.has_personality,
                                        .personality = ctx->config->linux_.personality,
                                        .preserve_fds = ctx->preserve_fds,
                                        .exe = exe },
                &err);
fail:
  sync_send_error (ctx->sync_fd, err);
  _exit (process_exec_failure_status (err));
}

/* Joins the namespaces, then forks the process so that it is in the pid namespace too. */
static void __attribute__ ((noreturn)) exec_intermediate (struct exec_ctx *ctx)
{
  cleanup_error ic_error_t err = NULL;
  pid_t pid;

  /* Until exec, this is rune's binary in the container: no container process may open it
     through /proc (CVE-2019-5736). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < ctx->ns_len; i++)
    if (setns (ctx->ns_fds[i], ctx->ns_types[i]) < 0)
      {
        ic_error (&err, errno, "join the container's %s namespace",
                  proc_ns_name (ctx->ns_types[i]));
        sync_send_error (ctx->sync_fd, err);
        _exit (1);
      }
  close_namespaces (ctx);
  pid = syscall (SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
  if (pid == 0)
    exec_process (ctx);
  if (pid < 0)
    {
      ic_error (&err, errno, "clone the exec process");
      sync_send_error (ctx->sync_fd, err);
      _exit (1);
    }
  sync_send (ctx->sync_fd, SYNC_PID, pid, NULL, NULL);
  _exit (0);
}

static int
wait_child (pid_t pid)
{
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : -1;
}

/* Until the process execs: returns 0 on end of file (the exec closed the socket). */
static int
wait_exec (int sync_fd, ic_error_t *err)
{
  struct sync_msg msg;
  if (sync_expect (sync_fd, SYNC_CREATED, &msg, err) == 0)
    return ic_error (err, EPROTO, "unexpected message from the exec process");
  if (*err && (*err)->status == EPIPE)
    {
      ic_error_release (err);
      return 0;
    }
  return -1;
}

static int
spawn_exec (struct exec_ctx *ctx, struct cgroup *cg, pid_t *pid, int *master, ic_error_t *err)
{
  cleanup_close int parent_fd = -1;
  struct sync_msg msg;
  int sv[2];
  pid_t child;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ic_error (err, errno, "socketpair");
  child = fork ();
  if (child < 0)
    {
      close (sv[0]);
      close (sv[1]);
      return ic_error (err, errno, "fork");
    }
  if (child == 0)
    {
      close (sv[0]);
      ctx->sync_fd = sv[1];
      exec_intermediate (ctx);
    }
  close (sv[1]);
  parent_fd = sv[0];
  if (sync_expect (parent_fd, SYNC_PID, &msg, err) < 0)
    {
      wait_child (child);
      return -1;
    }
  *pid = msg.status;
  wait_child (child);
  if ((cg && cgroup_enter (cg, *pid, err) < 0) || sync_send (parent_fd, SYNC_GO, 0, NULL, err) < 0
      || (ctx->process->terminal
          && sync_expect_fd (parent_fd, SYNC_TERMINAL, &msg, master, err) < 0)
      || wait_exec (parent_fd, err) < 0)
    {
      kill (*pid, SIGKILL);
      waitpid (*pid, NULL, 0);
      return -1;
    }
  return 0;
}

static int
check_status (const struct container_state *state, enum container_status status, ic_error_t *err)
{
  if (status != CONTAINER_RUNNING && status != CONTAINER_CREATED)
    return ic_error (err, 0, "container `%s` is %s: cannot exec in it", state->id,
                     container_status_name (status));
  return 0;
}

int
container_exec (const struct container_runtime *rt, const struct container_exec_options *opts,
                pid_t *pid, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_oci_config struct oci_config *config = NULL;
  cleanup_seccomp_program struct seccomp_program *seccomp = NULL;
  cleanup_cgroup struct cgroup *cg = NULL;
  struct container_state state = { 0 };
  struct exec_ctx ctx = { .process = opts->process, .preserve_fds = opts->preserve_fds };
  enum container_status status;
  int master = -1, ret = -1;

  if (container_open (rt, opts->id, false, &dir, &state, &status, err) < 0
      || check_status (&state, status, err) < 0
      || container_load_saved_config (&dir, &config, err) < 0
      || process_validate (opts->process, rt->warn, err) < 0
      || terminal_check_options (opts->process->terminal, opts->console_socket,
                                 opts->terminal_master != NULL, err)
             < 0
      || container_compile_seccomp (config, &seccomp, err) < 0
      || open_namespaces (config, state.pid, &ctx, err) < 0)
    goto out;
  ctx.config = config;
  ctx.seccomp = seccomp;
  /* The init could have exited and its pid been reused while we opened its namespaces. */
  if (process_start_time (state.pid) != state.pid_start_time)
    {
      ic_error (err, 0, "container `%s` is not running", opts->id);
      goto out;
    }
  if (container_cgroup (&state, &cg, err) < 0 || spawn_exec (&ctx, cg, pid, &master, err) < 0)
    goto out;
  if ((opts->pid_file && write_pid_file (opts->pid_file, *pid, err) < 0)
      || terminal_hand_out (&master, opts->console_socket, opts->terminal_master, err) < 0)
    {
      kill (*pid, SIGKILL);
      waitpid (*pid, NULL, 0);
      goto out;
    }
  ret = 0;
out:
  if (master >= 0)
    close (master);
  close_namespaces (&ctx);
  container_state_clear (&state);
  return ret;
}

int
container_exec_template (const struct container_runtime *rt, const char *id,
                         struct oci_process **out, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_oci_config struct oci_config *config = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  json_object *process;
  const char *text;
  int ret = -1;

  if (container_open (rt, id, false, &dir, &state, &status, err) < 0
      || container_load_saved_config (&dir, &config, err) < 0)
    goto out;
  if (!json_object_object_get_ex (config->json, "process", &process))
    {
      ic_error (err, 0, "container `%s`: its config has no process", id);
      goto out;
    }
  text = json_object_to_json_string_ext (process, JSON_C_TO_STRING_PLAIN);
  ret = oci_process_parse (text, strlen (text), out, err);
out:
  container_state_clear (&state);
  return ret;
}
