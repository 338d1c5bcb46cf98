#include "seccomp-program.h"
#include "utils.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Largest program the kernel loads (BPF_MAXINSNS). */
#define MAX_INSTRUCTIONS 4096

struct name_value
{
  const char *name;
  uint64_t value;
};

static const struct name_value flag_names[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct name_value operator_names[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

#define LEN(a) (sizeof (a) / sizeof ((a)[0]))

static const struct name_value *
find_name (const struct name_value *table, size_t len, const char *name)
{
  for (size_t i = 0; i < len; i++)
    if (strcmp (table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

/* A member of the wrong type is an error; a missing one leaves *out NULL. */
static int
member (json_object *obj, const char *path, const char *key, json_type type, json_object **out,
        ic_error_t *err)
{
  *out = NULL;
  if (!json_object_object_get_ex (obj, key, out) || *out == NULL)
    return 0;
  if (!json_object_is_type (*out, type))
    return ic_error (err, 0, "%s.%s: must be %s", path, key,
                     type == json_type_array    ? "an array"
                     : type == json_type_string ? "a string"
                     : type == json_type_int    ? "an integer"
                                                : "an object");
  return 0;
}

static int
get_uint (json_object *obj, const char *path, const char *key, uint64_t max, bool *present,
          uint64_t *out, ic_error_t *err)
{
  json_object *v;
  if (member (obj, path, key, json_type_int, &v, err) < 0)
    return -1;
  *present = v != NULL;
  if (v == NULL)
    return 0;
  /* json-c keeps values above INT64_MAX unsigned; negative ones are refused. */
  if (json_object_get_int64 (v) < 0 && json_object_get_uint64 (v) == 0)
    return ic_error (err, 0, "%s.%s: must be a non-negative integer", path, key);
  *out = json_object_get_uint64 (v);
  if (*out > max)
    return ic_error (err, 0, "%s.%s: %llu is out of range (max %llu)", path, key,
                     (unsigned long long)*out, (unsigned long long)max);
  return 0;
}

/* The libseccomp action for name; errnoRet only where the action takes one (config-linux.md). */
static int
parse_action (json_object *obj, const char *path, const char *action_key, const char *errno_key,
              uint32_t *out, bool *notify, ic_error_t *err)
{
  json_object *v;
  uint64_t errno_ret = EPERM;
  bool has_errno = false;
  const char *name;

  if (member (obj, path, action_key, json_type_string, &v, err) < 0)
    return -1;
  if (v == NULL)
    return ic_error (err, 0, "%s.%s: is required", path, action_key);
  name = json_object_get_string (v);
  if (get_uint (obj, path, errno_key, 4095, &has_errno, &errno_ret, err) < 0)
    return -1;
  if (has_errno && strcmp (name, "SCMP_ACT_ERRNO") && strcmp (name, "SCMP_ACT_TRACE"))
    return ic_error (err, 0, "%s.%s: `%s` takes no errno", path, errno_key, name);
  if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (errno_ret);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (errno_ret);
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    {
      *out = SCMP_ACT_NOTIFY;
      *notify = true;
    }
  else
    return ic_error (err, 0, "%s.%s: unknown action `%s`", path, action_key, name);
  return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, via its own name table ("x86_64"). */
static int
add_architectures (scmp_filter_ctx ctx, json_object *seccomp, ic_error_t *err)
{
  json_object *archs;
  if (member (seccomp, "linux.seccomp", "architectures", json_type_array, &archs, err) < 0)
    return -1;
  for (size_t i = 0; archs && i < json_object_array_length (archs); i++)
    {
      json_object *a = json_object_array_get_idx (archs, i);
      const char *name = json_object_get_string (a);
      char lower[32];
      uint32_t token = 0;
      size_t n;
      int ret;

      if (!json_object_is_type (a, json_type_string) || strncmp (name, "SCMP_ARCH_", 10) != 0
          || (n = strlen (name + 10)) == 0 || n >= sizeof (lower))
        return ic_error (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture", i);
      for (size_t k = 0; k <= n; k++)
        lower[k] = name[10 + k] >= 'A' && name[10 + k] <= 'Z' ? name[10 + k] + 32 : name[10 + k];
      token = seccomp_arch_resolve_name (lower);
      if (token == 0)
        return ic_error (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture `%s`", i,
                         name);
      ret = seccomp_arch_add (ctx, token);
      if (ret < 0 && ret != -EEXIST)
        return ic_error (err, -ret, "linux.seccomp.architectures[%zu]: add `%s`", i, name);
    }
  return 0;
}

static int
parse_flags (json_object *seccomp, struct seccomp_program *p, ic_error_t *err)
{
  json_object *flags;
  if (member (seccomp, "linux.seccomp", "flags", json_type_array, &flags, err) < 0)
    return -1;
  for (size_t i = 0; flags && i < json_object_array_length (flags); i++)
    {
      json_object *f = json_object_array_get_idx (flags, i);
      const struct name_value *nv
          = json_object_is_type (f, json_type_string)
                ? find_name (flag_names, LEN (flag_names), json_object_get_string (f))
                : NULL;
      if (nv == NULL)
        return ic_error (err, 0, "linux.seccomp.flags[%zu]: unknown flag `%s`", i,
                         json_object_get_string (f));
      p->flags |= nv->value;
    }
  return 0;
}

static int
parse_args (json_object *rule, const char *path, struct scmp_arg_cmp *cmps, unsigned int *len,
            ic_error_t *err)
{
  json_object *args;
  *len = 0;
  if (member (rule, path, "args", json_type_array, &args, err) < 0 || args == NULL)
    return err && *err ? -1 : 0;
  if (json_object_array_length (args) > 6)
    return ic_error (err, 0, "%s.args: at most 6 conditions", path);
  for (size_t i = 0; i < json_object_array_length (args); i++)
    {
      json_object *a = json_object_array_get_idx (args, i), *op;
      cleanup_free char *apath = xasprintf ("%s.args[%zu]", path, i);
      const struct name_value *nv;
      uint64_t index = 0, value = 0, value_two = 0;
      bool present;

      if (!json_object_is_type (a, json_type_object))
        return ic_error (err, 0, "%s: must be an object", apath);
      if (get_uint (a, apath, "index", 5, &present, &index, err) < 0)
        return -1;
      if (!present)
        return ic_error (err, 0, "%s.index: is required", apath);
      if (get_uint (a, apath, "value", UINT64_MAX, &present, &value, err) < 0)
        return -1;
      if (!present)
        return ic_error (err, 0, "%s.value: is required", apath);
      if (get_uint (a, apath, "valueTwo", UINT64_MAX, &present, &value_two, err) < 0
          || member (a, apath, "op", json_type_string, &op, err) < 0)
        return -1;
      nv = op ? find_name (operator_names, LEN (operator_names), json_object_get_string (op))
              : NULL;
      if (nv == NULL)
        return ic_error (err, 0, "%s.op: unknown operator `%s`", apath,
                         op ? json_object_get_string (op) : "(missing)");
      cmps[(*len)++] = (struct scmp_arg_cmp){
        .arg = index, .op = nv->value, .datum_a = value, .datum_b = value_two
      };
    }
  return 0;
}

static bool
same_index_twice (const struct scmp_arg_cmp *cmps, unsigned int len)
{
  for (unsigned int i = 0; i < len; i++)
    for (unsigned int j = i + 1; j < len; j++)
      if (cmps[i].arg == cmps[j].arg)
        return true;
  return false;
}

/* Conditions on distinct arguments must all hold (one rule). libseccomp cannot put two
   conditions on one argument in a rule, so those become one rule each: any of them matching
   triggers the action, as runc does it. */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *cmps,
          unsigned int len)
{
  int ret = 0;
  if (!same_index_twice (cmps, len))
    return seccomp_rule_add_array (ctx, action, nr, len, cmps);
  for (unsigned int i = 0; i < len && ret == 0; i++)
    ret = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
  return ret;
}

static int
add_syscall_rule (scmp_filter_ctx ctx, json_object *rule, size_t index, uint32_t default_action,
                  bool *notify, ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("linux.seccomp.syscalls[%zu]", index);
  struct scmp_arg_cmp cmps[6];
  json_object *names;
  unsigned int ncmps;
  uint32_t action;

  if (!json_object_is_type (rule, json_type_object))
    return ic_error (err, 0, "%s: must be an object", path);
  if (parse_action (rule, path, "action", "errnoRet", &action, notify, err) < 0
      || parse_args (rule, path, cmps, &ncmps, err) < 0
      || member (rule, path, "names", json_type_array, &names, err) < 0)
    return -1;
  if (names == NULL || json_object_array_length (names) == 0)
    return ic_error (err, 0, "%s.names: must contain at least one syscall", path);
  for (size_t i = 0; i < json_object_array_length (names); i++)
    {
      json_object *n = json_object_array_get_idx (names, i);
      int nr, ret;
      if (!json_object_is_type (n, json_type_string))
        return ic_error (err, 0, "%s.names[%zu]: must be a string", path, i);
      /* A name this libseccomp does not know is skipped, as runc and crun do: profiles list
         syscalls of newer kernels. So is a rule that only repeats the default action. */
      nr = seccomp_syscall_resolve_name (json_object_get_string (n));
      if (nr == __NR_SCMP_ERROR || action == default_action)
        continue;
      ret = add_rule (ctx, action, nr, cmps, ncmps);
      if (ret < 0)
        return ic_error (err, -ret, "%s.names[%zu]: add a rule for `%s`", path, i,
                         json_object_get_string (n));
    }
  return 0;
}

static int
export_program (scmp_filter_ctx ctx, struct seccomp_program *p, ic_error_t *err)
{
  cleanup_close int fd = memfd_create ("seccomp", MFD_CLOEXEC);
  off_t size;
  int ret;

  if (fd < 0)
    return ic_error (err, errno, "linux.seccomp: memfd_create");
  ret = seccomp_export_bpf (ctx, fd);
  if (ret < 0)
    return ic_error (err, -ret, "linux.seccomp: export the filter");
  size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof (struct sock_filter)
      || size / sizeof (struct sock_filter) > MAX_INSTRUCTIONS)
    return ic_error (err, E2BIG, "linux.seccomp: the filter has %lld bytes, too large to load",
                     (long long)size);
  p->filter = xmalloc0 (size);
  p->len = size / sizeof (struct sock_filter);
  if (pread (fd, p->filter, size, 0) != size)
    return ic_error (err, errno, "linux.seccomp: read the filter back");
  return 0;
}

static int
parse_listener (json_object *seccomp, bool notify, struct seccomp_program *p, ic_error_t *err)
{
  json_object *path, *metadata;
  if (member (seccomp, "linux.seccomp", "listenerPath", json_type_string, &path, err) < 0
      || member (seccomp, "linux.seccomp", "listenerMetadata", json_type_string, &metadata, err)
             < 0)
    return -1;
  if (metadata && path == NULL)
    return ic_error (err, 0, "linux.seccomp.listenerMetadata: needs listenerPath");
  if (notify && path == NULL)
    return ic_error (err, 0, "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener socket");
  if (!notify)
    return 0; /* the spec: ignored without SCMP_ACT_NOTIFY */
  if (json_object_get_string_len (path) >= (int)sizeof (((struct sockaddr_un *)0)->sun_path))
    return ic_error (err, ENAMETOOLONG, "linux.seccomp.listenerPath");
  p->listener_path = xstrdup (json_object_get_string (path));
  p->listener_metadata = metadata ? xstrdup (json_object_get_string (metadata)) : NULL;
  p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return 0;
}

static int
compile (scmp_filter_ctx ctx, json_object *seccomp, uint32_t default_action, bool notify,
         struct seccomp_program *p, ic_error_t *err)
{
  json_object *rules;
  if (add_architectures (ctx, seccomp, err) < 0 || parse_flags (seccomp, p, err) < 0
      || member (seccomp, "linux.seccomp", "syscalls", json_type_array, &rules, err) < 0)
    return -1;
  for (size_t i = 0; rules && i < json_object_array_length (rules); i++)
    if (add_syscall_rule (ctx, json_object_array_get_idx (rules, i), i, default_action, &notify,
                          err)
        < 0)
      return -1;
  if (parse_listener (seccomp, notify, p, err) < 0)
    return -1;
  /* rune sets no_new_privs itself, as process.noNewPrivileges says. */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  return export_program (ctx, p, err);
}

int
seccomp_program_compile (json_object *seccomp, struct seccomp_program **out, ic_error_t *err)
{
  cleanup_seccomp_program struct seccomp_program *p = NULL;
  uint32_t default_action;
  bool notify = false;
  scmp_filter_ctx ctx;
  int ret;

  *out = NULL;
  if (seccomp == NULL)
    return 0;
  if (!json_object_is_type (seccomp, json_type_object))
    return ic_error (err, 0, "linux.seccomp: must be an object");
  if (parse_action (seccomp, "linux.seccomp", "defaultAction", "defaultErrnoRet", &default_action,
                    &notify, err)
      < 0)
    return -1;
  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return ic_error (err, EINVAL, "linux.seccomp: initialize libseccomp");
  p = xmalloc0 (sizeof (*p));
  ret = compile (ctx, seccomp, default_action, notify, p, err);
  seccomp_release (ctx);
  if (ret < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

int
seccomp_program_load (const struct seccomp_program *p, int *notify_fd, ic_error_t *err)
{
  struct sock_fprog prog = { .len = p->len, .filter = p->filter };
  long ret = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);

  *notify_fd = -1;
  if (ret < 0)
    return ic_error (err, errno, "linux.seccomp: load the filter");
  if (p->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
    *notify_fd = ret;
  return 0;
}

/* The container process state (config-linux.md), naming the one fd sent with it. */
static char *
process_state_json (const struct seccomp_program *p, pid_t pid, const char *state_json)
{
  json_object *o = json_object_new_object (), *fds = json_object_new_array ();
  json_object *state = json_tokener_parse (state_json);
  char *text;

  json_object_object_add (o, "ociVersion", json_object_new_string ("1.2.1"));
  json_object_array_add (fds, json_object_new_string ("seccompFd"));
  json_object_object_add (o, "fds", fds);
  json_object_object_add (o, "pid", json_object_new_int (pid));
  if (p->listener_metadata)
    json_object_object_add (o, "metadata", json_object_new_string (p->listener_metadata));
  json_object_object_add (o, "state", state ? state : json_object_new_object ());
  text = xstrdup (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
  json_object_put (o);
  return text;
}

int
seccomp_send_to_listener (const struct seccomp_program *p, int notify_fd, pid_t pid,
                          const char *state_json, ic_error_t *err)
{
  cleanup_close int sock = unix_socket_connect (p->listener_path, err);
  cleanup_free char *msg = NULL;

  if (sock < 0)
    return ic_error_wrap (err, "linux.seccomp.listenerPath");
  msg = process_state_json (p, pid, state_json);
  if (send_fd (sock, notify_fd, msg, strlen (msg), err) < 0)
    return ic_error_wrap (err, "linux.seccomp.listenerPath `%s`", p->listener_path);
  return 0;
}

void
seccomp_program_free (struct seccomp_program *p)
{
  if (p == NULL)
    return;
  free (p->filter);
  free (p->listener_path);
  free (p->listener_metadata);
  free (p);
}

void
seccomp_program_freep (struct seccomp_program **p)
{
  seccomp_program_free (*p);
}
