#!/usr/bin/env bats
# process.terminal: a pty from the container's devpts, to a console socket or rune's stdio.

load helpers

# start_recvtty SOCKET OUT: a console socket receiver writing the terminal's output to OUT.
start_recvtty() {
	"$RECVTTY" --no-stdin "$1" >"$2" 2>"$2.err" 3>&- &
	RECVTTY_PID=$!
	wait_for_file "$1"
}

@test "create --console-socket sends the pty master; the process's stdio is the pty" {
	local id
	id="$(new_id)"
	update_config '.process.terminal = true'
	set_cmd 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; stty size'
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	start_recvtty "$TEST_DIR/console.sock" "$TEST_DIR/tty.out"
	create_container "$id" --console-socket "$TEST_DIR/console.sock"
	rune start "$id"
	wait "$RECVTTY_PID"
	grep -q '^recvtty: got /dev/pts/' "$TEST_DIR/tty.out.err"
	tr -d '\r' <"$TEST_DIR/tty.out" >"$TEST_DIR/tty.txt"
	[ "$(sed -n 1p "$TEST_DIR/tty.txt")" = /dev/pts/0 ]
	[ "$(sed -n 2p "$TEST_DIR/tty.txt")" = all-ttys ]
	[ "$(sed -n 3p "$TEST_DIR/tty.txt")" = "33 111" ]
}

@test "run attaches the terminal to rune's stdio and exits with the status" {
	local id
	id="$(new_id)"
	update_config '.process.terminal = true'
	set_cmd 'tty; read line; echo "read $line"; exit 5'
	run bash -c "echo hello | '$RUNE' --root '$ROOT' run --bundle '$BUNDLE' '$id'"
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"read hello"* ]]
}

@test "a terminal without a console socket cannot be detached" {
	local id
	id="$(new_id)"
	update_config '.process.terminal = true'
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "--console-socket"
	assert_nothing_left "$id"
	run_detached -1 rune run -d --bundle "$BUNDLE" "$id"
	assert_error_mentions "--console-socket"
	assert_nothing_left "$id"
}

@test "a console socket without a terminal is refused" {
	local id
	id="$(new_id)"
	run_detached -1 rune create --console-socket "$TEST_DIR/none.sock" --bundle "$BUNDLE" "$id"
	assert_error_mentions "process.terminal"
	assert_nothing_left "$id"
}

@test "a console socket nobody listens on fails create and leaves nothing" {
	local id
	id="$(new_id)"
	update_config '.process.terminal = true'
	run_detached -1 rune create --console-socket "$TEST_DIR/nobody.sock" --bundle "$BUNDLE" "$id"
	assert_error_mentions "nobody.sock"
	assert_nothing_left "$id"
}

@test "exec --tty gives the process a terminal" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	run bash -c "echo hi | '$RUNE' --root '$ROOT' exec --tty '$id' sh -c 'tty; read x; echo got \$x'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"got hi"* ]]
}

@test "exec --tty --detach sends the terminal to the console socket" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	start_recvtty "$TEST_DIR/console.sock" "$TEST_DIR/tty.out"
	run_detached -0 rune exec -t -d --console-socket "$TEST_DIR/console.sock" "$id" sh -c 'tty'
	wait "$RECVTTY_PID"
	grep -q '/dev/pts/' "$TEST_DIR/tty.out"
}
