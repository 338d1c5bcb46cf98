#!/usr/bin/env bats
# cgroups: the container's cgroup in every hierarchy, linux.resources, and the verbs that use
# them (ps, pause, resume, update, events). This host layout decides which files exist: the
# tests read the v1 controller files on hybrid and v1 hosts, the v2 ones on unified hosts.

load helpers

unified() { [ -e /sys/fs/cgroup/cgroup.controllers ]; }

# cgroup_file CONTROLLER FILE [PATH]: the host path of a container cgroup file.
cgroup_file() {
	local path="${3:-/rune/$CG_ID}"
	if unified; then echo "/sys/fs/cgroup$path/$2"; else echo "/sys/fs/cgroup/$1$path/$2"; fi
}

@test "the container's cgroup exists in every hierarchy and goes with delete" {
	local id h
	id="$(new_id)"
	set_cmd 'sleep 1000'
	start_running "$id"
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		if [ -e "$h/cgroup.procs" ]; then
			[ -d "$h/rune/$id" ] || fail "no cgroup in $h"
			grep -qx "$(container_pid "$id")" "$h/rune/$id/cgroup.procs" || fail "not in $h"
		fi
	done
	rune delete --force "$id"
	run find /sys/fs/cgroup -maxdepth 3 -name "$id"
	[ -z "$output" ]
}

@test "memory, cpu, cpuset and pids limits reach the cgroup files" {
	local id
	id="$(new_id)"
	CG_ID="$id"
	set_cmd 'sleep 1000'
	update_config '.linux.resources = {"memory": {"limit": 67108864, "reservation": 33554432},
		"cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
		"pids": {"limit": 42}}'
	start_running "$id"
	if unified; then
		[ "$(cat "$(cgroup_file memory memory.max)")" = 67108864 ]
		[ "$(cat "$(cgroup_file memory memory.low)")" = 33554432 ]
		[ "$(cat "$(cgroup_file cpu cpu.max)")" = "50000 100000" ]
	else
		[ "$(cat "$(cgroup_file memory memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(cgroup_file memory memory.soft_limit_in_bytes)")" = 33554432 ]
		[ "$(cat "$(cgroup_file cpu cpu.shares)")" = 512 ]
		[ "$(cat "$(cgroup_file cpu cpu.cfs_quota_us)")" = 50000 ]
	fi
	[ "$(cat "$(cgroup_file cpuset cpuset.cpus)")" = 0 ]
	[ "$(cat "$(cgroup_file pids pids.max)")" = 42 ]
}

@test "pids.limit stops fork bombs inside the container" {
	local id
	id="$(new_id)"
	update_config '.linux.resources = {"pids": {"limit": 5}}'
	set_cmd 'for i in 1 2 3 4 5 6 7 8; do sleep 100 & done; set -- /proc/[0-9]*; echo count=$#'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "can't fork"
}

@test "absolute and relative cgroupsPath" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	update_config ".linux.cgroupsPath = \"/rune-test/$id\""
	start_running "$id"
	[ -d "$(unified && echo /sys/fs/cgroup || echo /sys/fs/cgroup/pids)/rune-test/$id" ]
	rune delete --force "$id"
	[ ! -d "$(unified && echo /sys/fs/cgroup || echo /sys/fs/cgroup/pids)/rune-test/$id" ]
	rmdir /sys/fs/cgroup/*/rune-test /sys/fs/cgroup/rune-test 2>/dev/null || true
	update_config ".linux.cgroupsPath = \"sub/$id\""
	start_running "$id"
	[ -d "$(unified && echo /sys/fs/cgroup || echo /sys/fs/cgroup/pids)/rune/sub/$id" ]
	# The parent the relative path created stays, as with runc: the test removes it.
	rune delete --force "$id"
	rmdir /sys/fs/cgroup/*/rune/sub /sys/fs/cgroup/rune/sub 2>/dev/null || true
}

@test "a device the allowlist denies cannot be opened" {
	unified && skip "the v2 eBPF device filter is not implemented"
	local id
	id="$(new_id)"
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	# A host device reaching the container by a bind mount, not by linux.devices.
	update_config '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	set_cmd 'echo > /dev/null && echo null-ok; (: < /dev/fuse) 2>/dev/null && echo fuse-opened || echo fuse-denied'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "null-ok"
	assert_output_contains "fuse-denied"
}

@test "bad resources name the field and leave nothing" {
	local id bad
	id="$(new_id)"
	for bad in \
		'{"memory": {"limit": "lots"}}|linux.resources.memory.limit' \
		'{"pids": {}}|linux.resources.pids.limit' \
		'{"cpu": {"cpus": 3}}|linux.resources.cpu.cpus' \
		'{"devices": [{"allow": true, "type": "x"}]}|linux.resources.devices[0]' \
		'{"hugepageLimits": [{"pageSize": "../x", "limit": 1}]}|linux.resources.hugepageLimits[0]'; do
		update_config ".linux.resources = ${bad%|*}"
		run_detached -1 rune create --bundle "$BUNDLE" "$id"
		assert_error_mentions "${bad#*|}"
		assert_nothing_left "$id"
	done
}

@test "a cgroupsPath with .. is refused" {
	local id
	id="$(new_id)"
	update_config '.linux.cgroupsPath = "/rune/../../escape"'
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "linux.cgroupsPath"
	assert_nothing_left "$id"
}

