#!/bin/bash
# librats_tls's tests under ASan + UBSan (LeakSanitizer included): builds the library, its
# instances, programs and unit tests in BUILDDIR (default build-asan) with
# -Db_sanitize=address,undefined --werror, then runs its unit tests and
# tests/integration/rats-tls.bats against those binaries. Last line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${TMPDIR:-/tmp}/rats-tls-asan}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
[ -d "$dir" ] || meson setup "$dir" "$top" -Db_sanitize=address,undefined -Db_lundef=false --werror >/dev/null
targets=$(cd "$dir" && ninja -t targets all | grep -oE 'lib/rats-tls/instances/[a-z-]+/lib[a-z_]+\.so' | sort -u)
# shellcheck disable=SC2086 # one word per target
ninja -C "$dir" tests/test-rats-tls tests/test-rats-tls-dice src/rats-tls/rats-tls-server \
  src/rats-tls/rats-tls-client src/rats-tls/rats-tls-verify src/sgx-tools/sgx-tools $targets >/dev/null || {
  echo "0 passed, 1 failed"
  exit 1
}
passed=0
failed=0
if (cd "$dir" && meson test --no-rebuild --print-errorlogs rats-tls rats-tls-dice); then
  passed=$((passed + 2))
else
  failed=$((failed + 1))
fi
out=$(RATS_TLS_BIN="$dir/src/rats-tls" RATS_TLS_PLUGIN_DIR="$dir/lib/rats-tls/instances" \
  bats --tap "$top/tests/integration/rats-tls.bats")
echo "$out"
passed=$((passed + $(grep -c '^ok ' <<<"$out")))
failed=$((failed + $(grep -c '^not ok ' <<<"$out")))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
