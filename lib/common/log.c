#include "log.h"
#include "error.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1; /* -1: stderr in text form */
static bool log_json;
static const char *program_name = "rune";
static enum ic_log_level log_min = IC_LOG_WARNING;

static const char *const level_names[] = { "debug", "info", "warning", "error" };

int
ic_log_init (const char *program, const char *path, const char *format, bool debug, ic_error_t *err)
{
  if (format != NULL && strcmp (format, "json") != 0 && strcmp (format, "text") != 0)
    return ic_error (err, 0, "--log-format: unknown format `%s` (expected text or json)", format);
  program_name = program;
  log_json = format != NULL && strcmp (format, "json") == 0;
  log_min = debug ? IC_LOG_DEBUG : IC_LOG_WARNING;
  if (path != NULL && path[0] != '\0')
    {
      log_fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (log_fd < 0)
        return ic_error (err, errno, "--log: open `%s`", path);
    }
  return 0;
}

static void
write_all_fd (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      buf += n;
      len -= n;
    }
}

static void
format_time (char *buf, size_t size)
{
  struct timeval tv;
  struct tm tm;
  gettimeofday (&tv, NULL);
  gmtime_r (&tv.tv_sec, &tm);
  size_t n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, ".%06ldZ", (long)tv.tv_usec);
}

void
ic_log (enum ic_log_level level, const char *fmt, ...)
{
  char *msg = NULL, *line = NULL;
  char when[64];
  va_list ap;
  int len;

  if (level < log_min)
    return;
  va_start (ap, fmt);
  len = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (len < 0)
    return;
  format_time (when, sizeof (when));
  if (log_json)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "level", json_object_new_string (level_names[level]));
      json_object_object_add (o, "msg", json_object_new_string (msg));
      json_object_object_add (o, "time", json_object_new_string (when));
      len = asprintf (&line, "%s\n",
                      json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN
                                                             | JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_put (o);
    }
  else if (log_fd >= 0)
    len = asprintf (&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level], msg);
  else if (level == IC_LOG_ERROR)
    len = asprintf (&line, "%s: %s\n", program_name, msg);
  else
    len = asprintf (&line, "%s: %s: %s\n", program_name, level_names[level], msg);
  if (len >= 0)
    write_all_fd (log_fd >= 0 ? log_fd : 2, line, len);
  free (line);
  free (msg);
}

bool
ic_log_to_stderr (void)
{
  return log_fd < 0;
}