@test "--systemd-cgroup without systemd is a clear error" {
	[ -d /run/systemd/system ] && skip "systemd runs here"
	local id
	id="$(new_id)"
	run_detached -1 rune --systemd-cgroup create --bundle "$BUNDLE" "$id"
	assert_error_mentions "systemd is not running"
	assert_nothing_left "$id"
}

@test "pause freezes, state says paused, resume thaws" {
	local id pid
	id="$(new_id)"
	set_cmd 'while :; do echo x > /tmp/tick; done'
	start_running "$id"
	pid="$(container_pid "$id")"
	rune pause "$id"
	[ "$(container_status "$id")" = paused ]
	[ "$(rune list -f json | jq -r --arg id "$id" '.[] | select(.id == $id) | .status')" = paused ]
	run rune pause "$id"
	[ "$status" -eq 1 ]
	rune resume "$id"
	[ "$(container_status "$id")" = running ]
	run rune resume "$id"
	[ "$status" -eq 1 ]
	# a paused container can still be deleted
	rune pause "$id"
	rune delete --force "$id"
	wait_for_pid_exit "$pid"
}

@test "ps lists the container's processes (table and json)" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000 & sleep 2000'
	start_running "$id"
	sleep 0.2
	run rune ps --format json "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq length)" -eq 2 ]
	echo "$output" | jq -e --argjson p "$(container_pid "$id")" 'index($p) != null'
	run rune ps "$id"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	assert_output_contains "sleep 1000"
	assert_output_contains "sleep 2000"
	run rune ps "$id" -- -o pid,comm
	[[ "${lines[0]}" == *PID*COMMAND* ]]
}

@test "update changes limits from flags and from -r JSON" {
	local id
	id="$(new_id)"
	CG_ID="$id"
	set_cmd 'sleep 1000'
	start_running "$id"
	rune update --pids-limit 33 --cpuset-cpus 0 "$id"
	[ "$(cat "$(cgroup_file pids pids.max)")" = 33 ]
	echo '{"pids": {"limit": 44}}' >"$TEST_DIR/r.json"
	rune update -r "$TEST_DIR/r.json" "$id"
	[ "$(cat "$(cgroup_file pids pids.max)")" = 44 ]
	if ! unified; then
		rune update --memory 64m --cpu-shares 256 "$id"
		[ "$(cat "$(cgroup_file memory memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(cgroup_file cpu cpu.shares)")" = 256 ]
	fi
	run rune update --memory lots "$id"
	[ "$status" -eq 1 ]
	assert_output_contains "--memory"
}

@test "events --stats prints one stats line with cpu, memory and pids" {
	local id
	id="$(new_id)"
	set_cmd 'sleep 1000'
	update_config '.linux.resources = {"pids": {"limit": 10}}'
	start_running "$id"
	run rune events --stats "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e --arg id "$id" '.type == "stats" and .id == $id'
	echo "$output" | jq -e '.data.pids.current == 1 and .data.pids.limit == 10'
	echo "$output" | jq -e '.data.memory.usage.usage > 0 and .data.cpu.usage.total >= 0'
}

@test "events reports an OOM kill" {
	local id
	id="$(new_id)"
	update_config '.linux.resources = {"memory": {"limit": 16777216, "swap": 16777216}}'
	set_cmd 'sleep 1; tail /dev/zero; sleep 1000'
	start_running "$id"
	run timeout 15 "$RUNE" --root "$ROOT" events --interval 10s "$id"
	echo "$output" | grep -q '"type":"oom"'
}

@test "without a cgroup namespace the cgroup mount shows the container's own cgroup" {
	local id
	id="$(new_id)"
	without_namespace cgroup
	update_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid", "noexec", "nodev"]}]'
	update_config '.linux.resources = {"pids": {"limit": 17}}'
	set_cmd 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[ "$output" = 17 ]
}

@test "the cgroup v2 device filter (eBPF) denies on its own" {
	[ -d /sys/fs/cgroup/unified ] || [ -e /sys/fs/cgroup/cgroup.controllers ] || skip "no cgroup v2 hierarchy"
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	local id
	id="$(new_id)"
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 5, "access": "r"}]'
	update_config '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
	set_cmd 'echo > /dev/null && echo null-ok; head -c 1 /dev/zero >/dev/null && echo zero-read; (: < /dev/fuse) 2>/dev/null && echo fuse-opened || echo fuse-denied'
	create_container "$id"
	# Open the v1 controller wide: what still denies is the eBPF program on the v2 cgroup.
	if [ -d /sys/fs/cgroup/devices/rune/"$id" ]; then
		echo a >/sys/fs/cgroup/devices/rune/"$id"/devices.allow
	fi
	rune start "$id"
	wait_for_status "$id" stopped
	run cat "$TEST_DIR/$id.out" "$TEST_DIR/$id.err"
	assert_output_contains "null-ok"
	assert_output_contains "zero-read"
	assert_output_contains "fuse-denied"
}

@test "a long device allowlist (as containerd sends) loads and works" {
	local id rules
	id="$(new_id)"
	rules='[{"allow": false, "access": "rwm"}'
	for minor in $(seq 0 40); do
		rules+=", {\"allow\": true, \"type\": \"c\", \"major\": 4, \"minor\": $minor, \"access\": \"rwm\"}"
	done
	rules+=', {"allow": true, "type": "b", "major": 7, "access": "r"}]'
	update_config ".linux.resources.devices = $rules"
	set_cmd 'echo > /dev/null && echo null-ok'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	assert_output_contains "null-ok"
}
