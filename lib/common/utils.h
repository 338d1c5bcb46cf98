/* Small helpers shared by every library: cleanup attributes, allocation that never returns NULL,
   whole-file I/O and path handling that cannot escape a root directory. */
#ifndef IC_UTILS_H
#define IC_UTILS_H

#include "error.h"
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

void cleanup_freep (void *p);
void cleanup_closep (int *fd);
void cleanup_filep (FILE **f);
void cleanup_dirp (DIR **d);
void cleanup_strvp (char ***v);

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_filep)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_dirp)))
#define cleanup_strv __attribute__ ((cleanup (cleanup_strvp)))

/* Hands a value out of a cleanup variable, so it is not released at scope exit. */
#define steal_pointer(pp)                                                                          \
  ({                                                                                               \
    __typeof__ (*(pp)) stolen_ = *(pp);                                                            \
    *(pp) = NULL;                                                                                  \
    stolen_;                                                                                       \
  })
#define steal_fd(fdp)                                                                              \
  ({                                                                                               \
    int stolen_fd_ = *(fdp);                                                                       \
    *(fdp) = -1;                                                                                   \
    stolen_fd_;                                                                                    \
  })

/* Allocation failures abort: a runtime cannot do anything useful without memory. */
void *xmalloc0 (size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

void strv_free (char **v);
size_t strv_len (char *const *v);
/* A deep copy (NULL for NULL). */
char **strv_dup (const char *const *v);

/* Whether signal sig's default action ends a process. */
bool signal_ends_process (int sig);

/* Reads a whole file (at most max_size bytes, NUL-terminated). dirfd may be AT_FDCWD. */
int read_file_at (int dirfd, const char *path, size_t max_size, char **out, size_t *len,
                  ic_error_t *err);
/* Writes a whole buffer to a new or truncated file. */
int write_file_at (int dirfd, const char *path, const void *buf, size_t len, mode_t mode,
                   ic_error_t *err);
/* Writes into an existing file (sysfs, procfs), failing if it does not exist. */
int write_existing_file (const char *path, const void *buf, size_t len, ic_error_t *err);
/* Atomically replaces dirfd/path (write to a temporary name, then rename). */
int write_file_atomic_at (int dirfd, const char *path, const char *buf, size_t len,
                          ic_error_t *err);
/* Writes pid to path atomically (runc's --pid-file); errors name --pid-file. */
int write_pid_file (const char *path, pid_t pid, ic_error_t *err);
int write_all (int fd, const void *buf, size_t len);
ssize_t read_all (int fd, void *buf, size_t len);

/* Opens path below rootfd, resolving symlinks and ".." as if rootfd were "/" (openat2
   RESOLVE_IN_ROOT), so a hostile rootfs cannot make us touch files outside it. */
int open_in_root (int rootfd, const char *path, int flags, mode_t mode, ic_error_t *err);
/* Creates every missing directory of path below rootfd (same resolution rules); returns an
   O_PATH|O_DIRECTORY fd of the last one. */
int mkdir_p_in_root (int rootfd, const char *path, mode_t mode, ic_error_t *err);
/* Creates path below rootfd as an empty file (or directory if is_dir) when it does not exist,
   creating parents; returns an O_PATH fd usable as a mount target via /proc/self/fd. */
int create_mount_target (int rootfd, const char *path, bool is_dir, ic_error_t *err);

/* AF_UNIX stream sockets by path (close-on-exec): connected, or bound and listening (an
   existing socket file at path is replaced). Errors name the path; a path too long for
   sun_path is ENAMETOOLONG. */
int unix_socket_connect (const char *path, ic_error_t *err);
int unix_socket_listen (const char *path, int backlog, ic_error_t *err);

/* Closes every fd >= first except those listed; marks rather than closes when cloexec. */
int close_fds_from (int first, bool cloexec);

/* "/proc/self/fd/N" for mount(2) and friends. */
#define FD_PATH_SIZE 32
const char *fd_path (char buf[FD_PATH_SIZE], int fd);

bool has_prefix (const char *s, const char *prefix);

/* Sends fd over a unix socket with SCM_RIGHTS, with data as the message (one NUL byte when
   len is 0, since a message needs a byte to carry the fd). */
int send_fd (int sock, int fd, const void *data, size_t len, ic_error_t *err);
/* Receives one message and the fd it carries (*fd = -1 when none); returns the data length. */
ssize_t recv_fd (int sock, int *fd, void *buf, size_t size, ic_error_t *err);

#endif
