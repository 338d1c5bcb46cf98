/* The processes of an enclave runtime: each payload runs in its own child (its fds closed but
   for the given stdio, signals reset, killed when the runtime's thread that runs it dies).
   pal_create_process records it (path, arguments, environment, its own copies of the stdio
   fds); pal_exec spawns it and waits. A signal that ends a process, sent before pal_exec,
   ends it without running it. Thread-safe. */
#ifndef SKELETON_PROCESS_H
#define SKELETON_PROCESS_H

#include <inclavare/pal.h>

/* The return values are those of the PAL API: 0 or a negative errno. */
int skel_process_create (const char *path, const char *const *argv, const char *const *env,
                         const struct pal_stdio_fds *stdio, int *id);
/* Runs process id and waits for it: *exit_value is its status, or 128+N after signal N. */
int skel_process_exec (int id, int *exit_value);
/* id -1: every process; 0: the most recently created one. */
int skel_process_kill (int id, int sig);
/* Kills every running process (their pal_exec returns); forgets those never run. */
void skel_process_kill_all (void);

#endif
