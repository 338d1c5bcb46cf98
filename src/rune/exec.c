/* rune exec: run a new process in a running container. */
#include "exec.h"
#include "log.h"
#include "rune.h"
#include "state.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

static const char usage[]
    = "Usage: rune exec [OPTIONS] CONTAINER-ID COMMAND [ARG...]\n"
      "       rune exec [OPTIONS] --process FILE CONTAINER-ID\n"
      "\n"
      "Runs a new process in the container's namespaces and cgroup, set up like the\n"
      "container's own process (user, capabilities, no_new_privs, the container's seccomp\n"
      "profile) unless the options change it. Without --detach rune waits for it, relays\n"
      "signals and exits with its status (128+N when killed by signal N).\n"
      "In an enclave container the process runs in the container's enclave, through its\n"
      "enclave runtime (pal_create_process, pal_exec, signals by pal_kill); only the\n"
      "command, --env and --process's args and env apply there.\n"
      "\n"
      "Options:\n"
      "  -p, --process FILE        the process as OCI process JSON (config.md); - for stdin.\n"
      "                            The other process options then do not apply.\n"
      "  -d, --detach              return once the process runs\n"
      "  -t, --tty                 allocate a terminal (with --detach, needs --console-socket)\n"
      "      --console-socket S    send the terminal's master to the unix socket S\n"
      "  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
      "      --cwd DIR             working directory in the container\n"
      "  -u, --user UID[:GID]      run as this user (numeric ids)\n"
      "  -g, --additional-gids G   add a supplementary group (repeatable)\n"
      "  -c, --cap CAP             add a capability, e.g. CAP_NET_ADMIN (repeatable)\n"
      "      --no-new-privs        set no_new_privs\n"
      "      --apparmor PROFILE    AppArmor profile of the process\n"
      "      --process-label L     SELinux label of the process\n"
      "      --pid-file FILE       write the process's pid to FILE\n"
      "      --preserve-fds N      pass N extra fds (from fd 3) to the process\n"
      "      --ignore-paused       accepted for runc compatibility\n"
      "  -h, --help                show this help\n";

enum
{
  OPT_CONSOLE_SOCKET = 1000,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_PROCESS_LABEL,
  OPT_PID_FILE,
  OPT_PRESERVE_FDS,
  OPT_IGNORE_PAUSED,
};

