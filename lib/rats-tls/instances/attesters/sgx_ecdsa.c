/* The sgx_ecdsa attester: DCAP quotes of real SGX hardware through Intel's quote library
   (libsgx_dcap_ql). A quote needs a REPORT made by EREPORT inside an enclave; an enclave
   runtime gives it through the library's sgx_qe_get_target_info / sgx_qe_get_quote. This
   host has neither SGX nor Intel's library, so init fails with a clear error naming what is
   missing; the code that needs the hardware is not reachable here. */
#include <dlfcn.h>
#include <rats-tls/attester.h>
#include <stdio.h>
#include <unistd.h>

#define DCAP_QL_LIBRARY "libsgx_dcap_ql.so.1"

static bool
cpu_has_sgx (void)
{
  unsigned int eax = 7, ebx = 0, ecx = 0, edx = 0;
  __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  return ebx & (1u << 2);
}

static enclave_attester_err_t
sgx_ecdsa_init (enclave_attester_ctx_t *ctx, rats_tls_cert_algo_t algo)
{
  void *ql;

  if (!cpu_has_sgx ()
      || (access ("/dev/sgx_enclave", F_OK) != 0 && access ("/dev/sgx/enclave", F_OK) != 0))
    return rtls_error (ENCLAVE_ATTESTER_ERR_CPU_UNSUPPORTED,
                       "sgx_ecdsa: this machine has no SGX (CPUID.7.0:EBX[2] or "
                       "/dev/sgx_enclave missing); use the `sim` attester for the software TEE");
  ql = dlopen (DCAP_QL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (ql == NULL)
    return rtls_error (ENCLAVE_ATTESTER_ERR_NO_TOOL,
                       "sgx_ecdsa: Intel's DCAP quote library (" DCAP_QL_LIBRARY
                       ") is not installed: %s",
                       dlerror ());
  dlclose (ql);
  return rtls_error (ENCLAVE_ATTESTER_ERR_NO_TOOL,
                     "sgx_ecdsa: quoting needs the REPORT of an enclave; this process runs "
                     "outside one (host mode has no SGX enclave to report from)");
}

static enclave_attester_err_t
sgx_ecdsa_collect_evidence (enclave_attester_ctx_t *ctx, attestation_evidence_t *evidence,
                            rats_tls_cert_algo_t algo, const uint8_t *hash, uint32_t hash_len)
{
  return rtls_error (ENCLAVE_ATTESTER_ERR_NO_TOOL, "sgx_ecdsa: not initialized");
}

static const enclave_attester_opts_t sgx_ecdsa_opts = {
  .api_version = ENCLAVE_ATTESTER_API_VERSION_DEFAULT,
  .name = "sgx_ecdsa",
  .type = "sgx_ecdsa",
  .priority = 52,
  .init = sgx_ecdsa_init,
  .collect_evidence = sgx_ecdsa_collect_evidence,
};

static void __attribute__ ((constructor)) libattester_sgx_ecdsa_init (void)
{
  enclave_attester_register (&sgx_ecdsa_opts);
}
