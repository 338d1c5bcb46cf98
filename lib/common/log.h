/* Program-side logging: text or JSON lines (runc's --log/--log-format), to a file or stderr.
   Libraries do not log; only programs call these. */
#ifndef IC_LOG_H
#define IC_LOG_H

#include <stdbool.h>

enum ic_log_level
{
  IC_LOG_DEBUG,
  IC_LOG_INFO,
  IC_LOG_WARNING,
  IC_LOG_ERROR,
};

struct ic_error_s;

/* program prefixes text lines on stderr. path NULL means stderr. format is "text" or "json".
 * Returns -1 and sets err on failure. */
int ic_log_init (const char *program, const char *path, const char *format, bool debug,
                 struct ic_error_s **err);
/* True when log lines go to stderr, so the caller need not print errors twice. */
bool ic_log_to_stderr (void);
void ic_log (enum ic_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#define ic_debug(...) ic_log (IC_LOG_DEBUG, __VA_ARGS__)
#define ic_warning(...) ic_log (IC_LOG_WARNING, __VA_ARGS__)

#endif
