#!/bin/sh
# make demo: build a busybox bundle from Debian's busybox-static and run it with rune; then
# run an enclave container on the software TEE (the skeleton enclave runtime), exec a second
# process into its enclave and attest it remotely (a verified quote and its measurement).
set -eu
builddir=${1:-build}
build="$(cd "$builddir" && pwd)"
rune="$build/src/rune/rune"
work=$(mktemp -d /tmp/rune-demo.XXXXXX)
root="$work/state"
trap '"$rune" --root "$root" delete --force enclave-demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT INT TERM

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

echo
echo "== an enclave container on the software TEE (the skeleton enclave runtime)"
tools="$build/src/sgx-tools/sgx-tools"
skeleton="$build/runtimes/skeleton"
# A platform of its own for the demo: the software TEE protects nothing, its quotes verify
# only against this root, given explicitly.
export INCLAVARE_SIM_DIR="$work/sim"
mkdir -p "$work/enclave"
cp -a "$work/bundle/rootfs" "$work/enclave/rootfs"
cd "$work/enclave"
mkdir -p rootfs/run/rune
openssl genrsa -3 -out key.pem 3072 2>/dev/null
"$skeleton/skeleton-image" -o rootfs/run/rune/encl.sgxs
"$tools" sign --key key.pem --sgxs rootfs/run/rune/encl.sgxs -o rootfs/run/rune/encl.ss >/dev/null
mrenclave=$("$tools" measure rootfs/run/rune/encl.sgxs | head -n 1)
echo "the signed enclave image's MRENCLAVE: $mrenclave"
"$rune" spec --enclave
# The skeleton of this build tree rather than an installed one; a long-running payload.
jq --arg pal "$skeleton/liberpal-skeleton-v3.so" \
  '.annotations["enclave.runtime.path"] = $pal
   | .process.args = ["sh", "-c", "echo hello from the enclave; exec sleep 600"]' \
  config.json >config.new && mv config.new config.json
jq .annotations config.json

echo "== rune run --detach enclave-demo"
"$rune" --root "$root" run --detach enclave-demo
echo "== rune exec enclave-demo: a second process in the same enclave"
"$rune" --root "$root" exec enclave-demo sh -c 'echo "pid $$ in the enclave, cwd $(pwd)"'
echo "== rune attest --isRA enclave-demo: a quote of the enclave, verified"
attested=0
attest=$("$rune" --root "$root" attest --isRA enclave-demo) || attested=$?
echo "$attest"
"$rune" --root "$root" delete --force enclave-demo
verified=$(echo "$attest" | sed -n 's/^mrenclave: //p')
if [ "$attested" -eq 0 ] && [ "$verified" = "$mrenclave" ]; then
  echo "== the verified measurement is the signed image's: $verified"
else
  echo "== attestation FAILED (status $attested, measurement \`$verified\`)"
  exit 1
fi