static const struct option options[] = {
  { "process", required_argument, NULL, 'p' },
  { "detach", no_argument, NULL, 'd' },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "env", required_argument, NULL, 'e' },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "user", required_argument, NULL, 'u' },
  { "additional-gids", required_argument, NULL, 'g' },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
  { "apparmor", required_argument, NULL, OPT_APPARMOR },
  { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* The command line's changes to the container's process. */
struct exec_args
{
  struct container_exec_options opts;
  const char *process_file;
  bool detach, tty, no_new_privs;
  const char *cwd, *user, *apparmor, *label;
  char **env, **caps, **gids; /* NULL-terminated lists, borrowed from argv */
  size_t env_len, caps_len, gids_len;
};

static void
push (char ***list, size_t *len, char *value)
{
  *list = xrealloc (*list, (*len + 2) * sizeof (char *));
  (*list)[(*len)++] = value;
  (*list)[*len] = NULL;
}

static int
parse_number (const char *flag, const char *text, unsigned long max, unsigned long *out)
{
  char *end;
  errno = 0;
  *out = strtoul (text, &end, 10);
  if (errno || end == text || *end || *out > max || text[0] == '-')
    return rune_usage_error ("exec", "%s: `%s` is not a number up to %lu", flag, text, max);
  return 0;
}

static int
parse_args (int argc, char **argv, struct exec_args *a)
{
  unsigned long n;
  int c;

  while ((c = rune_getopt (argc, argv, "+p:dte:u:g:c:h", options, usage)) != -1)
    switch (c)
      {
      case 'p':
        a->process_file = optarg;
        break;
      case 'd':
        a->detach = true;
        break;
      case 't':
        a->tty = true;
        break;
      case OPT_CONSOLE_SOCKET:
        a->opts.console_socket = optarg;
        break;
      case 'e':
        if (strchr (optarg, '=') == NULL)
          return rune_usage_error ("exec", "--env: `%s` is not NAME=VALUE", optarg);
        push (&a->env, &a->env_len, optarg);
        break;
      case OPT_CWD:
        a->cwd = optarg;
        break;
      case 'u':
        a->user = optarg;
        break;
      case 'g':
        if (parse_number ("--additional-gids", optarg, UINT32_MAX - 1, &n))
          return 1;
        push (&a->gids, &a->gids_len, optarg);
        break;
      case 'c':
        push (&a->caps, &a->caps_len, optarg);
        break;
      case OPT_NO_NEW_PRIVS:
        a->no_new_privs = true;
        break;
      case OPT_APPARMOR:
        a->apparmor = optarg;
        break;
      case OPT_PROCESS_LABEL:
        a->label = optarg;
        break;
      case OPT_PID_FILE:
        a->opts.pid_file = optarg;
        break;
      case OPT_PRESERVE_FDS:
        if (parse_number ("--preserve-fds", optarg, 65536, &n))
          return 1;
        a->opts.preserve_fds = n;
        break;
      case OPT_IGNORE_PAUSED:
        a->opts.ignore_paused = true;
        break;
      default:
        return 1;
      }
  if (rune_want_args ("exec", argc - optind, a->process_file ? 1 : 2, a->process_file ? 1 : -1))
    return 1;
  a->opts.id = argv[optind];
  return 0;
}

/* Replaces NAME=... in env, or appends. */
static void
set_env (char ***env, const char *assignment)
{
  size_t name_len = strchr (assignment, '=') - assignment + 1, n = strv_len (*env);
  for (size_t i = 0; i < n; i++)
    if (strncmp ((*env)[i], assignment, name_len) == 0)
      {
        free ((*env)[i]);
        (*env)[i] = xstrdup (assignment);
        return;
      }
  *env = xrealloc (*env, (n + 2) * sizeof (char *));
  (*env)[n] = xstrdup (assignment);
  (*env)[n + 1] = NULL;
}

static int
apply_user (struct oci_process *p, const char *user)
{
  cleanup_free char *copy = xstrdup (user);
  char *gid = strchr (copy, ':');
  unsigned long n;
  if (gid)
    *gid++ = '\0';
  if (parse_number ("--user", copy, UINT32_MAX - 1, &n))
    return 1;
  p->user.uid = n;
  if (gid && parse_number ("--user", gid, UINT32_MAX - 1, &n))
    return 1;
  if (gid)
    p->user.gid = n;
  return 0;
}

static int
apply_caps (struct oci_process *p, char **caps)
{
  static const enum oci_cap_set sets[] = { OCI_CAP_BOUNDING, OCI_CAP_EFFECTIVE, OCI_CAP_PERMITTED };
  for (char **name = caps; name && *name; name++)
    {
      cap_value_t cap;
      if (strncmp (*name, "CAP_", 4) != 0 || cap_from_name (*name, &cap) < 0 || cap >= 64)
        return rune_usage_error ("exec", "--cap: unknown capability `%s`", *name);
      p->capabilities.present = true;
      for (size_t i = 0; i < sizeof (sets) / sizeof (sets[0]); i++)
        p->capabilities.sets[sets[i]] |= 1ULL << cap;
    }
  return 0;
}

/* The container's process with the command line's changes. */
static int
apply_args (struct oci_process *p, struct exec_args *a, char **command)
{
  strv_free (p->args);
  p->args = xmalloc0 ((strv_len (command) + 1) * sizeof (char *));
  for (size_t i = 0; command[i]; i++)
    p->args[i] = xstrdup (command[i]);
  for (size_t i = 0; i < a->env_len; i++)
    set_env (&p->env, a->env[i]);
  if (a->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (a->cwd);
    }
  if (a->user && apply_user (p, a->user))
    return 1;
  if (a->gids_len)
    {
      free (p->user.additional_gids);
      p->user.additional_gids = xmalloc0 (a->gids_len * sizeof (gid_t));
      for (size_t i = 0; i < a->gids_len; i++)
        p->user.additional_gids[i] = strtoul (a->gids[i], NULL, 10);
      p->user.additional_gids_len = a->gids_len;
    }
  p->terminal = a->tty;
  p->no_new_privileges |= a->no_new_privs;
  if (a->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (a->apparmor);
    }
  if (a->label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (a->label);
    }
  return apply_caps (p, a->caps);
}

static int
load_process (struct rune_globals *g, struct exec_args *a, char **command, struct oci_process **out,
              ic_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (a->process_file == NULL)
    {
      if (container_exec_template (&g->rt, a->opts.id, out, err) < 0)
        return -1;
      return apply_args (*out, a, command) ? ic_error (err, 0, "invalid options") : 0;
    }
  if (read_file_at (AT_FDCWD, strcmp (a->process_file, "-") ? a->process_file : "/dev/stdin",
                    OCI_CONFIG_MAX_SIZE, &data, &len, err)
          < 0
      || oci_process_parse (data, len, out, err) < 0)
    return ic_error_wrap (err, "--process `%s`", a->process_file);
  return 0;
}

/* The options a process in the enclave cannot honour: it is created by the enclave runtime in
   the init-runelet's context, through the agent socket. */
static int
check_enclave_options (const struct exec_args *a)
{
  const char *bad = a->tty                   ? "--tty"
                    : a->detach              ? "--detach"
                    : a->opts.console_socket ? "--console-socket"
                    : a->cwd                 ? "--cwd"
                    : a->user                ? "--user"
                    : a->gids_len            ? "--additional-gids"
                    : a->caps_len            ? "--cap"
                    : a->no_new_privs        ? "--no-new-privs"
                    : a->apparmor            ? "--apparmor"
                    : a->label               ? "--process-label"
                    : a->opts.pid_file       ? "--pid-file"
                    : a->opts.preserve_fds   ? "--preserve-fds"
                                             : NULL;
  if (bad)
    return rune_usage_error ("exec",
                             "%s: not supported in an enclave container (the process runs in "
                             "its enclave with the container's user; arguments and environment "
                             "can be given)",
                             bad);
  return 0;
}

/* An enclave container keeps its enclave configuration in its state directory. */
static bool
is_enclave_container (const char *root, const char *id)
{
  cleanup_free char *path = xasprintf ("%s/%s/enclave.json", root, id);
  return container_id_is_valid (id) && access (path, F_OK) == 0;
}

static int
exec_in_enclave (struct rune_globals *g, struct exec_args *a, char **command)
{
  const struct rune_enclave_module *m;
  struct oci_process *process = NULL;
  cleanup_error ic_error_t err = NULL;
  int status = 1, exit_code;
  sigset_t set;

  if (check_enclave_options (a))
    return 1;
  if (load_process (g, a, command, &process, &err) < 0)
    return err ? rune_fail (&err) : 1;
  if (process->terminal)
    {
      oci_process_free (process);
      return rune_usage_error ("exec", "--process: terminal: not supported in an enclave "
                                       "container");
    }
  rune_relayed_signals (&set);
  sigprocmask (SIG_BLOCK, &set, NULL);
  if ((m = rune_enclave_module_load (&err)) == NULL
      || m->exec (g->rt.root, a->opts.id, process->args, process->env, &set, &exit_code, &err) < 0)
    status = rune_fail (&err);
  else
    status = exit_code;
  oci_process_free (process);
  return status;
}

int
rune_exec (struct rune_globals *g, int argc, char **argv)
{
  struct exec_args a = { 0 };
  struct oci_process *process = NULL;
  cleanup_error ic_error_t err = NULL;
  int master = -1, status = 1;
  sigset_t set;
  pid_t pid;

  if (parse_args (argc, argv, &a))
    goto out;
  if (is_enclave_container (g->rt.root, a.opts.id))
    {
      status = exec_in_enclave (g, &a, argv + optind + 1);
      goto out;
    }
  if (load_process (g, &a, argv + optind + 1, &process, &err) < 0)
    {
      status = err ? rune_fail (&err) : 1;
      goto out;
    }
  a.opts.process = process;
  if (!a.detach)
    a.opts.terminal_master = &master;
  rune_relayed_signals (&set);
  sigprocmask (SIG_BLOCK, &set, NULL);
  if (container_exec (&g->rt, &a.opts, &pid, &err) < 0)
    status = rune_fail (&err);
  else
    status = a.detach ? 0 : rune_wait_attached (pid, &set, master);
out:
  oci_process_free (process);
  free (a.env);
  free (a.caps);
  free (a.gids);
  return status;
}
