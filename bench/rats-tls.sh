#!/bin/bash
# rats-tls (openssl TLS wrapper + openssl crypto, sim attester/verifier) against plain OpenSSL
# TLS 1.3 with the same key type (ECDSA P-256), in the same run, rounds interleaved, medians:
# - handshakes per second over loopback TCP, one-way (the client verifies the server's
#   certificate: plain OpenSSL against the certificate as its trust anchor, rats-tls its sim
#   evidence, quote included, in every handshake);
# - bulk throughput, 1 GiB client -> server on one connection.
# Targets: handshake time <= 2x plain, bulk >= 95% of plain.
#   bench/rats-tls.sh [BUILDDIR]   (env: BENCH_HANDSHAKES default 1000, BENCH_BYTES default
#                                   1073741824, BENCH_ROUNDS default 3)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$top/build}")
n=${BENCH_HANDSHAKES:-1000}
bytes=${BENCH_BYTES:-1073741824}
rounds=${BENCH_ROUNDS:-3}
work=$(mktemp -d /tmp/rats-tls-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

export RATS_TLS_PLUGIN_DIR="$build/lib/rats-tls/instances"
export INCLAVARE_SIM_DIR="$work/sim" RATS_TLS_SIM_ROOT="$work/sim/root-ca.pem"
openssl genrsa -3 -out "$work/signer.pem" 3072 2>/dev/null
export RATS_TLS_SIM_SIGNING_KEY="$work/signer.pem"
"$build/src/sgx-tools/sgx-tools" sim init >/dev/null
bench="$build/bench/rats-tls-bench"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for r in $(seq 1 "$rounds"); do
  "$bench" handshake plain "$n" | awk '{ print $5 }' >>"$work/hs-plain"
  "$bench" handshake rats "$n" | awk '{ print $5 }' >>"$work/hs-rats"
  "$bench" bulk plain "$bytes" | awk '{ print $5 }' >>"$work/bulk-plain"
  "$bench" bulk rats "$bytes" | awk '{ print $5 }' >>"$work/bulk-rats"
done
hp=$(median <"$work/hs-plain")
hr=$(median <"$work/hs-rats")
bp=$(median <"$work/bulk-plain")
br=$(median <"$work/bulk-rats")
echo "medians of $rounds rounds ($n handshakes, $((bytes >> 20)) MiB bulk each):"
printf '  handshakes/s   plain OpenSSL %8.1f   rats-tls %8.1f\n' "$hp" "$hr"
printf '  bulk MiB/s     plain OpenSSL %8.1f   rats-tls %8.1f\n' "$bp" "$br"
awk -v hp="$hp" -v hr="$hr" -v bp="$bp" -v br="$br" 'BEGIN {
  printf "handshake time ratio rats-tls/plain: %.2f (target <= 2: %s)\n",
    hp / hr, (hp / hr <= 2 ? "met" : "NOT met")
  printf "bulk throughput rats-tls/plain: %.1f%% (target >= 95%%: %s)\n",
    100 * br / bp, (br / bp >= 0.95 ? "met" : "NOT met") }'
