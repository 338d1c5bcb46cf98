/* The device allowlist on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program assembled from
   the rules and attached to the container's cgroup (v2 has no devices.allow file). */
#include "cgroup-internal.h"
#include "utils.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A rule is at most this many instructions; with the prologue and epilogue that bounds the
   program for the rule count the parser accepts. */
#define RULE_MAX_INSNS 8

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* Registers: r2 device type, r3 requested access, r4 major, r5 minor (from the context). */
static size_t
prologue (struct bpf_insn *p)
{
  size_t n = 0;
  p[n++] = insn (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
                 offsetof (struct bpf_cgroup_dev_ctx, access_type), 0);
  p[n++] = insn (BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
  p[n++] = insn (BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  p[n++] = insn (BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  p[n++] = insn (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1,
                 offsetof (struct bpf_cgroup_dev_ctx, major), 0);
  p[n++] = insn (BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1,
                 offsetof (struct bpf_cgroup_dev_ctx, minor), 0);
  return n;
}

/* One rule: each test that fails jumps past the rule's final "return verdict". */
static size_t
rule_block (struct bpf_insn *p, const struct device_rule *r)
{
  size_t n = 0, jumps[4], njumps = 0;

  if (r->type != 'a')
    {
      jumps[njumps++] = n;
      p[n++] = insn (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                     r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    }
  if (r->major >= 0)
    {
      jumps[njumps++] = n;
      p[n++] = insn (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
    }
  if (r->minor >= 0)
    {
      jumps[njumps++] = n;
      p[n++] = insn (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
    }
  if (r->access != (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE))
    {
      /* The request must ask for nothing outside the rule's access. */
      p[n++] = insn (BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_3, 0, 0);
      p[n++] = insn (BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_0, 0, 0, ~(int32_t)r->access);
      jumps[njumps++] = n;
      p[n++] = insn (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0);
    }
  p[n++] = insn (BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
  p[n++] = insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (size_t i = 0; i < njumps; i++)
    p[jumps[i]].off = n - jumps[i] - 1;
  return n;
}

static bool
matches_everything (const struct device_rule *r)
{
  return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == 7;
}

/* The last matching rule decides, as with the v1 files; no match denies. Rules before one
   that matches everything can never decide (and the verifier refuses unreachable code). */
static struct bpf_insn *
assemble (const struct device_rule *rules, size_t len, size_t *count)
{
  struct bpf_insn *p = xmalloc0 ((len * RULE_MAX_INSNS + 16) * sizeof (*p));
  size_t n = prologue (p);
  for (size_t i = len; i-- > 0;)
    {
      n += rule_block (p + n, &rules[i]);
      if (matches_everything (&rules[i]))
        {
          *count = n;
          return p;
        }
    }
  p[n++] = insn (BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
  p[n++] = insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  *count = n;
  return p;
}

static long
bpf (int cmd, union bpf_attr *attr)
{
  return syscall (SYS_bpf, cmd, attr, sizeof (*attr));
}

/* Detaches the device programs other than keep_id, so an update replaces the filter. */
static void
detach_others (int cgroup_fd, uint32_t keep_id)
{
  uint32_t ids[64];
  union bpf_attr q = { .query = { .target_fd = cgroup_fd,
                                  .attach_type = BPF_CGROUP_DEVICE,
                                  .prog_ids = (uintptr_t)ids,
                                  .prog_cnt = 64 } };
  if (bpf (BPF_PROG_QUERY, &q) < 0)
    return;
  for (uint32_t i = 0; i < q.query.prog_cnt; i++)
    {
      union bpf_attr get = { .prog_id = ids[i] };
      int fd;
      if (ids[i] == keep_id || (fd = bpf (BPF_PROG_GET_FD_BY_ID, &get)) < 0)
        continue;
      union bpf_attr detach
          = { .target_fd = cgroup_fd, .attach_bpf_fd = fd, .attach_type = BPF_CGROUP_DEVICE };
      bpf (BPF_PROG_DETACH, &detach);
      close (fd);
    }
}

int
cgroup_devices_bpf (const char *dir, const struct device_rule *rules, size_t len, const char *field,
                    ic_error_t *err)
{
  cleanup_free struct bpf_insn *prog = NULL;
  cleanup_close int cgroup_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int prog_fd = -1;
  char log[4096] = "";
  size_t count;
  struct bpf_prog_info info = { 0 };
  union bpf_attr load = { 0 }, attach = { 0 }, get_info = { 0 };

  if (cgroup_fd < 0)
    return ic_error (err, errno, "%s: open `%s`", field, dir);
  prog = assemble (rules, len, &count);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uintptr_t)prog;
  load.insn_cnt = count;
  load.license = (uintptr_t) "Apache-2.0";
  prog_fd = bpf (BPF_PROG_LOAD, &load);
  if (prog_fd < 0)
    {
      /* Load again with the verifier's log, only to say why (a log that does not fit the
         buffer fails the load with ENOSPC, so it is not asked for the first time). */
      int saved = errno;
      load.log_buf = (uintptr_t)log;
      load.log_size = sizeof (log);
      load.log_level = 1;
      bpf (BPF_PROG_LOAD, &load);
      return ic_error (err, saved, "%s: load the device filter (%.200s)", field, log);
    }
  attach.target_fd = cgroup_fd;
  attach.attach_bpf_fd = prog_fd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf (BPF_PROG_ATTACH, &attach) < 0)
    return ic_error (err, errno, "%s: attach the device filter to `%s`", field, dir);
  get_info.info.bpf_fd = prog_fd;
  get_info.info.info_len = sizeof (info);
  get_info.info.info = (uintptr_t)&info;
  if (bpf (BPF_OBJ_GET_INFO_BY_FD, &get_info) == 0)
    detach_others (cgroup_fd, info.id);
  return 0;
}
