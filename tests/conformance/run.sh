#!/bin/bash
# OCI runtime conformance tests: one test per requirement of runtime.md, config.md and
# config-linux.md for the features rune implements, checked from inside the container with
# checker.c. Each test runs against every runtime given, so a host limitation (crun fails
# too) is told apart from a rune bug.
#   tests/conformance/run.sh [--runtime NAME=PATH]... [--filter REGEX]
# Default runtimes: rune=$RUNE (build/src/rune/rune), crun, runc. The last line counts the
# first runtime's results: "N passed, N failed". A test that finds the machine lacking what it
# needs (its reason starts with "host: ") is reported as `host` and listed, not counted.
# Exit status 1 when the first runtime fails a test that crun passes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
names=()
declare -A paths
filter=.
while [ $# -gt 0 ]; do
  case $1 in
  --runtime)
    names+=("${2%%=*}")
    paths[${2%%=*}]=$(realpath "${2#*=}")
    shift 2
    ;;
  --filter)
    filter=$2
    shift 2
    ;;
  -h | --help)
    sed -n '2,10p' "$0"
    exit 0
    ;;
  *)
    echo "unknown argument $1" >&2
    exit 2
    ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  names=(rune crun runc)
  paths=([rune]=$(realpath "${RUNE:-$top/build/src/rune/rune}") [crun]=/usr/bin/crun [runc]=/usr/sbin/runc)
fi
for n in "${names[@]}"; do
  if [ ! -x "${paths[$n]}" ]; then
    echo "notice: $n (${paths[$n]}) not found; not tested"
    names=("${names[@]/$n/}")
  fi
done
read -r -a names <<<"${names[*]}"

work=$(mktemp -d /tmp/rune-conformance.XXXXXX)
# Debian's crun 1.8.1 chowns the host's /dev/null to the container's root when it binds it
# into a user namespace: remember the owners of the host's device nodes and restore them.
dev_owners=$(stat -c '%u:%g %n' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)
cleanup() {
  while read -r owner node; do chown "$owner" "$node"; done <<<"$dev_owners"
  for n in "${names[@]}"; do
    for id in $("${paths[$n]}" --root "$work/root-$n" list -q 2>/dev/null); do
      "${paths[$n]}" --root "$work/root-$n" delete --force "$id" >/dev/null 2>&1
    done
  done
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian's crun 1.8.1 refuses a hybrid cgroup layout without a v1 hugetlb hierarchy.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && [ -n "${paths[crun]:-}" ]; then
  mkdir -p /sys/fs/cgroup/hugetlb
  mountpoint -q /sys/fs/cgroup/hugetlb || mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

# The base rootfs: busybox, its applets, and the checker.
base="$work/rootfs"
mkdir -p "$base/bin" "$base/etc" "$base/tmp"
gcc -static -O2 -o "$base/bin/checker" "$here/checker.c" || exit 1
# The console socket receiver, on the host side.
gcc -O2 -D_GNU_SOURCE -I"$top/lib/common" -o "$work/recvtty" "$top/tests/tools/recvtty.c" \
  "$top/lib/common/utils.c" "$top/lib/common/error.c" || exit 1
cp /bin/busybox "$base/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$base/bin/$a"; done

# ---------------------------------------------------------------- test helpers
# In a test: $RT runtime binary, $ROOT its state root, $B the bundle, $ID a container id.
rt() { timeout 20 "$RT" --root "$ROOT" "$@"; }
cfg() { # jq filter applied to the bundle's config.json
  jq "$@" "$B/config.json" >"$B/config.tmp" && mv "$B/config.tmp" "$B/config.json"
}
args() { # process.args (no newlines inside arguments)
  cfg --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -sc .)" '.process.args = $a'
}
ns_add() { cfg --arg t "$1" '.linux.namespaces += [{type: $t}]'; }
ns_del() { cfg --arg t "$1" '.linux.namespaces |= map(select(.type != $t))'; }
# run attached; OUT, ERR and RC hold the result
run_c() {
  rt run --bundle "$B" "${1:-$ID}" >"$work/out" 2>"$work/err" </dev/null
  RC=$?
  OUT=$(cat "$work/out")
}
# the checker's answer for "checker ARGS..." inside a fresh container
inside() {
  args /bin/checker "$@"
  run_c
  [ "$RC" -eq 0 ] || { why "run failed ($RC): $(head -c 300 "$work/err")"; return 1; }
}
why() { echo "$*" >"$work/why"; }
expect() { # actual expected
  [ "$1" = "$2" ] && return 0
  why "got '$1', expected '$2'"
  return 1
}
expect_match() { # actual regex
  [[ $1 =~ $2 ]] && return 0
  why "got '$1', expected to match '$2'"
  return 1
}
status_of() { rt state "${1:-$ID}" 2>/dev/null | jq -r .status; }
wait_status() { # status [id]
  for _ in $(seq 100); do
    [ "$(status_of "${2:-}")" = "$1" ] && return 0
    sleep 0.05
  done
  why "status is '$(status_of "${2:-}")', expected '$1'"
  return 1
}
create_d() { # create with the container's stdio on files
  rt create --bundle "$B" "${1:-$ID}" >"$work/out" 2>"$work/err" </dev/null
}
hook() { # kind name: append a hook that logs its name and stdin to $B/hooks.log
  cfg --arg k "$1" --arg n "$2" --arg log "$B/hooks.log" --arg hk "$work/hook.sh" \
    '.hooks[$k] += [{path: $hk, args: ["hook.sh", $n, $log]}]'
}
cat >"$work/hook.sh" <<'HOOK'
#!/bin/sh
printf '%s %s\n' "$1" "$(cat)" >>"$2"
HOOK
chmod +x "$work/hook.sh"
host_ns() { stat -L -c %i "/proc/self/ns/$1"; }

