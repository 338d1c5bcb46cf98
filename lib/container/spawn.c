#include "spawn.h"
#include "hooks.h"
#include "mounts.h"
#include "state.h"
#include "sync.h"
#include "cgroup.h"
#include "process.h"
#include "terminal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---------------------------------------------------------------- validation (parent) */

static int
sysctl_namespace (const char *key)
{
  static const char *const ipc_keys[]
      = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  for (size_t i = 0; i < sizeof (ipc_keys) / sizeof (ipc_keys[0]); i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      return CLONE_NEWIPC;
  if (has_prefix (key, "fs.mqueue."))
    return CLONE_NEWIPC;
  if (has_prefix (key, "net."))
    return CLONE_NEWNET;
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    return CLONE_NEWUTS;
  return 0;
}

int
spawn_validate (const struct oci_config *config, void (*warn) (const char *msg), ic_error_t *err)
{
  const struct oci_linux *l = &config->linux_;

  if (config->process == NULL)
    return ic_error (err, 0, "process: is required to create a container");
  if (process_validate (config->process, warn, err) < 0)
    return -1;
  if (oci_config_namespace (config, CLONE_NEWNS) == NULL)
    return ic_error (err, 0, "linux.namespaces: a mount namespace is required");
  for (size_t i = 0; i < l->sysctl_len; i++)
    {
      const char *key = l->sysctl[i].key;
      int ns = sysctl_namespace (key);
      if (strstr (key, "..") || strchr (key, '/'))
        return ic_error (err, 0, "linux.sysctl: invalid key `%s`", key);
      if (ns == 0)
        return ic_error (err, 0,
                         "linux.sysctl: `%s` is not namespaced; refusing to change the "
                         "host's value",
                         key);
      if (oci_config_namespace (config, ns) == NULL || oci_config_namespace (config, ns)->path)
        return ic_error (err, 0, "linux.sysctl: `%s` needs a new %s namespace", key,
                         ns == CLONE_NEWNET   ? "network"
                         : ns == CLONE_NEWIPC ? "ipc"
                                              : "uts");
    }
  return 0;
}

/* ---------------------------------------------------------------- container init (child) */

static int
set_sysctls (const struct oci_linux *l, ic_error_t *err)
{
  for (size_t i = 0; i < l->sysctl_len; i++)
    {
      cleanup_free char *path = xasprintf ("/proc/sys/%s", l->sysctl[i].key);
      for (char *c = path + strlen ("/proc/sys/"); *c; c++)
        if (*c == '.')
          *c = '/';
      if (write_existing_file (path, l->sysctl[i].value, strlen (l->sysctl[i].value), err) < 0)
        return ic_error_wrap (err, "linux.sysctl: `%s`", l->sysctl[i].key);
    }
  return 0;
}

static int
set_hostname (const struct oci_config *config, ic_error_t *err)
{
  if (config->hostname && config->hostname[0]
      && sethostname (config->hostname, strlen (config->hostname)) < 0)
    return ic_error (err, errno, "hostname: set `%s`", config->hostname);
  if (config->domainname && config->domainname[0]
      && setdomainname (config->domainname, strlen (config->domainname)) < 0)
    return ic_error (err, errno, "domainname: set `%s`", config->domainname);
  return 0;
}

/* A new network namespace starts with `lo` down; runc and crun bring it up, and programs that
   talk to localhost expect it. A joined namespace is left as its owner configured it. */
static int
bring_up_loopback (const struct oci_config *config, ic_error_t *err)
{
  const struct oci_namespace *ns = oci_config_namespace (config, CLONE_NEWNET);
  struct ifreq ifr = { .ifr_name = "lo" };
  cleanup_close int sock = -1;

  if (ns == NULL || ns->path != NULL)
    return 0;
  sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (UNLIKELY (sock < 0))
    return ic_error (err, errno, "network namespace: open a socket to bring up `lo`");
  if (UNLIKELY (ioctl (sock, SIOCGIFFLAGS, &ifr) < 0))
    return ic_error (err, errno, "network namespace: read the flags of `lo`");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (UNLIKELY (ioctl (sock, SIOCSIFFLAGS, &ifr) < 0))
    return ic_error (err, errno, "network namespace: bring up `lo`");
  return 0;
}

/* Blocks until `rune start` writes to the exec FIFO; `rune start` returns once it is closed. */
static int
wait_for_start (int fifo_fd, bool close_fifo, ic_error_t *err)
{
  struct pollfd p = { .fd = fifo_fd, .events = POLLIN };
  char c;
  /* A FIFO that never had a writer does not report POLLHUP, so this waits for start. */
  while (poll (&p, 1, -1) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "wait on the exec FIFO");
  if (read (fifo_fd, &c, 1) != 1)
    return ic_error (err, errno, "read the exec FIFO");
  if (close_fifo)
    close (fifo_fd);
  return 0;
}

static bool
seccomp_has_listener (const struct spawn *s)
{
  return s->seccomp && s->seccomp->listener_path;
}

/* A filter with a listener was loaded during create; others are loaded just before exec. */
static const struct seccomp_program *
seccomp_at_exec (const struct spawn *s)
{
  return seccomp_has_listener (s) ? NULL : s->seccomp;
}

/* The fds rune must receive before the container counts as created: the terminal master,
   and the seccomp notify fd, which rune hands to the listener before we go on. */
static int
pass_fds_to_rune (const struct spawn *s, ic_error_t *err)
{
  const struct oci_process *p = s->config->process;
  struct sync_msg msg;
  int fd = -1, ret;

  if (p->terminal)
    {
      if (terminal_setup (p->console_height, p->console_width, &fd, err) < 0)
        return -1;
      ret = sync_send_fd (s->sync_fd, SYNC_TERMINAL, fd, err);
      close (fd);
      if (ret < 0)
        return -1;
    }
  if (!seccomp_has_listener (s))
    return 0;
  if (seccomp_program_load (s->seccomp, &fd, err) < 0)
    return -1;
  ret = sync_send_fd (s->sync_fd, SYNC_SECCOMP, fd, err);
  close (fd);
  if (ret < 0)
    return -1;
  return sync_expect (s->sync_fd, SYNC_SECCOMP_DONE, &msg, err);
}

static struct process_exec
process_of (const struct spawn *s, const char *exe)
{
  return (struct process_exec){ .process = s->config->process,
                                .seccomp = seccomp_at_exec (s),
                                .has_personality = s->config->linux_.has_personality,
                                .personality = s->config->linux_.personality,
                                .preserve_fds = s->preserve_fds,
                                .exe = exe };
}

/* After `rune start`: startContainer hooks, then become the user process. */
static int
start_process (const struct spawn *s, const char *state_json, const char *exe, ic_error_t *err)
{
  struct process_exec pe = process_of (s, exe);

  if (wait_for_start (s->fifo_fd, true, err) < 0)
    return -1;
  if (hooks_run (&s->config->hooks[OCI_HOOK_START_CONTAINER], OCI_HOOK_START_CONTAINER, state_json,
                 err)
      < 0)
    return -1;
  return process_exec (&pe, err);
}

static void
report_start_error (const struct spawn *s, ic_error_t error)
{
  const char *msg = ic_error_message (error);
  write_file_at (s->state_dirfd, STATE_START_ERROR, msg, strlen (msg), 0600, NULL);
  dprintf (2, "rune: %s\n", msg);
}

static void
reset_signals (void)
{
  sigset_t all;
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
}

/* An enclave container's init-runelet, created: it became the container's user and created
   the enclave (`rune create` returns only now). */
static int
enclave_enter (const struct spawn *s, const char *exe, ic_error_t *err)
{
  struct process_exec pe = process_of (s, exe);
  if (process_enter (&pe, err) < 0)
    return -1;
  return s->enclave->init (s->enclave->data, s->enclave_fd, err);
}

/* After `rune start`: the init-runelet runs the payload in the enclave and exits with its
   exit value. The FIFO stays open until the payload exists, so `rune start` reports a
   payload that could not be created. */
static void __attribute__ ((noreturn))
enclave_start (const struct spawn *s, const char *state_json, const char *exe)
{
  cleanup_error ic_error_t err = NULL;
  int status;

  if (wait_for_start (s->fifo_fd, false, &err) < 0
      || hooks_run (&s->config->hooks[OCI_HOOK_START_CONTAINER], OCI_HOOK_START_CONTAINER,
                    state_json, &err)
             < 0)
    status = -1;
  else
    status = s->enclave->run (s->enclave->data, s->fifo_fd, s->config->process->args,
                              s->config->process->env, exe, &err);
  if (status >= 0)
    _exit (status);
  report_start_error (s, err);
  _exit (1);
}

static void __attribute__ ((noreturn)) container_init (struct spawn *s)
{
  const struct oci_config *config = s->config;
  bool in_userns = oci_config_namespace (config, CLONE_NEWUSER) != NULL;
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *exe = NULL;
  struct sync_msg msg = { 0 };
  int root_fd = -1;

  reset_signals ();
  /* The intermediate reports our pid on the same socket: wait until rune has read it, so our
     messages cannot overtake it. */
  if (sync_expect (s->sync_fd, SYNC_GO, &msg, &err) < 0)
    _exit (1);
  if (setsid () < 0)
    ic_error (&err, errno, "setsid");
  if (err || (root_fd = rootfs_prepare (config, s->rootfs_fd, in_userns, &err)) < 0
      || set_hostname (config, &err) < 0 || bring_up_loopback (config, &err) < 0
      || set_sysctls (&config->linux_, &err) < 0 || process_set_limits (config->process, &err) < 0
      || sync_send (s->sync_fd, SYNC_RUNTIME_READY, 0, NULL, &err) < 0
      || (s->enclave && s->enclave->load (s->enclave->data, &err) < 0)
      || sync_expect (s->sync_fd, SYNC_CONTINUE, &msg, &err) < 0
      || hooks_run (&config->hooks[OCI_HOOK_CREATE_CONTAINER], OCI_HOOK_CREATE_CONTAINER,
                    msg.payload, &err)
             < 0
      || rootfs_pivot (root_fd, s->no_pivot, &err) < 0 || rootfs_finalize (config, &err) < 0
      || process_find_executable (config->process, &exe, &err) < 0 || pass_fds_to_rune (s, &err) < 0
      || (s->enclave && enclave_enter (s, exe, &err) < 0))
    {
      sync_send_error (s->sync_fd, err);
      _exit (1);
    }
  /* From here on the container may hold processes (rune exec) while we are still rune's
     binary: they must not reach it through /proc/1/exe (CVE-2019-5736). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (sync_send (s->sync_fd, SYNC_CREATED, 0, NULL, &err) < 0)
    _exit (1);
  close (s->sync_fd);
  if (s->enclave)
    enclave_start (s, msg.payload, exe);
  start_process (s, msg.payload, exe, &err);
  report_start_error (s, err);
  _exit (process_exec_failure_status (err));
}

/* ---------------------------------------------------------------- intermediate (child) */

static int
join_namespaces (const struct oci_config *config, ic_error_t *err)
{
  const struct oci_linux *l = &config->linux_;
  int fds[8]; /* the parser refuses duplicate types, so there are at most 8 */
  size_t n = l->namespaces_len < 8 ? l->namespaces_len : 8;

  /* Open every path first: joining the mount namespace changes what paths mean. */
  for (size_t i = 0; i < n; i++)
    {
      fds[i] = -1;
      if (l->namespaces[i].path == NULL)
        continue;
      fds[i] = open (l->namespaces[i].path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return ic_error (err, errno, "linux.namespaces[%zu].path: open `%s`", i,
                         l->namespaces[i].path);
    }
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      {
        const struct oci_namespace *ns = &l->namespaces[i];
        /* The user namespace first: it owns the others. */
        if (fds[i] < 0 || (pass == 0) != (ns->type == CLONE_NEWUSER))
          continue;
        if (setns (fds[i], ns->type) < 0)
          return ic_error (err, errno, "linux.namespaces[%zu]: join %s namespace `%s`", i,
                           ns->type_name, ns->path);
        close (fds[i]);
        fds[i] = -1;
      }
  return 0;
}

static int
unshare_namespaces (const struct oci_config *config, int sync_fd, ic_error_t *err)
{
  const struct oci_namespace *userns = oci_config_namespace (config, CLONE_NEWUSER);
  int flags = 0;

  for (size_t i = 0; i < config->linux_.namespaces_len; i++)
    if (config->linux_.namespaces[i].path == NULL
        && config->linux_.namespaces[i].type != CLONE_NEWUSER)
      flags |= config->linux_.namespaces[i].type;

  if (userns && userns->path == NULL)
    {
      struct sync_msg msg;
      if (unshare (CLONE_NEWUSER) < 0)
        return ic_error (err, errno, "linux.namespaces: create user namespace");
      if (sync_send (sync_fd, SYNC_USERNS_READY, 0, NULL, err) < 0
          || sync_expect (sync_fd, SYNC_USERNS_MAPPED, &msg, err) < 0)
        return -1;
    }
  if (flags && unshare (flags) < 0)
    return ic_error (err, errno, "linux.namespaces: unshare namespaces (flags %#x)", flags);
  if (config->linux_.time_offsets_len)
    {
      char buf[256];
      size_t len = 0;
      for (size_t i = 0; i < config->linux_.time_offsets_len; i++)
        {
          const struct oci_time_offset *t = &config->linux_.time_offsets[i];
          len += snprintf (buf + len, sizeof (buf) - len, "%s %lld %u\n",
                           t->clock == CLOCK_MONOTONIC ? "monotonic" : "boottime",
                           (long long)t->secs, t->nanosecs);
        }
      if (write_existing_file ("/proc/self/timens_offsets", buf, len, err) < 0)
        return ic_error_wrap (err, "linux.timeOffsets");
    }
  return 0;
}

/* Becomes the user namespace's root, so files we create are owned by a mapped id. */
static int
become_userns_root (ic_error_t *err)
{
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return ic_error (err, errno,
                     "linux.uidMappings: become root in the user namespace "
                     "(is uid/gid 0 mapped?)");
  if (setgroups (0, NULL) < 0 && errno != EPERM)
    return ic_error (err, errno, "setgroups in the user namespace");
  /* Changing uid made us non-dumpable, so /proc/self would be the host root's: the setup
     needs /proc/self/fd. execve resets it. */
  if (prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return ic_error (err, errno, "prctl PR_SET_DUMPABLE");
  return 0;
}

static void __attribute__ ((noreturn)) intermediate (struct spawn *s)
{
  cleanup_error ic_error_t err = NULL;
  struct sync_msg msg;
  pid_t pid;

  if (sync_expect (s->sync_fd, SYNC_GO, &msg, &err) < 0)
    _exit (1);
  if (join_namespaces (s->config, &err) < 0 || unshare_namespaces (s->config, s->sync_fd, &err) < 0)
    {
      sync_send_error (s->sync_fd, err);
      _exit (1);
    }
  /* Open the rootfs in the new mount namespace while our file system ids are still the
     caller's: the user namespace's root may not be allowed to reach the bundle. */
  s->rootfs_fd = open (s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (s->rootfs_fd < 0)
    ic_error (&err, errno, "root.path: open `%s`", s->rootfs);
  if (err || (oci_config_namespace (s->config, CLONE_NEWUSER) && become_userns_root (&err) < 0))
    {
      sync_send_error (s->sync_fd, err);
      _exit (1);
    }
  /* CLONE_PARENT: the init becomes rune's child, and pid 1 of a new pid namespace. */
  pid = syscall (SYS_clone, CLONE_PARENT, 0, NULL, NULL, 0);
  if (pid == 0)
    container_init (s);
  if (pid < 0)
    {
      ic_error (&err, errno, "clone the container process");
      sync_send_error (s->sync_fd, err);
      _exit (1);
    }
  sync_send (s->sync_fd, SYNC_PID, pid, NULL, NULL);
  _exit (0);
}

/* ---------------------------------------------------------------- parent */

static int
write_id_map (pid_t pid, const char *file, const struct oci_id_mapping *maps, size_t len,
              ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("/proc/%d/%s", pid, file);
  cleanup_free char *text = xmalloc0 (len * 40 + 1);
  size_t used = 0;

  for (size_t i = 0; i < len; i++)
    used
        += sprintf (text + used, "%u %u %u\n", maps[i].container_id, maps[i].host_id, maps[i].size);
  if (write_existing_file (path, text, used, err) < 0)
    return ic_error_wrap (err, "linux.%s",
                          strcmp (file, "uid_map") ? "gidMappings" : "uidMappings");
  return 0;
}

static int
wait_intermediate (pid_t pid, ic_error_t *err)
{
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return ic_error (err, errno, "wait for the intermediate process");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return ic_error (err, 0, "the intermediate process failed (status %#x)", status);
  return 0;
}

int
spawn_start (struct spawn *s, ic_error_t *err)
{
  const struct oci_namespace *userns = oci_config_namespace (s->config, CLONE_NEWUSER);
  int sv[2];
  pid_t child;
  struct sync_msg msg;

  s->pid = -1;
  s->sync_fd = -1;
  s->terminal_master = -1;
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
      close (s->lock_fd);
      s->sync_fd = sv[1];
      intermediate (s);
    }
  close (sv[1]);
  s->sync_fd = sv[0];

  if (cgroup_enter (s->cgroup, child, err) < 0 || sync_send (s->sync_fd, SYNC_GO, 0, NULL, err) < 0)
    goto fail;
  if (userns && userns->path == NULL)
    {
      const struct oci_linux *l = &s->config->linux_;
      if (sync_expect (s->sync_fd, SYNC_USERNS_READY, &msg, err) < 0
          || write_id_map (child, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0
          || write_id_map (child, "gid_map", l->gid_mappings, l->gid_mappings_len, err) < 0
          || sync_send (s->sync_fd, SYNC_USERNS_MAPPED, 0, NULL, err) < 0)
        goto fail;
    }
  if (sync_expect (s->sync_fd, SYNC_PID, &msg, err) < 0)
    goto fail;
  s->pid = msg.status;
  if (wait_intermediate (child, err) < 0)
    return -1;
  return sync_send (s->sync_fd, SYNC_GO, 0, NULL, err);

fail:
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  return -1;
}

int
spawn_wait_runtime_ready (struct spawn *s, ic_error_t *err)
{
  struct sync_msg msg;
  return sync_expect (s->sync_fd, SYNC_RUNTIME_READY, &msg, err);
}

/* Takes the fds the init passes (see pass_fds_to_rune). */
static int
receive_fds (struct spawn *s, const char *state_json, ic_error_t *err)
{
  struct sync_msg msg;
  int fd = -1, ret;

  if (s->config->process->terminal
      && sync_expect_fd (s->sync_fd, SYNC_TERMINAL, &msg, &s->terminal_master, err) < 0)
    return -1;
  if (!seccomp_has_listener (s))
    return 0;
  if (sync_expect_fd (s->sync_fd, SYNC_SECCOMP, &msg, &fd, err) < 0)
    return -1;
  ret = seccomp_send_to_listener (s->seccomp, fd, s->pid, state_json, err);
  if (fd >= 0)
    close (fd);
  if (ret < 0)
    return -1;
  return sync_send (s->sync_fd, SYNC_SECCOMP_DONE, 0, NULL, err);
}

int
spawn_finish (struct spawn *s, const char *state_json, ic_error_t *err)
{
  cleanup_error ic_error_t send_err = NULL;
  struct sync_msg msg = { 0 };

  if (sync_send (s->sync_fd, SYNC_CONTINUE, 0, state_json, &send_err) < 0)
    {
      /* The init failed while we ran the hooks (loading an enclave runtime, say): its error
         waits in the socket and says more than a broken pipe. */
      bool init_gone = send_err->status == EPIPE || send_err->status == ECONNRESET;
      if (init_gone && sync_expect (s->sync_fd, SYNC_CREATED, &msg, err) < 0)
        return -1;
      sync_msg_clear (&msg);
      *err = steal_pointer (&send_err);
      return -1;
    }
  if (receive_fds (s, state_json, err) < 0 || sync_expect (s->sync_fd, SYNC_CREATED, &msg, err) < 0)
    return -1;
  close (s->sync_fd);
  s->sync_fd = -1;
  return 0;
}

void
spawn_abort (struct spawn *s)
{
  if (s->terminal_master >= 0)
    close (s->terminal_master);
  s->terminal_master = -1;
  if (s->sync_fd >= 0)
    close (s->sync_fd);
  s->sync_fd = -1;
  if (s->pid > 0)
    {
      kill (s->pid, SIGKILL);
      waitpid (s->pid, NULL, 0);
    }
  s->pid = -1;
}
