#include "config.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <time.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The JSON path of the value being parsed, for error messages ("linux.devices[2].path"). */
struct path
{
  const struct path *parent;
  const char *key; /* NULL for an array element */
  size_t index;
};

static void
path_format (const struct path *p, char *buf, size_t size)
{
  char tail[512];
  if (p == NULL)
    {
      buf[0] = '\0';
      return;
    }
  path_format (p->parent, buf, size);
  if (p->key)
    snprintf (tail, sizeof (tail), "%s%s", buf[0] ? "." : "", p->key);
  else
    snprintf (tail, sizeof (tail), "[%zu]", p->index);
  strncat (buf, tail, size - strlen (buf) - 1);
}

static int __attribute__ ((format (printf, 3, 4)))
path_error (ic_error_t *err, const struct path *p, const char *fmt, ...)
{
  char where[1024];
  cleanup_free char *msg = NULL;
  va_list ap;

  path_format (p, where, sizeof (where));
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  return ic_error (err, 0, "%s: %s", where[0] ? where : "config", msg ? msg : "invalid");
}

#define CHILD(p, k) (&(struct path){ .parent = (p), .key = (k) })
#define ELEMENT(p, i) (&(struct path){ .parent = (p), .index = (i) })

/* Returns the member or NULL; fails when it is there with the wrong type. */
static int
member (json_object *obj, const struct path *p, const char *key, json_type type, bool required,
        json_object **out, ic_error_t *err)
{
  static const char *const type_names[]
      = { "null", "a boolean", "a number", "a number", "an object", "an array", "a string" };
  json_object *v = NULL;

  *out = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    {
      if (required)
        return path_error (err, CHILD (p, key), "is required");
      return 0;
    }
  if (type == json_type_int ? !json_object_is_type (v, json_type_int)
                            : !json_object_is_type (v, type))
    return path_error (err, CHILD (p, key), "must be %s", type_names[type]);
  *out = v;
  return 0;
}

static int
get_string (json_object *obj, const struct path *p, const char *key, bool required, char **out,
            ic_error_t *err)
{
  json_object *v;
  if (member (obj, p, key, json_type_string, required, &v, err) < 0)
    return -1;
  *out = v ? xstrdup (json_object_get_string (v)) : NULL;
  return 0;
}

static int
get_bool (json_object *obj, const struct path *p, const char *key, bool *out, ic_error_t *err)
{
  json_object *v;
  if (member (obj, p, key, json_type_boolean, false, &v, err) < 0)
    return -1;
  *out = v ? json_object_get_boolean (v) : false;
  return 0;
}

/* An integer in [min, max]; *present tells whether it was there. */
static int
get_int (json_object *obj, const struct path *p, const char *key, bool required, int64_t min,
         int64_t max, int64_t *out, bool *present, ic_error_t *err)
{
  json_object *v;
  int64_t n;

  if (member (obj, p, key, json_type_int, required, &v, err) < 0)
    return -1;
  if (present)
    *present = v != NULL;
  if (v == NULL)
    return 0;
  errno = 0;
  n = json_object_get_int64 (v);
  if (errno == EINVAL || n < min || n > max)
    return path_error (err, CHILD (p, key), "must be an integer between %lld and %lld",
                       (long long)min, (long long)max);
  *out = n;
  return 0;
}

static int
get_uint64 (json_object *obj, const struct path *p, const char *key, uint64_t *out, ic_error_t *err)
{
  json_object *v;
  if (member (obj, p, key, json_type_int, true, &v, err) < 0)
    return -1;
  /* json-c keeps values above INT64_MAX as unsigned; negative ones are errors. */
  if (json_object_get_int64 (v) < 0 && json_object_get_uint64 (v) == 0)
    return path_error (err, CHILD (p, key), "must be a non-negative integer");
  *out = json_object_get_uint64 (v);
  return 0;
}

static int
get_string_array (json_object *obj, const struct path *p, const char *key, char ***out,
                  ic_error_t *err)
{
  json_object *v;
  size_t n;
  char **result;

  *out = NULL;
  if (member (obj, p, key, json_type_array, false, &v, err) < 0)
    return -1;
  if (v == NULL)
    return 0;
  n = json_object_array_length (v);
  result = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      json_object *s = json_object_array_get_idx (v, i);
      if (!json_object_is_type (s, json_type_string))
        {
          strv_free (result);
          return path_error (err, ELEMENT (CHILD (p, key), i), "must be a string");
        }
      result[i] = xstrdup (json_object_get_string (s));
    }
  *out = result;
  return 0;
}

