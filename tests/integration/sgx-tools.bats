#!/usr/bin/env bats
# sgx-tools: measurement and SIGSTRUCTs through the installed program, against the recorded
# vectors (a real enclave's SGXS stream and SIGSTRUCT).

load helpers

SGX_TOOLS="${SGX_TOOLS:-$(dirname "$RUNE")/../sgx-tools/sgx-tools}"
VECTORS="${VECTORS_DIR:-$REPO_ROOT/../shared/vectors}"
[ -d "$VECTORS" ] || VECTORS=/work/shared/vectors
SGXS="$VECTORS/sgx-sigstruct/test_enclave.sgxs"
SIG="$VECTORS/sgx-sigstruct/test_enclave.sig"
MRENCLAVE=784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc
MRSIGNER=fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542

sgx() { "$SGX_TOOLS" "$@"; }

# A signing key of our own (RSA-3072, e=3), made once per test file.
key() {
	[ -f "$BATS_FILE_TMPDIR/key.pem" ] ||
		openssl genrsa -3 -out "$BATS_FILE_TMPDIR/key.pem" 3072 2>/dev/null
	echo "$BATS_FILE_TMPDIR/key.pem"
}

@test "measure prints the recorded MRENCLAVE of the vector enclave" {
	run sgx measure "$SGXS"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$MRENCLAVE" ]
}

@test "measure refuses a truncated or foreign stream, naming the record" {
	head -c 1000 "$SGXS" >"$TEST_DIR/short.sgxs"
	run sgx measure "$TEST_DIR/short.sgxs"
	[ "$status" -eq 1 ]
	assert_output_contains "record"
	run sgx measure /etc/passwd
	[ "$status" -eq 1 ]
	assert_output_contains "ECREATE"
}

@test "dump shows the vector SIGSTRUCT's fields, MRSIGNER and a valid signature" {
	run sgx dump --type sigstruct --format json "$SIG"
	[ "$status" -eq 0 ]
	[ "$(jq -r .enclavehash <<<"$output")" = "$MRENCLAVE" ]
	[ "$(jq -r .mrsigner <<<"$output")" = "$MRSIGNER" ]
	[ "$(jq -r '.date, .isvprodid, .exponent, .signature_valid' <<<"$output" | tr '\n' ' ')" = "20161214 65535 3 true " ]
}

@test "dump flags a SIGSTRUCT whose body was changed" {
	cp "$SIG" "$TEST_DIR/bad.sig"
	printf '\x01' | dd of="$TEST_DIR/bad.sig" bs=1 seek=1026 conv=notrunc 2>/dev/null
	run sgx dump -t sigstruct -f json "$TEST_DIR/bad.sig"
	[ "$status" -eq 0 ]
	[ "$(jq -r .signature_valid <<<"$output")" = false ]
}

@test "dump of a file of the wrong size fails" {
	run sgx dump --type report "$SIG"
	[ "$status" -eq 1 ]
	assert_output_contains "432"
	run sgx dump --type nonsense "$SIG"
	[ "$status" -eq 1 ]
}

@test "sign makes a SIGSTRUCT that verifies, with MRSIGNER of our key" {
	run sgx sign --key "$(key)" --sgxs "$SGXS" --isvprodid 7 --isvsvn 2 -o "$TEST_DIR/mine.sig"
	[ "$status" -eq 0 ]
	local mrsigner="${output#MRSIGNER }"
	run sgx dump -t sigstruct -f json "$TEST_DIR/mine.sig"
	[ "$(jq -r '.enclavehash, .isvprodid, .isvsvn, .signature_valid, .mrsigner' <<<"$output" | tr '\n' ' ')" = "$MRENCLAVE 7 2 true $mrsigner " ]
	# and the key's modulus is what MRSIGNER hashes
	[ "$mrsigner" != "$MRSIGNER" ]
}

