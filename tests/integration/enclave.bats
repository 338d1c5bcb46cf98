#!/usr/bin/env bats
# Enclave containers: the skeleton enclave runtime (PAL API v1, v2, v3) on the software TEE.

load helpers

BUILD_DIR="$(cd "$(dirname "$RUNE")/../.." && pwd)"
SKELETON="$BUILD_DIR/runtimes/skeleton"
SGX_TOOLS="$BUILD_DIR/src/sgx-tools/sgx-tools"

setup_file() {
	# One sim platform, signing key and enclave image for the file.
	export INCLAVARE_SIM_DIR="$BATS_FILE_TMPDIR/sim"
	openssl genrsa -3 -out "$BATS_FILE_TMPDIR/key.pem" 3072 2>/dev/null
	"$SKELETON/skeleton-image" -o "$BATS_FILE_TMPDIR/encl.sgxs"
	"$SGX_TOOLS" sign --key "$BATS_FILE_TMPDIR/key.pem" --sgxs "$BATS_FILE_TMPDIR/encl.sgxs" \
		-o "$BATS_FILE_TMPDIR/encl.ss" >/dev/null
}

setup() {
	rune_setup
	cp "$BATS_FILE_TMPDIR/encl.sgxs" "$BATS_FILE_TMPDIR/encl.ss" "$ROOTFS/"
	enclave_bundle 3
}

teardown() {
	rune_teardown
}

# enclave_bundle VERSION [ARGS]: the bundle runs in a skeleton vVERSION enclave.
enclave_bundle() {
	update_config --arg path "$SKELETON/liberpal-skeleton-v$1.so" --arg args "${2:-}" \
		'.annotations = { "enclave.type": "sim", "enclave.runtime.path": $path,
		  "enclave.runtime.args": $args, "enclave.runtime.loglevel": "info" }'
}

@test "enclave: v1, v2 and v3 skeletons run the payload in the enclave with its exit code" {
	local v id
	for v in 1 2 3; do
		enclave_bundle "$v"
		set_cmd 'echo "payload of v'"$v"'"; exit 3'
		id="$(new_id)"
		run rune run --bundle "$BUNDLE" "$id"
		[ "$status" -eq 3 ] || fail "v$v: status $status: $output"
		assert_output_contains "payload of v$v"
		assert_nothing_left "$id"
	done
}

@test "enclave: exit codes 0 and 1 of the payload are rune run's" {
	local id
	set_cmd 'exit 0'
	id="$(new_id)"
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	set_cmd 'exit 1'
	id="$(new_id)"
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ] || fail "$output"
}

@test "enclave: the ENCLAVE_* variables configure the enclave and leave the container's env" {
	local id
	update_config '.annotations = {} | .process.env += ["ENCLAVE_TYPE=sim",
		"ENCLAVE_RUNTIME_PATH='"$SKELETON"'/liberpal-skeleton-v2.so", "ENCLAVE_RUNTIME_ARGS=debug",
		"ENCLAVE_RUNTIME_LOGLEVEL=debug", "KEEP=1"]'
	set_cmd 'env'
	id="$(new_id)"
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output_contains "KEEP=1"
	assert_output_contains "liberpal-skeleton-v2: pal_init: enclave created"
	[[ "$output" != *ENCLAVE_* ]] || fail "ENCLAVE_ variables reached the payload: $output"
}

@test "enclave: the image's openssl.cnf does not configure the runtime's OpenSSL" {
	# Only OpenSSL's base provider: no SHA-256. Read by the skeleton inside the container,
	# it would fail EINIT's measurement; written by an attacker, it could replace it.
	local id cnf="$ROOTFS/usr/lib/ssl/openssl.cnf"
	mkdir -p "$(dirname "$cnf")"
	printf '%s\n' 'openssl_conf = init' '[init]' 'providers = providers' '[providers]' \
		'base = base' '[base]' 'activate = 1' >"$cnf"
	run bash -c "echo x | OPENSSL_CONF='$cnf' openssl dgst -sha256"
	[ "$status" -ne 0 ] || fail "the test's configuration does not break OpenSSL: $output"
	set_cmd 'exit 0'
	id="$(new_id)"
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	assert_nothing_left "$id"
}

@test "enclave: create returns after pal_init; start runs the payload; state and delete" {
	local id
	set_cmd 'echo started > /tmp/started; sleep 1000'
	id="$(new_id)"
	create_container "$id"
	[ "$(container_status "$id")" = created ]
	[ ! -e "$ROOTFS/tmp/started" ]
	# The init-runelet hosts the enclave and never execs.
	[ "$(cat /proc/"$(container_pid "$id")"/comm)" = init-runelet ]
	rune start "$id"
	wait_for_file "$ROOTFS/tmp/started"
	[ "$(container_status "$id")" = running ]
	rune kill "$id" KILL
	wait_for_status "$id" stopped
	rune delete "$id"
	assert_nothing_left "$id"
}

