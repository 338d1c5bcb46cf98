#!/usr/bin/env bats
# process.capabilities: the five sets, as /proc/self/status shows them.

load helpers

# cap_mask CAP...: the hex mask /proc/PID/status prints for these capability numbers.
cap_mask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}

# For root, exec makes the effective set the permitted one (and no_new_privs keeps permitted
# from growing), whatever the runtime set: a non-root user shows each set as configured.
@test "each capability set is exactly what the config lists" {
	local id
	id="$(new_id)"
	update_config '.process.user = {"uid": 1000, "gid": 1000}' 
	# CAP_CHOWN=0 CAP_KILL=5 CAP_NET_BIND_SERVICE=10 CAP_NET_RAW=13 CAP_SYS_ADMIN=21
	update_config '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		"inheritable": ["CAP_KILL"],
		"ambient": ["CAP_KILL"] }'
	set_cmd 'grep ^Cap /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	# The shell exec'd grep: only the ambient KILL survives into permitted and effective.
	assert_output_contains "CapInh:	$(cap_mask 5)"
	assert_output_contains "CapBnd:	$(cap_mask 0 5 10 13)"
	assert_output_contains "CapAmb:	$(cap_mask 5)"
	assert_output_contains "CapPrm:	$(cap_mask 5)"
	assert_output_contains "CapEff:	$(cap_mask 5)"
}

@test "root keeps the permitted set, no more, with no_new_privs" {
	local id
	id="$(new_id)"
	update_config '.process.noNewPrivileges = true'
	update_config '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_NET_RAW"] }'
	set_args cat /proc/self/status
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	assert_output_contains "CapPrm:	$(cap_mask 5 13)"
	assert_output_contains "CapEff:	$(cap_mask 5 13)"
	assert_output_contains "CapBnd:	$(cap_mask 0 5 13)"
}

@test "a non-root user keeps ambient capabilities across exec" {
	local id
	id="$(new_id)"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	update_config '.process.capabilities = { "bounding": ["CAP_NET_RAW"],
		"effective": ["CAP_NET_RAW"], "permitted": ["CAP_NET_RAW"],
		"inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"] }'
	set_args cat /proc/self/status
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	assert_output_contains "Uid:	1000"
	assert_output_contains "CapEff:	$(cap_mask 13)"
}

@test "empty sets drop every capability: chown fails as root" {
	local id
	id="$(new_id)"
	update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": []}'
	set_cmd 'touch /tmp/f; chown 1:1 /tmp/f && echo chowned; grep CapEff /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	[[ "$output" != *chowned* ]]
	assert_output_contains "CapEff:	0000000000000000"
}

@test "an unknown capability is a warning, not an error" {
	local id
	id="$(new_id)"
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_NOT_A_CAP"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	set_cmd 'grep CapBnd /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	assert_output_contains "CAP_NOT_A_CAP"
	assert_output_contains "CapBnd:	$(cap_mask 5)"
}

@test "capabilities of the wrong type name the field" {
	local id
	id="$(new_id)"
	update_config '.process.capabilities = {"bounding": "CAP_KILL"}'
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "process.capabilities.bounding"
	assert_nothing_left "$id"
}

@test "linux.personality LINUX32 changes uname -m" {
	local id
	id="$(new_id)"
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 is checked on x86_64 only"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	run rune run --bundle "$BUNDLE" "$id"
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
}

@test "an unknown personality domain names the field" {
	local id
	id="$(new_id)"
	update_config '.linux.personality = {"domain": "BSD"}'
	run_detached -1 rune create --bundle "$BUNDLE" "$id"
	assert_error_mentions "linux.personality.domain"
}

@test "noNewPrivileges sets NoNewPrivs" {
	local id
	id="$(new_id)"
	update_config '.process.noNewPrivileges = true'
	set_cmd 'grep NoNewPrivs /proc/self/status'
	run rune run --bundle "$BUNDLE" "$id"
	assert_output_contains "NoNewPrivs:	1"
}
