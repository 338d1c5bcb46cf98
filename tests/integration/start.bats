#!/usr/bin/env bats
# rune start: running the user process of a created container.

load helpers

@test "start makes a created container running, with the same pid" {
	local id pid
	id="$(new_id)"
	create_container "$id"
	pid="$(container_pid "$id")"
	run -0 rune start "$id"
	wait_for_status "$id" running
	[ "$(container_pid "$id")" = "$pid" ]
	pid_alive "$pid"
}

@test "start runs the configured process" {
	local id
	id="$(new_id)"
	set_cmd 'echo started > /marker'
	create_container "$id"
	[ ! -e "$ROOTFS/marker" ]
	rune start "$id"
	wait_for_file "$ROOTFS/marker"
	wait_for_status "$id" stopped
	[ "$(cat "$ROOTFS/marker")" = started ]
}

@test "start returns at once without waiting for the process" {
	local id t0
	id="$(new_id)"
	create_container "$id"
	t0=$SECONDS
	run -0 rune start "$id"
	((SECONDS - t0 < 5))
	[ "$(container_status "$id")" = running ]
}

@test "the process keeps its configured args, env and cwd" {
	local id
	id="$(new_id)"
	mkdir -p "$ROOTFS/work/dir"
	update_config '.process.cwd = "/work/dir" | .process.env += ["GREETING=hello world"]'
	set_args sh -c 'echo "$GREETING|$(pwd)|$0|$1" > /result' first-arg second-arg
	create_container "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	[ "$(cat "$ROOTFS/result")" = "hello world|/work/dir|first-arg|second-arg" ]
}

@test "start of a stopped container fails" {
	local id
	id="$(new_id)"
	set_args true
	create_container "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	run -1 rune start "$id"
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = stopped ]
}

@test "start of an unknown container fails and names it" {
	local id
	id="$(new_id)"
	run -1 rune start "$id"
	assert_error_mentions "$id"
	assert_nothing_left "$id"
}

@test "start without a container id fails" {
	run -1 rune start
}

@test "start --help prints usage and exits 0" {
	run -0 rune start --help
	assert_output_contains start
}
