#!/usr/bin/env bats
# librats_tls through its programs: rats-tls-server/client on random loopback ports (the
# instance matrix, mutual and one-way, refusals), interop with openssl's tools, and the
# offline verifier rats-tls-verify on the upstream certificate and on ours.
#
# Environment: RATS_TLS_BIN (default build/src/rats-tls), RATS_TLS_PLUGIN_DIR (default
# build/lib/rats-tls/instances), VECTORS_DIR (default ../shared/vectors).

bats_require_minimum_version 1.5.0

REPO_ROOT="$(cd "$(dirname "$BATS_TEST_FILENAME")/../.." && pwd)"
BIN="${RATS_TLS_BIN:-$REPO_ROOT/build/src/rats-tls}"
export RATS_TLS_PLUGIN_DIR="${RATS_TLS_PLUGIN_DIR:-$REPO_ROOT/build/lib/rats-tls/instances}"
VECTORS="${VECTORS_DIR:-$REPO_ROOT/../shared/vectors}"
[[ -d "$VECTORS" ]] || VECTORS=/work/shared/vectors
UPSTREAM="$VECTORS/ratstls-cert"

setup_file() {
	export SIM1="$BATS_FILE_TMPDIR/sim1" SIM2="$BATS_FILE_TMPDIR/sim2"
	# One SIGSTRUCT key for every sim attester (else each makes an RSA-3072 key).
	openssl genrsa -3 -out "$BATS_FILE_TMPDIR/signer.pem" 3072 2>/dev/null
	# The second platform exists only for its root (an untrusted one).
	INCLAVARE_SIM_DIR="$SIM2" "$BIN/../sgx-tools/sgx-tools" sim init >/dev/null
}

setup() {
	export INCLAVARE_SIM_DIR="$SIM1" RATS_TLS_SIM_SIGNING_KEY="$BATS_FILE_TMPDIR/signer.pem"
	unset RATS_TLS_SIM_ROOT RATS_TLS_SIM_COLLATERAL RATS_TLS_ACCEPT_DEBUG RATS_TLS_CERT_AS_OF
	SERVER_PID=
}

teardown() {
	if [[ -n "$SERVER_PID" ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# start_server ARGS...: rats-tls-server for one connection on a free random port ($PORT);
# its output goes to $BATS_TEST_TMPDIR/server.out.
start_server() {
	local try i
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 40000))
		timeout 30 "$BIN/rats-tls-server" -p "$PORT" -n 1 "$@" >"$BATS_TEST_TMPDIR/server.out" 2>&1 &
		SERVER_PID=$!
		for i in $(seq 1 100); do
			grep -q '^listening' "$BATS_TEST_TMPDIR/server.out" && return 0
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.05
		done
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
		grep -q 'Address already in use' "$BATS_TEST_TMPDIR/server.out" || break
	done
	echo "rats-tls-server $* did not start:" >&2
	cat "$BATS_TEST_TMPDIR/server.out" >&2
	return 1
}

# server_done: waits for the one-connection server; $server_output is what it printed.
server_done() {
	local rc=0
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	server_output="$(cat "$BATS_TEST_TMPDIR/server.out")"
	return $rc
}

# stop_server: for a server no client reached (the client failed before connecting).
stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	server_output="$(cat "$BATS_TEST_TMPDIR/server.out")"
}

client() {
	timeout 30 "$BIN/rats-tls-client" -p "$PORT" "$@"
}

trust_sim() {
	export RATS_TLS_SIM_ROOT="$SIM1/root-ca.pem"
}