# ---------------------------------------------------------------- runtime.md
t_state_created() { create_d && expect "$(status_of)" created; }
t_create_does_not_run() {
  args /bin/sh -c 'touch /tmp/ran'
  cfg '.root.path = "rootfs"'
  create_d || return 1
  [ ! -e "$B/rootfs/tmp/ran" ] || { why "the process ran at create"; return 1; }
}
t_state_fields() {
  cfg '.annotations = {"org.test": "yes"}'
  create_d || return 1
  local s
  s=$(rt state "$ID") || return 1
  expect "$(jq -r '[.ociVersion != null, .id, .status, (.pid > 0), .bundle, .annotations["org.test"]] | join(",")' <<<"$s")" \
    "true,$ID,created,true,$B,yes"
}
t_state_pid_is_process() {
  args /bin/checker sleep
  create_d || return 1
  local pid
  pid=$(rt state "$ID" | jq .pid)
  [ -d "/proc/$pid" ] || { why "pid $pid does not exist"; return 1; }
}
t_start_runs_program() {
  args /bin/checker sleep
  create_d && rt start "$ID" && wait_status running
}
t_state_stopped_after_exit() {
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped
}
t_start_twice_fails() {
  args /bin/checker sleep
  create_d && rt start "$ID" || return 1
  ! rt start "$ID" 2>/dev/null || { why "second start succeeded"; return 1; }
}
t_start_unknown_fails() { ! rt start "nope-$ID" 2>/dev/null; }
t_state_unknown_fails() { ! rt state "nope-$ID" 2>/dev/null; }
t_create_duplicate_id_fails() {
  create_d || return 1
  ! rt create --bundle "$B" "$ID" >/dev/null 2>&1 || { why "duplicate create succeeded"; return 1; }
  expect "$(status_of)" created
}
t_kill_running() {
  args /bin/checker sleep
  create_d && rt start "$ID" && rt kill "$ID" KILL && wait_status stopped
}
t_kill_signal_delivered() {
  args /bin/checker wait-signal
  create_d && rt start "$ID" || return 1
  for _ in $(seq 50); do grep -q ready "$work/out" && break; sleep 0.05; done
  rt kill "$ID" USR1 && wait_status stopped || return 1
  expect "$(tail -n 1 "$work/out")" 10
}
t_kill_stopped_fails() {
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped || return 1
  ! rt kill "$ID" KILL 2>/dev/null || { why "kill of a stopped container succeeded"; return 1; }
}
t_delete_stopped() {
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped && rt delete "$ID" || return 1
  ! rt state "$ID" 2>/dev/null || { why "state still answers after delete"; return 1; }
}
t_delete_running_fails() {
  args /bin/checker sleep
  create_d && rt start "$ID" || return 1
  ! rt delete "$ID" 2>/dev/null || { why "delete of a running container succeeded"; return 1; }
  expect "$(status_of)" running
}
t_delete_created_fails() {
  create_d || return 1
  ! rt delete "$ID" 2>/dev/null || { why "delete of a created container succeeded"; return 1; }
}
t_delete_unknown_fails() { ! rt delete "nope-$ID" 2>/dev/null; }
t_delete_removes_resources() {
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped && rt delete "$ID" || return 1
  ! find /sys/fs/cgroup -maxdepth 4 -name "$ID" 2>/dev/null | grep -q . || { why "cgroup left"; return 1; }
}
t_config_changes_after_create_ignored() {
  args /bin/checker hostname
  create_d || return 1
  cfg '.process.args = ["/bin/checker", "exit", "3"] | .hostname = "changed"'
  rt start "$ID" && wait_status stopped || return 1
  expect "$(cat "$work/out")" conformance
}
t_run_exit_status() { args /bin/checker exit 7; run_c; expect "$RC" 7; }
t_hooks_order() {
  for k in prestart createRuntime createContainer startContainer poststart poststop; do hook "$k" "$k"; done
  # startContainer runs in the container: give it the hook script and log inside the rootfs.
  cp "$work/hook.sh" "$B/rootfs/bin/hook.sh"
  cfg '.hooks.startContainer = [{path: "/bin/hook.sh", args: ["hook.sh", "startContainer", "/tmp/hooks.log"]}]'
  args /bin/checker exit 0
  run_c
  [ "$RC" -eq 0 ] || { why "run failed: $(cat "$work/err")"; return 1; }
  expect "$(cut -d' ' -f1 "$B/hooks.log" | tr '\n' ' ')" "prestart createRuntime createContainer poststart poststop " || return 1
  expect "$(cut -d' ' -f1 "$B/rootfs/tmp/hooks.log")" startContainer
}
t_hooks_state_on_stdin() {
  hook createRuntime cr
  create_d || return 1
  local s
  s=$(cut -d' ' -f2- "$B/hooks.log")
  expect "$(jq -r '[.id, .status, (.pid > 0), .bundle] | join(",")' <<<"$s")" "$ID,creating,true,$B"
}
t_hooks_poststart_state_running() {
  hook poststart ps
  args /bin/checker sleep
  create_d && rt start "$ID" || return 1
  expect "$(cut -d' ' -f2- "$B/hooks.log" | jq -r .status)" running
}
t_hooks_poststop_runs_on_delete() {
  hook poststop stop
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped || return 1
  [ ! -e "$B/hooks.log" ] || { why "poststop ran before delete"; return 1; }
  rt delete "$ID" || return 1
  expect "$(cut -d' ' -f1 "$B/hooks.log")" stop
}
t_hooks_failing_createRuntime() {
  cfg '.hooks.createRuntime = [{path: "/bin/false"}]'
  ! create_d || { why "create succeeded"; return 1; }
  ! rt state "$ID" 2>/dev/null || { why "the container is still there"; return 1; }
}
t_hooks_failing_prestart() {
  cfg '.hooks.prestart = [{path: "/bin/false"}]'
  ! create_d || { why "create succeeded"; return 1; }
  ! rt state "$ID" 2>/dev/null || { why "the container is still there"; return 1; }
}
t_hooks_failing_createContainer() {
  cfg '.hooks.createContainer = [{path: "/bin/false"}]'
  ! create_d || { why "create succeeded"; return 1; }
  ! rt state "$ID" 2>/dev/null || { why "the container is still there"; return 1; }
}
t_hooks_failing_poststart_warns() {
  cfg '.hooks.poststart = [{path: "/bin/false"}]'
  args /bin/checker exit 0
  run_c
  expect "$RC" 0
}
t_hooks_failing_poststop_warns() {
  cfg '.hooks.poststop = [{path: "/bin/false"}]'
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped && rt delete "$ID" || { why "delete failed"; return 1; }
  ! rt state "$ID" 2>/dev/null
}
t_hooks_timeout() {
  cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
  local t0=$SECONDS
  ! create_d || { why "create succeeded"; return 1; }
  [ $((SECONDS - t0)) -lt 10 ] || { why "the timeout was not enforced"; return 1; }
}
t_hooks_env_and_args() {
  cfg --arg log "$B/hooks.log" '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo \"$0 $FOO\" > \($log)", "arg0"], env: ["FOO=bar"]}]'
  create_d || return 1
  expect "$(cat "$B/hooks.log")" "arg0 bar"
}

