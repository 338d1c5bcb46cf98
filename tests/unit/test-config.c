/* Unit tests of the config.json parser: every field of a full config, then the bad cases with
   the JSON path the error must name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "config.h"
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char full_config[]
    = "{\"ociVersion\":\"1.2.1\","
      "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
      "\"hostname\":\"h\",\"domainname\":\"d\","
      "\"process\":{\"terminal\":false,\"cwd\":\"/w\",\"args\":[\"sh\",\"-c\",\"x\"],"
      "\"env\":[\"A=1\",\"B=\"],\"noNewPrivileges\":true,\"oomScoreAdj\":-17,"
      "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,6]},"
      "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20},"
      "{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":18446744073709551615}]},"
      "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/data\",\"source\":\"/srv\",\"options\":[\"rbind\",\"ro\"]}],"
      "\"hooks\":{\"prestart\":[{\"path\":\"/bin/a\",\"args\":[\"a\",\"1\"],\"env\":[\"X=1\"],"
      "\"timeout\":5}],\"poststop\":[{\"path\":\"/bin/b\"},{\"path\":\"/bin/c\"}]},"
      "\"annotations\":{\"k\":\"v\"},"
      "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},"
      "{\"type\":\"user\"},{\"type\":\"time\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}],"
      "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
      "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
      "\"timeOffsets\":{\"boottime\":{\"secs\":-5,\"nanosecs\":7}},"
      "\"devices\":[{\"type\":\"c\",\"path\":\"/dev/fuse\",\"major\":10,\"minor\":229,"
      "\"fileMode\":438,\"uid\":0,\"gid\":0},{\"type\":\"p\",\"path\":\"/dev/fifo\"}],"
      "\"sysctl\":{\"kernel.shmmax\":\"1\"},\"cgroupsPath\":\"/a/b\","
      "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
      "\"rootfsPropagation\":\"rslave\"}}";

static struct oci_config *
parse_ok (const char *json)
{
  struct oci_config *config = NULL;
  ic_error_t err = NULL;
  int ret = oci_config_parse (json, strlen (json), &config, &err);
  if (ret < 0)
    fail_msg ("unexpected error: %s", ic_error_message (err));
  return config;
}

static void
test_full_config (void **state)
{
  struct oci_config *c = parse_ok (full_config);
  const struct oci_linux *l = &c->linux_;

  assert_string_equal (c->oci_version, "1.2.1");
  assert_string_equal (c->root_path, "rootfs");
  assert_true (c->root_readonly);
  assert_string_equal (c->hostname, "h");
  assert_string_equal (c->domainname, "d");
  assert_string_equal (c->process->cwd, "/w");
  assert_string_equal (c->process->args[2], "x");
  assert_null (c->process->args[3]);
  assert_string_equal (c->process->env[1], "B=");
  assert_true (c->process->no_new_privileges);
  assert_true (c->process->has_oom_score_adj);
  assert_int_equal (c->process->oom_score_adj, -17);
  assert_int_equal (c->process->user.uid, 1000);
  assert_int_equal (c->process->user.gid, 100);
  assert_true (c->process->user.has_umask);
  assert_int_equal (c->process->user.umask, 022);
  assert_int_equal (c->process->user.additional_gids_len, 2);
  assert_int_equal (c->process->user.additional_gids[1], 6);
  assert_int_equal (c->process->rlimits_len, 2);
  assert_int_equal (c->process->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal (c->process->rlimits[1].hard, UINT64_MAX);
  assert_int_equal (c->mounts_len, 2);
  assert_string_equal (c->mounts[1].source, "/srv");
  assert_string_equal (c->mounts[1].options[1], "ro");
  assert_null (c->mounts[1].type);
  assert_int_equal (c->hooks[OCI_HOOK_PRESTART].len, 1);
  assert_int_equal (c->hooks[OCI_HOOK_PRESTART].items[0].timeout, 5);
  assert_string_equal (c->hooks[OCI_HOOK_PRESTART].items[0].env[0], "X=1");
  assert_int_equal (c->hooks[OCI_HOOK_POSTSTOP].len, 2);
  assert_int_equal (c->hooks[OCI_HOOK_CREATE_RUNTIME].len, 0);
  assert_string_equal (oci_config_annotation (c, "k"), "v");
  assert_null (oci_config_annotation (c, "nope"));
  assert_int_equal (l->namespaces_len, 6);
  assert_string_equal (oci_config_namespace (c, CLONE_NEWNET)->path, "/run/netns/x");
  assert_null (oci_config_namespace (c, CLONE_NEWIPC));
  assert_int_equal (l->uid_mappings[0].host_id, 100000);
  assert_int_equal (l->gid_mappings[0].size, 65536);
  assert_int_equal (l->time_offsets_len, 1);
  assert_int_equal (l->time_offsets[0].clock, CLOCK_BOOTTIME);
  assert_int_equal (l->time_offsets[0].secs, -5);
  assert_int_equal (l->devices_len, 2);
  assert_int_equal (l->devices[0].type, 'c');
  assert_int_equal (l->devices[0].file_mode, 0666);
  assert_int_equal (l->devices[1].type, 'p');
  assert_string_equal (l->sysctl[0].key, "kernel.shmmax");
  assert_string_equal (l->cgroups_path, "/a/b");
  assert_string_equal (l->masked_paths[0], "/proc/kcore");
  assert_string_equal (l->readonly_paths[0], "/proc/sys");
  assert_string_equal (l->rootfs_propagation, "rslave");
  oci_config_free (c);
}

static void
test_minimal_config (void **state)
{
  struct oci_config *c = parse_ok ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}\n");
  assert_null (c->process);
  assert_int_equal (c->mounts_len, 0);
  assert_false (c->root_readonly);
  oci_config_free (c);
}

/* A bad config and the text its error must contain. */
static const struct
{
  const char *json;
  const char *error;
} bad_configs[] = {
  { "", "invalid JSON" },
  { "{", "invalid JSON" },
  { "{} x", "invalid JSON" },
  { "[]", "config: must be a JSON object" },
  { "{}", "ociVersion: is required" },
  { "{\"ociVersion\":1}", "ociVersion: must be a string" },
  { "{\"ociVersion\":\"1.0\"}", "ociVersion: `1.0` is not a SemVer" },
  { "{\"ociVersion\":\"01.0.0\"}", "is not a SemVer" },
  { "{\"ociVersion\":\"1.0.0x\"}", "is not a SemVer" },
  { "{\"ociVersion\":\"2.0.0\"}", "ociVersion: unsupported version" },
  { "{\"ociVersion\":\"1.0.0\"}", "root: is required" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{}}", "root.path: is required" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"\"}}", "root.path: must not be empty" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\",\"readonly\":1}}",
    "root.readonly: must be a boolean" },