# The matrix: TLS {nulltls, openssl} x attester {nullattester, sim} x verifier {nullverifier,
# sim} x {one-way, mutual}. Both sides run the same flags. Only the nullverifier accepts a
# peer without evidence; sim evidence only travels in openssl's certificate.
@test "rats-tls: instance matrix, mutual and one-way" {
	trust_sim
	local tls attester verifier mode crypto expect n=0
	for tls in nulltls openssl; do
		crypto=$([[ $tls == nulltls ]] && echo nullcrypto || echo openssl)
		for attester in nullattester sim; do
			for verifier in nullverifier sim; do
				for mode in "" -m; do
					local args=(-t "$tls" -c "$crypto" -a "$attester" -v "$verifier" $mode)
					expect=fail
					if [[ $verifier == nullverifier ]] || [[ $tls == openssl && $attester == sim ]]; then
						expect=ok
					fi
					start_server "${args[@]}"
					run client "${args[@]}"
					server_done || true
					if [[ $expect == ok ]]; then
						[[ $status -eq 0 ]] || fail_case "${args[*]}: expected success"
						[[ "$output" == *"reply: Hello and welcome to RATS-TLS!"* ]] || fail_case "${args[*]}: no reply"
						if [[ $verifier == sim ]]; then
							[[ "$output" == *"evidence: sgx_ecdsa (simulated)"* ]] || fail_case "${args[*]}: no sim evidence"
							[[ "$output" == *"claim key_0: value_0"* ]] || fail_case "${args[*]}: claims"
						fi
						if [[ -n $mode ]]; then
							[[ "$server_output" == *"received: Hello"* ]] || fail_case "${args[*]}: server did not verify"
							[[ $verifier == nullverifier || "$server_output" == *"verifier: sim"* ]] || fail_case "${args[*]}: server verifier"
						fi
					else
						[[ $status -eq 1 ]] || fail_case "${args[*]}: expected a refusal"
						[[ "$output" == *"RATS_TLS_ERR_NO_EVIDENCE"* ]] || fail_case "${args[*]}: expected NO_EVIDENCE"
						[[ "$output" != *"reply:"* ]] || fail_case "${args[*]}: got a reply"
					fi
					n=$((n + 1))
				done
			done
		done
	done
	[[ $n -eq 16 ]]
}

fail_case() {
	echo "$1" >&2
	echo "client: $output" >&2
	echo "server: $server_output" >&2
	return 1
}

@test "rats-tls: RSA-3072 keys, endorsements; TLS 1.2 refused" {
	trust_sim
	start_server -a sim -k rsa -e
	run client -v sim -k rsa
	server_done
	[[ $status -eq 0 ]]
	[[ "$output" == *"reply: Hello"* ]]
	# openssl s_client offering only TLS 1.2 is refused (TLS 1.3 only by default)
	start_server -a nullattester
	run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 </dev/null
	server_done || true
	[[ $status -ne 0 ]]
	[[ "$server_output" == *"SSL_accept"* ]]
}

@test "rats-tls: our certificate through openssl s_client, x509 -text and asn1parse; rats-tls-verify" {
	trust_sim
	start_server -a sim
	timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -showcerts </dev/null 2>/dev/null |
		sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' >"$BATS_TEST_TMPDIR/cert.pem"
	server_done || true
	run openssl x509 -in "$BATS_TEST_TMPDIR/cert.pem" -noout -text
	[[ $status -eq 0 ]]
	[[ "$output" == *"2.23.133.5.4.9:"* ]]
	[[ "$output" == *"O = Inclavare Containers, CN = RATS-TLS"* ]]
	[[ "$output" == *"CA:FALSE"* ]]
	run openssl asn1parse -in "$BATS_TEST_TMPDIR/cert.pem"
	[[ $status -eq 0 ]]
	[[ "$output" == *":2.23.133.5.4.9"* ]]
	# the value is CBOR tag 60000 (d9 ea60) of a two-item array (82)
	[[ "$output" == *"[HEX DUMP]:D9EA6082"* ]]

	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem"
	[[ $status -eq 0 ]]
	[[ "$output" == *"evidence: sgx_ecdsa (simulated)"* ]]
	[[ "$output" == *"claim key_1: value_1"* ]]
	[[ "$output" == *"verified: "* ]]

	# expired, not yet valid
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem" --cert-as-of 2099-01-01T00:00:00Z
	[[ $status -eq 1 ]]
	[[ "$output" == *"RATS_TLS_ERR_BAD_CERT: certificate: expired"* ]]
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem" --cert-as-of 2020-01-01T00:00:00Z
	[[ $status -eq 1 ]]
	[[ "$output" == *"not valid yet"* ]]
	# sim evidence without the sim root configured, and with another platform's root
	unset RATS_TLS_SIM_ROOT
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem"
	[[ $status -eq 1 ]]
	[[ "$output" == *"ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED"*"RATS_TLS_SIM_ROOT"* ]]
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem" --trust-sim-root "$SIM2/root-ca.pem"
	[[ $status -eq 1 ]]
	[[ "$output" == *"ENCLAVE_VERIFIER_ERR_EVIDENCE"*"does not verify"* ]]
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem" --trust-sim-root "$SIM2/root-ca.pem" \
		--sim-collateral "$SIM1/collateral"
	[[ $status -eq 1 ]]
	# the sgx_ecdsa verifier does not take sim evidence
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/cert.pem" -v sgx_ecdsa --trust-sim-root "$SIM1/root-ca.pem"
	[[ $status -eq 1 ]]
	[[ "$output" == *"RATS_TLS_ERR_NO_VERIFIER"* ]]
}

