/* rune run: create and start a container, then wait for it and relay signals to it. */
#include "log.h"
#include "rune.h"
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

static const char usage[]
    = "Usage: rune run [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Creates and starts a container. Without --detach rune waits for the container's\n"
      "process, relays the signals it receives to it, deletes the container when it exits\n"
      "and exits with its status (128+N when killed by signal N).\n"
      "\n"
      "Options:\n"
      "  -d, --detach            return once the container runs\n"
      "      --keep              do not delete the container when it "
      "exits\n" RUNE_CREATE_OPTIONS_HELP;

/* Signals that report faults of rune itself are not relayed. */
static void
relayed_signals (sigset_t *set)
{
  sigfillset (set);
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGFPE);
  sigdelset (set, SIGTRAP);
}

static int
wait_container (pid_t pid, const sigset_t *set)
{
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (set, &info), status;
      pid_t w;

      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (pid, sig);
          continue;
        }
      while ((w = waitpid (-1, &status, WNOHANG)) > 0)
        if (w == pid)
          return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
    }
}

int
rune_run (struct rune_globals *g, int argc, char **argv)
{
  struct rune_create_args args = { 0 };
  cleanup_error ic_error_t err = NULL;
  sigset_t set;
  pid_t pid;
  int status;

  if (rune_parse_create_args ("run", argc, argv, usage, &args))
    return 1;
  /* Block the signals now, so one that arrives before we wait is relayed, not lost. */
  relayed_signals (&set);
  sigprocmask (SIG_BLOCK, &set, NULL);
  if (container_create (&g->rt, &args.opts, &pid, &err) < 0)
    return rune_fail (&err);
  if (container_start (&g->rt, args.opts.id, &err) < 0)
    {
      rune_fail (&err);
      if (container_delete (&g->rt, args.opts.id, true, &err) < 0)
        rune_fail (&err);
      return 1;
    }
  if (args.detach)
    return 0;
  ic_debug ("container %s runs as pid %d", args.opts.id, pid);
  status = wait_container (pid, &set);
  ic_debug ("container %s exited with status %d", args.opts.id, status);
  if (!args.keep && container_delete (&g->rt, args.opts.id, false, &err) < 0)
    rune_fail (&err);
  return status;
}
