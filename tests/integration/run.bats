#!/usr/bin/env bats
# rune run: create + start, attached (waits for the process) or --detach.

load helpers

@test "run prints the process's output, exits 0 and removes the container" {
	local id
	id="$(new_id)"
	set_cmd 'echo hello from $(hostname)'
	run -0 rune run --bundle "$BUNDLE" "$id"
	[ "$output" = "hello from rune-test" ]
	run -1 rune state "$id"
	[ -z "$(list_ids)" ]
	assert_nothing_left "$id"
}

@test "run exits with the process's exit status" {
	local id
	id="$(new_id)"
	set_cmd 'exit 7'
	run -7 rune run --bundle "$BUNDLE" "$id"
	assert_nothing_left "$id"
}

@test "run exits with 128+N when the process is killed by signal N" {
	local id
	id="$(new_id)"
	# Outside a PID namespace the shell is not an init, so it can kill itself.
	without_namespace pid
	set_cmd 'kill -KILL $$; sleep 5'
	run -137 rune run --bundle "$BUNDLE" "$id"
	set_cmd 'kill -TERM $$; sleep 5'
	run -143 rune run --bundle "$BUNDLE" "$id"
}

@test "run exits with 137 when the container is killed with rune kill KILL" {
	local id rc=0 job
	id="$(new_id)"
	rune run --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/run.out" 2>&1 &
	job=$!
	wait_for_status "$id" running
	rune kill "$id" KILL
	wait "$job" || rc=$?
	[ "$rc" -eq 137 ] || fail "run exited with $rc: $(cat "$TEST_DIR/run.out")"
}

@test "run passes its stdin to the process" {
	local id
	id="$(new_id)"
	set_args cat
	printf 'line one\nline two\n' >"$TEST_DIR/input"
	run -0 rune run --bundle "$BUNDLE" "$id" <"$TEST_DIR/input"
	[ "$output" = $'line one\nline two' ]
}

@test "run keeps stdout and stderr apart" {
	local id
	id="$(new_id)"
	set_cmd 'echo out; echo err >&2'
	run -0 --separate-stderr rune run --bundle "$BUNDLE" "$id"
	[ "$output" = out ]
	[ "$stderr" = err ]
}

@test "run --detach returns while the process keeps running" {
	local id pid
	id="$(new_id)"
	run_detached -0 rune run --detach --bundle "$BUNDLE" "$id"
	[ "$(container_status "$id")" = running ]
	pid="$(container_pid "$id")"
	pid_alive "$pid"
}

@test "run -d is the short form of --detach" {
	local id
	id="$(new_id)"
	run_detached -0 rune run -d --bundle "$BUNDLE" "$id"
	[ "$(container_status "$id")" = running ]
}

@test "run -d: a short-lived process ends up stopped and stays until deleted" {
	local id
	id="$(new_id)"
	set_args true
	run_container_detached "$id"
	wait_for_status "$id" stopped
	[ "$(list_ids)" = "$id" ]
	rune delete "$id"
	assert_nothing_left "$id"
}

@test "run --pid-file writes the container's pid" {
	local id
	id="$(new_id)"
	run_container_detached "$id" --pid-file "$TEST_DIR/run.pid"
	[ "$(cat "$TEST_DIR/run.pid")" = "$(container_pid "$id")" ]
	pid_alive "$(cat "$TEST_DIR/run.pid")"
}

@test "run --keep keeps the stopped container after the process exits" {
	local id
	id="$(new_id)"
	set_cmd 'exit 3'
	run -3 rune run --keep --bundle "$BUNDLE" "$id"
	[ "$(container_status "$id")" = stopped ]
	[ "$(list_ids)" = "$id" ]
	run -0 rune delete "$id"
	assert_nothing_left "$id"
}

@test "run --bundle from another directory; -b is its short form" {
	local id
	id="$(new_id)"
	set_args echo bundled
	cd "$TEST_DIR"
	run -0 rune run --bundle "$BUNDLE" "$id"
	[ "$output" = bundled ]
	id="$(new_id)"
	run -0 rune run -b "$BUNDLE" "$id"
	[ "$output" = bundled ]
}

@test "run without --bundle uses the current directory" {
	local id
	id="$(new_id)"
	set_args echo from-cwd
	cd "$BUNDLE"
	run -0 rune run "$id"
	[ "$output" = from-cwd ]
}