@test "rats-tls-verify: the upstream certificate (binding, OutOfDate, debug enclave)" {
	local common=("$UPSTREAM/rats-tls-cert.pem" --collateral "$UPSTREAM/collateral"
		--as-of 2025-08-20T00:00:00Z --cert-as-of 2023-06-01T00:00:00Z)
	run "$BIN/rats-tls-verify" "${common[@]}"
	[[ $status -eq 2 ]]
	[[ "$output" == *"TCB status OutOfDate is not accepted"* ]]
	run "$BIN/rats-tls-verify" "${common[@]}" --accept-status OutOfDate
	[[ $status -eq 2 ]]
	[[ "$output" == *"debug enclave"* ]]
	run "$BIN/rats-tls-verify" "${common[@]}" --accept-status UpToDate,OutOfDate --accept-debug
	[[ $status -eq 0 ]]
	[[ "$output" == *"tcb_status: OutOfDate"* ]]
	[[ "$output" == *"mrenclave: 38e1b40b8c68186f359c97ecb6a89965d9d8638f2df06fbe18e84d79a266c041"* ]]
	[[ "$output" == *"mrsigner: 83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e"* ]]
	[[ "$output" == *"debug: true"* ]]
	[[ "$output" == *"claim key_0: value_0"* ]]
	# its own validity ended in 2024, and its collateral's window in September 2025
	run "$BIN/rats-tls-verify" "$UPSTREAM/rats-tls-cert.pem" --collateral "$UPSTREAM/collateral" \
		--as-of 2025-08-20T00:00:00Z --accept-status OutOfDate --accept-debug
	[[ $status -eq 1 ]]
	[[ "$output" == *"expired"* ]]
	run "$BIN/rats-tls-verify" "${common[@]/2025-08-20T00:00:00Z/2025-10-01T00:00:00Z}" \
		--accept-status OutOfDate --accept-debug
	[[ $status -eq 1 ]]
	# without collateral
	run "$BIN/rats-tls-verify" "$UPSTREAM/rats-tls-cert.pem" --cert-as-of 2023-06-01T00:00:00Z
	[[ $status -eq 1 ]]
	[[ "$output" == *"no collateral"* ]]
}

