/* Unit tests of the mount option table (config.md "Mounts"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "mounts.h"
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>

static void
parse (char **options, struct mount_options *out)
{
  ic_error_t err = NULL;
  if (mount_options_parse (options, out, &err) < 0)
    fail_msg ("%s", ic_error_message (err));
}

static void
test_flags_and_data (void **state)
{
  char *options[] = { "nosuid", "nodev", "ro", "mode=755", "size=1k", "strictatime", NULL };
  struct mount_options o;
  parse (options, &o);
  assert_int_equal (o.flags, MS_NOSUID | MS_NODEV | MS_RDONLY | MS_STRICTATIME);
  assert_string_equal (o.data, "mode=755,size=1k");
  assert_false (o.bind);
  assert_true (o.attr_set & MOUNT_ATTR_RDONLY);
  mount_options_clear (&o);
}

static void
test_later_options_win (void **state)
{
  char *options[] = { "ro", "rw", "noexec", "exec", "defaults", NULL };
  struct mount_options o;
  parse (options, &o);
  assert_int_equal (o.flags, 0);
  assert_true (o.attr_clr & MOUNT_ATTR_RDONLY);
  assert_false (o.attr_set & MOUNT_ATTR_RDONLY);
  assert_null (o.data);
}

static void
test_bind_and_propagation (void **state)
{
  char *options[] = { "rbind", "rprivate", "rro", "rnosuid", NULL };
  struct mount_options o;
  parse (options, &o);
  assert_true (o.bind);
  assert_true (o.recursive);
  assert_int_equal (o.propagation, MS_PRIVATE | MS_REC);
  assert_int_equal (o.rattr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
  assert_int_equal (mount_propagation_flags ("rshared"), MS_SHARED | MS_REC);
  assert_int_equal (mount_propagation_flags ("slave"), MS_SLAVE);
  assert_int_equal (mount_propagation_flags ("ro"), 0);
}

static void
test_idmap_refused (void **state)
{
  char *options[] = { "bind", "idmap", NULL };
  struct mount_options o;
  ic_error_t err = NULL;
  assert_int_equal (mount_options_parse (options, &o, &err), -1);
  assert_non_null (strstr (ic_error_message (err), "idmap"));
  ic_error_release (&err);
  mount_options_clear (&o);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_flags_and_data),
    cmocka_unit_test (test_later_options_win),
    cmocka_unit_test (test_bind_and_propagation),
    cmocka_unit_test (test_idmap_refused),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
