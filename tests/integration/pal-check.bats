#!/usr/bin/env bats
# pal-check, the PAL conformance harness: the skeleton's three builds pass; each defect of
# the broken runtimes in tests/pal/ is detected, and only it.

load helpers

BUILD_DIR="$(cd "$(dirname "$RUNE")/../.." && pwd)"
PAL_CHECK="$BUILD_DIR/src/pal-check/pal-check"
SKELETON="$BUILD_DIR/runtimes/skeleton"
FIXTURES="$BUILD_DIR/tests"

setup_file() {
	# The skeleton's platform, image and SIGSTRUCT, in the directory pal-check runs in.
	export INCLAVARE_SIM_DIR="$BATS_FILE_TMPDIR/sim"
	cd "$BATS_FILE_TMPDIR"
	openssl genrsa -3 -out key.pem 3072 2>/dev/null
	"$SKELETON/skeleton-image" -o encl.sgxs
	"$BUILD_DIR/src/sgx-tools/sgx-tools" sign --key key.pem --sgxs encl.sgxs -o encl.ss >/dev/null
	"$BUILD_DIR/src/sgx-tools/sgx-tools" sim init >/dev/null
}

setup() {
	cd "$BATS_FILE_TMPDIR"
}

# pal_check ARGS...: pal-check with its stdout in $output (the runtime's stderr to a file).
pal_check() {
	run --separate-stderr timeout 120 "$PAL_CHECK" "$@"
}

# The names of the failed checks, sorted, one per line.
failed_checks() {
	awk '/^FAIL / { name = $2; sub(/:$/, "", name); print name }' <<<"$output" | sort
}

# expect_failures RUNTIME NAME...: pal-check fails on RUNTIME with exactly these checks.
expect_failures() {
	local runtime="$1" want got
	shift
	pal_check --timeout 5 "$runtime"
	[ "$status" -eq 1 ] || fail "pal-check exited $status on $runtime: $output"
	want="$(printf '%s\n' "$@" | sort)"
	got="$(failed_checks)"
	[ "$got" = "$want" ] || fail "$(basename "$runtime"): expected the failures
$want
got
$got
output: $output"
	[[ "${lines[-1]}" =~ ^[0-9]+\ passed,\ $#\ failed$ ]] || fail "last line: ${lines[-1]}"
}

@test "pal-check: --help, --version and usage errors" {
	pal_check --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: pal-check"* ]]
	pal_check --version
	[ "$status" -eq 0 ]
	[[ "$output" == "pal-check "* ]]
	pal_check
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"give the runtime's shared object"* ]]
	pal_check a.so b.so
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"too many arguments"* ]]
	pal_check --timeout 0 a.so
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--timeout"*"0"* ]]
	pal_check --shell /nonexistent/sh a.so
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--shell"*"/nonexistent/sh"* ]]
	pal_check --frobnicate a.so
	[ "$status" -eq 1 ]
}

@test "pal-check: the skeleton's v1, v2 and v3 builds pass every check of their version" {
	local v n
	for v in 1 2 3; do
		pal_check "$SKELETON/liberpal-skeleton-v$v.so"
		[ "$status" -eq 0 ] || fail "v$v: $output"
		case $v in 1) n=18 ;; 2) n=32 ;; 3) n=39 ;; esac
		[ "${lines[-1]}" = "$n passed, 0 failed" ] || fail "v$v: ${lines[-1]}"
		[[ "$output" == *"PAL API v$v"* ]]
		[[ "$output" != *FAIL* ]]
	done
	# The checks of every verb ran on v3.
	for n in create start argv-env exit-values exec-second kill-all-term kill-all-kill \
		kill-all-none kill-pid kill-before-exec report destroy init-bad-args null-create-process \
		bad-report-short-buffer; do
		grep -qx "ok $n" <<<"$output" || fail "no ok $n: $output"
	done
	# v1 has no pal_kill: its checks are said not to apply, not skipped silently.
	pal_check "$SKELETON/liberpal-skeleton-v1.so"
	[[ "$output" == *"# not applicable to this version: "*kill-all-term* ]]
}

@test "pal-check: the runtime's arguments come from --args; a pal_init failure fails the checks that need an enclave" {
	mkdir -p elsewhere
	cd elsewhere
	pal_check --args "image=$BATS_FILE_TMPDIR/encl.sgxs,sigstruct=$BATS_FILE_TMPDIR/encl.ss" \
		"$SKELETON/liberpal-skeleton-v3.so"
	[ "$status" -eq 0 ] || fail "$output"
	# Without them the skeleton finds no image in this directory.
	pal_check "$SKELETON/liberpal-skeleton-v3.so"
	[ "$status" -eq 1 ]
	grep -q '^FAIL start: pal_init("") failed: returned -2 (No such file or directory)' <<<"$output"
	[[ "$stderr" == *encl.sgxs* ]]
	# --bad-args that the runtime accepts: init-bad-args fails.
	cd "$BATS_FILE_TMPDIR"
	pal_check --bad-args debug "$SKELETON/liberpal-skeleton-v2.so"
	[ "$status" -eq 1 ]
	[ "$(failed_checks)" = init-bad-args ]
	grep -q '^FAIL init-bad-args: pal_init("debug") returned 0: expected a negative errno' <<<"$output"
}

