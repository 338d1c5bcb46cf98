/* The TDX part of the DCAP verifier: which collateral a quote needs, and the TCB evaluation of
   a TDX quote v4 against a TCB info of id "TDX" (version 3). The chains, CRLs, signatures and
   the TD QE's identity are checked by dcap.c exactly as for SGX quotes.

   TEE_TCB_SVN (16 bytes of the TD report body) states the platform's TDX TCB: byte 0 is the TDX
   module's SVN, byte 1 its major version, the others the remaining TDX TCB components. As
   Intel's TDX TCB evaluation does:
   - major version 0: the TD report's MRSIGNERSEAM and SEAMATTRIBUTES must match "tdxModule";
     all 16 bytes are compared with each level's "tdxtcbcomponents";
   - major version N > 0: they must match the "tdxModuleIdentities" entry of id "TDX_<NN>"
     (two hex digits), whose first TCB level with isvsvn <= byte 0 gives the module's status
     (none: refused); bytes 0 and 1 are then left out of the level comparison;
   - the platform's level is the first (they are sorted from the newest) whose SGX components
     and PCE SVN the PCK certificate reaches and whose TDX components TEE_TCB_SVN reaches;
   - an OutOfDate module lowers UpToDate/SWHardeningNeeded to OutOfDate and the Configuration
     statuses to OutOfDateConfigurationNeeded; a Revoked module makes it Revoked; the module
     level's advisory IDs are added to the platform level's. */
#include "dcap-internal.h"
#include "utils.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *
get_string (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_string)
             ? json_object_get_string (v)
             : NULL;
}

static bool
get_int (json_object *o, const char *key, int64_t *out)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_int))
    return false;
  *out = json_object_get_int64 (v);
  return true;
}

static json_object *
get_array (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_array) ? v
                                                                                            : NULL;
}

/* n bytes from exactly 2n hex digits. */
static bool
from_hex (const char *text, uint8_t *out, size_t n)
{
  static const char digits[] = "0123456789abcdef0123456789ABCDEF";
  if (text == NULL || strlen (text) != 2 * n)
    return false;
  for (size_t i = 0; i < 2 * n; i++)
    {
      const char *d = strchr (digits, text[i]);
      if (d == NULL || *d == '\0')
        return false;
      out[i / 2] = (uint8_t)(out[i / 2] << 4 | ((d - digits) % 16));
    }
  return true;
}

int
dcap_check_collateral_kind (const struct sgx_quote *q, json_object *tcb_info,
                            json_object *qe_identity, ic_error_t *err)
{
  const char *tcb_id = get_string (tcb_info, "id"), *qe_id = get_string (qe_identity, "id");
  int64_t version = 0;
  bool tdx = q->td_report != NULL;

  get_int (tcb_info, "version", &version);
  if (tdx ? tcb_id == NULL || strcmp (tcb_id, "TDX") != 0 || version < 3
          : (tcb_id != NULL && strcmp (tcb_id, "SGX") != 0) || (tcb_id == NULL && version > 2))
    return ic_error (err, EBADMSG, "TCB info: id `%s`, version %lld: not a TCB info for %s quotes",
                     tcb_id ? tcb_id : "(none)", (long long)version, tdx ? "TDX" : "SGX");
  if (qe_id == NULL || strcmp (qe_id, tdx ? "TD_QE" : "QE") != 0)
    return ic_error (err, EBADMSG, "QE identity: id `%s`: not the identity of the %s",
                     qe_id ? qe_id : "(none)", tdx ? "TD quoting enclave (TD_QE)" : "QE");
  return 0;
}

/* MRSIGNERSEAM and SEAMATTRIBUTES against a module identity. */
static int
check_module (json_object *id, const struct tdx_report_body *td, const char *name, ic_error_t *err)
{
  uint8_t mrsigner[48], attrs[8], mask[8];
  if (!from_hex (get_string (id, "mrsigner"), mrsigner, 48)
      || !from_hex (get_string (id, "attributes"), attrs, 8)
      || !from_hex (get_string (id, "attributesMask"), mask, 8))
    return ic_error (err, EBADMSG,
                     "TCB info: %s: missing or malformed mrsigner, attributes or "
                     "attributesMask",
                     name);
  if (memcmp (td->mrsignerseam, mrsigner, 48) != 0)
    return ic_error (err, EBADMSG, "TDX module: MRSIGNERSEAM is not the %s signer", name);
  for (size_t i = 0; i < 8; i++)
    if ((td->seam_attributes[i] & mask[i]) != attrs[i])
      return ic_error (err, EBADMSG, "TDX module: SEAMATTRIBUTES do not match %s", name);
  return 0;
}

