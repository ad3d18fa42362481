#!/bin/bash
# bench/fib_insert.sh - how fast rib/fib puts N routes into the kernel (a benchmark,
# not a test). In a private namespace with two veths, for each batch size:
# the time from "set N prefixes over a 2-way ECMP group" to the fib being idle
# (every route ACKed), via tests/netns/fibctl; then the time for one of the two
# next hops to leave all N prefixes (fib_nh_down: one group replace, BGP PIC);
# then `ip -batch` for the same routes, with a nexthop object and with inline
# next hops, for comparison.
#   bench/fib_insert.sh [N...]        (default: 100000 1000000; needs root)
#   BATCHES="4096 16384"  FIBCTL=path/to/fibctl
#   COMPAT=1: keep net.ipv4.nexthop_compat_mode=1 (fibctl -C) to see its cost
# Use an unsanitized build for figures:
#   scripts/build.sh bench && make -C build/bench tests/netns/fibctl
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
secs() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
# N consecutive /24s from 32.0.0.0, one per line
prefixes() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%d.%d.%d.0/24\n", 32 + int(i / 65536), int(i / 256) % 256, i % 256 }'; }

ask() {		# send one command to fibctl, wait for its answer line
	echo "$1" >&"${F[1]}"
	read -r answer <&"${F[0]}"
}

run_fibctl() {	# count batch-bytes -> "insert-seconds failover-seconds"
	local n=$1 b=$2 t0 t1 t2 opt=""
	if [ "${COMPAT:-0}" = 1 ]; then
		opt=-C
		ip netns exec "$ns" sysctl -qw net.ipv4.nexthop_compat_mode=1
	fi
	coproc F { ip netns exec "$ns" "$fibctl" $opt -b "$b" 2>"$tmp/fibctl.log"; }
	read -r answer <&"${F[0]}"
	t0=$(now)
	ask "set 32.0.0.0/24 count $n via 10.99.0.2 dev fibv0 via 10.99.1.2 dev fibv1"
	ask sync
	t1=$(now)
	ask "nhdown via 10.99.0.2 dev fibv0"
	ask sync
	t2=$(now)
	ask stats
	echo "$answer" >"$tmp/stats"
	[ -n "${VERBOSE:-}" ] && echo "$answer" >&2
	ask quit			# removes them again (not timed)
	wait "$F_PID" 2>/dev/null || true
	echo "$(secs "$t0" "$t1") $(secs "$t1" "$t2")"
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

echo "kernel $(uname -r), $(nproc) cores; fibctl: $fibctl; compat_mode ${COMPAT:-0}"
for n in "${counts[@]}"; do
	for b in $batches; do
		read -r s fo < <(run_fibctl "$n" "$b")
		rate=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }')
		echo "fib N=$n batch=${b}B: insert ${s}s ($rate routes/s," \
		    "$(grep -o '"batches": [0-9]*' "$tmp/stats" | tr -d '"')), failover ${fo}s" \
		    "($(grep -o '"group_writes": [0-9]*' "$tmp/stats" | tr -d '"'))"
	done
	echo "ip -batch N=$n nhid:   $(run_ip_batch "$n" nhid)s"
	echo "ip -batch N=$n inline: $(run_ip_batch "$n" inline)s"
done
