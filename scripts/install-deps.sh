#!/bin/sh
# Installs, from Debian's packages, everything the build, the tests and the demo need.
# Idempotent: does nothing when every package is already there.
set -e
pkgs="meson ninja-build pkg-config gcc clang libjson-c-dev libcbor-dev libcmocka-dev libseccomp-dev libcap-dev libssl-dev openssl
      busybox-static bats jq protobuf-c-compiler libprotobuf-c-dev crun runc util-linux iproute2 procps time strace podman containerd"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
