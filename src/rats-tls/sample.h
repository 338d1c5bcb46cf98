/* What rats-tls-server and rats-tls-client share: upstream's options, the configuration they
   make, the verification callback that prints the peer's evidence, and error printing. */
#ifndef RATS_TLS_SAMPLE_H
#define RATS_TLS_SAMPLE_H

#include <getopt.h>
#include <rats-tls/api.h>
#include <stdbool.h>

struct sample_options
{
  rats_tls_conf_t conf;
  const char *ip;
  int port;
  bool debug_enclave;
  bool verdictd;
  long connections; /* server: exit after this many (0: forever) */
  const char *message;
  bool quiet;
};

/* Parses argv (printing usage on -h and errors on bad flags); returns 0 to go on, or the exit
   status (0 after --help/--version, 1 on a usage error). */
int sample_parse (const char *program, bool server, int argc, char **argv,
                  struct sample_options *o);
/* The callback: prints what the peer proved, one "key: value" a line, to stdout. */
int sample_print_evidence (void *arg);
/* "program: what: ERR_NAME: detailed message" on stderr; returns 1. */
int sample_fail (const char *program, const char *what, int err);

#endif
