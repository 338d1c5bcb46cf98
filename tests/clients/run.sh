#!/bin/bash
# rune under real clients: podman (Debian's) and containerd's ctr with the runc v2 shim.
# Every scenario runs first with crun, then with rune, so a host limitation (crun fails too)
# is told apart from a rune bug.
#
#   tests/clients/run.sh [--rune PATH] [--only podman|containerd] [-h]
#
# One line per scenario and runtime: ok, FAIL (output indented below) or host-limit (crun
# fails too: counted for neither). Last line: "N passed, N failed" for rune. Exit status 1 when
# rune fails a scenario crun passes. Needs root, podman and containerd; no registry: the image
# is imported from Debian's busybox-static.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rune=${RUNE:-$top/build/src/rune/rune}
only=""
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
  --rune) rune=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  -h | --help) usage; exit 0 ;;
  *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
rune=$(realpath "$rune")
crun=/usr/bin/crun
work=$(mktemp -d /tmp/rune-clients.XXXXXX)
image=localhost/busybox:rune-test
passed=0
failed=0
regressions=()
containerd_pid=""

podman_() {
  podman --root "$work/storage" --runroot "$work/run" --cgroup-manager cgroupfs \
    --events-backend file --runtime "$runtime" "$@"
}
ctr_() { ctr --address "$work/containerd.sock" -n rune-test "$@"; }

cleanup() {
  podman_ rm -af -t 0 >/dev/null 2>&1
  podman --root "$work/storage" --runroot "$work/run" unshare true >/dev/null 2>&1
  if [ -n "$containerd_pid" ]; then
    for c in $(ctr_ containers ls -q 2>/dev/null); do
      ctr_ tasks kill -s KILL "$c" >/dev/null 2>&1
      sleep 0.2
      ctr_ tasks delete -f "$c" >/dev/null 2>&1
      ctr_ containers delete "$c" >/dev/null 2>&1
    done
    kill "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  # podman and containerd leave their overlay and shm mounts under the work dir.
  findmnt -rn -o TARGET | grep "^$work" | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$work"
  # And their parent cgroups: containerd's shim names it after the namespace, podman's
  # cgroupfs manager uses libpod_parent (conmon inside). rmdir takes only empty ones; a
  # memory cgroup can stay busy for a moment after its last child goes.
  for _ in $(seq 50); do
    rmdir /sys/fs/cgroup/{*/,}{rune-test,libpod_parent/conmon,libpod_parent} 2>/dev/null
    compgen -G '/sys/fs/cgroup/*/rune-test' >/dev/null ||
      compgen -G '/sys/fs/cgroup/*/libpod_parent' >/dev/null || break
    sleep 0.02
  done
}
trap cleanup EXIT INT TERM

make_image() {
  mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/home"
  cp /bin/busybox "$work/rootfs/bin/"
  for a in $(/bin/busybox --list); do
    [ -e "$work/rootfs/bin/$a" ] || ln -s busybox "$work/rootfs/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home:/bin/sh\n' >"$work/rootfs/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\n' >"$work/rootfs/etc/group"
  tar -C "$work/rootfs" -cf "$work/busybox.tar" .
  runtime=$crun podman_ import "$work/busybox.tar" "$image" >/dev/null
}

# check NAME FUNCTION: runs FUNCTION with crun, then with rune ($runtime is set for it).
check() {
  local name=$1 fn=$2 crun_ok=1 out
  runtime=$crun
  if ! out=$("$fn" 2>&1); then crun_ok=0; fi
  runtime=$rune
  if out=$("$fn" 2>&1); then
    printf '%-44s ok%s\n' "$name" "$([ $crun_ok = 1 ] || echo ' (crun fails)')"
    passed=$((passed + 1))
  elif [ $crun_ok = 0 ]; then
    printf '%-44s host-limit (crun fails too)\n' "$name"
  else
    printf '%-44s FAIL\n' "$name"
    printf '%s\n' "$out" | sed 's/^/    /' | tail -n 15
    failed=$((failed + 1))
    regressions+=("$name")
  fi
}

# expect WANT CMD...: CMD's output must contain WANT.
expect() {
  local want=$1 out
  shift
  out=$("$@" 2>&1)
  [[ "$out" == *"$want"* ]] || { echo "expected '$want' from: $*"; echo "got: $out"; return 1; }
}

# Debian's podman asks for limits above this machine's hard limits.
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none)

p_echo() { expect "hello" podman_ run --rm "${limits[@]}" "$image" echo hello; }
p_exit() {
  podman_ run --rm "${limits[@]}" "$image" sh -c 'exit 3'
  [ $? -eq 3 ]
}
p_env_user() {
  expect "bar /tmp 1000" podman_ run --rm "${limits[@]}" -e FOO=bar -w /tmp -u 1000 "$image" \
    sh -c 'echo $FOO $(pwd) $(id -u)'
}
p_readonly() {
  expect "Read-only" podman_ run --rm "${limits[@]}" --read-only "$image" touch /x
}
p_limits() {
  expect "33" podman_ run --rm "${limits[@]}" --pids-limit 33 "$image" \
    sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
}
p_memory() {
  expect "67108864" podman_ run --rm "${limits[@]}" --memory 64m "$image" \
    sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
}
p_caps() {
  expect "CapEff:	0000000000002000" podman_ run --rm "${limits[@]}" --cap-drop all \
    --cap-add NET_RAW "$image" grep CapEff /proc/self/status
}
p_detached() {
  local name="cl-$RANDOM"
  podman_ run -d --name "$name" "${limits[@]}" "$image" sleep 1000 >/dev/null &&
    expect "in-container" podman_ exec "$name" echo in-container &&
    podman_ stop -t 1 "$name" >/dev/null &&
    podman_ rm "$name" >/dev/null
  local rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}
