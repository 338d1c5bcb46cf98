/* Logging macros for applications, with upstream's names (RTLS_DEBUG ... RTLS_FATAL). The
   library itself never prints; these print to stderr from the application, filtered by
   global_log_level (set it from the -l flag or RATS_TLS_GLOBAL_LOG_LEVEL). */
#ifndef RATS_TLS_LOG_H
#define RATS_TLS_LOG_H

#include "api.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rats_tls_log_level_t global_log_level __attribute__ ((unused)) = RATS_TLS_LOG_LEVEL_DEFAULT;

/* RATS_TLS_GLOBAL_LOG_LEVEL: debug, info, warn, error, fatal or off. */
static inline rats_tls_log_level_t __attribute__ ((unused)) rtls_log_level_from_env (void)
{
  static const char *names[] = { "debug", "info", "warn", "error", "fatal", "off" };
  const char *v = getenv ("RATS_TLS_GLOBAL_LOG_LEVEL");
  for (int i = 0; v && i < 6; i++)
    if (strcmp (v, names[i]) == 0)
      return (rats_tls_log_level_t)i;
  return RATS_TLS_LOG_LEVEL_DEFAULT;
}

#define RTLS_LOG(level, tag, fmt, ...)                                                             \
  do                                                                                               \
    {                                                                                              \
      if ((level) >= global_log_level && global_log_level < RATS_TLS_LOG_LEVEL_NONE)               \
        fprintf (stderr, "[" tag "] %s()@L%d: " fmt, __func__, __LINE__, ##__VA_ARGS__);           \
    }                                                                                              \
  while (0)

#define RTLS_DEBUG(fmt, ...) RTLS_LOG (RATS_TLS_LOG_LEVEL_DEBUG, "DEBUG", fmt, ##__VA_ARGS__)
#define RTLS_INFO(fmt, ...) RTLS_LOG (RATS_TLS_LOG_LEVEL_INFO, "INFO", fmt, ##__VA_ARGS__)
#define RTLS_WARN(fmt, ...) RTLS_LOG (RATS_TLS_LOG_LEVEL_WARN, "WARN", fmt, ##__VA_ARGS__)
#define RTLS_ERR(fmt, ...) RTLS_LOG (RATS_TLS_LOG_LEVEL_ERROR, "ERROR", fmt, ##__VA_ARGS__)
#define RTLS_FATAL(fmt, ...) RTLS_LOG (RATS_TLS_LOG_LEVEL_FATAL, "FATAL", fmt, ##__VA_ARGS__)

#endif
