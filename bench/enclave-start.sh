#!/bin/bash
# Times `rune run` of an enclave container (the skeleton v3 runtime on the software TEE)
# against `rune run` of the same bundle without its enclave annotations, interleaved so that
# machine noise hits both alike; and of the same enclave container with a minimal runtime
# (pal-check's conforming test PAL: no enclave, no crypto, payloads as plain children).
#   bench/enclave-start.sh [BUILDDIR]       (env: BENCH_ITERATIONS, default 50)
# Prints the median milliseconds of each, pal_init's own time (the skeleton reports it at log
# level debug) and the overheads: the skeleton's without pal_init (target <= 2 ms), and the
# minimal runtime's, which is what rune's enclave plumbing costs by itself (loading the
# runtime, the agent socket, the payload's extra fork, the bigger init's exit).
set -euo pipefail
build=$(realpath "${1:-build}")
rune=$build/src/rune/rune
skeleton=$build/runtimes/skeleton
sgx_tools=$build/src/sgx-tools/sgx-tools
iterations=${BENCH_ITERATIONS:-50}
work=$(mktemp -d /tmp/rune-enclave-bench.XXXXXX)
# rune's state directory on tmpfs, as /run is on the hosts rune serves: on a disk, each state
# file (an enclave container has two more: enclave.json, the agent socket) would time the
# disk's metadata latency (0.1 to 1.5 ms per file on this machine's ext4), not rune.
state_root=$(mktemp -d /dev/shm/rune-enclave-bench.XXXXXX)
export INCLAVARE_SIM_DIR=$work/sim

cleanup() {
  for id in $("$rune" --root "$state_root" list -q 2>/dev/null); do
    "$rune" --root "$state_root" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$work" "$state_root"
}
trap cleanup EXIT INT TERM

# One rootfs, two bundles: plain and enclave (the same config.json plus the annotations).
mkdir -p "$work/rootfs/bin" "$work/rootfs/run/rune" "$work/plain" "$work/enclave"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/true"
openssl genrsa -3 -out "$work/key.pem" 3072 2>/dev/null
"$skeleton/skeleton-image" -o "$work/rootfs/run/rune/encl.sgxs"
"$sgx_tools" sign --key "$work/key.pem" --sgxs "$work/rootfs/run/rune/encl.sgxs" \
  -o "$work/rootfs/run/rune/encl.ss" >/dev/null
"$sgx_tools" sim init >/dev/null
(cd "$work/plain" && "$rune" spec)
jq --arg root "$work/rootfs" '.root = { path: $root, readonly: true } | .process.terminal = false
    | .process.args = ["/bin/true"] | .process.cwd = "/run/rune"' \
  "$work/plain/config.json" >"$work/config.json"
mv "$work/config.json" "$work/plain/config.json"
jq --arg pal "$skeleton/liberpal-skeleton-v3.so" '.annotations = { "enclave.type": "sim",
    "enclave.runtime.path": $pal, "enclave.runtime.loglevel": "debug" }' \
  "$work/plain/config.json" >"$work/enclave/config.json"
mkdir -p "$work/minimal"
jq --arg pal "$build/tests/libpal-buggy-none.so" '.annotations["enclave.runtime.path"] = $pal' \
  "$work/enclave/config.json" >"$work/minimal/config.json"

# Nothing runs between two containers but rune itself (no date, no subshell): on a host with
# cgroup v1 hierarchies, the first cgroup.procs write of a container waits for an RCU grace
# period (several ms, see bench/README.md) unless another migration happened within one, so a
# gap between runs adds a random wait to the run after it.
export LC_ALL=C
run_once() { # BUNDLE ID -> $elapsed_us; the container's stderr in $work/err-ID
  local t0=$EPOCHREALTIME t1
  "$rune" --root "$state_root" run --bundle "$1" "$2" >/dev/null 2>"$work/err-$2" ||
    { echo "rune run of $1 failed: $(cat "$work/err-$2")" >&2; exit 1; }
  t1=$EPOCHREALTIME
  elapsed_us=$((10#${t1/./} - 10#${t0/./}))
}

plain_us="" enclave_us="" minimal_us="" init_us=""
run_once "$work/plain" warm-p
run_once "$work/enclave" warm-e
run_once "$work/minimal" warm-m
for ((i = 0; i < iterations; i++)); do
  run_once "$work/plain" "p$i"
  plain_us+="$elapsed_us "
  run_once "$work/enclave" "e$i"
  enclave_us+="$elapsed_us "
  run_once "$work/minimal" "m$i"
  minimal_us+="$elapsed_us "
done
for ((i = 0; i < iterations; i++)); do
  ms=$(sed -n 's/.*pal_init: enclave created and initialized in \([0-9.]*\) ms.*/\1/p' "$work/err-e$i")
  [ -n "$ms" ] || { echo "no pal_init time in the skeleton's output: $(cat "$work/err-e$i")" >&2; exit 1; }
  init_us+="$(awk -v ms="$ms" 'BEGIN { printf "%d", ms * 1000 }') "
done

median() { # microsecond samples -> median in ms
  tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}

plain=$(echo "$plain_us" | median)
enclave=$(echo "$enclave_us" | median)
minimal=$(echo "$minimal_us" | median)
init=$(echo "$init_us" | median)
echo
echo "$iterations iterations of rune run (busybox /bin/true), medians in milliseconds"
printf '%-40s %8s\n' "plain container" "$plain" "enclave container, skeleton v3" "$enclave" \
  "  of which pal_init" "$init" "enclave container, minimal runtime" "$minimal"
awk -v p="$plain" -v e="$enclave" -v i="$init" -v m="$minimal" 'BEGIN {
  printf "%-40s %8.2f   (target: <= 2)\n", "skeleton overhead without pal_init", e - p - i
  printf "%-40s %8.2f\n", "  of which rune (minimal runtime)", m - p
  printf "%-40s %8.2f\n", "  of which the skeleton (load, forks)", e - m - i
  printf "%-40s %8.2f\n", "ratio enclave / plain", e / p }'
