#!/usr/bin/env bats
# Global options: --help, --version, --root, --log, --log-format, --debug,
# --systemd-cgroup, --rootless; and --help on every verb.

load helpers

VERBS=(spec create start run state kill delete list)

@test "--version prints the runtime's version and the OCI spec version" {
	run -0 rune_noroot --version
	[[ "${lines[0]}" =~ ^${RUNE_NAME}\ version\ [0-9]+\.[0-9]+ ]]
	printf '%s\n' "${lines[@]}" | grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "-v is the short form of --version" {
	run -0 rune_noroot -v
	[ "$output" = "$(rune_noroot --version)" ]
}

@test "--help lists every verb and the global options" {
	local verb opt
	run -0 rune_noroot --help
	for verb in "${VERBS[@]}"; do
		assert_output_contains "$verb"
	done
	for opt in --root --log --log-format --debug --systemd-cgroup --rootless; do
		assert_output_contains "$opt"
	done
}

@test "-h is the short form of --help" {
	run -0 rune_noroot -h
	[ "$output" = "$(rune_noroot --help)" ]
}

@test "every verb has --help, which exits 0 and changes nothing" {
	local verb
	for verb in "${VERBS[@]}"; do
		run -0 rune "$verb" --help
		[ -n "$output" ] || fail "$verb --help printed nothing"
		assert_output_contains "$verb"
	done
	[ ! -e "$WORK/config.json" ]
	[ -z "$(find "$ROOT" -mindepth 1)" ]
}

@test "--root keeps the container state under the given directory" {
	local id root="$TEST_DIR/custom root"
	id="$(new_id)"
	run_detached -0 rune_noroot --root "$root" create --bundle "$BUNDLE" "$id"
	[ -n "$(find "$root" -mindepth 1 -name "*$id*")" ]
	run -0 rune_noroot --root "$root" state "$id"
	jq -e '.status == "created"' <<<"$output"
	# The test's usual root does not know it.
	run -1 rune state "$id"
	run -0 rune_noroot --root "$root" delete --force "$id"
	[ -z "$(find "$root" -mindepth 1 -type d)" ]
}

@test "--root that does not exist yet is created by create" {
	local id root="$TEST_DIR/a/b/c"
	id="$(new_id)"
	run_detached -0 rune_noroot --root "$root" create --bundle "$BUNDLE" "$id"
	[ -d "$root" ]
	run -0 rune_noroot --root "$root" delete --force "$id"
}

@test "--log FILE gets the error of a failed command in text form" {
	local id
	id="$(new_id)"
	run -1 rune --log "$TEST_DIR/rune.log" state "$id"
	[ -s "$TEST_DIR/rune.log" ]
	grep -q 'level=error' "$TEST_DIR/rune.log"
	if [ -z "$RUNE_IS_RUNC" ]; then
		grep -qF "$id" "$TEST_DIR/rune.log"
		# The message still reaches stderr.
		assert_output_contains "$id"
	fi
}

@test "--log-format json writes JSON lines with level, msg and time on an error" {
	local id
	id="$(new_id)"
	update_config 'del(.process.args)'
	run -1 rune --log "$TEST_DIR/rune.log" --log-format json create --bundle "$BUNDLE" "$id"
	[ -s "$TEST_DIR/rune.log" ]
	# Every line is a JSON object with the three fields.
	while IFS= read -r line; do
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")
			and (.time | type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' <<<"$line" >/dev/null ||
			fail "not a JSON log line: $line"
	done <"$TEST_DIR/rune.log"
	jq -se 'any(.level == "error")' "$TEST_DIR/rune.log"
	if [ -z "$RUNE_IS_RUNC" ]; then
		jq -se 'any(.level == "error" and (.msg | contains("process.args")))' "$TEST_DIR/rune.log"
	fi
	assert_nothing_left "$id"
}

@test "--log-format text is accepted" {
	local id
	id="$(new_id)"
	run -1 rune --log "$TEST_DIR/rune.log" --log-format text state "$id"
	grep -q 'level=error' "$TEST_DIR/rune.log"
	if jq -e . "$TEST_DIR/rune.log" >/dev/null 2>&1; then
		fail "the text log parses as JSON: $(cat "$TEST_DIR/rune.log")"
	fi
}

@test "--log-format with an unknown format fails" {
	run -1 rune --log-format yaml list
	assert_error_mentions yaml
}

@test "--log appends to an existing file" {
	local id
	id="$(new_id)"
	echo "previous line" >"$TEST_DIR/rune.log"
	run -1 rune --log "$TEST_DIR/rune.log" --log-format json state "$id"
	[ "$(head -n 1 "$TEST_DIR/rune.log")" = "previous line" ]
	[ "$(wc -l <"$TEST_DIR/rune.log")" -ge 2 ]
}

@test "--debug logs debug messages for a successful create" {
	local id
	id="$(new_id)"
	run_detached -0 rune --debug --log "$TEST_DIR/rune.log" --log-format json create --bundle "$BUNDLE" "$id"
	jq -se 'any(.level == "debug")' "$TEST_DIR/rune.log"
}

@test "without --debug a successful create logs no debug messages" {
	local id
	id="$(new_id)"
	run_detached -0 rune --log "$TEST_DIR/rune.log" --log-format json create --bundle "$BUNDLE" "$id"
	if [ -s "$TEST_DIR/rune.log" ]; then
		jq -se 'all(.level != "debug")' "$TEST_DIR/rune.log"
	fi
}

@test "--systemd-cgroup is accepted" {
	run -0 rune --systemd-cgroup list
	[ "$(echo "${lines[0]}" | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
}

@test "--rootless true, false and auto are accepted" {
	local v
	for v in true false auto; do
		run -0 rune --rootless "$v" list --quiet
	done
}

@test "--rootless with another value fails" {
	requires_rune "runc only parses --rootless when it needs it"
	run -1 rune --rootless maybe list
	assert_error_mentions rootless
}

@test "global options combine: a container runs with --debug, --log and --log-format" {
	local id
	id="$(new_id)"
	set_args echo combined
	run -0 --separate-stderr rune --debug --log "$TEST_DIR/rune.log" --log-format json run --bundle "$BUNDLE" "$id"
	[ "$output" = combined ]
	# Whatever was logged went to the file, as JSON.
	[ -e "$TEST_DIR/rune.log" ]
	jq -se 'all(type == "object")' "$TEST_DIR/rune.log"
}
