/* Unit tests of cgroup path resolution: where a container's cgroup goes, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "cgroup.h"
#include <string.h>
#include <unistd.h>

static void
expect_path (const char *cgroups_path, const char *want)
{
  struct cgroup *cg = NULL;
  ic_error_t err = NULL;
  if (cgroup_open (cgroups_path, "c1", false, &cg, &err) < 0)
    fail_msg ("%s: %s", cgroups_path ? cgroups_path : "(null)", ic_error_message (err));
  assert_string_equal (cgroup_path (cg), want);
  cgroup_free (cg);
}

static void
expect_refused (const char *cgroups_path, bool systemd, const char *mention)
{
  struct cgroup *cg = NULL;
  ic_error_t err = NULL;
  assert_int_equal (cgroup_open (cgroups_path, "c1", systemd, &cg, &err), -1);
  assert_null (cg);
  if (strstr (ic_error_message (err), mention) == NULL)
    fail_msg ("`%s` does not mention `%s`", ic_error_message (err), mention);
  ic_error_release (&err);
}

static void
test_default (void **state)
{
  expect_path (NULL, "/rune/c1");
  expect_path ("", "/rune/c1");
}

static void
test_absolute_and_relative (void **state)
{
  expect_path ("/machine/abc", "/machine/abc");
  expect_path ("pods/abc", "/rune/pods/abc");
  /* ".." inside a name is just a name */
  expect_path ("/a..b/c", "/a..b/c");
}

static void
test_dotdot_refused (void **state)
{
  expect_refused ("/../escape", false, "linux.cgroupsPath");
  expect_refused ("a/../../escape", false, "linux.cgroupsPath");
  expect_refused ("/x/..", false, "linux.cgroupsPath");
}

static void
test_systemd_without_systemd (void **state)
{
  if (access ("/run/systemd/system", F_OK) == 0)
    skip ();
  expect_refused ("machine.slice:libpod:abc", true, "systemd is not running");
}

static void
test_recorded (void **state)
{
  struct cgroup *cg = NULL;
  ic_error_t err = NULL;
  assert_int_equal (cgroup_open_recorded ("/rune/x", &cg, &err), 0);
  assert_string_equal (cgroup_path (cg), "/rune/x");
  cgroup_free (cg);
  assert_int_equal (cgroup_open_recorded ("relative", &cg, &err), -1);
  ic_error_release (&err);
  assert_int_equal (cgroup_open_recorded ("/a/../../b", &cg, &err), -1);
  ic_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_default),        cmocka_unit_test (test_absolute_and_relative),
    cmocka_unit_test (test_dotdot_refused), cmocka_unit_test (test_systemd_without_systemd),
    cmocka_unit_test (test_recorded),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
