#!/bin/sh
# make demo: build a busybox bundle from Debian's busybox-static and run it with rune.
set -eu
builddir=${1:-build}
rune="$(cd "$builddir" && pwd)/src/rune/rune"
work=$(mktemp -d /tmp/rune-demo.XXXXXX)
root="$work/state"
trap 'rm -rf "$work"' EXIT INT TERM

echo "== preparing a busybox bundle in $work/bundle"
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/bundle/rootfs/bin/$applet"
done
cd "$work/bundle"
"$rune" spec
# The template runs sh; run a short script instead.
sed -i 's|"args": \[ "sh" \]|"args": [ "sh", "-c", "echo \\"hello from $(hostname), pid $$ in its own pid namespace\\"; echo; echo processes:; ps; echo; echo mounts:; mount \| head -n 6; echo; id" ]|' config.json

echo "== rune run demo"
status=0
"$rune" --root "$root" run demo || status=$?
echo "== container exited with status $status"
echo "== rune list after the run (the container was deleted):"
"$rune" --root "$root" list