# ---------------------------------------------------------------- config.md
t_root_path() { inside exists /bin/checker && expect "$OUT" yes; }
t_root_readonly() { cfg '.root.readonly = true'; inside writable / && expect "$OUT" ro; }
t_root_readwrite() { inside writable / && expect "$OUT" rw; }
t_missing_rootfs_fails() { cfg '.root.path = "nope"'; ! create_d; }
t_mounts_tmpfs() {
  cfg '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=700"]}]'
  inside mount /data && expect_match "$OUT" ' tmpfs$' || return 1
  inside stat /data && expect_match "$OUT" '^d 0 0 700 '
}
t_mounts_order() {
  cfg '.mounts += [{destination: "/a", type: "tmpfs", source: "one"}, {destination: "/a/b", type: "tmpfs", source: "two"}]'
  inside mount /a/b && expect_match "$OUT" ' tmpfs$'
}
t_mounts_bind() {
  mkdir -p "$work/src-$ID" && echo hello >"$work/src-$ID/f"
  cfg --arg s "$work/src-$ID" '.mounts += [{destination: "/b", type: "bind", source: $s, options: ["bind"]}]'
  inside read /b/f && expect "$OUT" hello
}
t_mounts_bind_ro() {
  mkdir -p "$work/src-$ID"
  cfg --arg s "$work/src-$ID" '.mounts += [{destination: "/b", source: $s, options: ["bind", "ro"]}]'
  inside writable /b && expect "$OUT" ro
}
t_mounts_bind_file() {
  echo filedata >"$work/file-$ID"
  cfg --arg s "$work/file-$ID" '.mounts += [{destination: "/etc/f", source: $s, options: ["bind"]}]'
  inside read /etc/f && expect "$OUT" filedata
}
t_mounts_rbind() {
  mkdir -p "$work/src-$ID/sub"
  mount -t tmpfs tmpfs "$work/src-$ID/sub" || return 1
  cfg --arg s "$work/src-$ID" '.mounts += [{destination: "/r", source: $s, options: ["rbind"]}]'
  inside mount /r/sub
  local r=$?
  umount "$work/src-$ID/sub"
  [ $r -eq 0 ] && expect_match "$OUT" ' tmpfs$'
}
t_mounts_options_nosuid_nodev_noexec() {
  cfg '.mounts += [{destination: "/o", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec"]}]'
  inside mount /o && expect_match "$OUT" '^rw,nosuid,nodev,noexec'
}
t_mounts_relative_destination() {
  cfg '.mounts += [{destination: "rel", type: "tmpfs", source: "tmpfs"}]'
  inside mount /rel && expect_match "$OUT" ' tmpfs$'
}
t_mounts_propagation_shared() {
  cfg '.mounts += [{destination: "/s", type: "tmpfs", source: "tmpfs", options: ["shared"]}]'
  inside mount /s && expect_match "$OUT" ' shared:'
}
t_mounts_proc() { inside mount /proc && expect_match "$OUT" ' proc$'; }
t_mounts_sysfs_ro() { inside mount /sys && expect_match "$OUT" '^ro,.* sysfs$'; }
t_mounts_devpts() { inside mount /dev/pts && expect_match "$OUT" ' devpts$'; }
t_mounts_mqueue() { inside mount /dev/mqueue && expect_match "$OUT" ' mqueue$'; }
t_mounts_cgroup() {
  ns_add cgroup
  cfg '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
  args /bin/sh -c 'ls /sys/fs/cgroup | grep -q . && cat /proc/self/mountinfo | grep -c " /sys/fs/cgroup"'
  run_c
  [ "$RC" -eq 0 ] || { why "run failed: $(cat "$work/err")"; return 1; }
  [ "$OUT" -ge 1 ] || { why "no cgroup mount"; return 1; }
}
t_mounts_symlink_escape() {
  # A destination through a symlink that points out of the rootfs stays inside it.
  ln -s /tmp-escape-$ID "$B/rootfs/esc"
  cfg '.mounts += [{destination: "/esc/x", type: "tmpfs", source: "tmpfs"}]'
  run_c
  [ ! -e "/tmp-escape-$ID" ] || { rm -rf "/tmp-escape-$ID"; why "created a directory on the host"; return 1; }
}
t_process_args() { args /bin/sh -c 'echo "$0 $1"' a b; run_c; expect "$OUT" "a b"; }
t_process_path_lookup() { args checker exit 0; run_c; expect "$RC" 0; }
t_process_env() { cfg '.process.env += ["FOO=bar baz"]'; inside env FOO && expect "$OUT" "bar baz"; }
t_process_env_exact() { cfg '.process.env = ["A=1"]'; inside envc && expect "$OUT" 1; }
t_process_cwd() { mkdir -p "$B/rootfs/work"; cfg '.process.cwd = "/work"'; inside cwd && expect "$OUT" /work; }
t_process_cwd_relative_fails() { cfg '.process.cwd = "work"'; ! create_d; }
t_process_args_missing_fails() { cfg 'del(.process.args)'; ! create_d; }
t_process_user() {
  cfg '.process.user = {uid: 1000, gid: 1001}'
  inside ids && expect "$OUT" "uid=1000 gid=1001 groups="
}
t_process_additional_gids() {
  cfg '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 6]}'
  inside ids && expect "$OUT" "uid=1000 gid=1001 groups=5,6"
}
t_process_umask() { cfg '.process.user.umask = 63'; inside umask && expect "$OUT" 0077; }
t_process_umask_default() { inside umask && expect "$OUT" 0022; }
t_process_rlimits() {
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}]'
  inside rlimit 7 && expect "$OUT" "123 456"
}
t_process_rlimits_duplicate_fails() {
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1, hard: 2}, {type: "RLIMIT_NOFILE", soft: 1, hard: 2}]'
  ! create_d
}
t_process_rlimits_unknown_fails() {
  cfg '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 2}]'
  ! create_d
}
t_process_no_new_privileges() { cfg '.process.noNewPrivileges = true'; inside status NoNewPrivs && expect "$OUT" 1; }
t_process_new_privileges_default() { inside status NoNewPrivs && expect "$OUT" 0; }
t_process_oom_score_adj() { cfg '.process.oomScoreAdj = 123'; inside oom && expect "$OUT" 123; }
t_process_oom_score_adj_unset() { inside oom && expect "$OUT" "$(cat /proc/self/oom_score_adj)"; }
t_process_no_fd_leak() { inside fds && expect "$OUT" ""; }
t_hostname() { inside hostname && expect "$OUT" conformance; }
t_domainname() { cfg '.domainname = "example.org"'; inside domainname && expect "$OUT" example.org; }
t_annotations_in_state() {
  cfg '.annotations = {"a": "1", "b": "2"}'
  create_d && expect "$(rt state "$ID" | jq -c .annotations)" '{"a":"1","b":"2"}'
}
t_oci_version_invalid_fails() { cfg '.ociVersion = "one"'; ! create_d; }

