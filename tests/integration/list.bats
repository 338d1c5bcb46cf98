#!/usr/bin/env bats
# rune list: the containers under --root.

load helpers

# table_row ID: the row of ID in `rune list` (the default table).
table_row() {
	rune list | awk -v id="$1" '$1 == id'
}

@test "list with no containers prints only the table header" {
	run -0 rune list
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
}

@test "list shows each container with its pid, status, bundle, creation time and owner" {
	local a b row
	a="$(new_id)"
	b="$(new_id)"
	create_container "$a"
	start_running "$b"
	run -0 rune list
	[ "${#lines[@]}" -eq 3 ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	row="$(table_row "$a")"
	read -r -a f <<<"$row"
	[ "${f[1]}" = "$(container_pid "$a")" ]
	[ "${f[2]}" = created ]
	[ "${f[3]}" = "$BUNDLE" ]
	[[ "${f[4]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]]
	[ "${f[5]}" = "$(id -un)" ]
	row="$(table_row "$b")"
	read -r -a f <<<"$row"
	[ "${f[1]}" = "$(container_pid "$b")" ]
	[ "${f[2]}" = running ]
}

@test "list shows a stopped container as stopped" {
	local id
	id="$(new_id)"
	set_args true
	run_container_detached "$id"
	wait_for_status "$id" stopped
	run -0 rune list
	read -r -a f <<<"$(table_row "$id")"
	[ "${f[0]}" = "$id" ]
	[ "${f[2]}" = stopped ]
}

@test "list --quiet prints only the ids" {
	local a b
	a="$(new_id)"
	b="$(new_id)"
	create_container "$a"
	create_container "$b"
	run -0 rune list --quiet
	[ "${#lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort)" = "$(printf '%s\n' "$a" "$b" | sort)" ]
}

@test "list -q is the short form of --quiet" {
	local id
	id="$(new_id)"
	create_container "$id"
	run -0 rune list -q
	[ "$output" = "$id" ]
}

@test "list --format json prints an array of container states" {
	local a b
	a="$(new_id)"
	b="$(new_id)"
	create_container "$a"
	start_running "$b"
	run -0 --separate-stderr rune list --format json
	jq -e --arg a "$a" --arg b "$b" --arg bundle "$BUNDLE" --argjson pa "$(container_pid "$a")" '
		type == "array" and length == 2
		and (map(select(.id == $a))[0] | .status == "created" and .pid == $pa and .bundle == $bundle)
		and (map(select(.id == $b))[0] | .status == "running" and .pid > 0 and .bundle == $bundle)' <<<"$output"
}

@test "list -f json is the short form of --format json; an empty list is empty" {
	run -0 --separate-stderr rune list -f json
	jq -e 'length == 0' <<<"$output"
	local id
	id="$(new_id)"
	create_container "$id"
	run -0 --separate-stderr rune list -f json
	jq -e --arg id "$id" 'length == 1 and .[0].id == $id' <<<"$output"
}

@test "list --format table is the default table" {
	local id
	id="$(new_id)"
	create_container "$id"
	run -0 rune list --format table
	[ "$output" = "$(rune list)" ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
}

@test "list --format with an unknown format fails" {
	run -1 rune list --format yaml
	assert_error_mentions yaml
}

@test "list only shows the containers of its own --root" {
	local id other="$TEST_DIR/other-root"
	id="$(new_id)"
	create_container "$id"
	mkdir "$other"
	run -0 rune_noroot --root "$other" list --quiet
	[ -z "$output" ]
	run -0 rune list --quiet
	[ "$output" = "$id" ]
}

@test "list --help prints usage and exits 0" {
	run -0 rune list --help
	assert_output_contains --format
	assert_output_contains --quiet
}
