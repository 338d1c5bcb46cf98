#!/bin/bash
# Single-quoted $VAR and $(cmd) in the scenarios are meant for the container's shell:
# shellcheck disable=SC2016
#
# rune under real clients: podman and containerd (ctr with the runc v2 shim).
#
#   tests/clients/run.sh [--rune PATH] [--only podman|containerd] [-h]
#
# Every scenario runs first with crun, then with rune, so that a limitation of the host (crun
# fails too) is told apart from a bug of rune. One line per scenario and runtime: ok, FAIL
# (the output indented below) or, for rune, host-limit (crun fails too: counted neither as
# passed nor as failed). A scenario also fails when it leaves a container cgroup, a mount or a
# process behind. Last line: "N passed, N failed", rune's results. Exit status 1 when rune
# fails a scenario that crun passes, 2 when the test cannot run at all.
#
# Needs root, podman, containerd (with containerd-shim-runc-v2), crun and busybox-static. No
# registry: the image is built from /bin/busybox. podman and containerd get private storage,
# state and sockets in a temporary directory, removed at the end.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rune=${RUNE:-$top/build/src/rune/rune}
crun=/usr/bin/crun
only=""
image=localhost/busybox:rune-test
ns="rune-test"
# A client command that hangs (a runtime that never answers) must not hang the suite.
cmd_timeout=90

# State shared by the functions below.
work=""
tag="cl-$$"
serial=0
runtime=""
containerd_pid=""
passed=0
failed=0
regressions=()
host_limits=()
cgroup_parents_before=""

usage() { sed -n '7,14p' "$0" | sed 's/^# \{0,1\}//'; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
    --rune)
      [ $# -ge 2 ] || die "--rune needs a path"
      rune=$2
      shift 2
      ;;
    --only)
      [ $# -ge 2 ] || die "--only needs podman or containerd"
      only=$2
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument '$1'"
      ;;
    esac
  done
  case $only in
  "" | podman | containerd) ;;
  *) die "--only takes podman or containerd, not '$only'" ;;
  esac
  # The clients run the runtime from other directories: it needs an absolute path.
  rune=$(realpath -e "$rune" 2>/dev/null) || die "rune binary not found: ${rune}"
}

die() {
  echo "run.sh: $*" >&2
  exit 2
}

# A fresh name for a container or task; the tag lets the cleanup find what is ours.
new_name() {
  serial=$((serial + 1))
  echo "$tag-$serial"
}

# ---------------------------------------------------------------------------------------
# The clients, with private storage and the runtime under test ($runtime)

podman_() {
  timeout -k 5 "$cmd_timeout" podman --root "$work/podman/root" --runroot "$work/podman/run" \
    --tmpdir "$work/podman/tmp" --runtime "$runtime" --cgroup-manager cgroupfs \
    --events-backend file "$@"
}

# podman run with our cgroup parent, so that every cgroup it makes is below /cl-PID.
prun() { podman_ run --cgroup-parent "/$tag" "$@"; }

ctr_() { timeout -k 5 "$cmd_timeout" ctr --address "$work/containerd/sock" -n "$ns" "$@"; }

# ctr run [OPTIONS] ID ARGS... with the runtime under test; its state root is private too.
ctr_run() {
  local opts=()
  while [[ "${1:-}" == -* ]]; do
    opts+=("$1")
    shift
  done
  ctr_ run "${opts[@]}" --runtime io.containerd.runc.v2 --runc-binary "$runtime" \
    --runc-root "$work/runc-root" "$image" "$@"
}

# in_tty CMD...: CMD with a terminal on its stdin (ctr -t insists on one), through script(1).
in_tty() {
  local cmd
  cmd=$(printf '%q ' "$@")
  timeout -k 5 "$cmd_timeout" script -qec "$cmd" /dev/null </dev/null
}

# ---------------------------------------------------------------------------------------
# Assertions: they print what went wrong, the scenario's output shows it on failure.

# quote ARGS...: the command as one could paste it into a shell.
quote() {
  local out
  out=$(printf '%q ' "$@")
  echo "${out% }"
}

