#!/bin/bash
# Stress: many containers, nothing left behind, no growth of the runtime's memory per call.
#
#   tests/stress/run.sh [--runtime PATH] [-n COUNT] [-j PARALLEL] [-h]
#
# Creates, starts, execs `true` into, kills and deletes COUNT containers (default 1000),
# PARALLEL at a time (default 4), from one busybox bundle, with the runtime's state root in
# a temporary directory. Snapshots taken before and after must be equal: mounts, cgroups
# named after the containers (every hierarchy), their processes, state directories, the open
# fds of this script and temporary files. The peak RSS of `create` and `state` over the last
# 10% of the containers must be within 10% of the first 10%. Then create must fail, and
# leave nothing, with an unknown seccomp action, a cgroupsPath with "..", a failing prestart
# or createRuntime hook and a missing binary. One check is one test; the last line is
# "N passed, N failed". Default runtime: ${RUNE:-build/src/rune/rune}. Needs root.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runtime=${RUNE:-$top/build/src/rune/rune}
count=1000
parallel=4
# One runtime call that hangs must not hang the run.
call_timeout=60

work=""
root=""
bundle=""
prefix="st-$$-"
# Put in every container's environment, so that its processes can be found from /proc.
mark="RUNE_STRESS_MARK=st-$$-$RANDOM$RANDOM"
passed=0
failed=0

usage() { sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; }

die() {
  echo "run.sh: $*" >&2
  exit 2
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
    --runtime | -n | -j) [ $# -ge 2 ] || die "$1 needs a value" ;;&
    --runtime) runtime=$2 ;;
    -n) count=$2 ;;
    -j) parallel=$2 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument '$1'"
      ;;
    esac
    shift 2
  done
  [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "-n takes a positive number, not '$count'"
  [[ "$parallel" =~ ^[1-9][0-9]*$ ]] || die "-j takes a positive number, not '$parallel'"
  runtime=$(realpath -e "$runtime" 2>/dev/null) || die "runtime not found: $runtime"
}

# rt ARGS...: the runtime with our state root, bounded in time.
rt() { timeout -k 5 "$call_timeout" "$runtime" --root "$root" "$@"; }

# result NAME STATUS [DETAILS]: one check, its details indented below it when it fails.
result() {
  if [ "$2" -eq 0 ]; then
    printf '%-64s ok\n' "$1"
    passed=$((passed + 1))
  else
    printf '%-64s FAIL\n' "$1"
    [ -n "${3:-}" ] && printf '%s\n' "$3" | head -n 30 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
  return 0
}

# ---------------------------------------------------------------------------------------
# The bundle: a busybox rootfs (like tests/integration/helpers.bash) running `sleep 1000`.

