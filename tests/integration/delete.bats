#!/usr/bin/env bats
# rune delete: removing stopped containers (any container with --force).

load helpers

@test "delete removes a stopped container and everything it held" {
	local id
	id="$(new_id)"
	set_args true
	create_container "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	[ -d "$ROOT/$id" ] || [ -n "$(ls -A "$ROOT")" ]
	run -0 rune delete "$id"
	run -1 rune state "$id"
	[ -z "$(list_ids)" ]
	assert_nothing_left "$id"
}

@test "delete of a running container without --force fails and leaves it running" {
	local id pid
	id="$(new_id)"
	start_running "$id"
	pid="$(container_pid "$id")"
	run -1 rune delete "$id"
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = running ]
	pid_alive "$pid"
}

@test "delete of a created container without --force fails" {
	requires_rune "runc deletes a created container without --force"
	local id pid
	id="$(new_id)"
	create_container "$id"
	pid="$(container_pid "$id")"
	run -1 rune delete "$id"
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = created ]
	pid_alive "$pid"
}

@test "delete --force of a created container removes it" {
	local id pid
	id="$(new_id)"
	create_container "$id"
	pid="$(container_pid "$id")"
	run -0 rune delete --force "$id"
	run -1 rune state "$id"
	wait_for_pid_exit "$pid"
	assert_nothing_left "$id"
}

@test "delete --force of a running container kills and removes it" {
	local id pid
	id="$(new_id)"
	# A process that ignores TERM: --force must not depend on it exiting by itself.
	set_cmd 'trap "" TERM; while :; do sleep 0.1; done'
	start_running "$id"
	pid="$(container_pid "$id")"
	run -0 rune delete --force "$id"
	run -1 rune state "$id"
	wait_for_pid_exit "$pid"
	assert_nothing_left "$id"
}

@test "delete -f is the short form of --force" {
	local id pid
	id="$(new_id)"
	start_running "$id"
	pid="$(container_pid "$id")"
	run -0 rune delete -f "$id"
	wait_for_pid_exit "$pid"
	assert_nothing_left "$id"
}

@test "delete --force of a stopped container removes it" {
	local id
	id="$(new_id)"
	set_args true
	run_container_detached "$id"
	wait_for_status "$id" stopped
	run -0 rune delete --force "$id"
	assert_nothing_left "$id"
}

@test "delete --force kills every process of a container without a PID namespace" {
	local id child
	id="$(new_id)"
	without_namespace pid
	set_cmd 'sleep 1000 & echo $! > /child; wait'
	start_running "$id"
	wait_for_file "$ROOTFS/child"
	child="$(cat "$ROOTFS/child")"
	run -0 rune delete --force "$id"
	wait_for_pid_exit "$child"
	assert_nothing_left "$id"
}

@test "delete without --force works after the process was killed behind the runtime's back" {
	local id
	id="$(new_id)"
	start_running "$id"
	kill -KILL "$(container_pid "$id")"
	wait_for_status "$id" stopped
	run -0 rune delete "$id"
	assert_nothing_left "$id"
}

@test "delete runs poststop hooks once the container is gone" {
	local id
	id="$(new_id)"
	update_config --arg out "$TEST_DIR/poststop" \
		'.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \"$1\"", "hook", $out]}]'
	start_running "$id"
	[ ! -e "$TEST_DIR/poststop" ]
	run -0 rune delete --force "$id"
	jq -e --arg id "$id" '.id == $id' "$TEST_DIR/poststop"
	assert_nothing_left "$id"
}

@test "delete of an unknown container fails and names it" {
	local id
	id="$(new_id)"
	run -1 rune delete "$id"
	assert_error_mentions "$id"
}

@test "delete leaves the other containers alone" {
	local a b pid_b
	a="$(new_id)"
	b="$(new_id)"
	start_running "$a"
	start_running "$b"
	pid_b="$(container_pid "$b")"
	run -0 rune delete --force "$a"
	assert_nothing_left "$a"
	[ "$(list_ids)" = "$b" ]
	[ "$(container_status "$b")" = running ]
	[ "$(container_pid "$b")" = "$pid_b" ]
}

@test "concurrent delete --force of the same containers: all gone, state not corrupted" {
	local ids=() id i bystander jobs=() rc ok
	for i in 1 2 3; do
		id="$(new_id)"
		ids+=("$id")
		start_running "$id"
	done
	bystander="$(new_id)"
	start_running "$bystander"
	for id in "${ids[@]}"; do
		for i in 1 2; do
			rune delete --force "$id" >"$TEST_DIR/$id.del$i" 2>&1 &
			jobs+=("$id:$i:$!")
		done
	done
	declare -A succeeded=()
	for i in "${jobs[@]}"; do
		rc=0
		wait "${i##*:}" || rc=$?
		id="${i%%:*}"
		echo "delete --force $id: $rc $(cat "$TEST_DIR/$id.del$(cut -d: -f2 <<<"$i")")" >&2
		# A loser may find the container already gone, but must not crash or hang.
		[ "$rc" -le 1 ]
		if [ "$rc" -eq 0 ]; then succeeded[$id]=1; fi
	done
	for id in "${ids[@]}"; do
		[ -n "${succeeded[$id]:-}" ] || fail "no delete --force of $id succeeded"
		assert_nothing_left "$id"
	done
	run -0 rune list --format json
	jq -e --arg b "$bystander" 'length == 1 and .[0].id == $b and .[0].status == "running"' <<<"$output"
	run -0 rune delete --force "$bystander"
	[ -z "$(list_ids)" ]
}

@test "delete without a container id fails" {
	run -1 rune delete
}

@test "delete --help prints usage and exits 0" {
	run -0 rune delete --help
	assert_output_contains --force
}