# ---------------------------------------------------------------- config-linux.md
ns_test() { # type
  inside ns "$1" || return 1
  [ "$OUT" != "$(host_ns "$1")" ] || { why "the $1 namespace is the host's"; return 1; }
}
t_ns_pid() { ns_test pid && inside pid && expect "$OUT" 1; }
t_ns_network() { ns_test net; }
# Not in the spec, but runc and crun bring up lo in a network namespace they create.
t_ns_network_lo_up() { inside read /sys/class/net/lo/flags && expect "$OUT" 0x9; }
t_ns_ipc() { ns_test ipc; }
t_ns_uts() { ns_test uts; }
t_ns_mount() { ns_test mnt; }
t_ns_cgroup() { ns_add cgroup; ns_test cgroup; }
t_ns_time() { ns_add time; ns_test time; }
t_ns_absent_is_host() { ns_del network; inside ns net && expect "$OUT" "$(host_ns net)"; }
t_ns_unknown_type_fails() { ns_add bogus; ! create_d; }
t_ns_join_path() {
  ip netns add "cf-$ID" || return 1
  cfg --arg p "/var/run/netns/cf-$ID" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  inside ns net
  local r=$? want
  want=$(stat -L -c %i "/var/run/netns/cf-$ID")
  ip netns del "cf-$ID"
  [ $r -eq 0 ] && expect "$OUT" "$want"
}
t_ns_join_pid_path() {
  # Join the pid namespace of a running container.
  args /bin/checker sleep
  create_d "$ID-a" && rt start "$ID-a" || return 1
  local pid
  pid=$(rt state "$ID-a" | jq .pid)
  cfg --arg p "/proc/$pid/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
  inside ns pid && expect "$OUT" "$(stat -L -c %i "/proc/$pid/ns/pid")"
}
userns_cfg() {
  ns_add user
  cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  chown -R 100000:100000 "$B/rootfs"
}
t_ns_user() { userns_cfg; ns_test user; }
t_ns_user_mappings() {
  userns_cfg
  inside read /proc/self/uid_map && expect "$(echo $OUT)" "0 100000 65536" || return 1
  inside read /proc/self/gid_map && expect "$(echo $OUT)" "0 100000 65536"
}
t_ns_user_root() { userns_cfg; inside ids && expect "$OUT" "uid=0 gid=0 groups="; }
t_time_offsets() {
  ns_add time
  cfg '.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}}'
  inside boottime || return 1
  local host
  host=$(cut -d. -f1 /proc/uptime)
  [ "$OUT" -ge $((host + 863990)) ] || { why "boottime $OUT, host $host"; return 1; }
}
t_devices_default() {
  for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name maj min <<<"$d"
    inside stat "/dev/$name" && expect "$OUT" "c $maj $min 666 0 0" || return 1
  done
}
t_devices_symlinks() {
  for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
    inside readlink "/dev/${l%%:*}" && expect "$OUT" "${l#*:}" || return 1
  done
}
t_devices_ptmx() { inside readlink /dev/ptmx && expect "$OUT" pts/ptmx; }
t_devices_shm() { inside mount /dev/shm && expect_match "$OUT" ' tmpfs$'; }
t_devices_custom() {
  cfg '.linux.devices = [{type: "c", path: "/dev/fuse", major: 10, minor: 229, fileMode: 416, uid: 7, gid: 8}]'
  inside stat /dev/fuse && expect "$OUT" "c 10 229 640 7 8"
}
t_devices_fifo() {
  cfg '.linux.devices = [{type: "p", path: "/dev/myfifo", fileMode: 384}]'
  inside stat /dev/myfifo && expect_match "$OUT" '^p 0 0 600 '
}
t_devices_block() {
  cfg '.linux.devices = [{type: "b", path: "/dev/myblk", major: 7, minor: 99, fileMode: 432}]'
  inside stat /dev/myblk && expect "$OUT" "b 7 99 660 0 0"
}
t_masked_paths_file() {
  echo secret >"$B/rootfs/etc/secret"
  cfg '.linux.maskedPaths = ["/etc/secret"]'
  inside stat /etc/secret && expect_match "$OUT" '^c 1 3 ' || return 1
  inside read /etc/secret && expect "$OUT" ""
}
t_masked_paths_dir() {
  mkdir -p "$B/rootfs/secret" && echo s >"$B/rootfs/secret/f"
  cfg '.linux.maskedPaths = ["/secret"]'
  inside exists /secret/f && expect "$OUT" no
}
t_masked_paths_missing_ok() { cfg '.linux.maskedPaths = ["/does/not/exist"]'; inside pid; }
t_readonly_paths() {
  mkdir -p "$B/rootfs/rodir"
  cfg '.linux.readonlyPaths = ["/rodir"]'
  inside writable /rodir && expect "$OUT" ro
}
t_readonly_paths_proc_sys() {
  cfg '.linux.readonlyPaths = ["/proc/sys"]'
  inside mount /proc/sys && expect_match "$OUT" '^ro,'
}
t_sysctl_net() {
  cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  inside read /proc/sys/net/ipv4/ip_forward && expect "$OUT" 1
}
t_sysctl_ipc() {
  cfg '.linux.sysctl = {"kernel.shmmni": "1234"}'
  inside read /proc/sys/kernel/shmmni && expect "$OUT" 1234
}
t_sysctl_host_untouched() {
  local before
  before=$(cat /proc/sys/net/ipv4/ip_forward)
  cfg --arg v "$((1 - before))" '.linux.sysctl = {"net.ipv4.ip_forward": $v}'
  inside pid && expect "$(cat /proc/sys/net/ipv4/ip_forward)" "$before"
}
t_rootfs_propagation_private() {
  cfg '.linux.rootfsPropagation = "private"'
  inside mount / && expect_match "$OUT" '^r[ow],[^ ]* - '
}
t_rootfs_propagation_shared() {
  cfg '.linux.rootfsPropagation = "shared"'
  inside mount / && expect_match "$OUT" ' shared:'
}
t_rootfs_propagation_slave() {
  # A slave of the host's root: "master:" when the host's / is shared, never "shared:".
  cfg '.linux.rootfsPropagation = "rslave"'
  inside mount / || return 1
  if grep -q ' / / .*shared:' /proc/1/mountinfo; then
    expect_match "$OUT" ' master:'
  else
    ! expect_match "$OUT" ' shared:'
  fi
}