@test "sign refuses a key that is not RSA-3072 with exponent 3" {
	openssl genrsa -out "$TEST_DIR/e65537.pem" 3072 2>/dev/null
	run sgx sign --key "$TEST_DIR/e65537.pem" --enclavehash "$MRENCLAVE" -o "$TEST_DIR/x.sig"
	[ "$status" -eq 1 ]
	assert_output_contains "exponent 3"
	[ ! -e "$TEST_DIR/x.sig" ]
}

@test "gendata + an external openssl signature + catsig give a valid SIGSTRUCT" {
	sgx gendata --enclavehash "$MRENCLAVE" --isvprodid 3 -o "$TEST_DIR/unsigned.sig" --data "$TEST_DIR/data.bin"
	[ "$(stat -c %s "$TEST_DIR/data.bin")" -eq 256 ]
	openssl dgst -sha256 -sign "$(key)" -out "$TEST_DIR/signature.bin" "$TEST_DIR/data.bin"
	openssl rsa -in "$(key)" -pubout -out "$TEST_DIR/pub.pem" 2>/dev/null
	run sgx catsig --sigstruct "$TEST_DIR/unsigned.sig" --signature "$TEST_DIR/signature.bin" \
		--public-key "$TEST_DIR/pub.pem" -o "$TEST_DIR/signed.sig"
	[ "$status" -eq 0 ]
	run sgx dump -t sigstruct -f json "$TEST_DIR/signed.sig"
	[ "$(jq -r .signature_valid <<<"$output")" = true ]
}

@test "catsig refuses a signature over other data" {
	sgx gendata --enclavehash "$MRENCLAVE" -o "$TEST_DIR/unsigned.sig" --data "$TEST_DIR/data.bin"
	echo other >"$TEST_DIR/other.bin"
	openssl dgst -sha256 -sign "$(key)" -out "$TEST_DIR/signature.bin" "$TEST_DIR/other.bin"
	openssl rsa -in "$(key)" -pubout -out "$TEST_DIR/pub.pem" 2>/dev/null
	run sgx catsig --sigstruct "$TEST_DIR/unsigned.sig" --signature "$TEST_DIR/signature.bin" \
		--public-key "$TEST_DIR/pub.pem" -o "$TEST_DIR/signed.sig"
	[ "$status" -eq 1 ]
	assert_output_contains "does not verify"
	[ ! -e "$TEST_DIR/signed.sig" ]
}

@test "sgx-tools --help, --version and usage errors" {
	run sgx --help
	[ "$status" -eq 0 ]
	assert_output_contains "measure"
	run sgx --version
	[ "$status" -eq 0 ]
	run sgx sign --enclavehash zz -o x
	[ "$status" -eq 1 ]
	run sgx frobnicate
	[ "$status" -eq 1 ]
}

# A small ELF enclave image (as tests/unit/elf-image.c), compiled once per test file.
enclave_elf() {
	[ -f "$BATS_FILE_TMPDIR/enclave.so" ] ||
		cc -O2 -fPIC -shared -nostdlib -Wl,-e,enclave_entry -o "$BATS_FILE_TMPDIR/enclave.so" \
			"$REPO_ROOT/tests/unit/elf-image.c"
	echo "$BATS_FILE_TMPDIR/enclave.so"
}

