#include "oci-features.h"
#include "buildconfig.h"
#include "config.h"
#include "mounts.h"
#include <sys/capability.h>

#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.2.1"

static json_object *
string_array (const char *const *names, size_t len)
{
  json_object *a = json_object_new_array ();
  for (size_t i = 0; i < len; i++)
    json_object_array_add (a, json_object_new_string (names[i]));
  return a;
}

#define STRINGS(...)                                                                               \
  string_array ((const char *const[]){ __VA_ARGS__ },                                              \
                sizeof ((const char *const[]){ __VA_ARGS__ }) / sizeof (const char *))

static json_object *
enabled (bool on)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "enabled", json_object_new_boolean (on));
  return o;
}

static json_object *
capabilities (void)
{
  json_object *a = json_object_new_array ();
  /* Names known when rune was built: CAP_LAST_CAP of the build's kernel headers. */
  for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++)
    {
      char *name = cap_to_name (cap), *c;
      for (c = name; c && *c; c++)
        *c = *c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c;
      json_object_array_add (a, json_object_new_string (name));
      cap_free (name);
    }
  return a;
}

static json_object *
cgroup (void)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "v1", json_object_new_boolean (true));
  json_object_object_add (o, "v2", json_object_new_boolean (true));
  /* --systemd-cgroup places cgroups by systemd's naming, without systemd's D-Bus API. */
  json_object_object_add (o, "systemd", json_object_new_boolean (false));
  json_object_object_add (o, "systemdUser", json_object_new_boolean (false));
  json_object_object_add (o, "rdma", json_object_new_boolean (false));
  return o;
}

static json_object *
seccomp (void)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "enabled", json_object_new_boolean (true));
  json_object_object_add (o, "actions",
                          STRINGS ("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                                   "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                   "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"));
  json_object_object_add (o, "operators",
                          STRINGS ("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                   "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
  json_object_object_add (o, "archs",
                          STRINGS ("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS",
                                   "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
                                   "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
                                   "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
                                   "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
                                   "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"));
  json_object_object_add (o, "knownFlags",
                          STRINGS ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                   "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                   "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  json_object_object_add (o, "supportedFlags",
                          STRINGS ("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                   "SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
  return o;
}

static json_object *
linux_features (void)
{
  json_object *o = json_object_new_object ();
  json_object *mount_ext = json_object_new_object ();
  json_object_object_add (
      o, "namespaces", STRINGS ("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
  json_object_object_add (o, "capabilities", capabilities ());
  json_object_object_add (o, "cgroup", cgroup ());
  json_object_object_add (o, "seccomp", seccomp ());
  json_object_object_add (o, "apparmor", enabled (true));
  json_object_object_add (o, "selinux", enabled (true));
  json_object_object_add (o, "intelRdt", enabled (false));
  json_object_object_add (mount_ext, "idmap", enabled (false));
  json_object_object_add (o, "mountExtensions", mount_ext);
  return o;
}

json_object *
container_features (void)
{
  json_object *o = json_object_new_object ();
  json_object *mount_options = json_object_new_array ();
  json_object *hooks = json_object_new_array ();
  json_object *annotations = json_object_new_object ();
  const char *name;

  json_object_object_add (o, "ociVersionMin", json_object_new_string (OCI_VERSION_MIN));
  json_object_object_add (o, "ociVersionMax", json_object_new_string (OCI_VERSION_MAX));
  for (int kind = 0; kind < OCI_HOOK_KINDS; kind++)
    json_object_array_add (hooks, json_object_new_string (oci_hook_kind_name (kind)));
  json_object_object_add (o, "hooks", hooks);
  for (size_t i = 0; (name = mount_option_name (i)) != NULL; i++)
    json_object_array_add (mount_options, json_object_new_string (name));
  json_object_array_add (mount_options, json_object_new_string ("tmpcopyup"));
  json_object_object_add (o, "mountOptions", mount_options);
  json_object_object_add (o, "linux", linux_features ());
  json_object_object_add (annotations, "io.github.inclavare-containers.rune.version",
                          json_object_new_string (PACKAGE_VERSION));
  json_object_object_add (o, "annotations", annotations);
  return o;
}
