#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 30)
# on a copy of its seed corpus. Last line: "N passed, N failed".
set -u
seconds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/rune-fuzz.XXXXXX)
# fuzz-resources writes a fake cgroup tree there.
trap 'rm -rf "$work" /tmp/rune-fuzz-cgroup' EXIT INT TERM
passed=0
failed=0

build() { # target sources...
  local target=$1
  shift
  clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$top/lib/common" -I"$top/lib/container" -I"$top/lib/sgx" -I"$top/lib/enclave" -I"$work" "$@" \
    $(pkg-config --cflags --libs json-c libseccomp libcap libcrypto libprotobuf-c) \
    -o "$work/$target"
}

# The library sources each target needs besides lib/common.
declare -A sources=([config]=container/config.c [process]=container/config.c
  [seccomp]=container/seccomp-program.c
  [resources]="container/cgroup-resources.c container/cgroup.c container/cgroup-devices.c"
  [quote]=sgx/quote.c [elf]="sgx/elf-layout.c sgx/measure.c"
  [collateral]="sgx/dcap.c sgx/dcap-tdx.c sgx/quote-signatures.c sgx/quote.c"
  [agent]=enclave/agent.c)
# The agent's protobuf-c code is generated, as the build does.
protoc-c --proto_path="$top/lib/enclave" --c_out="$work" agent.proto
# The recorded quotes seed the quote parser's corpus.
vectors=${VECTORS_DIR:-$top/../shared/vectors}
[ -d "$vectors" ] || vectors=/work/shared/vectors

targets=${FUZZ_TARGETS:-config process seccomp resources quote collateral elf agent}
for target in $targets; do
  # shellcheck disable=SC2046 # one word per source file
  extra=""
  [ "$target" = agent ] && extra="$work/agent.pb-c.c"
  # shellcheck disable=SC2086 # one word per source file
  if ! build "$target" "$here/fuzz-$target.c" $(printf "$top/lib/%s " ${sources[$target]}) $extra \
    "$top/lib/common/error.c" "$top/lib/common/utils.c"; then
    echo "fuzz-$target: build failed"
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "$work/corpus-$target"
  cp "$here/corpus/$target/"* "$work/corpus-$target/"
  if [ "$target" = quote ]; then
    for q in "$vectors"/*/quote.bin; do cp "$q" "$work/corpus-$target/$(basename "$(dirname "$q")").bin"; done
  fi
  if [ "$target" = elf ]; then # the unit tests' enclave image, built as meson builds it
    clang -O2 -fPIC -shared -nostdlib -Wl,-e,enclave_entry -Wl,--build-id=none \
      "$top/tests/unit/elf-image.c" -o "$work/corpus-$target/elf-image.so"
  fi
  if [ "$target" = collateral ]; then # the recorded TCB info and QE identity, mode byte first
    for f in "$vectors"/*/collateral/tcb_info.json; do
      { printf '\0'; cat "$f"; } >"$work/corpus-$target/signed-$(basename "$(dirname "$(dirname "$f")")")"
    done
  fi
  if "$work/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" "$work/corpus-$target" >"$work/$target.log" 2>&1; then
    echo "fuzz-$target: $(grep -E '^#[0-9]+.*DONE' "$work/$target.log" | tail -n 1)"
    passed=$((passed + 1))
  else
    echo "fuzz-$target: FAILED"
    tail -n 40 "$work/$target.log"
    mkdir -p "$top/build/fuzz-artifacts"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$top/build/fuzz-artifacts/" 2>/dev/null
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
