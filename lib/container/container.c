#include "container.h"
#include "container-internal.h"
#include "cgroup.h"
#include "config.h"
#include "hooks.h"
#include "seccomp-program.h"
#include "terminal.h"
#include "spawn.h"
#include "utils.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long `start` waits for the container process to exec the user program. */
#define START_TIMEOUT_MS (60 * 1000)

static void
warn (const struct container_runtime *rt, ic_error_t *err)
{
  if (rt->warn && *err)
    rt->warn (ic_error_message (*err));
  ic_error_release (err);
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];
  size_t n;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  n = strftime (buf, sizeof (buf), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, sizeof (buf) - n, ".%09ldZ", ts.tv_nsec);
  return xstrdup (buf);
}

static char **
annotations_strv (const struct oci_config *config)
{
  char **v = xmalloc0 ((2 * config->annotations_len + 1) * sizeof (char *));
  for (size_t i = 0; i < config->annotations_len; i++)
    {
      v[2 * i] = xstrdup (config->annotations[i].key);
      v[2 * i + 1] = xstrdup (config->annotations[i].value);
    }
  return v;
}

static int
resolve_rootfs (const char *bundle, const struct oci_config *config, char **out, ic_error_t *err)
{
  cleanup_free char *joined = config->root_path[0] == '/'
                                  ? xstrdup (config->root_path)
                                  : xasprintf ("%s/%s", bundle, config->root_path);
  struct stat st;
  char *real = realpath (joined, NULL);
  if (real == NULL)
    return ic_error (err, errno, "root.path: `%s`", joined);
  if (stat (real, &st) < 0 || !S_ISDIR (st.st_mode))
    {
      free (real);
      return ic_error (err, ENOTDIR, "root.path: `%s`", joined);
    }
  *out = real;
  return 0;
}

static int
load_bundle (const char *bundle_arg, char **bundle, char **raw, struct oci_config **config,
             ic_error_t *err)
{
  cleanup_free char *path = NULL;
  size_t len;

  *bundle = realpath (bundle_arg ? bundle_arg : ".", NULL);
  if (*bundle == NULL)
    return ic_error (err, errno, "--bundle: `%s`", bundle_arg ? bundle_arg : ".");
  path = xasprintf ("%s/config.json", *bundle);
  if (read_file_at (AT_FDCWD, path, OCI_CONFIG_MAX_SIZE, raw, &len, err) < 0)
    return -1;
  if (oci_config_parse (*raw, len, config, err) < 0)
    return ic_error_wrap (err, "%s", path);
  return 0;
}

int
container_cgroup (const struct container_state *state, struct cgroup **out, ic_error_t *err)
{
  *out = NULL;
  if (state->cgroup_path == NULL)
    return 0;
  return cgroup_open_recorded (state->cgroup_path, out, err);
}

enum container_status
container_status_with_cgroup (struct container_dir *dir, const struct container_state *state)
{
  cleanup_cgroup struct cgroup *cg = NULL;
  enum container_status status = container_status (dir, state);
  if (status == CONTAINER_RUNNING && container_cgroup (state, &cg, NULL) == 0 && cg
      && cgroup_is_frozen (cg))
    return CONTAINER_PAUSED;
  return status;
}

/* Undoes create (lifecycle step 12) and runs the poststop hooks (step 13). */
static void
destroy (const struct container_runtime *rt, struct container_dir *dir,
         const struct oci_config *config, struct container_state *state)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_cgroup struct cgroup *cg = NULL;

  if (container_cgroup (state, &cg, &err) < 0)
    warn (rt, &err);
  if (cg)
    {
      cgroup_kill (cg, SIGKILL, NULL);
      if (cgroup_destroy (cg, &err) < 0)
        warn (rt, &err);
    }
  if (config)
    {
      cleanup_free char *json = container_state_to_oci_json (state, CONTAINER_STOPPED, false);
      if (hooks_run (&config->hooks[OCI_HOOK_POSTSTOP], OCI_HOOK_POSTSTOP, json, &err) < 0)
        warn (rt, &err);
    }
  if (container_dir_remove (dir, &err) < 0)
    warn (rt, &err);
}

/* obj.a.b, or NULL when any step is missing. */
static json_object *
json_path (json_object *obj, const char *a, const char *b)
{
  json_object *mid = NULL, *out = NULL;
  if (!json_object_object_get_ex (obj, a, &mid) || !json_object_object_get_ex (mid, b, &out))
    return NULL;
  return out;
}

