/* Error values returned by every library function: an errno plus a message with context.
   A library never prints; the program decides how to show the error (see DESIGN.md). */
#ifndef IC_ERROR_H
#define IC_ERROR_H

#include <stdarg.h>

#define UNLIKELY(x) __builtin_expect (!!(x), 0)
#define LIKELY(x) __builtin_expect (!!(x), 1)

struct ic_error_s
{
  int status; /* errno value, 0 when the error has no system cause */
  char *msg;
};
typedef struct ic_error_s *ic_error_t;

/* Sets *err (if it is not set yet) and returns -1, so callers can write
   `return ic_error (err, errno, "open `%s`", path);`. */
int ic_error (ic_error_t *err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefixes the message of an existing error with more context; returns -1. */
int ic_error_wrap (ic_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* "msg: strerror(status)" or "msg"; owned by the error. */
const char *ic_error_message (ic_error_t err);

void ic_error_release (ic_error_t *err);

#define cleanup_error __attribute__ ((cleanup (ic_error_release)))

#endif
