#!/usr/bin/env bats
# rune state: the OCI state of a container.

load helpers

@test "state of a created container is complete OCI state JSON" {
	local id
	id="$(new_id)"
	update_config '.annotations = {"org.example.key": "value one", "org.example.other": ""}'
	create_container "$id"
	run -0 --separate-stderr rune state "$id"
	jq -e . <<<"$output" >/dev/null
	jq -e --arg id "$id" --arg bundle "$BUNDLE" '
		(.ociVersion | type == "string" and length > 0)
		and .id == $id
		and .status == "created"
		and (.pid | type == "number" and . > 0)
		and .bundle == $bundle
		and .annotations["org.example.key"] == "value one"
		and .annotations["org.example.other"] == ""' <<<"$output"
}

@test "state reports running after start, with the pid of the process" {
	local id pid
	id="$(new_id)"
	create_container "$id"
	rune start "$id"
	run -0 rune state "$id"
	jq -e '.status == "running"' <<<"$output"
	pid="$(jq -r .pid <<<"$output")"
	pid_alive "$pid"
	# The pid is the container's process itself (busybox's sleep, once it has exec'd).
	local i
	for i in $(seq 1 100); do
		[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ] && break
		sleep 0.05
	done
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
	[[ "$(readlink "/proc/$pid/exe")" == */bin/busybox ]]
}

@test "state reports stopped once the process has exited" {
	local id
	id="$(new_id)"
	set_args true
	create_container "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	run -0 rune state "$id"
	jq -e --arg id "$id" '.status == "stopped" and .id == $id' <<<"$output"
}

@test "state reports stopped after the process is killed behind the runtime's back" {
	local id pid
	id="$(new_id)"
	start_running "$id"
	pid="$(container_pid "$id")"
	kill -KILL "$pid"
	wait_for_status "$id" stopped
}

@test "state without annotations in the config is still valid" {
	local id
	id="$(new_id)"
	create_container "$id"
	run -0 rune state "$id"
	jq -e '(.annotations == null) or (.annotations | type == "object" and length == 0)' <<<"$output"
}

@test "state of an unknown container fails and names it" {
	local id
	id="$(new_id)"
	run -1 --separate-stderr rune state "$id"
	[ -z "$output" ]
	output="$stderr"
	assert_error_mentions "$id"
}

@test "state without a container id fails" {
	run -1 rune state
}

@test "state --help prints usage and exits 0" {
	run -0 rune state --help
	assert_output_contains state
}
