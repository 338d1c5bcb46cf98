/* pal-check: checks that an enclave runtime (a PAL shared object) conforms to the Enclave
   Runtime PAL API as rune calls it. One line per check, "ok NAME" or "FAIL NAME: reason",
   then "N passed, N failed"; exit status 1 when a check failed. */
#include "buildconfig.h"
#include "pal-check.h"
#include "utils.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[]
    = "Usage: pal-check [OPTIONS] RUNTIME.so\n"
      "\n"
      "Checks that an enclave runtime (a shared object implementing the Enclave Runtime PAL\n"
      "API, include/inclavare/pal.h) behaves as rune expects: version negotiation and the\n"
      "symbols of its version, the calls of each rune verb (create, start, exec, kill,\n"
      "attest, the payload's end), exit values 0, 1 and 137, pal_kill(-1, sig), NULL and\n"
      "bad arguments (a negative errno, never a crash), and errors as negative errno values.\n"
      "Each check runs in a child process, so that a crash or a hang fails that check only.\n"
      "Prints `ok NAME` or `FAIL NAME: reason` per check, then `N passed, N failed`.\n"
      "\n"
      "Options:\n"
      "  -a, --args ARGS        pal_init's arguments, as enclave.runtime.args (commas become\n"
      "                         spaces); they must let pal_init succeed (default: empty)\n"
      "  -b, --bad-args ARGS    arguments pal_init must refuse with a negative errno\n"
      "                         (default: `pal-check-invalid-argument`)\n"
      "  -l, --log-level LEVEL  pal_init's log level (default: error)\n"
      "  -s, --shell PATH       the sh the payloads run (default: /bin/sh)\n"
      "  -t, --timeout SECONDS  a check taking longer fails (default: 10)\n"
      "  -h, --help             show this help\n"
      "  -v, --version          show the version\n"
      "\n"
      "The runtime runs in this process's environment and working directory (the skeleton\n"
      "reads $INCLAVARE_SIM_DIR, and its image and SIGSTRUCT relative to the directory).\n"
      "Exit status: 0 when every check passed, 1 when one failed or on a usage error.\n";