@test "rats-tls-verify: the upstream evidence under another key, and mutated certificates" {
	local hex
	# The upstream extension in a certificate made by openssl req with a new key.
	hex=$(openssl asn1parse -in "$UPSTREAM/rats-tls-cert.pem" | awk '/:2.23.133.5.4.9/ { getline; sub(/.*HEX DUMP\]:/, ""); print }')
	[[ ${#hex} -gt 9000 ]]
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$BATS_TEST_TMPDIR/k.pem" \
		-subj "/O=Inclavare Containers/CN=RATS-TLS" -days 1 -addext "2.23.133.5.4.9=DER:$hex" \
		-out "$BATS_TEST_TMPDIR/other.pem" 2>/dev/null
	run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/other.pem" --collateral "$UPSTREAM/collateral" \
		--as-of 2025-08-20T00:00:00Z --accept-status OutOfDate --accept-debug
	[[ $status -eq 1 ]]
	[[ "$output" == *"RATS_TLS_ERR_PUBKEY_HASH_MISMATCH"* ]]

	# single-byte changes of the upstream certificate inside its extension: all refused
	openssl x509 -in "$UPSTREAM/rats-tls-cert.pem" -outform DER -out "$BATS_TEST_TMPDIR/up.der"
	local off checked=0
	for off in 360 500 1000 2000 4000 5000; do
		python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[int(sys.argv[2])]^=1; open(sys.argv[3],"wb").write(b)' \
			"$BATS_TEST_TMPDIR/up.der" "$off" "$BATS_TEST_TMPDIR/m.der"
		openssl x509 -inform DER -in "$BATS_TEST_TMPDIR/m.der" -out "$BATS_TEST_TMPDIR/m.pem" 2>/dev/null || continue
		run "$BIN/rats-tls-verify" "$BATS_TEST_TMPDIR/m.pem" --collateral "$UPSTREAM/collateral" \
			--as-of 2025-08-20T00:00:00Z --cert-as-of 2023-06-01T00:00:00Z --accept-status OutOfDate --accept-debug
		[[ $status -eq 1 ]] || { echo "offset $off accepted" >&2; return 1; }
		checked=$((checked + 1))
	done
	[[ $checked -ge 4 ]]
}

@test "rats-tls: mutual mode refuses a peer that sends no certificate" {
	start_server -m -a nullattester -v nullverifier
	run client -a nullattester -v nullverifier # not mutual: presents nothing
	server_done || true
	[[ $status -eq 1 ]]
	[[ "$server_output" == *"RATS_TLS_ERR_NO_EVIDENCE"*"sent no certificate"* ]]
	[[ "$server_output" != *"received:"* ]]
	start_server -m -a nullattester -v nullverifier
	run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -ign_eof </dev/null
	server_done || true
	[[ "$server_output" == *"sent no certificate"* ]]
}

@test "rats-tls: a verifier that is not configured, a sim attester nobody trusts, sgx_ecdsa" {
	start_server -a sim
	run client -v sim
	stop_server
	[[ $status -eq 1 ]]
	[[ "$output" == *"init: ENCLAVE_VERIFIER_ERR_NOT_CONFIGURED"*"RATS_TLS_SIM_ROOT"* ]]
	# automatic verifier choice: the evidence picks sim, which is not configured
	start_server -a sim
	run client
	server_done || true
	[[ $status -eq 1 ]]
	[[ "$output" == *"NOT_CONFIGURED"* ]]
	[[ "$output" != *"reply:"* ]]
	# another platform's root
	export RATS_TLS_SIM_ROOT="$SIM2/root-ca.pem"
	start_server -a sim -e
	run client -v sim
	server_done || true
	[[ $status -eq 1 ]]
	[[ "$output" == *"ENCLAVE_VERIFIER_ERR_EVIDENCE"* ]]
	# a debug enclave is refused by default
	trust_sim
	start_server -a sim -D
	run client -v sim
	server_done || true
	[[ $status -eq 1 ]]
	[[ "$output" == *"debug enclave"* ]]
	# real SGX quoting is impossible here: a clear error
	run timeout 10 "$BIN/rats-tls-server" -a sgx_ecdsa -p 1 -n 1
	[[ $status -eq 1 ]]
	[[ "$output" == *"sgx_ecdsa: this machine has no SGX"* ]]
}

@test "rats-tls programs: --help, --version and usage errors" {
	local p
	for p in rats-tls-server rats-tls-client rats-tls-verify; do
		run "$BIN/$p" --help
		[[ $status -eq 0 ]]
		[[ "$output" == *"Usage: $p"* ]]
		run "$BIN/$p" --version
		[[ $status -eq 0 ]]
		[[ "$output" == "$p version "* ]]
		run "$BIN/$p" --no-such-flag
		[[ $status -eq 1 ]]
		[[ "$output" == *"no-such-flag"* ]]
	done
	run "$BIN/rats-tls-client" -p 70000
	[[ $status -eq 1 ]]
	[[ "$output" == *"--port: \`70000\`"* ]]
	run "$BIN/rats-tls-server" -l loud
	[[ $status -eq 1 ]]
	[[ "$output" == *"--log-level"* ]]
	run "$BIN/rats-tls-client" -t nosuchtls
	[[ $status -eq 1 ]]
	[[ "$output" == *"RATS_TLS_ERR_NOT_REGISTERED"*"nosuchtls"* ]]
	run "$BIN/rats-tls-verify"
	[[ $status -eq 1 ]]
	[[ "$output" == *"expected one argument"* ]]
	run "$BIN/rats-tls-verify" /nonexistent.pem
	[[ $status -eq 1 ]]
	[[ "$output" == *"/nonexistent.pem"* ]]
	run "$BIN/rats-tls-verify" "$UPSTREAM/collateral/tcb_info.json"
	[[ $status -eq 1 ]]
	[[ "$output" == *"not a PEM certificate"* ]]
	run env RATS_TLS_PLUGIN_DIR=/nonexistent "$BIN/rats-tls-client"
	[[ $status -eq 1 ]]
	[[ "$output" == *"/nonexistent/crypto-wrappers"* ]]
	RATS_TLS_AS_OF=never run "$BIN/rats-tls-client"
	[[ $status -eq 1 ]]
	[[ "$output" == *"RATS_TLS_AS_OF"* ]]
}
