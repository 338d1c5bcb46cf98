/* rune kill: send a signal to a container. */
#include "log.h"
#include "rune.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage[]
    = "Usage: rune kill [OPTIONS] CONTAINER-ID [SIGNAL]\n"
      "\n"
      "Sends SIGNAL (default TERM) to the container's process. SIGNAL is a name, with or\n"
      "without the SIG prefix (KILL, SIGKILL), or a number (9).\n"
      "\n"
      "Options:\n"
      "  -a, --all    send the signal to every process of the container\n"
      "  -h, --help   show this help\n";

static const struct option options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const struct
{
  const char *name;
  int number;
} signal_names[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
  { "TRAP", SIGTRAP },     { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
  { "FPE", SIGFPE },       { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
  { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH },   { "IO", SIGIO },     { "POLL", SIGPOLL },     { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

/* Returns the signal number, or 0 when the text names no signal. */
static int
parse_signal (const char *text)
{
  char *end;
  long n = strtol (text, &end, 10);

  if (end != text && *end == '\0')
    return n > 0 && n < NSIG ? n : 0;
  if (strncasecmp (text, "SIG", 3) == 0)
    text += 3;
  for (size_t i = 0; i < sizeof (signal_names) / sizeof (signal_names[0]); i++)
    if (strcasecmp (text, signal_names[i].name) == 0)
      return signal_names[i].number;
  if (strncasecmp (text, "RTMIN", 5) == 0 || strncasecmp (text, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (text, "RTMIN", 5) == 0;
      long offset = 0;
      if (text[5] != '\0')
        {
          offset = strtol (text + 5, &end, 10);
          if (*end != '\0' || (min ? offset < 0 : offset > 0))
            return 0;
        }
      n = (min ? SIGRTMIN : SIGRTMAX) + offset;
      return n >= SIGRTMIN && n <= SIGRTMAX ? n : 0;
    }
  return 0;
}

int
rune_kill (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  bool all = false;
  int c, sig = SIGTERM;

  while ((c = rune_getopt (argc, argv, "+ah", options, usage)) != -1)
    {
      if (c != 'a')
        return rune_usage_error ("kill", "invalid option");
      all = true;
    }
  if (rune_want_args ("kill", argc - optind, 1, 2))
    return 1;
  if (argc - optind == 2 && (sig = parse_signal (argv[optind + 1])) == 0)
    return rune_usage_error ("kill", "unknown signal `%s`", argv[optind + 1]);
  if (container_kill (&g->rt, argv[optind], sig, all, &err) < 0)
    return rune_fail (&err);
  ic_debug ("sent signal %d to container %s%s", sig, argv[optind], all ? " (all processes)" : "");
  return 0;
}
