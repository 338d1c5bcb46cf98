#include "cgroup-internal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- layout */

static void
add_hierarchy (struct cgroup *cg, const char *mountpoint, const char *controllers)
{
  if (cg->len == CGROUP_MAX_HIERARCHIES)
    return;
  if (controllers == NULL)
    cg->v2 = cg->len;
  cg->hierarchies[cg->len++]
      = (struct cgroup_hierarchy){ .mountpoint = xstrdup (mountpoint),
                                   .controllers = controllers ? xstrdup (controllers) : NULL };
}

/* The v1 controllers of a mount's super options ("rw,cpu,cpuacct" -> "cpu,cpuacct"); named
   hierarchies (name=systemd) are kept so their cgroup is cleaned up too. */
static char *
v1_controllers (const char *super_options)
{
  cleanup_free char *copy = xstrdup (super_options);
  char *save = NULL, *out = xmalloc0 (strlen (super_options) + 1);
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    if (strcmp (o, "rw") && strcmp (o, "ro") && strncmp (o, "release_agent", 13)
        && strcmp (o, "clone_children") && strcmp (o, "noprefix") && strcmp (o, "xattr"))
      {
        if (out[0])
          strcat (out, ",");
        strcat (out, o);
      }
  return out;
}

/* Reads /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SRC SUPER" */
static int
detect_layout (struct cgroup *cg, ic_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL;
  size_t size = 0;
  struct statfs sfs;

  cg->v2 = -1;
  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    {
      cg->unified = true;
      add_hierarchy (cg, "/sys/fs/cgroup", NULL);
      return 0;
    }
  if (f == NULL)
    return ic_error (err, errno, "cgroups: open /proc/self/mountinfo");
  while (getline (&line, &size, f) > 0)
    {
      char mountpoint[4096], fstype[64], super[1024];
      const char *dash = strstr (line, " - ");
      if (dash == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mountpoint) != 1
          || sscanf (dash + 3, "%63s %*s %1023s", fstype, super) != 2
          || !has_prefix (mountpoint, "/sys/fs/cgroup/"))
        continue;
      if (strcmp (fstype, "cgroup2") == 0)
        add_hierarchy (cg, mountpoint, NULL);
      else if (strcmp (fstype, "cgroup") == 0)
        {
          cleanup_free char *controllers = v1_controllers (super);
          add_hierarchy (cg, mountpoint, controllers);
        }
    }
  free (line);
  if (cg->len == 0)
    return ic_error (err, ENOENT, "cgroups: no cgroup hierarchy is mounted under /sys/fs/cgroup");
  return 0;
}

static bool
has_controller (const struct cgroup_hierarchy *h, const char *controller)
{
  size_t len = strlen (controller);
  for (const char *c = h->controllers; c && *c;)
    {
      if (strncmp (c, controller, len) == 0 && (c[len] == ',' || c[len] == '\0'))
        return true;
      c = strchr (c, ',');
      c = c ? c + 1 : NULL;
    }
  return false;
}

char *
cgroup_dir (const struct cgroup *cg, const char *controller)
{
  if (cg->unified)
    return xasprintf ("%s%s", cg->hierarchies[0].mountpoint, cg->path);
  for (size_t i = 0; i < cg->len; i++)
    if (has_controller (&cg->hierarchies[i], controller))
      return xasprintf ("%s%s", cg->hierarchies[i].mountpoint, cg->path);
  return NULL;
}

/* The directory processes are tracked in: v2 when there is one, else the first v1. */
static char *
tracking_dir (const struct cgroup *cg)
{
  const struct cgroup_hierarchy *h = &cg->hierarchies[cg->v2 >= 0 ? cg->v2 : 0];
  return xasprintf ("%s%s", h->mountpoint, cg->path);
}

/* ---------------------------------------------------------------- opening */