p_tty() { expect "/dev/pts/0" podman_ run --rm -t "${limits[@]}" "$image" tty; }
p_pause() {
  local name="cl-$RANDOM" rc
  podman_ run -d --name "$name" "${limits[@]}" "$image" sleep 1000 >/dev/null &&
    podman_ pause "$name" >/dev/null &&
    expect "paused" podman_ inspect -f '{{.State.Status}}' "$name" &&
    podman_ unpause "$name" >/dev/null &&
    expect "running" podman_ inspect -f '{{.State.Status}}' "$name"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}
p_top() {
  local name="cl-$RANDOM" rc
  podman_ run -d --name "$name" "${limits[@]}" "$image" sleep 1234 >/dev/null &&
    expect "sleep 1234" podman_ top "$name"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}
p_kill_logs() {
  local name="cl-$RANDOM" rc
  podman_ run -d --name "$name" "${limits[@]}" "$image" \
    sh -c 'trap "echo got-usr1; exit 7" USR1; echo started; while :; do sleep 0.1; done' >/dev/null &&
    sleep 0.5 && podman_ kill -s USR1 "$name" >/dev/null &&
    expect "7" podman_ wait "$name" &&
    expect "got-usr1" podman_ logs "$name"
  rc=$?
  podman_ rm -f -t 0 "$name" >/dev/null 2>&1
  return $rc
}

start_containerd() {
  mkdir -p "$work/containerd"
  cat >"$work/containerd/config.toml" <<-CONF
	version = 2
	root = "$work/containerd/root"
	state = "$work/containerd/state"
	[grpc]
	  address = "$work/containerd.sock"
	[plugins."io.containerd.grpc.v1.cri"]
	  disable_apparmor = true
	CONF
  containerd --config "$work/containerd/config.toml" >"$work/containerd.log" 2>&1 &
  containerd_pid=$!
  for _ in $(seq 50); do
    ctr_ version >/dev/null 2>&1 && break
    sleep 0.2
  done
  runtime=$crun podman_ save --format docker-archive -o "$work/busybox-docker.tar" "$image" >/dev/null &&
    ctr_ images import --all-platforms "$work/busybox-docker.tar" >/dev/null
}

ctr_run() { # ctr run with the runtime under test
  local opts=()
  while [[ "$1" == -* ]]; do opts+=("$1"); shift; done
  ctr_ run "${opts[@]}" --runtime io.containerd.runc.v2 --runc-binary "$runtime" "$image" "$@"
}
c_echo() { expect "hello" ctr_run --rm "cl-$RANDOM" echo hello; }
c_exit() {
  ctr_run --rm "cl-$RANDOM" sh -c 'exit 3'
  [ $? -eq 3 ]
}
c_exec() {
  local id="cl-$RANDOM" rc
  ctr_run -d "$id" sleep 1000 >/dev/null &&
    expect "in-task" ctr_ tasks exec --exec-id x1 "$id" echo in-task &&
    expect "sleep" ctr_ tasks ps "$id" | grep -q . &&
    ctr_ tasks pause "$id" && expect "PAUSED" ctr_ tasks ls &&
    ctr_ tasks resume "$id" && expect "RUNNING" ctr_ tasks ls &&
    expect "memory" ctr_ tasks metrics "$id"
  rc=$?
  ctr_ tasks kill -s KILL "$id" >/dev/null 2>&1
  sleep 0.3
  ctr_ tasks delete -f "$id" >/dev/null 2>&1
  ctr_ containers delete "$id" >/dev/null 2>&1
  return $rc
}
# ctr -t wants a terminal on its stdin: script(1) gives it one.
c_tty() {
  expect "/dev/pts/0" script -qec "ctr --address $work/containerd.sock -n rune-test run --rm -t \
    --runtime io.containerd.runc.v2 --runc-binary $runtime $image cl-$RANDOM tty" /dev/null
}

if [ "$(id -u)" != 0 ]; then echo "run.sh: must run as root" >&2; exit 2; fi
for b in podman containerd ctr "$crun" "$rune"; do
  command -v "$b" >/dev/null || { echo "run.sh: $b not found" >&2; exit 2; }
done
make_image || { echo "run.sh: cannot import the busybox image"; exit 2; }
if [ "$only" != containerd ]; then
  check "podman run echo" p_echo
  check "podman run exit code" p_exit
  check "podman run -e -w -u" p_env_user
  check "podman run --read-only" p_readonly
  check "podman run --pids-limit" p_limits
  check "podman run --memory" p_memory
  check "podman run --cap-drop/--cap-add" p_caps
  check "podman run -d, exec, stop, rm" p_detached
  check "podman run -t" p_tty
  check "podman pause/unpause" p_pause
  check "podman top" p_top
  check "podman kill -s, wait, logs" p_kill_logs
fi
if [ "$only" != podman ]; then
  if start_containerd; then
    check "ctr run echo" c_echo
    check "ctr run exit code" c_exit
    check "ctr task exec, ps, pause, resume, metrics" c_exec
    check "ctr run -t" c_tty
  else
    echo "containerd did not start:"
    tail -n 20 "$work/containerd.log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
fi
[ ${#regressions[@]} -eq 0 ] || echo "rune fails where crun passes: ${regressions[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