# expect_out WANT CMD...: CMD succeeds and its output contains WANT.
expect_out() {
  local want=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [[ "$out" != *"$want"* ]]; then
    printf '$ %s\nexit status %d; expected output containing "%s", got:\n%s\n' "$(quote "$@")" \
      "$rc" "$want" "$out"
    return 1
  fi
}

# expect_rc RC CMD...: CMD exits with status RC.
expect_rc() {
  local want=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    printf '$ %s\nexpected exit status %d, got %d:\n%s\n' "$(quote "$@")" "$want" "$rc" "$out"
    return 1
  fi
}

# must CMD...: CMD succeeds (its output is shown only when it fails).
must() {
  local out
  if ! out=$("$@" 2>&1); then
    printf '$ %s\nfailed:\n%s\n' "$(quote "$@")" "$out"
    return 1
  fi
}

# freezer_state PID: the freezer.state of the cgroup of PID (cgroup v1; v2: cgroup.freeze).
freezer_state() {
  local path
  path=$(sed -n 's/^[0-9]*:freezer://p' "/proc/$1/cgroup")
  if [ -n "$path" ]; then
    cat "/sys/fs/cgroup/freezer$path/freezer.state"
  else
    path=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
    sed 's/^1$/FROZEN/; s/^0$/THAWED/' "/sys/fs/cgroup$path/cgroup.freeze"
  fi
}

