# Shared helpers for rune's integration tests (bats 1.8+).
#
# Every test gets its own directory ($TEST_DIR, bats' BATS_TEST_TMPDIR), its own state
# root ($ROOT, passed as --root by the `rune` wrapper), a busybox bundle ($BUNDLE, rootfs in
# $ROOTFS) and random container ids from new_id. The teardown force-deletes whatever is
# left and fails the test if anything survived: a state directory under $ROOT, a mount
# below $TEST_DIR, a process of the test's containers or a cgroup named after one of its
# ids. Anything found is cleaned up by hand before the test is failed, so a broken
# runtime cannot poison the following tests or the host.
#
# Environment:
#   RUNE          runtime binary (default: build/src/rune/rune of this repository)
#   RUNE_TIMEOUT  seconds one runtime invocation may take before it is killed (default 20)
#   BUSYBOX       static busybox used for the rootfs (default /bin/busybox)
#   RECVTTY       console socket receiver (default: build/tests/recvtty)

bats_require_minimum_version 1.5.0

INTEGRATION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INTEGRATION_DIR/../.." && pwd)"

RUNE="${RUNE:-$REPO_ROOT/build/src/rune/rune}"
case "$RUNE" in
/*) ;;
*/*) RUNE="$(cd "$(dirname "$RUNE")" && pwd)/$(basename "$RUNE")" ;;
*) RUNE="$(command -v "$RUNE" || echo "$PWD/$RUNE")" ;;
esac
RUNE_NAME="$(basename "$RUNE")"
# The console-socket receiver built with rune (build/tests/recvtty next to build/src/rune).
RECVTTY="${RECVTTY:-$(dirname "$RUNE")/../../tests/recvtty}"
SECCOMP_LISTENER="${SECCOMP_LISTENER:-$(dirname "$RUNE")/../../tests/seccomp-listener}"
RUNE_TIMEOUT="${RUNE_TIMEOUT:-20}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

# The suite can be pointed at runc to check the tests' own logic. Error messages and a
# few deliberate differences (see requires_rune) are only checked against rune.
if [[ "$RUNE_NAME" == runc* ]]; then
	RUNE_IS_RUNC=1
else
	RUNE_IS_RUNC=
fi

# Skips a test whose behaviour is rune's own and deliberately differs from runc's.
requires_rune() {
	if [[ -n "$RUNE_IS_RUNC" ]]; then
		skip "runc differs: $*"
	fi
}

# ---------------------------------------------------------------------------------------
# Running the runtime

# rune ARGS...: the runtime under test with this test's --root. Fd 3 (bats' TAP stream) is
# closed so that a container cannot keep it open; the run is bounded by RUNE_TIMEOUT.
# RUNE_TEST_MARK is put in the runtime's environment (and in the container's, through
# config.json) so that the teardown can find stray processes.
rune() {
	RUNE_TEST_MARK="$TEST_MARK" timeout -k 5 "$RUNE_TIMEOUT" "$RUNE" --root "$ROOT" "$@" 3>&-
}

# rune_noroot ARGS...: the runtime without the implicit --root (for global-flag tests; the
# caller must pass --root itself unless the command touches no state).
rune_noroot() {
	RUNE_TEST_MARK="$TEST_MARK" timeout -k 5 "$RUNE_TIMEOUT" "$RUNE" "$@" 3>&-
}

# rune_with_fds FILE3 [FILE4] -- ARGS...: the runtime with FILE3 open (read-only) on fd 3
# and FILE4 on fd 4, for --preserve-fds.
rune_with_fds() {
	local f3="$1" f4=/dev/null
	shift
	if [[ "$1" != "--" ]]; then
		f4="$1"
		shift
	fi
	shift # --
	RUNE_TEST_MARK="$TEST_MARK" timeout -k 5 "$RUNE_TIMEOUT" "$RUNE" --root "$ROOT" "$@" 3<"$f3" 4<"$f4"
}

# run_detached [!|-N] CMD...: like bats' run, for commands that leave a container behind
# (create, run --detach). The container inherits the command's stdio, so it gets
# /dev/null and a file instead of bats' pipes: `run` would wait for them to close.
# Sets $status, $output and $lines.
run_detached() {
	local expect=""
	case "${1:-}" in
	'!')
		expect=nonzero
		shift
		;;
	-[0-9]*)
		expect="${1#-}"
		shift
		;;
	esac
	local out
	out="$(mktemp "$TEST_DIR/detached.XXXXXX")"
	status=0
	"$@" </dev/null >"$out" 2>&1 || status=$?
	output="$(cat "$out")"
	mapfile -t lines <<<"$output"
	if [[ "$expect" == nonzero && "$status" -eq 0 ]]; then
		echo "expected a non-zero exit status from: $*" >&2
		echo "output: $output" >&2
		return 1
	elif [[ -n "$expect" && "$expect" != nonzero && "$status" -ne "$expect" ]]; then
		echo "expected exit status $expect, got $status from: $*" >&2
		echo "output: $output" >&2
		return 1
	fi
	return 0
}