#define ROOT "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
  { ROOT "\"process\":{\"cwd\":\"/\"}}", "process.args: must be a non-empty array" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[]}}", "process.args: must be a non-empty array" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[1]}}", "process.args[0]: must be a string" },
  { ROOT "\"process\":{\"args\":[\"a\"]}}", "process.cwd: is required" },
  { ROOT "\"process\":{\"cwd\":\"w\",\"args\":[\"a\"]}}", "process.cwd: must be an absolute path" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"env\":[\"A\"]}}",
    "process.env[0]: `A` is not of the form KEY=VALUE" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"gid\":0}}}",
    "process.user.uid: is required" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"uid\":-1,\"gid\":0}}}",
    "process.user.uid: must be an integer between" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"uid\":\"0\",\"gid\":0}}}",
    "process.user.uid: must be a number" },
  { ROOT
    "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"uid\":0,\"gid\":0,\"umask\":4096}}}",
    "process.user.umask: must be an integer between" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"uid\":0,\"gid\":0,"
         "\"additionalGids\":[-3]}}}",
    "process.user.additionalGids[0]: must be a group id" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"oomScoreAdj\":1001}}",
    "process.oomScoreAdj: must be an integer between -1000 and 1000" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_FOO\","
         "\"soft\":1,\"hard\":1}]}}",
    "process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
         "\"soft\":1,\"hard\":1},{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1}]}}",
    "process.rlimits[1].type: duplicate rlimit `RLIMIT_CORE`" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
         "\"soft\":2,\"hard\":1}]}}",
    "process.rlimits[0]: soft limit 2 is above hard limit 1" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
         "\"soft\":-1,\"hard\":1}]}}",
    "process.rlimits[0].soft: must be a non-negative integer" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
         "\"soft\":1}]}}",
    "process.rlimits[0].hard: is required" },
  { ROOT "\"mounts\":[{}]}", "mounts[0].destination: is required" },
  { ROOT "\"mounts\":[{\"destination\":\"/a\"},3]}", "mounts[1]: must be an object" },
  { ROOT "\"mounts\":{}}", "mounts: must be an array" },
  { ROOT "\"mounts\":[{\"destination\":\"/a\",\"options\":\"ro\"}]}",
    "mounts[0].options: must be an array" },
  { ROOT "\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[]}]}", "idmapped mounts" },
  { ROOT "\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]}}",
    "hooks.prestart[0].path: must be an absolute path" },
  { ROOT "\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}}",
    "hooks.poststop[0].timeout: must be greater than zero" },
  { ROOT "\"hooks\":{\"createRuntime\":[{}]}}", "hooks.createRuntime[0].path: is required" },
  { ROOT "\"annotations\":{\"a\":1}}", "annotations.a: must be a string" },
  { ROOT "\"linux\":[]}", "linux: must be an object" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"foo\"}]}}",
    "linux.namespaces[0].type: unknown namespace type `foo`" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
    "linux.namespaces[1].type: duplicate namespace `pid`" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"net\"}]}}", "unknown namespace type `net`" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"x\"}]}}",
    "linux.namespaces[0].path: must be an absolute path" },
  { ROOT "\"linux\":{\"devices\":[{\"type\":\"x\",\"path\":\"/dev/a\"}]}}",
    "linux.devices[0].type: unknown device type `x`" },
  { ROOT "\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/a\",\"minor\":1}]}}",
    "linux.devices[0].major: is required" },
  { ROOT "\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"dev/a\",\"major\":1,\"minor\":1}]}}",
    "linux.devices[0].path: must be an absolute path" },
  { ROOT "\"linux\":{\"rootfsPropagation\":\"sideways\"}}",
    "linux.rootfsPropagation: unknown propagation `sideways`" },
  { ROOT "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
    "linux.uidMappings: mappings need a new user namespace" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
    "a new user namespace needs uidMappings and gidMappings" },
  { ROOT "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}]}}",
    "linux.uidMappings[0].size: must be an integer between 1" },
  { ROOT "\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}",
    "linux.timeOffsets: offsets need a new time namespace" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"realtime\":{}}}}",
    "linux.timeOffsets.realtime: unknown clock" },
  { ROOT "\"linux\":{\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"boottime\":"
         "{\"nanosecs\":1000000000}}}}",
    "linux.timeOffsets.boottime.nanosecs: must be an integer between" },
  { ROOT "\"hostname\":\"h\"}", "hostname: setting the hostname needs a uts namespace" },
  { ROOT "\"linux\":{\"sysctl\":{\"a\":1}}}", "linux.sysctl.a: must be a string" },
  { ROOT "\"linux\":{\"maskedPaths\":[1]}}", "linux.maskedPaths[0]: must be a string" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"user\":{\"uid\":1e3,\"gid\":0}}}",
    "process.user.uid: must be a number" },
  { ROOT "\"process\":{\"cwd\":\"/\",\"args\":[\"a\"],\"oomScoreAdj\":99999999999999999999999}}",
    "process.oomScoreAdj" },
};

