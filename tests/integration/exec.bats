#!/usr/bin/env bats
# rune exec: a new process in a running container, set up like the container's own.

load helpers

@test "exec runs a command in the container's namespaces and returns its exit code" {
	local id
	id="$(new_id)"
	set_cmd 'echo $$ > /tmp/init-pid; hostname > /tmp/h; sleep 1000'
	update_config '.hostname = "exec-host"'
	start_running "$id"
	run rune exec "$id" sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = exec-host ]
	# busybox sh execs its last command: the init is now sleep.
	[ "${lines[1]}" = "sleep 1000 " ]
}

@test "exec'd processes share the container's pid namespace and cgroup" {
	local id init
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	init="$(container_pid "$id")"
	run rune exec "$id" sh -c 'echo $$; readlink /proc/self/ns/pid'
	[ "$status" -eq 0 ] || { echo "status=$status output=$output"; false; }
	# A new pid in the container's namespace: not 1 and not the host's numbering.
	[ "${lines[0]}" -gt 1 ]
	[ "${lines[1]}" = "$(readlink /proc/$init/ns/pid)" ]
}

@test "exec --env, --cwd, --user and --additional-gids change the process" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	run rune exec --env FOO=bar -e PATH=/bin --cwd /tmp --user 1000:1001 -g 5 -g 6 "$id" \
		sh -c 'echo $FOO $PATH; pwd; id -u; id -g; id -G'
	[ "$status" -eq 0 ] || { echo "status=$status output=$output"; false; }
	[ "${lines[0]}" = "bar /bin" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1001 ]
	[ "${lines[4]}" = "1001 5 6" ]
}

@test "exec --process runs an OCI process JSON" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	cat >"$TEST_DIR/process.json" <<-'JSON'
		{ "args": ["sh", "-c", "echo $A; id -u; pwd"], "env": ["A=from-json", "PATH=/bin"],
		  "cwd": "/etc", "user": { "uid": 7, "gid": 7 } }
	JSON
	run rune exec --process "$TEST_DIR/process.json" "$id"
	[ "$status" -eq 0 ] || { echo "status=$status output=$output"; false; }
	[ "${lines[0]}" = from-json ]
	[ "${lines[1]}" = 7 ]
	[ "${lines[2]}" = /etc ]
}

@test "exec --process with a bad field names it" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	echo '{ "args": [], "cwd": "/" }' >"$TEST_DIR/process.json"
	run rune exec --process "$TEST_DIR/process.json" "$id"
	[ "$status" -eq 1 ]
	assert_error_mentions "process.args"
	echo '{ "args": ["true"], "cwd": "relative" }' >"$TEST_DIR/process.json"
	run rune exec -p "$TEST_DIR/process.json" "$id"
	[ "$status" -eq 1 ]
	assert_error_mentions "process.cwd"
}

@test "exec --detach --pid-file returns at once with the process running" {
	local id pid
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	run_detached -0 rune exec --detach --pid-file "$TEST_DIR/exec.pid" "$id" sleep 1000
	pid="$(cat "$TEST_DIR/exec.pid")"
	pid_alive "$pid"
	grep -q sleep "/proc/$pid/cmdline"
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink "/proc/$(container_pid "$id")/ns/mnt")" ]
}

@test "exec of a missing command fails with the command's name and leaves no process" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	run rune exec "$id" /no/such/binary
	[ "$status" -ne 0 ]
	assert_error_mentions "/no/such/binary"
	run rune exec "$id" sh -c 'set -- /proc/[0-9]*; echo $#'
	# the init and this sh only
	[ "$output" -eq 2 ]
}

@test "exec into a stopped or missing container fails" {
	local id
	id="$(new_id)"
	set_cmd 'true'
	run_container_detached "$id"
	wait_for_status "$id" stopped
	run rune exec "$id" true
	[ "$status" -eq 1 ]
	assert_error_mentions "stopped"
	run rune exec nosuch-container true
	[ "$status" -eq 1 ]
}

@test "exec without a command is a usage error" {
	local id
	id="$(new_id)"
	run rune exec "$id"
	[ "$status" -eq 1 ]
	assert_output_contains "--help"
}

@test "exec applies the container's capabilities, and --cap adds one" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	start_running "$id"
	run rune exec "$id" sh -c 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ] || { echo "status=$status output=$output"; false; }
	[[ "$output" == *0000000000000020 ]]
	run rune exec --cap CAP_NET_ADMIN "$id" sh -c 'grep CapEff /proc/self/status'
	[[ "$output" == *0000000000001020 ]]
	run rune exec --cap CAP_BOGUS "$id" true
	[ "$status" -eq 1 ]
	assert_error_mentions "CAP_BOGUS"
}

@test "exec relays signals to the process" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	rune exec "$id" sleep 1000 &
	local rune_pid=$!
	sleep 0.5
	kill -TERM "$rune_pid"
	local status=0
	wait "$rune_pid" || status=$?
	[ "$status" -eq 143 ]
}

@test "exec'd rune cannot be reached through /proc by the container (CVE-2019-5736)" {
	local id
	id="$(new_id)"
	# Without CAP_SYS_PTRACE, as in the default template.
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	set_cmd 'sleep 1000'
	start_running "$id"
	# A process of the container keeps trying to open the exe of every other process
	# while rune exec joins: it must never get one that is rune.
	rune exec --detach "$id" sh -c 'while :; do for p in /proc/[0-9]*; do
		readlink $p/exe; done 2>/dev/null | grep -v -e busybox -e "^$" >> /tmp/seen; done'
	for _ in 1 2 3 4 5 6 7 8 9 10; do rune exec "$id" true; done
	run rune exec "$id" cat /tmp/seen
	[ -z "$output" ]
}

@test "a cwd through a leaked host fd is refused (CVE-2024-21626)" {
	local id
	id="$(new_id)"
	update_config '.process.cwd = "/proc/self/fd/7"'
	set_args /bin/busybox pwd
	run rune run --bundle "$BUNDLE" "$id" 7</
	[ "$status" -eq 1 ]
	assert_output_contains "not inside the container"
	set_cmd 'sleep 1000'
	update_config '.process.cwd = "/"'
	start_running "$id"
	run rune exec --cwd /proc/self/fd/7 "$id" /bin/busybox pwd 7</
	[ "$status" -eq 1 ]
	assert_output_contains "not inside the container"
}

@test "a created container's init (still rune) cannot be opened through /proc/1/exe" {
	local id
	id="$(new_id)"
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	set_cmd 'sleep 1000'
	create_container "$id"
	run rune exec "$id" sh -c 'cat /proc/1/exe > /dev/null && echo opened'
	[[ "$output" != *opened* ]]
	assert_output_contains "denied"
}
