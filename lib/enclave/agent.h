/* The agent socket of an enclave container: <state-root>/<id>/agent.sock, served by the
   container's init-runelet, used by `rune exec` (a new process in the enclave) and
   `rune attest` (a local report). Messages are length-prefixed protobuf-c (agent.proto):
   a little-endian u32 length, then the message; stdio travels by SCM_RIGHTS. */
#ifndef ENCLAVE_AGENT_H
#define ENCLAVE_AGENT_H

#include "agent.pb-c.h"
#include "error.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGENT_SOCKET "agent.sock"
/* The configuration the state directory keeps for exec and attest. */
#define AGENT_ENCLAVE_STATE "enclave.json"
/* Far above any real message (argv and env of a process), small enough to bound memory. */
#define AGENT_MAX_MESSAGE (4 * 1024 * 1024)

typedef LibenclaveProto__AgentServiceRequest agent_request;
typedef LibenclaveProto__AgentServiceResponse agent_response;

/* Framing. agent_read_frame returns 1 at a clean end of file before a frame, 0 with a frame
   (*buf malloc'ed), -1 on error. */
int agent_write_frame (int sock, const uint8_t *buf, size_t len, ic_error_t *err);
int agent_read_frame (int sock, uint8_t **buf, size_t *len, ic_error_t *err);

/* Parses and checks a request from an untrusted peer: exactly one of exec, kill and attest;
   exec has a non-empty argv and env entries of the form NAME=value; kill a signal from 1 to
   64; attest a 512-byte TARGETINFO. */
int agent_request_parse (const uint8_t *buf, size_t len, agent_request **out, ic_error_t *err);
/* Parses a response: exactly one of exec and attest; an attest report is 432 bytes. */
int agent_response_parse (const uint8_t *buf, size_t len, agent_response **out, ic_error_t *err);
void agent_request_free (agent_request *r);
void agent_response_free (agent_response *r);

int agent_send_request (int sock, const agent_request *r, ic_error_t *err);
int agent_send_response (int sock, const agent_response *r, ic_error_t *err);

/* Several fds in one message of one byte. */
int agent_send_fds (int sock, const int *fds, size_t n, ic_error_t *err);
/* Receives exactly n fds (all -1 on failure). */
int agent_recv_fds (int sock, int *fds, size_t n, ic_error_t *err);

/* The state directory's socket (a path of any length: bound and connected through
   /proc/self/fd). */
int agent_listen (int state_dirfd, int *out, ic_error_t *err);
int agent_connect (const char *state_dir, int *out, ic_error_t *err);

#endif
