#!/bin/bash
# bench/dut/bird.sh - BIRD 2 as the device under test of bench/fib_bench.sh.
#   bird.sh start | stop | proto
# Environment (set by fib_bench.sh): BN_NS (namespace), BN_DIR (private dir for
# config, socket, log and the file "pids"), BN_AS, BN_ID, BN_PEERS (feeder
# addresses), BN_PEER_AS. start returns once the daemon answers; the feeders
# connect to it (it is passive). BGP routes go to the kernel through the
# kernel protocol with ECMP merging ("merge paths"). Exit 77: not installed.
set -euo pipefail
command -v bird >/dev/null || { echo "bird2 not installed (scripts/deps.sh bench)" >&2; exit 77; }

bird_conf() {
	local i=0 p
	cat <<CONF
router id $BN_ID;
log "$BN_DIR/bird.log" { warning, error, fatal, bug };
protocol device { }
protocol kernel {
	ipv4 { import none; export all; };
	merge paths on;
	netlink rx buffer 67108864;	# a full table of change notifications
}
CONF
	for p in $BN_PEERS; do
		i=$((i + 1))
		cat <<CONF
protocol bgp feeder$i {
	local as $BN_AS;
	neighbor $p as $BN_PEER_AS;
	passive on;
	ipv4 { import all; export none; };
}
CONF
	done
}

case ${1:-} in
proto) echo 12 ;;	# RTPROT_BIRD
start)
	bird_conf >"$BN_DIR/bird.conf"
	ip netns exec "$BN_NS" bird -f -c "$BN_DIR/bird.conf" -s "$BN_DIR/bird.ctl" \
		-P "$BN_DIR/bird.pid" >>"$BN_DIR/bird.out" 2>&1 &
	echo $! >"$BN_DIR/pids"
	for _ in $(seq 100); do
		birdc -s "$BN_DIR/bird.ctl" show status >/dev/null 2>&1 && exit 0
		kill -0 "$(cat "$BN_DIR/pids")" 2>/dev/null || break
		sleep 0.1
	done
	echo "bird did not come up: $(cat "$BN_DIR/bird.out" "$BN_DIR/bird.log" 2>/dev/null)" >&2
	exit 1 ;;
stop)
	for pid in $(cat "$BN_DIR/pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done ;;
*) echo "usage: $0 start|stop|proto" >&2; exit 2 ;;
esac