# create_container ID [CREATE OPTIONS...]: `rune create --bundle $BUNDLE` that must succeed.
# The container's stdout and stderr go to $TEST_DIR/ID.out and $TEST_DIR/ID.err.
create_container() {
	local id="$1"
	shift
	if ! rune create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err"; then
		echo "rune create $* $id failed:" >&2
		cat "$TEST_DIR/$id.err" >&2
		return 1
	fi
}

# run_container_detached ID [RUN OPTIONS...]: `rune run --detach --bundle $BUNDLE` that must
# succeed; stdio as for create_container.
run_container_detached() {
	local id="$1"
	shift
	if ! rune run --detach --bundle "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err"; then
		echo "rune run --detach $* $id failed:" >&2
		cat "$TEST_DIR/$id.err" >&2
		return 1
	fi
}

# start_running ID: create and start ID (its config's process should keep running) and
# wait until it is reported running.
start_running() {
	create_container "$1"
	rune start "$1"
	wait_for_status "$1" running
}

# ---------------------------------------------------------------------------------------
# Container ids, state and processes

# new_id: prints a fresh random container id and remembers it for the teardown.
new_id() {
	local id
	id="rt-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	echo "$id" >>"$TEST_DIR/.ids"
	echo "$id"
}

# container_status ID: the status field of `rune state ID` (fails if state fails).
container_status() {
	local json
	json="$(rune state "$1" 2>/dev/null)" || return 1
	jq -r .status <<<"$json"
}

# container_pid ID
container_pid() {
	local json
	json="$(rune state "$1" 2>/dev/null)" || return 1
	jq -r .pid <<<"$json"
}

# wait_for_status ID STATUS [SECONDS]: polls rune state until the status is STATUS.
wait_for_status() {
	local id="$1" want="$2" secs="${3:-10}" got=""
	local deadline=$((SECONDS + secs))
	while true; do
		got="$(container_status "$id" || echo "<state failed>")"
		[[ "$got" == "$want" ]] && return 0
		if ((SECONDS >= deadline)); then
			echo "container $id: status is '$got', expected '$want' after ${secs}s" >&2
			return 1
		fi
		sleep 0.05
	done
}

# wait_for_file PATH [SECONDS]
wait_for_file() {
	local path="$1" secs="${2:-10}"
	local deadline=$((SECONDS + secs))
	until [[ -e "$path" ]]; do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for $path" >&2
			return 1
		fi
		sleep 0.05
	done
}

# pid_alive PID: true if PID exists and is not a zombie.
pid_alive() {
	local stat
	stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
	stat="${stat##*) }"
	[[ "${stat:0:1}" != Z ]]
}

# wait_for_pid_exit PID [SECONDS]
wait_for_pid_exit() {
	local pid="$1" secs="${2:-10}"
	local deadline=$((SECONDS + secs))
	while pid_alive "$pid"; do
		if ((SECONDS >= deadline)); then
			echo "process $pid still alive after ${secs}s" >&2
			return 1
		fi
		sleep 0.05
	done
}

# list_ids: the ids `rune list --quiet` reports, one a line.
list_ids() {
	rune list --quiet 2>/dev/null
}

# ---------------------------------------------------------------------------------------
# Assertions

fail() {
	echo "$@" >&2
	return 1
}

# assert_output_contains TEXT: $output contains TEXT.
assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "expected the output to contain '$1'; output was:
$output"
}

# assert_error_mentions TEXT...: $output (the failed command's stderr) names each TEXT,
# case-insensitively. Error wording is rune's own: against runc only a non-empty message
# is required.
assert_error_mentions() {
	[[ -n "$output" ]] || fail "expected an error message, the output is empty"
	[[ -n "$RUNE_IS_RUNC" ]] && return 0
	local t
	for t in "$@"; do
		[[ "${output,,}" == *"${t,,}"* ]] || fail "expected the error message to mention '$t'; output was:
$output"
	done
}