# wait_for SECONDS CMD...: retries CMD until it succeeds (state changes are asynchronous).
wait_for() {
  local tries=$(($1 * 10))
  shift
  while ! "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    [ $tries -gt 0 ] || return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------
# podman scenarios. Each removes its own containers, even when it fails.

p_echo() { expect_out "hello from busybox" prun --rm "$image" echo hello from busybox; }

p_exit_code() {
  expect_rc 0 prun --rm "$image" true &&
    expect_rc 3 prun --rm "$image" sh -c 'exit 3'
}

p_rm() {
  local name
  name=$(new_name)
  must prun --rm --name "$name" "$image" true &&
    expect_rc 1 podman_ container exists "$name"
}

p_env() { expect_out "FOO=bar baz" prun --rm -e FOO="bar baz" "$image" sh -c 'echo FOO=$FOO'; }

p_workdir() { expect_out "/var/tmp" prun --rm -w /var/tmp "$image" pwd; }

p_user() { expect_out "uid=1000(user) gid=1000(user)" prun --rm -u 1000 "$image" id; }

# --read-only: / is read-only, while podman's tmpfs on /tmp stays writable.
p_read_only() {
  expect_out "Read-only file system" prun --rm --read-only "$image" sh -c 'touch /x; true' &&
    expect_out "tmp-writable" prun --rm --read-only "$image" sh -c 'touch /tmp/x && echo tmp-writable'
}

# The limits must be in force in the container's own cgroup, as the container sees it.
p_memory() {
  expect_out 67108864 prun --rm --memory 64m "$image" sh -c \
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
}

p_pids_limit() {
  expect_out 33 prun --rm --pids-limit 33 "$image" sh -c \
    'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
}

check_hex() { [[ "$1" =~ ^[0-9a-f]{16}$ ]] || { echo "not a capability set: '$1'" && return 1; }; }

# CapEff: NET_RAW alone is bit 13; --cap-drop CHOWN is podman's default set without bit 0.
p_caps() {
  local default
  expect_out "CapEff:	0000000000002000" prun --rm --cap-drop all --cap-add NET_RAW "$image" \
    grep CapEff /proc/self/status &&
    default=$(prun --rm "$image" sed -n 's/^CapEff:\t//p' /proc/self/status) &&
    check_hex "$default" &&
    expect_out "CapEff:	$(printf '%016x' $((0x$default & ~1)))" prun --rm --cap-drop CHOWN \
      "$image" grep CapEff /proc/self/status
}

# --network none still gets a loopback interface that is up (runc and crun bring it up).
p_loopback() {
  expect_out "LOWER_UP" prun --rm --network none "$image" ip link show lo
}

p_detached_exec() {
  local name rc
  name=$(new_name)
  # A shell that exits on SIGTERM, so that podman stop does not have to fall back to SIGKILL.
  must prun -d --name "$name" "$image" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' &&
    expect_out "in-exec uid=0" podman_ exec "$name" sh -c 'echo in-exec uid=$(id -u)' &&
    expect_out "env-ok 1000" podman_ exec -u 1000 -e X=env-ok "$name" sh -c 'echo $X $(id -u)' &&
    expect_rc 5 podman_ exec "$name" sh -c 'exit 5' &&
    must podman_ stop -t 10 "$name" &&
    expect_out "exited 0" podman_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name" &&
    must podman_ rm "$name" &&
    expect_rc 1 podman_ container exists "$name"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

# -t: the runtime gets a --console-socket and hands the pty's master to conmon.
p_tty() { expect_out "/dev/pts/0" prun --rm -t "$image" tty </dev/null; }

p_exec_tty() {
  local name rc
  name=$(new_name)
  must prun -d --name "$name" "$image" sleep 1000 &&
    expect_out "/dev/pts/" podman_ exec -t "$name" tty </dev/null
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

p_pause() {
  local name pid rc
  name=$(new_name)
  must prun -d --name "$name" "$image" sleep 1000 &&
    pid=$(podman_ inspect -f '{{.State.Pid}}' "$name") &&
    must podman_ pause "$name" &&
    expect_out paused podman_ inspect -f '{{.State.Status}}' "$name" &&
    expect_out FROZEN freezer_state "$pid" &&
    must podman_ unpause "$name" &&
    expect_out running podman_ inspect -f '{{.State.Status}}' "$name" &&
    expect_out THAWED freezer_state "$pid"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

p_top_ps() {
  local name rc
  name=$(new_name)
  must prun -d --name "$name" "$image" sleep 1234 &&
    expect_out "sleep 1234" podman_ top "$name" &&
    expect_out "$name" podman_ ps --format '{{.Names}} {{.Status}}'
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

p_kill_logs() {
  local name rc
  name=$(new_name)
  must prun -d --name "$name" "$image" \
    sh -c 'trap "echo got-usr1; exit 7" USR1; echo started; while :; do sleep 0.1; done' &&
    wait_for 10 expect_out started podman_ logs "$name" &&
    must podman_ kill -s USR1 "$name" &&
    expect_out 7 podman_ wait "$name" &&
    expect_out "got-usr1" podman_ logs "$name"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

# ---------------------------------------------------------------------------------------
# containerd scenarios

c_echo() { expect_out "hi from ctr" ctr_run --rm "$(new_name)" echo hi from ctr; }

c_exit_code() {
  expect_rc 0 ctr_run --rm "$(new_name)" true &&
    expect_rc 3 ctr_run --rm "$(new_name)" sh -c 'exit 3'
}

# ctr_remove ID: the task and the container, whatever state they are in.
ctr_remove() {
  ctr_ task kill -s KILL "$1" >/dev/null 2>&1
  wait_for 5 task_status_is "$1" STOPPED
  ctr_ task delete -f "$1" >/dev/null 2>&1
  ctr_ container delete "$1" >/dev/null 2>&1
}

task_status_is() { ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }' | grep -qx "$2"; }

container_listed() { ctr_ container ls -q | grep -qx "$1"; }

task_pid() { ctr_ task ls | awk -v id="$1" '$1 == id { print $2 }'; }

c_detached_exec() {
  local id rc
  id=$(new_name)
  must ctr_run -d "$id" sleep 1000 &&
    expect_out "in-task" ctr_ task exec --exec-id x1 "$id" sh -c 'echo in-task' &&
    expect_rc 4 ctr_ task exec --exec-id x2 "$id" sh -c 'exit 4' &&
    must ctr_ task kill -s KILL "$id" &&
    wait_for 10 task_status_is "$id" STOPPED &&
    must ctr_ task delete "$id" &&
    must ctr_ container delete "$id" &&
    expect_rc 1 container_listed "$id"
  rc=$?
  ctr_remove "$id"
  return $rc
}

c_tty() {
  expect_out "/dev/pts/0" in_tty ctr --address "$work/containerd/sock" -n "$ns" run --rm -t \
    --runtime io.containerd.runc.v2 --runc-binary "$runtime" --runc-root "$work/runc-root" \
    "$image" "$(new_name)" tty
}

c_exec_tty() {
  local id rc
  id=$(new_name)
  must ctr_run -d "$id" sleep 1000 &&
    expect_out "/dev/pts/" in_tty ctr --address "$work/containerd/sock" -n "$ns" task exec -t \
      --exec-id t1 "$id" tty
  rc=$?
  ctr_remove "$id"
  return $rc
}

c_pause() {
  local id pid rc
  id=$(new_name)
  must ctr_run -d "$id" sleep 1000 &&
    pid=$(task_pid "$id") &&
    must ctr_ task pause "$id" &&
    expect_out PAUSED ctr_ task ls &&
    expect_out FROZEN freezer_state "$pid" &&
    must ctr_ task resume "$id" &&
    expect_out RUNNING ctr_ task ls &&
    expect_out THAWED freezer_state "$pid"
  rc=$?
  ctr_remove "$id"
  return $rc
}

# task ps goes through the runtime's `ps`: the task's pid must be listed.
c_ps() {
  local id pid rc
  id=$(new_name)
  must ctr_run -d "$id" sleep 1000 &&
    pid=$(task_pid "$id") &&
    expect_out "$pid" ctr_ task ps "$id"
  rc=$?
  ctr_remove "$id"
  return $rc
}

c_metrics() {
  local id rc
  id=$(new_name)
  must ctr_run -d "$id" sleep 1000 &&
    expect_out "pids.current" ctr_ task metrics "$id" &&
    expect_out "memory.usage_in_bytes" ctr_ task metrics "$id"
  rc=$?
  ctr_remove "$id"
  return $rc
}

# ---------------------------------------------------------------------------------------
# Leftovers: what a scenario must not leave on the host once its containers are removed.

# cmdline PID: the command line of PID, empty when it is gone (processes come and go).
cmdline() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null; }

# Container cgroups (below our podman parent, or named after our ctr ids), mounts below the
# work dir other than the storage's own, and processes in our containers' cgroups.
leftovers() {
  local d pid
  find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d \( -name "$tag-*" -o -path "*/$tag/libpod-*" \) \
    2>/dev/null | sed 's/^/cgroup /'
  findmnt -rn -o TARGET | grep -F "$work/" | grep -v -e '/overlay$' -e '/overlayfs$' |
    sed 's/^/mount /'
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    grep -qs -e "/$tag/libpod-" -e "/$tag-" "$d/cgroup" && echo "process $pid $(cmdline "$pid")"
  done
}

# run_scenario FUNCTION: the scenario with $runtime, then the leftover check. Output: what
# went wrong. Status: the scenario's, or 1 when it left something behind.
run_scenario() {
  local out rc left
  out=$("$1" 2>&1)
  rc=$?
  # podman removes a --rm container's cgroup from conmon's exit command: give it a moment.
  wait_for 5 test -z "$(leftovers)"
  left=$(leftovers)
  if [ -n "$left" ]; then
    printf '%s\nleft behind:\n%s\n' "$out" "$left"
    remove_leftover_cgroups
    return 1
  fi
  [ $rc -eq 0 ] || printf '%s\n' "$out"
  return $rc
}

# report NAME RUNTIME-NAME STATUS [OUTPUT]: one result line, the output indented below it.
report() {
  printf '%-46s %-5s %s\n' "$1" "$2" "$3"
  [ -n "${4:-}" ] && printf '%s\n' "$4" | tail -n 25 | sed 's/^/      /'
  return 0
}

# check NAME FUNCTION: FUNCTION with crun, then with rune.
check() {
  local name=$1 fn=$2 crun_out rune_out crun_ok=1
  runtime=$crun
  crun_out=$(run_scenario "$fn") || crun_ok=0
  if [ $crun_ok = 1 ]; then report "$name" crun ok; else report "$name" crun FAIL "$crun_out"; fi
  runtime=$rune
  if rune_out=$(run_scenario "$fn"); then
    report "$name" rune ok
    passed=$((passed + 1))
  elif [ $crun_ok = 0 ]; then
    report "$name" rune "host-limit (crun fails too)" "$rune_out"
    host_limits+=("$name")
  else
    report "$name" rune FAIL "$rune_out"
    failed=$((failed + 1))
    regressions+=("$name")
  fi
}

# ---------------------------------------------------------------------------------------
# Setup

# A busybox root filesystem from Debian's busybox-static: the binary, its applet links
# (made inside the rootfs so that they point to /bin/busybox) and a user 1000.
make_rootfs() {
  local r=$work/rootfs d
  for d in bin sbin usr/bin usr/sbin etc tmp var/tmp root home/user proc sys dev run; do
    mkdir -p "$r/$d"
  done
  cp /bin/busybox "$r/bin/busybox" &&
    chroot "$r" /bin/busybox --install -s &&
    printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$r/etc/passwd" &&
    printf 'root:x:0:\nuser:x:1000:\n' >"$r/etc/group" &&
    chmod 1777 "$r/tmp" "$r/var/tmp" &&
    tar -C "$r" -cf "$work/rootfs.tar" .
}

# Debian's podman asks for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 in the container,
# above this machine's hard limits (and podman lowers its own hard RLIMIT_NPROC to 32768),
# without CAP_SYS_RESOURCE to raise them: every runtime must refuse. A private
# containers.conf (CONTAINERS_CONF: the only one read) asks for modest limits, and for no
# network, so that netavark does not create bridges and firewall rules on the host.
write_podman_conf() {
  cat >"$work/containers.conf" <<-CONF
	[containers]
	default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
	netns = "none"
	CONF
  export CONTAINERS_CONF="$work/containers.conf"
}

setup_podman() {
  local out
  write_podman_conf
  runtime=$crun
  if ! out=$(podman_ info 2>&1); then
    printf 'podman info fails (a host limit: no podman scenario can run):\n%s\n' "$out" |
      sed '2,$s/^/      /'
    return 1
  fi
  if ! out=$(podman_ import --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' "$work/rootfs.tar" "$image" 2>&1); then
    printf 'podman import fails:\n%s\n' "$out" | sed '2,$s/^/      /'
    return 1
  fi
}

# A private containerd: its own root, state, sockets and plugin dir; no CRI plugin (it would
# set up CNI). The image goes over as an OCI archive saved by podman.
setup_containerd() {
  local d=$work/containerd out
  if [ ! -x /usr/bin/containerd-shim-runc-v2 ]; then
    echo "containerd-shim-runc-v2 is not installed (a host limit)"
    return 1
  fi
  mkdir -p "$d"
  cat >"$d/config.toml" <<-CONF
	version = 2
	root = "$d/root"
	state = "$d/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$d/sock"
	[ttrpc]
	  address = "$d/sock.ttrpc"
	[plugins."io.containerd.internal.v1.opt"]
	  path = "$d/opt"
	CONF
  containerd --config "$d/config.toml" >"$d/log" 2>&1 &
  containerd_pid=$!
  if ! wait_for 20 ctr_ version; then
    echo "containerd did not start:"
    tail -n 20 "$d/log" | sed 's/^/      /'
    return 1
  fi
  runtime=$crun
  if ! out=$(podman_ save --format oci-archive -o "$work/image.tar" "$image" 2>&1 &&
    ctr_ images import "$work/image.tar" 2>&1); then
    printf 'the image cannot be imported into containerd:\n%s\n' "$out" | sed '2,$s/^/      /'
    return 1
  fi
}

# Which parents of our cgroups exist before we start (ctr's namespace cgroup), so that the
# cleanup removes only those it created.
record_cgroup_parents() {
  cgroup_parents_before=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "$ns")
}

# ---------------------------------------------------------------------------------------
# Cleanup

# rmdir our container cgroups, deepest first (a cgroup directory is removed with rmdir).
remove_leftover_cgroups() {
  find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -depth -type d \( -name "$tag-*" -o -path "*/$tag/*" \
    -o -name "$tag" \) -exec rmdir {} \; 2>/dev/null
}

# pids of the processes whose command line names our work dir (conmon, shims, containerd).
our_processes() {
  local d
  for d in /proc/[0-9]*; do
    [ "${d#/proc/}" = $$ ] && continue
    cmdline "${d#/proc/}" | grep -qF "$work/" && echo "${d#/proc/}"
  done
}

cleanup_containerd() {
  local id pid
  [ -n "$containerd_pid" ] || return 0
  runtime=$crun
  for id in $(ctr_ container ls -q 2>/dev/null); do ctr_remove "$id"; done
  ctr_ images rm "$image" >/dev/null 2>&1
  kill "$containerd_pid" 2>/dev/null
  wait "$containerd_pid" 2>/dev/null
  # Shims outlive containerd by design; ours are found by our socket's path.
  for pid in $(our_processes); do kill -KILL "$pid" 2>/dev/null; done
}

cleanup_podman() {
  [ -d "$work/podman" ] || return 0
  runtime=$crun
  podman_ rm -a -f -t 0 >/dev/null 2>&1
  podman_ rmi -a -f >/dev/null 2>&1
}

cleanup() {
  local m d
  trap - EXIT INT TERM
  [ -n "$work" ] || return
  cleanup_containerd
  cleanup_podman
  for m in $(findmnt -rn -o TARGET | grep -F "$work/" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  remove_leftover_cgroups
  find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "$ns" | while read -r d; do
    grep -qxF "$d" <<<"$cgroup_parents_before" || rmdir "$d" 2>/dev/null
  done
  rm -rf "$work"
}

# ---------------------------------------------------------------------------------------

podman_scenarios() {
  check "podman run echo" p_echo
  check "podman run exit code (0, 3)" p_exit_code
  check "podman run --rm" p_rm
  check "podman run -e" p_env
  check "podman run -w" p_workdir
  check "podman run -u 1000" p_user
  check "podman run --read-only" p_read_only
  check "podman run --memory 64m" p_memory
  check "podman run --pids-limit 33" p_pids_limit
  check "podman run --cap-drop/--cap-add" p_caps
  check "podman run --network none (lo up)" p_loopback
  check "podman run -d, exec, stop, rm" p_detached_exec
  check "podman run -t" p_tty
  check "podman exec -t" p_exec_tty
  check "podman pause/unpause" p_pause
  check "podman top, ps" p_top_ps
  check "podman kill -s USR1, wait, logs" p_kill_logs
}

containerd_scenarios() {
  check "ctr run echo" c_echo
  check "ctr run exit code (0, 3)" c_exit_code
  check "ctr run -d, task exec, kill, delete" c_detached_exec
  check "ctr run -t" c_tty
  check "ctr task exec -t" c_exec_tty
  check "ctr task pause/resume" c_pause
  check "ctr task ps" c_ps
  check "ctr task metrics" c_metrics
}

# list TITLE ITEMS...: a titled list, one item a line.
list() {
  echo "$1:"
  shift
  printf '  - %s\n' "$@"
}

main() {
  local b start
  parse_args "$@"
  [ "$(id -u)" = 0 ] || die "must run as root"
  for b in podman containerd ctr script findmnt "$crun" /bin/busybox; do
    command -v "$b" >/dev/null || die "$b not found"
  done
  start=$(date +%s)
  work=$(mktemp -d /tmp/rune-clients.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  echo "rune: $rune"
  echo "crun: $crun ($("$crun" --version | head -n 1))"
  make_rootfs || die "cannot build the busybox root filesystem"
  record_cgroup_parents
  if [ "$only" != containerd ]; then
    if setup_podman; then podman_scenarios; else host_limits+=(podman); fi
  fi
  if [ "$only" != podman ]; then
    if setup_containerd; then containerd_scenarios; else host_limits+=(containerd); fi
  fi
  [ ${#host_limits[@]} -eq 0 ] || list "host limits (crun fails too)" "${host_limits[@]}"
  [ ${#regressions[@]} -eq 0 ] || list "rune fails where crun passes" "${regressions[@]}"
  echo "time: $(($(date +%s) - start)) s"
  echo "$passed passed, $failed failed"
  [ ${#regressions[@]} -eq 0 ]
}

main "$@"
