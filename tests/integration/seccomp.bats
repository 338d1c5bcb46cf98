#!/usr/bin/env bats
# linux.seccomp: compiled by rune at create, loaded by the container process before exec.

load helpers


# seccomp JSON: sets linux.seccomp.
seccomp() {
	update_config ".linux.seccomp = $1"
}

@test "SCMP_ACT_ERRNO with errnoRet returns that errno" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	set_cmd 'mkdir /tmp/d; echo status=$?; grep ^Seccomp: /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	assert_output_contains "Function not implemented"
	assert_output_contains "status=1"
	assert_output_contains "Seccomp:	2"
}

@test "SCMP_ACT_ERRNO without errnoRet returns EPERM" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_cmd 'mkdir /tmp/d'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "Operation not permitted"
}

@test "a default errno with an allow list: unlisted calls fail with defaultErrnoRet" {
	local id
	id="$(new_id)"
	# What busybox needs to start, print and exit; mkdir is not in the list.
	seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
		{"names": ["execve", "write", "writev", "exit", "exit_group", "arch_prctl",
		 "set_tid_address", "brk", "mmap", "munmap", "mprotect", "getuid", "geteuid", "getpid",
		 "getppid", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "close",
		 "close_range", "fcntl", "read", "openat", "newfstatat", "fstat", "stat", "lstat",
		 "set_robust_list", "rseq", "prlimit64", "getrandom", "readlink", "readlinkat",
		 "uname", "getcwd", "lseek"], "action": "SCMP_ACT_ALLOW"}]}'
	set_args mkdir /tmp/d
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 1 ]
	assert_output_contains "Function not implemented"
}

@test "SCMP_ACT_KILL_PROCESS kills the container with SIGSYS (exit 159)" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	set_args mkdir /tmp/d
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 159 ]
}

@test "argument conditions match only the given values" {
	local id
	id="$(new_id)"
	# personality(0xffffffff) queries the persona: refuse only that, not personality(0).
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["setpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
		 "args": [{"index": 2, "value": 5, "op": "SCMP_CMP_EQ"}]}]}'
	set_cmd 'renice -n 5 -p $$ >/dev/null 2>&1; echo five=$?; renice -n 3 -p $$ >/dev/null 2>&1; echo three=$?'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "five=1"
	assert_output_contains "three=0"
}

@test "SCMP_CMP_MASKED_EQ compares under a mask" {
	local id
	id="$(new_id)"
	# refuse open(at) with O_CREAT (0100) in the flags (arg 2 of openat)
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		 "args": [{"index": 2, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	set_cmd '[ -n "$(cat /etc/passwd)" ] && echo read-ok; echo > /tmp/new || echo create-denied'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "read-ok"
	assert_output_contains "create-denied"
}

@test "the filter applies to exec'd processes too" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	set_cmd 'sleep 1000'
	start_running "$id"
	run rune exec "$id" mkdir /tmp/e
	[ "$status" -ne 0 ]
	assert_output_contains "Function not implemented"
}

@test "without noNewPrivileges the filter still loads for a non-root user" {
	local id
	id="$(new_id)"
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	set_cmd 'mkdir /tmp/d; grep -e ^Seccomp: -e NoNewPrivs /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "Function not implemented"
	assert_output_contains "Seccomp:	2"
	assert_output_contains "NoNewPrivs:	0"
}

@test "listenerPath receives the notify fd and the container process state" {
	local id
	id="$(new_id)"
	"$SECCOMP_LISTENER" "$TEST_DIR/agent.sock" 42 >"$TEST_DIR/agent.out" 3>&- &
	wait_for_file "$TEST_DIR/agent.sock"
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TEST_DIR/agent.sock\",
		\"listenerMetadata\": \"hello-agent\",
		\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	set_cmd 'mkdir /tmp/d'
	run rune run --bundle "$BUNDLE" "$id"
	# The agent answered the notification with errno 42.
	assert_output_contains "No message of desired type"
	wait
	[ "$(head -1 "$TEST_DIR/agent.out" | jq -r '.fds[0], .metadata, .state.id, (.pid > 0)' | tr '\n' ' ')" = "seccompFd hello-agent $id true " ]
}

@test "SCMP_ACT_NOTIFY without listenerPath is refused" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "linux.seccomp.listenerPath"
	assert_nothing_left "$id"
}

@test "a listener nobody listens on fails create and leaves nothing" {
	local id
	id="$(new_id)"
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TEST_DIR/none.sock\",
		\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "none.sock"
	assert_nothing_left "$id"
}

@test "bad profiles name the field and leave nothing" {
	local id bad
	id="$(new_id)"
	for bad in \
		'{"defaultAction": "SCMP_ACT_FOO"}|linux.seccomp.defaultAction' \
		'{}|linux.seccomp.defaultAction' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}|linux.seccomp.architectures[0]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}|linux.seccomp.flags[0]' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}|linux.seccomp.syscalls[0].names' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}|linux.seccomp.syscalls[0].errnoRet' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}|linux.seccomp.syscalls[0].args[0].index' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}|linux.seccomp.syscalls[0].args[0].op' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": "mkdir"}|linux.seccomp.syscalls' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}|linux.seccomp.listenerMetadata'; do
		seccomp "${bad%|*}"
		run_detached -1 rune create --bundle "$BUNDLE" "$id"
		assert_error_mentions "${bad#*|}"
		assert_nothing_left "$id"
	done
}

@test "unknown syscall names are skipped, as runc and crun do" {
	local id
	id="$(new_id)"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	set_cmd 'mkdir /tmp/d'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "Function not implemented"
}
