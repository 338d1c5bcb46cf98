/* The OCI runtime configuration (config.json) as C structures, parsed and validated with json-c.
   Errors name the JSON path at fault, e.g. "process.args: must be a non-empty array". */
#ifndef CONTAINER_CONFIG_H
#define CONTAINER_CONFIG_H

#include "error.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest config.json we read: far above any real bundle, small enough to bound memory. */
#define OCI_CONFIG_MAX_SIZE (16 * 1024 * 1024)

struct oci_string_pair
{
  char *key;
  char *value;
};

struct oci_hook
{
  char *path;
  char **args; /* NULL-terminated, may be NULL */
  char **env;  /* NULL-terminated, may be NULL */
  int timeout; /* seconds, 0 = none */
};

struct oci_hook_list
{
  struct oci_hook *items;
  size_t len;
};

enum oci_hook_kind
{
  OCI_HOOK_PRESTART,
  OCI_HOOK_CREATE_RUNTIME,
  OCI_HOOK_CREATE_CONTAINER,
  OCI_HOOK_START_CONTAINER,
  OCI_HOOK_POSTSTART,
  OCI_HOOK_POSTSTOP,
  OCI_HOOK_KINDS
};

struct oci_mount
{
  char *destination;
  char *source; /* may be NULL */
  char *type;   /* may be NULL */
  char **options;
};

struct oci_rlimit
{
  int resource; /* RLIMIT_* */
  char *type;
  uint64_t soft;
  uint64_t hard;
};

struct oci_user
{
  uid_t uid;
  gid_t gid;
  bool has_umask;
  mode_t umask;
  gid_t *additional_gids;
  size_t additional_gids_len;
};

/* The five capability sets as bit masks (bit n = capability n). */
enum oci_cap_set
{
  OCI_CAP_BOUNDING,
  OCI_CAP_EFFECTIVE,
  OCI_CAP_INHERITABLE,
  OCI_CAP_PERMITTED,
  OCI_CAP_AMBIENT,
  OCI_CAP_SETS
};

struct oci_capabilities
{
  bool present; /* absent: the process keeps the runtime's capabilities, as runc does */
  uint64_t sets[OCI_CAP_SETS];
  char **unknown; /* names this kernel does not know: logged as warnings, per config.md */
};

struct oci_process
{
  bool terminal;
  unsigned int console_height, console_width; /* 0: not given */
  char *cwd;
  char **args;
  char **env;
  struct oci_user user;
  struct oci_rlimit *rlimits;
  size_t rlimits_len;
  struct oci_capabilities capabilities;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *apparmor_profile;
  char *selinux_label;
};

struct oci_namespace
{
  int type; /* CLONE_NEW* */
  char *type_name;
  char *path; /* NULL: create a new one */
};

struct oci_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct oci_device
{
  char type; /* 'c', 'b', 'u' or 'p' */
  char *path;
  int64_t major;
  int64_t minor;
  bool has_file_mode;
  mode_t file_mode;
  bool has_uid;
  uid_t uid;
  bool has_gid;
  gid_t gid;
};

struct oci_time_offset
{
  int clock; /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */
  int64_t secs;
  uint32_t nanosecs;
};

struct oci_linux
{
  struct oci_namespace *namespaces;
  size_t namespaces_len;
  struct oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  struct oci_device *devices;
  size_t devices_len;
  struct oci_string_pair *sysctl;
  size_t sysctl_len;
  struct oci_time_offset *time_offsets;
  size_t time_offsets_len;
  char *cgroups_path;
  char **masked_paths;
  char **readonly_paths;
  char *rootfs_propagation;
  char *mount_label;
  bool has_personality;
  unsigned long personality; /* PER_LINUX or PER_LINUX32 */
};

struct oci_config
{
  char *oci_version;
  char *root_path;
  bool root_readonly;
  char *hostname;
  char *domainname;
  struct oci_process *process; /* NULL when absent */
  struct oci_mount *mounts;
  size_t mounts_len;
  struct oci_hook_list hooks[OCI_HOOK_KINDS];
  struct oci_string_pair *annotations;
  size_t annotations_len;
  struct oci_linux linux_;
  json_object *json; /* the whole document, for sections parsed by later layers */
};

/* Parses and validates a config.json document. */
int oci_config_parse (const char *data, size_t len, struct oci_config **out, ic_error_t *err);
/* Reads <path> and parses it; errors name the file. */
int oci_config_load (const char *path, struct oci_config **out, ic_error_t *err);
void oci_config_free (struct oci_config *config);

/* Parses a process object alone, for `rune exec --process`; errors name "process.FIELD". */
int oci_process_parse (const char *data, size_t len, struct oci_process **out, ic_error_t *err);
void oci_process_free (struct oci_process *p);
/* Name of a capability set as in config.md ("bounding", ...). */
const char *oci_cap_set_name (enum oci_cap_set set);

/* Lookups used by the runtime and the tests. */
const struct oci_namespace *oci_config_namespace (const struct oci_config *config, int type);
const char *oci_config_annotation (const struct oci_config *config, const char *key);
const char *oci_hook_kind_name (enum oci_hook_kind kind);
/* CLONE_NEW* for an OCI namespace type name, or 0 when unknown. */
int oci_namespace_type (const char *name);

#define cleanup_oci_config __attribute__ ((cleanup (oci_config_freep)))
void oci_config_freep (struct oci_config **config);

#endif
