#!/bin/bash
# bench/dut/ipip-bgpd.sh - ipip-bgpd as the device under test of bench/fib_bench.sh.
#   ipip-bgpd.sh start | stop | proto
# Environment (set by fib_bench.sh): BN_NS, BN_DIR, BN_AS, BN_ID, BN_PEERS,
# BN_PEER_AS (see bird.sh). Passive peers, maximum-paths 2, `overlay mode never`
# (the feeders are on connected subnets: plain routes through the kernel FIB's
# shared nexthop groups, no tunnels). The binary comes from BENCH_BUILD (default
# build/bench, an -O2 build without sanitizers).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BENCH_BUILD:-$top/build/bench}
[ -x "$bin/bgpd/ipip-bgpd" ] || { echo "no $bin/bgpd/ipip-bgpd (scripts/build.sh bench)" >&2; exit 77; }

conf() {
	local p
	echo "hostname bench-dut"
	echo "router bgp $BN_AS"
	echo " bgp router-id $BN_ID"
	echo " no bgp ebgp-requires-policy"	# RFC 8212: the feeder is eBGP, no policy
	for p in $BN_PEERS; do
		echo " neighbor $p remote-as $BN_PEER_AS"
		echo " neighbor $p passive"
	done
	echo " address-family ipv4 unicast"
	echo "  maximum-paths 2"
	echo " exit-address-family"
	echo "overlay"
	echo " mode never"
	echo "exit"
}

case ${1:-} in
proto) echo 44 ;;	# doc/fib.md
start)
	conf >"$BN_DIR/ipip-bgpd.conf"
	"$bin/bgpd/ipip-bgpd" -C -f "$BN_DIR/ipip-bgpd.conf" >/dev/null
	ip netns exec "$BN_NS" "$bin/bgpd/ipip-bgpd" -n -f "$BN_DIR/ipip-bgpd.conf" \
		-S "$BN_DIR/ipip-bgpd.sock" >>"$BN_DIR/ipip-bgpd.log" 2>&1 &
	echo $! >"$BN_DIR/pids"
	for _ in $(seq 100); do
		"$bin/vtysh/ipip-vtysh" -S "$BN_DIR/ipip-bgpd.sock" -c "show version" >/dev/null 2>&1 && exit 0
		kill -0 "$(cat "$BN_DIR/pids")" 2>/dev/null || break
		sleep 0.1
	done
	echo "ipip-bgpd did not come up: $(cat "$BN_DIR/ipip-bgpd.log" 2>/dev/null)" >&2
	exit 1 ;;
stop)
	for pid in $(cat "$BN_DIR/pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done ;;
*) echo "usage: $0 start|stop|proto" >&2; exit 2 ;;
esac
