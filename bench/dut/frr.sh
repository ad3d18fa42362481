#!/bin/bash
# bench/dut/frr.sh - FRR 8.4 (bgpd + zebra) as the device under test of
# bench/fib_bench.sh, with its own config, zserv and vty sockets, PID files
# and logs in BN_DIR (nothing in /etc/frr or /var/run/frr is used). The
# daemons run as user frr, so BN_DIR is handed to frr.
#   frr.sh start | stop | proto        (environment: see bird.sh)
# bgpd is passive, imports everything (route-map in), exports nothing (eBGP
# requires policy, RFC 8212) and runs maximum-paths 2; zebra installs with
# kernel nexthop objects (its default) and a 64 MiB netlink buffer.
set -euo pipefail
frr=/usr/lib/frr
[ -x $frr/bgpd ] && [ -x $frr/zebra ] || { echo "frr not installed (scripts/deps.sh bench)" >&2; exit 77; }

bgpd_conf() {
	local p
	printf 'frr defaults traditional\nhostname bn-dut\nlog file %s/bgpd.log warnings\n' "$BN_DIR"
	printf 'route-map ALL permit 10\n!\nrouter bgp %s\n bgp router-id %s\n' "$BN_AS" "$BN_ID"
	for p in $BN_PEERS; do
		printf ' neighbor %s remote-as %s\n neighbor %s passive\n' "$p" "$BN_PEER_AS" "$p"
	done
	printf ' address-family ipv4 unicast\n  maximum-paths 2\n'
	for p in $BN_PEERS; do printf '  neighbor %s route-map ALL in\n' "$p"; done
	printf ' exit-address-family\n!\n'
}

daemon_start() {	# name, extra args...
	local name=$1; shift
	ip netns exec "$BN_NS" $frr/"$name" -f "$BN_DIR/$name.conf" -i "$BN_DIR/$name.pid" \
		-z "$BN_DIR/zserv.api" --vty_socket "$BN_DIR" -P 0 -u frr -g frr "$@" \
		>>"$BN_DIR/$name.out" 2>&1 &
	echo $! >>"$BN_DIR/pids"
}

case ${1:-} in
proto) echo 186 ;;	# RTPROT_BGP
start)
	printf 'hostname bn-dut\nlog file %s/zebra.log warnings\n' "$BN_DIR" >"$BN_DIR/zebra.conf"
	bgpd_conf >"$BN_DIR/bgpd.conf"
	: >"$BN_DIR/pids"
	# the daemons drop to user frr (the vty group frrvty is built in)
	chmod a+x "$(dirname "$BN_DIR")"
	chown -R frr:frr "$BN_DIR"
	daemon_start zebra -s 67108864
	for _ in $(seq 100); do [ -S "$BN_DIR/zserv.api" ] && break; sleep 0.1; done
	daemon_start bgpd
	for _ in $(seq 100); do
		vtysh --vty_socket "$BN_DIR" -c 'show bgp summary' 2>/dev/null | grep -q 'BGP router' && exit 0
		sleep 0.1
	done
	echo "frr did not come up: $(cat "$BN_DIR"/*.out "$BN_DIR"/*.log 2>/dev/null)" >&2
	exit 1 ;;
stop)
	for pid in $(tac "$BN_DIR/pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done ;;
*) echo "usage: $0 start|stop|proto" >&2; exit 2 ;;
esac
