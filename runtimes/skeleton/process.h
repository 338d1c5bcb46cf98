/* The processes of an enclave runtime: each payload runs in its own child (forked, its fds
   closed but for the given stdio, signals reset, killed when the runtime's thread that
   created it dies), created stopped at a gate and released by pal_exec. Thread-safe. */
#ifndef SKELETON_PROCESS_H
#define SKELETON_PROCESS_H

#include <inclavare/pal.h>

/* The return values are those of the PAL API: 0 or a negative errno. */
int skel_process_create (const char *path, const char *const *argv, const char *const *env,
                         const struct pal_stdio_fds *stdio, int *id);
/* Releases process id and waits for it: *exit_value is its status, or 128+N after signal N. */
int skel_process_exec (int id, int *exit_value);
/* id -1: every process; 0: the most recently created one. */
int skel_process_kill (int id, int sig);
/* Kills every process; those never released are reaped here. */
void skel_process_kill_all (void);

#endif