@test "enclave: exec runs a process in the enclave with argv and env as arrays and its exit code" {
	local id
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	run rune exec --env "GREETING=a b  c" "$id" sh -c 'echo "[$1] [$GREETING]"; exit 7' arg0 "two  words"
	[ "$status" -eq 7 ] || fail "$output"
	[ "$output" = "[two  words] [a b  c]" ]
	run rune exec "$id" no-such-program
	[ "$status" -eq 1 ]
	assert_error_mentions "no-such-program" "not found"
	run rune exec --tty "$id" true
	[ "$status" -eq 1 ]
	assert_error_mentions "--tty" "enclave"
}

@test "enclave: exec before start is refused with a clear message" {
	local id
	set_cmd 'sleep 1000'
	id="$(new_id)"
	create_container "$id"
	run rune exec "$id" true
	[ "$status" -eq 1 ]
	assert_error_mentions "created"
}

@test "enclave: v1 has no second process: exec is refused" {
	local id
	enclave_bundle 1
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	run rune exec "$id" true
	[ "$status" -eq 1 ]
	assert_error_mentions "v1" "v2 or v3"
}

@test "enclave: signals to the container are relayed to the payload with pal_kill" {
	local id
	set_cmd 'trap "echo got-USR1 >> /tmp/sig" USR1; trap "echo got-TERM >> /tmp/sig; exit 42" TERM; echo ready > /tmp/ready; while true; do sleep 0.1; done'
	id="$(new_id)"
	start_running "$id"
	wait_for_file "$ROOTFS/tmp/ready"
	rune kill "$id" USR1
	for _ in $(seq 50); do grep -q got-USR1 "$ROOTFS/tmp/sig" 2>/dev/null && break; sleep 0.1; done
	grep -q got-USR1 "$ROOTFS/tmp/sig"
	rune kill "$id" TERM
	wait_for_status "$id" stopped
	grep -q got-TERM "$ROOTFS/tmp/sig"
}

@test "enclave: rune run exits 137 when the container is killed, 143 after a relayed TERM" {
	local id sig want job rc
	set_cmd 'sleep 1000'
	for sig in KILL TERM; do
		want=137
		[ "$sig" = TERM ] && want=143
		id="$(new_id)"
		rune run --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/run.out" 2>&1 &
		job=$!
		wait_for_status "$id" running
		rune kill "$id" "$sig"
		rc=0
		wait "$job" || rc=$?
		[ "$rc" -eq "$want" ] || fail "$sig: run exited with $rc: $(cat "$TEST_DIR/run.out")"
	done
}

@test "enclave: signals to rune exec reach the exec'd process in the enclave" {
	local id job rc=0
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	rune exec "$id" sh -c 'echo $$ > /tmp/exec-ready; sleep 1000' </dev/null >"$TEST_DIR/exec.out" 2>&1 &
	job=$!
	wait_for_file "$ROOTFS/tmp/exec-ready"
	pkill -TERM -f -- "exec $id sh" || true
	wait "$job" || rc=$?
	[ "$rc" -eq 143 ] || fail "exec exited with $rc: $(cat "$TEST_DIR/exec.out")"
}

@test "enclave: attest gives a local report of the enclave's identity" {
	local id mrenclave
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	mrenclave="$("$SGX_TOOLS" measure "$BATS_FILE_TMPDIR/encl.sgxs" | sed -n 1p)"
	run rune attest --format json --reportFile "$TEST_DIR/report.bin" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(jq -r .mrenclave <<<"$output")" = "$mrenclave" ]
	[ "$(stat -c %s "$TEST_DIR/report.bin")" -eq 432 ]
	"$SGX_TOOLS" dump --type report "$TEST_DIR/report.bin" | grep -q "$mrenclave"
}

