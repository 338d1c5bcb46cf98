#include "cgroup.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

static const char *
unified_mountpoint (void)
{
  static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
  struct statfs sfs;
  for (size_t i = 0; i < 2; i++)
    if (statfs (candidates[i], &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
      return candidates[i];
  return NULL;
}

int
cgroup_resolve (const char *cgroups_path, const char *id, char **out, ic_error_t *err)
{
  const char *mnt = unified_mountpoint ();
  cleanup_free char *rel = NULL;

  *out = NULL;
  if (mnt == NULL)
    return 0;
  if (cgroups_path == NULL || cgroups_path[0] == '\0')
    rel = xasprintf ("/rune/%s", id);
  else if (strchr (cgroups_path, ':') && cgroups_path[0] != '/')
    /* systemd's "slice:prefix:name" form: place it under the slice's directory. */
    rel = xasprintf ("/rune/%s", id);
  else
    rel = xasprintf ("%s%s", cgroups_path[0] == '/' ? "" : "/rune/", cgroups_path);
  for (const char *p = rel; (p = strstr (p, "..")) != NULL; p += 2)
    if ((p == rel || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
      return ic_error (err, 0, "linux.cgroupsPath: `%s` must not contain `..`", cgroups_path);
  *out = xasprintf ("%s%s", mnt, rel);
  return 0;
}

int
cgroup_create (const char *path, ic_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  for (char *p = strchr (copy + 1, '/'); p; p = strchr (p + 1, '/'))
    {
      *p = '\0';
      if (mkdir (copy, 0755) < 0 && errno != EEXIST)
        return ic_error (err, errno, "create cgroup `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, 0755) < 0 && errno != EEXIST)
    return ic_error (err, errno, "create cgroup `%s`", copy);
  return 0;
}

int
cgroup_enter (const char *path, pid_t pid, ic_error_t *err)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", path);
  char buf[32];
  int len = snprintf (buf, sizeof (buf), "%d", pid);
  return write_existing_file (procs, buf, len, err);
}

static int
for_each_pid (const char *path, int (*fn) (pid_t, void *), void *arg)
{
  cleanup_free char *procs = xasprintf ("%s/cgroup.procs", path);
  cleanup_file FILE *f = fopen (procs, "re");
  int pid, count = 0;
  if (f == NULL)
    return errno == ENOENT ? 0 : -1;
  while (fscanf (f, "%d", &pid) == 1)
    {
      count++;
      if (fn && fn (pid, arg) < 0)
        return -1;
    }
  return count;
}

static int
kill_one (pid_t pid, void *arg)
{
  if (kill (pid, *(int *)arg) < 0 && errno != ESRCH)
    return -1;
  return 0;
}

int
cgroup_kill (const char *path, int sig, ic_error_t *err)
{
  if (sig == SIGKILL)
    {
      cleanup_free char *killfile = xasprintf ("%s/cgroup.kill", path);
      if (access (killfile, F_OK) == 0)
        return write_existing_file (killfile, "1", 1, err);
    }
  if (for_each_pid (path, kill_one, &sig) < 0)
    return ic_error (err, errno, "signal the processes of cgroup `%s`", path);
  return 0;
}

int
cgroup_is_empty (const char *path)
{
  return for_each_pid (path, NULL, NULL) <= 0;
}

static int
remove_tree (const char *path)
{
  cleanup_dir DIR *d = opendir (path);
  struct dirent *de;
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir (d)) != NULL)
    if (de->d_type == DT_DIR && strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
      {
        cleanup_free char *child = xasprintf ("%s/%s", path, de->d_name);
        remove_tree (child);
      }
  return rmdir (path) < 0 && errno != ENOENT ? -1 : 0;
}

int
cgroup_destroy (const char *path, ic_error_t *err)
{
  /* Exiting tasks stay in the cgroup for a moment after SIGKILL; retry for up to ~2 s. */
  for (int attempt = 0; attempt < 200; attempt++)
    {
      if (remove_tree (path) == 0)
        return 0;
      if (errno != EBUSY)
        break;
      nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
  return ic_error (err, errno, "remove cgroup `%s`", path);
}
