#!/bin/bash
# bench/dut/ipip-bgpd-base.sh - ipip-bgpd.sh run from another build, for a
# before/after comparison in one run:
#   BENCH_BASE_BUILD=/path/to/other/build bench/fib_bench.sh -d "ipip-bgpd-base ipip-bgpd"
# Exit 77 (skipped) when BENCH_BASE_BUILD is not set.
set -euo pipefail
[ -n "${BENCH_BASE_BUILD:-}" ] || { echo "ipip-bgpd-base: set BENCH_BASE_BUILD" >&2; exit 77; }
BENCH_BUILD=$BENCH_BASE_BUILD exec "$(dirname "$0")/ipip-bgpd.sh" "$@"