@test "enclave: attest --isRA verifies a sim quote and prints the verified measurement" {
	local id mrenclave
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	mrenclave="$("$SGX_TOOLS" measure "$BATS_FILE_TMPDIR/encl.sgxs" | sed -n 1p)"
	run rune attest --isRA --format json --quote-file "$TEST_DIR/quote.bin" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(jq -r .quote <<<"$output")" = verified ]
	[ "$(jq -r .simulated <<<"$output")" = true ]
	[ "$(jq -r .mrenclave <<<"$output")" = "$mrenclave" ]
	# The quote verifies only with the sim root trusted.
	run "$SGX_TOOLS" verify-quote --quote "$TEST_DIR/quote.bin" --collateral "$INCLAVARE_SIM_DIR/collateral"
	[ "$status" -ne 0 ]
	run "$SGX_TOOLS" verify-quote --quote "$TEST_DIR/quote.bin" --collateral "$INCLAVARE_SIM_DIR/collateral" \
		--trust-sim-root "$INCLAVARE_SIM_DIR/root-ca.pem"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "enclave: attest refuses v2 (no pal_get_local_report), a plain container and EPID" {
	local id plain
	enclave_bundle 2
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	run rune attest "$id"
	[ "$status" -eq 1 ]
	assert_error_mentions "pal_get_local_report"
	run rune attest --isRA --quote-type epidUnlinkable "$id"
	[ "$status" -eq 1 ]
	assert_error_mentions "epidUnlinkable" "ecdsa"
	update_config '.annotations = {}'
	plain="$(new_id)"
	start_running "$plain"
	run rune attest "$plain"
	[ "$status" -eq 1 ]
	assert_error_mentions "no enclave"
}

# create_fails TEXT...: rune create fails naming each TEXT, and leaves nothing behind.
create_fails() {
	local id
	id="$(new_id)"
	run_detached ! rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "$@"
	assert_nothing_left "$id"
}

@test "enclave: rune-enclave.so keeps OpenSSL out of rune; rune-attest.so creates the platform" {
	# The module for enclave containers does not need OpenSSL; the attestation module does.
	run readelf -d "$BUILD_DIR/src/rune/rune-enclave.so"
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *libprotobuf-c* && "$output" != *libcrypto* ]] || fail "rune-enclave.so: $output"
	run readelf -d "$BUILD_DIR/src/rune/rune-attest.so"
	[[ "$output" == *libcrypto* ]] || fail "rune-attest.so: $output"
	# The skeleton embeds OpenSSL, hidden: it exports the PAL API and nothing else.
	run readelf -d "$SKELETON/liberpal-skeleton-v3.so"
	[[ "$output" != *libcrypto* ]] || fail "the skeleton links the shared libcrypto: $output"
	run bash -c "nm -D --defined-only '$SKELETON/liberpal-skeleton-v3.so' | awk '{ print \$3 }'"
	[ "$(echo "$output" | grep -vc '^pal_')" = 0 ] || fail "the skeleton exports: $output"
	# With a ready platform, rune only stats it: OpenSSL is not in rune's process (the
	# init-runelet has it, in the skeleton).
	local id rune_pid
	"$SGX_TOOLS" sim init >/dev/null
	id="$(new_id)"
	set_cmd 'sleep 30'
	"$RUNE" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- &
	rune_pid=$!
	wait_for_status "$id" running
	run grep -c libcrypto "/proc/$rune_pid/maps"
	[ "$output" = 0 ] || fail "rune run maps OpenSSL: $(grep libcrypto "/proc/$rune_pid/maps")"
	grep -q liberpal-skeleton "/proc/$(rune state "$id" | jq .pid)/maps" ||
		fail "the init has not loaded the skeleton?"
	rune kill "$id" KILL
	wait "$rune_pid" || true
	# Stale collateral (older than 29 days) is renewed by rune, through rune-attest.so.
	touch -d '30 days ago' "$INCLAVARE_SIM_DIR/collateral/tcb_info.json"
	set_cmd 'exit 0'
	run rune run --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(find "$INCLAVARE_SIM_DIR/collateral/tcb_info.json" -mmin -5)" ] || fail "collateral not renewed"
}

@test "enclave error: without its modules rune says which one it could not load" {
	RUNE_MODULE_DIR=/nonexistent create_fails "enclave support" "/nonexistent/rune-enclave.so"
	set_cmd 'exit 0'
	RUNE_MODULE_DIR=/nonexistent run rune attest whatever
	[ "$status" -ne 0 ] || fail "$output"
	[[ "$output" == *"/nonexistent/rune-attest.so"* ]] || fail "$output"
}

@test "enclave error: the runtime path does not exist" {
	update_config '.annotations["enclave.runtime.path"] = "/nonexistent/libpal.so"'
	create_fails "enclave.runtime.path" "/nonexistent/libpal.so" "No such file"
}

