/* lib/enclave: the enclave configuration (annotations, ENCLAVE_* overrides, validation), the
   agent protocol's checks of untrusted messages, and the PAL ABI's layout. */
#include "agent.h"
#include "enclave-config.h"
#include "utils.h"
#include <inclavare/pal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

_Static_assert(sizeof (struct pal_create_process_args) == 40, "five 8-byte fields");
_Static_assert(offsetof (struct pal_exec_args, exit_value) == 8, "natural alignment");
_Static_assert(offsetof (struct pal_attr_v3_t, fd) == 16, "v1 attributes first");
_Static_assert(offsetof (struct pal_attr_v3_t, addr) == 24, "natural alignment");

static bool sgx_present;
static bool
fake_sgx (void)
{
  return sgx_present;
}
static bool
fake_device (const char *path)
{
  return sgx_present && strcmp (path, "/dev/sgx_enclave") == 0;
}
static const struct enclave_host fake_host = { fake_sgx, fake_device };

/* A config.json with these annotations (JSON object text) and extra env entries. */
static struct oci_config *
make (const char *annotations, const char *env)
{
  struct oci_config *c = NULL;
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *text = xasprintf (
      "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],"
      "\"cwd\":\"/\",\"env\":[\"PATH=/bin\"%s%s]},\"annotations\":%s}",
      env ? "," : "", env ? env : "", annotations);
  assert_int_equal (oci_config_parse (text, strlen (text), &c, &err), 0);
  return c;
}

static const char *
try (struct oci_config *c, struct enclave_config **out)
{
  static char msg[1024];
  cleanup_error ic_error_t err = NULL;
  if (enclave_config_from_oci (c, NULL, &fake_host, NULL, out, &err) == 0)
    return NULL;
  snprintf (msg, sizeof (msg), "%s", ic_error_message (err));
  return msg;
}

static void
no_type_is_a_plain_container (void **state)
{
  struct oci_config *c = make ("{}", "\"ENCLAVE_RUNTIME_PATH=/x\"");
  struct enclave_config *e = (void *)1;
  assert_null (try (c, &e));
  assert_null (e);
  /* untouched */
  assert_string_equal (c->process->env[1], "ENCLAVE_RUNTIME_PATH=/x");
  oci_config_free (c);
}

static void
env_overrides_annotations_and_leaves (void **state)
{
  struct oci_config *c = make ("{\"enclave.type\":\"intelSgx\",\"enclave.runtime.path\":\"/nope\","
                               "\"enclave.runtime.args\":\"a\"}",
                               "\"ENCLAVE_TYPE=sim\",\"ENCLAVE_RUNTIME_PATH=/bin/sh\","
                               "\"ENCLAVE_RUNTIME_ARGS=x,y\",\"KEEP=1\"");
  struct enclave_config *e = NULL;
  cleanup_free char *args = NULL;
  assert_null (try (c, &e));
  assert_non_null (e);
  assert_string_equal (e->type, "sim");
  {
    cleanup_free char *real = realpath ("/bin/sh", NULL);
    assert_string_equal (e->runtime_path, real);
  }
  args = enclave_config_pal_args (e);
  assert_string_equal (args, "x y");
  assert_string_equal (e->loglevel, "info");
  assert_string_equal (c->process->env[0], "PATH=/bin");
  assert_string_equal (c->process->env[1], "KEEP=1");
  assert_null (c->process->env[2]);
  enclave_config_free (e);
  oci_config_free (c);
}

static void
errors_name_the_source (void **state)
{
  static const struct
  {
    const char *annotations, *env, *want;
  } cases[] = {
    { "{\"enclave.type\":\"fancy\"}", NULL, "annotation `enclave.type`: unknown enclave type" },
    { "{\"enclave.type\":\"sim\"}", NULL, "annotation `enclave.runtime.path`" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/nonexistent\"}", NULL,
      "`/nonexistent`" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/\"}", NULL, "not a regular file" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/bin/sh\"}",
      "\"ENCLAVE_RUNTIME_LOGLEVEL=loud\"", "process.env ENCLAVE_RUNTIME_LOGLEVEL: `loud`" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/bin/sh\","
      "\"enclave.attestation.ra_type\":\"epidLinkable\"}",
      NULL, "annotation `enclave.attestation.ra_epid_spid`: required" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/bin/sh\","
      "\"enclave.attestation.ra_type\":\"quantum\"}",
      NULL, "`quantum` is not ecdsa" },
    { "{\"enclave.type\":\"intelSgx\",\"enclave.runtime.path\":\"/bin/sh\"}", NULL,
      "this host has none" },
    { "{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/bin/sh\",\"enclave.platform\":"
      "\"hardware\"}",
      NULL, "software TEE only" },
    { "{\"enclave.type\":\"AwsNitroEnclaves\",\"enclave.runtime.path\":\"/bin/sh\"}", NULL,
      "cannot run on this host" },
  };
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      struct oci_config *c = make (cases[i].annotations, cases[i].env);
      struct enclave_config *e = NULL;
      const char *msg = try (c, &e);
      if (msg == NULL || strstr (msg, cases[i].want) == NULL)
        fail_msg ("case %zu: expected an error with `%s`, got `%s`", i, cases[i].want,
                  msg ? msg : "success");
      assert_null (e);
      oci_config_free (c);
    }
}