/* Iterates over the elements of an optional array of objects. */
static int
get_object_array (json_object *obj, const struct path *p, const char *key, json_object **array,
                  size_t *len, ic_error_t *err)
{
  *len = 0;
  if (member (obj, p, key, json_type_array, false, array, err) < 0)
    return -1;
  if (*array == NULL)
    return 0;
  *len = json_object_array_length (*array);
  for (size_t i = 0; i < *len; i++)
    if (!json_object_is_type (json_object_array_get_idx (*array, i), json_type_object))
      return path_error (err, ELEMENT (CHILD (p, key), i), "must be an object");
  return 0;
}

static int
get_string_map (json_object *obj, const struct path *p, const char *key,
                struct oci_string_pair **out, size_t *len, ic_error_t *err)
{
  json_object *map;
  size_t i = 0;

  *out = NULL;
  *len = 0;
  if (member (obj, p, key, json_type_object, false, &map, err) < 0)
    return -1;
  if (map == NULL)
    return 0;
  *out = xmalloc0 ((json_object_object_length (map) + 1) * sizeof (**out));
  json_object_object_foreach (map, k, v)
  {
    if (!json_object_is_type (v, json_type_string))
      return path_error (err, CHILD (CHILD (p, key), k), "must be a string");
    (*out)[i].key = xstrdup (k);
    (*out)[i].value = xstrdup (json_object_get_string (v));
    *len = ++i;
  }
  return 0;
}

static int
check_absolute (const char *value, const struct path *p, ic_error_t *err)
{
  if (value[0] != '/')
    return path_error (err, p, "must be an absolute path, got `%s`", value);
  return 0;
}

