/* sgx-tools sign, gendata and catsig: SIGSTRUCTs signed here or by an external signer. */
#include "sgx-tools.h"
#include "sigstruct.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <string.h>

static const char sign_usage[]
    = "Usage: sgx-tools sign --key PEM (--sgxs FILE | --elf FILE | --enclavehash HEX) [OPTIONS] -o "
      "SIGSTRUCT\n"
      "\n"
      "Builds a SIGSTRUCT for the enclave and signs it with an RSA-3072 key of exponent 3\n"
      "(`openssl genrsa -3 -out key.pem 3072`): modulus, signature, Q1 and Q2. The result is\n"
      "verified as EINIT would before it is written. MRSIGNER is printed.\n"
      "\n"
      "Options:\n"
      "  -k, --key PEM              the private key\n" SIGSTRUCT_OPTIONS_HELP
      "  -h, --help                 show this help\n";

static const char gendata_usage[]
    = "Usage: sgx-tools gendata (--sgxs FILE | --elf FILE | --enclavehash HEX) [OPTIONS] -o "
      "SIGSTRUCT\n"
      "                          --data FILE\n"
      "\n"
      "For a signing server that keeps the key off this machine: writes the unsigned\n"
      "SIGSTRUCT (-o) and the 256 bytes to sign (--data: SIGSTRUCT bytes 0-127 and 900-1027).\n"
      "Sign them with PKCS#1 v1.5 and SHA-256, e.g. `openssl dgst -sha256 -sign key.pem -out\n"
      "sig.bin data.bin`, then run `sgx-tools catsig`.\n"
      "\n"
      "Options:\n"
      "      --data FILE            where to write the bytes to sign\n" SIGSTRUCT_OPTIONS_HELP
      "  -h, --help                 show this help\n";

static const char catsig_usage[]
    = "Usage: sgx-tools catsig --sigstruct FILE --signature FILE --public-key PEM -o SIGSTRUCT\n"
      "\n"
      "Puts an external signature (384 bytes, big-endian, as openssl writes it) and the\n"
      "signer's modulus into the SIGSTRUCT from gendata, computes Q1 and Q2, and writes it only\n"
      "if the signature verifies.\n"
      "\n"
      "Options:\n"
      "      --sigstruct FILE   the unsigned SIGSTRUCT from gendata\n"
      "      --signature FILE   the signature over gendata's --data\n"
      "      --public-key PEM   the signer's public key (RSA-3072, exponent 3)\n"
      "  -o, --out FILE         the signed SIGSTRUCT\n"
      "  -h, --help             show this help\n";

static int
write_out (const char *path, const void *data, size_t len, ic_error_t *err)
{
  if (write_file_at (AT_FDCWD, path, data, len, 0644, err) < 0)
    return ic_error_wrap (err, "--out");
  return 0;
}

static void
print_mrsigner (const struct sgx_sigstruct *s)
{
  uint8_t mr[32];
  char hex[65];
  if (sgx_sigstruct_mrsigner (s, mr, NULL) == 0)
    {
      sgx_tools_hex (mr, 32, hex);
      printf ("MRSIGNER %s\n", hex);
    }
}

static int
take_key (int c, void *ctx)
{
  if (c != 'k')
    return 1;
  *(const char **)ctx = optarg;
  return 0;
}

int
sgx_tools_sign (int argc, char **argv)
{
  static const struct option extra[]
      = { { "key", required_argument, NULL, 'k' }, { NULL, 0, NULL, 0 } };
  cleanup_error ic_error_t err = NULL;
  struct sigstruct_args a = { 0 };
  const char *key_path = NULL;
  EVP_PKEY *key = NULL;
  int ret;

  if (sigstruct_args_parse ("sign", argc, argv, "k:", extra, sign_usage, &a, take_key, &key_path))
    return 1;
  if (key_path == NULL)
    return sgx_tools_usage_error ("sign", "--key is required");
  if (sgx_signing_key_load (key_path, &key, &err) < 0)
    return sgx_tools_fail (&err);
  ret = sgx_sigstruct_sign (&a.s, key, &err) < 0 || write_out (a.out, &a.s, sizeof (a.s), &err) < 0;
  EVP_PKEY_free (key);
  if (ret)
    return sgx_tools_fail (&err);
  print_mrsigner (&a.s);
  return 0;
}

