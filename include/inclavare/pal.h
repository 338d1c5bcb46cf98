/* The Enclave Runtime PAL API: the C ABI between rune and an enclave runtime.

   An enclave runtime is a shared object exporting the functions below. rune's container init
   (the "init-runelet") dlopens it before pivot_root, so the object is read from the host's
   file system, and then calls it from inside the container, after the container's user,
   capabilities and seccomp profile are in force:

     rune create   pal_get_version, pal_init
     rune start    pal_create_process + pal_exec        (v1: pal_exec)
     rune exec     pal_create_process + pal_exec        (v2, v3)
     rune kill     pal_kill (-1, sig)                   (v2, v3; every signal the init gets)
     rune attest   pal_get_local_report                 (v3)
     payload exit  pal_destroy; the init exits with the payload's exit value

   Versions. pal_get_version returns 1, 2 or 3; an object without it is version 1. rune
   refuses a version above PAL_API_VERSION. The required symbols are: v1 pal_init, pal_exec,
   pal_destroy; v2 adds pal_get_version, pal_create_process, pal_kill; v3 adds
   pal_get_local_report.

   Return values. Every function returns 0 on success or a negative errno value (-EINVAL,
   -ENOENT, ...) on failure; rune reports "pal_X() failed with -N (strerror)".

   Layout. The structures have natural alignment (no packing): this is the ABI upstream rune
   actually calls (its cgo structures), not the `packed` text of the v2 specification; on
   x86-64 every field of pal_create_process_args is 8 bytes and pal_exec_args has pid at
   offset 0 and exit_value at offset 8.

   Threads. rune may call pal_create_process/pal_exec from several threads at once (one per
   `rune exec`), pal_kill from a signal-relaying thread, and pal_get_local_report from the
   agent thread, all after pal_init returned and before pal_destroy is called. */
#ifndef INCLAVARE_PAL_H
#define INCLAVARE_PAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

/* The highest version this header describes and rune accepts. */
#define PAL_API_VERSION 3

  /* ------------------------------------------------------------------ v1 */

  /* pal_init's argument in v1 and v2. args is enclave.runtime.args with its commas turned into
     spaces (runtime-specific options); log_level is enclave.runtime.loglevel, one of "trace",
     "debug", "info", "warning", "error", "fatal", "panic", "off". */
  struct pal_attr_t
  {
    const char *args;
    const char *log_level;
  };
  typedef struct pal_attr_t pal_attr_v1_t;

  /* The payload's standard streams: file descriptors of the calling process, which the runtime
     duplicates into the payload (it does not close them). */
  struct pal_stdio_fds
  {
    int stdin, stdout, stderr;
  };
  typedef struct pal_stdio_fds pal_stdio_fds;

  /* pal_init's argument in v3: the v1 attributes, and a pre-built enclave handed over by the
     enclave pool manager (fd and base address), or fd -1 and addr 0 when there is none. */
  struct pal_attr_v3_t
  {
    pal_attr_v1_t attr_v1;
    int fd;
    uint64_t addr;
  };
  typedef struct pal_attr_v3_t pal_attr_v3_t;

  /* pal_create_process's argument: path and argv (NULL-terminated) of the payload, env its
     environment (NULL-terminated, "NAME=value"), stdio its streams; the runtime stores the
     process's id in *pid. The process is created but does not run until pal_exec. */
  struct pal_create_process_args
  {
    const char *path;
    const char **argv;
    const char **env;
    const struct pal_stdio_fds *stdio;
    int *pid;
  };
  typedef struct pal_create_process_args pal_create_process_args;

  /* pal_exec's argument (v2, v3): runs process pid, waits for it and stores its exit value in
   *exit_value: its exit status, or 128+N when signal N killed it. */
  struct pal_exec_args
  {
    int pid;
    int *exit_value;
  };
  typedef struct pal_exec_args pal_exec_args;

/* The sizes rune passes to pal_get_local_report. */
#define PAL_TARGETINFO_SIZE 512
#define PAL_REPORT_SIZE 432

/* ------------------------------------------------------------------ the functions */

/* A runtime defines PAL_VERSION (1, 2 or 3; default 3) before including this header to get
   the prototypes of that version: pal_init and pal_exec differ between versions. */
#ifndef PAL_VERSION
#define PAL_VERSION PAL_API_VERSION
#endif

#if PAL_VERSION >= 2
  /* Returns the version the runtime implements: 1, 2 or 3. */
  int pal_get_version (void);
#endif

/* Creates the enclave. 0, or -ENOENT (instance missing), -EINVAL, runtime-specific. */
#if PAL_VERSION >= 3
  int pal_init (const pal_attr_v3_t *attr);
#else
int pal_init (const pal_attr_v1_t *attr);
#endif

#if PAL_VERSION == 1
  /* v1: runs path with argv (NULL-terminated; rune passes argv[0] as path) synchronously and
     stores its exit value in *exit_code. There is no environment in v1. */
  int pal_exec (char *path, char *argv[], struct pal_stdio_fds *stdio, int *exit_code);
#else
/* v2, v3: creates the process (it does not run until pal_exec) and stores its id in *pid. */
int pal_create_process (struct pal_create_process_args *args);
/* v2, v3: runs process pid, waits for it and stores its exit value. */
int pal_exec (struct pal_exec_args *args);
/* v2, v3: sends sig to process pid of the runtime; pid -1 means every process, 0 the most
   recently created one. -ESRCH when there is no such process. */
int pal_kill (int pid, int sig);
#endif

#if PAL_VERSION >= 3
  /* v3: the enclave's REPORT (432 bytes) addressed to the enclave described by targetinfo
     (a 512-byte TARGETINFO). *report_len holds the buffer size on entry and the report's size
     on return; -EINVAL when a length is wrong. */
  int pal_get_local_report (void *targetinfo, int targetinfo_len, void *report, int *report_len);
#endif

  /* Releases the enclave. 0, or -ENOSYS. */
  int pal_destroy (void);

  /* ------------------------------------------------------------------ function types */

  /* What rune looks up with dlsym. pal_init's argument is a pal_attr_v1_t (v1, v2) or a
     pal_attr_v3_t (v3); pal_exec's signature depends on the version. */
  typedef int (*pal_get_version_fn) (void);
  typedef int (*pal_init_fn) (const void *attr);
  typedef int (*pal_exec_v1_fn) (char *path, char *argv[], struct pal_stdio_fds *stdio,
                                 int *exit_code);
  typedef int (*pal_create_process_fn) (struct pal_create_process_args *args);
  typedef int (*pal_exec_fn) (struct pal_exec_args *args);
  typedef int (*pal_kill_fn) (int pid, int sig);
  typedef int (*pal_destroy_fn) (void);
  typedef int (*pal_get_local_report_fn) (void *targetinfo, int targetinfo_len, void *report,
                                          int *report_len);

#ifdef __cplusplus
}
#endif

#endif