@test "pal-check: a conforming runtime other than the skeleton passes" {
	pal_check "$FIXTURES/libpal-buggy-none.so"
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[-1]}" = "39 passed, 0 failed" ]
}

@test "pal-check: a crash is a failed check, not a crashed harness" {
	expect_failures "$FIXTURES/libpal-buggy-crash-on-null.so" null-create-process
	grep -q '^FAIL null-create-process: crashed: killed by signal 11' <<<"$output"
}

@test "pal-check: positive errno values are detected" {
	expect_failures "$FIXTURES/libpal-buggy-positive-errno.so" bad-kill-pid bad-kill-signal
	grep -q 'returned 3 (positive: errors must be negative errno values)' <<<"$output"
}

@test "pal-check: exit values of payloads killed by a signal must be 128 + N" {
	expect_failures "$FIXTURES/libpal-buggy-signal-exit.so" exit-values kill-all-term \
		kill-all-kill kill-pid kill-before-exec
	grep -q '^FAIL exit-values: .*exit value 9, expected 137' <<<"$output"
}

@test "pal-check: pal_kill(-1, sig) must reach every process" {
	expect_failures "$FIXTURES/libpal-buggy-kill-latest.so" kill-all-term kill-all-kill
	grep -q "expected 143 (it had not ended after the signal" <<<"$output"
}

@test "pal-check: pal_destroy must end the running processes" {
	expect_failures "$FIXTURES/libpal-buggy-keep-on-destroy.so" destroy
	grep -q '^FAIL destroy: pal_destroy did not end the running process' <<<"$output"
}

@test "pal-check: pal_get_local_report's lengths are checked, nothing written past the buffer" {
	expect_failures "$FIXTURES/libpal-buggy-report-overflow.so" bad-report-targetinfo-len \
		bad-report-short-buffer
}

@test "pal-check: a call that never returns times out and is killed" {
	expect_failures "$FIXTURES/libpal-buggy-report-hang.so" report
	grep -q '^FAIL report: timed out after 5 s (killed)' <<<"$output"
	# Nothing of the check's process group is left.
	! pgrep -f "libpal-buggy-report-hang.so" >/dev/null
}

@test "pal-check: calls without an enclave (before pal_init, after pal_destroy) must fail" {
	expect_failures "$FIXTURES/libpal-buggy-no-init-check.so" before-init-create-process \
		before-init-report destroy
}

@test "pal-check: a runtime that exit()s in pal_init fails that check" {
	expect_failures "$FIXTURES/libpal-buggy-exit-in-init.so" init-bad-args
	grep -q 'the runtime called exit' <<<"$output"
}

@test "pal-check: argv passed as a space-joined string is detected" {
	expect_failures "$FIXTURES/libpal-buggy-joined-argv.so" start argv-env exit-values \
		exec-second kill-all-term kill-all-kill kill-pid destroy
	grep -q '^FAIL argv-env: .*argv and env must be passed as arrays' <<<"$output"
}

@test "pal-check: a missing symbol or a version too new fails loading, and nothing else runs" {
	expect_failures "$FIXTURES/libpal-fixture-no-kill.so" symbols rune-loader $(
		"$PAL_CHECK" "$FIXTURES/libpal-fixture-no-kill.so" | awk '/not run/ { sub(/:$/, "", $2); print $2 }')
	grep -q '^FAIL symbols: PAL API v2 requires pal_kill, which it does not export' <<<"$output"
	grep -q '^FAIL create: not run: the runtime does not load' <<<"$output"
	# The fixture's functions report any call: none was made.
	[[ "$stderr" != *"must not be called"* ]]
	pal_check "$FIXTURES/libpal-fixture-future.so"
	[ "$status" -eq 1 ]
	grep -q '^FAIL version: pal_get_version() returned 4: newer than PAL API version 3' <<<"$output"
	grep -q '^FAIL rune-loader: .*unsupported PAL API version 4' <<<"$output"
	[[ "$stderr" != *"must not be called"* ]]
	# Not a shared object at all.
	pal_check /etc/passwd
	[ "$status" -eq 1 ]
	grep -q '^FAIL load: dlopen: /etc/passwd' <<<"$output"
}