static int
take_data (int c, void *ctx)
{
  if (c != 'd')
    return 1;
  *(const char **)ctx = optarg;
  return 0;
}

int
sgx_tools_gendata (int argc, char **argv)
{
  static const struct option extra[]
      = { { "data", required_argument, NULL, 'd' }, { NULL, 0, NULL, 0 } };
  cleanup_error ic_error_t err = NULL;
  struct sigstruct_args a = { 0 };
  const char *data_path = NULL;
  uint8_t data[256];

  if (sigstruct_args_parse ("gendata", argc, argv, "", extra, gendata_usage, &a, take_data,
                            &data_path))
    return 1;
  if (data_path == NULL)
    return sgx_tools_usage_error ("gendata", "--data is required");
  sgx_sigstruct_signed_data (&a.s, data);
  if (write_out (a.out, &a.s, sizeof (a.s), &err) < 0
      || write_file_at (AT_FDCWD, data_path, data, sizeof (data), 0644, &err) < 0)
    return sgx_tools_fail (&err);
  return 0;
}

/* The modulus of a PEM public key, big-endian. */
static int
load_modulus (const char *path, uint8_t mod_be[SGX_MODULUS_SIZE], ic_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  EVP_PKEY *key = f ? PEM_read_PUBKEY (f, NULL, NULL, NULL) : NULL;
  BIGNUM *n = NULL;
  int ok = key && EVP_PKEY_is_a (key, "RSA")
           && EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_RSA_N, &n) == 1
           && BN_num_bytes (n) == SGX_MODULUS_SIZE
           && BN_bn2binpad (n, mod_be, SGX_MODULUS_SIZE) == SGX_MODULUS_SIZE;
  BN_free (n);
  EVP_PKEY_free (key);
  if (!ok)
    return ic_error (err, f ? EINVAL : errno, "--public-key `%s`: not an RSA-3072 PEM public key",
                     path);
  return 0;
}

int
sgx_tools_catsig (int argc, char **argv)
{
  static const struct option options[] = { { "sigstruct", required_argument, NULL, 's' },
                                           { "signature", required_argument, NULL, 'g' },
                                           { "public-key", required_argument, NULL, 'p' },
                                           { "out", required_argument, NULL, 'o' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
  cleanup_error ic_error_t err = NULL;
  cleanup_free char *sig = NULL;
  const char *in = NULL, *sig_path = NULL, *pub = NULL, *out = NULL;
  uint8_t mod_be[SGX_MODULUS_SIZE];
  struct sgx_sigstruct s;
  size_t len = 0;
  int c;

  while ((c = sgx_tools_getopt (argc, argv, "+o:h", options, catsig_usage)) != -1)
    switch (c)
      {
      case 's':
        in = optarg;
        break;
      case 'g':
        sig_path = optarg;
        break;
      case 'p':
        pub = optarg;
        break;
      case 'o':
        out = optarg;
        break;
      default:
        return 1;
      }
  if (!in || !sig_path || !pub || !out || argc != optind)
    return sgx_tools_usage_error ("catsig", "--sigstruct, --signature, --public-key and --out "
                                            "are required");
  if (sgx_sigstruct_load (in, &s, &err) < 0 || load_modulus (pub, mod_be, &err) < 0
      || read_file_at (AT_FDCWD, sig_path, SGX_MODULUS_SIZE + 1, &sig, &len, &err) < 0)
    return sgx_tools_fail (&err);
  if (len != SGX_MODULUS_SIZE)
    return sgx_tools_usage_error ("catsig", "--signature: %zu bytes, expected 384", len);
  if (sgx_sigstruct_attach (&s, mod_be, (const uint8_t *)sig, &err) < 0
      || write_out (out, &s, sizeof (s), &err) < 0)
    return sgx_tools_fail (&err);
  print_mrsigner (&s);
  return 0;
}