static int __attribute__ ((format (printf, 1, 2))) usage_error (const char *fmt, ...)
{
  va_list ap;
  fputs ("pal-check: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputs ("\nTry `pal-check --help`.\n", stderr);
  return 1;
}

/* Runs check c in a child of its own process group; every process left in the group is
   killed afterwards. */
static bool
run_check (const struct pal_target *t, const struct pal_check *c, unsigned timeout, char *why,
           size_t len)
{
  int result[2], pidfd, status = 0;
  struct pollfd pfd;
  ssize_t n;
  pid_t pid;

  why[0] = '\0';
  if (pipe2 (result, O_CLOEXEC) < 0)
    {
      snprintf (why, len, "pipe: %s", strerror (errno));
      return false;
    }
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    {
      snprintf (why, len, "fork: %s", strerror (errno));
      close (result[0]);
      close (result[1]);
      return false;
    }
  if (pid == 0)
    {
      char msg[1024] = "";
      int r;
      setpgid (0, 0);
      close (result[0]);
      r = c->fn (t, c->arg, msg, sizeof (msg));
      if (r < 0 && msg[0] == '\0')
        snprintf (msg, sizeof (msg), "failed");
      write_all (result[1], msg, strlen (msg));
      _exit (r < 0 ? 1 : 0);
    }
  setpgid (pid, pid);
  close (result[1]);
  pidfd = syscall (SYS_pidfd_open, pid, 0);
  pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
  if (pidfd >= 0)
    {
      int r;
      while ((r = poll (&pfd, 1, timeout * 1000)) < 0 && errno == EINTR)
        ;
      close (pidfd);
      if (r == 0)
        {
          kill (-pid, SIGKILL);
          waitpid (pid, NULL, 0);
          close (result[0]);
          snprintf (why, len, "timed out after %u s (killed)", timeout);
          return false;
        }
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  /* The check's payloads and whatever the runtime left behind. */
  kill (-pid, SIGKILL);
  fcntl (result[0], F_SETFL, O_NONBLOCK);
  n = read (result[0], why, len - 1);
  why[n > 0 ? n : 0] = '\0';
  close (result[0]);
  if (WIFSIGNALED (status))
    {
      snprintf (why, len, "crashed: killed by signal %d (%s)", WTERMSIG (status),
                strsignal (WTERMSIG (status)));
      return false;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      if (why[0] == '\0')
        snprintf (why, len, "the check's process exited with %d (the runtime called exit?)",
                  WIFEXITED (status) ? WEXITSTATUS (status) : -1);
      return false;
    }
  return true;
}

struct tally
{
  unsigned passed, failed;
};

static bool
report (struct tally *tally, const char *name, bool ok, const char *why)
{
  if (ok)
    {
      tally->passed++;
      printf ("ok %s\n", name);
    }
  else
    {
      tally->failed++;
      /* One line per check: the reason's control characters are escaped. */
      printf ("FAIL %s: ", name);
      for (const char *c = why; *c; c++)
        if (*c == '\n')
          fputs ("\\n", stdout);
        else if ((unsigned char)*c < 0x20)
          printf ("\\x%02x", (unsigned char)*c);
        else
          putchar (*c);
      putchar ('\n');
    }
  fflush (stdout);
  return ok;
}

static void
bind_symbols (struct pal_target *t, void *handle)
{
  t->get_version = (pal_get_version_fn)dlsym (handle, "pal_get_version");
  t->version = t->get_version ? t->get_version () : 1;
  t->init = (pal_init_fn)dlsym (handle, "pal_init");
  t->destroy = (pal_destroy_fn)dlsym (handle, "pal_destroy");
  if (t->version == 1)
    t->exec_v1 = (pal_exec_v1_fn)dlsym (handle, "pal_exec");
  else
    {
      t->exec = (pal_exec_fn)dlsym (handle, "pal_exec");
      t->create_process = (pal_create_process_fn)dlsym (handle, "pal_create_process");
      t->kill = (pal_kill_fn)dlsym (handle, "pal_kill");
    }
  if (t->version >= 3)
    t->get_local_report = (pal_get_local_report_fn)dlsym (handle, "pal_get_local_report");
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "args", required_argument, NULL, 'a' },      { "bad-args", required_argument, NULL, 'b' },
    { "log-level", required_argument, NULL, 'l' }, { "shell", required_argument, NULL, 's' },
    { "timeout", required_argument, NULL, 't' },   { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },         { NULL, 0, NULL, 0 },
  };
  static const struct pal_check load_checks[] = {
    { "load", 1, PAL_API_VERSION, pal_check_load, 0 },
    { "version", 1, PAL_API_VERSION, pal_check_version, 0 },
    { "symbols", 1, PAL_API_VERSION, pal_check_symbols, 0 },
    { "rune-loader", 1, PAL_API_VERSION, pal_check_rune_loader, 0 },
  };
  struct pal_target t
      = { .bad_args = "pal-check-invalid-argument", .log_level = "error", .shell = "/bin/sh" };
  cleanup_free char *args = NULL;
  struct tally tally = { 0, 0 };
  unsigned timeout = 10;
  char why[1024];
  bool loadable = true;
  void *handle;
  int c;

  while ((c = getopt_long (argc, argv, "a:b:l:s:t:hv", options, NULL)) != -1)
    switch (c)
      {
      case 'a':
        free (args);
        args = xstrdup (optarg);
        for (char *p = args; *p; p++)
          if (*p == ',')
            *p = ' ';
        break;
      case 'b':
        t.bad_args = optarg;
        break;
      case 'l':
        t.log_level = optarg;
        break;
      case 's':
        if (access (optarg, X_OK) < 0)
          return usage_error ("--shell: `%s` is not an executable file", optarg);
        t.shell = optarg;
        break;
      case 't':
        {
          char *end;
          unsigned long n;
          errno = 0;
          n = strtoul (optarg, &end, 10);
          if (errno || *end || n == 0 || n > 3600 || optarg[0] == '-')
            return usage_error ("--timeout: `%s` is not a number of seconds (1 to 3600)", optarg);
          timeout = n;
          break;
        }
      case 'h':
        fputs (usage, stdout);
        return 0;
      case 'v':
        printf ("pal-check %s\n", PACKAGE_VERSION);
        return 0;
      default:
        fputs ("Try `pal-check --help`.\n", stderr);
        return 1;
      }
  if (optind + 1 != argc)
    return usage_error ("%s",
                        optind == argc ? "give the runtime's shared object" : "too many arguments");
  t.path = argv[optind];
  t.args = args ? args : "";
  if (strchr (t.path, '/') == NULL)
    /* dlopen would search the library path: check the file named. */
    t.path = xasprintf ("./%s", t.path);
  signal (SIGPIPE, SIG_IGN);

  for (size_t i = 0; i < sizeof (load_checks) / sizeof (load_checks[0]); i++)
    if (!report (&tally, load_checks[i].name,
                 run_check (&t, &load_checks[i], timeout, why, sizeof (why)), why))
      loadable = false;
  if (!loadable)
    {
      /* Nothing else can be called: every other check fails. */
      for (size_t i = 0; i < pal_checks_len; i++)
        report (&tally, pal_checks[i].name, false, "not run: the runtime does not load");
      printf ("%u passed, %u failed\n", tally.passed, tally.failed);
      return 1;
    }
  handle = dlopen (t.path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      fprintf (stderr, "pal-check: `%s`: dlopen: %s\n", t.path, dlerror ());
      return 1;
    }
  bind_symbols (&t, handle);
  printf ("# %s: PAL API v%d\n", t.path, t.version);
  for (size_t i = 0; i < pal_checks_len; i++)
    {
      const struct pal_check *k = &pal_checks[i];
      if (t.version >= k->min_version && t.version <= k->max_version)
        report (&tally, k->name, run_check (&t, k, timeout, why, sizeof (why)), why);
    }
  /* Said, not skipped silently: the checks of calls this version does not have. */
  {
    unsigned n = 0;
    for (size_t i = 0; i < pal_checks_len; i++)
      if (t.version < pal_checks[i].min_version || t.version > pal_checks[i].max_version)
        printf ("%s%s", n++ ? " " : "# not applicable to this version: ", pal_checks[i].name);
    if (n)
      putchar ('\n');
  }
  printf ("%u passed, %u failed\n", tally.passed, tally.failed);
  return tally.failed ? 1 : 0;
}