# leftovers_of ID...: prints what is left of the given containers (state entries under
# $ROOT, cgroup directories, processes in their cgroups); prints nothing if all is gone.
leftovers_of() {
	local id f pid
	for id in "$@"; do
		for f in "$ROOT"/*"$id"*; do
			[[ -e "$f" ]] && echo "state entry: $f"
		done
		find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "*$id*" 2>/dev/null |
			sed 's/^/cgroup: /'
		for f in $(grep -lsF -e "$id" /proc/[0-9]*/cgroup 2>/dev/null); do
			pid="${f#/proc/}"
			pid="${pid%/cgroup}"
			pid_alive "$pid" && echo "process in a cgroup of $id: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		done
	done
	return 0
}

# marked_processes: live processes started by this test's runtime invocations or running
# in its containers (those carrying RUNE_TEST_MARK in their environment).
marked_processes() {
	local f pid
	for f in $(grep -lszF "RUNE_TEST_MARK=$TEST_MARK" /proc/[0-9]*/environ 2>/dev/null); do
		pid="${f#/proc/}"
		pid="${pid%/environ}"
		[[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
		pid_alive "$pid" && echo "$pid"
	done
	return 0
}

# test_mounts: mount points below the test's directory.
test_mounts() {
	awk -v d="$TEST_DIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

# assert_nothing_left ID...: after a failed invocation, nothing of ID may remain: not in
# rune list, no state, no state entry, no cgroup, no process in its cgroups, no mount
# below the test's directory; and no stray process at all when no other container exists.
assert_nothing_left() {
	local id left="" others
	for id in "$@"; do
		if rune state "$id" >/dev/null 2>&1; then
			left+="rune state $id still succeeds"$'\n'
		fi
		if list_ids | grep -qxF -- "$id"; then
			left+="rune list still shows $id"$'\n'
		fi
	done
	left+="$(leftovers_of "$@")"
	left+="$(test_mounts | sed 's/^/mount: /')"
	others="$(list_ids)"
	if [[ -z "$others" ]]; then
		left+="$(marked_processes | sed 's/^/stray process: /')"
	fi
	if [[ -n "${left//$'\n'/}" ]]; then
		fail "left behind:
$left"
	fi
}

# ---------------------------------------------------------------------------------------
# Bundles

# rootfs_template: prints the path of a busybox rootfs built once per bats run.
rootfs_template() {
	local tpl="${BATS_RUN_TMPDIR:-/tmp}/rune-rootfs-template"
	if [[ ! -d "$tpl" ]]; then
		local tmp applet
		tmp="$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/rootfs.XXXXXX")"
		mkdir -p "$tmp"/{bin,dev,etc,proc,root,sys,tmp,var}
		# Like an image's root: other users can reach its files (mktemp made it 0700).
		chmod 0755 "$tmp"
		chmod 1777 "$tmp/tmp"
		cp "$BUSYBOX" "$tmp/bin/busybox"
		for applet in $("$BUSYBOX" --list); do
			[[ "$applet" == busybox || -e "$tmp/bin/$applet" ]] || ln -s busybox "$tmp/bin/$applet"
		done
		ln -s bin "$tmp/sbin"
		echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
		echo 'root:x:0:' >"$tmp/etc/group"
		# Another test file may have won the race: keep its copy.
		mv -T "$tmp" "$tpl" 2>/dev/null || rm -rf "$tmp"
	fi
	echo "$tpl"
}

# write_config FILE: a config.json for a busybox rootfs at ./rootfs that runs `sleep 1000`.
write_config() {
	jq -n --arg mark "RUNE_TEST_MARK=$TEST_MARK" '{
		ociVersion: "1.0.2",
		process: {
			terminal: false,
			user: { uid: 0, gid: 0 },
			args: [ "sleep", "1000" ],
			env: [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "HOME=/root", $mark ],
			cwd: "/",
			noNewPrivileges: true
		},
		root: { path: "rootfs", readonly: false },
		hostname: "rune-test",
		mounts: [
			{ destination: "/proc", type: "proc", source: "proc" },
			{ destination: "/dev", type: "tmpfs", source: "tmpfs",
			  options: [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
			{ destination: "/dev/pts", type: "devpts", source: "devpts",
			  options: [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
			{ destination: "/dev/shm", type: "tmpfs", source: "shm",
			  options: [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
			{ destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
			  options: [ "nosuid", "noexec", "nodev" ] },
			{ destination: "/sys", type: "sysfs", source: "sysfs",
			  options: [ "nosuid", "noexec", "nodev", "ro" ] }
		],
		linux: {
			namespaces: [ { type: "pid" }, { type: "ipc" }, { type: "uts" },
			              { type: "mount" }, { type: "network" } ],
			maskedPaths: [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
			readonlyPaths: [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
		}
	}' >"$1"
}

# make_bundle DIR: a fresh bundle (busybox rootfs and config.json) in DIR.
make_bundle() {
	mkdir -p "$1"
	cp -a "$(rootfs_template)" "$1/rootfs"
	write_config "$1/config.json"
}

# update_config [JQ OPTIONS...] JQ_FILTER [BUNDLE]: edits BUNDLE/config.json (default
# $BUNDLE) in place; options such as `--arg NAME VALUE` go before the filter.
update_config() {
	local opts=()
	while [[ "$1" == --* ]]; do
		case "$1" in
		--arg | --argjson)
			opts+=("$1" "$2" "$3")
			shift 3
			;;
		*)
			opts+=("$1")
			shift
			;;
		esac
	done
	local bundle="${2:-$BUNDLE}"
	jq "${opts[@]}" "$1" "$bundle/config.json" >"$bundle/config.json.new"
	mv "$bundle/config.json.new" "$bundle/config.json"
}

# set_args ARG...: sets process.args.
set_args() {
	local json arg i=0 named=()
	# Named arguments: jq would take a "-c" among --args for one of its own options.
	for arg in "$@"; do
		named+=(--arg "a$i" "$arg")
		i=$((i + 1))
	done
	json="$(jq -cn --argjson n "$#" "${named[@]}" '[range(0; $n) as $i | $ARGS.named["a\($i)"]]')"
	update_config ".process.args = $json"
}

# set_cmd SCRIPT: process.args = ["sh", "-c", SCRIPT].
set_cmd() {
	set_args sh -c "$1"
}

# without_namespace TYPE: removes a namespace from linux.namespaces.
without_namespace() {
	update_config ".linux.namespaces |= map(select(.type != \"$1\"))"
}

# ---------------------------------------------------------------------------------------
# setup / teardown

rune_setup() {
	if [[ ! -x "$RUNE" ]]; then
		fail "runtime not found: $RUNE (build it, or set RUNE)"
		return 1
	fi
	TEST_DIR="${BATS_TEST_TMPDIR:-}"
	if [[ -z "$TEST_DIR" ]]; then
		TEST_DIR="$(mktemp -d /tmp/rune-test.XXXXXX)"
		RUNE_OWN_TEST_DIR=1
	fi
	TEST_DIR="$(cd "$TEST_DIR" && pwd -P)"
	TEST_MARK="$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	ROOT="$TEST_DIR/root"
	BUNDLE="$TEST_DIR/bundle"
	ROOTFS="$BUNDLE/rootfs"
	WORK="$TEST_DIR/work"
	: >"$TEST_DIR/.ids"
	mkdir -p "$ROOT" "$WORK"
	make_bundle "$BUNDLE"
	# Commands that default to the current directory must not write into the repository.
	cd "$WORK"
}

# Force-deletes every container of the test, then fails if anything was left behind
# (after cleaning it up by hand).
rune_teardown() {
	[[ -n "${TEST_DIR:-}" && -d "$TEST_DIR" ]] || return 0
	cd /
	local ids id left="" i
	ids="$( (
		list_ids
		cat "$TEST_DIR/.ids"
	) 2>/dev/null | sort -u)"
	for id in $ids; do
		RUNE_TIMEOUT=10 rune delete --force "$id" </dev/null >/dev/null 2>&1 || true
	done
	# Killed processes and their cgroups may take a moment to go away.
	for i in $(seq 1 40); do
		left="$(
			for f in "$ROOT"/*; do
				[[ -d "$f" ]] && echo "state directory: $f"
			done
			# shellcheck disable=SC2086
			leftovers_of $ids
			test_mounts | sed 's/^/mount: /'
			marked_processes | sed 's/^/process: /'
		)"
		[[ -z "$left" ]] && break
		sleep 0.05
	done
	if [[ -z "$left" ]]; then
		[[ -n "${RUNE_OWN_TEST_DIR:-}" ]] && rm -rf "$TEST_DIR"
		return 0
	fi
	echo "teardown: left behind after rune delete --force:" >&2
	echo "$left" >&2
	# shellcheck disable=SC2086
	force_cleanup $ids
	return 1
}

# force_cleanup ID...: removes by hand what rune left behind.
force_cleanup() {
	local pid m d
	for pid in $(marked_processes) $(leftovers_of "$@" | sed -n 's/^process in a cgroup of [^:]*: \([0-9]*\).*/\1/p'); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	sleep 0.2
	for m in $(test_mounts | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-); do
		umount -l "$m" 2>/dev/null || true
	done
	for d in $(leftovers_of "$@" | sed -n 's/^cgroup: //p' | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-); do
		rmdir "$d" 2>/dev/null || true
	done
	rm -rf "${ROOT:?}"/* 2>/dev/null || true
}

setup() {
	rune_setup
}

teardown() {
	rune_teardown
}