static void
intel_sgx_on_sim_or_hardware (void **state)
{
  struct oci_config *c = make ("{\"enclave.type\":\"intelSgx\",\"enclave.runtime.path\":"
                               "\"/bin/sh\",\"enclave.platform\":\"sim\"}",
                               NULL);
  struct enclave_config *e = NULL;
  const char *msg;
  assert_null (try (c, &e));
  assert_int_equal (e->platform, ENCLAVE_PLATFORM_SIM);
  enclave_config_free (e);
  oci_config_free (c);
  /* With SGX, hardware enclaves are refused clearly: no driver support here. */
  sgx_present = true;
  c = make ("{\"enclave.type\":\"intelSgx\",\"enclave.runtime.path\":\"/bin/sh\"}", NULL);
  msg = try (c, &e);
  sgx_present = false;
  assert_non_null (msg);
  assert_non_null (strstr (msg, "not supported by this rune yet"));
  oci_config_free (c);
}

static void
state_round_trip (void **state)
{
  struct oci_config *c
      = make ("{\"enclave.type\":\"sim\",\"enclave.runtime.path\":\"/bin/sh\"}", NULL);
  struct enclave_config *e = NULL, *back = NULL;
  cleanup_error ic_error_t err = NULL;
  json_object *o;
  const char *text;
  assert_null (try (c, &e));
  o = enclave_config_to_json (e);
  text = json_object_to_json_string (o);
  assert_int_equal (enclave_config_from_json (text, strlen (text), &back, &err), 0);
  assert_string_equal (back->runtime_path, e->runtime_path);
  assert_string_equal (back->sim_dir, e->sim_dir);
  json_object_put (o);
  enclave_config_free (back);
  back = NULL;
  assert_int_equal (enclave_config_from_json ("[]", 2, &back, &err), -1);
  ic_error_release (&err);
  assert_int_equal (enclave_config_from_json ("{\"type\":\"sim\"}", 14, &back, &err), -1);
  assert_null (back);
  enclave_config_free (e);
  oci_config_free (c);
}

static size_t
pack (const agent_request *r, uint8_t *buf)
{
  return libenclave_proto__agent_service_request__pack (r, buf);
}

static void
agent_requests_are_checked (void **state)
{
  LibenclaveProto__AgentServiceRequest__Execute e
      = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__EXECUTE__INIT;
  LibenclaveProto__AgentServiceRequest__Kill k
      = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__KILL__INIT;
  LibenclaveProto__AgentServiceRequest__Attest a
      = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__ATTEST__INIT;
  agent_request r = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__INIT;
  char *argv[] = { "sh", "-c", "echo a  b" }, *env[] = { "A=1", "broken" };
  uint8_t ti[512] = { 0 }, buf[4096];
  agent_request *out = NULL;
  cleanup_error ic_error_t err = NULL;
  size_t n;

  /* nothing set */
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), -1);
  ic_error_release (&err);
  /* a good exec keeps its arguments whole */
  e.argv = argv;
  e.n_argv = 3;
  e.env = env;
  e.n_env = 1;
  r.exec = &e;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), 0);
  assert_int_equal (out->exec->n_argv, 3);
  assert_string_equal (out->exec->argv[2], "echo a  b");
  agent_request_free (out);
  /* env without = */
  e.n_env = 2;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), -1);
  assert_non_null (strstr (ic_error_message (err), "env[1]"));
  ic_error_release (&err);
  /* two at once */
  e.n_env = 1;
  k.sig = 15;
  r.kill = &k;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), -1);
  ic_error_release (&err);
  /* a signal out of range */
  r.exec = NULL;
  k.sig = 0;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), -1);
  ic_error_release (&err);
  /* a TARGETINFO of the wrong size, then the right one */
  r.kill = NULL;
  a.target_info.data = ti;
  a.target_info.len = 511;
  r.attest = &a;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), -1);
  ic_error_release (&err);
  a.target_info.len = 512;
  n = pack (&r, buf);
  assert_int_equal (agent_request_parse (buf, n, &out, &err), 0);
  agent_request_free (out);
  /* garbage and every truncation of a good message are refused or parse cleanly */
  assert_int_equal (agent_request_parse ((const uint8_t *)"\xff\xff\xff", 3, &out, &err), -1);
  ic_error_release (&err);
  for (size_t cut = 0; cut < n; cut++)
    if (agent_request_parse (buf, cut, &out, &err) == 0)
      agent_request_free (out);
    else
      ic_error_release (&err);
}

static void
agent_frames (void **state)
{
  int sv[2];
  uint8_t *buf = NULL;
  size_t len;
  cleanup_error ic_error_t err = NULL;
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM, 0, sv), 0);
  assert_int_equal (agent_write_frame (sv[0], (const uint8_t *)"hello", 5, &err), 0);
  assert_int_equal (agent_read_frame (sv[1], &buf, &len, &err), 0);
  assert_int_equal (len, 5);
  assert_memory_equal (buf, "hello", 5);
  free (buf);
  /* a header announcing too much */
  assert_int_equal (write (sv[0], "\xff\xff\xff\x7f", 4), 4);
  assert_int_equal (agent_read_frame (sv[1], &buf, &len, &err), -1);
  ic_error_release (&err);
  close (sv[0]);
  assert_int_equal (agent_read_frame (sv[1], &buf, &len, &err), 1);
  close (sv[1]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (no_type_is_a_plain_container),
    cmocka_unit_test (env_overrides_annotations_and_leaves),
    cmocka_unit_test (errors_name_the_source),
    cmocka_unit_test (intel_sgx_on_sim_or_hardware),
    cmocka_unit_test (state_round_trip),
    cmocka_unit_test (agent_requests_are_checked),
    cmocka_unit_test (agent_frames),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