# ---------------------------------------------------------------- config-linux.md: cgroups
# Tests pin linux.cgroupsPath to /conf-$ID, so the host side knows where to look.
cg_dir() { # controller: the container's cgroup directory for it on this host
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo "/sys/fs/cgroup/conf-$ID"; else echo "/sys/fs/cgroup/$1/conf-$ID"; fi
}
cg_file() { # controller v1-file v2-file: the value of the file that holds the resource
  local f=$2
  [ -e /sys/fs/cgroup/cgroup.controllers ] && f=$3
  [ -e "$(cg_dir "$1")/$f" ] || { why "host: no $f"; return 1; }
  cat "$(cg_dir "$1")/$f"
}
cg_create() { # resources JSON: create with it, sleeping
  cfg --arg p "/conf-$ID" --argjson r "$1" '.linux.cgroupsPath = $p | .linux.resources = $r'
  args /bin/checker sleep
  create_d || { why "create failed: $(head -c 300 "$work/err")"; return 1; }
}
t_cg_path_absolute() {
  cg_create '{}' && [ -d "$(cg_dir pids)" ] || { why "no cgroup at $(cg_dir pids)"; return 1; }
}
t_cg_path_relative() {
  cfg --arg p "conf-rel-$ID" '.linux.cgroupsPath = $p'
  args /bin/checker sleep
  create_d || return 1
  [ -n "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "conf-rel-$ID" | head -1)" ] ||
    { why "no cgroup named conf-rel-$ID"; return 1; }
}
t_cg_removed_on_delete() {
  cg_create '{}' && rt delete --force "$ID" || return 1
  [ ! -d "$(cg_dir pids)" ] || { why "$(cg_dir pids) left after delete"; return 1; }
}
t_cg_process_in_cgroup() {
  cg_create '{}' || return 1
  grep -qx "$(rt state "$ID" | jq .pid)" "$(cg_dir pids)/cgroup.procs" ||
    { why "the process is not in $(cg_dir pids)"; return 1; }
}
t_cg_memory_limit() {
  cg_create '{"memory": {"limit": 67108864}}' &&
    expect "$(cg_file memory memory.limit_in_bytes memory.max)" 67108864
}
t_cg_memory_reservation() {
  cg_create '{"memory": {"reservation": 33554432}}' &&
    expect "$(cg_file memory memory.soft_limit_in_bytes memory.low)" 33554432
}
t_cg_memory_swap() {
  local v
  v=$(cg_file memory memory.memsw.limit_in_bytes memory.swap.max 2>/dev/null) || { why "host: no swap accounting"; return 1; }
  cg_create '{"memory": {"limit": 67108864, "swap": 134217728}}' &&
    expect_match "$(cg_file memory memory.memsw.limit_in_bytes memory.swap.max)" '^(134217728|67108864)$'
}
t_cg_memory_swappiness() {
  cg_create '{"memory": {"swappiness": 10}}' &&
    expect "$(cg_file memory memory.swappiness memory.swappiness)" 10
}
t_cg_memory_disable_oom() {
  cg_create '{"memory": {"disableOOMKiller": true}}' &&
    expect_match "$(cg_file memory memory.oom_control memory.oom_control)" 'oom_kill_disable 1'
}
t_cg_cpu_shares() {
  cg_create '{"cpu": {"shares": 512}}' &&
    expect_match "$(cg_file cpu cpu.shares cpu.weight)" '^(512|20)$'
}
t_cg_cpu_quota_period() {
  cg_create '{"cpu": {"quota": 50000, "period": 100000}}' || return 1
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    expect "$(cg_file cpu x cpu.max)" "50000 100000"
  else
    expect "$(cg_file cpu cpu.cfs_quota_us x)/$(cg_file cpu cpu.cfs_period_us x)" "50000/100000"
  fi
}
t_cg_cpu_realtime() {
  cg_create '{"cpu": {"realtimeRuntime": 1000, "realtimePeriod": 100000}}' &&
    expect "$(cg_file cpu cpu.rt_runtime_us x)" 1000
}
t_cg_cpuset() {
  cg_create '{"cpu": {"cpus": "0", "mems": "0"}}' &&
    expect "$(cg_file cpuset cpuset.cpus cpuset.cpus)/$(cg_file cpuset cpuset.mems cpuset.mems)" "0/0"
}
t_cg_pids() { cg_create '{"pids": {"limit": 42}}' && expect "$(cg_file pids pids.max pids.max)" 42; }
t_cg_blkio_weight() {
  cg_file blkio blkio.weight io.weight >/dev/null 2>&1 ||
    [ -e "$(dirname "$(cg_dir blkio)")/blkio.bfq.weight" ] || { why "host: no blkio weight file (scheduler without CFQ/BFQ)"; return 1; }
  cg_create '{"blockIO": {"weight": 300}}' &&
    expect_match "$(cat "$(cg_dir blkio)"/blkio*weight 2>/dev/null | head -1)" 300
}
t_cg_blkio_throttle() {
  local dev
  dev=$(lsblk -dno MAJ:MIN 2>/dev/null | head -1 | tr -d ' ')
  [ -n "$dev" ] || { why "host: no block device"; return 1; }
  cg_create "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}]}}" &&
    expect_match "$(cg_file blkio blkio.throttle.read_bps_device io.max)" "$dev (rbps=)?1048576"
}
t_cg_hugetlb() {
  [ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] || { why "host: no 2MB huge pages"; return 1; }
  cg_create '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}' &&
    expect "$(cg_file hugetlb hugetlb.2MB.limit_in_bytes hugetlb.2MB.max)" 4194304
}
t_cg_network_classid() {
  [ -d /sys/fs/cgroup/net_cls ] || { why "host: no net_cls controller"; return 1; }
  cg_create '{"network": {"classID": 1048577}}' &&
    expect "$(cg_file net_cls net_cls.classid x)" 1048577
}
t_cg_devices_deny() {
  [ -e /sys/fs/cgroup/cgroup.controllers ] && { why "host: v2 (eBPF device filter)"; return 1; }
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
  cfg '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}]'
  inside read /dev/kmsg && { why "a denied device could be read"; return 1; }
  grep -q -i "not permitted\|denied" "$work/out" "$work/err" || { why "unexpected: $OUT"; return 1; }
}
t_cg_devices_allow() {
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
  args /bin/sh -c 'echo x > /dev/null && echo ok'
  run_c
  expect "$OUT" ok
}
t_cg_bad_value_fails() {
  cfg --arg p "/conf-$ID" '.linux.cgroupsPath = $p | .linux.resources = {"memory": {"limit": "lots"}}'
  ! create_d || { why "create accepted a string memory limit"; return 1; }
  [ ! -d "$(cg_dir pids)" ] || { why "cgroup left after the failed create"; return 1; }
}

# ---------------------------------------------------------------- config-linux.md: seccomp
seccomp() { cfg --argjson s "$1" '.linux.seccomp = $s'; }
t_seccomp_errno() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
  args /bin/sh -c 'mkdir /tmp/d 2>&1; true'
  run_c
  expect_match "$OUT" "Function not implemented"
}
t_seccomp_errno_default_eperm() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  args /bin/sh -c 'mkdir /tmp/d 2>&1; true'
  run_c
  expect_match "$OUT" "Operation not permitted"
}
t_seccomp_default_errno_ret() {
  seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [{"names": ["execve", "write", "writev", "exit", "exit_group", "arch_prctl", "set_tid_address", "brk", "mmap", "munmap", "mprotect", "getuid", "geteuid", "getpid", "getppid", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "close", "close_range", "fcntl", "read", "openat", "newfstatat", "fstat", "stat", "set_robust_list", "rseq", "prlimit64", "getrandom", "readlink", "uname", "getcwd", "lseek", "capget", "capset", "prctl", "setgroups", "setresuid", "setresgid", "chdir", "seccomp", "futex", "getdents64", "dup2", "dup3", "sched_getaffinity", "poll", "epoll_pwait", "pidfd_send_signal", "setsid", "wait4", "kill", "exit", "sigaltstack", "statx"], "action": "SCMP_ACT_ALLOW"}]}'
  args /bin/mkdir /tmp/d
  run_c
  expect_match "$(cat "$work/out" "$work/err")" "Function not implemented"
}
t_seccomp_kill_process() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  args /bin/mkdir /tmp/d
  run_c
  expect "$RC" 159
}
t_seccomp_args() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 2, "value": 5, "op": "SCMP_CMP_EQ"}]}]}'
  args /bin/sh -c 'renice -n 5 -p $$ >/dev/null 2>&1; echo $?; renice -n 3 -p $$ >/dev/null 2>&1; echo $?'
  run_c
  expect "$(echo $OUT)" "1 0"
}
t_seccomp_masked_eq() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 2, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
  args /bin/sh -c '[ -n "$(cat /etc/passwd 2>/dev/null || echo r)" ] && echo read; echo > /tmp/n 2>/dev/null || echo denied'
  run_c
  expect "$(echo $OUT)" "read denied"
}
t_seccomp_architectures() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
  args /bin/sh -c 'mkdir /tmp/d 2>&1; true'
  run_c
  expect_match "$OUT" "Function not implemented"
}
t_seccomp_flag_log() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
  args /bin/sh -c 'mkdir /tmp/d 2>&1; grep Seccomp: /proc/self/status'
  run_c
  expect_match "$OUT" "Function not implemented"
}
t_seccomp_unknown_action_fails() {
  seccomp '{"defaultAction": "SCMP_ACT_NOPE"}'
  ! create_d || { why "create accepted an unknown action"; return 1; }
}
t_seccomp_errno_on_kill_fails() {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
  ! create_d || { why "create accepted errnoRet on SCMP_ACT_KILL"; return 1; }
}

