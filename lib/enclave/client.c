#include "client.h"
#include "agent.h"
#include "container.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static char *
state_dir (const char *root, const char *id)
{
  return xasprintf ("%s/%s", root, id);
}

int
enclave_client_config (const char *root, const char *id, struct enclave_config **out,
                       ic_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s/%s", root, id, AGENT_ENCLAVE_STATE);
  cleanup_free char *text = NULL;
  size_t len;
  cleanup_error ic_error_t read_err = NULL;

  *out = NULL;
  if (!container_id_is_valid (id))
    return ic_error (err, EINVAL, "invalid container id `%s`", id);
  if (read_file_at (AT_FDCWD, path, 65536, &text, &len, &read_err) < 0)
    {
      if (read_err->status == ENOENT)
        return 0;
      *err = steal_pointer (&read_err);
      return -1;
    }
  if (enclave_config_from_json (text, len, out, err) < 0)
    return ic_error_wrap (err, "`%s`", path);
  return 0;
}

/* The container must be running: its status from `state`. */
static int
require_running (const char *root, const char *id, ic_error_t *err)
{
  struct container_runtime rt = { .root = root };
  cleanup_free char *json = NULL;
  json_object *o, *status;
  int ret = 0;

  if (container_state_json (&rt, id, &json, err) < 0)
    return -1;
  o = json_tokener_parse (json);
  if (o == NULL || !json_object_object_get_ex (o, "status", &status))
    ret = ic_error (err, EPROTO, "container `%s`: unreadable state", id);
  else if (strcmp (json_object_get_string (status), "running") != 0)
    ret = ic_error (err, 0, "container `%s` is %s: its enclave runs processes only while it runs",
                    id, json_object_get_string (status));
  json_object_put (o);
  return ret;
}

static int
read_response (int sock, agent_response **out, ic_error_t *err)
{
  cleanup_free uint8_t *buf = NULL;
  size_t len;
  int ret = agent_read_frame (sock, &buf, &len, err);
  if (ret > 0)
    return ic_error (err, EPIPE, "the enclave agent closed the connection without an answer");
  if (ret < 0)
    return -1;
  return agent_response_parse (buf, len, out, err);
}

int
enclave_client_exec (const char *root, const char *id, char *const *argv, char *const *env,
                     const sigset_t *relay, int *exit_code, ic_error_t *err)
{
  LibenclaveProto__AgentServiceRequest__Execute e
      = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__EXECUTE__INIT;
  agent_request req = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__INIT;
  cleanup_free char *dir = state_dir (root, id);
  cleanup_close int sock = -1, sigfd = -1;
  agent_response *resp = NULL;
  static const int stdio[3] = { 0, 1, 2 };
  int ret = -1;

  if (require_running (root, id, err) < 0 || agent_connect (dir, &sock, err) < 0)
    return -1;
  e.n_argv = strv_len (argv);
  e.argv = (char **)argv;
  e.n_env = env ? strv_len (env) : 0;
  e.env = (char **)env;
  req.exec = &e;
  if (agent_send_request (sock, &req, err) < 0 || agent_send_fds (sock, stdio, 3, err) < 0)
    return -1;
  sigfd = signalfd (-1, relay, SFD_CLOEXEC);
  if (sigfd < 0)
    return ic_error (err, errno, "signalfd");
  while (true)
    {
      struct pollfd p[2] = { { sock, POLLIN, 0 }, { sigfd, POLLIN, 0 } };
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return ic_error (err, errno, "poll");
        }
      if (p[1].revents)
        {
          struct signalfd_siginfo info;
          if (read (sigfd, &info, sizeof (info)) == sizeof (info) && info.ssi_signo != SIGCHLD
              && info.ssi_signo != SIGPIPE)
            {
              LibenclaveProto__AgentServiceRequest__Kill k
                  = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__KILL__INIT;
              agent_request kreq = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__INIT;
              k.sig = info.ssi_signo;
              kreq.kill = &k;
              agent_send_request (sock, &kreq, NULL);
            }
        }
      if (p[0].revents)
        break;
    }
  if (read_response (sock, &resp, err) < 0)
    return -1;
  if (resp->exec == NULL)
    ic_error (err, EPROTO, "the enclave agent answered exec with another response");
  else if (resp->exec->error[0])
    ic_error (err, 0, "container `%s`: exec in the enclave: %s", id, resp->exec->error);
  else
    {
      *exit_code = resp->exec->exitcode;
      ret = 0;
    }
  agent_response_free (resp);
  return ret;
}

int
enclave_client_report (const char *root, const char *id, const struct sgx_targetinfo *ti,
                       struct sgx_report *out, ic_error_t *err)
{
  LibenclaveProto__AgentServiceRequest__Attest a
      = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__ATTEST__INIT;
  agent_request req = LIBENCLAVE_PROTO__AGENT_SERVICE_REQUEST__INIT;
  cleanup_free char *dir = state_dir (root, id);
  cleanup_close int sock = -1;
  agent_response *resp = NULL;
  int ret = -1;

  if (agent_connect (dir, &sock, err) < 0)
    return -1;
  a.target_info.data = (uint8_t *)ti;
  a.target_info.len = sizeof (*ti);
  req.attest = &a;
  if (agent_send_request (sock, &req, err) < 0 || read_response (sock, &resp, err) < 0)
    return -1;
  if (resp->attest == NULL)
    ic_error (err, EPROTO, "the enclave agent answered attest with another response");
  else if (resp->attest->error[0])
    ic_error (err, 0, "container `%s`: local report: %s", id, resp->attest->error);
  else
    {
      memcpy (out, resp->attest->localreport.data, sizeof (*out));
      ret = 0;
    }
  agent_response_free (resp);
  return ret;
}
