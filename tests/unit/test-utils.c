/* Unit tests of lib/common: errors, file helpers, and path resolution that must not escape a
   root directory however hostile its symlinks are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_error_messages (void **state)
{
  ic_error_t err = NULL;
  assert_int_equal (ic_error (&err, ENOENT, "open `%s`", "/x"), -1);
  assert_string_equal (ic_error_message (err), "open `/x`: No such file or directory");
  assert_int_equal (err->status, ENOENT);
  /* A second error does not replace the first, the root cause. */
  ic_error (&err, EPERM, "later");
  assert_int_equal (err->status, ENOENT);
  ic_error_wrap (&err, "mounts[%d]", 2);
  assert_string_equal (ic_error_message (err), "mounts[2]: open `/x`: No such file or directory");
  ic_error_release (&err);
  assert_null (err);
  ic_error (&err, 0, "plain");
  assert_string_equal (ic_error_message (err), "plain");
  ic_error_release (&err);
  assert_string_equal (ic_error_message (NULL), "success");
}

static char *
make_tmpdir (void)
{
  char *dir = xstrdup ("/tmp/rune-unit.XXXXXX");
  assert_non_null (mkdtemp (dir));
  return dir;
}

static void
remove_tree (const char *dir)
{
  char *cmd = xasprintf ("rm -rf '%s'", dir);
  assert_int_equal (system (cmd), 0);
  free (cmd);
}

static void
test_file_io (void **state)
{
  char *dir = make_tmpdir ();
  int dirfd = open (dir, O_PATH | O_DIRECTORY);
  char *data = NULL;
  size_t len = 0;
  ic_error_t err = NULL;

  assert_int_equal (write_file_at (dirfd, "a", "hello", 5, 0600, &err), 0);
  assert_int_equal (read_file_at (dirfd, "a", 100, &data, &len, &err), 0);
  assert_int_equal (len, 5);
  assert_string_equal (data, "hello");
  free (data);
  /* The size limit is enforced. */
  assert_int_equal (read_file_at (dirfd, "a", 4, &data, &len, &err), -1);
  assert_int_equal (err->status, EFBIG);
  ic_error_release (&err);
  assert_int_equal (write_file_atomic_at (dirfd, "b", "xy", 2, &err), 0);
  assert_int_equal (read_file_at (dirfd, "b", 100, &data, NULL, &err), 0);
  assert_string_equal (data, "xy");
  free (data);
  assert_int_equal (faccessat (dirfd, "b.tmp", F_OK, 0), -1);
  assert_int_equal (read_file_at (dirfd, "missing", 100, &data, NULL, &err), -1);
  assert_non_null (strstr (ic_error_message (err), "open `missing`"));
  ic_error_release (&err);
  assert_int_equal (write_existing_file ("/nonexistent/x", "1", 1, &err), -1);
  ic_error_release (&err);
  close (dirfd);
  remove_tree (dir);
  free (dir);
}

/* A rootfs with symlinks pointing out of it: absolute, relative with "..", and chains. */
static void
test_paths_stay_in_root (void **state)
{
  char *dir = make_tmpdir ();
  char *root = xasprintf ("%s/root", dir), *outside = xasprintf ("%s/outside", dir);
  char *probe;
  int rootfd, fd;
  ic_error_t err = NULL;
  struct stat st;

  assert_int_equal (mkdir (root, 0755), 0);
  assert_int_equal (mkdir (outside, 0755), 0);
  probe = xasprintf ("%s/abs", root);
  assert_int_equal (symlink (outside, probe), 0); /* /abs -> <dir>/outside (host path) */
  free (probe);
  probe = xasprintf ("%s/rel", root);
  assert_int_equal (symlink ("../../outside", probe), 0);
  free (probe);
  probe = xasprintf ("%s/chain", root);
  assert_int_equal (symlink ("/rel", probe), 0);
  free (probe);
  rootfd = open (root, O_PATH | O_DIRECTORY);

  /* Each symlink resolves inside the root, where its target does not exist: refused. */
  assert_int_equal (mkdir_p_in_root (rootfd, "/abs/made", 0755, &err), -1);
  ic_error_release (&err);
  assert_int_equal (mkdir_p_in_root (rootfd, "rel/x/y", 0755, &err), -1);
  ic_error_release (&err);
  assert_int_equal (create_mount_target (rootfd, "/chain/file", false, &err), -1);
  ic_error_release (&err);
  /* ".." cannot climb above the root. */
  fd = create_mount_target (rootfd, "/../../escape", true, &err);
  assert_true (fd >= 0);
  close (fd);
  /* Once the target exists inside the root, the same symlink leads there. */
  probe = xasprintf ("%s/outside", root);
  assert_int_equal (mkdir (probe, 0755), 0);
  free (probe);
  fd = mkdir_p_in_root (rootfd, "rel/x/y", 0755, &err);
  assert_true (fd >= 0);
  close (fd);
  fd = create_mount_target (rootfd, "/chain/file", false, &err);
  assert_true (fd >= 0);
  close (fd);

  /* Nothing was created outside the root... */
  probe = xasprintf ("%s/made", outside);
  assert_int_equal (stat (probe, &st), -1);
  free (probe);
  probe = xasprintf ("%s/x", outside);
  assert_int_equal (stat (probe, &st), -1);
  free (probe);
  probe = xasprintf ("%s/file", outside);
  assert_int_equal (stat (probe, &st), -1);
  free (probe);
  probe = xasprintf ("%s/escape", dir);
  assert_int_equal (stat (probe, &st), -1);
  free (probe);
  /* ... and what was made landed inside, where the container will see it. */
  probe = xasprintf ("%s/outside/x/y", root);
  assert_int_equal (stat (probe, &st), 0);
  free (probe);
  probe = xasprintf ("%s/outside/file", root);
  assert_int_equal (stat (probe, &st), 0);
  free (probe);
  probe = xasprintf ("%s/escape", root);
  assert_int_equal (stat (probe, &st), 0);
  free (probe);

  fd = open_in_root (rootfd, "/rel", O_PATH, 0, &err);
  assert_true (fd >= 0);
  close (fd);
  assert_int_equal (open_in_root (rootfd, "/nope/x", O_PATH, 0, &err), -1);
  ic_error_release (&err);
  close (rootfd);
  remove_tree (dir);
  free (dir);
  free (root);
  free (outside);
}

static void
test_strv (void **state)
{
  char **v = xmalloc0 (3 * sizeof (char *));
  v[0] = xstrdup ("a");
  v[1] = xstrdup ("b");
  assert_int_equal (strv_len (v), 2);
  assert_int_equal (strv_len (NULL), 0);
  strv_free (v);
  assert_true (has_prefix ("net.ipv4", "net."));
  assert_false (has_prefix ("ne", "net."));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_error_messages),
    cmocka_unit_test (test_file_io),
    cmocka_unit_test (test_paths_stay_in_root),
    cmocka_unit_test (test_strv),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
