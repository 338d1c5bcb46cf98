#include "process.h"
#include "utils.h"
#include <errno.h>
#include <grp.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool
apparmor_enabled (void)
{
  char buf[4] = "";
  cleanup_file FILE *f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  return f && fgets (buf, sizeof (buf), f) && buf[0] == 'Y';
}

static bool
selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

int
process_validate (const struct oci_process *p, void (*warn) (const char *msg), ic_error_t *err)
{
  const struct oci_capabilities *c = &p->capabilities;
  uint64_t ambient_ok = c->sets[OCI_CAP_PERMITTED] & c->sets[OCI_CAP_INHERITABLE];

  if (p->apparmor_profile && p->apparmor_profile[0] && !apparmor_enabled ())
    return ic_error (err, ENOTSUP,
                     "process.apparmorProfile: AppArmor is not enabled on this host "
                     "(cannot apply profile `%s`)",
                     p->apparmor_profile);
  if (p->selinux_label && p->selinux_label[0] && !selinux_enabled ())
    return ic_error (err, ENOTSUP,
                     "process.selinuxLabel: SELinux is not enabled on this host "
                     "(cannot apply label `%s`)",
                     p->selinux_label);
  for (char **name = c->unknown; warn && name && *name; name++)
    {
      cleanup_free char *msg = xasprintf (
          "process.capabilities: `%s` is not a capability of this kernel; ignored", *name);
      warn (msg);
    }
  if (warn && (c->sets[OCI_CAP_AMBIENT] & ~ambient_ok))
    warn ("process.capabilities.ambient: capabilities not in both permitted and inheritable "
          "cannot be raised; ignored");
  return 0;
}

static const char *
env_lookup (char *const *env, const char *name)
{
  size_t len = strlen (name);
  for (char *const *e = env; e && *e; e++)
    if (strncmp (*e, name, len) == 0 && (*e)[len] == '=')
      return *e + len + 1;
  return NULL;
}

int
process_find_executable (const struct oci_process *p, char **out, ic_error_t *err)
{
  const char *name = p->args[0];
  const char *path = env_lookup (p->env, "PATH");
  cleanup_free char *copy = NULL;
  char *save = NULL;
  int last_errno = ENOENT;

  if (strchr (name, '/'))
    {
      if (access (name, X_OK) < 0)
        return ic_error (err, errno, "process.args[0]: `%s`", name);
      *out = xstrdup (name);
      return 0;
    }
  copy = xstrdup (path ? path : DEFAULT_PATH);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = xasprintf ("%s/%s", dir[0] ? dir : ".", name);
      struct stat st;
      if (stat (candidate, &st) == 0 && S_ISREG (st.st_mode))
        {
          if (access (candidate, X_OK) == 0)
            {
              *out = steal_pointer (&candidate);
              return 0;
            }
          last_errno = EACCES;
        }
    }
  return ic_error (err, last_errno, "process.args[0]: `%s` not found in $PATH", name);
}

int
process_exec_failure_status (ic_error_t err)
{
  if (err && err->status == ENOENT)
    return 127;
  if (err && err->status == EACCES)
    return 126;
  return 1;
}

int
process_set_limits (const struct oci_process *p, ic_error_t *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      struct rlimit r = { p->rlimits[i].soft, p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &r) < 0)
        return ic_error (err, errno, "process.rlimits[%zu]: set %s", i, p->rlimits[i].type);
    }
  if (p->has_oom_score_adj)
    {
      char buf[16];
      int len = snprintf (buf, sizeof (buf), "%d", p->oom_score_adj);
      if (write_existing_file ("/proc/self/oom_score_adj", buf, len, err) < 0)
        return ic_error_wrap (err, "process.oomScoreAdj");
    }
  return 0;
}

static int
set_lsm_labels (const struct oci_process *p, ic_error_t *err)
{
  if (p->apparmor_profile && p->apparmor_profile[0])
    {
      cleanup_free char *cmd = xasprintf ("exec %s", p->apparmor_profile);
      if (write_existing_file ("/proc/self/attr/apparmor/exec", cmd, strlen (cmd), NULL) < 0
          && write_existing_file ("/proc/self/attr/exec", cmd, strlen (cmd), err) < 0)
        return ic_error_wrap (err, "process.apparmorProfile: `%s`", p->apparmor_profile);
    }
  if (p->selinux_label && p->selinux_label[0]
      && write_existing_file ("/proc/self/attr/exec", p->selinux_label, strlen (p->selinux_label),
                              err)
             < 0)
    return ic_error_wrap (err, "process.selinuxLabel: `%s`", p->selinux_label);
  return 0;
}

