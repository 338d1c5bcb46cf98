#!/usr/bin/env bats
# rune create: the container is set up and its process waits for `start`.

load helpers

@test "create leaves the container created, with a live process that has not run yet" {
	local id pid
	id="$(new_id)"
	set_cmd 'touch /ran; sleep 1000'
	create_container "$id"
	[ "$(container_status "$id")" = created ]
	pid="$(container_pid "$id")"
	[ "$pid" -gt 0 ]
	pid_alive "$pid"
	sleep 0.3
	[ ! -e "$ROOTFS/ran" ]
	[ "$(container_status "$id")" = created ]
}

@test "create --bundle takes the bundle from another directory" {
	local id
	id="$(new_id)"
	cd "$TEST_DIR"
	run_detached -0 rune create --bundle "$BUNDLE" "$id"
	[ "$(rune state "$id" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "create -b is the short form of --bundle" {
	local id
	id="$(new_id)"
	run_detached -0 rune create -b "$BUNDLE" "$id"
	[ "$(rune state "$id" | jq -r .bundle)" = "$BUNDLE" ]
	[ "$(container_status "$id")" = created ]
}

@test "create without --bundle uses the current directory" {
	local id
	id="$(new_id)"
	cd "$BUNDLE"
	run_detached -0 rune create "$id"
	[ "$(rune state "$id" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "create with a relative --bundle records the absolute bundle path" {
	local id
	id="$(new_id)"
	cd "$TEST_DIR"
	run_detached -0 rune create --bundle bundle "$id"
	[ "$(rune state "$id" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "create --pid-file writes the container's pid" {
	local id
	id="$(new_id)"
	create_container "$id" --pid-file "$TEST_DIR/ctr.pid"
	[ -f "$TEST_DIR/ctr.pid" ]
	grep -qxE '[0-9]+' "$TEST_DIR/ctr.pid"
	[ "$(cat "$TEST_DIR/ctr.pid")" = "$(container_pid "$id")" ]
}

@test "create --pid-file with a relative path writes it relative to the current directory" {
	local id
	id="$(new_id)"
	cd "$WORK"
	run_detached -0 rune create --bundle "$BUNDLE" --pid-file rel.pid "$id"
	[ -f "$WORK/rel.pid" ]
	[ "$(cat "$WORK/rel.pid")" = "$(container_pid "$id")" ]
}

@test "create --no-pivot: the container starts and sees its own root" {
	local id
	id="$(new_id)"
	set_cmd 'ls / > /root-listing; cat /etc/passwd > /passwd-copy'
	create_container "$id" --no-pivot
	rune start "$id"
	wait_for_status "$id" stopped
	grep -qx bin "$ROOTFS/root-listing"
	grep -qx proc "$ROOTFS/root-listing"
	[ "$(cat "$ROOTFS/passwd-copy")" = 'root:x:0:0:root:/root:/bin/sh' ]
}

@test "create --no-new-keyring is accepted and the container runs" {
	local id
	id="$(new_id)"
	set_cmd 'echo keyring-ok'
	create_container "$id" --no-new-keyring
	rune start "$id"
	wait_for_status "$id" stopped
	grep -qx keyring-ok "$TEST_DIR/$id.out"
}

@test "create --preserve-fds 1 hands fd 3 to the process started later" {
	local id
	id="$(new_id)"
	echo "passed-through-fd" >"$TEST_DIR/fd3"
	set_cmd 'cat <&3 > /fd3-copy'
	run_detached -0 rune_with_fds "$TEST_DIR/fd3" -- create --bundle "$BUNDLE" --preserve-fds 1 "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	[ "$(cat "$ROOTFS/fd3-copy")" = passed-through-fd ]
}

@test "create passes the container its stdio: start's output lands in create's stdout" {
	local id
	id="$(new_id)"
	set_cmd 'echo to-stdout; echo to-stderr >&2'
	create_container "$id"
	rune start "$id"
	wait_for_status "$id" stopped
	grep -qx to-stdout "$TEST_DIR/$id.out"
	grep -qx to-stderr "$TEST_DIR/$id.err"
}

@test "create of several containers at once in one root: all are created" {
	local ids=() id i pids=() rc
	for i in 1 2 3 4; do
		ids+=("$(new_id)")
	done
	for id in "${ids[@]}"; do
		rune create --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/$id.out" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		[ "$rc" -eq 0 ] || fail "create ${ids[$i]} failed ($rc): $(cat "$TEST_DIR/${ids[$i]}.out")"
	done
	run -0 rune list --quiet
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "${ids[@]}" | sort)" ]
	for id in "${ids[@]}"; do
		[ "$(container_status "$id")" = created ]
	done
}

@test "two concurrent creates of the same id: exactly one wins, the loser leaves nothing" {
	local id rc1=0 rc2=0 p1 p2
	id="$(new_id)"
	rune create --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/c1.out" 2>&1 &
	p1=$!
	rune create --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/c2.out" 2>&1 &
	p2=$!
	wait "$p1" || rc1=$?
	wait "$p2" || rc2=$?
	echo "exit statuses: $rc1 $rc2" >&2
	if [ "$rc1" -eq 0 ]; then
		[ "$rc2" -eq 1 ]
	else
		[ "$rc1" -eq 1 ] && [ "$rc2" -eq 0 ]
	fi
	[ "$(container_status "$id")" = created ]
	[ "$(list_ids)" = "$id" ]
	rune delete --force "$id"
	assert_nothing_left "$id"
}

@test "create runs createRuntime hooks with the container's state on stdin" {
	local id
	id="$(new_id)"
	update_config --arg out "$TEST_DIR/hook-state" \
		'.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \"$1\"", "hook", $out]}]'
	create_container "$id"
	jq -e --arg id "$id" --arg bundle "$BUNDLE" --argjson pid "$(container_pid "$id")" \
		'.id == $id and .status == "creating" and .pid == $pid and .bundle == $bundle' \
		"$TEST_DIR/hook-state"
}

@test "create --help prints usage and exits 0" {
	run -0 rune create --help
	assert_output_contains --bundle
	assert_output_contains --pid-file
}

@test "create without a container id fails" {
	run -1 rune create --bundle "$BUNDLE"
	[ -z "$(find "$ROOT" -mindepth 1 -type d)" ]
}

@test "tmpcopyup fills a tmpfs with what the image had there" {
	local id
	id="$(new_id)"
	mkdir -p "$ROOTFS/var/cache/sub"
	echo kept >"$ROOTFS/var/cache/sub/file"
	ln -s sub/file "$ROOTFS/var/cache/link"
	update_config '.mounts += [{"destination": "/var/cache", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}]'
	set_cmd 'cat /var/cache/sub/file /var/cache/link; grep " /var/cache " /proc/mounts | cut -d" " -f3; echo new > /var/cache/x'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = kept ]
	[ "${lines[1]}" = kept ]
	[ "${lines[2]}" = tmpfs ]
	[ ! -e "$ROOTFS/var/cache/x" ]
}