make_rootfs() {
  local r=$1 d applet
  for d in bin dev etc proc root sys tmp; do mkdir -p "$r/$d"; done
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox" || return 1
  for applet in $(/bin/busybox --list); do
    [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"
}

# ociVersion 1.0.2: the newest that Debian's crun accepts, so that it can check this script.
write_config() {
  jq -n --arg mark "$mark" '{
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [ "sleep", "1000" ],
      env: [ "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", $mark ],
      cwd: "/",
      noNewPrivileges: true
    },
    root: { path: "rootfs", readonly: false },
    hostname: "stress",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs",
        options: [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
      { destination: "/dev/pts", type: "devpts", source: "devpts",
        options: [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm",
        options: [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
      { destination: "/sys", type: "sysfs", source: "sysfs",
        options: [ "nosuid", "noexec", "nodev", "ro" ] }
    ],
    linux: {
      namespaces: [ { type: "pid" }, { type: "ipc" }, { type: "uts" },
                    { type: "mount" }, { type: "network" } ],
      maskedPaths: [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
      readonlyPaths: [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
    }
  }' >"$1"
}

make_bundle() {
  mkdir -p "$bundle" && make_rootfs "$bundle/rootfs" && write_config "$bundle/config.json"
}

# ---------------------------------------------------------------------------------------
# Snapshots: what a container could leave on the host, one "KIND what" line each, sorted.

# Mounts on the host naming our work dir (rootfs, state) or a container; the mount ids vary.
snap_mounts() {
  grep -F -e "$work" -e "$prefix" /proc/self/mountinfo | cut -d' ' -f3- | sed 's/^/mount /'
}

# Cgroups named after a container, in every hierarchy (v1 controllers and the unified one),
# and on the tmpfs above them (a cgroupsPath that climbs out with "..").
snap_cgroups() {
  find /sys/fs/cgroup -mindepth 1 -type d -name "*$prefix*" 2>/dev/null | sed 's/^/cgroup /'
}

proc_file() { { tr '\0' ' ' <"/proc/$1/$2"; } 2>/dev/null; }

# Live processes (zombies are their parent's to reap) whose command line or cgroup names a
# container, or whose environment has our mark. One grep reads them all: /proc is large.
snap_processes() {
  local pid
  {
    grep -lsaF "$prefix" /proc/[0-9]*/cmdline /proc/[0-9]*/cgroup
    grep -lsaF "$mark" /proc/[0-9]*/environ
  } | cut -d/ -f3 | sort -u | while read -r pid; do
    [ "$pid" = "$$" ] && continue
    grep -qs '^State:.*Z' "/proc/$pid/status" && continue
    [ -d "/proc/$pid" ] && echo "process $pid $(proc_file "$pid" cmdline)"
  done
}

snap_state() { find "$root" -mindepth 1 -maxdepth 1 2>/dev/null | sed 's/^/state /'; }

# This script's open fds; pipe and socket inodes change from one snapshot to the next.
snap_fds() {
  local fd
  for fd in "/proc/$$/fd"/*; do
    echo "fd ${fd##*/} $(readlink "$fd" 2>/dev/null | sed 's/:\[[0-9]*\]$//')"
  done
}

# The runtime's TMPDIR is ours; elsewhere, files named after a container.
snap_tmp() {
  find "$work/tmp" -mindepth 1 2>/dev/null | sed 's/^/tmp /'
  find /tmp /var/tmp /dev/shm /run -maxdepth 2 -name "*$prefix*" 2>/dev/null | sed 's/^/tmp /'
}

snapshot() {
  {
    snap_mounts
    snap_cgroups
    snap_processes
    snap_state
    snap_fds
    snap_tmp
  } | sort
}

# check_leftovers LABEL BEFORE: the snapshot now must equal BEFORE ("+" new, "-" gone).
check_leftovers() {
  local diff
  diff=$(diff <(echo "$2") <(snapshot) | sed -n 's/^> /+ /p; s/^< /- /p')
  result "$1: nothing left behind" "$([ -z "$diff" ] && echo 0 || echo 1)" "$diff"
}

# Removes by hand what a broken runtime left, so that the next checks start clean.
remove_leftovers() {
  local id pid m d
  find "$root" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | while read -r id; do
    rt delete --force "$id" >/dev/null 2>&1
  done
  for pid in $(snap_processes | cut -d' ' -f2); do kill -KILL "$pid" 2>/dev/null; done
  sleep 0.2
  for m in $(snap_mounts | cut -d' ' -f4 | sort -r); do umount -l "$m" 2>/dev/null; done
  # Deepest first; a directory on the cgroup tmpfs (not a cgroup) needs rm -r.
  snap_cgroups | cut -d' ' -f2- | sort -r | while read -r d; do
    if [ "$(stat -f -c %T "$d")" = tmpfs ]; then rm -rf "$d"; else rmdir "$d"; fi
  done 2>/dev/null
  snap_tmp | cut -d' ' -f2- | while read -r d; do rm -rf "$d"; done
  rm -rf "${root:?}"/* 2>/dev/null
}

# ---------------------------------------------------------------------------------------
# The stress run

# timed KIND INDEX ARGS...: a runtime call whose peak RSS (KiB) is kept when INDEX is in the
# first or the last 10% of the containers.
timed() {
  local kind=$1 i=$2 window=$((count / 10)) part=""
  shift 2
  [ "$window" -ge 1 ] || window=1
  if [ "$i" -le "$window" ]; then
    part=first
  elif [ "$i" -gt $((count - window)) ]; then
    part=last
  fi
  if [ -z "$part" ]; then
    rt "$@"
  else
    timeout -k 5 "$call_timeout" /usr/bin/time -o "$work/rss/$kind.$part.$i" -f %M \
      "$runtime" --root "$root" "$@"
  fi
}

# step LOG NAME CMD...: one step of a container's life; on failure, LOG says which step
# and what it printed.
step() {
  local log=$1 name=$2 rc
  shift 2
  "$@" >"$log.out" 2>&1 && return 0
  rc=$?
  { echo "$name failed (exit status $rc):" && cat "$log.out"; } >>"$log"
  return 1
}

status_is() { [ "$(rt state "$1" 2>/dev/null | jq -r .status)" = "$2" ]; }

wait_stopped() {
  local tries=200
  until status_is "$1" stopped; do
    tries=$((tries - 1))
    [ $tries -gt 0 ] || return 1
    sleep 0.05
  done
}

# lifecycle INDEX: create, start, exec, kill, delete; $work/fail/ID tells what failed. The
# container inherits create's stdio: files, so that it holds no pipe of this script open.
lifecycle() {
  local i=$1 id="$prefix$1" log="$work/fail/$prefix$1"
  step "$log" create timed create "$i" create --bundle "$bundle" "$id" </dev/null &&
    step "$log" start rt start "$id" &&
    step "$log" "state (running)" status_is "$id" running &&
    step "$log" "state (for its RSS)" timed state "$i" state "$id" &&
    step "$log" exec rt exec "$id" true &&
    step "$log" kill rt kill "$id" KILL &&
    step "$log" "state (stopped)" wait_stopped "$id" &&
    step "$log" delete rt delete "$id" &&
    step "$log" "state dir removed" test ! -e "$root/$id"
  local rc=$?
  [ $rc -eq 0 ] || rt delete --force "$id" >/dev/null 2>&1
  rm -f "$log.out"
  return $rc
}

# PARALLEL lifecycles at a time.
run_pool() {
  local i running=0
  for ((i = 1; i <= count; i++)); do
    lifecycle "$i" </dev/null &
    running=$((running + 1))
    if [ $running -ge "$parallel" ]; then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
}

# mean_rss KIND PART: the mean of the peak RSS samples, in KiB.
mean_rss() {
  cat "$work/rss/$1.$2".* 2>/dev/null | awk '/^[0-9]+$/ { s += $1; n++ } END { if (n) printf "%d", s / n }'
}

check_memory() {
  local kind first last
  for kind in create state; do
    first=$(mean_rss "$kind" first)
    last=$(mean_rss "$kind" last)
    if [ -z "$first" ] || [ -z "$last" ]; then
      result "peak RSS of $kind does not grow" 1 "no measurements (first: '$first', last: '$last')"
    else
      result "peak RSS of $kind does not grow" \
        "$([ "$last" -le $((first * 110 / 100)) ] && echo 0 || echo 1)" \
        "the last 10% of the calls use more than 10% more memory than the first"
      echo "    first 10%: $first KiB, last 10%: $last KiB"
    fi
  done
}

stress() {
  local before start end fails
  mkdir -p "$work/fail" "$work/rss"
  before=$(snapshot)
  start=$(date +%s.%N)
  run_pool
  end=$(date +%s.%N)
  fails=$(find "$work/fail" -type f | wc -l)
  result "$count containers created, started, exec'd, killed, deleted" \
    "$([ "$fails" -eq 0 ] && echo 0 || echo 1)" \
    "$(printf '%d of %d failed; the first:\n' "$fails" "$count"; find "$work/fail" -type f |
      sort | head -n 3 | while read -r f; do
        echo "${f##*/}:"
        sed 's/^/  /' "$f" | head -n 8
      done)"
  awk -v n="$count" -v s="$start" -v e="$end" -v j="$parallel" \
    'BEGIN { printf "    %.1f s for %d containers, %d at a time: %.1f containers/s\n", e - s, n, j, n / (e - s) }'
  check_leftovers "stress" "$before"
  check_memory
  remove_leftovers
}

# ---------------------------------------------------------------------------------------
# Failure paths of create

# failure NAME JQ_FILTER: create with the edited config must fail and leave nothing.
failure() {
  local name=$1 filter=$2 id="${prefix}fail-$3" before out rc
  mkdir -p "$work/bad"
  jq --arg rootfs "$bundle/rootfs" --arg prefix "$prefix" ".root.path = \$rootfs | $filter" \
    "$bundle/config.json" >"$work/bad/config.json" || die "bad jq filter: $filter"
  before=$(snapshot)
  out=$(rt create --bundle "$work/bad" "$id" </dev/null 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 0 ]; then
    result "create fails: $name" 1 "create succeeded"
    rt delete --force "$id" >/dev/null 2>&1
  else
    result "create fails: $name" 0
    echo "    exit status $rc: $(head -n 1 <<<"$out")"
  fi
  # A failed create may clean up in the background: give it a moment.
  sleep 0.2
  check_leftovers "$name" "$before"
  remove_leftovers
}

failures() {
  failure "unknown seccomp action" \
    '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
       syscalls: [{names: ["getcwd"], action: "SCMP_ACT_NO_SUCH_ACTION"}]}' seccomp
  # Named after the container, so that a cgroup made above the hierarchy is found. ($prefix
  # is jq's.)
  # shellcheck disable=SC2016
  failure "cgroupsPath with .." \
    '.linux.cgroupsPath = "/\($prefix)fail-cg/../../\($prefix)escape"' cgroup
  failure "prestart hook exits 1" \
    '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "exit 1"]}]' prestart
  failure "createRuntime hook exits 1" \
    '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "exit 1"]}]' createruntime
  failure "missing binary" '.process.args = ["/nonexistent"]' missing
}

# ---------------------------------------------------------------------------------------

cleanup() {
  trap - EXIT INT TERM
  [ -n "$work" ] || return
  # Our own background lifecycles, when interrupted.
  jobs -p | xargs -r kill 2>/dev/null
  wait 2>/dev/null
  remove_leftovers
  rm -rf "$work"
}

main() {
  local b start
  parse_args "$@"
  [ "$(id -u)" = 0 ] || die "must run as root"
  for b in jq /usr/bin/time /bin/busybox timeout; do
    command -v "$b" >/dev/null || die "$b not found"
  done
  start=$(date +%s)
  work=$(mktemp -d /tmp/rune-stress.XXXXXX)
  root="$work/root"
  bundle="$work/bundle"
  mkdir -p "$root" "$work/tmp"
  # The runtime's temporary files go where snap_tmp looks for them.
  export TMPDIR="$work/tmp"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  make_bundle || die "cannot make the bundle"
  echo "runtime: $runtime, $count containers, $parallel at a time"
  stress
  failures
  echo "time: $(($(date +%s) - start)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

main "$@"