@test "measure --elf: flags and a --layout file give the same MRENCLAVE, the SGXS stream hashes to it" {
	run sgx measure --elf "$(enclave_elf)" --heap-size 64K --stack-size 8K --threads 2 \
		--ssa-frames 2 --sgxs-out "$TEST_DIR/enclave.sgxs"
	[ "$status" -eq 0 ]
	local mr="${lines[0]}"
	[ ${#mr} -eq 64 ]
	[ "$(sha256sum "$TEST_DIR/enclave.sgxs" | cut -d' ' -f1)" = "$mr" ]
	run sgx measure "$TEST_DIR/enclave.sgxs"
	[ "${lines[0]}" = "$mr" ]
	echo '{"heap_size": "64K", "stack_size": 8192, "threads": 2, "ssa_frames": 2}' >"$TEST_DIR/layout.json"
	run sgx measure --elf "$(enclave_elf)" --layout "$TEST_DIR/layout.json"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$mr" ]
	# flags override the file; every parameter is measured
	run sgx measure --elf "$(enclave_elf)" --layout "$TEST_DIR/layout.json" --threads 3
	[ "${lines[0]}" != "$mr" ]
	run sgx measure --elf "$(enclave_elf)" --layout "$TEST_DIR/layout.json" --unmeasured-heap
	[ "${lines[0]}" != "$mr" ]
}

@test "measure --elf refuses a bad image, layout file or flag, naming it" {
	run sgx measure --elf /etc/passwd
	[ "$status" -eq 1 ]
	assert_output_contains "/etc/passwd: ELF:"
	head -c 200 "$(enclave_elf)" >"$TEST_DIR/cut.so"
	run sgx measure --elf "$TEST_DIR/cut.so"
	[ "$status" -eq 1 ]
	assert_output_contains "program header"
	echo '{"heap_size": "64K", "stacksize": 1}' >"$TEST_DIR/bad.json"
	run sgx measure --elf "$(enclave_elf)" --layout "$TEST_DIR/bad.json"
	[ "$status" -eq 1 ]
	assert_output_contains "bad.json: layout: unknown field \`stacksize\`"
	run sgx measure --elf "$(enclave_elf)" --heap-size 100
	[ "$status" -eq 1 ]
	assert_output_contains "heap_size"
	run sgx measure --elf "$(enclave_elf)" --threads lots
	[ "$status" -eq 1 ]
	assert_output_contains "--threads"
	run sgx measure --threads 2 "$SGXS"
	[ "$status" -eq 1 ]
	assert_output_contains "need --elf"
	run sgx measure --elf "$TEST_DIR/missing.so"
	[ "$status" -eq 1 ]
	assert_output_contains "missing.so"
}

@test "sign --elf: ENCLAVEHASH is the measured image, attributes come from the layout file" {
	run sgx measure --elf "$(enclave_elf)" --threads 2
	local mr="${lines[0]}"
	echo '{"threads": 2, "attributes": "06000000000000000700000000000000"}' >"$TEST_DIR/layout.json"
	run sgx sign --key "$(key)" --elf "$(enclave_elf)" --layout "$TEST_DIR/layout.json" -o "$TEST_DIR/e.sig"
	[ "$status" -eq 0 ]
	run sgx dump -t sigstruct -f json "$TEST_DIR/e.sig"
	[ "$(jq -r '.enclavehash, .attributes, .signature_valid' <<<"$output" | tr '\n' ' ')" = "$mr 06000000000000000700000000000000 true " ]
	# --attributes wins over the layout file
	run sgx sign --key "$(key)" --elf "$(enclave_elf)" --layout "$TEST_DIR/layout.json" \
		--attributes 04000000000000000300000000000000 -o "$TEST_DIR/e2.sig"
	[ "$status" -eq 0 ]
	run sgx dump -t sigstruct -f json "$TEST_DIR/e2.sig"
	[ "$(jq -r .attributes <<<"$output")" = 04000000000000000300000000000000 ]
	run sgx sign --key "$(key)" --elf "$(enclave_elf)" --sgxs "$SGXS" -o "$TEST_DIR/x.sig"
	[ "$status" -eq 1 ]
	assert_output_contains "exactly one of"
}

@test "dump --type quote reads the recorded SGX v3 and TDX v4 quotes" {
	run sgx dump --type quote --format json "$VECTORS/sgx-dcap-v3/quote.bin"
	[ "$status" -eq 0 ]
	[ "$(jq -r '."report.mrenclave"' <<<"$output")" = 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb ]
	[ "$(jq -r '."report.mrsigner"' <<<"$output")" = 815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6 ]
	[ "$(jq -r .verified <<<"$output")" = false ]
	run sgx dump -t quote -f json "$VECTORS/tdx-dcap-v4/quote.bin"
	[ "$status" -eq 0 ]
	[ "$(jq -r '."report.mrtd"' <<<"$output")" = 91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7 ]
}

@test "dump --type quote refuses a truncated quote" {
	head -c 3000 "$VECTORS/sgx-dcap-v3/quote.bin" >"$TEST_DIR/cut.bin"
	run sgx dump --type quote "$TEST_DIR/cut.bin"
	[ "$status" -eq 1 ]
	assert_output_contains "quote:"
}

verify() { # vector [options...]: verify-quote on a recorded quote and its collateral
	local v="$1"
	shift
	sgx verify-quote --quote "$VECTORS/$v/quote.bin" --collateral "$VECTORS/$v/collateral" "$@"
}

@test "verify-quote: the recorded SGX quote verifies with the vector's status and advisories" {
	run verify sgx-dcap-v3 --as-of 2025-07-04T10:28:44Z --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r .tcb_status <<<"$output")" = ConfigurationAndSWHardeningNeeded ]
	[ "$(jq -r '.advisory_ids | join(",")' <<<"$output")" = INTEL-SA-00289,INTEL-SA-00615 ]
	[ "$(jq -r .mrenclave <<<"$output")" = 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb ]
	[ "$(jq -r .debug <<<"$output")" = false ]
}

@test "verify-quote: a status outside --accept-status exits 2, OutOfDate is not accepted by default" {
	run verify sgx-dcap-v3 --as-of 2025-07-04T10:28:44Z --accept-status UpToDate
	[ "$status" -eq 2 ]
	assert_output_contains "ConfigurationAndSWHardeningNeeded"
	run verify ratstls-cert --as-of 2025-08-20T00:00:00Z --format json
	[ "$status" -eq 2 ]
	[ "$(jq -r .tcb_status <<<"$output")" = OutOfDate ]
}

@test "verify-quote: expired collateral does not verify (exit 1)" {
	run verify sgx-dcap-v3 --as-of 2026-01-01T00:00:00Z
	[ "$status" -eq 1 ]
	assert_output_contains "NOT VERIFIED"
}

@test "verify-quote: a changed report body does not verify" {
	cp "$VECTORS/sgx-dcap-v3/quote.bin" "$TEST_DIR/q.bin"
	# one byte of MRENCLAVE (report body at 48, MRENCLAVE at +64)
	printf '\xff' | dd of="$TEST_DIR/q.bin" bs=1 seek=$((48 + 64)) conv=notrunc 2>/dev/null
	run sgx verify-quote --quote "$TEST_DIR/q.bin" --collateral "$VECTORS/sgx-dcap-v3/collateral" --as-of 2025-07-04T10:28:44Z
	[ "$status" -eq 1 ]
	assert_output_contains "not signed"
}

@test "verify-quote: collateral of another platform does not verify" {
	run sgx verify-quote --quote "$VECTORS/sgx-dcap-v3/quote.bin" --collateral "$VECTORS/ratstls-cert/collateral" --as-of 2025-07-04T10:28:44Z
	[ "$status" -eq 1 ]
}

@test "verify-quote: usage errors" {
	run sgx verify-quote --quote "$VECTORS/sgx-dcap-v3/quote.bin"
	[ "$status" -eq 1 ]
	assert_output_contains "--collateral"
	run verify sgx-dcap-v3 --as-of yesterday
	[ "$status" -eq 1 ]
	assert_output_contains "--as-of"
	run verify sgx-dcap-v3 --trust-sim-root /dev/null
	[ "$status" -eq 1 ]
}

@test "verify-quote: the recorded TDX quote verifies UpToDate and prints the TD's fields" {
	. "$VECTORS/tdx-dcap-v4/expected.env"
	run verify tdx-dcap-v4 --as-of "$AS_OF" --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.tee, .tcb_status, .qe_tcb_status, .tdx_module_tcb_status, (.advisory_ids | length), .debug' <<<"$output" | tr '\n' ' ')" = "TDX $STATUS UpToDate UpToDate 0 false " ]
	[ "$(jq -r .mrtd <<<"$output")" = "$MEASUREMENT" ]
	[ "$(jq -r .tee_tcb_svn <<<"$output")" = 06010300000000000000000000000000 ]
	[ "$(jq -r .report_data <<<"$output")" = 9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20 ]
	[ "$(jq -r '[.rtmr0, .rtmr1, .rtmr2, .rtmr3] | map(length) | join(",")' <<<"$output")" = 96,96,96,96 ]
	[ "$(jq -r .rtmr3 <<<"$output")" = "$(printf '0%.0s' {1..96})" ]
	run verify tdx-dcap-v4 --as-of "$AS_OF"
	[ "$status" -eq 0 ]
	assert_output_contains "mrtd"
	assert_output_contains "$MEASUREMENT"
	assert_output_contains "rtmr2"
	run verify tdx-dcap-v4 --as-of "$AS_OF" --accept-status OutOfDate
	[ "$status" -eq 2 ]
}

@test "verify-quote: a changed TD report body, SGX collateral or expired collateral: the TDX quote does not verify" {
	. "$VECTORS/tdx-dcap-v4/expected.env"
	cp "$VECTORS/tdx-dcap-v4/quote.bin" "$TEST_DIR/q.bin"
	# one byte of MRTD (TD report body at 48, MRTD at +136)
	printf '\xff' | dd of="$TEST_DIR/q.bin" bs=1 seek=$((48 + 136)) conv=notrunc 2>/dev/null
	run sgx verify-quote --quote "$TEST_DIR/q.bin" --collateral "$VECTORS/tdx-dcap-v4/collateral" --as-of "$AS_OF"
	[ "$status" -eq 1 ]
	assert_output_contains "not signed"
	# TEE_TCB_SVN (the first 16 bytes of the body)
	cp "$VECTORS/tdx-dcap-v4/quote.bin" "$TEST_DIR/q.bin"
	printf '\x01' | dd of="$TEST_DIR/q.bin" bs=1 seek=$((48 + 2)) conv=notrunc 2>/dev/null
	run sgx verify-quote --quote "$TEST_DIR/q.bin" --collateral "$VECTORS/tdx-dcap-v4/collateral" --as-of "$AS_OF"
	[ "$status" -eq 1 ]
	run sgx verify-quote --quote "$VECTORS/tdx-dcap-v4/quote.bin" --collateral "$VECTORS/sgx-dcap-v3/collateral" --as-of "$AS_OF"
	[ "$status" -eq 1 ]
	assert_output_contains "NOT VERIFIED"
	run verify tdx-dcap-v4 --as-of 2025-08-01T00:00:00Z
	[ "$status" -eq 1 ]
	assert_output_contains "NOT VERIFIED"
	# SGX platform's CRLs with the TDX documents, for the SGX quote
	mkdir "$TEST_DIR/mixed"
	cp "$VECTORS"/sgx-dcap-v3/collateral/*crl* "$VECTORS"/sgx-dcap-v3/collateral/root_ca_crl.der "$TEST_DIR/mixed/"
	cp "$VECTORS"/tdx-dcap-v4/collateral/tcb_info* "$VECTORS"/tdx-dcap-v4/collateral/qe_identity* "$TEST_DIR/mixed/"
	run sgx verify-quote --quote "$VECTORS/sgx-dcap-v3/quote.bin" --collateral "$TEST_DIR/mixed" --as-of 2025-07-04T10:28:44Z
	[ "$status" -eq 1 ]
	assert_output_contains "TCB info: id \`TDX\`"
}

# ---------------------------------------------------------------- the software TEE

@test "sim: an enclave's quote verifies with the sim root trusted, reported as simulated" {
	local dir="$TEST_DIR/sim"
	run sgx sim init --sim-dir "$dir"
	[ "$status" -eq 0 ]
	assert_output_contains "$dir/root-ca.pem"
	[ "$(stat -c %a "$dir")" = 700 ]
	[ "$(stat -c %a "$dir/report-secret")" = 600 ]
	run sgx sim quote -d "$dir" --enclave "$SGXS" --sigstruct "$SIG" --report-data c0ffee -o "$TEST_DIR/q.bin"
	[ "$status" -eq 0 ]
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$dir/collateral" --trust-sim-root "$dir/root-ca.pem" --format json
	[ "$status" -eq 0 ]
	assert_output_contains "simulated evidence"
	[ "$(echo "$output" | sed -n '/^{/,$p' | jq -r '.simulated, .tcb_status, .mrenclave, .mrsigner, .report_data[0:6]')" = \
		"$(printf 'true\nUpToDate\n%s\n%s\nc0ffee' "$MRENCLAVE" "$MRSIGNER")" ]
	run sgx dump --type quote "$TEST_DIR/q.bin"
	[ "$status" -eq 0 ]
	assert_output_contains "SIMULATED-TEE-QE"
}

@test "sim: a quote is refused without the sim root, with another platform's root, or once the PCK is revoked" {
	local dir="$TEST_DIR/sim" other="$TEST_DIR/other"
	sgx sim init -d "$other" >/dev/null
	sgx sim quote -d "$dir" -e "$SGXS" -s "$SIG" -o "$TEST_DIR/q.bin"
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$dir/collateral"
	[ "$status" -eq 1 ]
	assert_output_contains "NOT VERIFIED"
	assert_output_contains "sim root trusted"
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$dir/collateral" --trust-sim-root "$other/root-ca.pem"
	[ "$status" -eq 1 ]
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$other/collateral" --trust-sim-root "$other/root-ca.pem"
	[ "$status" -eq 1 ]
	# Intel's quote is not passed off with sim collateral, nor the sim quote with Intel's.
	run sgx verify-quote -q "$VECTORS/sgx-dcap-v3/quote.bin" -c "$dir/collateral" --trust-sim-root "$dir/root-ca.pem"
	[ "$status" -eq 1 ]
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$VECTORS/sgx-dcap-v3/collateral" --trust-sim-root "$dir/root-ca.pem"
	[ "$status" -eq 1 ]
	run sgx sim revoke-pck -d "$dir"
	[ "$status" -eq 0 ]
	run sgx verify-quote -q "$TEST_DIR/q.bin" -c "$dir/collateral" --trust-sim-root "$dir/root-ca.pem"
	[ "$status" -eq 1 ]
	assert_output_contains "revoked"
}

@test "sim: EINIT refuses an image changed after signing, and a SIGSTRUCT for another enclave" {
	local dir="$TEST_DIR/sim"
	cp "$SGXS" "$TEST_DIR/changed.sgxs"
	printf 'X' | dd of="$TEST_DIR/changed.sgxs" bs=1 seek=5000 conv=notrunc 2>/dev/null
	run sgx sim quote -d "$dir" -e "$TEST_DIR/changed.sgxs" -s "$SIG" -o "$TEST_DIR/q.bin"
	[ "$status" -eq 1 ]
	assert_output_contains "EINIT"
	assert_output_contains "ENCLAVEHASH"
	[ ! -e "$TEST_DIR/q.bin" ]
	sgx sign --key "$(key)" --enclavehash "$(printf '%064d' 1)" -o "$TEST_DIR/other.sig"
	run sgx sim quote -d "$dir" -e "$SGXS" -s "$TEST_DIR/other.sig" -o "$TEST_DIR/q.bin"
	[ "$status" -eq 1 ]
	assert_output_contains "ENCLAVEHASH"
}

@test "sim: usage errors name the flag" {
	run sgx sim
	[ "$status" -eq 1 ]
	assert_output_contains "expected one command"
	run sgx sim frobnicate -d "$TEST_DIR/sim"
	[ "$status" -eq 1 ]
	assert_output_contains "unknown command"
	run sgx sim quote -d "$TEST_DIR/sim" -e "$SGXS"
	[ "$status" -eq 1 ]
	assert_output_contains "--sigstruct"
	run sgx sim quote -d "$TEST_DIR/sim" -e "$SGXS" -s "$SIG" -o "$TEST_DIR/q" --report-data xyz
	[ "$status" -eq 1 ]
	assert_output_contains "--report-data"
	run sgx sim --help
	[ "$status" -eq 0 ]
	assert_output_contains "revoke-pck"
}
