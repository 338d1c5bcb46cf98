#!/bin/bash
# Stress: creates, starts, execs into, kills and deletes COUNT containers, PARALLEL at once,
# then checks that nothing is left (mounts, cgroups, processes, state directories, fds of
# this script) and that the runtime's memory per call does not grow. Then every failure path
# of create (bad seccomp rule, bad cgroup path, failing hook, missing binary) must fail and
# leave nothing either.
#
#   tests/stress/run.sh [--runtime PATH] [-n COUNT] [-j PARALLEL] [-h]
#
# Defaults: runtime ${RUNE:-build/src/rune/rune}, COUNT 1000, PARALLEL 4. Each check is one
# test; the last line is "N passed, N failed". Needs root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runtime=${RUNE:-$top/build/src/rune/rune}
count=1000
parallel=4
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
  --runtime) runtime=$2; shift 2 ;;
  -n) count=$2; shift 2 ;;
  -j) parallel=$2; shift 2 ;;
  -h | --help) usage; exit 0 ;;
  *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
runtime=$(realpath "$runtime")
work=$(mktemp -d /tmp/rune-stress.XXXXXX)
root="$work/root"
prefix="st$$-"
passed=0
failed=0
trap 'rm -rf "$work"' EXIT INT TERM

rt() { "$runtime" --root "$root" "$@"; }

result() { # name ok [details]
  if [ "$2" = 0 ]; then
    printf '%-52s ok\n' "$1"
    passed=$((passed + 1))
  else
    printf '%-52s FAIL\n' "$1"
    [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/    /' | head -n 20
    failed=$((failed + 1))
  fi
}

make_bundle() {
  mkdir -p "$work/bundle/rootfs/bin"
  cp /bin/busybox "$work/bundle/rootfs/bin/"
  for a in sh sleep true; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
  (cd "$work/bundle" && "$runtime" spec >/dev/null 2>&1) || cat >"$work/bundle/config.json" <<-'JSON'
	{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/",
	 "env": ["PATH=/bin"]}, "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
	 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]}}
	JSON
  # ociVersion 1.0.2: the newest Debian's crun accepts, so the script also runs with crun.
  jq '.ociVersion = "1.0.2" | .process.args = ["sleep", "1000"] | .process.terminal = false' \
    "$work/bundle/config.json" >"$work/c.json" && mv "$work/c.json" "$work/bundle/config.json"
}

# What a container could leave behind, as sorted lines.
snapshot() {
  {
    grep -e "$prefix" -e "$work/bundle" /proc/self/mountinfo | sed 's/^/mount /'
    find /sys/fs/cgroup -maxdepth 4 -type d -name "$prefix*" 2>/dev/null | sed 's/^/cgroup /'
    ps -eo pid=,args= | grep -e "sleep 1000" | grep -v grep | sed 's/^/process /'
    ls "$root" 2>/dev/null | sed 's/^/state /'
    ls /proc/$$/fd | sed 's/^/fd /'
  } | sort
}

# One container's whole life.
lifecycle() {
  local id=$1
  rt create --bundle "$work/bundle" "$id" </dev/null >/dev/null 2>"$work/err-$id" &&
    rt start "$id" 2>>"$work/err-$id" &&
    rt exec "$id" true 2>>"$work/err-$id" &&
    rt kill "$id" KILL 2>>"$work/err-$id" &&
    { for _ in $(seq 100); do
      [ "$(rt state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
      sleep 0.02
    done; } &&
    rt delete "$id" 2>>"$work/err-$id" && rm -f "$work/err-$id"
}
export -f lifecycle rt
export runtime root work

# Peak RSS (KiB) of `state` on a running container, the runtime's per-call memory.
state_rss() {
  local id="${prefix}rss$1" rss
  rt create --bundle "$work/bundle" "$id" </dev/null >/dev/null 2>&1 || return
  rss=$(/usr/bin/time -f %M "$runtime" --root "$root" state "$id" 2>&1 >/dev/null | tail -n 1)
  rt delete --force "$id" >/dev/null 2>&1
  echo "$rss"
}

stress() {
  local before after start end errors first last
  before=$(snapshot)
  first=$(state_rss a)
  start=$(date +%s.%N)
  seq 1 "$count" | sed "s/^/$prefix/" | xargs -P "$parallel" -I{} bash -c 'lifecycle {}'
  end=$(date +%s.%N)
  last=$(state_rss b)
  errors=$(cat "$work"/err-* 2>/dev/null | head -n 20)
  result "$count containers created, started, exec'd, killed, deleted" \
    "$([ -z "$(ls "$work" | grep '^err-')" ] && echo 0 || echo 1)" "$errors"
  awk -v n="$count" -v s="$start" -v e="$end" \
    'BEGIN { printf "    %.1f s, %.1f containers/s\n", e - s, n / (e - s) }'
  after=$(snapshot)
  result "nothing left after the stress run" "$([ "$before" = "$after" ] && echo 0 || echo 1)" \
    "$(diff <(echo "$before") <(echo "$after"))"
  result "memory per call does not grow (state: ${first} KiB then ${last} KiB)" \
    "$([ -n "$first" ] && [ -n "$last" ] && [ "$last" -le $((first * 110 / 100)) ] && echo 0 || echo 1)"
}

# failure NAME JQ_FILTER: create with the edited config must fail and leave nothing.
failure() {
  local name=$1 filter=$2 id="${prefix}fail$RANDOM" before after out
  mkdir -p "$work/bad"
  cp -a "$work/bundle/rootfs" "$work/bad/" 2>/dev/null
  jq "$filter" "$work/bundle/config.json" >"$work/bad/config.json"
  before=$(snapshot)
  if out=$(rt create --bundle "$work/bad" "$id" </dev/null 2>&1 >/dev/null &&
    rt start "$id" 2>&1); then
    result "create fails: $name" 1 "create and start succeeded: $out"
    rt delete --force "$id" >/dev/null 2>&1
  else
    rt delete --force "$id" >/dev/null 2>&1
    sleep 0.1
    after=$(snapshot)
    result "create fails and leaves nothing: $name" \
      "$([ "$before" = "$after" ] && echo 0 || echo 1)" "$(diff <(echo "$before") <(echo "$after"))"
  fi
  rm -rf "$work/bad"
}

[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 2; }
make_bundle
stress
failure "bad seccomp rule" '.linux.seccomp = {"defaultAction": "SCMP_ACT_FOO"}'
failure "bad cgroup path" '.linux.cgroupsPath = "/../../escape"'
failure "failing createRuntime hook" '.hooks.createRuntime = [{"path": "/bin/false"}]'
failure "failing prestart hook" '.hooks.prestart = [{"path": "/bin/false"}]'
failure "missing binary" '.process.args = ["/nonexistent"]'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