@test "run --no-pivot: the process sees the bundle's rootfs as /" {
	local id
	id="$(new_id)"
	set_cmd 'cat /etc/passwd; ls /bin/busybox'
	run -0 rune run --no-pivot --bundle "$BUNDLE" "$id"
	[ "${lines[0]}" = 'root:x:0:0:root:/root:/bin/sh' ]
	[ "${lines[1]}" = /bin/busybox ]
}

@test "run --preserve-fds 1: fd 3 is visible and readable in the container" {
	local id
	id="$(new_id)"
	echo "content of fd three" >"$TEST_DIR/fd3"
	set_cmd 'ls /proc/self/fd/3 >/dev/null && cat <&3'
	run -0 rune_with_fds "$TEST_DIR/fd3" -- run --preserve-fds 1 --bundle "$BUNDLE" "$id"
	[ "$output" = "content of fd three" ]
}

@test "run --preserve-fds 2: fds 3 and 4 both reach the container" {
	local id
	id="$(new_id)"
	echo three >"$TEST_DIR/fd3"
	echo four >"$TEST_DIR/fd4"
	set_cmd 'cat <&3; cat <&4'
	run -0 rune_with_fds "$TEST_DIR/fd3" "$TEST_DIR/fd4" -- run --preserve-fds 2 --bundle "$BUNDLE" "$id"
	[ "$output" = $'three\nfour' ]
}

@test "run without --preserve-fds does not leak the runtime's extra fds" {
	local id
	id="$(new_id)"
	echo secret >"$TEST_DIR/fd3"
	set_cmd 'for fd in 3 4; do if [ -e /proc/$$/fd/$fd ]; then echo "fd $fd open"; fi; done; echo done'
	run -0 rune_with_fds "$TEST_DIR/fd3" "$TEST_DIR/fd3" -- run --bundle "$BUNDLE" "$id"
	[ "$output" = done ]
}

@test "run sets the hostname and runs in its own namespaces" {
	local id
	id="$(new_id)"
	set_cmd 'hostname; echo $$; ls /sys/class/net'
	run -0 rune run --bundle "$BUNDLE" "$id"
	[ "${lines[0]}" = rune-test ]
	# PID namespace: the process is its init.
	[ "${lines[1]}" = 1 ]
	# Network namespace: only the loopback device.
	[ "${lines[2]}" = lo ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "run brings up lo in a new network namespace and leaves a joined one alone" {
	local id ns
	id="$(new_id)"
	set_cmd 'cat /sys/class/net/lo/flags; ping -c 1 -W 1 127.0.0.1 >/dev/null && echo reachable'
	run -0 rune run --bundle "$BUNDLE" "$id"
	# 0x9: IFF_UP | IFF_LOOPBACK, as under runc and crun.
	[ "${lines[0]}" = 0x9 ]
	[ "${lines[1]}" = reachable ]
	ns="rune-test-$id"
	ip netns add "$ns"
	update_config --arg p "/var/run/netns/$ns" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_cmd 'cat /sys/class/net/lo/flags'
	run rune run --bundle "$BUNDLE" "$id-joined"
	ip netns del "$ns"
	[ "$status" -eq 0 ]
	[ "$output" = 0x8 ]
}

@test "run with a read-only root makes / unwritable" {
	local id
	id="$(new_id)"
	update_config '.root.readonly = true'
	set_cmd 'if touch /should-fail 2>/dev/null; then echo writable; else echo read-only; fi'
	run -0 rune run --bundle "$BUNDLE" "$id"
	[ "$output" = read-only ]
	[ ! -e "$ROOTFS/should-fail" ]
}

@test "run of a command missing from the rootfs fails and leaves nothing" {
	local id
	id="$(new_id)"
	set_args /no/such/binary
	run ! rune run --bundle "$BUNDLE" "$id"
	[ "$status" -ne 124 ]
	assert_error_mentions /no/such/binary
	assert_nothing_left "$id"
}

@test "an id can be reused once its container is gone" {
	local id
	id="$(new_id)"
	set_args echo again
	run -0 rune run --bundle "$BUNDLE" "$id"
	run -0 rune run --bundle "$BUNDLE" "$id"
	[ "$output" = again ]
}

@test "run --help prints usage and exits 0" {
	run -0 rune run --help
	assert_output_contains --detach
	assert_output_contains --keep
}