static void
test_bad_configs (void **state)
{
  for (size_t i = 0; i < sizeof (bad_configs) / sizeof (bad_configs[0]); i++)
    {
      struct oci_config *config = NULL;
      ic_error_t err = NULL;
      int ret = oci_config_parse (bad_configs[i].json, strlen (bad_configs[i].json), &config, &err);
      if (ret == 0)
        fail_msg ("accepted bad config %zu: %s", i, bad_configs[i].json);
      assert_null (config);
      assert_non_null (err);
      if (strstr (ic_error_message (err), bad_configs[i].error) == NULL)
        fail_msg ("config %zu: error `%s` does not contain `%s`", i, ic_error_message (err),
                  bad_configs[i].error);
      ic_error_release (&err);
    }
}

static void
test_deep_nesting (void **state)
{
  /* Deeper than json-c's limit: an error, not a stack overflow. */
  size_t depth = 100000;
  char *json = test_malloc (2 * depth + 1);
  struct oci_config *config = NULL;
  ic_error_t err = NULL;
  memset (json, '[', depth);
  memset (json + depth, ']', depth);
  json[2 * depth] = '\0';
  assert_int_equal (oci_config_parse (json, 2 * depth, &config, &err), -1);
  assert_non_null (strstr (ic_error_message (err), "invalid JSON"));
  ic_error_release (&err);
  test_free (json);
}

static void
test_embedded_nul (void **state)
{
  static const char json[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}\0garbage";
  struct oci_config *config = NULL;
  ic_error_t err = NULL;
  assert_int_equal (oci_config_parse (json, sizeof (json) - 1, &config, &err), -1);
  ic_error_release (&err);
}

static void
test_namespace_names (void **state)
{
  assert_int_equal (oci_namespace_type ("network"), CLONE_NEWNET);
  assert_int_equal (oci_namespace_type ("mount"), CLONE_NEWNS);
  assert_int_equal (oci_namespace_type ("time"), CLONE_NEWTIME);
  assert_int_equal (oci_namespace_type ("cgroup"), CLONE_NEWCGROUP);
  assert_int_equal (oci_namespace_type ("bogus"), 0);
  assert_string_equal (oci_hook_kind_name (OCI_HOOK_START_CONTAINER), "startContainer");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_full_config),  cmocka_unit_test (test_minimal_config),
    cmocka_unit_test (test_bad_configs),  cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_embedded_nul), cmocka_unit_test (test_namespace_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
