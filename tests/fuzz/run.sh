#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 30)
# on a copy of its seed corpus (FUZZ_TARGETS="a b" runs only those). Last line: "N passed, N failed".
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
    -I"$top/lib/common" -I"$top/lib/container" -I"$top/lib/sgx" -I"$top/lib/enclave" -I"$top/include" \
    -I"$top/lib/rats-tls" -I"$work" "$@" \
    $(pkg-config --cflags --libs json-c libseccomp libcap libcrypto libssl libcbor libprotobuf-c) -ldl \
    -o "$work/$target"
}

# The library sources each target needs besides lib/common.
declare -A sources=([config]=container/config.c [process]=container/config.c
  [seccomp]=container/seccomp-program.c
  [resources]="container/cgroup-resources.c container/cgroup.c container/cgroup-devices.c"
  [quote]=sgx/quote.c [elf]="sgx/elf-layout.c sgx/measure.c"
  [collateral]="sgx/dcap.c sgx/dcap-tdx.c sgx/quote-signatures.c sgx/quote.c"
  [agent]=enclave/agent.c
  [rats-tls-cbor]=rats-tls/dice.c
  [rats-tls-handshake]="rats-tls/api.c rats-tls/registry.c rats-tls/error.c rats-tls/policy.c
    rats-tls/certificate.c rats-tls/verify.c rats-tls/dice.c
    rats-tls/instances/tls-wrappers/openssl.c rats-tls/instances/tls-wrappers/nulltls.c
    rats-tls/instances/crypto-wrappers/openssl.c rats-tls/instances/crypto-wrappers/nullcrypto.c
    rats-tls/instances/attesters/nullattester.c rats-tls/instances/verifiers/nullverifier.c
    rats-tls/instances/verifiers/sgx_ecdsa.c rats-tls/instances/verifiers/dcap-verify.c
    sgx/dcap.c sgx/dcap-tdx.c sgx/quote-signatures.c sgx/quote.c")
# The agent's protobuf-c code is generated, as the build does.
protoc-c --proto_path="$top/lib/enclave" --c_out="$work" agent.proto
# librats_tls reads its defaults from meson's buildconfig.h.
printf '#define PACKAGE_VERSION "fuzz"\n#define RATS_TLS_PLUGIN_DEFAULT_DIR "/nonexistent"\n' >"$work/buildconfig.h"
# the rats-tls handshake target verifies recorded-quote certificates with their collateral
export RATS_TLS_COLLATERAL_DIR="${VECTORS_DIR:-$top/../shared/vectors}/ratstls-cert/collateral"
[ -d "$RATS_TLS_COLLATERAL_DIR" ] || export RATS_TLS_COLLATERAL_DIR=/work/shared/vectors/ratstls-cert/collateral
# The recorded quotes seed the quote parser's corpus.
vectors=${VECTORS_DIR:-$top/../shared/vectors}
[ -d "$vectors" ] || vectors=/work/shared/vectors

targets=${FUZZ_TARGETS:-config process seccomp resources quote collateral elf agent rats-tls-cbor rats-tls-handshake}
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
  elif [ "$target" = rats-tls-cbor ] || [ "$target" = rats-tls-handshake ]; then
    # upstream's certificate: its extension (evidence parser, mode 0) and its DER (mode 3)
    cert="$vectors/ratstls-cert/rats-tls-cert.pem"
    if [ "$target" = rats-tls-cbor ]; then
      { printf '\0'; openssl asn1parse -in "$cert" | awk '/:2.23.133.5.4.9/ { getline; sub(/.*HEX DUMP\]:/, ""); print }' | tr -d '\n' | perl -ne 'print pack("H*", $_)'; } >"$work/corpus-$target/upstream-evidence"
    else
      { printf '\3'; openssl x509 -in "$cert" -outform DER; } >"$work/corpus-$target/upstream-cert"
    fi
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