# ---------------------------------------------------------------- config.md: capabilities
capmask() { local m=0 c; for c in "$@"; do m=$((m | (1 << c))); done; printf '%016x' "$m"; }
t_caps_bounding() {
  cfg '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
  inside status CapBnd && expect "$OUT" "$(capmask 0 5)"
}
t_caps_permitted() {
  cfg '.process.noNewPrivileges = true | .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
  inside status CapPrm && expect "$OUT" "$(capmask 5)"
}
t_caps_effective_nonroot() {
  cfg '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {"bounding": ["CAP_NET_RAW", "CAP_KILL"], "effective": ["CAP_NET_RAW"], "permitted": ["CAP_NET_RAW"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}'
  inside status CapEff && expect "$OUT" "$(capmask 13)"
}
t_caps_inheritable() {
  cfg '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"]}'
  inside status CapInh && expect "$OUT" "$(capmask 5)"
}
t_caps_ambient() {
  cfg '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
  inside status CapAmb && expect "$OUT" "$(capmask 5)"
}
t_caps_unknown_is_warning() {
  cfg '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_NOT_A_CAP"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
  inside status CapBnd && expect "$OUT" "$(capmask 5)"
}
t_nnp_with_caps() {
  cfg '.process.noNewPrivileges = true | .process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
  inside status NoNewPrivs && expect "$OUT" 1
}
t_apparmor_absent_fails() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && { why "host: AppArmor is enabled"; return 1; }
  cfg '.process.apparmorProfile = "rune-test-profile"'
  ! create_d || { why "create accepted an AppArmor profile without AppArmor"; return 1; }
}
t_personality_linux32() {
  cfg '.linux.personality = {"domain": "LINUX32"}'
  args /bin/uname -m
  run_c
  expect "$OUT" i686
}

# ---------------------------------------------------------------- runc's operations
running() { # start a sleeping container
  args /bin/checker sleep
  create_d && rt start "$ID" && wait_status running
}
t_exec_argv() {
  running || return 1
  local out
  out=$(rt exec "$ID" /bin/sh -c 'echo in-container; exit 5')
  expect "$?/$out" "5/in-container"
}
t_exec_process_json() {
  running || return 1
  echo '{"args": ["/bin/sh", "-c", "echo $A $(id -u) $(pwd)"], "env": ["A=json"], "cwd": "/tmp", "user": {"uid": 7, "gid": 7}}' >"$work/p.json"
  expect "$(rt exec --process "$work/p.json" "$ID")" "json 7 /tmp"
}
t_exec_env_cwd_user() {
  running || return 1
  expect "$(rt exec --env A=flag --cwd /tmp --user 1000:1000 "$ID" /bin/sh -c 'echo $A $(pwd) $(id -u)')" "flag /tmp 1000"
}
t_exec_in_container_namespaces() {
  running || return 1
  local pid
  pid=$(rt state "$ID" | jq .pid)
  expect "$(rt exec "$ID" /bin/readlink /proc/self/ns/mnt)" "$(readlink "/proc/$pid/ns/mnt")"
}
t_exec_cap() {
  cfg '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
  running || return 1
  expect_match "$(rt exec --cap CAP_NET_RAW "$ID" /bin/grep CapBnd /proc/self/status)" "$(capmask 5 13)"
}
t_exec_no_new_privs() {
  running || return 1
  expect_match "$(rt exec --no-new-privs "$ID" /bin/grep NoNewPrivs /proc/self/status)" "1$"
}
t_exec_detach_pid_file() {
  running || return 1
  rt exec --detach --pid-file "$work/exec.pid" "$ID" /bin/sleep 100 </dev/null >/dev/null 2>&1 || return 1
  [ -d "/proc/$(cat "$work/exec.pid")" ] || { why "no process with the pid file's pid"; return 1; }
}
t_exec_stopped_fails() {
  args /bin/checker exit 0
  create_d && rt start "$ID" && wait_status stopped || return 1
  ! rt exec "$ID" /bin/true 2>/dev/null || { why "exec into a stopped container succeeded"; return 1; }
}
t_ps_json() {
  running || return 1
  rt ps --format json "$ID" | jq -e --argjson p "$(rt state "$ID" | jq .pid)" 'index($p) != null' >/dev/null ||
    { why "the init pid is not in ps --format json"; return 1; }
}
t_pause_resume() {
  running || return 1
  rt pause "$ID" && wait_status paused || return 1
  rt resume "$ID" && wait_status running
}
t_pause_freezes() {
  running || return 1
  rt pause "$ID" || return 1
  local pid state
  pid=$(rt state "$ID" | jq .pid)
  state=$(cat "$(cg_dir_of "$pid" freezer)/freezer.state" 2>/dev/null || cat "$(cg_dir_of "$pid" "")/cgroup.freeze")
  rt resume "$ID"
  expect_match "$state" '^(FROZEN|1)$'
}
cg_dir_of() { # pid controller: the host directory of pid's cgroup
  local line
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"
  else
    line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$1/cgroup")
    echo "/sys/fs/cgroup/$2${line##*:}"
  fi
}
t_update_flags() {
  running || return 1
  rt update --pids-limit 7 "$ID" || return 1
  expect "$(cat "$(cg_dir_of "$(rt state "$ID" | jq .pid)" pids)/pids.max")" 7
}
t_update_resources_json() {
  running || return 1
  echo '{"pids": {"limit": 9}}' >"$work/r.json"
  rt update -r "$work/r.json" "$ID" || return 1
  expect "$(cat "$(cg_dir_of "$(rt state "$ID" | jq .pid)" pids)/pids.max")" 9
}
t_events_stats() {
  running || return 1
  local ev
  ev=$(rt events --stats "$ID") || return 1
  jq -e --arg id "$ID" '.type == "stats" and .id == $id and (.data.memory | type) == "object" and (.data.pids.current >= 1) and (.data.cpu | type) == "object"' <<<"$ev" >/dev/null ||
    { why "unexpected event: $(head -c 200 <<<"$ev")"; return 1; }
}
t_features() {
  local f
  f=$(rt features 2>/dev/null) || { why "no features command"; return 1; }
  jq -e '(.ociVersionMin | type) == "string" and (.ociVersionMax | type) == "string" and (.hooks | index("createRuntime")) != null and (.linux.namespaces | index("pid")) != null and (.linux.capabilities | index("CAP_SYS_ADMIN")) != null and .linux.seccomp.enabled == true' <<<"$f" >/dev/null ||
    { why "incomplete features: $(head -c 200 <<<"$f")"; return 1; }
}
t_terminal_console_socket() {
  cfg '.process.terminal = true'
  args /bin/sh -c 'tty'
  "$work/recvtty" --no-stdin "$work/console-$ID.sock" >"$work/tty.out" 2>/dev/null &
  local rpid=$!
  for _ in $(seq 50); do [ -S "$work/console-$ID.sock" ] && break; sleep 0.05; done
  rt create --console-socket "$work/console-$ID.sock" --bundle "$B" "$ID" </dev/null >/dev/null 2>"$work/err" &&
    rt start "$ID" || { kill "$rpid"; why "create/start failed: $(head -c 200 "$work/err")"; return 1; }
  wait "$rpid"
  expect "$(tr -d '\r' <"$work/tty.out")" /dev/pts/0
}

