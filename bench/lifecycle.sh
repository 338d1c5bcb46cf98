#!/bin/bash
# Times the container lifecycle of rune against Debian's crun and runc on the same busybox
# bundle, interleaving the runtimes so machine noise hits all of them alike.
#   bench/lifecycle.sh [RUNE]       (env: BENCH_ITERATIONS, default 50)
# Prints the mean and median milliseconds of `run` and of `create`+`start`+`delete` per
# runtime, the ratios rune/crun and rune/runc, each runtime's peak RSS, and the system calls
# and forks of one run (strace -f -c).
set -euo pipefail
rune=$(realpath "${1:-build/src/rune/rune}")
iterations=${BENCH_ITERATIONS:-50}
work=$(mktemp -d /tmp/rune-bench.XXXXXX)
declare -A runtimes=([rune]=$rune [crun]=/usr/bin/crun [runc]=/usr/sbin/runc)
order=(rune crun runc)

cleanup() {
  for name in "${order[@]}"; do
    for id in $("${runtimes[$name]}" --root "$work/root-$name" list -q 2>/dev/null); do
      "${runtimes[$name]}" --root "$work/root-$name" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Debian's crun 1.8.1 refuses a hybrid cgroup layout without a v1 hugetlb hierarchy.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/hugetlb
  mountpoint -q /sys/fs/cgroup/hugetlb || mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
for applet in sh true; do ln -s busybox "$work/bundle/rootfs/bin/$applet"; done
(cd "$work/bundle" && "$rune" spec)
# ociVersion 1.0.2: the newest that crun 1.8.1 accepts.
jq '.ociVersion = "1.0.2" | .process.args = ["/bin/true"]' "$work/bundle/config.json" \
  >"$work/config.json" && mv "$work/config.json" "$work/bundle/config.json"

now_ns() { date +%s%N; }

declare -A run_ms lifecycle_ms
for name in "${order[@]}"; do
  [ -x "${runtimes[$name]}" ] || { echo "skipping $name: ${runtimes[$name]} not found"; unset "runtimes[$name]"; }
done
order=()
for name in rune crun runc; do [ -n "${runtimes[$name]:-}" ] && order+=("$name"); done

for ((i = 0; i < iterations; i++)); do
  for name in "${order[@]}"; do
    rt=${runtimes[$name]}
    root="$work/root-$name"
    t0=$(now_ns)
    "$rt" --root "$root" run --bundle "$work/bundle" "r$i" >/dev/null || echo "$name run failed"
    t1=$(now_ns)
    "$rt" --root "$root" create --bundle "$work/bundle" "c$i" >/dev/null &&
      "$rt" --root "$root" start "c$i" &&
      { while [ "$("$rt" --root "$root" state "c$i" | jq -r .status)" != stopped ]; do :; done; } &&
      "$rt" --root "$root" delete "c$i" || echo "$name create/start/delete failed"
    t2=$(now_ns)
    run_ms[$name]+="$(((t1 - t0) / 1000)) "
    lifecycle_ms[$name]+="$(((t2 - t1) / 1000)) "
  done
done

stats() { # microsecond samples -> "mean median" in ms
  tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1; s += $1 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
          printf "%.2f %.2f", s / NR / 1000, m / 1000 }'
}

echo
echo "$iterations iterations; milliseconds (mean / median)"
printf '%-6s %20s %28s\n' runtime "run" "create+start+delete"
declare -A run_mean life_mean
for name in "${order[@]}"; do
  read -r rm rmed <<<"$(echo "${run_ms[$name]}" | stats)"
  read -r lm lmed <<<"$(echo "${lifecycle_ms[$name]}" | stats)"
  run_mean[$name]=$rm
  life_mean[$name]=$lm
  printf '%-6s %9s / %-9s %14s / %-9s\n' "$name" "$rm" "$rmed" "$lm" "$lmed"
done
echo
for peer in crun runc; do
  [ -n "${run_mean[$peer]:-}" ] || continue
  awk -v a="${run_mean[rune]}" -v b="${run_mean[$peer]}" -v c="${life_mean[rune]}" \
    -v d="${life_mean[$peer]}" -v p="$peer" \
    'BEGIN { printf "rune/%s: run %.2f, create+start+delete %.2f\n", p, a / b, c / d }'
done

# Peak RSS of one attached run (the runtime's own process; the container is /bin/true).
echo
for name in "${order[@]}"; do
  rss=$(/usr/bin/time -f %M "${runtimes[$name]}" --root "$work/root-$name" run \
    --bundle "$work/bundle" "rss-$name" 2>&1 >/dev/null | tail -n 1)
  printf 'peak RSS of %-4s run: %6s KiB\n' "$name" "$rss"
done

# System calls and processes of one run, children included (strace -f -c). The counts say
# where the time goes: forks are the expensive part of starting a container.
if command -v strace >/dev/null; then
  echo
  printf '%-6s %10s %8s\n' runtime syscalls forks
  for name in "${order[@]}"; do
    strace -f -c -o "$work/strace-$name" "${runtimes[$name]}" --root "$work/root-$name" run \
      --bundle "$work/bundle" "strace-$name" >/dev/null 2>&1 || true
    awk -v n="$name" '$NF == "total" { calls = $4 }
      $NF ~ /^(clone|clone3|fork|vfork)$/ { forks += $4 }
      END { printf "%-6s %10s %8d\n", n, calls, forks }' "$work/strace-$name"
  done
fi
