#!/bin/bash
# The libraries' tests under ASan + UBSan (LeakSanitizer included): builds the whole tree in
# DIR (default $TMPDIR/rune-asan) with -Db_sanitize=address,undefined --werror, then runs every
# unit test suite, and the bats tests of the programs built on the SGX/TEE core and librats_tls
# (sgx-tools, rats-tls) against those binaries. Last line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${TMPDIR:-/tmp}/rune-asan}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
[ -d "$dir" ] || meson setup "$dir" "$top" -Db_sanitize=address,undefined -Db_lundef=false --werror >/dev/null
ninja -C "$dir" >/dev/null || {
  echo "the sanitizer build failed"
  echo "0 passed, 1 failed"
  exit 1
}
(cd "$dir" && meson test --no-rebuild --print-errorlogs --suite unit)
log="$dir/meson-logs/testlog.json"
passed=$(grep -c '"result": "OK"' "$log")
failed=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR)"' "$log")
out=$(RATS_TLS_BIN="$dir/src/rats-tls" RATS_TLS_PLUGIN_DIR="$dir/lib/rats-tls/instances" \
  SGX_TOOLS="$dir/src/sgx-tools/sgx-tools" RUNE="$dir/src/rune/rune" \
  bats --tap "$top/tests/integration/rats-tls.bats" "$top/tests/integration/sgx-tools.bats")
echo "$out"
passed=$((passed + $(grep -c '^ok ' <<<"$out")))
failed=$((failed + $(grep -c '^not ok ' <<<"$out")))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
