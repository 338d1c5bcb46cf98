#!/usr/bin/env bats
# Error paths: each fails with exit status 1, a message on stderr naming what is at
# fault, and leaves nothing behind.

load helpers

# create_and_run_fail ID TEXT...: `rune create` of ID must fail with status 1, mention each TEXT
# and leave nothing behind; then the same for `rune run`.
create_and_run_fail() {
	local id="$1"
	shift
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "$@"
	assert_nothing_left "$id"
	run_detached -1 rune run --bundle "$BUNDLE" "$id"
	assert_error_mentions "$@"
	assert_nothing_left "$id"
}

@test "config.json that is not JSON" {
	local id
	id="$(new_id)"
	echo '{ "ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
	create_and_run_fail "$id" config.json
}

@test "config.json that is JSON but not an object" {
	local id
	id="$(new_id)"
	echo '[1, 2, 3]' >"$BUNDLE/config.json"
	create_and_run_fail "$id" config
}

@test "missing config.json" {
	local id
	id="$(new_id)"
	rm "$BUNDLE/config.json"
	create_and_run_fail "$id" config.json
}

@test "missing bundle directory" {
	local id
	id="$(new_id)"
	run_detached -1 rune create --bundle "$TEST_DIR/no-such-bundle" "$id"
	assert_error_mentions no-such-bundle
	assert_nothing_left "$id"
}

@test "missing rootfs" {
	local id
	id="$(new_id)"
	rm -rf "$ROOTFS"
	create_and_run_fail "$id" rootfs
}

@test "root.path pointing to a missing directory" {
	local id
	id="$(new_id)"
	update_config '.root.path = "no-such-rootfs"'
	create_and_run_fail "$id" no-such-rootfs
}

@test "unknown namespace type" {
	local id
	id="$(new_id)"
	update_config '.linux.namespaces += [{"type": "bogusns"}]'
	create_and_run_fail "$id" bogusns
}

@test "missing process.args" {
	local id
	id="$(new_id)"
	update_config 'del(.process.args)'
	create_and_run_fail "$id" process.args
}

@test "empty process.args" {
	local id
	id="$(new_id)"
	update_config '.process.args = []'
	create_and_run_fail "$id" process.args
}

@test "wrong field type: process.args is a string" {
	local id
	id="$(new_id)"
	update_config '.process.args = "sh"'
	create_and_run_fail "$id" process.args
}

@test "wrong field type: process.cwd is a number" {
	local id
	id="$(new_id)"
	update_config '.process.cwd = 42'
	create_and_run_fail "$id" process.cwd
}

@test "wrong field type: root.readonly is a string" {
	local id
	id="$(new_id)"
	update_config '.root.readonly = "yes"'
	create_and_run_fail "$id" root.readonly
}

@test "relative process.cwd" {
	local id
	id="$(new_id)"
	update_config '.process.cwd = "relative/dir"'
	create_and_run_fail "$id" cwd
}

@test "a mount of an unknown filesystem type fails after the process is spawned" {
	local id
	id="$(new_id)"
	update_config '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]'
	create_and_run_fail "$id" /mnt
}

@test "a bind mount whose source is missing" {
	local id
	id="$(new_id)"
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/no/such/source", "options": ["bind"]}]'
	create_and_run_fail "$id" /mnt
}

@test "a failing createRuntime hook fails create and leaves nothing" {
	local id
	id="$(new_id)"
	update_config --arg out "$TEST_DIR/hook-ran" \
		'.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "touch \"$1\"; exit 3", "hook", $out]}]'
	create_and_run_fail "$id" hook
	# The hook did run (so the failure came late, with a process to clean up).
	[ -e "$TEST_DIR/hook-ran" ]
}

