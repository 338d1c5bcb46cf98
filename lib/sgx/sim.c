#include "sim.h"
#include "quote.h"
#include "sigstruct.h"
#include "sim-pki.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The sim platform's TCB, as its PCK certificate and TCB info state it. */
static const uint8_t sim_cpusvn[16] = { 5, 5, 3, 3, 4, 1, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
#define SIM_PCESVN 13
#define SIM_FMSPC "00000051EE70"
#define SIM_QE_SVN 8
#define SIM_QE_PRODID 1
/* Collateral is issued for 30 days; sim_platform_ready (sim-state.c) calls it stale when less
   than a day is left, and it is renewed then. */
#define COLLATERAL_DAYS 30

struct sim_platform
{
  char *dir, *root_ca, *collateral;
  EVP_PKEY *pck_key, *attest_key;
  char *pck_chain; /* PEM: PCK certificate, PCK CA, root CA */
  size_t pck_chain_len;
  uint8_t qe_id[16];
  uint8_t report_secret[32];
  struct sim_enclave qe;
};

/* The files of a platform, relative to its directory. */
#define ROOT_KEY "root-ca.key"
#define ROOT_CERT SIM_ROOT_CERT
#define PCK_CA_KEY "pck-ca.key"
#define PCK_CA_CERT "pck-ca.pem"
#define PCK_KEY "pck.key"
#define PCK_CERT "pck.pem"
#define TCB_KEY "tcb-signing.key"
#define TCB_CERT "tcb-signing.pem"
#define ATTEST_KEY "attestation.key"
#define REPORT_SECRET "report-secret"
#define PCK_REVOKED "pck-revoked"
#define PCK_SERIAL 4

/* ---------------------------------------------------------------- the PCK certificate */

static ASN1_TYPE *
asn1_wrap (int type, void *value)
{
  ASN1_TYPE *t = value ? ASN1_TYPE_new () : NULL;
  if (t)
    ASN1_TYPE_set (t, type, value);
  return t;
}

static ASN1_TYPE *
asn1_octets (const uint8_t *data, int len)
{
  ASN1_OCTET_STRING *s = ASN1_OCTET_STRING_new ();
  if (s && ASN1_OCTET_STRING_set (s, data, len) != 1)
    {
      ASN1_OCTET_STRING_free (s);
      s = NULL;
    }
  return asn1_wrap (V_ASN1_OCTET_STRING, s);
}

static ASN1_TYPE *
asn1_integer (long n)
{
  ASN1_INTEGER *i = ASN1_INTEGER_new ();
  if (i && ASN1_INTEGER_set (i, n) != 1)
    {
      ASN1_INTEGER_free (i);
      i = NULL;
    }
  return asn1_wrap (V_ASN1_INTEGER, i);
}

/* SEQUENCE of items (consumed); NULL items make the result NULL. */
static ASN1_TYPE *
asn1_sequence (STACK_OF (ASN1_TYPE) * items)
{
  unsigned char *der = NULL;
  int len = -1;
  ASN1_STRING *s = NULL;
  bool complete = items != NULL;
  for (int i = 0; complete && i < sk_ASN1_TYPE_num (items); i++)
    complete = sk_ASN1_TYPE_value (items, i) != NULL;
  if (complete)
    len = i2d_ASN1_SEQUENCE_ANY (items, &der);
  if (len > 0 && (s = ASN1_STRING_new ()) != NULL && ASN1_STRING_set (s, der, len) != 1)
    {
      ASN1_STRING_free (s);
      s = NULL;
    }
  OPENSSL_free (der);
  sk_ASN1_TYPE_pop_free (items, ASN1_TYPE_free);
  return asn1_wrap (V_ASN1_SEQUENCE, s);
}

/* SEQUENCE { OID, value } as the SGX extension nests them. */
static ASN1_TYPE *
asn1_pair (const char *oid, ASN1_TYPE *value)
{
  STACK_OF (ASN1_TYPE) *items = sk_ASN1_TYPE_new_null ();
  if (items)
    {
      sk_ASN1_TYPE_push (items, asn1_wrap (V_ASN1_OBJECT, OBJ_txt2obj (oid, 1)));
      sk_ASN1_TYPE_push (items, value);
    }
  else
    ASN1_TYPE_free (value);
  return asn1_sequence (items);
}

#define SGX_OID "1.2.840.113741.1.13.1"

/* The SGX extension of a PCK certificate: PPID, TCB (16 component SVNs, PCE SVN, CPU SVN),
   PCE-ID, FMSPC and SGX type, under Intel's OIDs. */
static X509_EXTENSION *
sgx_extension (const uint8_t ppid[16], const uint8_t fmspc[6])
{
  STACK_OF (ASN1_TYPE) *tcb = sk_ASN1_TYPE_new_null (), *top = sk_ASN1_TYPE_new_null ();
  static const uint8_t pceid[2] = { 0, 0 };
  ASN1_TYPE *ext;
  X509_EXTENSION *out = NULL;
  char oid[64];

  for (int i = 1; tcb && i <= 16; i++)
    {
      snprintf (oid, sizeof (oid), SGX_OID ".2.%d", i);
      sk_ASN1_TYPE_push (tcb, asn1_pair (oid, asn1_integer (sim_cpusvn[i - 1])));
    }
  if (tcb)
    {
      sk_ASN1_TYPE_push (tcb, asn1_pair (SGX_OID ".2.17", asn1_integer (SIM_PCESVN)));
      sk_ASN1_TYPE_push (tcb, asn1_pair (SGX_OID ".2.18", asn1_octets (sim_cpusvn, 16)));
    }
  if (top)
    {
      sk_ASN1_TYPE_push (top, asn1_pair (SGX_OID ".1", asn1_octets (ppid, 16)));
      sk_ASN1_TYPE_push (top, asn1_pair (SGX_OID ".2", asn1_sequence (tcb)));
      sk_ASN1_TYPE_push (top, asn1_pair (SGX_OID ".3", asn1_octets (pceid, 2)));
      sk_ASN1_TYPE_push (top, asn1_pair (SGX_OID ".4", asn1_octets (fmspc, 6)));
      sk_ASN1_TYPE_push (
          top, asn1_pair (SGX_OID ".5", asn1_wrap (V_ASN1_ENUMERATED, ASN1_ENUMERATED_new ())));
    }
  else
    sk_ASN1_TYPE_pop_free (tcb, ASN1_TYPE_free);
  ext = asn1_sequence (top);
  if (ext)
    {
      ASN1_OBJECT *obj = OBJ_txt2obj (SGX_OID, 1);
      if (obj)
        out = X509_EXTENSION_create_by_OBJ (NULL, obj, 0, ext->value.sequence);
      ASN1_OBJECT_free (obj);
    }
  ASN1_TYPE_free (ext);
  return out;
}

/* ---------------------------------------------------------------- creating a platform */

static int
unhex6 (const char *text, uint8_t out[6])
{
  for (int i = 0; i < 6; i++)
    if (sscanf (text + 2 * i, "%2hhx", &out[i]) != 1)
      return -1;
  return 0;
}

static char *
path_in (const char *dir, const char *file)
{
  return xasprintf ("%s/%s", dir, file);
}

/* Writes key and certificate files name.key / name.pem. */
static int
save_pair (const char *dir, const char *key_file, EVP_PKEY *key, const char *cert_file, X509 *cert,
           ic_error_t *err)
{
  cleanup_free char *kp = path_in (dir, key_file), *cp = path_in (dir, cert_file);
  return pki_key_save (kp, key, err) < 0 || pki_cert_save (cp, cert, err) < 0 ? -1 : 0;
}

/* The keys and certificates of a new platform: root CA, PCK CA, PCK, TCB signing, the QE's
   attestation key and the report-key secret. */
static int
create_identity (const char *dir, ic_error_t *err)
{
  EVP_PKEY *root_key = NULL, *ca_key = NULL, *pck_key = NULL, *tcb_key = NULL, *att_key = NULL;
  X509 *root = NULL, *ca = NULL, *pck = NULL, *tcb = NULL;
  X509_EXTENSION *ext = NULL;
  uint8_t ppid[16], fmspc[6], secret[32];
  cleanup_free char *secret_path = path_in (dir, REPORT_SECRET);
  cleanup_free char *att_path = path_in (dir, ATTEST_KEY);
  int ret = -1;

  if (RAND_bytes (ppid, sizeof (ppid)) != 1 || RAND_bytes (secret, sizeof (secret)) != 1)
    return ic_error (err, EIO, "sim: no random bytes");
  unhex6 (SIM_FMSPC, fmspc);
  if ((root_key = pki_key_new (err)) && (ca_key = pki_key_new (err))
      && (pck_key = pki_key_new (err)) && (tcb_key = pki_key_new (err))
      && (att_key = pki_key_new (err))
      && (root = pki_cert_new ("Inclavare Containers SIMULATED SGX Root CA (not a TEE)", root_key,
                               NULL, NULL, 1, true, NULL, err))
      && (ca = pki_cert_new ("Inclavare Containers SIMULATED SGX PCK Platform CA", ca_key, root,
                             root_key, 2, true, NULL, err))
      && (tcb = pki_cert_new ("Inclavare Containers SIMULATED SGX TCB Signing", tcb_key, root,
                              root_key, 3, false, NULL, err))
      && (ext = sgx_extension (ppid, fmspc)) != NULL
      && (pck = pki_cert_new ("Inclavare Containers SIMULATED SGX PCK Certificate", pck_key, ca,
                              ca_key, PCK_SERIAL, false, ext, err))
      && save_pair (dir, PCK_CA_KEY, ca_key, PCK_CA_CERT, ca, err) == 0
      && save_pair (dir, TCB_KEY, tcb_key, TCB_CERT, tcb, err) == 0
      && save_pair (dir, PCK_KEY, pck_key, PCK_CERT, pck, err) == 0
      && pki_key_save (att_path, att_key, err) == 0
      && write_file_at (AT_FDCWD, secret_path, secret, sizeof (secret), 0600, err) == 0
      /* Last: the root certificate marks a complete platform. */
      && save_pair (dir, ROOT_KEY, root_key, ROOT_CERT, root, err) == 0)
    ret = 0;
  else if (ext == NULL && pck_key && !*err)
    ic_error (err, EINVAL, "sim: build the PCK certificate's SGX extension");
  OPENSSL_cleanse (secret, sizeof (secret));
  X509_EXTENSION_free (ext);
  X509_free (root), X509_free (ca), X509_free (pck), X509_free (tcb);
  EVP_PKEY_free (root_key), EVP_PKEY_free (ca_key), EVP_PKEY_free (pck_key);
  EVP_PKEY_free (tcb_key), EVP_PKEY_free (att_key);
  return ret;
}

/* ---------------------------------------------------------------- collateral */

static void
format_time (time_t t, char out[21])
{
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
hex (const uint8_t *data, size_t len, char *out)
{
  for (size_t i = 0; i < len; i++)
    sprintf (out + 2 * i, "%02X", data[i]);
}

/* {"<name>": <body>, "signature": "<r||s hex>"} signed over the exact bytes of body. */
static int
write_signed_json (const char *path, const char *name, const char *body, EVP_PKEY *key,
                   ic_error_t *err)
{
  uint8_t rs[64];
  char sig[129];
  cleanup_free char *doc = NULL;
  if (pki_sign_rs (key, (const uint8_t *)body, strlen (body), rs, err) < 0)
    return -1;
  hex (rs, 64, sig);
  doc = xasprintf ("{\"%s\":%s,\"signature\":\"%s\"}", name, body, sig);
  return write_file_atomic_at (AT_FDCWD, path, doc, strlen (doc), err);
}

static char *
tcb_info_body (const char *issued, const char *next)
{
  char comps[16 * 12 + 1] = "";
  for (int i = 0; i < 16; i++)
    sprintf (comps + strlen (comps), "%s{\"svn\":%u}", i ? "," : "", sim_cpusvn[i]);
  return xasprintf ("{\"id\":\"SGX\",\"version\":3,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
                    "\"fmspc\":\"%s\",\"pceId\":\"0000\",\"tcbType\":0,"
                    "\"tcbEvaluationDataNumber\":1,\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\":"
                    "[%s],\"pcesvn\":%d},\"tcbDate\":\"%s\",\"tcbStatus\":\"UpToDate\"}]}",
                    issued, next, SIM_FMSPC, comps, SIM_PCESVN, issued);
}

static char *
qe_identity_body (const struct sim_enclave *qe, const char *issued, const char *next)
{
  char mrsigner[65];
  hex (qe->identity.mrsigner, 32, mrsigner);
  return xasprintf ("{\"id\":\"QE\",\"version\":2,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
                    "\"tcbEvaluationDataNumber\":1,\"miscselect\":\"00000000\","
                    "\"miscselectMask\":\"FFFFFFFF\",\"attributes\":"
                    "\"11000000000000000000000000000000\",\"attributesMask\":"
                    "\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"%s\",\"isvprodid\":%d,"
                    "\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%d},\"tcbDate\":\"%s\","
                    "\"tcbStatus\":\"UpToDate\"}]}",
                    issued, next, mrsigner, SIM_QE_PRODID, SIM_QE_SVN, issued);
}

static int
write_crl (const char *path, X509 *issuer, EVP_PKEY *key, const ASN1_INTEGER *revoked,
           ic_error_t *err)
{
  X509_CRL *crl = pki_crl_new (issuer, key, COLLATERAL_DAYS, revoked, err);
  unsigned char *der = NULL;
  int len = crl ? i2d_X509_CRL (crl, &der) : -1, ret;
  X509_CRL_free (crl);
  if (crl && len <= 0)
    ic_error (err, EINVAL, "sim: encode `%s`", path);
  ret = len > 0 ? write_file_atomic_at (AT_FDCWD, path, (const char *)der, len, err) : -1;
  OPENSSL_free (der);
  return ret;
}

/* The concatenation of up to three PEM files of dir. */
static char *
read_chain (const char *dir, const char *first, const char *second, const char *third,
            ic_error_t *err)
{
  const char *files[] = { first, second, third };
  char *all = xstrdup ("");
  for (size_t i = 0; i < 3 && files[i]; i++)
    {
      cleanup_free char *p = path_in (dir, files[i]), *text = NULL, *prev = all;
      size_t len;
      if (read_file_at (AT_FDCWD, p, 1 << 16, &text, &len, err) < 0)
        return NULL;
      all = xasprintf ("%s%s", prev, text);
    }
  return all;
}

static int
write_chain (const char *path, const char *dir, const char *first, const char *second,
             ic_error_t *err)
{
  cleanup_free char *all = read_chain (dir, first, second, NULL, err);
  return all ? write_file_atomic_at (AT_FDCWD, path, all, strlen (all), err) : -1;
}

struct signers
{
  EVP_PKEY *root_key, *ca_key, *tcb_key;
  X509 *root, *ca, *pck;
};

static void
signers_clear (struct signers *s)
{
  EVP_PKEY_free (s->root_key), EVP_PKEY_free (s->ca_key), EVP_PKEY_free (s->tcb_key);
  X509_free (s->root), X509_free (s->ca), X509_free (s->pck);
}

static int
signers_load (const char *dir, struct signers *s, ic_error_t *err)
{
  cleanup_free char *root_key = path_in (dir, ROOT_KEY), *ca_key = path_in (dir, PCK_CA_KEY);
  cleanup_free char *tcb_key = path_in (dir, TCB_KEY), *root = path_in (dir, ROOT_CERT);
  cleanup_free char *ca = path_in (dir, PCK_CA_CERT), *pck = path_in (dir, PCK_CERT);
  memset (s, 0, sizeof (*s));
  if ((s->root_key = pki_key_load (root_key, err)) && (s->ca_key = pki_key_load (ca_key, err))
      && (s->tcb_key = pki_key_load (tcb_key, err)) && (s->root = pki_cert_load (root, err))
      && (s->ca = pki_cert_load (ca, err)) && (s->pck = pki_cert_load (pck, err)))
    return 0;
  signers_clear (s);
  return -1;
}

/* (Re)issues the collateral: CRLs, TCB info, QE identity and their issuer chains. */
static int
issue_collateral (const char *dir, const char *cdir, const struct sim_enclave *qe, ic_error_t *err)
{
  char issued[21], next[21];
  time_t now = time (NULL);
  struct signers s;
  cleanup_free char *revoked_flag = path_in (dir, PCK_REVOKED);
  cleanup_free char *root_crl = path_in (cdir, "root_ca_crl.der");
  cleanup_free char *pck_crl = path_in (cdir, "pck_crl.der");
  cleanup_free char *pck_chain = path_in (cdir, "pck_crl_issuer_chain.pem");
  cleanup_free char *tcb_chain = path_in (cdir, "tcb_info_issuer_chain.pem");
  cleanup_free char *qe_chain = path_in (cdir, "qe_identity_issuer_chain.pem");
  cleanup_free char *tcb_path = path_in (cdir, "tcb_info.json");
  cleanup_free char *qe_path = path_in (cdir, "qe_identity.json");
  cleanup_free char *tcb_body = NULL, *qe_body = NULL;
  int ret = -1;

  if (mkdir (cdir, 0700) < 0 && errno != EEXIST)
    return ic_error (err, errno, "sim: create `%s`", cdir);
  if (signers_load (dir, &s, err) < 0)
    return -1;
  format_time (now - 3600, issued);
  format_time (now + COLLATERAL_DAYS * 24 * 3600, next);
  tcb_body = tcb_info_body (issued, next);
  qe_body = qe_identity_body (qe, issued, next);
  if (write_crl (root_crl, s.root, s.root_key, NULL, err) == 0
      && write_crl (pck_crl, s.ca, s.ca_key,
                    access (revoked_flag, F_OK) == 0 ? X509_get0_serialNumber (s.pck) : NULL, err)
             == 0
      && write_chain (pck_chain, dir, PCK_CA_CERT, ROOT_CERT, err) == 0
      && write_chain (tcb_chain, dir, TCB_CERT, ROOT_CERT, err) == 0
      && write_chain (qe_chain, dir, TCB_CERT, ROOT_CERT, err) == 0
      && write_signed_json (tcb_path, "tcbInfo", tcb_body, s.tcb_key, err) == 0
      && write_signed_json (qe_path, "enclaveIdentity", qe_body, s.tcb_key, err) == 0)
    ret = 0;
  signers_clear (&s);
  return ret;
}

/* ---------------------------------------------------------------- opening a platform */

/* The sim QE's identity: fixed measurements that name it for what it is. */
static void
sim_qe_identity (struct sim_enclave *qe)
{
  static const char qe_name[] = "Inclavare Containers SIMULATED quoting enclave";
  static const char signer_name[] = "Inclavare Containers SIMULATED quoting enclave signer";
  struct sgx_report_body *id = &qe->identity;
  memset (qe, 0, sizeof (*qe));
  memcpy (id->cpusvn, sim_cpusvn, 16);
  id->attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT | SGX_ATTR_PROVISIONKEY;
  id->attributes.xfrm = 0x3;
  SHA256 ((const uint8_t *)qe_name, sizeof (qe_name) - 1, id->mrenclave);
  SHA256 ((const uint8_t *)signer_name, sizeof (signer_name) - 1, id->mrsigner);
  id->isvprodid = SIM_QE_PRODID;
  id->isvsvn = SIM_QE_SVN;
}

static int
load_platform (struct sim_platform *p, ic_error_t *err)
{
  cleanup_free char *pck = path_in (p->dir, PCK_KEY), *att = path_in (p->dir, ATTEST_KEY);
  cleanup_free char *secret = path_in (p->dir, REPORT_SECRET), *data = NULL;
  uint8_t digest[32];
  size_t len;

  if ((p->pck_key = pki_key_load (pck, err)) == NULL
      || (p->attest_key = pki_key_load (att, err)) == NULL
      || (p->pck_chain = read_chain (p->dir, PCK_CERT, PCK_CA_CERT, ROOT_CERT, err)) == NULL
      || read_file_at (AT_FDCWD, secret, 64, &data, &len, err) < 0)
    return -1;
  if (len != sizeof (p->report_secret))
    return ic_error (err, EBADMSG, "%s: expected %zu bytes", secret, sizeof (p->report_secret));
  p->pck_chain_len = strlen (p->pck_chain);
  memcpy (p->report_secret, data, len);
  OPENSSL_cleanse (data, len);
  /* The QE ID in quote headers: derived from the PCK key, stable for the platform. */
  SHA256 ((const uint8_t *)p->pck_chain, p->pck_chain_len, digest);
  memcpy (p->qe_id, digest, 16);
  return 0;
}

/* mkdir -p with mode 0700 for the last component. */
static int
make_state_dir (const char *dir, ic_error_t *err)
{
  cleanup_free char *copy = xstrdup (dir);
  for (char *s = copy + 1; *s; s++)
    if (*s == '/')
      {
        *s = 0;
        if (mkdir (copy, 0755) < 0 && errno != EEXIST)
          return ic_error (err, errno, "sim: create `%s`", copy);
        *s = '/';
      }
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return ic_error (err, errno, "sim: create the state directory `%s`", dir);
  return 0;
}

/* Creates the platform or renews its collateral, under the lock. A ready platform needs
   neither, so it opens from a read-only directory (an enclave container's view of it). */
static int
create_or_renew (struct sim_platform *p, ic_error_t *err)
{
  cleanup_free char *lock = path_in (p->dir, ".lock");
  cleanup_close int fd = -1;

  if (make_state_dir (p->dir, err) < 0)
    return -1;
  fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return ic_error (err, errno, "sim: open `%s`", lock);
  if (flock (fd, LOCK_EX) < 0)
    return ic_error (err, errno, "sim: lock `%s`", lock);
  if (access (p->root_ca, F_OK) < 0 && create_identity (p->dir, err) < 0)
    return ic_error_wrap (err, "sim: create the platform in `%s`", p->dir);
  /* The identity exists now: not ready means stale (or no) collateral. */
  if (!sim_platform_ready (p->dir) && issue_collateral (p->dir, p->collateral, &p->qe, err) < 0)
    return ic_error_wrap (err, "sim: issue the collateral in `%s`", p->collateral);
  return 0;
}

/* A platform's paths and QE identity, nothing loaded yet. */
static struct sim_platform *
platform_new (const char *dir)
{
  struct sim_platform *p = xmalloc0 (sizeof (*p));
  p->dir = xstrdup (sim_platform_dir (dir));
  p->root_ca = path_in (p->dir, ROOT_CERT);
  p->collateral = path_in (p->dir, SIM_COLLATERAL_DIR);
  sim_qe_identity (&p->qe);
  return p;
}

int
sim_platform_open (const char *dir, struct sim_platform **out, ic_error_t *err)
{
  struct sim_platform *p = platform_new (dir);
  if ((!sim_platform_ready (p->dir) && create_or_renew (p, err) < 0) || load_platform (p, err) < 0)
    {
      sim_platform_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

int
sim_platform_prepare (const char *dir, ic_error_t *err)
{
  struct sim_platform *p;
  int ret;
  if (sim_platform_ready (dir))
    return 0;
  p = platform_new (dir);
  ret = create_or_renew (p, err);
  sim_platform_free (p);
  return ret;
}

void
sim_platform_free (struct sim_platform *p)
{
  if (p == NULL)
    return;
  EVP_PKEY_free (p->pck_key);
  EVP_PKEY_free (p->attest_key);
  OPENSSL_cleanse (p->report_secret, sizeof (p->report_secret));
  free (p->pck_chain), free (p->dir), free (p->root_ca), free (p->collateral);
  free (p);
}

const char *
sim_platform_root_ca (const struct sim_platform *p)
{
  return p->root_ca;
}

const char *
sim_platform_collateral_dir (const struct sim_platform *p)
{
  return p->collateral;
}

int
sim_platform_revoke_pck (struct sim_platform *p, ic_error_t *err)
{
  cleanup_free char *flag = path_in (p->dir, PCK_REVOKED);
  if (write_file_at (AT_FDCWD, flag, "", 0, 0600, err) < 0)
    return -1;
  return issue_collateral (p->dir, p->collateral, &p->qe, err);
}

/* ---------------------------------------------------------------- enclaves and reports */

int
sim_enclave_init (const struct sim_platform *p, const uint8_t mrenclave[32],
                  const struct sgx_attributes *attributes, uint32_t miscselect,
                  const struct sgx_sigstruct *ss, struct sim_enclave *out, ic_error_t *err)
{
  const struct sgx_sigstruct_body *b = &ss->body;
  struct sgx_report_body *id = &out->identity;

  if (sgx_sigstruct_verify (ss, mrenclave, err) < 0)
    return ic_error_wrap (err, "EINIT");
  if ((attributes->flags & b->attributemask.flags) != (b->attributes.flags & b->attributemask.flags)
      || (attributes->xfrm & b->attributemask.xfrm) != (b->attributes.xfrm & b->attributemask.xfrm))
    return ic_error (err, EPERM,
                     "EINIT: the enclave's attributes (flags %#llx, xfrm %#llx) do not match the "
                     "SIGSTRUCT's under its mask",
                     (unsigned long long)attributes->flags, (unsigned long long)attributes->xfrm);
  if ((miscselect & b->miscmask) != (b->miscselect & b->miscmask))
    return ic_error (err, EPERM,
                     "EINIT: the enclave's MISCSELECT %#x does not match the SIGSTRUCT's",
                     miscselect);
  memset (out, 0, sizeof (*out));
  memcpy (id->cpusvn, sim_cpusvn, 16);
  id->miscselect = miscselect;
  id->attributes = *attributes;
  id->attributes.flags |= SGX_ATTR_INIT;
  memcpy (id->mrenclave, mrenclave, 32);
  memcpy (id->isvextprodid, b->isvextprodid, 16);
  memcpy (id->isvfamilyid, b->isvfamilyid, 16);
  id->isvprodid = b->isvprodid;
  id->isvsvn = b->isvsvn;
  return sgx_sigstruct_mrsigner (ss, id->mrsigner, err);
}

void
sim_enclave_target_info (const struct sim_enclave *e, struct sgx_targetinfo *out)
{
  memset (out, 0, sizeof (*out));
  memcpy (out->mrenclave, e->identity.mrenclave, 32);
  out->attributes = e->identity.attributes;
  out->miscselect = e->identity.miscselect;
  out->config_svn = e->identity.config_svn;
  memcpy (out->config_id, e->identity.config_id, 64);
}

/* EGETKEY(REPORT) for the target: only this platform's secret derives it. */
static int
report_key (const struct sim_platform *p, const struct sgx_targetinfo *t, const uint8_t keyid[32],
            uint8_t key[16], ic_error_t *err)
{
  uint8_t input[10 + 32 + 16 + 4 + 32 + 16], mac[32];
  size_t n = 0, mac_len = 0;
  memcpy (input, "REPORT KEY", 10), n += 10;
  memcpy (input + n, t->mrenclave, 32), n += 32;
  memcpy (input + n, &t->attributes, 16), n += 16;
  memcpy (input + n, &t->miscselect, 4), n += 4;
  memcpy (input + n, keyid, 32), n += 32;
  memcpy (input + n, sim_cpusvn, 16), n += 16;
  if (EVP_Q_mac (NULL, "HMAC", NULL, "SHA256", NULL, p->report_secret, sizeof (p->report_secret),
                 input, n, mac, sizeof (mac), &mac_len)
          == NULL
      || mac_len != 32)
    return ic_error (err, EINVAL, "sim: derive the report key");
  memcpy (key, mac, 16);
  OPENSSL_cleanse (mac, sizeof (mac));
  return 0;
}

static int
report_mac (const struct sim_platform *p, const struct sgx_targetinfo *t,
            const struct sgx_report *r, uint8_t mac[16], ic_error_t *err)
{
  uint8_t key[16];
  size_t len = 0;
  bool ok;
  if (report_key (p, t, r->keyid, key, err) < 0)
    return -1;
  ok = EVP_Q_mac (NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, sizeof (key),
                  (const uint8_t *)&r->body, sizeof (r->body), mac, 16, &len)
           != NULL
       && len == 16;
  OPENSSL_cleanse (key, sizeof (key));
  return ok ? 0 : ic_error (err, EINVAL, "sim: compute the report MAC");
}

int
sim_enclave_report (const struct sim_platform *p, const struct sim_enclave *e,
                    const struct sgx_targetinfo *target, const uint8_t report_data[64],
                    struct sgx_report *out, ic_error_t *err)
{
  memset (out, 0, sizeof (*out));
  out->body = e->identity;
  memcpy (out->body.report_data, report_data, 64);
  if (RAND_bytes (out->keyid, sizeof (out->keyid)) != 1)
    return ic_error (err, EIO, "sim: no random bytes");
  return report_mac (p, target, out, out->mac, err);
}

int
sim_report_verify (const struct sim_platform *p, const struct sim_enclave *target,
                   const struct sgx_report *report, ic_error_t *err)
{
  struct sgx_targetinfo t;
  uint8_t mac[16];
  sim_enclave_target_info (target, &t);
  if (report_mac (p, &t, report, mac, err) < 0)
    return -1;
  if (CRYPTO_memcmp (mac, report->mac, sizeof (mac)) != 0)
    return ic_error (err, EBADMSG,
                     "report: the MAC does not verify (altered, addressed to another enclave, or "
                     "made on another platform)");
  return 0;
}

/* ---------------------------------------------------------------- the quoting enclave */

void
sim_qe_target_info (const struct sim_platform *p, struct sgx_targetinfo *out)
{
  sim_enclave_target_info (&p->qe, out);
}

struct writer
{
  uint8_t *data;
  size_t len;
};

static void *
put (struct writer *w, const void *src, size_t n)
{
  uint8_t *at = w->data + w->len;
  if (src)
    memcpy (at, src, n);
  w->len += n;
  return at;
}

int
sim_quote (const struct sim_platform *p, const struct sgx_report *report, uint8_t **quote,
           size_t *len, ic_error_t *err)
{
  static const uint8_t auth[32]
      = { 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
          16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
  struct sgx_quote_header h = { .version = 3,
                                .att_key_type = SGX_QUOTE_ATT_KEY_ECDSA_P256,
                                .tee_type = SGX_QUOTE_TEE_SGX,
                                .qe_svn = SIM_QE_SVN,
                                .pce_svn = SIM_PCESVN };
  struct sgx_report_body qe_report = p->qe.identity;
  uint8_t xy[64], *sig, *qe_sig;
  uint32_t sig_len = 64 + 64 + 384 + 64 + 2 + sizeof (auth) + 2 + 4 + p->pck_chain_len;
  uint16_t auth_len = sizeof (auth), cert_type = SGX_QUOTE_CERT_PCK_CHAIN;
  uint32_t cert_len = p->pck_chain_len;
  struct writer w = { xmalloc0 (sizeof (h) + 384 + 4 + sig_len), 0 };
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  bool ok;

  if (sim_report_verify (p, &p->qe, report, err) < 0)
    {
      EVP_MD_CTX_free (md);
      free (w.data);
      return ic_error_wrap (err, "sim QE: not a report of this platform addressed to the QE");
    }
  memcpy (h.qe_vendor_id, sgx_qe_vendor_sim, 16);
  memcpy (h.user_data, p->qe_id, 16);
  put (&w, &h, sizeof (h));
  put (&w, &report->body, sizeof (report->body));
  put (&w, &sig_len, 4);
  sig = put (&w, NULL, 64);
  put (&w, xy, 64); /* filled below */
  /* The QE vouches for the attestation key in its own report, which the PCK key signs. */
  ok = md && pki_public_xy (p->attest_key, xy, err) == 0
       && EVP_DigestInit_ex (md, EVP_sha256 (), NULL) == 1 && EVP_DigestUpdate (md, xy, 64) == 1
       && EVP_DigestUpdate (md, auth, sizeof (auth)) == 1
       && EVP_DigestFinal_ex (md, qe_report.report_data, NULL) == 1;
  EVP_MD_CTX_free (md);
  memcpy (w.data + sizeof (h) + 384 + 4 + 64, xy, 64);
  put (&w, &qe_report, sizeof (qe_report));
  qe_sig = put (&w, NULL, 64);
  put (&w, &auth_len, 2);
  put (&w, auth, sizeof (auth));
  put (&w, &cert_type, 2);
  put (&w, &cert_len, 4);
  put (&w, p->pck_chain, p->pck_chain_len);
  if (!ok
      || pki_sign_rs (p->pck_key, (const uint8_t *)&qe_report, sizeof (qe_report), qe_sig, err) < 0
      || pki_sign_rs (p->attest_key, w.data, sizeof (h) + 384, sig, err) < 0)
    {
      free (w.data);
      return ok ? -1 : ic_error (err, EINVAL, "sim QE: bind the attestation key");
    }
  *quote = w.data;
  *len = w.len;
  return 0;
}
