#!/usr/bin/env bats
# rune spec: writing a config.json template.

load helpers

@test "spec writes a valid config.json into the current directory" {
	mkdir "$TEST_DIR/s" && cd "$TEST_DIR/s"
	run -0 rune spec
	[ -f config.json ]
	run -0 jq -e '(.ociVersion | type == "string")
		and (.process.args | type == "array" and length > 0)
		and .root.path == "rootfs"
		and (.linux.namespaces | map(.type) | index("mount") != null)' config.json
}

@test "spec --bundle DIR writes DIR/config.json and nothing in the current directory" {
	mkdir "$TEST_DIR/s"
	run -0 rune spec --bundle "$TEST_DIR/s"
	[ -f "$TEST_DIR/s/config.json" ]
	[ ! -e "$WORK/config.json" ]
	jq -e . "$TEST_DIR/s/config.json" >/dev/null
}

@test "spec -b DIR is the short form of --bundle" {
	mkdir "$TEST_DIR/s"
	run -0 rune spec -b "$TEST_DIR/s"
	[ -f "$TEST_DIR/s/config.json" ]
	[ ! -e "$WORK/config.json" ]
}

@test "spec refuses to overwrite an existing config.json" {
	mkdir "$TEST_DIR/s"
	echo '{"keep":"me"}' >"$TEST_DIR/s/config.json"
	run -1 rune spec --bundle "$TEST_DIR/s"
	assert_error_mentions config.json
	[ "$(cat "$TEST_DIR/s/config.json")" = '{"keep":"me"}' ]
}

@test "spec into a missing bundle directory fails" {
	run -1 rune spec --bundle "$TEST_DIR/does-not-exist"
	assert_error_mentions does-not-exist
	[ ! -e "$TEST_DIR/does-not-exist" ]
}

@test "spec --rootless maps the caller's uid and gid in a user namespace" {
	mkdir "$TEST_DIR/s"
	run -0 rune spec --rootless --bundle "$TEST_DIR/s"
	local c="$TEST_DIR/s/config.json"
	jq -e '.linux.namespaces | map(.type) | index("user") != null' "$c"
	jq -e --argjson u "$(id -u)" '.linux.uidMappings | any(.hostID == $u and .size >= 1)' "$c"
	jq -e --argjson g "$(id -g)" '.linux.gidMappings | any(.hostID == $g and .size >= 1)' "$c"
}

@test "spec without --rootless has no user namespace" {
	mkdir "$TEST_DIR/s"
	run -0 rune spec --bundle "$TEST_DIR/s"
	jq -e '(.linux.namespaces | map(.type) | index("user")) == null' "$TEST_DIR/s/config.json"
}

@test "the spec template runs once given a rootfs and a command" {
	local b="$TEST_DIR/s" id
	mkdir "$b"
	run -0 rune spec --bundle "$b"
	cp -a "$ROOTFS" "$b/rootfs"
	update_config '.process.terminal = false | .process.args = ["echo", "from-the-template"]' "$b"
	id="$(new_id)"
	run -0 rune run --bundle "$b" "$id"
	assert_output_contains from-the-template
}

@test "spec --help prints usage and exits 0" {
	run -0 rune spec --help
	assert_output_contains spec
	assert_output_contains --bundle
	[ ! -e "$WORK/config.json" ]
}