# ---------------------------------------------------------------- the table
tests=(
  "runtime/state-created t_state_created"
  "runtime/create-does-not-run-program t_create_does_not_run"
  "runtime/state-fields t_state_fields"
  "runtime/state-pid-is-container-process t_state_pid_is_process"
  "runtime/start-runs-program t_start_runs_program"
  "runtime/state-stopped-after-exit t_state_stopped_after_exit"
  "runtime/start-twice-fails t_start_twice_fails"
  "runtime/start-unknown-fails t_start_unknown_fails"
  "runtime/state-unknown-fails t_state_unknown_fails"
  "runtime/create-duplicate-id-fails t_create_duplicate_id_fails"
  "runtime/kill-running t_kill_running"
  "runtime/kill-signal-delivered t_kill_signal_delivered"
  "runtime/kill-stopped-fails t_kill_stopped_fails"
  "runtime/delete-stopped t_delete_stopped"
  "runtime/delete-running-fails t_delete_running_fails"
  "runtime/delete-created-fails t_delete_created_fails"
  "runtime/delete-unknown-fails t_delete_unknown_fails"
  "runtime/delete-removes-resources t_delete_removes_resources"
  "runtime/config-changes-after-create-ignored t_config_changes_after_create_ignored"
  "runtime/run-exit-status t_run_exit_status"
  "runtime/hooks-order t_hooks_order"
  "runtime/hooks-state-on-stdin t_hooks_state_on_stdin"
  "runtime/hooks-poststart-state-running t_hooks_poststart_state_running"
  "runtime/hooks-poststop-on-delete t_hooks_poststop_runs_on_delete"
  "runtime/hooks-failing-prestart-fails-create t_hooks_failing_prestart"
  "runtime/hooks-failing-createRuntime-fails-create t_hooks_failing_createRuntime"
  "runtime/hooks-failing-createContainer-fails-create t_hooks_failing_createContainer"
  "runtime/hooks-failing-poststart-warns t_hooks_failing_poststart_warns"
  "runtime/hooks-failing-poststop-warns t_hooks_failing_poststop_warns"
  "config/hooks-timeout t_hooks_timeout"
  "config/hooks-env-and-args t_hooks_env_and_args"
  "config/root-path t_root_path"
  "config/root-readonly t_root_readonly"
  "config/root-readwrite-default t_root_readwrite"
  "config/root-missing-fails t_missing_rootfs_fails"
  "config/mounts-tmpfs-options t_mounts_tmpfs"
  "config/mounts-order t_mounts_order"
  "config/mounts-bind t_mounts_bind"
  "config/mounts-bind-ro t_mounts_bind_ro"
  "config/mounts-bind-file t_mounts_bind_file"
  "config/mounts-rbind t_mounts_rbind"
  "config/mounts-nosuid-nodev-noexec t_mounts_options_nosuid_nodev_noexec"
  "config/mounts-relative-destination t_mounts_relative_destination"
  "config/mounts-propagation-shared t_mounts_propagation_shared"
  "config/mounts-proc t_mounts_proc"
  "config/mounts-sysfs-ro t_mounts_sysfs_ro"
  "config/mounts-devpts t_mounts_devpts"
  "config/mounts-mqueue t_mounts_mqueue"
  "config/mounts-cgroup t_mounts_cgroup"
  "config/mounts-symlink-stays-in-rootfs t_mounts_symlink_escape"
  "config/process-args t_process_args"
  "config/process-args-path-lookup t_process_path_lookup"
  "config/process-args-missing-fails t_process_args_missing_fails"
  "config/process-env t_process_env"
  "config/process-env-exact t_process_env_exact"
  "config/process-cwd t_process_cwd"
  "config/process-cwd-relative-fails t_process_cwd_relative_fails"
  "config/process-user t_process_user"
  "config/process-user-additional-gids t_process_additional_gids"
  "config/process-user-umask t_process_umask"
  "config/process-user-umask-default t_process_umask_default"
  "config/process-rlimits t_process_rlimits"
  "config/process-rlimits-duplicate-fails t_process_rlimits_duplicate_fails"
  "config/process-rlimits-unknown-fails t_process_rlimits_unknown_fails"
  "config/process-no-new-privileges t_process_no_new_privileges"
  "config/process-no-new-privileges-default t_process_new_privileges_default"
  "config/process-oom-score-adj t_process_oom_score_adj"
  "config/process-oom-score-adj-unset t_process_oom_score_adj_unset"
  "config/process-no-fd-leak t_process_no_fd_leak"
  "config/hostname t_hostname"
  "config/domainname t_domainname"
  "config/annotations-in-state t_annotations_in_state"
  "config/oci-version-invalid-fails t_oci_version_invalid_fails"
  "config-linux/ns-pid t_ns_pid"
  "config-linux/ns-network t_ns_network"
  "config-linux/ns-network-lo-up t_ns_network_lo_up"
  "config-linux/ns-ipc t_ns_ipc"
  "config-linux/ns-uts t_ns_uts"
  "config-linux/ns-mount t_ns_mount"
  "config-linux/ns-cgroup t_ns_cgroup"
  "config-linux/ns-time t_ns_time"
  "config-linux/ns-absent-is-host t_ns_absent_is_host"
  "config-linux/ns-unknown-type-fails t_ns_unknown_type_fails"
  "config-linux/ns-join-network-path t_ns_join_path"
  "config-linux/ns-join-pid-path t_ns_join_pid_path"
  "config-linux/ns-user t_ns_user"
  "config-linux/ns-user-mappings t_ns_user_mappings"
  "config-linux/ns-user-root t_ns_user_root"
  "config-linux/time-offsets t_time_offsets"
  "config-linux/devices-default t_devices_default"
  "config-linux/devices-default-symlinks t_devices_symlinks"
  "config-linux/devices-ptmx t_devices_ptmx"
  "config-linux/devices-shm t_devices_shm"
  "config-linux/devices-char t_devices_custom"
  "config-linux/devices-fifo t_devices_fifo"
  "config-linux/devices-block t_devices_block"
  "config-linux/masked-paths-file t_masked_paths_file"
  "config-linux/masked-paths-dir t_masked_paths_dir"
  "config-linux/masked-paths-missing-ok t_masked_paths_missing_ok"
  "config-linux/readonly-paths t_readonly_paths"
  "config-linux/readonly-paths-proc-sys t_readonly_paths_proc_sys"
  "config-linux/sysctl-net t_sysctl_net"
  "config-linux/sysctl-ipc t_sysctl_ipc"
  "config-linux/sysctl-host-untouched t_sysctl_host_untouched"
  "config-linux/rootfs-propagation-private t_rootfs_propagation_private"
  "config-linux/rootfs-propagation-shared t_rootfs_propagation_shared"
  "config-linux/rootfs-propagation-slave t_rootfs_propagation_slave"
  "config-linux/cgroups-path-absolute t_cg_path_absolute"
  "config-linux/cgroups-path-relative t_cg_path_relative"
  "config-linux/cgroups-process-in-cgroup t_cg_process_in_cgroup"
  "config-linux/cgroups-removed-on-delete t_cg_removed_on_delete"
  "config-linux/resources-memory-limit t_cg_memory_limit"
  "config-linux/resources-memory-reservation t_cg_memory_reservation"
  "config-linux/resources-memory-swap t_cg_memory_swap"
  "config-linux/resources-memory-swappiness t_cg_memory_swappiness"
  "config-linux/resources-memory-disable-oom-killer t_cg_memory_disable_oom"
  "config-linux/resources-cpu-shares t_cg_cpu_shares"
  "config-linux/resources-cpu-quota-period t_cg_cpu_quota_period"
  "config-linux/resources-cpu-realtime t_cg_cpu_realtime"
  "config-linux/resources-cpuset t_cg_cpuset"
  "config-linux/resources-pids t_cg_pids"
  "config-linux/resources-blkio-weight t_cg_blkio_weight"
  "config-linux/resources-blkio-throttle t_cg_blkio_throttle"
  "config-linux/resources-hugetlb t_cg_hugetlb"
  "config-linux/resources-network-classid t_cg_network_classid"
  "config-linux/resources-devices-deny t_cg_devices_deny"
  "config-linux/resources-devices-allow t_cg_devices_allow"
  "config-linux/resources-bad-value-fails t_cg_bad_value_fails"
  "config-linux/seccomp-errno t_seccomp_errno"
  "config-linux/seccomp-errno-default-eperm t_seccomp_errno_default_eperm"
  "config-linux/seccomp-default-errno-ret t_seccomp_default_errno_ret"
  "config-linux/seccomp-kill-process t_seccomp_kill_process"
  "config-linux/seccomp-args t_seccomp_args"
  "config-linux/seccomp-masked-eq t_seccomp_masked_eq"
  "config-linux/seccomp-architectures t_seccomp_architectures"
  "config-linux/seccomp-flag-log t_seccomp_flag_log"
  "config-linux/seccomp-unknown-action-fails t_seccomp_unknown_action_fails"
  "config-linux/seccomp-errno-on-kill-fails t_seccomp_errno_on_kill_fails"
  "config-linux/personality-linux32 t_personality_linux32"
  "config/capabilities-bounding t_caps_bounding"
  "config/capabilities-permitted t_caps_permitted"
  "config/capabilities-effective t_caps_effective_nonroot"
  "config/capabilities-inheritable t_caps_inheritable"
  "config/capabilities-ambient t_caps_ambient"
  "config/capabilities-unknown-is-warning t_caps_unknown_is_warning"
  "config/no-new-privileges-with-caps t_nnp_with_caps"
  "config/apparmor-profile-without-apparmor-fails t_apparmor_absent_fails"
  "config/terminal-console-socket t_terminal_console_socket"
  "ops/exec-argv t_exec_argv"
  "ops/exec-process-json t_exec_process_json"
  "ops/exec-env-cwd-user t_exec_env_cwd_user"
  "ops/exec-in-container-namespaces t_exec_in_container_namespaces"
  "ops/exec-cap t_exec_cap"
  "ops/exec-no-new-privs t_exec_no_new_privs"
  "ops/exec-detach-pid-file t_exec_detach_pid_file"
  "ops/exec-stopped-fails t_exec_stopped_fails"
  "ops/ps-json t_ps_json"
  "ops/pause-resume t_pause_resume"
  "ops/pause-freezes t_pause_freezes"
  "ops/update-flags t_update_flags"
  "ops/update-resources-json t_update_resources_json"
  "ops/events-stats t_events_stats"
  "ops/features t_features"
)

