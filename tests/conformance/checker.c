#define _GNU_SOURCE
/* checker: runs inside a container under test and reports what the container looks like from
   the inside. Built static, so it needs nothing from the rootfs. One fact per subcommand,
   printed on stdout; exit 0, or 1 with a message on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static const char usage[]
    = "usage: checker COMMAND [ARG]\n"
      "  ids                uid, gid, supplementary groups\n"
      "  umask              the process umask (octal)\n"
      "  cwd                the working directory\n"
      "  env NAME           the value of NAME, or exit 1 when unset\n"
      "  envc               the number of environment variables\n"
      "  rlimit N           soft and hard limit of resource number N\n"
      "  hostname | domainname\n"
      "  ns TYPE            the inode of /proc/self/ns/TYPE\n"
      "  mount PATH         'options optional-fields fstype' of the mount at PATH\n"
      "  writable PATH      'rw' when a file can be created in directory PATH, 'ro' on EROFS\n"
      "  stat PATH          'type major minor mode uid gid' (type: c b p d f l)\n"
      "  readlink PATH | read PATH | exists PATH\n"
      "  status FIELD       a field of /proc/self/status (NoNewPrivs, ...)\n"
      "  oom                /proc/self/oom_score_adj\n"
      "  pid                the pid\n"
      "  fds                the open fds above 2\n"
      "  boottime           CLOCK_BOOTTIME seconds\n"
      "  exit N             exit with status N\n"
      "  wait-signal        wait for a signal and print its number\n"
      "  sleep              sleep forever\n";

static int
fail (const char *what, const char *arg)
{
  fprintf (stderr, "checker: %s %s: %s\n", what, arg ? arg : "", strerror (errno));
  return 1;
}

static int
cmd_ids (void)
{
  gid_t groups[256];
  int n = getgroups (256, groups);
  printf ("uid=%u gid=%u groups=", getuid (), getgid ());
  for (int i = 0; i < n; i++)
    printf ("%s%u", i ? "," : "", groups[i]);
  putchar ('\n');
  return 0;
}

static int
cmd_mount (const char *path)
{
  FILE *f = fopen ("/proc/self/mountinfo", "r");
  char line[4096], found[4096] = "";
  if (f == NULL)
    return fail ("open", "/proc/self/mountinfo");
  while (fgets (line, sizeof (line), f))
    {
      char mnt[1024];
      if (sscanf (line, "%*s %*s %*s %*s %1023s", mnt) == 1 && strcmp (mnt, path) == 0)
        strcpy (found, line); /* the last one is the top of the stack */
    }
  fclose (f);
  if (found[0] == '\0')
    {
      fprintf (stderr, "checker: no mount at %s\n", path);
      return 1;
    }
  {
    char opts[1024], optional[1024] = "", fstype[256];
    char *p = found;
    for (int i = 0; i < 5; i++)
      p = strchr (p, ' ') + 1;
    sscanf (p, "%1023s", opts);
    p = strchr (p, ' ') + 1;
    while (strncmp (p, "- ", 2) != 0)
      {
        char field[256];
        sscanf (p, "%255s", field);
        strcat (optional, optional[0] ? "," : "");
        strcat (optional, field);
        p = strchr (p, ' ') + 1;
      }
    sscanf (p + 2, "%255s", fstype);
    printf ("%s %s %s\n", opts, optional[0] ? optional : "-", fstype);
  }
  return 0;
}

static int
cmd_writable (const char *dir)
{
  char path[4096];
  int fd;
  snprintf (path, sizeof (path), "%s/.checker-%d", dir, getpid ());
  fd = open (path, O_CREAT | O_WRONLY, 0600);
  if (fd >= 0)
    {
      close (fd);
      unlink (path);
      puts ("rw");
      return 0;
    }
  if (errno == EROFS)
    {
      puts ("ro");
      return 0;
    }
  return fail ("create in", dir);
}

static int
cmd_stat (const char *path)
{
  struct stat st;
  char type;
  if (lstat (path, &st) < 0)
    return fail ("stat", path);
  type = S_ISCHR (st.st_mode)    ? 'c'
         : S_ISBLK (st.st_mode)  ? 'b'
         : S_ISFIFO (st.st_mode) ? 'p'
         : S_ISDIR (st.st_mode)  ? 'd'
         : S_ISLNK (st.st_mode)  ? 'l'
                                 : 'f';
  printf ("%c %u %u %o %u %u\n", type, major (st.st_rdev), minor (st.st_rdev), st.st_mode & 07777,
          st.st_uid, st.st_gid);
  return 0;
}

