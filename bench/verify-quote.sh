#!/bin/bash
# Native DCAP verification speed: verifications per second of the recorded SGX quote with its
# collateral loaded, parsed and (after the first quote) verified once, as a verifying service
# keeps it, against plain OpenSSL's ECDSA P-256 verification speed on the same machine: each
# quote still costs 6 ECDSA verifications (PCK certificate and its CA, the two CRLs, the QE
# report, the quote). Prints the ratio of our time to that cryptographic floor.
#   bench/verify-quote.sh [BUILDDIR]      (env: BENCH_ITERATIONS, default 2000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$top/build}")
vectors=${VECTORS_DIR:-$top/../shared/vectors}
[ -d "$vectors" ] || vectors=/work/shared/vectors
n=${BENCH_ITERATIONS:-2000}
v="$vectors/sgx-dcap-v3"

ours=$("$build/bench/verify-quote-bench" "$v/quote.bin" "$v/collateral" 2025-07-04T10:28:44Z "$n")
echo "rune's verifier: $ours"
ms=$(awk '{ print $3 }' <<<"$ours")
# openssl speed prints "... sign verify sign/s verify/s" for the P-256 line.
verify_per_s=$(openssl speed -seconds 2 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ { print $NF }')
echo "plain OpenSSL: ${verify_per_s} ECDSA P-256 verifications per second"
awk -v ms="$ms" -v vps="$verify_per_s" 'BEGIN {
  floor = 6 * 1000 / vps
  printf "cryptographic floor (6 ECDSA verifications): %.3f ms; ratio rune/floor %.2f\n", floor, ms / floor
  printf "target under 1 ms per quote: %s\n", ms < 1 ? "met" : "NOT met" }'