static int
check_path (const char *path, const char *what, ic_error_t *err)
{
  for (const char *p = path; (p = strstr (p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
      return ic_error (err, 0, "%s: `%s` must not contain `..`", what, path);
  if (strlen (path) > 2048)
    return ic_error (err, ENAMETOOLONG, "%s", what);
  return 0;
}

/* "machine.slice:libpod:abc" -> /machine.slice/libpod-abc.scope; nested slices ("a-b.slice")
   live under their parents (/a.slice/a-b.slice), as systemd lays them out. */
static int
systemd_path (const char *value, char **out, ic_error_t *err)
{
  cleanup_free char *copy = xstrdup (value), *slices = xstrdup ("");
  char *prefix, *name, *slice = copy;

  if (access ("/run/systemd/system", F_OK) < 0)
    return ic_error (err, 0,
                     "--systemd-cgroup: systemd is not running on this host; "
                     "drop the flag to use cgroupfs paths");
  prefix = strchr (copy, ':');
  name = prefix ? strchr (prefix + 1, ':') : NULL;
  if (name == NULL || strchr (name + 1, ':'))
    return ic_error (err, 0, "linux.cgroupsPath: `%s` is not of the form slice:prefix:name", value);
  *prefix++ = '\0';
  *name++ = '\0';
  if (slice[0] == '\0')
    slice = "system.slice";
  for (char *dash = strchr (slice, '-'); dash; dash = strchr (dash + 1, '-'))
    {
      char *tmp = xasprintf ("%s/%.*s.slice", slices, (int)(dash - slice), slice);
      free (slices);
      slices = tmp;
    }
  *out = xasprintf ("%s/%s/%s%s%s.scope", slices, slice, prefix, prefix[0] ? "-" : "", name);
  return 0;
}

int
cgroup_open (const char *cgroups_path, const char *id, bool systemd, struct cgroup **out,
             ic_error_t *err)
{
  cleanup_cgroup struct cgroup *cg = xmalloc0 (sizeof (*cg));

  if (systemd)
    {
      if (systemd_path (cgroups_path && cgroups_path[0] ? cgroups_path : "system.slice:rune:x",
                        &cg->path, err)
          < 0)
        return -1;
      if (!(cgroups_path && cgroups_path[0]))
        {
          free (cg->path);
          cg->path = xasprintf ("/system.slice/rune-%s.scope", id);
        }
    }
  else if (cgroups_path == NULL || cgroups_path[0] == '\0')
    cg->path = xasprintf ("/rune/%s", id);
  else
    cg->path = xasprintf ("%s%s", cgroups_path[0] == '/' ? "" : "/rune/", cgroups_path);
  if (check_path (cg->path, "linux.cgroupsPath", err) < 0 || detect_layout (cg, err) < 0)
    return -1;
  *out = steal_pointer (&cg);
  return 0;
}

int
cgroup_open_recorded (const char *recorded, struct cgroup **out, ic_error_t *err)
{
  cleanup_cgroup struct cgroup *cg = xmalloc0 (sizeof (*cg));
  cg->path = xstrdup (recorded);
  if (recorded[0] != '/' || check_path (recorded, "state.json cgroupPath", err) < 0
      || detect_layout (cg, err) < 0)
    return err && *err ? -1 : ic_error (err, 0, "state.json: bad cgroupPath `%s`", recorded);
  *out = steal_pointer (&cg);
  return 0;
}

const char *
cgroup_path (const struct cgroup *cg)
{
  return cg->path;
}

void
cgroup_free (struct cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->len; i++)
    {
      free (cg->hierarchies[i].mountpoint);
      free (cg->hierarchies[i].controllers);
    }
  free (cg->path);
  free (cg);
}

void
cgroup_freep (struct cgroup **cg)
{
  cgroup_free (*cg);
}

/* ---------------------------------------------------------------- lifecycle */

static int
mkdir_p (const char *path, ic_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  for (char *p = strchr (copy + 1, '/');; p = strchr (p + 1, '/'))
    {
      if (p)
        *p = '\0';
      if (mkdir (copy, 0755) < 0 && errno != EEXIST)
        return ic_error (err, errno, "cgroups: create `%s`", copy);
      if (p == NULL)
        return 0;
      *p = '/';
    }
}

/* A new v1 cpuset cgroup has empty cpus and mems, so no task may join: copy the parent's,
   from the top of the path down. */
static int
copy_from_parent (const char *dir, const char *name, ic_error_t *err)
{
  cleanup_free char *file = xasprintf ("%s/%s", dir, name), *value = NULL;
  cleanup_free char *parent = xasprintf ("%.*s/%s", (int)(strrchr (dir, '/') - dir), dir, name);
  size_t len = 0;
  if (read_file_at (AT_FDCWD, file, 4096, &value, &len, NULL) == 0 && len > 1)
    return 0;
  free (value);
  value = NULL;
  if (read_file_at (AT_FDCWD, parent, 4096, &value, &len, err) < 0)
    return -1;
  return write_existing_file (file, value, len, err);
}

static int
init_cpuset (const char *mountpoint, const char *path, ic_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s%s", mountpoint, path);
  char *end = dir + strlen (mountpoint);
  do
    {
      end = strchr (end + 1, '/');
      if (end)
        *end = '\0';
      if (copy_from_parent (dir, "cpuset.cpus", err) < 0
          || copy_from_parent (dir, "cpuset.mems", err) < 0)
        return -1;
      if (end)
        *end = '/';
    }
  while (end);
  return 0;
}

int
cgroup_create (struct cgroup *cg, ic_error_t *err)
{
  for (size_t i = 0; i < cg->len; i++)
    {
      cleanup_free char *dir = xasprintf ("%s%s", cg->hierarchies[i].mountpoint, cg->path);
      if (mkdir_p (dir, err) < 0)
        goto fail;
      if (has_controller (&cg->hierarchies[i], "cpuset")
          && init_cpuset (cg->hierarchies[i].mountpoint, cg->path, err) < 0)
        goto fail;
    }
  if (cg->unified)
    {
      /* Delegate the controllers the container's resources may use, from the root down. */
      cleanup_free char *copy = xstrdup (cg->path);
      for (char *p = strchr (copy + 1, '/');; p = strchr (p + 1, '/'))
        {
          cleanup_free char *parent = NULL, *file = NULL;
          const char *last;
          if (p)
            *p = '\0';
          last = strrchr (copy, '/'); /* the path is absolute: there is one */
          parent = xasprintf ("%s%.*s", cg->hierarchies[0].mountpoint,
                              last ? (int)(last - copy) : 0, copy);
          file = xasprintf ("%s/cgroup.subtree_control", parent);
          static const char controllers[] = "+cpu +cpuset +io +memory +pids +hugetlb";
          write_existing_file (file, controllers, strlen (controllers), NULL);
          if (p == NULL)
            break;
          *p = '/';
        }
    }
  return 0;
fail:
  cgroup_destroy (cg, NULL);
  return -1;
}

int
cgroup_enter (struct cgroup *cg, pid_t pid, ic_error_t *err)
{
  char buf[32];
  int len = snprintf (buf, sizeof (buf), "%d", pid);
  for (size_t i = 0; i < cg->len; i++)
    {
      cleanup_free char *procs
          = xasprintf ("%s%s/cgroup.procs", cg->hierarchies[i].mountpoint, cg->path);
      if (write_existing_file (procs, buf, len, err) < 0)
        return ic_error_wrap (err, "cgroups: move process %d", pid);
    }
  return 0;
}

/* ---------------------------------------------------------------- processes */

static int
collect_pids (const char *dir, pid_t **pids, size_t *len)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", dir);
  cleanup_file FILE *f = fopen (procs, "re");
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int pid;

  if (f == NULL)
    return errno == ENOENT ? 0 : -1;
  while (fscanf (f, "%d", &pid) == 1)
    {
      *pids = xrealloc (*pids, (*len + 1) * sizeof (pid_t));
      (*pids)[(*len)++] = pid;
    }
  d = opendir (dir);
  while (d && (de = readdir (d)) != NULL)
    if (de->d_type == DT_DIR && de->d_name[0] != '.')
      {
        cleanup_free char *child = xasprintf ("%s/%s", dir, de->d_name);
        if (collect_pids (child, pids, len) < 0)
          return -1;
      }
  return 0;
}

int
cgroup_pids (struct cgroup *cg, pid_t **pids, size_t *len, ic_error_t *err)
{
  cleanup_free char *dir = tracking_dir (cg);
  *pids = NULL;
  *len = 0;
  if (collect_pids (dir, pids, len) < 0)
    return ic_error (err, errno, "cgroups: list the processes of `%s`", dir);
  return 0;
}

bool
cgroup_is_empty (struct cgroup *cg)
{
  cleanup_free pid_t *pids = NULL;
  size_t len = 0;
  return cgroup_pids (cg, &pids, &len, NULL) < 0 || len == 0;
}

int
cgroup_kill (struct cgroup *cg, int sig, ic_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t len = 0;

  if (sig == SIGKILL && cg->v2 >= 0)
    {
      cleanup_free char *dir = tracking_dir (cg);
      cleanup_free char *killfile = xasprintf ("%s/cgroup.kill", dir);
      if (access (killfile, F_OK) == 0)
        return write_existing_file (killfile, "1", 1, err);
    }
  if (cgroup_pids (cg, &pids, &len, err) < 0)
    return -1;
  for (size_t i = 0; i < len; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return ic_error (err, errno, "send signal %d to process %d", sig, pids[i]);
  return 0;
}

/* ---------------------------------------------------------------- freezer */

static int
freezer_file (struct cgroup *cg, char **file, ic_error_t *err)
{
  cleanup_free char *dir = cg->unified ? cgroup_dir (cg, NULL) : cgroup_dir (cg, "freezer");
  if (dir == NULL)
    return ic_error (err, ENOTSUP, "cgroups: this host has no freezer controller");
  *file = xasprintf ("%s/%s", dir, cg->unified ? "cgroup.freeze" : "freezer.state");
  return 0;
}

bool
cgroup_is_frozen (struct cgroup *cg)
{
  cleanup_free char *file = NULL, *value = NULL;
  if (freezer_file (cg, &file, NULL) < 0
      || read_file_at (AT_FDCWD, file, 64, &value, NULL, NULL) < 0)
    return false;
  return cg->unified ? value[0] == '1' : has_prefix (value, "FROZEN");
}

int
cgroup_freeze (struct cgroup *cg, bool frozen, ic_error_t *err)
{
  cleanup_free char *file = NULL;
  const char *value = cg->unified ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");

  if (freezer_file (cg, &file, err) < 0)
    return -1;
  /* Freezing is asynchronous: write, then wait (up to ~5 s) until the state is reached. */
  for (int attempt = 0; attempt < 500; attempt++)
    {
      if (write_existing_file (file, value, strlen (value), err) < 0)
        return -1;
      if (cgroup_is_frozen (cg) == frozen)
        return 0;
      nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
  return ic_error (err, ETIMEDOUT, "cgroups: %s `%s`", frozen ? "freeze" : "thaw", cg->path);
}

/* ---------------------------------------------------------------- removal */

static int
remove_tree (const char *path)
{
  cleanup_dir DIR *d = opendir (path);
  struct dirent *de;
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir (d)) != NULL)
    if (de->d_type == DT_DIR && de->d_name[0] != '.')
      {
        cleanup_free char *child = xasprintf ("%s/%s", path, de->d_name);
        remove_tree (child);
      }
  return rmdir (path) < 0 && errno != ENOENT ? -1 : 0;
}

int
cgroup_destroy (struct cgroup *cg, ic_error_t *err)
{
  /* A frozen cgroup's tasks cannot exit: thaw first. */
  if (cgroup_is_frozen (cg))
    cgroup_freeze (cg, false, NULL);
  for (size_t i = 0; i < cg->len; i++)
    {
      cleanup_free char *dir = xasprintf ("%s%s", cg->hierarchies[i].mountpoint, cg->path);
      int attempt;
      /* Exiting tasks stay in the cgroup for a moment after SIGKILL; retry for up to ~2 s. */
      for (attempt = 0; attempt < 200 && remove_tree (dir) < 0 && errno == EBUSY; attempt++)
        nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
      if (access (dir, F_OK) == 0)
        return ic_error (err, EBUSY, "remove cgroup `%s`", dir);
    }
  return 0;
}
