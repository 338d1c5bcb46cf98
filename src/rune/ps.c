/* rune ps: the processes of a container. */
#include "rune.h"
#include "utils.h"
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[]
    = "Usage: rune ps [OPTIONS] CONTAINER-ID [-- PS-OPTIONS...]\n"
      "\n"
      "Shows the processes of a container: with --format json the array of their pids, as\n"
      "runc prints it; else the output of ps(1) (default options -ef, or PS-OPTIONS) limited\n"
      "to the container's processes.\n"
      "\n"
      "Options:\n"
      "  -f, --format FORMAT   table (default) or json\n"
      "  -h, --help            show this help\n";

static const struct option options[] = {
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static bool
contains (const pid_t *pids, size_t len, long pid)
{
  for (size_t i = 0; i < len; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Runs ps with the given options and keeps the header and the container's lines. */
static int
print_table (const pid_t *pids, size_t len, char **ps_options)
{
  size_t n = strv_len (ps_options);
  cleanup_free char **argv = xmalloc0 ((n + 3) * sizeof (char *));
  cleanup_file FILE *out = NULL;
  char *line = NULL;
  size_t size = 0;
  int pid_column = -1, fds[2], status;
  pid_t child;

  argv[0] = "ps";
  if (n == 0)
    argv[1] = "-ef";
  for (size_t i = 0; i < n; i++)
    argv[i + 1] = ps_options[i];
  if (pipe2 (fds, O_CLOEXEC) < 0 || (child = fork ()) < 0)
    return 1;
  if (child == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", argv);
      _exit (127);
    }
  close (fds[1]);
  out = fdopen (fds[0], "r");
  while (out && getline (&line, &size, out) > 0)
    {
      if (pid_column < 0)
        {
          /* The header names the PID column. */
          cleanup_free char *copy = xstrdup (line);
          char *save = NULL;
          int col = 0;
          for (char *w = strtok_r (copy, " \t\n", &save); w;
               w = strtok_r (NULL, " \t\n", &save), col++)
            if (strcmp (w, "PID") == 0)
              pid_column = col;
          if (pid_column < 0)
            {
              fprintf (stderr, "rune ps: the ps output has no PID column\n");
              break;
            }
          fputs (line, stdout);
          continue;
        }
      {
        cleanup_free char *copy = xstrdup (line);
        char *save = NULL, *w = strtok_r (copy, " \t\n", &save);
        for (int col = 0; w && col < pid_column; col++)
          w = strtok_r (NULL, " \t\n", &save);
        if (w && contains (pids, len, strtol (w, NULL, 10)))
          fputs (line, stdout);
      }
    }
  free (line);
  waitpid (child, &status, 0);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 && pid_column >= 0 ? 0 : 1;
}

int
rune_ps (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free pid_t *pids = NULL;
  const char *format = "table";
  size_t len = 0;
  int c;

  while ((c = rune_getopt (argc, argv, "+f:h", options, usage)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      default:
        return 1;
      }
  if (strcmp (format, "table") && strcmp (format, "json"))
    return rune_usage_error ("ps", "--format: `%s` is neither table nor json", format);
  if (rune_want_args ("ps", argc - optind, 1, -1))
    return 1;
  if (container_pids (&g->rt, argv[optind], &pids, &len, &err) < 0)
    return rune_fail (&err);
  if (strcmp (format, "json") == 0)
    {
      json_object *array = json_object_new_array ();
      for (size_t i = 0; i < len; i++)
        json_object_array_add (array, json_object_new_int (pids[i]));
      puts (json_object_to_json_string_ext (array, JSON_C_TO_STRING_PLAIN));
      json_object_put (array);
      return 0;
    }
  /* getopt stopped at the id: the "--" before ps options is still there. */
  argv += optind + 1;
  if (argv[0] && strcmp (argv[0], "--") == 0)
    argv++;
  return print_table (pids, len, argv);
}
