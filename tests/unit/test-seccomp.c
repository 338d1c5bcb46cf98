/* Unit tests of the seccomp module: profiles compile or fail naming the field, and compiled
   programs really filter when loaded (in a child process). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "seccomp-program.h"
#include "utils.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
compile (const char *json, struct seccomp_program **out, ic_error_t *err)
{
  json_object *o = json_tokener_parse (json);
  int ret;
  assert_non_null (o);
  ret = seccomp_program_compile (o, out, err);
  json_object_put (o);
  return ret;
}

static void
expect_error (const char *json, const char *path)
{
  struct seccomp_program *p = NULL;
  ic_error_t err = NULL;
  assert_int_equal (compile (json, &p, &err), -1);
  assert_null (p);
  if (strstr (ic_error_message (err), path) == NULL)
    fail_msg ("`%s` does not name `%s`", ic_error_message (err), path);
  ic_error_release (&err);
}

/* Loads the profile in a child, which then runs probe; returns the child's wait status. */
static int
run_filtered (const char *json, int (*probe) (void))
{
  struct seccomp_program *p = NULL;
  ic_error_t err = NULL;
  int status;
  pid_t pid;

  assert_int_equal (compile (json, &p, &err), 0);
  pid = fork ();
  if (pid == 0)
    {
      int fd;
      prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (seccomp_program_load (p, &fd, NULL) < 0)
        _exit (99);
      _exit (probe ());
    }
  seccomp_program_free (p);
  waitpid (pid, &status, 0);
  return status;
}

static int
probe_mkdir (void)
{
  return mkdir ("/nonexistent-dir/x", 0700) < 0 ? errno : 0;
}

static int
probe_setpriority (void)
{
  /* arg 2 is the nice value: only 5 is filtered */
  int five = setpriority (PRIO_PROCESS, 0, 5) < 0 ? errno : 0;
  int seven = setpriority (PRIO_PROCESS, 0, 7) < 0 ? errno : 0;
  return five == 42 && seven == 0 ? 0 : 1;
}

static void
test_none (void **state)
{
  struct seccomp_program *p = (void *)1;
  ic_error_t err = NULL;
  assert_int_equal (seccomp_program_compile (NULL, &p, &err), 0);
  assert_null (p);
}

static void
test_errno_ret (void **state)
{
  int status = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                             "[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\","
                             "\"errnoRet\":42}]}",
                             probe_mkdir);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 42);
}

static void
test_default_eperm (void **state)
{
  int status = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                             "[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                             probe_mkdir);
  assert_int_equal (WEXITSTATUS (status), EPERM);
}

static void
test_kill_process (void **state)
{
  int status = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                             "[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
                             probe_mkdir);
  assert_true (WIFSIGNALED (status));
  assert_int_equal (WTERMSIG (status), SIGSYS);
}

static void
test_arg_condition (void **state)
{
  int status = run_filtered ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                             "[\"setpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42,"
                             "\"args\":[{\"index\":2,\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                             probe_setpriority);
  assert_int_equal (WEXITSTATUS (status), 0);
}

static void
test_listener (void **state)
{
  struct seccomp_program *p = NULL;
  ic_error_t err = NULL;
  assert_int_equal (compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x.sock\","
                             "\"listenerMetadata\":\"m\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                             "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                             &p, &err),
                    0);
  assert_string_equal (p->listener_path, "/x.sock");
  assert_string_equal (p->listener_metadata, "m");
  assert_true (p->flags & 8 /* SECCOMP_FILTER_FLAG_NEW_LISTENER */);
  seccomp_program_free (p);
  /* without SCMP_ACT_NOTIFY the listener is ignored */
  assert_int_equal (
      compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", &p, &err), 0);
  assert_null (p->listener_path);
  seccomp_program_free (p);
}

static void
test_bad_profiles (void **state)
{
  expect_error ("{}", "linux.seccomp.defaultAction");
  expect_error ("{\"defaultAction\":1}", "linux.seccomp.defaultAction");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "linux.seccomp.defaultAction");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
                "linux.seccomp.defaultErrnoRet");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
                "linux.seccomp.defaultErrnoRet");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                "linux.seccomp.architectures[0]");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[7]}",
                "linux.seccomp.architectures[0]");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"X\"]}",
                "linux.seccomp.flags[0]");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", "linux.seccomp.syscalls");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[1]}",
                "linux.seccomp.syscalls[0]");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":"
                "\"SCMP_ACT_ERRNO\"}]}",
                "linux.seccomp.syscalls[0].names");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[1],\"action\":"
                "\"SCMP_ACT_ERRNO\"}]}",
                "linux.seccomp.syscalls[0].names[0]");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                "linux.seccomp.syscalls[0].action");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":0,\"op\":"
                "\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].index");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":0}]}]}",
                "linux.seccomp.syscalls[0].args[0].op");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].value");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
                "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                "linux.seccomp.listenerPath");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"m\"}",
                "linux.seccomp.listenerMetadata");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_none),          cmocka_unit_test (test_errno_ret),
    cmocka_unit_test (test_default_eperm), cmocka_unit_test (test_kill_process),
    cmocka_unit_test (test_arg_condition), cmocka_unit_test (test_listener),
    cmocka_unit_test (test_bad_profiles),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
