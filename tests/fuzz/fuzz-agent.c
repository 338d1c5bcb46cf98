/* The enclave agent's requests come from whoever can reach the container's agent socket:
   parsing and checking must never crash, whatever the bytes. */
#include "agent.h"
#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  agent_request *req = NULL;
  agent_response *resp = NULL;
  ic_error_t err = NULL;
  if (agent_request_parse (data, size, &req, &err) == 0)
    agent_request_free (req);
  ic_error_release (&err);
  if (agent_response_parse (data, size, &resp, &err) == 0)
    agent_response_free (resp);
  ic_error_release (&err);
  return 0;
}
