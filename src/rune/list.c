/* rune list: the containers under the root. */
#include "rune.h"
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "Usage: rune list [OPTIONS]\n"
                            "\n"
                            "Lists the containers under the root directory.\n"
                            "\n"
                            "Options:\n"
                            "  -f, --format FORMAT   table (default) or json\n"
                            "  -q, --quiet           print the container ids only\n"
                            "  -h, --help            show this help\n";

static const struct option options[] = {
  { "format", required_argument, NULL, 'f' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char *
owner_name (uid_t uid, char *buf, size_t size)
{
  struct passwd *pw = getpwuid (uid);
  if (pw)
    return pw->pw_name;
  snprintf (buf, size, "#%u", uid);
  return buf;
}

static void
print_json (const struct container_info *list, size_t len)
{
  json_object *array = json_object_new_array ();
  char buf[32];

  for (size_t i = 0; i < len; i++)
    {
      const struct container_state *s = &list[i].state;
      json_object *o = json_object_new_object (), *annotations = json_object_new_object ();
      json_object_object_add (o, "ociVersion", json_object_new_string ("1.2.1"));
      json_object_object_add (o, "id", json_object_new_string (s->id));
      json_object_object_add (
          o, "pid", json_object_new_int (list[i].status == CONTAINER_STOPPED ? 0 : s->pid));
      json_object_object_add (o, "status",
                              json_object_new_string (container_status_name (list[i].status)));
      json_object_object_add (o, "bundle", json_object_new_string (s->bundle));
      json_object_object_add (o, "rootfs", json_object_new_string (s->rootfs ? s->rootfs : ""));
      json_object_object_add (o, "created", json_object_new_string (s->created ? s->created : ""));
      for (char **a = s->annotations; a && a[0] && a[1]; a += 2)
        json_object_object_add (annotations, a[0], json_object_new_string (a[1]));
      json_object_object_add (o, "annotations", annotations);
      json_object_object_add (o, "owner",
                              json_object_new_string (owner_name (s->owner, buf, sizeof (buf))));
      json_object_array_add (array, o);
    }
  puts (json_object_to_json_string_ext (array,
                                        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (array);
}

static void
print_table (const struct container_info *list, size_t len)
{
  size_t id_width = 2;
  char buf[32];

  for (size_t i = 0; i < len; i++)
    if (strlen (list[i].state.id) > id_width)
      id_width = strlen (list[i].state.id);
  printf ("%-*s   %-8s %-10s %-40s %-30s %s\n", (int)id_width, "ID", "PID", "STATUS", "BUNDLE",
          "CREATED", "OWNER");
  for (size_t i = 0; i < len; i++)
    {
      const struct container_state *s = &list[i].state;
      printf ("%-*s   %-8d %-10s %-40s %-30s %s\n", (int)id_width, s->id,
              list[i].status == CONTAINER_STOPPED ? 0 : s->pid,
              container_status_name (list[i].status), s->bundle, s->created ? s->created : "",
              owner_name (s->owner, buf, sizeof (buf)));
    }
}

int
rune_list (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  struct container_info *list = NULL;
  const char *format = "table";
  bool quiet = false;
  size_t len;
  int c;

  while ((c = rune_getopt (argc, argv, "+f:qh", options, usage)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      default:
        return rune_usage_error ("list", "invalid option");
      }
  if (strcmp (format, "table") && strcmp (format, "json"))
    return rune_usage_error ("list", "--format: `%s` is not table or json", format);
  if (rune_want_args ("list", argc - optind, 0, 0))
    return 1;
  if (container_list (&g->rt, &list, &len, &err) < 0)
    return rune_fail (&err);
  if (quiet)
    for (size_t i = 0; i < len; i++)
      puts (list[i].state.id);
  else if (strcmp (format, "json") == 0)
    print_json (list, len);
  else
    print_table (list, len);
  container_list_free (list, len);
  return 0;
}
