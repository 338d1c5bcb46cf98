#include "mounts.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum option_kind
{
  OPT_FLAG,  /* sets (or clears) a mount(2) flag and a mount attribute */
  OPT_RATTR, /* recursive attribute, set with mount_setattr(AT_RECURSIVE) */
  OPT_PROPAGATION,
  OPT_BIND,
  OPT_IGNORE,
};

static const struct mount_option
{
  const char *name;
  enum option_kind kind;
  bool clear;
  unsigned long flag;
  uint64_t attr;
} mount_option_table[] = {
  { "defaults", OPT_IGNORE, false, 0, 0 },
  { "rw", OPT_FLAG, true, MS_RDONLY, MOUNT_ATTR_RDONLY },
  { "ro", OPT_FLAG, false, MS_RDONLY, MOUNT_ATTR_RDONLY },
  { "suid", OPT_FLAG, true, MS_NOSUID, MOUNT_ATTR_NOSUID },
  { "nosuid", OPT_FLAG, false, MS_NOSUID, MOUNT_ATTR_NOSUID },
  { "dev", OPT_FLAG, true, MS_NODEV, MOUNT_ATTR_NODEV },
  { "nodev", OPT_FLAG, false, MS_NODEV, MOUNT_ATTR_NODEV },
  { "exec", OPT_FLAG, true, MS_NOEXEC, MOUNT_ATTR_NOEXEC },
  { "noexec", OPT_FLAG, false, MS_NOEXEC, MOUNT_ATTR_NOEXEC },
  { "async", OPT_FLAG, true, MS_SYNCHRONOUS, 0 },
  { "sync", OPT_FLAG, false, MS_SYNCHRONOUS, 0 },
  { "dirsync", OPT_FLAG, false, MS_DIRSYNC, 0 },
  { "remount", OPT_FLAG, false, MS_REMOUNT, 0 },
  { "mand", OPT_FLAG, false, MS_MANDLOCK, 0 },
  { "nomand", OPT_FLAG, true, MS_MANDLOCK, 0 },
  { "atime", OPT_FLAG, true, MS_NOATIME, MOUNT_ATTR_NOATIME },
  { "noatime", OPT_FLAG, false, MS_NOATIME, MOUNT_ATTR_NOATIME },
  { "diratime", OPT_FLAG, true, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
  { "nodiratime", OPT_FLAG, false, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
  { "relatime", OPT_FLAG, false, MS_RELATIME, MOUNT_ATTR_RELATIME },
  { "norelatime", OPT_FLAG, true, MS_RELATIME, MOUNT_ATTR_RELATIME },
  { "strictatime", OPT_FLAG, false, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
  { "nostrictatime", OPT_FLAG, true, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
  { "iversion", OPT_FLAG, false, MS_I_VERSION, 0 },
  { "noiversion", OPT_FLAG, true, MS_I_VERSION, 0 },
  { "lazytime", OPT_FLAG, false, MS_LAZYTIME, 0 },
  { "nolazytime", OPT_FLAG, true, MS_LAZYTIME, 0 },
  { "silent", OPT_FLAG, false, MS_SILENT, 0 },
  { "loud", OPT_FLAG, true, MS_SILENT, 0 },
  { "nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  { "symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  { "rro", OPT_RATTR, false, 0, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_RATTR, true, 0, MOUNT_ATTR_RDONLY },
  { "rnosuid", OPT_RATTR, false, 0, MOUNT_ATTR_NOSUID },
  { "rsuid", OPT_RATTR, true, 0, MOUNT_ATTR_NOSUID },
  { "rnodev", OPT_RATTR, false, 0, MOUNT_ATTR_NODEV },
  { "rdev", OPT_RATTR, true, 0, MOUNT_ATTR_NODEV },
  { "rnoexec", OPT_RATTR, false, 0, MOUNT_ATTR_NOEXEC },
  { "rexec", OPT_RATTR, true, 0, MOUNT_ATTR_NOEXEC },
  { "rnoatime", OPT_RATTR, false, 0, MOUNT_ATTR_NOATIME },
  { "ratime", OPT_RATTR, true, 0, MOUNT_ATTR_NOATIME },
  { "rnodiratime", OPT_RATTR, false, 0, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", OPT_RATTR, true, 0, MOUNT_ATTR_NODIRATIME },
  { "rrelatime", OPT_RATTR, false, 0, MOUNT_ATTR_RELATIME },
  { "rnorelatime", OPT_RATTR, true, 0, MOUNT_ATTR_RELATIME },
  { "rstrictatime", OPT_RATTR, false, 0, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", OPT_RATTR, true, 0, MOUNT_ATTR_STRICTATIME },
  { "rnosymfollow", OPT_RATTR, false, 0, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", OPT_RATTR, true, 0, MOUNT_ATTR_NOSYMFOLLOW },
  { "private", OPT_PROPAGATION, false, MS_PRIVATE, 0 },
  { "rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC, 0 },
  { "shared", OPT_PROPAGATION, false, MS_SHARED, 0 },
  { "rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC, 0 },
  { "slave", OPT_PROPAGATION, false, MS_SLAVE, 0 },
  { "rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC, 0 },
  { "unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE, 0 },
  { "runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC, 0 },
  { "bind", OPT_BIND, false, 0, 0 },
  { "rbind", OPT_BIND, false, MS_REC, 0 },
};

static const struct mount_option *
find_option (const char *name)
{
  for (size_t i = 0; i < sizeof (mount_option_table) / sizeof (mount_option_table[0]); i++)
    if (strcmp (mount_option_table[i].name, name) == 0)
      return &mount_option_table[i];
  return NULL;
}

const char *
mount_option_name (size_t i)
{
  return i < sizeof (mount_option_table) / sizeof (mount_option_table[0])
             ? mount_option_table[i].name
             : NULL;
}

/* Propagation flags are also used for rootfsPropagation. */
unsigned long
mount_propagation_flags (const char *name)
{
  const struct mount_option *o = find_option (name);
  return o && o->kind == OPT_PROPAGATION ? o->flag : 0;
}

int
mount_options_parse (char *const *options, struct mount_options *out, ic_error_t *err)
{
  memset (out, 0, sizeof (*out));
  for (char *const *i = options; i && *i; i++)
    {
      const struct mount_option *o = find_option (*i);
      if (strcmp (*i, "idmap") == 0 || strcmp (*i, "ridmap") == 0)
        return ic_error (err, ENOTSUP, "option `%s` (idmapped mounts) is not supported", *i);
      if (strcmp (*i, "tmpcopyup") == 0)
        {
          out->copy_up = true;
          continue;
        }
      if (o == NULL)
        {
          /* Unknown options are filesystem-specific data (config.md). */
          char *data = out->data ? xasprintf ("%s,%s", out->data, *i) : xstrdup (*i);
          free (out->data);
          out->data = data;
          continue;
        }
      switch (o->kind)
        {
        case OPT_FLAG:
          if (o->clear)
            {
              out->flags &= ~o->flag;
              out->attr_set &= ~o->attr;
              out->attr_clr |= o->attr;
            }
          else
            {
              out->flags |= o->flag;
              out->attr_set |= o->attr;
              out->attr_clr &= ~o->attr;
            }
          break;
        case OPT_RATTR:
          if (o->clear)
            out->rattr_clr |= o->attr, out->rattr_set &= ~o->attr;
          else
            out->rattr_set |= o->attr, out->rattr_clr &= ~o->attr;
          break;
        case OPT_PROPAGATION:
          out->propagation = o->flag;
          break;
        case OPT_BIND:
          out->bind = true;
          out->recursive = out->recursive || (o->flag & MS_REC);
          break;
        case OPT_IGNORE:
          break;
        }
    }
  /* The atime attributes form one field: setting one clears the others. */
  if (out->attr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_RELATIME))
    out->attr_clr |= MOUNT_ATTR__ATIME;
  if (out->rattr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_RELATIME))
    out->rattr_clr |= MOUNT_ATTR__ATIME;
  return 0;
}

void
mount_options_clear (struct mount_options *opts)
{
  free (opts->data);
  opts->data = NULL;
}

static int
setattr (int fd, const char *path, bool recursive, uint64_t set, uint64_t clr)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
  if (set == 0 && clr == 0)
    return 0;
  return syscall (SYS_mount_setattr, fd, path,
                  (path[0] ? 0 : AT_EMPTY_PATH) | (recursive ? AT_RECURSIVE : 0), &attr,
                  sizeof (attr));
}

/* The context of one mount for error messages: "mounts[2] (/proc)". */
struct mount_ctx
{
  int rootfd;
  size_t index;
  const struct oci_mount *mount;
};

static int
mount_error (ic_error_t *err, int status, const struct mount_ctx *m, const char *what)
{
  return ic_error (err, status, "mounts[%zu] (%s): %s", m->index, m->mount->destination, what);
}

/* Our cgroup in the hierarchy with these controllers ("cpu,cpuacct", "name=systemd", "" for
   v2), from /proc/self/cgroup: "/" inside a cgroup namespace, the full path outside one. */
static char *
own_cgroup (const char *controllers)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    {
      char *first = strchr (line, ':'), *second = first ? strchr (first + 1, ':') : NULL;
      if (second == NULL)
        continue;
      *second = '\0';
      if (strcmp (first + 1, controllers) == 0)
        {
          second[1 + strcspn (second + 1, "\n")] = '\0';
          return xstrdup (second + 1);
        }
    }
  return xstrdup ("/");
}

/* Without a cgroup namespace a hierarchy shows the host's whole tree: put the container's
   own cgroup over it, as runc does, so /sys/fs/cgroup/memory/memory.max is the container's. */
static int
narrow_to_own_cgroup (const char *mountpoint, const char *controllers)
{
  cleanup_free char *own = own_cgroup (controllers);
  cleanup_free char *source = NULL;
  if (strcmp (own, "/") == 0)
    return 0;
  source = xasprintf ("%s%s", mountpoint, own);
  return mount (source, mountpoint, NULL, MS_BIND, NULL);
}

/* Mounts a fresh cgroup tree at target: cgroup2 on unified hosts, else a tmpfs with one
   mount per v1 hierarchy plus the v2 one, as the host has them. */
static int
mount_cgroup (const struct mount_ctx *m, const char *target, const struct mount_options *opts,
              ic_error_t *err)
{
  unsigned long flags = (opts->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  struct statfs sfs;
  cleanup_file FILE *f = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    {
      if (mount ("cgroup2", target, "cgroup2", opts->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
          < 0)
        return mount_error (err, errno, m, "mount cgroup2");
      return 0;
    }
  if (mount ("tmpfs", target, "tmpfs", flags, "mode=755") < 0)
    return mount_error (err, errno, m, "mount tmpfs for cgroup");
  f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return mount_error (err, errno, m, "read /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char mnt[4096], fstype[64], super[1024];
      const char *sep = strstr (line, " - ");
      cleanup_free char *sub = NULL;
      cleanup_close int subfd = -1;
      const char *name, *data = NULL;

      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1
          || sscanf (sep, " - %63s %*s %1023s", fstype, super) != 2
          || !has_prefix (mnt, "/sys/fs/cgroup/"))
        continue;
      name = mnt + strlen ("/sys/fs/cgroup/");
      if (strchr (name, '/'))
        continue;
      if (strcmp (fstype, "cgroup") == 0)
        {
          /* Keep the controller options (and name=) of the super block options. */
          char *opt = strstr (super, "rw,");
          data = opt ? opt + 3 : super;
        }
      else if (strcmp (fstype, "cgroup2") != 0)
        continue;
      sub = xasprintf ("%s/%s", m->mount->destination, name);
      subfd = mkdir_p_in_root (m->rootfd, sub, 0755, err);
      if (subfd < 0)
        return -1;
      char buf[FD_PATH_SIZE];
      if (mount ("cgroup", fd_path (buf, subfd), fstype, flags, data) < 0)
        return mount_error (err, errno, m, "mount cgroup hierarchy");
      /* subfd is below the new mount: reopen to reach it. */
      close (steal_fd (&subfd));
      subfd = open_in_root (m->rootfd, sub, O_PATH | O_DIRECTORY, 0, err);
      if (subfd < 0 || narrow_to_own_cgroup (fd_path (buf, subfd), data ? data : "") < 0)
        return mount_error (err, errno, m, "bind the container's own cgroup");
    }
  if (opts->flags & MS_RDONLY)
    {
      /* target still names the directory below the tmpfs: reopen to reach the mount. */
      cleanup_close int fd = open_in_root (m->rootfd, m->mount->destination, O_PATH, 0, err);
      if (fd < 0 || setattr (fd, "", true, MOUNT_ATTR_RDONLY, 0) < 0)
        return mount_error (err, errno, m, "make cgroup mounts read-only");
    }
  return 0;
}

static int copy_tree (int from, int to);

static int
copy_entry (int from, int to, const char *name, const struct stat *st)
{
  char link[4096];
  ssize_t n;
  int ret = 0;

  if (S_ISDIR (st->st_mode))
    {
      cleanup_close int src = -1, dst = -1;
      if ((mkdirat (to, name, st->st_mode & 07777) < 0 && errno != EEXIST)
          || (src = openat (from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
          || (dst = openat (to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -1;
      ret = copy_tree (src, dst);
    }
  else if (S_ISREG (st->st_mode))
    {
      cleanup_close int src = openat (from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      cleanup_close int dst
          = openat (to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 07777);
      char buf[65536];
      if (src < 0 || dst < 0)
        return -1;
      while ((n = read (src, buf, sizeof (buf))) > 0)
        if (write_all (dst, buf, n) < 0)
          return -1;
      ret = n < 0 ? -1 : 0;
    }
  else if (S_ISLNK (st->st_mode))
    {
      n = readlinkat (from, name, link, sizeof (link) - 1);
      if (n < 0)
        return -1;
      link[n] = '\0';
      ret = symlinkat (link, to, name);
    }
  else
    ret = mknodat (to, name, st->st_mode, st->st_rdev);
  if (ret == 0)
    ret = fchownat (to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
  return ret;
}

/* Copies the directory tree of from into to (files, directories, links, nodes, owners and
   modes), never following symlinks: it is the image's content. */
static int
copy_tree (int from, int to)
{
  int fd = dup (from);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (from, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
          || copy_entry (from, to, de->d_name, &st) < 0)
        return -1;
    }
  return 0;
}

/* tmpcopyup: what the image had at the destination, copied into the new tmpfs. */
static int
copy_up (const struct mount_ctx *m, int old_dir, ic_error_t *err)
{
  cleanup_close int new_dir
      = open_in_root (m->rootfd, m->mount->destination, O_RDONLY | O_DIRECTORY, 0, err);
  if (new_dir < 0 || copy_tree (old_dir, new_dir) < 0)
    return mount_error (err, errno, m, "tmpcopyup");
  return 0;
}

static int
do_mount (const struct mount_ctx *m, bool in_userns, ic_error_t *err)
{
  const struct oci_mount *mnt = m->mount;
  struct mount_options opts __attribute__ ((cleanup (mount_options_clear))) = { 0 };
  const char *type = mnt->type ? mnt->type : "";
  cleanup_close int target = -1, old_dir = -1;
  char buf[FD_PATH_SIZE];
  bool is_dir = true;
  struct stat st;

  if (mount_options_parse (mnt->options, &opts, err) < 0)
    return ic_error_wrap (err, "mounts[%zu] (%s)", m->index, mnt->destination);
  if (strcmp (type, "bind") == 0)
    opts.bind = true;
  if (opts.bind)
    {
      if (mnt->source == NULL || stat (mnt->source, &st) < 0)
        return mount_error (err, mnt->source ? errno : EINVAL, m, "bind source");
      is_dir = S_ISDIR (st.st_mode);
    }
  target = create_mount_target (m->rootfd, mnt->destination, is_dir, err);
  if (target < 0)
    return ic_error_wrap (err, "mounts[%zu]", m->index);
  fd_path (buf, target);
  if (opts.copy_up)
    {
      if (strcmp (type, "tmpfs") != 0)
        return mount_error (err, EINVAL, m, "tmpcopyup needs a tmpfs mount");
      /* Opened before the mount hides it. */
      old_dir = open_in_root (m->rootfd, mnt->destination, O_RDONLY | O_DIRECTORY, 0, err);
      if (old_dir < 0)
        return -1;
    }

  if (opts.bind)
    {
      if (mount (mnt->source, buf, NULL, MS_BIND | (opts.recursive ? MS_REC : 0), NULL) < 0)
        return mount_error (err, errno, m, "bind mount");
      /* The fd still points below the new mount: reopen to reach the mount itself. */
      close (target);
      target = open_in_root (m->rootfd, mnt->destination, O_PATH, 0, err);
      if (target < 0)
        return -1;
      if (setattr (target, "", false, opts.attr_set, opts.attr_clr) < 0)
        return mount_error (err, errno, m, "set bind mount options");
    }
  else if (strcmp (type, "cgroup") == 0)
    {
      if (mount_cgroup (m, buf, &opts, err) < 0)
        return -1;
    }
  else if (mount (mnt->source ? mnt->source : type, buf, type, opts.flags, opts.data) < 0)
    {
      int saved = errno;
      /* Without its own network namespace a user namespace may not mount sysfs. */
      if (!(strcmp (type, "sysfs") == 0 && in_userns && saved == EPERM
            && mount ("/sys", buf, NULL, MS_BIND | MS_REC, NULL) == 0))
        {
          cleanup_free char *what = xasprintf ("mount %s", type[0] ? type : "(no type)");
          return mount_error (err, saved, m, what);
        }
    }
  if (old_dir >= 0 && copy_up (m, old_dir, err) < 0)
    return -1;
  if (opts.bind || opts.rattr_set || opts.rattr_clr)
    {
      close (target);
      target = open_in_root (m->rootfd, mnt->destination, O_PATH, 0, err);
      if (target < 0)
        return -1;
      fd_path (buf, target);
    }
  if (setattr (target, "", true, opts.rattr_set, opts.rattr_clr) < 0)
    return mount_error (err, errno, m, "set recursive mount options");
  return 0;
}

struct default_device
{
  const char *path;
  unsigned int major, minor;
};

static const struct default_device default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const char *const default_symlinks[][2] = {
  { "/proc/self/fd", "/dev/fd" },       { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
  { "/proc/kcore", "/dev/core" },       { "pts/ptmx", "/dev/ptmx" },
};

/* Creates one device node below rootfd; in a user namespace binds the host's node instead. */
static int
create_device (int rootfd, const struct oci_device *d, bool in_userns, ic_error_t *err)
{
  cleanup_free char *parent = xstrdup (d->path);
  char *slash = strrchr (parent, '/');
  const char *name = slash + 1;
  cleanup_close int dirfd = -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t mode = d->has_file_mode ? d->file_mode : 0666;

  *slash = '\0';
  dirfd = mkdir_p_in_root (rootfd, parent[0] ? parent : "/", 0755, err);
  if (dirfd < 0)
    return -1;
  if (!in_userns || d->type == 'p')
    {
      if (mknodat (dirfd, name, type | mode, makedev (d->major, d->minor)) < 0)
        {
          /* Already there (a bind-mounted /dev): keep it if it is this very device, and never
             replace it, since it may be the host's. */
          struct stat st;
          if (errno == EEXIST && fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
              && (st.st_mode & S_IFMT) == type && st.st_rdev == makedev (d->major, d->minor))
            return 0;
          return ic_error (err, errno, "mknod `%s`", d->path);
        }
      if (fchmodat (dirfd, name, mode, 0) < 0)
        return ic_error (err, errno, "chmod `%s`", d->path);
      if ((d->has_uid || d->has_gid)
          && fchownat (dirfd, name, d->has_uid ? d->uid : (uid_t)-1,
                       d->has_gid ? d->gid : (gid_t)-1, AT_SYMLINK_NOFOLLOW)
                 < 0)
        return ic_error (err, errno, "chown `%s`", d->path);
      return 0;
    }
  {
    cleanup_close int fd
        = openat (dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
    char buf[FD_PATH_SIZE];
    if (fd < 0)
      return ic_error (err, errno, "create `%s`", d->path);
    close (fd);
    fd = openat (dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || mount (d->path, fd_path (buf, fd), NULL, MS_BIND, NULL) < 0)
      return ic_error (err, errno, "bind mount device `%s` from the host", d->path);
  }
  return 0;
}

/* True when the config bind-mounts the host's /dev: then devices come with it. */
static bool
dev_is_bind_mounted (const struct oci_config *config)
{
  for (size_t i = 0; i < config->mounts_len; i++)
    {
      const struct oci_mount *m = &config->mounts[i];
      if (strcmp (m->destination, "/dev") == 0 && m->type && strcmp (m->type, "bind") == 0)
        return true;
      if (strcmp (m->destination, "/dev") == 0)
        for (char **o = m->options; o && *o; o++)
          if (strcmp (*o, "bind") == 0 || strcmp (*o, "rbind") == 0)
            return true;
    }
  return false;
}

static int
create_devices (const struct oci_config *config, int rootfd, bool in_userns, ic_error_t *err)
{
  if (!dev_is_bind_mounted (config))
    {
      for (size_t i = 0; i < sizeof (default_devices) / sizeof (default_devices[0]); i++)
        {
          struct oci_device d = { .type = 'c',
                                  .path = (char *)default_devices[i].path,
                                  .major = default_devices[i].major,
                                  .minor = default_devices[i].minor,
                                  .has_file_mode = true,
                                  .file_mode = 0666 };
          if (create_device (rootfd, &d, in_userns, err) < 0)
            return ic_error_wrap (err, "default devices");
        }
      for (size_t i = 0; i < sizeof (default_symlinks) / sizeof (default_symlinks[0]); i++)
        {
          cleanup_close int devfd = mkdir_p_in_root (rootfd, "/dev", 0755, err);
          const char *name = default_symlinks[i][1] + strlen ("/dev/");
          if (devfd < 0)
            return -1;
          if (symlinkat (default_symlinks[i][0], devfd, name) < 0 && errno != EEXIST)
            return ic_error (err, errno, "symlink `%s`", default_symlinks[i][1]);
        }
    }
  for (size_t i = 0; i < config->linux_.devices_len; i++)
    if (create_device (rootfd, &config->linux_.devices[i], in_userns, err) < 0)
      return ic_error_wrap (err, "linux.devices[%zu]", i);
  return 0;
}

/* Binds the rootfs onto itself (open_tree + move_mount: no path walk, so it works from a user
   namespace that cannot traverse the bundle's parents) and returns an fd of the new mount. */
static int
bind_rootfs (int rootfs_fd, ic_error_t *err)
{
  int tree = syscall (SYS_open_tree, rootfs_fd, "",
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return ic_error (err, errno, "root.path: bind the rootfs");
  if (syscall (SYS_move_mount, tree, "", rootfs_fd, "",
               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    {
      close (tree);
      return ic_error (err, errno, "root.path: attach the rootfs bind mount");
    }
  return tree;
}

int
rootfs_prepare (const struct oci_config *config, int rootfs_fd, bool in_userns, ic_error_t *err)
{
  const char *prop = config->linux_.rootfs_propagation;
  unsigned long flags = prop ? mount_propagation_flags (prop) : 0;
  cleanup_close int rootfd = -1;

  /* Nothing we mount may propagate back to the host. pivot_root also refuses a shared parent. */
  if (mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return ic_error (err, errno, "make / a slave mount");
  if (flags && !(flags & MS_SHARED) && mount (NULL, "/", NULL, flags, NULL) < 0)
    return ic_error (err, errno, "linux.rootfsPropagation: set `%s` on /", prop);
  rootfd = bind_rootfs (rootfs_fd, err);
  if (rootfd < 0)
    return -1;
  for (size_t i = 0; i < config->mounts_len; i++)
    {
      struct mount_ctx m = { .rootfd = rootfd, .index = i, .mount = &config->mounts[i] };
      if (do_mount (&m, in_userns, err) < 0)
        return -1;
    }
  if (create_devices (config, rootfd, in_userns, err) < 0)
    return -1;
  return steal_fd (&rootfd);
}

int
rootfs_pivot (int root_fd, bool no_pivot, ic_error_t *err)
{
  if (fchdir (root_fd) < 0)
    return ic_error (err, errno, "chdir to the rootfs");
  if (no_pivot)
    {
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return ic_error (err, errno, "--no-pivot: move the rootfs to /");
      if (chroot (".") < 0)
        return ic_error (err, errno, "--no-pivot: chroot");
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on the new one; then detach the old root. */
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return ic_error (err, errno, "pivot_root (try --no-pivot on a ramfs root)");
      if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return ic_error (err, errno, "make the old root a slave mount");
      if (umount2 (".", MNT_DETACH) < 0)
        return ic_error (err, errno, "unmount the old root");
    }
  if (chdir ("/") < 0)
    return ic_error (err, errno, "chdir /");
  return 0;
}

static int
mask_path (const char *path, ic_error_t *err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return errno == ENOENT ? 0 : ic_error (err, errno, "linux.maskedPaths: stat `%s`", path);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0)
        return ic_error (err, errno, "linux.maskedPaths: mask `%s`", path);
    }
  else if (mount ("/dev/null", path, NULL, MS_BIND, NULL) < 0)
    return ic_error (err, errno, "linux.maskedPaths: mask `%s`", path);
  return 0;
}

static int
readonly_path (const char *path, ic_error_t *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : ic_error (err, errno, "linux.readonlyPaths: bind `%s`", path);
  if (setattr (AT_FDCWD, path, true, MOUNT_ATTR_RDONLY, 0) < 0)
    return ic_error (err, errno, "linux.readonlyPaths: make `%s` read-only", path);
  return 0;
}

/* Mount propagation is set after pivot_root, whose old-root cleanup makes every mount a
   slave. The container's root is "/" by now, so the destinations cannot lead out of it. */
static int
set_mount_propagation (const struct oci_config *config, ic_error_t *err)
{
  for (size_t i = 0; i < config->mounts_len; i++)
    {
      const struct oci_mount *mnt = &config->mounts[i];
      struct mount_options opts __attribute__ ((cleanup (mount_options_clear))) = { 0 };
      cleanup_free char *dest = NULL;

      if (mount_options_parse (mnt->options, &opts, err) < 0 || opts.propagation == 0)
        continue;
      dest = xasprintf ("%s%s", mnt->destination[0] == '/' ? "" : "/", mnt->destination);
      if (mount (NULL, dest, NULL, opts.propagation, NULL) < 0)
        return ic_error (err, errno, "mounts[%zu] (%s): set mount propagation", i,
                         mnt->destination);
    }
  return 0;
}

int
rootfs_finalize (const struct oci_config *config, ic_error_t *err)
{
  const char *prop = config->linux_.rootfs_propagation;

  if (set_mount_propagation (config, err) < 0)
    return -1;
  for (char **p = config->linux_.masked_paths; p && *p; p++)
    if (mask_path (*p, err) < 0)
      return -1;
  for (char **p = config->linux_.readonly_paths; p && *p; p++)
    if (readonly_path (*p, err) < 0)
      return -1;
  if (config->root_readonly && setattr (AT_FDCWD, "/", false, MOUNT_ATTR_RDONLY, 0) < 0)
    return ic_error (err, errno, "root.readonly: remount / read-only");
  if (prop && mount (NULL, "/", NULL, mount_propagation_flags (prop), NULL) < 0)
    return ic_error (err, errno, "linux.rootfsPropagation: set `%s`", prop);
  return 0;
}
