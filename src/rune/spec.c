/* rune spec: write a config.json template, as runc spec does. */
#include "rune.h"
#include "buildconfig.h"
#include "utils.h"
#include <json-c/json.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[]
    = "Usage: rune spec [OPTIONS]\n"
      "\n"
      "Writes a config.json template for a bundle whose root filesystem is ./rootfs; it runs\n"
      "`sh` with the bundle's stdio. Edit it before use.\n"
      "\n"
      "Options:\n"
      "  -b, --bundle DIR   write DIR/config.json (default: current directory)\n"
      "      --rootless     a template for a user namespace mapping your own uid and gid\n"
      "      --enclave      a template for an enclave container: the skeleton enclave runtime\n"
      "                     (PAL API v3) on the software TEE, image encl.sgxs and SIGSTRUCT\n"
      "                     encl.ss in the rootfs's /run/rune (see docs/enclave.md)\n"
      "  -h, --help         show this help\n";

static const struct option options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "rootless", no_argument, NULL, 'r' },
  { "enclave", no_argument, NULL, 'e' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char template_head[]
    = "{\n"
      "  \"ociVersion\": \"1.2.1\",\n"
      "  \"process\": {\n"
      "    \"terminal\": false,\n"
      "    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
      "    \"args\": [ \"sh\" ],\n"
      "    \"env\": [\n"
      "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
      "      \"TERM=xterm\"\n"
      "    ],\n"
      "    \"cwd\": \"/\",\n"
      "    \"capabilities\": {\n"
      "      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
      "      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
      "      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
      "    },\n"
      "    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
      "    \"noNewPrivileges\": true\n"
      "  },\n"
      "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
      "  \"hostname\": \"rune\",\n"
      "  \"mounts\": [\n"
      "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
      "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
      "      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
      "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
      "      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
      "\"mode=0620\"%s ] },\n"
      "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
      "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] "
      "},\n"
      "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
      "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
      "    { \"destination\": \"/sys\", \"type\": \"%s\", \"source\": \"%s\",\n"
      "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\"%s ] }\n"
      "  ],\n"
      "  \"linux\": {\n";

static const char template_masks[]
    = "    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
      "      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
      "      \"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\", "
      "\"/sys/devices/virtual/powercap\" ],\n"
      "    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\",\n"
      "      \"/proc/sysrq-trigger\" ]\n"
      "  }\n"
      "}\n";

static char *
render (bool rootless)
{
  cleanup_free char *head = NULL, *namespaces = NULL;
  if (!rootless)
    {
      head = xasprintf (template_head, ", \"gid=5\"", "sysfs", "sysfs", "");
      namespaces = xstrdup (
          "    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" },\n"
          "      { \"type\": \"ipc\" }, { \"type\": \"uts\" }, { \"type\": \"mount\" },\n"
          "      { \"type\": \"cgroup\" } ],\n");
    }
  else
    {
      head = xasprintf (template_head, "", "none", "/sys", ", \"rbind\"");
      namespaces = xasprintf (
          "    \"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
          "    \"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
          "    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" "
          "},\n"
          "      { \"type\": \"mount\" }, { \"type\": \"cgroup\" }, { \"type\": \"user\" } ],\n",
          getuid (), getgid ());
    }
  return xasprintf ("%s%s%s", head, namespaces, template_masks);
}

/* Upstream rune's enclave template: cwd /run/rune, the enclave annotations; ours runs the
   skeleton on the software TEE, with a writable root for the payload. */
static char *
render_enclave (const char *text)
{
  json_object *o = json_tokener_parse (text), *process, *root, *annotations;
  char *out;
  json_object_object_get_ex (o, "process", &process);
  json_object_object_get_ex (o, "root", &root);
  json_object_object_add (process, "cwd", json_object_new_string ("/run/rune"));
  json_object_object_add (root, "readonly", json_object_new_boolean (false));
  annotations = json_object_new_object ();
  json_object_object_add (annotations, "enclave.type", json_object_new_string ("sim"));
  json_object_object_add (annotations, "enclave.runtime.path",
                          json_object_new_string (RUNE_SKELETON_DIR "/liberpal-skeleton-v3.so"));
  json_object_object_add (annotations, "enclave.runtime.args",
                          json_object_new_string ("image=encl.sgxs,sigstruct=encl.ss"));
  json_object_object_add (annotations, "enclave.runtime.loglevel", json_object_new_string ("info"));
  json_object_object_add (o, "annotations", annotations);
  out = xasprintf ("%s\n", json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY
                                                                  | JSON_C_TO_STRING_SPACED));
  json_object_put (o);
  return out;
}

int
rune_spec (struct rune_globals *g, int argc, char **argv)
{
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *text = NULL, *path = NULL;
  cleanup_close int fd = -1;
  const char *bundle = ".";
  bool rootless = false, enclave = false;
  int c;

  while ((c = rune_getopt (argc, argv, "+b:h", options, usage)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case 'r':
        rootless = true;
        break;
      case 'e':
        enclave = true;
        break;
      default:
        return rune_usage_error ("spec", "invalid option");
      }
  if (rune_want_args ("spec", argc - optind, 0, 0))
    return 1;
  path = xasprintf ("%s/config.json", bundle);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      ic_error (&err, errno, errno == EEXIST ? "`%s` exists; remove it first" : "create `%s`",
                path);
      return rune_fail (&err);
    }
  text = render (rootless);
  if (enclave)
    {
      char *with = render_enclave (text);
      free (text);
      text = with;
    }
  if (write_all (fd, text, strlen (text)) < 0)
    {
      ic_error (&err, errno, "write `%s`", path);
      unlink (path);
      return rune_fail (&err);
    }
  (void)g;
  return 0;
}
