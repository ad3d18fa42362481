#!/bin/bash
# bench/fib_insert.sh - how fast rib/fib puts N routes into the kernel (a benchmark,
# not a test). In a private namespace with two veths, for each batch size:
# time from "set N prefixes over a 2-way ECMP group" to the fib being idle
# (every route ACKed), via tests/netns/fibctl; then `ip -batch` for the same
# routes, with a nexthop object and with inline next hops, for comparison.
#   bench/fib_insert.sh [N...]        (default: 100000 1000000; needs root)
#   BATCHES="4096 16384 65536" FIBCTL=build/check/tests/netns/fibctl
# Use an unsanitized build for figures (scripts/build.sh bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fibctl=${FIBCTL:-$top/build/bench/tests/netns/fibctl}
batches=${BATCHES:-"4096 16384 65536 262144"}
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(100000 1000000)
ns=fibb$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

[ -x "$fibctl" ] || { echo "build it first: scripts/build.sh bench && make -C build/bench tests/netns/fibctl" >&2; exit 1; }
ip netns add "$ns"
for i in 0 1; do
	ip -n "$ns" link add fibv$i type veth peer name fibp$i
	ip -n "$ns" addr add 10.99.$i.1/24 dev fibv$i
	ip -n "$ns" link set fibv$i up
	ip -n "$ns" link set fibp$i up
done
ip -n "$ns" link set lo up

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
# N consecutive /24s from 32.0.0.0, one per line
prefixes() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%d.%d.%d.0/24\n", 32 + int(i / 65536), int(i / 256) % 256, i % 256 }'; }

run_fibctl() {	# count batch-bytes -> seconds
	local n=$1 b=$2 line t0 t1
	coproc F { ip netns exec "$ns" "$fibctl" -b "$b" 2>"$tmp/fibctl.log"; }
	read -r line <&"${F[0]}"
	t0=$(now)
	echo "set 32.0.0.0/24 count $n via 10.99.0.2 dev fibv0 via 10.99.1.2 dev fibv1" >&"${F[1]}"
	read -r line <&"${F[0]}"
	echo sync >&"${F[1]}"
	read -r line <&"${F[0]}"
	t1=$(now)
	echo "stats" >&"${F[1]}"
	read -r line <&"${F[0]}"
	echo "$line" >"$tmp/stats"
	echo quit >&"${F[1]}"		# removes them again (not timed)
	read -r line <&"${F[0]}" || true
	wait "$F_PID" 2>/dev/null || true
	secs "$t0" "$t1"
}

run_ip_batch() {	# count file-kind -> seconds
	local n=$1 kind=$2 t0 t1
	if [ "$kind" = nhid ]; then
		printf 'nexthop add id 1 via 10.99.0.2 dev fibv0\nnexthop add id 2 via 10.99.1.2 dev fibv1\nnexthop add id 3 group 1/2\n' >"$tmp/batch"
		prefixes "$n" | sed 's/^/route add /; s/$/ nhid 3 proto 45/' >>"$tmp/batch"
	else
		prefixes "$n" | sed 's/^/route add /; s/$/ proto 45 nexthop via 10.99.0.2 dev fibv0 nexthop via 10.99.1.2 dev fibv1/' >"$tmp/batch"
	fi
	t0=$(now)
	ip -n "$ns" -batch "$tmp/batch"
	t1=$(now)
	ip -n "$ns" route flush proto 45
	ip -n "$ns" nexthop flush >/dev/null 2>&1 || true
	secs "$t0" "$t1"
}

echo "kernel $(uname -r), $(nproc) cores; fibctl: $fibctl"
for n in "${counts[@]}"; do
	for b in $batches; do
		s=$(run_fibctl "$n" "$b")
		echo "fib   N=$n batch=${b}B: ${s}s  ($(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }') routes/s) $(grep -o '"batches": [0-9]*' "$tmp/stats")"
	done
	echo "ip -batch N=$n nhid:   $(run_ip_batch "$n" nhid)s"
	echo "ip -batch N=$n inline: $(run_ip_batch "$n" inline)s"
done