static int
drop_bounding_set (const struct oci_capabilities *c, ic_error_t *err)
{
  for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits (); cap++)
    if (!(c->sets[OCI_CAP_BOUNDING] & (1ULL << cap)) && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0
        && errno != EINVAL)
      return ic_error (err, errno, "process.capabilities.bounding: drop %s", cap_to_name (cap));
  return 0;
}

static int
set_capabilities (const struct oci_capabilities *c, ic_error_t *err)
{
  static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_INHERITABLE, CAP_PERMITTED };
  static const enum oci_cap_set sets[]
      = { OCI_CAP_EFFECTIVE, OCI_CAP_INHERITABLE, OCI_CAP_PERMITTED };
  cap_t caps = cap_init ();
  int ret;

  if (caps == NULL)
    return ic_error (err, errno, "process.capabilities: cap_init");
  for (size_t i = 0; i < 3; i++)
    for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits (); cap++)
      if (c->sets[sets[i]] & (1ULL << cap))
        cap_set_flag (caps, flags[i], 1, &cap, CAP_SET);
  ret = cap_set_proc (caps);
  cap_free (caps);
  if (ret < 0)
    return ic_error (err, errno, "process.capabilities: set the capability sets");
  /* Ambient capabilities outside permitted and inheritable cannot be raised: the warning was
     given by process_validate. */
  prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits (); cap++)
    if (c->sets[OCI_CAP_AMBIENT] & (1ULL << cap))
      prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
  return 0;
}

static int
switch_user (const struct oci_process *p, ic_error_t *err)
{
  const struct oci_user *u = &p->user;
  if (setgroups (u->additional_gids_len, u->additional_gids) < 0)
    return ic_error (err, errno, "process.user.additionalGids: setgroups");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return ic_error (err, errno, "process.user.gid: set gid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return ic_error (err, errno, "process.user.uid: set uid %u", u->uid);
  umask (u->has_umask ? u->umask : 0022);
  return 0;
}

static int
load_seccomp (const struct seccomp_program *s, ic_error_t *err)
{
  int notify_fd = -1;
  if (s == NULL)
    return 0;
  /* A program asking for a listener was loaded at create time, when rune could take the fd. */
  if (seccomp_program_load (s, &notify_fd, err) < 0)
    return -1;
  if (notify_fd >= 0)
    close (notify_fd);
  return 0;
}

/* A cwd reached through a leaked fd (e.g. "/proc/self/fd/7") would be outside the container's
   root (CVE-2024-21626): getcwd reports such a directory as unreachable. */
static int
check_cwd_in_root (const char *cwd, ic_error_t *err)
{
  char buf[4096];
  char *dir = getcwd (buf, sizeof (buf));
  if (dir == NULL && errno == ERANGE)
    return 0;
  if (dir == NULL || dir[0] != '/')
    return ic_error (err, 0, "process.cwd: `%s` is not inside the container", cwd);
  return 0;
}

int
process_enter (const struct process_exec *pe, ic_error_t *err)
{
  const struct oci_process *p = pe->process;
  const struct oci_capabilities *c = &p->capabilities;

  if (pe->has_personality && personality (pe->personality) < 0)
    return ic_error (err, errno, "linux.personality: set domain %#lx", pe->personality);
  if (set_lsm_labels (p, err) < 0)
    return -1;
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it while we are still the
     runtime's root, as runc does; the filter must then allow the calls below. */
  if (!p->no_new_privileges && load_seccomp (pe->seccomp, err) < 0)
    return -1;
  if (c->present && (drop_bounding_set (c, err) < 0 || prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0))
    return err && *err ? -1 : ic_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (switch_user (p, err) < 0)
    return -1;
  if (c->present && (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 || set_capabilities (c, err) < 0))
    return err && *err ? -1 : ic_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (chdir (p->cwd) < 0)
    return ic_error (err, errno, "process.cwd: chdir `%s`", p->cwd);
  if (check_cwd_in_root (p->cwd, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return ic_error (err, errno, "process.noNewPrivileges");
  if (p->no_new_privileges && load_seccomp (pe->seccomp, err) < 0)
    return -1;
  return 0;
}

int
process_exec (const struct process_exec *pe, ic_error_t *err)
{
  const struct oci_process *p = pe->process;

  if (process_enter (pe, err) < 0)
    return -1;
  /* No fd of ours may reach the container (CVE-2024-21626): all beyond the preserved ones
     become close-on-exec. */
  close_fds_from (3 + pe->preserve_fds, true);
  execve (pe->exe, p->args, p->env ? p->env : (char *[]){ NULL });
  return ic_error (err, errno, "exec `%s`", pe->exe);
}