/* The module's identity and, for major versions > 0, its TCB level. */
static int
module_level (json_object *tcb_info, const struct tdx_report_body *td, struct dcap_verdict *v,
              char ***advisories, ic_error_t *err)
{
  uint8_t svn = td->tee_tcb_svn[0], major = td->tee_tcb_svn[1];
  json_object *ids, *levels, *id = NULL;
  char name[8];

  if (major == 0)
    {
      json_object *module;
      if (!json_object_object_get_ex (tcb_info, "tdxModule", &module))
        return ic_error (err, EBADMSG, "TCB info: no tdxModule");
      return check_module (module, td, "tdxModule", err);
    }
  snprintf (name, sizeof (name), "TDX_%02X", major);
  ids = get_array (tcb_info, "tdxModuleIdentities");
  if (ids == NULL)
    return ic_error (err, EBADMSG, "TCB info: no tdxModuleIdentities array");
  for (size_t i = 0; id == NULL && i < json_object_array_length (ids); i++)
    {
      const char *s = get_string (json_object_array_get_idx (ids, i), "id");
      if (s && strcmp (s, name) == 0)
        id = json_object_array_get_idx (ids, i);
    }
  if (id == NULL)
    return ic_error (err, EBADMSG,
                     "TCB info: no TDX module identity %s (TEE_TCB_SVN major version %u)", name,
                     major);
  if (check_module (id, td, name, err) < 0)
    return -1;
  levels = get_array (id, "tcbLevels");
  for (size_t i = 0; levels && i < json_object_array_length (levels); i++)
    {
      json_object *level = json_object_array_get_idx (levels, i), *tcb;
      const char *status = get_string (level, "tcbStatus");
      int64_t isvsvn;
      if (status && json_object_object_get_ex (level, "tcb", &tcb)
          && get_int (tcb, "isvsvn", &isvsvn) && svn >= isvsvn)
        {
          snprintf (v->tdx_module_tcb_status, sizeof (v->tdx_module_tcb_status), "%s", status);
          *advisories = dcap_level_advisories (level);
          return 0;
        }
    }
  return ic_error (err, EBADMSG, "TDX module %s: its SVN %u is below every known level", name, svn);
}

static bool
tdx_level_matches (json_object *level, const struct pck_tcb *t, const struct tdx_report_body *td,
                   size_t first)
{
  json_object *tcb, *comps;
  if (!dcap_sgx_level_matches (level, t) || !json_object_object_get_ex (level, "tcb", &tcb)
      || (comps = get_array (tcb, "tdxtcbcomponents")) == NULL
      || json_object_array_length (comps) != 16)
    return false;
  for (size_t i = first; i < 16; i++)
    {
      int64_t svn;
      if (!get_int (json_object_array_get_idx (comps, i), "svn", &svn) || td->tee_tcb_svn[i] < svn)
        return false;
    }
  return true;
}

/* Appends the IDs of extra not already in *ids; frees extra. */
static void
add_advisories (char ***ids, char **extra)
{
  size_t n = 0;
  for (; *ids && (*ids)[n]; n++)
    ;
  for (size_t i = 0; extra && extra[i]; i++)
    {
      bool seen = false;
      for (size_t k = 0; k < n && !seen; k++)
        seen = strcmp ((*ids)[k], extra[i]) == 0;
      if (seen)
        {
          free (extra[i]);
          continue;
        }
      *ids = xrealloc (*ids, (n + 2) * sizeof (char *));
      (*ids)[n++] = extra[i];
      (*ids)[n] = NULL;
    }
  free (extra);
}

int
dcap_tdx_platform_level (json_object *tcb_info, const struct pck_tcb *t,
                         const struct tdx_report_body *td, struct dcap_verdict *v, ic_error_t *err)
{
  uint8_t fmspc[6], pceid[2];
  char **module_advisories = NULL;
  json_object *levels;
  int64_t version;
  const char *id = get_string (tcb_info, "id");
  size_t first = td->tee_tcb_svn[1] > 0 ? 2 : 0;

  if (id == NULL || strcmp (id, "TDX") != 0 || !get_int (tcb_info, "version", &version)
      || version < 3)
    return ic_error (err, EBADMSG, "TCB info: not a TDX TCB info (id TDX, version 3)");
  if (!from_hex (get_string (tcb_info, "fmspc"), fmspc, 6)
      || !from_hex (get_string (tcb_info, "pceId"), pceid, 2)
      || (levels = get_array (tcb_info, "tcbLevels")) == NULL)
    return ic_error (err, EBADMSG, "TCB info: missing fmspc, pceId or tcbLevels");
  if (memcmp (fmspc, t->fmspc, 6) != 0 || memcmp (pceid, t->pceid, 2) != 0)
    return ic_error (err, EBADMSG,
                     "TCB info: it is for another platform (FMSPC/PCE-ID differ "
                     "from the PCK certificate's)");
  if (module_level (tcb_info, td, v, &module_advisories, err) < 0)
    return -1;
  for (size_t i = 0; i < json_object_array_length (levels); i++)
    {
      json_object *level = json_object_array_get_idx (levels, i);
      const char *status = get_string (level, "tcbStatus");
      if (status && tdx_level_matches (level, t, td, first))
        {
          snprintf (v->tcb_status, sizeof (v->tcb_status), "%s", status);
          v->advisory_ids = dcap_level_advisories (level);
          add_advisories (&v->advisory_ids, module_advisories);
          dcap_lower_status (v, v->tdx_module_tcb_status);
          return 0;
        }
    }
  for (size_t i = 0; module_advisories && module_advisories[i]; i++)
    free (module_advisories[i]);
  free (module_advisories);
  return ic_error (err, EBADMSG,
                   "TCB info: the platform's TCB (SGX components, PCE SVN and TEE_TCB_SVN) is "
                   "below every known TDX level");
}
