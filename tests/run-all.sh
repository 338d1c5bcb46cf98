#!/bin/bash
# Runs the test suites and sums their results. Usage: tests/run-all.sh BUILDDIR [SUITE...]
# Suites: unit sanitize fuzz integration conformance clients stress (default: all). Last line:
# "N passed, N failed".
set -u
builddir=${1:?usage: tests/run-all.sh BUILDDIR [SUITE...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "$builddir" && pwd)
suites=${*:-unit sanitize fuzz integration conformance clients stress}
export RUNE="$builddir/src/rune/rune"
total_pass=0
total_fail=0
summary=()

record() { # suite passed failed
  total_pass=$((total_pass + $2))
  total_fail=$((total_fail + $3))
  summary+=("$(printf '%-12s %4d passed, %4d failed' "$1" "$2" "$3")")
}

# Every suite script ends with "N passed, N failed"; a suite that printed none failed as a whole.
run_counted() { # name command...
  local name=$1 log last
  shift
  log=$(mktemp)
  echo "== $name"
  "$@" 2>&1 | tee "$log"
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  rm -f "$log"
  if [ -n "$last" ]; then
    record "$name" "$(echo "$last" | cut -d' ' -f1)" "$(echo "$last" | cut -d' ' -f3)"
  else
    echo "$name: the suite did not report results"
    record "$name" 0 1
  fi
}

unit() {
  meson test -C "$builddir" --print-errorlogs --no-rebuild
  local rc=$? log="$builddir/meson-logs/testlog.json" pass fail
  pass=$(grep -c '"result": "OK"' "$log" 2>/dev/null)
  fail=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" 2>/dev/null)
  [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
  echo "$pass passed, $fail failed"
}

integration() {
  local log rc
  log=$(mktemp)
  bats --tap "$top/tests/integration" | tee "$log"
  rc=${PIPESTATUS[0]}
  local pass fail
  pass=$(grep -c '^ok ' "$log")
  fail=$(grep -c '^not ok ' "$log")
  [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
  rm -f "$log"
  echo "$pass passed, $fail failed"
}

for suite in $suites; do
  case $suite in
  unit) run_counted unit unit ;;
  sanitize) run_counted sanitize "$top/tests/sanitize.sh" "$builddir-asan" ;;
  fuzz) run_counted fuzz "$top/tests/fuzz/run.sh" "${FUZZ_SECONDS:-30}" ;;
  integration) run_counted integration integration ;;
  conformance) run_counted conformance "$top/tests/conformance/run.sh" ;;
  clients) run_counted clients "$top/tests/clients/run.sh" --rune "$RUNE" ;;
  stress) run_counted stress "$top/tests/stress/run.sh" --runtime "$RUNE" -n "${STRESS_COUNT:-1000}" ;;
  *)
    echo "unknown suite: $suite" >&2
    exit 2
    ;;
  esac
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