int
container_compile_seccomp (const struct oci_config *config, struct seccomp_program **out,
                           ic_error_t *err)
{
  return seccomp_program_compile (json_path (config->json, "linux", "seccomp"), out, err);
}

static int
create_in_dir (const struct container_runtime *rt, const struct container_create_options *opts,
               struct container_dir *dir, const struct oci_config *config, const char *raw,
               struct container_state *state, struct spawn *spawn, ic_error_t *err)
{
  cleanup_close int fifo_fd = -1, state_dirfd = -1, enclave_fd = -1;
  cleanup_free char *json = NULL;

  if (write_file_at (dir->dirfd, STATE_CONFIG_FILE, raw, strlen (raw), 0600, err) < 0)
    return -1;
  if (spawn->enclave
      && spawn->enclave->prepare (spawn->enclave->data, dir->dirfd, &enclave_fd, err) < 0)
    return -1;
  if (mkfifoat (dir->dirfd, STATE_EXEC_FIFO, 0600) < 0)
    return ic_error (err, errno, "mkfifo `%s/%s`", dir->path, STATE_EXEC_FIFO);
  /* Opening the read end without a writer does not block; the init keeps the only copy. */
  fifo_fd = openat (dir->dirfd, STATE_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo_fd < 0)
    return ic_error (err, errno, "open `%s/%s`", dir->path, STATE_EXEC_FIFO);
  if (cgroup_create (spawn->cgroup, err) < 0
      || cgroup_set_resources (spawn->cgroup, json_path (config->json, "linux", "resources"), err)
             < 0)
    return -1;

