#include "state.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OCI_VERSION "1.2.1"

bool
container_id_is_valid (const char *id)
{
  if (id == NULL || id[0] == '\0' || strlen (id) > 1024 || strcmp (id, ".") == 0
      || strcmp (id, "..") == 0)
    return false;
  for (const char *c = id; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
          || strchr ("_+-.", *c)))
      return false;
  return true;
}

static int
lock_dir (struct container_dir *dir, bool exclusive, ic_error_t *err)
{
  if (flock (dir->dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    return ic_error (err, errno, "lock `%s`", dir->path);
  return 0;
}

static int
mkdir_p (const char *path, mode_t mode, ic_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  for (char *p = copy + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (copy, 0755) < 0 && errno != EEXIST)
          return ic_error (err, errno, "mkdir `%s`", copy);
        *p = '/';
      }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return ic_error (err, errno, "mkdir `%s`", copy);
  return 0;
}

int
container_dir_create (const char *root, const char *id, struct container_dir *dir, ic_error_t *err)
{
  dir->dirfd = -1;
  dir->id = xstrdup (id);
  dir->path = xasprintf ("%s/%s", root, id);
  if (!container_id_is_valid (id))
    return ic_error (err, 0, "invalid container id `%s` (use letters, digits and _+-.)", id);
  if (mkdir_p (root, 0700, err) < 0)
    return ic_error_wrap (err, "--root");
  if (mkdir (dir->path, 0700) < 0)
    {
      if (errno == EEXIST)
        return ic_error (err, EEXIST, "container `%s` already exists", id);
      return ic_error (err, errno, "mkdir `%s`", dir->path);
    }
  dir->dirfd = open (dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir->dirfd < 0)
    {
      int saved = errno;
      rmdir (dir->path);
      return ic_error (err, saved, "open `%s`", dir->path);
    }
  return lock_dir (dir, true, err);
}

int
container_dir_open (const char *root, const char *id, bool exclusive, struct container_dir *dir,
                    ic_error_t *err)
{
  dir->dirfd = -1;
  dir->id = xstrdup (id);
  dir->path = xasprintf ("%s/%s", root, id);
  if (!container_id_is_valid (id))
    return ic_error (err, 0, "invalid container id `%s`", id);
  dir->dirfd = open (dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir->dirfd < 0)
    {
      if (errno == ENOENT)
        return ic_error (err, ENOENT, "container `%s` does not exist", id);
      return ic_error (err, errno, "open `%s`", dir->path);
    }
  if (lock_dir (dir, exclusive, err) < 0)
    return -1;
  /* A concurrent delete may have removed it while we waited for the lock. */
  if (faccessat (dir->dirfd, STATE_FILE, F_OK, 0) < 0)
    return ic_error (err, ENOENT, "container `%s` does not exist", id);
  return 0;
}

int
container_dir_remove (struct container_dir *dir, ic_error_t *err)
{
  cleanup_dir DIR *d = NULL;
  int fd = dup (dir->dirfd);
  struct dirent *de;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return ic_error (err, errno, "open `%s`", dir->path);
    }
  /* Remove state.json first: a waiting rune then sees the container as gone. */
  unlinkat (dir->dirfd, STATE_FILE, 0);
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
      if (unlinkat (dir->dirfd, de->d_name, 0) < 0 && errno != ENOENT)
        return ic_error (err, errno, "remove `%s/%s`", dir->path, de->d_name);
  if (rmdir (dir->path) < 0 && errno != ENOENT)
    return ic_error (err, errno, "remove `%s`", dir->path);
  return 0;
}

void
container_dir_close (struct container_dir *dir)
{
  if (dir->dirfd >= 0)
    close (dir->dirfd);
  dir->dirfd = -1;
  free (dir->id);
  free (dir->path);
  dir->id = dir->path = NULL;
}

static json_object *
annotations_to_json (char **annotations)
{
  json_object *o = json_object_new_object ();
  for (char **a = annotations; a && a[0] && a[1]; a += 2)
    json_object_object_add (o, a[0], json_object_new_string (a[1]));
  return o;
}

int
container_state_write (struct container_dir *dir, const struct container_state *s, ic_error_t *err)
{
  json_object *o = json_object_new_object ();
  int ret;

  json_object_object_add (o, "ociVersion", json_object_new_string (OCI_VERSION));
  json_object_object_add (o, "id", json_object_new_string (s->id));
  json_object_object_add (o, "pid", json_object_new_int (s->pid));
  json_object_object_add (o, "pidStartTime", json_object_new_uint64 (s->pid_start_time));
  json_object_object_add (o, "bundle", json_object_new_string (s->bundle));
  json_object_object_add (o, "rootfs", json_object_new_string (s->rootfs));
  json_object_object_add (o, "created", json_object_new_string (s->created));
  json_object_object_add (o, "owner", json_object_new_int64 (s->owner));
  if (s->cgroup_path)
    json_object_object_add (o, "cgroupPath", json_object_new_string (s->cgroup_path));
  json_object_object_add (o, "annotations", annotations_to_json (s->annotations));
  const char *text
      = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  ret = write_file_atomic_at (dir->dirfd, STATE_FILE, text, strlen (text), err);
  json_object_put (o);
  return ret;
}