static int
cmd_read (const char *path)
{
  char buf[65536];
  int fd = open (path, O_RDONLY);
  ssize_t n;
  if (fd < 0)
    return fail ("open", path);
  while ((n = read (fd, buf, sizeof (buf))) > 0)
    fwrite (buf, 1, n, stdout);
  close (fd);
  return n < 0 ? fail ("read", path) : 0;
}

static int
cmd_status (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[1024];
  size_t len = strlen (field);
  if (f == NULL)
    return fail ("open", "/proc/self/status");
  while (fgets (line, sizeof (line), f))
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      {
        char *v = line + len + 1;
        v += strspn (v, " \t");
        fputs (v, stdout);
        return 0;
      }
  fprintf (stderr, "checker: no %s in /proc/self/status\n", field);
  return 1;
}

static int
cmd_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;
  int self, first = 1;
  if (d == NULL)
    return fail ("open", "/proc/self/fd");
  self = dirfd (d);
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (de->d_name[0] == '.' || fd <= 2 || fd == self)
        continue;
      printf ("%s%d", first ? "" : " ", fd);
      first = 0;
    }
  putchar ('\n');
  closedir (d);
  return 0;
}

static int
cmd_wait_signal (void)
{
  sigset_t all;
  int sig;
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, NULL);
  puts ("ready");
  fflush (stdout);
  if (sigwait (&all, &sig) != 0)
    return 1;
  printf ("%d\n", sig);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : "";
  const char *arg = argc > 2 ? argv[2] : NULL;
  char buf[4096];

  if (strcmp (cmd, "ids") == 0)
    return cmd_ids ();
  if (strcmp (cmd, "umask") == 0)
    {
      mode_t m = umask (0);
      printf ("%04o\n", m);
      return 0;
    }
  if (strcmp (cmd, "cwd") == 0)
    return getcwd (buf, sizeof (buf)) ? puts (buf), 0 : fail ("getcwd", NULL);
  if (strcmp (cmd, "env") == 0 && arg)
    return getenv (arg) ? puts (getenv (arg)), 0 : 1;
  if (strcmp (cmd, "envc") == 0)
    {
      extern char **environ;
      int n = 0;
      while (environ[n])
        n++;
      printf ("%d\n", n);
      return 0;
    }
  if (strcmp (cmd, "rlimit") == 0 && arg)
    {
      struct rlimit r;
      if (getrlimit (atoi (arg), &r) < 0)
        return fail ("getrlimit", arg);
      printf ("%llu %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
      return 0;
    }
  if (strcmp (cmd, "hostname") == 0 || strcmp (cmd, "domainname") == 0)
    {
      struct utsname u;
      uname (&u);
      puts (cmd[0] == 'h' ? u.nodename : u.domainname);
      return 0;
    }
  if (strcmp (cmd, "ns") == 0 && arg)
    {
      struct stat st;
      snprintf (buf, sizeof (buf), "/proc/self/ns/%s", arg);
      if (stat (buf, &st) < 0)
        return fail ("stat", buf);
      printf ("%lu\n", (unsigned long)st.st_ino);
      return 0;
    }
  if (strcmp (cmd, "mount") == 0 && arg)
    return cmd_mount (arg);
  if (strcmp (cmd, "writable") == 0 && arg)
    return cmd_writable (arg);
  if (strcmp (cmd, "stat") == 0 && arg)
    return cmd_stat (arg);
  if (strcmp (cmd, "readlink") == 0 && arg)
    {
      ssize_t n = readlink (arg, buf, sizeof (buf) - 1);
      if (n < 0)
        return fail ("readlink", arg);
      buf[n] = '\0';
      puts (buf);
      return 0;
    }
  if (strcmp (cmd, "read") == 0 && arg)
    return cmd_read (arg);
  if (strcmp (cmd, "exists") == 0 && arg)
    return access (arg, F_OK) == 0 ? puts ("yes"), 0 : (puts ("no"), 0);
  if (strcmp (cmd, "status") == 0 && arg)
    return cmd_status (arg);
  if (strcmp (cmd, "oom") == 0)
    return cmd_read ("/proc/self/oom_score_adj");
  if (strcmp (cmd, "pid") == 0)
    return printf ("%d\n", getpid ()) < 0;
  if (strcmp (cmd, "fds") == 0)
    return cmd_fds ();
  if (strcmp (cmd, "boottime") == 0)
    {
      struct timespec ts;
      clock_gettime (CLOCK_BOOTTIME, &ts);
      printf ("%lld\n", (long long)ts.tv_sec);
      return 0;
    }
  if (strcmp (cmd, "exit") == 0 && arg)
    return atoi (arg);
  if (strcmp (cmd, "wait-signal") == 0)
    return cmd_wait_signal ();
  if (strcmp (cmd, "sleep") == 0)
    for (;;)
      pause ();
  fputs (usage, stderr);
  return 2;
}
