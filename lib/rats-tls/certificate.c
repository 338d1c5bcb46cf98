/* Making this side's certificate: key, claims, evidence over the claims' hash, extensions. */
#include "dice.h"
#include "internal.h"
#include "utils.h"
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

static void
free_key (uint8_t *key, size_t len)
{
  if (key)
    OPENSSL_cleanse (key, len);
  free (key);
}

rats_tls_err_t
rtls_generate_certificate (struct rtls_core_context_t *h)
{
  cleanup_error ic_error_t err = NULL;
  const crypto_wrapper_opts_t *crypto = h->crypto.opts;
  const enclave_attester_opts_t *attester = h->attester.opts;
  const tls_wrapper_opts_t *tls = h->tls.opts;
  rats_tls_cert_algo_t algo = h->config.cert_algo;
  cleanup_free uint8_t *claims = NULL, *evidence_buf = NULL, *endorsements_buf = NULL;
  uint8_t pubkey_hash[32], claims_hash[SHA256_DIGEST_LENGTH];
  attestation_evidence_t evidence = { 0 };
  rats_tls_cert_info_t info = { 0 };
  size_t claims_len = 0, evidence_len = 0, endorsements_len = 0, key_len = 0;
  uint8_t *key = NULL;
  int ret;

  ret = crypto->gen_privkey (&h->crypto, algo, &key, &key_len);
  if (ret != CRYPTO_WRAPPER_ERR_NONE)
    return ret;
  if (key == NULL)
    {
      if (tls->use_privkey || tls->use_cert)
        return rtls_error (RATS_TLS_ERR_INIT,
                           "TLS wrapper `%s` needs a key and a certificate, crypto wrapper `%s` "
                           "makes none",
                           tls->name, crypto->name);
      return RATS_TLS_ERR_NONE;
    }
  if (!tls->use_privkey || !tls->use_cert)
    {
      free_key (key, key_len);
      return rtls_error (RATS_TLS_ERR_INIT, "TLS wrapper `%s` cannot use a certificate", tls->name);
    }

  ret = crypto->gen_pubkey_hash (&h->crypto, algo, pubkey_hash);
  if (ret != CRYPTO_WRAPPER_ERR_NONE)
    goto out;
  if (dice_claims_build (HASH_ALGO_SHA256, pubkey_hash, h->custom_claims, h->n_custom_claims,
                         &claims, &claims_len, &err)
      < 0)
    {
      ret = rtls_error_from (RATS_TLS_ERR_INVALID, &err);
      goto out;
    }
  SHA256 (claims, claims_len, claims_hash);
  ret = attester->collect_evidence (&h->attester, &evidence, algo, claims_hash, sizeof claims_hash);
  if (ret != ENCLAVE_ATTESTER_ERR_NONE)
    goto out;
  if (evidence.data)
    {
      if (dice_evidence_build (evidence.tag, evidence.data, evidence.size, claims, claims_len,
                               &evidence_buf, &evidence_len, &err)
          < 0)
        {
          ret = rtls_error_from (RATS_TLS_ERR_CBOR, &err);
          goto out;
        }
      if ((h->config.flags & RATS_TLS_CONF_FLAGS_PROVIDE_ENDORSEMENTS)
          && attester->collect_endorsements)
        {
          attestation_endorsement_t e = { 0 };
          ret = attester->collect_endorsements (&h->attester, &evidence, &e);
          if (ret != ENCLAVE_ATTESTER_ERR_NONE)
            goto out;
          ret = dice_endorsements_build (evidence.tag, &e, &endorsements_buf, &endorsements_len,
                                         &err);
          rtls_endorsement_clear (&e);
          if (ret < 0)
            {
              ret = rtls_error_from (RATS_TLS_ERR_CBOR, &err);
              goto out;
            }
        }
    }

  info.subject.organization = "Inclavare Containers";
  info.subject.common_name = "RATS-TLS";
  info.evidence_buffer = evidence_buf;
  info.evidence_buffer_size = evidence_len;
  info.endorsements_buffer = endorsements_buf;
  info.endorsements_buffer_size = endorsements_len;
  ret = crypto->gen_cert (&h->crypto, algo, &info);
  if (ret != CRYPTO_WRAPPER_ERR_NONE)
    goto out;
  h->cert_der = info.cert_buf;
  h->cert_len = info.cert_len;

  ret = tls->use_privkey (&h->tls, algo, key, key_len);
  if (ret == TLS_WRAPPER_ERR_NONE)
    ret = tls->use_cert (&h->tls, &info);
out:
  free (evidence.data);
  free_key (key, key_len);
  return ret;
}