static char *
dup_member (json_object *o, const char *key)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return xstrdup (json_object_get_string (v));
}

int
container_state_read (struct container_dir *dir, struct container_state *s, ic_error_t *err)
{
  cleanup_free char *text = NULL;
  json_object *o, *v;
  size_t n = 0;

  memset (s, 0, sizeof (*s));
  if (read_file_at (dir->dirfd, STATE_FILE, 1 << 22, &text, NULL, err) < 0)
    return ic_error_wrap (err, "container `%s`", dir->id);
  o = json_tokener_parse (text);
  if (o == NULL || !json_object_is_type (o, json_type_object))
    {
      json_object_put (o);
      return ic_error (err, 0, "container `%s`: corrupt %s/%s", dir->id, dir->path, STATE_FILE);
    }
  s->id = dup_member (o, "id");
  s->oci_version = dup_member (o, "ociVersion");
  s->bundle = dup_member (o, "bundle");
  s->rootfs = dup_member (o, "rootfs");
  s->created = dup_member (o, "created");
  s->cgroup_path = dup_member (o, "cgroupPath");
  if (json_object_object_get_ex (o, "pid", &v))
    s->pid = json_object_get_int (v);
  if (json_object_object_get_ex (o, "pidStartTime", &v))
    s->pid_start_time = json_object_get_uint64 (v);
  if (json_object_object_get_ex (o, "owner", &v))
    s->owner = json_object_get_int64 (v);
  if (json_object_object_get_ex (o, "annotations", &v) && json_object_is_type (v, json_type_object))
    {
      s->annotations = xmalloc0 ((2 * json_object_object_length (v) + 1) * sizeof (char *));
      json_object_object_foreach (v, key, value)
      {
        s->annotations[n++] = xstrdup (key);
        s->annotations[n++] = xstrdup (json_object_get_string (value));
      }
    }
  json_object_put (o);
  if (s->id == NULL || s->bundle == NULL)
    return ic_error (err, 0, "container `%s`: corrupt %s/%s", dir->id, dir->path, STATE_FILE);
  return 0;
}

void
container_state_clear (struct container_state *s)
{
  free (s->id);
  free (s->oci_version);
  free (s->bundle);
  free (s->rootfs);
  free (s->created);
  free (s->cgroup_path);
  strv_free (s->annotations);
  memset (s, 0, sizeof (*s));
}

uint64_t
process_start_time (pid_t pid)
{
  char path[64], buf[1024];
  unsigned long long start = 0;
  char state;
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;

  snprintf (path, sizeof (path), "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof (buf) - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %c", &state) != 1 || state == 'Z' || state == 'X')
    return 0;
  for (int field = 3; field <= 22 && p; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &start) != 1)
    return 0;
  return start;
}

enum container_status
container_status (struct container_dir *dir, const struct container_state *state)
{
  uint64_t start = state->pid > 0 ? process_start_time (state->pid) : 0;
  if (start == 0 || start != state->pid_start_time)
    return CONTAINER_STOPPED;
  if (faccessat (dir->dirfd, STATE_EXEC_FIFO, F_OK, 0) == 0)
    return CONTAINER_CREATED;
  return CONTAINER_RUNNING;
}

const char *
container_status_name (enum container_status status)
{
  static const char *const names[] = { "creating", "created", "running", "stopped", "paused" };
  return names[status];
}

char *
container_state_to_oci_json (const struct container_state *s, enum container_status status,
                             bool pretty)
{
  json_object *o = json_object_new_object ();
  char *text;

  json_object_object_add (o, "ociVersion", json_object_new_string (OCI_VERSION));
  json_object_object_add (o, "id", json_object_new_string (s->id));
  json_object_object_add (o, "status", json_object_new_string (container_status_name (status)));
  if (status != CONTAINER_STOPPED)
    json_object_object_add (o, "pid", json_object_new_int (s->pid));
  json_object_object_add (o, "bundle", json_object_new_string (s->bundle));
  json_object_object_add (o, "annotations", annotations_to_json (s->annotations));
  text = xstrdup (json_object_to_json_string_ext (
      o, pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE
                : JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (o);
  return text;
}