# ---------------------------------------------------------------- run
declare -A result
n=0
printf '%-52s' test
for name in "${names[@]}"; do printf ' %-6s' "$name"; done
echo
for entry in "${tests[@]}"; do
  read -r tname fn <<<"$entry"
  [[ $tname =~ $filter ]] || continue
  printf '%-52s' "$tname"
  reasons=""
  for name in "${names[@]}"; do
    n=$((n + 1))
    RT=${paths[$name]}
    ROOT="$work/root-$name"
    ID="cf$n-$$"
    B="$work/bundle-$n"
    mkdir -p "$B"
    cp -a "$base" "$B/rootfs"
    cp "$here/base-config.json" "$B/config.json"
    rm -f "$work/why"
    if (set +e; "$fn") >"$work/test.log" 2>&1; then
      result[$tname,$name]=pass
      printf ' %-6s' pass
    elif grep -q '^host: ' "$work/why" 2>/dev/null; then
      # The machine lacks what the test needs (a file, a controller): not the runtime's fault.
      result[$tname,$name]=host
      printf ' %-6s' host
      reasons+="    $name: $(cat "$work/why")"$'\n'
    else
      result[$tname,$name]=FAIL
      printf ' %-6s' FAIL
      reasons+="    $name: $(cat "$work/why" 2>/dev/null || tail -n 2 "$work/test.log")"$'\n'
    fi
    for id in $("$RT" --root "$ROOT" list -q 2>/dev/null); do
      "$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
    done
    grep -o " $B[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$B"
  done
  echo
  printf '%s' "$reasons"
done

first=${names[0]}
echo
passed=0
failed=0
regressions=()
host=()
shared=()
for entry in "${tests[@]}"; do
  read -r tname _ <<<"$entry"
  [ -n "${result[$tname,$first]:-}" ] || continue
  if [ "${result[$tname,$first]}" = pass ]; then
    passed=$((passed + 1))
  elif [ "${result[$tname,$first]}" = host ]; then
    host+=("$tname")
  else
    failed=$((failed + 1))
    if [ "${result[$tname,crun]:-}" = pass ]; then regressions+=("$tname"); else shared+=("$tname"); fi
  fi
done
for name in "${names[@]}"; do
  p=0 f=0 h=0
  for entry in "${tests[@]}"; do
    read -r tname _ <<<"$entry"
    case ${result[$tname,$name]:-} in pass) p=$((p + 1)) ;; FAIL) f=$((f + 1)) ;; host) h=$((h + 1)) ;; esac
  done
  echo "$name: $p passed, $f failed, $h not possible on this host"
done
[ ${#host[@]} -gt 0 ] && echo "not possible on this host (not counted): ${host[*]}"
[ ${#shared[@]} -gt 0 ] && echo "$first fails, and so does crun (or crun was not run): ${shared[*]}"
[ ${#regressions[@]} -gt 0 ] && echo "$first fails where crun passes: ${regressions[*]}"
echo "$passed passed, $failed failed"
[ ${#regressions[@]} -eq 0 ]
