#!/usr/bin/env bats
# rune kill: signalling a container's process (all its processes with --all).

load helpers

# A container whose process records the signals it catches in /signal, then exits.
# In its own PID namespace it is an init, so only caught signals (and KILL) reach it.
trapping_container() {
	local id="$1" script='for s in HUP INT USR1 USR2 TERM; do trap "echo $s > /signal; exit 0" $s; done; touch /ready; while :; do sleep 0.1; done'
	set_cmd "$script"
	create_container "$id"
	rune start "$id"
	wait_for_file "$ROOTFS/ready"
}

# expect_signal ID NAME: the container caught NAME and stopped.
expect_signal() {
	wait_for_status "$1" stopped
	[ "$(cat "$ROOTFS/signal")" = "$2" ] || fail "caught '$(cat "$ROOTFS/signal" 2>/dev/null)', expected '$2'"
}

@test "kill without a signal sends TERM" {
	local id
	id="$(new_id)"
	trapping_container "$id"
	run -0 rune kill "$id"
	expect_signal "$id" TERM
}

@test "kill ID TERM sends TERM" {
	local id
	id="$(new_id)"
	trapping_container "$id"
	run -0 rune kill "$id" TERM
	expect_signal "$id" TERM
}

@test "kill ID SIGUSR1 takes a name with the SIG prefix" {
	local id
	id="$(new_id)"
	trapping_container "$id"
	run -0 rune kill "$id" SIGUSR1
	expect_signal "$id" USR1
}

@test "kill ID USR2 takes a name without the SIG prefix" {
	local id
	id="$(new_id)"
	trapping_container "$id"
	run -0 rune kill "$id" USR2
	expect_signal "$id" USR2
}

@test "kill ID 1 takes a signal number (HUP)" {
	local id
	id="$(new_id)"
	trapping_container "$id"
	run -0 rune kill "$id" 1
	expect_signal "$id" HUP
}

@test "kill ID KILL stops a process that ignores TERM" {
	local id
	id="$(new_id)"
	set_cmd 'trap "" TERM; touch /ready; while :; do sleep 0.1; done'
	start_running "$id"
	wait_for_file "$ROOTFS/ready"
	run -0 rune kill "$id" KILL
	wait_for_status "$id" stopped
}

@test "kill ID SIGKILL and kill ID 9 stop the container" {
	local id
	id="$(new_id)"
	start_running "$id"
	run -0 rune kill "$id" SIGKILL
	wait_for_status "$id" stopped
	id="$(new_id)"
	start_running "$id"
	run -0 rune kill "$id" 9
	wait_for_status "$id" stopped
}

@test "kill of a created container stops it" {
	local id pid
	id="$(new_id)"
	create_container "$id"
	pid="$(container_pid "$id")"
	run -0 rune kill "$id" KILL
	wait_for_status "$id" stopped
	wait_for_pid_exit "$pid"
	run -0 rune delete "$id"
	assert_nothing_left "$id"
}

@test "kill --all KILL stops every process of the container" {
	local id child
	id="$(new_id)"
	# Without a PID namespace, killing the init alone would leave its child running.
	without_namespace pid
	set_cmd 'sleep 1000 & echo $! > /child; wait'
	start_running "$id"
	wait_for_file "$ROOTFS/child"
	child="$(cat "$ROOTFS/child")"
	pid_alive "$child"
	run -0 rune kill --all "$id" KILL
	wait_for_status "$id" stopped
	wait_for_pid_exit "$child"
}

@test "kill -a is the short form of --all" {
	local id pid
	id="$(new_id)"
	set_cmd 'sleep 1000 & sleep 1000 & wait'
	start_running "$id"
	pid="$(container_pid "$id")"
	run -0 rune kill -a "$id" KILL
	wait_for_status "$id" stopped
	wait_for_pid_exit "$pid"
}

@test "kill of an unknown container fails and names it" {
	local id
	id="$(new_id)"
	run -1 rune kill "$id" KILL
	assert_error_mentions "$id"
	assert_nothing_left "$id"
}

@test "two concurrent kills of one container: it ends stopped and deletable" {
	local id other other_pid rc1=0 rc2=0 p1 p2
	id="$(new_id)"
	other="$(new_id)"
	start_running "$id"
	start_running "$other"
	other_pid="$(container_pid "$other")"
	rune kill "$id" KILL >"$TEST_DIR/k1" 2>&1 &
	p1=$!
	rune kill "$id" KILL >"$TEST_DIR/k2" 2>&1 &
	p2=$!
	wait "$p1" || rc1=$?
	wait "$p2" || rc2=$?
	echo "exit statuses: $rc1 $rc2" >&2
	# One must succeed; the other may find the container already stopped.
	[ "$rc1" -eq 0 ] || [ "$rc2" -eq 0 ]
	[ "$rc1" -le 1 ] && [ "$rc2" -le 1 ]
	wait_for_status "$id" stopped
	# The other container is untouched.
	[ "$(container_status "$other")" = running ]
	[ "$(container_pid "$other")" = "$other_pid" ]
	run -0 rune delete "$id"
	assert_nothing_left "$id"
	[ "$(list_ids)" = "$other" ]
}

@test "kill and delete --force at once: the container is gone either way" {
	local id rc1=0 rc2=0 p1 p2
	id="$(new_id)"
	start_running "$id"
	rune kill "$id" KILL >"$TEST_DIR/k" 2>&1 &
	p1=$!
	rune delete --force "$id" >"$TEST_DIR/d" 2>&1 &
	p2=$!
	wait "$p1" || rc1=$?
	wait "$p2" || rc2=$?
	echo "kill: $rc1 $(cat "$TEST_DIR/k")" >&2
	echo "delete --force: $rc2 $(cat "$TEST_DIR/d")" >&2
	[ "$rc1" -le 1 ]
	[ "$rc2" -eq 0 ]
	assert_nothing_left "$id"
	run -0 rune list
}

@test "kill without a container id fails" {
	run -1 rune kill
}

@test "kill --help prints usage and exits 0" {
	run -0 rune kill --help
	assert_output_contains --all
}