@test "duplicate id: the second create fails and the first container is untouched" {
	local id pid
	id="$(new_id)"
	create_container "$id"
	pid="$(container_pid "$id")"
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "$id"
	run_detached -1 rune run --bundle "$BUNDLE" "$id"
	assert_error_mentions "$id"
	run -0 rune state "$id"
	jq -e --argjson pid "$pid" --arg bundle "$BUNDLE" \
		'.status == "created" and .pid == $pid and .bundle == $bundle' <<<"$output"
	[ "$(list_ids)" = "$id" ]
}

@test "start of a running container fails and leaves it running" {
	local id pid
	id="$(new_id)"
	start_running "$id"
	pid="$(container_pid "$id")"
	run -1 rune start "$id"
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = running ]
	[ "$(container_pid "$id")" = "$pid" ]
}

@test "kill of a stopped container fails" {
	local id
	id="$(new_id)"
	set_args true
	run_container_detached "$id"
	wait_for_status "$id" stopped
	run -1 rune kill "$id" KILL
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = stopped ]
}

@test "delete of a running container without --force fails" {
	local id
	id="$(new_id)"
	run_container_detached "$id"
	run -1 rune delete "$id"
	assert_error_mentions "$id"
	[ "$(container_status "$id")" = running ]
}

@test "bad signal name: kill fails and the container keeps running" {
	local id pid
	id="$(new_id)"
	start_running "$id"
	pid="$(container_pid "$id")"
	run -1 rune kill "$id" SIGBOGUS
	assert_error_mentions BOGUS
	[ "$(container_status "$id")" = running ]
	pid_alive "$pid"
}

@test "bad signal number: kill fails and the container keeps running" {
	local id
	id="$(new_id)"
	start_running "$id"
	run -1 rune kill "$id" 1000
	assert_error_mentions 1000
	[ "$(container_status "$id")" = running ]
}

@test "unknown verb" {
	run -1 rune frobnicate
	assert_error_mentions frobnicate
}

@test "unknown global flag" {
	run -1 rune --frobnicate list
	assert_error_mentions frobnicate
}

@test "unknown flag of a verb" {
	local id verb
	id="$(new_id)"
	for verb in create run start state kill delete list spec; do
		run -1 rune "$verb" --frobnicate "$id"
		assert_error_mentions frobnicate
	done
	assert_nothing_left "$id"
	[ ! -e "$WORK/config.json" ]
}

@test "create --console-socket fails clearly and leaves nothing" {
	local id
	id="$(new_id)"
	run_detached -1 rune create --bundle "$BUNDLE" --console-socket "$TEST_DIR/console.sock" "$id"
	assert_error_mentions console
	assert_nothing_left "$id"
}

@test "run --console-socket fails clearly and leaves nothing" {
	local id
	id="$(new_id)"
	run_detached -1 rune run --bundle "$BUNDLE" --console-socket "$TEST_DIR/console.sock" "$id"
	assert_error_mentions console
	assert_nothing_left "$id"
}

@test "an id that is a path is refused" {
	local evil
	evil="evil-$(new_id)"
	echo "$evil" >>"$TEST_DIR/.ids"
	run_detached -1 rune create --bundle "$BUNDLE" "../$evil"
	[ ! -e "$TEST_DIR/$evil" ]
	run_detached -1 rune create --bundle "$BUNDLE" "a/$evil"
	[ ! -e "$ROOT/a" ]
	assert_nothing_left "$evil"
}

@test "an empty id is refused" {
	run_detached -1 rune create --bundle "$BUNDLE" ""
	[ -z "$(find "$ROOT" -mindepth 1 -type d)" ]
}

@test "state, start, kill and delete of an unknown id all fail and name it" {
	local id cmd
	id="$(new_id)"
	for cmd in state start kill delete; do
		run -1 rune "$cmd" "$id"
		assert_error_mentions "$id"
	done
	assert_nothing_left "$id"
}

@test "too many arguments" {
	local id
	id="$(new_id)"
	run -1 rune state "$id" extra
	run -1 rune delete "$id" extra
	run -1 rune kill "$id" KILL extra
}