  /* The init gets its own fd of the directory: the locked one stays with rune. */
  state_dirfd = openat (dir->dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (state_dirfd < 0)
    return ic_error (err, errno, "open `%s`", dir->path);
  spawn->fifo_fd = fifo_fd;
  spawn->state_dirfd = state_dirfd;
  spawn->lock_fd = dir->dirfd;
  spawn->enclave_fd = enclave_fd;
  if (spawn_start (spawn, err) < 0)
    return -1;
  close (steal_fd (&fifo_fd));
  /* Only the init serves the enclave's agent socket. */
  if (enclave_fd >= 0)
    close (steal_fd (&enclave_fd));
  spawn->enclave_fd = -1;
  state->pid = spawn->pid;
  state->pid_start_time = process_start_time (spawn->pid);
  if (container_state_write (dir, state, err) < 0 || spawn_wait_runtime_ready (spawn, err) < 0)
    return -1;

  json = container_state_to_oci_json (state, CONTAINER_CREATING, false);
  if (hooks_run (&config->hooks[OCI_HOOK_PRESTART], OCI_HOOK_PRESTART, json, err) < 0
      || hooks_run (&config->hooks[OCI_HOOK_CREATE_RUNTIME], OCI_HOOK_CREATE_RUNTIME, json, err) < 0
      || spawn_finish (spawn, json, err) < 0)
    return -1;
  if (opts->pid_file && write_pid_file (opts->pid_file, spawn->pid, err) < 0)
    return -1;
  return terminal_hand_out (&spawn->terminal_master, opts->console_socket, opts->terminal_master,
                            err);
}

int
container_create (const struct container_runtime *rt, const struct container_create_options *opts,
                  pid_t *pid, ic_error_t *err)
{
  cleanup_oci_config struct oci_config *config = NULL;
  cleanup_free char *bundle = NULL, *raw = NULL, *rootfs = NULL;
  cleanup_cgroup struct cgroup *cgroup = NULL;
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  struct container_state state = { 0 };
  cleanup_seccomp_program struct seccomp_program *seccomp = NULL;
  struct spawn spawn = { .pid = -1, .sync_fd = -1, .terminal_master = -1, .enclave_fd = -1 };
  bool enclave = false;

  if (load_bundle (opts->bundle, &bundle, &raw, &config, err) < 0
      || (opts->enclave
          && opts->enclave->configure (opts->enclave->data, bundle, config, &enclave, err) < 0)
      || spawn_validate (config, rt->warn, err) < 0
      || terminal_check_options (config->process->terminal, opts->console_socket,
                                 opts->terminal_master != NULL, err)
             < 0
      || container_compile_seccomp (config, &seccomp, err) < 0
      || resolve_rootfs (bundle, config, &rootfs, err) < 0
      || cgroup_open (config->linux_.cgroups_path, opts->id, rt->systemd_cgroup, &cgroup, err) < 0)
    return -1;
  if (container_dir_create (rt->root, opts->id, &dir, err) < 0)
    return -1;

  state = (struct container_state){ .id = xstrdup (opts->id),
                                    .bundle = xstrdup (bundle),
                                    .rootfs = xstrdup (rootfs),
                                    .created = now_rfc3339 (),
                                    .owner = getuid (),
                                    .cgroup_path = xstrdup (cgroup_path (cgroup)),
                                    .annotations = annotations_strv (config) };
  spawn.config = config;
  spawn.rootfs = rootfs;
  spawn.cgroup = cgroup;
  spawn.seccomp = seccomp;
  spawn.no_pivot = opts->no_pivot;
  spawn.preserve_fds = opts->preserve_fds;
  spawn.enclave = enclave ? opts->enclave : NULL;
  if (create_in_dir (rt, opts, &dir, config, raw, &state, &spawn, err) < 0)
    {
      spawn_abort (&spawn);
      destroy (rt, &dir, config, &state);
      container_state_clear (&state);
      return -1;
    }
  *pid = spawn.pid;
  container_state_clear (&state);
  return 0;
}

int
container_open (const struct container_runtime *rt, const char *id, bool exclusive,
                struct container_dir *dir, struct container_state *state,
                enum container_status *status, ic_error_t *err)
{
  if (container_dir_open (rt->root, id, exclusive, dir, err) < 0
      || container_state_read (dir, state, err) < 0)
    return -1;
  *status = container_status_with_cgroup (dir, state);
  return 0;
}

int
container_load_saved_config (struct container_dir *dir, struct oci_config **config, ic_error_t *err)
{
  cleanup_free char *raw = NULL;
  size_t len;
  if (read_file_at (dir->dirfd, STATE_CONFIG_FILE, OCI_CONFIG_MAX_SIZE, &raw, &len, err) < 0
      || oci_config_parse (raw, len, config, err) < 0)
    return ic_error_wrap (err, "container `%s`", dir->id);
  return 0;
}

/* Waits until the init has exec'd the user program or exited: its FIFO end closes then. */
static int
wait_exec (int fifo_wr, ic_error_t *err)
{
  struct pollfd p = { .fd = fifo_wr, .events = 0 };
  int n;
  do
    n = poll (&p, 1, START_TIMEOUT_MS);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return ic_error (err, errno, "wait for the container process");
  if (n == 0)
    return ic_error (err, ETIMEDOUT, "the container process did not start");
  return 0;
}

int
container_start (const struct container_runtime *rt, const char *id, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_oci_config struct oci_config *config = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  cleanup_close int fifo = -1;
  cleanup_free char *start_error = NULL, *json = NULL;
  int ret = -1;

  if (container_open (rt, id, true, &dir, &state, &status, err) < 0)
    goto out;
  if (status != CONTAINER_CREATED)
    {
      ic_error (err, 0, "container `%s` is %s, not created: cannot start it", id,
                container_status_name (status));
      goto out;
    }
  if (container_load_saved_config (&dir, &config, err) < 0)
    goto out;
  fifo = openat (dir.dirfd, STATE_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    {
      ic_error (err, errno == ENXIO ? 0 : errno, "container `%s`: %s", id,
                errno == ENXIO ? "its process is not waiting for start" : "open the exec FIFO");
      goto out;
    }
  if (write_all (fifo, "0", 1) < 0)
    {
      ic_error (err, errno, "container `%s`: write the exec FIFO", id);
      goto out;
    }
  unlinkat (dir.dirfd, STATE_EXEC_FIFO, 0);
  if (wait_exec (fifo, err) < 0)
    goto out;
  if (read_file_at (dir.dirfd, STATE_START_ERROR, 65536, &start_error, NULL, NULL) == 0)
    {
      ic_error (err, 0, "container `%s`: %s", id, start_error);
      goto out;
    }
  json = container_state_to_oci_json (&state, CONTAINER_RUNNING, false);
  if (hooks_run (&config->hooks[OCI_HOOK_POSTSTART], OCI_HOOK_POSTSTART, json, err) < 0)
    warn (rt, err);
  ret = 0;
out:
  container_state_clear (&state);
  return ret;
}

static int
require_not_stopped (const struct container_state *state, enum container_status status,
                     ic_error_t *err)
{
  if (status == CONTAINER_STOPPED)
    return ic_error (err, 0, "container `%s` is not running", state->id);
  return 0;
}

int
container_kill (const struct container_runtime *rt, const char *id, int sig, bool all,
                ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  struct container_state state = { 0 };
  enum container_status status;
  int ret = -1;

  if (container_open (rt, id, true, &dir, &state, &status, err) < 0
      || require_not_stopped (&state, status, err) < 0)
    goto out;
  if (all && state.cgroup_path)
    {
      cleanup_cgroup struct cgroup *cg = NULL;
      ret = container_cgroup (&state, &cg, err) < 0 ? -1 : cgroup_kill (cg, sig, err);
    }
  else if (kill (state.pid, sig) < 0)
    ic_error (err, errno, "container `%s`: send signal %d", id, sig);
  else
    ret = 0;
out:
  container_state_clear (&state);
  return ret;
}

/* Waits for a process that is not necessarily our child to go away. */
static void
wait_gone (const struct container_state *state)
{
  int pidfd = syscall (SYS_pidfd_open, state->pid, 0);
  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      poll (&p, 1, 10 * 1000);
      close (pidfd);
    }
  /* Reap it if it is our own child (rune run). */
  waitpid (state->pid, NULL, WNOHANG);
}

int
container_delete (const struct container_runtime *rt, const char *id, bool force, ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  cleanup_oci_config struct oci_config *config = NULL;
  cleanup_error ic_error_t config_err = NULL;
  struct container_state state = { 0 };
  enum container_status status;
  int ret = -1;

  if (container_open (rt, id, true, &dir, &state, &status, err) < 0)
    goto out;
  if (status != CONTAINER_STOPPED)
    {
      if (!force)
        {
          ic_error (err, 0, "container `%s` is %s: stop it first or use --force", id,
                    container_status_name (status));
          goto out;
        }
      cleanup_cgroup struct cgroup *cg = NULL;
      if (container_cgroup (&state, &cg, NULL) == 0 && cg)
        cgroup_kill (cg, SIGKILL, NULL);
      kill (state.pid, SIGKILL);
      wait_gone (&state);
    }
  /* A damaged saved config must not keep the container from being deleted. */
  if (container_load_saved_config (&dir, &config, &config_err) < 0)
    warn (rt, &config_err);
  destroy (rt, &dir, config, &state);
  ret = 0;
out:
  container_state_clear (&state);
  return ret;
}

int
container_state_json (const struct container_runtime *rt, const char *id, char **json,
                      ic_error_t *err)
{
  cleanup_container_dir struct container_dir dir = { .dirfd = -1 };
  struct container_state state = { 0 };
  enum container_status status;

  if (container_open (rt, id, false, &dir, &state, &status, err) < 0)
    {
      container_state_clear (&state);
      return -1;
    }
  *json = container_state_to_oci_json (&state, status, true);
  container_state_clear (&state);
  return 0;
}

static int
compare_info (const void *a, const void *b)
{
  return strcmp (((const struct container_info *)a)->state.id,
                 ((const struct container_info *)b)->state.id);
}

int
container_list (const struct container_runtime *rt, struct container_info **list, size_t *len,
                ic_error_t *err)
{
  cleanup_dir DIR *d = opendir (rt->root);
  struct dirent *de;
  size_t n = 0;

  *list = NULL;
  *len = 0;
  if (d == NULL)
    return errno == ENOENT ? 0 : ic_error (err, errno, "--root: open `%s`", rt->root);
  while ((de = readdir (d)) != NULL)
    {
      struct container_dir dir = { .dirfd = -1 };
      struct container_info info = { 0 };
      cleanup_error ic_error_t ignored = NULL;

      if (de->d_name[0] == '.')
        continue;
      if (container_dir_open (rt->root, de->d_name, false, &dir, &ignored) == 0
          && container_state_read (&dir, &info.state, &ignored) == 0)
        {
          info.status = container_status_with_cgroup (&dir, &info.state);
          *list = xrealloc (*list, (n + 1) * sizeof (**list));
          (*list)[n++] = info;
        }
      else
        container_state_clear (&info.state);
      container_dir_close (&dir);
    }
  qsort (*list, n, sizeof (**list), compare_info);
  *len = n;
  return 0;
}

void
container_list_free (struct container_info *list, size_t len)
{
  for (size_t i = 0; i < len; i++)
    container_state_clear (&list[i].state);
  free (list);
}
