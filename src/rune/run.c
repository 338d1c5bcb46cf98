/* rune run: create and start a container, then wait for it and relay signals to it. */
#include "log.h"
#include "rune.h"
#include "terminal.h"
#include "utils.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[]
    = "Usage: rune run [OPTIONS] CONTAINER-ID\n"
      "\n"
      "Creates and starts a container. Without --detach rune waits for the container's\n"
      "process, relays the signals it receives to it, deletes the container when it exits\n"
      "and exits with its status (128+N when killed by signal N). With process.terminal and\n"
      "no --console-socket, rune attaches the container's terminal to its own stdio.\n"
      "\n"
      "Options:\n"
      "  -d, --detach            return once the container runs\n"
      "      --keep              do not delete the container when it "
      "exits\n" RUNE_CREATE_OPTIONS_HELP;

/* Signals that report faults of rune itself are not relayed. */
void
rune_relayed_signals (sigset_t *set)
{
  sigfillset (set);
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGFPE);
  sigdelset (set, SIGTRAP);
}

/* Handles one pending signal: returns the exit status once pid is gone, else -1. */
static int
handle_signal (int sigfd, pid_t pid, int master)
{
  struct signalfd_siginfo info;
  int status;
  pid_t w;

  if (read (sigfd, &info, sizeof (info)) != sizeof (info))
    return -1;
  if (info.ssi_signo == SIGWINCH && master >= 0)
    terminal_copy_size (master);
  else if (info.ssi_signo != SIGCHLD)
    kill (pid, info.ssi_signo);
  while ((w = waitpid (-1, &status, WNOHANG)) > 0)
    if (w == pid)
      return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return -1;
}

/* What the container wrote before it exited is still in the pty: copy it out. */
static void
drain (int master)
{
  char buf[8192];
  ssize_t n;
  fcntl (master, F_SETFL, O_NONBLOCK);
  while ((n = read (master, buf, sizeof (buf))) > 0)
    write_all (STDOUT_FILENO, buf, n);
}

int
rune_wait_attached (pid_t pid, const sigset_t *set, int master)
{
  cleanup_close int sigfd = signalfd (-1, set, SFD_CLOEXEC);
  cleanup_error ic_error_t err = NULL;
  int status = -1;

  if (master >= 0)
    terminal_copy_size (master);
  while (status < 0)
    {
      /* Once the pty hangs up, only signals are left to wait for. */
      if (master >= 0 && terminal_relay (master, sigfd, &err) == 0)
        {
          close (master);
          master = -1;
        }
      status = handle_signal (sigfd, pid, master);
    }
  if (master >= 0)
    {
      drain (master);
      close (master);
    }
  return status;
}

int
rune_run (struct rune_globals *g, int argc, char **argv)
{
  struct rune_create_args args = { 0 };
  cleanup_error ic_error_t err = NULL;
  int master = -1;
  sigset_t set;
  pid_t pid;
  int status;

  if (rune_parse_create_args ("run", argc, argv, usage, &args))
    return 1;
  if (!args.detach)
    args.opts.terminal_master = &master;
  /* Block the signals now, so one that arrives before we wait is relayed, not lost. */
  rune_relayed_signals (&set);
  sigprocmask (SIG_BLOCK, &set, NULL);
  if (container_create (&g->rt, &args.opts, &pid, &err) < 0)
    return rune_fail (&err);
  if (container_start (&g->rt, args.opts.id, &err) < 0)
    {
      rune_fail (&err);
      if (master >= 0)
        close (master);
      if (container_delete (&g->rt, args.opts.id, true, &err) < 0)
        rune_fail (&err);
      return 1;
    }
  if (args.detach)
    return 0;
  ic_debug ("container %s runs as pid %d", args.opts.id, pid);
  status = rune_wait_attached (pid, &set, master);
  ic_debug ("container %s exited with status %d", args.opts.id, status);
  if (!args.keep && container_delete (&g->rt, args.opts.id, false, &err) < 0)
    rune_fail (&err);
  return status;
}
