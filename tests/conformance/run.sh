#!/bin/bash
# OCI runtime conformance tests: one test per requirement of runtime.md, config.md and
# config-linux.md for the features rune implements, checked from inside the container with
# checker.c. Each test runs against every runtime given, so a host limitation (crun fails
# too) is told apart from a rune bug.
#   tests/conformance/run.sh [--runtime NAME=PATH]... [--filter REGEX]
# Default runtimes: rune=$RUNE (build/src/rune/rune), crun, runc. The last line counts the
# first runtime's results: "N passed, N failed". Exit status 1 when the first runtime fails a
# test that crun passes.
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
for entry in "${tests[@]}"; do
  read -r tname _ <<<"$entry"
  [ -n "${result[$tname,$first]:-}" ] || continue
  if [ "${result[$tname,$first]}" = pass ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    if [ "${result[$tname,crun]:-}" = pass ]; then regressions+=("$tname"); else host+=("$tname"); fi
  fi
done
for name in "${names[@]}"; do
  p=0 f=0
  for entry in "${tests[@]}"; do
    read -r tname _ <<<"$entry"
    case ${result[$tname,$name]:-} in pass) p=$((p + 1)) ;; FAIL) f=$((f + 1)) ;; esac
  done
  echo "$name: $p passed, $f failed"
done
[ ${#host[@]} -gt 0 ] && echo "$first fails, and so does crun (or crun was not run): ${host[*]}"
[ ${#regressions[@]} -gt 0 ] && echo "$first fails where crun passes: ${regressions[*]}"
echo "$passed passed, $failed failed"
[ ${#regressions[@]} -eq 0 ]