/* SemVer 2.0.0: MAJOR.MINOR.PATCH with optional -prerelease and +build. We run 1.x bundles. */
static int
check_oci_version (const char *v, const struct path *p, ic_error_t *err)
{
  const char *s = v;
  for (int part = 0; part < 3; part++)
    {
      const char *start = s;
      while (*s >= '0' && *s <= '9')
        s++;
      if (s == start || (s - start > 1 && *start == '0'))
        goto bad;
      if (part < 2 && *s++ != '.')
        goto bad;
    }
  if (*s != '\0' && *s != '-' && *s != '+')
    goto bad;
  if (strncmp (v, "1.", 2) != 0)
    return path_error (err, p, "unsupported version `%s` (rune runs 1.x bundles)", v);
  return 0;
bad:
  return path_error (err, p, "`%s` is not a SemVer 2.0.0 version", v);
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
parse_rlimits (json_object *process, const struct path *p, struct oci_process *out, ic_error_t *err)
{
  json_object *array;
  const struct path *rp = CHILD (p, "rlimits");

  if (get_object_array (process, p, "rlimits", &array, &out->rlimits_len, err) < 0)
    return -1;
  out->rlimits = xmalloc0 ((out->rlimits_len + 1) * sizeof (*out->rlimits));
  for (size_t i = 0; i < out->rlimits_len; i++)
    {
      json_object *o = json_object_array_get_idx (array, i);
      const struct path *ep = ELEMENT (rp, i);
      struct oci_rlimit *r = &out->rlimits[i];
      size_t k;

      if (get_string (o, ep, "type", true, &r->type, err) < 0
          || get_uint64 (o, ep, "soft", &r->soft, err) < 0
          || get_uint64 (o, ep, "hard", &r->hard, err) < 0)
        return -1;
      for (k = 0; k < sizeof (rlimit_names) / sizeof (rlimit_names[0]); k++)
        if (strcmp (rlimit_names[k].name, r->type) == 0)
          break;
      if (k == sizeof (rlimit_names) / sizeof (rlimit_names[0]))
        return path_error (err, CHILD (ep, "type"), "unknown rlimit `%s`", r->type);
      r->resource = rlimit_names[k].resource;
      for (size_t j = 0; j < i; j++)
        if (out->rlimits[j].resource == r->resource)
          return path_error (err, CHILD (ep, "type"), "duplicate rlimit `%s`", r->type);
      if (r->soft > r->hard)
        return path_error (err, ep, "soft limit %llu is above hard limit %llu",
                           (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
  return 0;
}

static int
parse_user (json_object *process, const struct path *p, struct oci_user *user, ic_error_t *err)
{
  const struct path *up = CHILD (p, "user");
  json_object *u, *gids;
  int64_t n = 0;
  bool present;

  if (member (process, p, "user", json_type_object, false, &u, err) < 0)
    return -1;
  if (u == NULL)
    return 0;
  if (get_int (u, up, "uid", true, 0, UINT32_MAX - 1, &n, NULL, err) < 0)
    return -1;
  user->uid = n;
  if (get_int (u, up, "gid", true, 0, UINT32_MAX - 1, &n, NULL, err) < 0)
    return -1;
  user->gid = n;
  if (get_int (u, up, "umask", false, 0, 07777, &n, &present, err) < 0)
    return -1;
  user->has_umask = present;
  user->umask = present ? n : 0;
  if (member (u, up, "additionalGids", json_type_array, false, &gids, err) < 0)
    return -1;
  if (gids == NULL)
    return 0;
  user->additional_gids_len = json_object_array_length (gids);
  user->additional_gids = xmalloc0 ((user->additional_gids_len + 1) * sizeof (gid_t));
  for (size_t i = 0; i < user->additional_gids_len; i++)
    {
      json_object *g = json_object_array_get_idx (gids, i);
      int64_t gid = json_object_get_int64 (g);
      if (!json_object_is_type (g, json_type_int) || gid < 0 || gid >= UINT32_MAX)
        return path_error (err, ELEMENT (CHILD (up, "additionalGids"), i),
                           "must be a group id (a non-negative integer)");
      user->additional_gids[i] = gid;
    }
  return 0;
}

static const char *const cap_set_names[OCI_CAP_SETS]
    = { "bounding", "effective", "inheritable", "permitted", "ambient" };

const char *
oci_cap_set_name (enum oci_cap_set set)
{
  return cap_set_names[set];
}

static void
add_unknown_cap (struct oci_capabilities *caps, const char *name)
{
  size_t n = 0;
  while (caps->unknown && caps->unknown[n])
    if (strcmp (caps->unknown[n++], name) == 0)
      return;
  caps->unknown = realloc (caps->unknown, (n + 2) * sizeof (char *));
  if (caps->unknown == NULL)
    abort ();
  caps->unknown[n] = xstrdup (name);
  caps->unknown[n + 1] = NULL;
}

static int
parse_capabilities (json_object *process, const struct path *p, struct oci_capabilities *caps,
                    ic_error_t *err)
{
  const struct path *cp = CHILD (p, "capabilities");
  json_object *o;

  if (member (process, p, "capabilities", json_type_object, false, &o, err) < 0)
    return -1;
  caps->present = o != NULL;
  for (int set = 0; o && set < OCI_CAP_SETS; set++)
    {
      cleanup_strv char **names = NULL;
      if (get_string_array (o, cp, cap_set_names[set], &names, err) < 0)
        return -1;
      for (char **name = names; name && *name; name++)
        {
          cap_value_t cap;
          /* libcap also accepts numbers and lower case: the spec's names are CAP_*. */
          if (strncmp (*name, "CAP_", 4) != 0 || cap_from_name (*name, &cap) < 0 || cap < 0
              || cap >= 64 || !CAP_IS_SUPPORTED (cap))
            add_unknown_cap (caps, *name);
          else
            caps->sets[set] |= 1ULL << cap;
        }
    }
  return 0;
}

static int
parse_console_size (json_object *process, const struct path *p, struct oci_process *proc,
                    ic_error_t *err)
{
  const struct path *cp = CHILD (p, "consoleSize");
  json_object *o;
  int64_t h = 0, w = 0;

  if (member (process, p, "consoleSize", json_type_object, false, &o, err) < 0)
    return -1;
  if (o == NULL)
    return 0;
  if (get_int (o, cp, "height", true, 0, UINT16_MAX, &h, NULL, err) < 0
      || get_int (o, cp, "width", true, 0, UINT16_MAX, &w, NULL, err) < 0)
    return -1;
  proc->console_height = h;
  proc->console_width = w;
  return 0;
}

static int
parse_process_object (json_object *o, const struct path *p, struct oci_process **out,
                      ic_error_t *err)
{
  struct oci_process *proc = *out = xmalloc0 (sizeof (*proc));
  int64_t n = 0;
  bool present;

  if (get_bool (o, p, "terminal", &proc->terminal, err) < 0
      || parse_console_size (o, p, proc, err) < 0
      || get_string (o, p, "cwd", true, &proc->cwd, err) < 0
      || check_absolute (proc->cwd, CHILD (p, "cwd"), err) < 0
      || get_string_array (o, p, "args", &proc->args, err) < 0
      || get_string_array (o, p, "env", &proc->env, err) < 0
      || parse_capabilities (o, p, &proc->capabilities, err) < 0
      || get_bool (o, p, "noNewPrivileges", &proc->no_new_privileges, err) < 0
      || get_string (o, p, "apparmorProfile", false, &proc->apparmor_profile, err) < 0
      || get_string (o, p, "selinuxLabel", false, &proc->selinux_label, err) < 0)
    return -1;
  if (proc->args == NULL || proc->args[0] == NULL)
    return path_error (err, CHILD (p, "args"), "must be a non-empty array");
  for (char **e = proc->env; e && *e; e++)
    if (strchr (*e, '=') == NULL)
      return path_error (err, ELEMENT (CHILD (p, "env"), e - proc->env),
                         "`%s` is not of the form KEY=VALUE", *e);
  if (get_int (o, p, "oomScoreAdj", false, -1000, 1000, &n, &present, err) < 0)
    return -1;
  proc->has_oom_score_adj = present;
  proc->oom_score_adj = n;
  if (parse_user (o, p, &proc->user, err) < 0)
    return -1;
  return parse_rlimits (o, p, proc, err);
}

static int
parse_process (json_object *root, struct oci_config *config, ic_error_t *err)
{
  json_object *o;

  if (member (root, NULL, "process", json_type_object, false, &o, err) < 0)
    return -1;
  if (o == NULL)
    return 0;
  return parse_process_object (o, CHILD (NULL, "process"), &config->process, err);
}

static int
parse_root (json_object *root, struct oci_config *config, ic_error_t *err)
{
  const struct path *p = CHILD (NULL, "root");
  json_object *o;

  if (member (root, NULL, "root", json_type_object, true, &o, err) < 0)
    return -1;
  if (get_string (o, p, "path", true, &config->root_path, err) < 0
      || get_bool (o, p, "readonly", &config->root_readonly, err) < 0)
    return -1;
  if (config->root_path[0] == '\0')
    return path_error (err, CHILD (p, "path"), "must not be empty");
  return 0;
}

static int
parse_mounts (json_object *root, struct oci_config *config, ic_error_t *err)
{
  const struct path *p = CHILD (NULL, "mounts");
  json_object *array;

  if (get_object_array (root, NULL, "mounts", &array, &config->mounts_len, err) < 0)
    return -1;
  config->mounts = xmalloc0 ((config->mounts_len + 1) * sizeof (*config->mounts));
  for (size_t i = 0; i < config->mounts_len; i++)
    {
      json_object *o = json_object_array_get_idx (array, i);
      const struct path *ep = ELEMENT (p, i);
      struct oci_mount *m = &config->mounts[i];

      if (get_string (o, ep, "destination", true, &m->destination, err) < 0
          || get_string (o, ep, "source", false, &m->source, err) < 0
          || get_string (o, ep, "type", false, &m->type, err) < 0
          || get_string_array (o, ep, "options", &m->options, err) < 0)
        return -1;
      if (m->destination[0] == '\0')
        return path_error (err, CHILD (ep, "destination"), "must not be empty");
      if (json_object_object_get_ex (o, "uidMappings", NULL)
          || json_object_object_get_ex (o, "gidMappings", NULL))
        return path_error (err, ep, "idmapped mounts (uidMappings/gidMappings) are not supported");
    }
  return 0;
}

static int
parse_hooks (json_object *root, struct oci_config *config, ic_error_t *err)
{
  const struct path *p = CHILD (NULL, "hooks");
  json_object *hooks;

  if (member (root, NULL, "hooks", json_type_object, false, &hooks, err) < 0)
    return -1;
  if (hooks == NULL)
    return 0;
  for (int kind = 0; kind < OCI_HOOK_KINDS; kind++)
    {
      struct oci_hook_list *list = &config->hooks[kind];
      const char *key = oci_hook_kind_name (kind);
      const struct path *kp = CHILD (p, key);
      json_object *array;

      if (get_object_array (hooks, p, key, &array, &list->len, err) < 0)
        return -1;
      list->items = xmalloc0 ((list->len + 1) * sizeof (*list->items));
      for (size_t i = 0; i < list->len; i++)
        {
          json_object *o = json_object_array_get_idx (array, i);
          const struct path *ep = ELEMENT (kp, i);
          struct oci_hook *h = &list->items[i];
          int64_t timeout = 0;
          bool present;

          if (get_string (o, ep, "path", true, &h->path, err) < 0
              || check_absolute (h->path, CHILD (ep, "path"), err) < 0
              || get_string_array (o, ep, "args", &h->args, err) < 0
              || get_string_array (o, ep, "env", &h->env, err) < 0
              || get_int (o, ep, "timeout", false, INT32_MIN, INT32_MAX, &timeout, &present, err)
                     < 0)
            return -1;
          if (present && timeout <= 0)
            return path_error (err, CHILD (ep, "timeout"), "must be greater than zero");
          h->timeout = timeout;
        }
    }
  return 0;
}

static const struct
{
  const char *name;
  int flag;
} namespace_names[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
oci_namespace_type (const char *name)
{
  for (size_t i = 0; i < sizeof (namespace_names) / sizeof (namespace_names[0]); i++)
    if (strcmp (namespace_names[i].name, name) == 0)
      return namespace_names[i].flag;
  return 0;
}

static int
parse_namespaces (json_object *linux_obj, const struct path *lp, struct oci_linux *l,
                  ic_error_t *err)
{
  const struct path *p = CHILD (lp, "namespaces");
  json_object *array;

  if (get_object_array (linux_obj, lp, "namespaces", &array, &l->namespaces_len, err) < 0)
    return -1;
  l->namespaces = xmalloc0 ((l->namespaces_len + 1) * sizeof (*l->namespaces));
  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      json_object *o = json_object_array_get_idx (array, i);
      const struct path *ep = ELEMENT (p, i);
      struct oci_namespace *ns = &l->namespaces[i];

      if (get_string (o, ep, "type", true, &ns->type_name, err) < 0
          || get_string (o, ep, "path", false, &ns->path, err) < 0)
        return -1;
      ns->type = oci_namespace_type (ns->type_name);
      if (ns->type == 0)
        return path_error (err, CHILD (ep, "type"), "unknown namespace type `%s`", ns->type_name);
      if (ns->path && check_absolute (ns->path, CHILD (ep, "path"), err) < 0)
        return -1;
      for (size_t j = 0; j < i; j++)
        if (l->namespaces[j].type == ns->type)
          return path_error (err, CHILD (ep, "type"), "duplicate namespace `%s`", ns->type_name);
    }
  return 0;
}

static int
parse_id_mappings (json_object *linux_obj, const struct path *lp, const char *key,
                   struct oci_id_mapping **out, size_t *len, ic_error_t *err)
{
  const struct path *p = CHILD (lp, key);
  json_object *array;

  if (get_object_array (linux_obj, lp, key, &array, len, err) < 0)
    return -1;
  *out = xmalloc0 ((*len + 1) * sizeof (**out));
  for (size_t i = 0; i < *len; i++)
    {
      json_object *o = json_object_array_get_idx (array, i);
      const struct path *ep = ELEMENT (p, i);
      int64_t c = 0, h = 0, s = 0;

      if (get_int (o, ep, "containerID", true, 0, UINT32_MAX, &c, NULL, err) < 0
          || get_int (o, ep, "hostID", true, 0, UINT32_MAX, &h, NULL, err) < 0
          || get_int (o, ep, "size", true, 1, UINT32_MAX, &s, NULL, err) < 0)
        return -1;
      (*out)[i] = (struct oci_id_mapping){ c, h, s };
    }
  return 0;
}

static int
parse_devices (json_object *linux_obj, const struct path *lp, struct oci_linux *l, ic_error_t *err)
{
  const struct path *p = CHILD (lp, "devices");
  json_object *array;

  if (get_object_array (linux_obj, lp, "devices", &array, &l->devices_len, err) < 0)
    return -1;
  l->devices = xmalloc0 ((l->devices_len + 1) * sizeof (*l->devices));
  for (size_t i = 0; i < l->devices_len; i++)
    {
      json_object *o = json_object_array_get_idx (array, i);
      const struct path *ep = ELEMENT (p, i);
      struct oci_device *d = &l->devices[i];
      cleanup_free char *type = NULL;
      int64_t n = 0;
      bool present;

      if (get_string (o, ep, "type", true, &type, err) < 0
          || get_string (o, ep, "path", true, &d->path, err) < 0
          || check_absolute (d->path, CHILD (ep, "path"), err) < 0)
        return -1;
      if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
        return path_error (err, CHILD (ep, "type"), "unknown device type `%s` (c, b, u or p)",
                           type);
      d->type = type[0];
      if (get_int (o, ep, "major", d->type != 'p', 0, UINT32_MAX, &d->major, NULL, err) < 0
          || get_int (o, ep, "minor", d->type != 'p', 0, UINT32_MAX, &d->minor, NULL, err) < 0)
        return -1;
      if (get_int (o, ep, "fileMode", false, 0, 07777, &n, &present, err) < 0)
        return -1;
      d->has_file_mode = present;
      d->file_mode = n;
      if (get_int (o, ep, "uid", false, 0, UINT32_MAX - 1, &n, &present, err) < 0)
        return -1;
      d->has_uid = present;
      d->uid = n;
      if (get_int (o, ep, "gid", false, 0, UINT32_MAX - 1, &n, &present, err) < 0)
        return -1;
      d->has_gid = present;
      d->gid = n;
    }
  return 0;
}

static int
parse_time_offsets (json_object *linux_obj, const struct path *lp, struct oci_linux *l,
                    ic_error_t *err)
{
  const struct path *p = CHILD (lp, "timeOffsets");
  json_object *offsets;
  size_t i = 0;

  if (member (linux_obj, lp, "timeOffsets", json_type_object, false, &offsets, err) < 0)
    return -1;
  if (offsets == NULL)
    return 0;
  l->time_offsets
      = xmalloc0 ((json_object_object_length (offsets) + 1) * sizeof (*l->time_offsets));
  json_object_object_foreach (offsets, clock_name, value)
  {
    const struct path *cp = CHILD (p, clock_name);
    struct oci_time_offset *t = &l->time_offsets[i];
    int64_t secs = 0, nanosecs = 0;

    if (strcmp (clock_name, "monotonic") == 0)
      t->clock = CLOCK_MONOTONIC;
    else if (strcmp (clock_name, "boottime") == 0)
      t->clock = CLOCK_BOOTTIME;
    else
      return path_error (err, cp, "unknown clock (monotonic or boottime)");
    if (!json_object_is_type (value, json_type_object))
      return path_error (err, cp, "must be an object");
    if (get_int (value, cp, "secs", false, INT64_MIN, INT64_MAX, &secs, NULL, err) < 0
        || get_int (value, cp, "nanosecs", false, 0, 999999999, &nanosecs, NULL, err) < 0)
      return -1;
    t->secs = secs;
    t->nanosecs = nanosecs;
    l->time_offsets_len = ++i;
  }
  return 0;
}

static int
parse_personality (json_object *linux_obj, const struct path *lp, struct oci_linux *l,
                   ic_error_t *err)
{
  const struct path *pp = CHILD (lp, "personality");
  cleanup_free char *domain = NULL;
  cleanup_strv char **flags = NULL;
  json_object *o;

  if (member (linux_obj, lp, "personality", json_type_object, false, &o, err) < 0)
    return -1;
  if (o == NULL)
    return 0;
  if (get_string (o, pp, "domain", true, &domain, err) < 0
      || get_string_array (o, pp, "flags", &flags, err) < 0)
    return -1;
  if (strcmp (domain, "LINUX") == 0)
    l->personality = PER_LINUX;
  else if (strcmp (domain, "LINUX32") == 0)
    l->personality = PER_LINUX32;
  else
    return path_error (err, CHILD (pp, "domain"), "unknown domain `%s` (LINUX or LINUX32)", domain);
  /* The spec defines no flag names yet; refusing them beats ignoring them. */
  if (flags && flags[0])
    return path_error (err, ELEMENT (CHILD (pp, "flags"), 0), "unsupported flag `%s`", flags[0]);
  l->has_personality = true;
  return 0;
}

static int
parse_linux (json_object *root, struct oci_config *config, ic_error_t *err)
{
  const struct path *p = CHILD (NULL, "linux");
  struct oci_linux *l = &config->linux_;
  json_object *o;

  if (member (root, NULL, "linux", json_type_object, false, &o, err) < 0)
    return -1;
  if (o == NULL)
    return 0;
  if (parse_namespaces (o, p, l, err) < 0
      || parse_id_mappings (o, p, "uidMappings", &l->uid_mappings, &l->uid_mappings_len, err) < 0
      || parse_id_mappings (o, p, "gidMappings", &l->gid_mappings, &l->gid_mappings_len, err) < 0
      || parse_devices (o, p, l, err) < 0
      || get_string_map (o, p, "sysctl", &l->sysctl, &l->sysctl_len, err) < 0
      || parse_time_offsets (o, p, l, err) < 0
      || get_string (o, p, "cgroupsPath", false, &l->cgroups_path, err) < 0
      || get_string_array (o, p, "maskedPaths", &l->masked_paths, err) < 0
      || get_string_array (o, p, "readonlyPaths", &l->readonly_paths, err) < 0
      || get_string (o, p, "rootfsPropagation", false, &l->rootfs_propagation, err) < 0
      || get_string (o, p, "mountLabel", false, &l->mount_label, err) < 0
      || parse_personality (o, p, l, err) < 0)
    return -1;
  if (l->rootfs_propagation)
    {
      static const char *const valid[] = { "private", "rprivate", "slave",      "rslave",
                                           "shared",  "rshared",  "unbindable", "runbindable" };
      size_t k;
      for (k = 0; k < sizeof (valid) / sizeof (valid[0]); k++)
        if (strcmp (valid[k], l->rootfs_propagation) == 0)
          break;
      if (k == sizeof (valid) / sizeof (valid[0]))
        return path_error (err, CHILD (p, "rootfsPropagation"), "unknown propagation `%s`",
                           l->rootfs_propagation);
    }
  return 0;
}

/* Cross-field rules of config-linux.md. */
static int
validate_linux (const struct oci_config *config, ic_error_t *err)
{
  const struct oci_linux *l = &config->linux_;
  const struct oci_namespace *userns = oci_config_namespace (config, CLONE_NEWUSER);
  const struct oci_namespace *timens = oci_config_namespace (config, CLONE_NEWTIME);

  if ((l->uid_mappings_len || l->gid_mappings_len) && (userns == NULL || userns->path))
    return ic_error (err, 0,
                     "linux.uidMappings: mappings need a new user namespace in "
                     "linux.namespaces");
  if (userns && userns->path == NULL && (l->uid_mappings_len == 0 || l->gid_mappings_len == 0))
    return ic_error (err, 0,
                     "linux.uidMappings: a new user namespace needs uidMappings and "
                     "gidMappings");
  if (l->time_offsets_len && (timens == NULL || timens->path))
    return ic_error (err, 0,
                     "linux.timeOffsets: offsets need a new time namespace in "
                     "linux.namespaces");
  if (config->hostname && config->hostname[0]
      && oci_config_namespace (config, CLONE_NEWUTS) == NULL)
    return ic_error (err, 0, "hostname: setting the hostname needs a uts namespace");
  if (config->domainname && config->domainname[0]
      && oci_config_namespace (config, CLONE_NEWUTS) == NULL)
    return ic_error (err, 0, "domainname: setting the domainname needs a uts namespace");
  return 0;
}

/* Parses one JSON document; only whitespace may follow it. */
static int
parse_json_document (const char *data, size_t len, json_object **out, ic_error_t *err)
{
  json_tokener *tok = json_tokener_new ();
  json_object *root;
  enum json_tokener_error jerr;
  int offset;

  if (tok == NULL)
    return ic_error (err, ENOMEM, "parse JSON");
  root = json_tokener_parse_ex (tok, data, len);
  jerr = json_tokener_get_error (tok);
  if (root != NULL && jerr == json_tokener_success && tok->char_offset < (int)len)
    {
      for (size_t i = tok->char_offset; i < len && jerr == json_tokener_success; i++)
        if (strchr (" \t\r\n", data[i]) == NULL)
          jerr = json_tokener_error_parse_unexpected;
    }
  else if (root == NULL && jerr == json_tokener_continue)
    jerr = json_tokener_error_parse_eof;
  offset = tok->char_offset;
  json_tokener_free (tok);
  if (jerr != json_tokener_success)
    {
      json_object_put (root);
      return ic_error (err, 0, "invalid JSON at offset %d: %s", offset,
                       json_tokener_error_desc (jerr));
    }
  if (!json_object_is_type (root, json_type_object))
    {
      json_object_put (root);
      return ic_error (err, 0, "must be a JSON object");
    }
  *out = root;
  return 0;
}

int
oci_config_parse (const char *data, size_t len, struct oci_config **out, ic_error_t *err)
{
  cleanup_oci_config struct oci_config *config = xmalloc0 (sizeof (*config));
  json_object *root;

  if (parse_json_document (data, len, &config->json, err) < 0)
    return ic_error_wrap (err, "config");
  root = config->json;
  if (get_string (root, NULL, "ociVersion", true, &config->oci_version, err) < 0
      || check_oci_version (config->oci_version, CHILD (NULL, "ociVersion"), err) < 0
      || parse_root (root, config, err) < 0
      || get_string (root, NULL, "hostname", false, &config->hostname, err) < 0
      || get_string (root, NULL, "domainname", false, &config->domainname, err) < 0
      || parse_process (root, config, err) < 0 || parse_mounts (root, config, err) < 0
      || parse_hooks (root, config, err) < 0
      || get_string_map (root, NULL, "annotations", &config->annotations, &config->annotations_len,
                         err)
             < 0
      || parse_linux (root, config, err) < 0 || validate_linux (config, err) < 0)
    return -1;
  *out = steal_pointer (&config);
  return 0;
}

int
oci_process_parse (const char *data, size_t len, struct oci_process **out, ic_error_t *err)
{
  json_object *root = NULL;
  struct oci_process *proc = NULL;
  int ret;

  if (parse_json_document (data, len, &root, err) < 0)
    return ic_error_wrap (err, "process");
  ret = parse_process_object (root, CHILD (NULL, "process"), &proc, err);
  json_object_put (root);
  if (ret < 0)
    {
      oci_process_free (proc);
      return -1;
    }
  *out = proc;
  return 0;
}

int
oci_config_load (const char *path, struct oci_config **out, ic_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;

  if (read_file_at (AT_FDCWD, path, OCI_CONFIG_MAX_SIZE, &data, &len, err) < 0)
    return -1;
  if (oci_config_parse (data, len, out, err) < 0)
    return ic_error_wrap (err, "%s", path);
  return 0;
}

static void
free_pairs (struct oci_string_pair *pairs, size_t len)
{
  for (size_t i = 0; pairs && i < len; i++)
    {
      free (pairs[i].key);
      free (pairs[i].value);
    }
  free (pairs);
}

void
oci_process_free (struct oci_process *p)
{
  if (p == NULL)
    return;
  free (p->cwd);
  strv_free (p->args);
  strv_free (p->env);
  free (p->user.additional_gids);
  for (size_t i = 0; p->rlimits && i < p->rlimits_len; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  strv_free (p->capabilities.unknown);
  free (p);
}

static void
free_linux (struct oci_linux *l)
{
  for (size_t i = 0; l->namespaces && i < l->namespaces_len; i++)
    {
      free (l->namespaces[i].type_name);
      free (l->namespaces[i].path);
    }
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; l->devices && i < l->devices_len; i++)
    free (l->devices[i].path);
  free (l->devices);
  free_pairs (l->sysctl, l->sysctl_len);
  free (l->time_offsets);
  free (l->cgroups_path);
  strv_free (l->masked_paths);
  strv_free (l->readonly_paths);
  free (l->rootfs_propagation);
  free (l->mount_label);
}

void
oci_config_free (struct oci_config *config)
{
  if (config == NULL)
    return;
  free (config->oci_version);
  free (config->root_path);
  free (config->hostname);
  free (config->domainname);
  oci_process_free (config->process);
  for (size_t i = 0; config->mounts && i < config->mounts_len; i++)
    {
      free (config->mounts[i].destination);
      free (config->mounts[i].source);
      free (config->mounts[i].type);
      strv_free (config->mounts[i].options);
    }
  free (config->mounts);
  for (int k = 0; k < OCI_HOOK_KINDS; k++)
    {
      struct oci_hook_list *list = &config->hooks[k];
      for (size_t i = 0; list->items && i < list->len; i++)
        {
          free (list->items[i].path);
          strv_free (list->items[i].args);
          strv_free (list->items[i].env);
        }
      free (list->items);
    }
  free_pairs (config->annotations, config->annotations_len);
  free_linux (&config->linux_);
  json_object_put (config->json);
  free (config);
}

void
oci_config_freep (struct oci_config **config)
{
  oci_config_free (*config);
}

const struct oci_namespace *
oci_config_namespace (const struct oci_config *config, int type)
{
  for (size_t i = 0; i < config->linux_.namespaces_len; i++)
    if (config->linux_.namespaces[i].type == type)
      return &config->linux_.namespaces[i];
  return NULL;
}

const char *
oci_config_annotation (const struct oci_config *config, const char *key)
{
  for (size_t i = 0; i < config->annotations_len; i++)
    if (strcmp (config->annotations[i].key, key) == 0)
      return config->annotations[i].value;
  return NULL;
}

const char *
oci_hook_kind_name (enum oci_hook_kind kind)
{
  static const char *const names[OCI_HOOK_KINDS] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
  };
  return kind < OCI_HOOK_KINDS ? names[kind] : "unknown";
}