@test "enclave error: the runtime lacks a required symbol" {
	update_config --arg p "$BUILD_DIR/tests/libpal-fixture-no-kill.so" '.annotations["enclave.runtime.path"] = $p'
	create_fails "pal_kill" "v2" "does not export"
	# The init loads the runtime while rune runs the prestart hooks: when it has failed and
	# exited before they end, rune still reports its error.
	update_config '.hooks.prestart = [{ "path": "/bin/sleep", "args": ["sleep", "0.3"] }]'
	create_fails "pal_kill" "v2" "does not export"
}

@test "enclave error: the runtime's PAL API version is too new" {
	update_config --arg p "$BUILD_DIR/tests/libpal-fixture-future.so" '.annotations["enclave.runtime.path"] = $p'
	create_fails "unsupported PAL API version 4"
}

@test "enclave error: pal_init fails (image missing, bad argument)" {
	enclave_bundle 3 "image=/missing.sgxs"
	create_fails "pal_init() failed with -2" "/missing.sgxs"
	enclave_bundle 2 "frobnicate"
	create_fails "pal_init() failed with -22" "frobnicate"
}

@test "enclave error: an image tampered with after signing fails EINIT" {
	printf 'X' | dd of="$ROOTFS/encl.sgxs" bs=1 seek=3000 conv=notrunc 2>/dev/null
	create_fails "pal_init() failed" "ENCLAVEHASH"
}

@test "enclave: an ELF enclave image runs, measured with the default layout; tampered, it fails EINIT" {
	local id mrenclave elf="$BUILD_DIR/tests/test-enclave.so"
	[ -f "$elf" ] || fail "$elf is not built"
	cp "$elf" "$ROOTFS/encl.so"
	"$SGX_TOOLS" sign --key "$BATS_FILE_TMPDIR/key.pem" --elf "$ROOTFS/encl.so" -o "$ROOTFS/encl-elf.ss" >/dev/null
	mrenclave="$("$SGX_TOOLS" measure --elf "$ROOTFS/encl.so" | sed -n 1p)"
	[ "$mrenclave" != "$("$SGX_TOOLS" measure "$BATS_FILE_TMPDIR/encl.sgxs" | sed -n 1p)" ]
	enclave_bundle 3 "image=encl.so,sigstruct=encl-elf.ss"
	set_cmd 'sleep 1000'
	id="$(new_id)"
	start_running "$id"
	run rune attest --format json "$id"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(jq -r .mrenclave <<<"$output")" = "$mrenclave" ]
	# The SGXS image's SIGSTRUCT does not sign the ELF image.
	enclave_bundle 3 "image=encl.so,sigstruct=encl.ss"
	create_fails "pal_init() failed" "ENCLAVEHASH"
	# A byte of the ELF image's code changed after signing.
	enclave_bundle 3 "image=encl.so,sigstruct=encl-elf.ss"
	printf '\xcc' | dd of="$ROOTFS/encl.so" bs=1 seek="$(elf_text_offset "$ROOTFS/encl.so")" conv=notrunc 2>/dev/null
	create_fails "pal_init() failed" "ENCLAVEHASH"
	# A broken ELF file is refused naming the image.
	head -c 100 "$elf" >"$ROOTFS/encl.so"
	create_fails "pal_init() failed" "encl.so"
}

# elf_text_offset FILE: the file offset of FILE's .text section.
elf_text_offset() {
	printf '%d' "0x$(readelf -SW "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 3) }')"
}

@test "enclave error: the configuration is checked, naming the annotation or variable" {
	update_config '.annotations["enclave.type"] = "fancyTee"'
	create_fails "annotation \`enclave.type\`" "fancyTee"
	update_config '.annotations["enclave.type"] = "intelSgx"'
	create_fails "intelSgx" "enclave.platform"
	update_config '.annotations["enclave.type"] = "sim" | .process.env += ["ENCLAVE_RUNTIME_LOGLEVEL=loud"]'
	create_fails "ENCLAVE_RUNTIME_LOGLEVEL" "loud"
}

@test "enclave: intelSgx runs on the software TEE when enclave.platform is sim" {
	local id
	update_config '.annotations["enclave.type"] = "intelSgx" | .annotations["enclave.platform"] = "sim"'
	set_cmd 'echo on-sim'
	id="$(new_id)"
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output_contains "on-sim"
	assert_output_contains "software TEE"
}

@test "enclave: rune spec --enclave writes an enclave template" {
	run rune spec --enclave --bundle "$TEST_DIR"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(jq -r '.annotations["enclave.type"]' "$TEST_DIR/config.json")" = sim ]
	[[ "$(jq -r '.annotations["enclave.runtime.path"]' "$TEST_DIR/config.json")" == */liberpal-skeleton-v3.so ]]
	[ "$(jq -r .process.cwd "$TEST_DIR/config.json")" = /run/rune ]
}
