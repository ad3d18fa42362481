#!/bin/bash
# Guest suite for tests/vm/vm-run (Debian's kernel, one boot): proves with plain
# iproute2 in network namespaces the kernel ipip facts tunnel/ relies on —
# tunl0 and its limits, NBMA routes (via R dev tunl0 onlink), point-to-point
# tunnels, ECMP over 2 and 3 tunnels with the layer-4 hash, MTU and PMTU,
# nexthop objects and groups through tunl0, ownership marking by ifalias.
# Prints "ok N - name" / "not ok N - name" and "# N passed, M failed".
#
# Underlay 10.0.0.0/24 on a bridge in the guest's root namespace:
#   vma (site A) 10.0.0.1 .11 .21 .31   LAN 172.16.1.0/24 to vmh (.2)
#   vmb (site B) 10.0.0.2 .12 .22 .32   vmc (site C) 10.0.0.3, underlay MTU 1400
# tunN in A and B: local 10.0.0.N1 <-> 10.0.0.N2 (N = 1..3). Each check uses its
# own pair of inner addresses so routes never interfere.
set -u
[ -n "${VM_KVER:-}" ] || { echo "run me inside the VM: tests/vm/vm-run $0" >&2; exit 2; }
bridge=vmbr0
nss=(vma vmb vmc vmh)
work=$(mktemp -d)
n=0 passed=0 failed=0 pids=()

. "$(dirname "$0")/tap.sh"
trap tap_cleanup EXIT

# counters NS DEV...: "tx rx" byte counters of each device into ctr[NS/DEV].
declare -A ctr
counters() {
	local ns=$1 d vals i=0; shift
	vals=($(ip netns exec "$ns" sh -c 'for d; do cat /sys/class/net/$d/statistics/tx_bytes /sys/class/net/$d/statistics/rx_bytes; done' - "$@"))
	for d in "$@"; do
		ctr[$ns/$d]="${vals[i]:-0} ${vals[i + 1]:-0}"
		i=$((i + 2))
	done
}

# site_pair ME PEER: batch lines for the mirrored halves of sites A (1) and B (2):
# underlay 10.0.0.ME and 10.0.0.{1,2,3}ME, tunI local 10.0.0.I<ME> remote
# 10.0.0.I<PEER>, inner 172.16.<ME>{0,1,2}.1 routed to the peer's: one tunnel
# (tun1), ECMP over tun1+tun2, and nexthop group 10 of tun1..tun3.
site_pair() {
	local me=$1 peer=$2 i
	printf '%s\n' "link set lo up" "link set eth0 up" "link set tunl0 up" \
		"address add 10.0.0.$me/24 dev eth0"
	for i in 1 2 3; do
		printf '%s\n' "address add 10.0.0.$i$me/24 dev eth0" \
			"address add 172.16.$me$((i - 1)).1/32 dev lo" \
			"link add tun$i type ipip local 10.0.0.$i$me remote 10.0.0.$i$peer ttl inherit" \
			"link set tun$i up" "nexthop add id $i dev tun$i"
	done
	printf '%s\n' "nexthop add id 10 group 1/2/3" \
		"route add 172.16.${peer}0.1/32 dev tun1 src 172.16.${me}0.1" \
		"route add 172.16.${peer}1.1/32 src 172.16.${me}1.1 nexthop dev tun1 nexthop dev tun2" \
		"route add 172.16.${peer}2.1/32 nhid 10 src 172.16.${me}2.1"
}

suite_setup() {
	ip -b - <<-EOF || return 1
	netns add vma
	netns add vmb
	netns add vmc
	netns add vmh
	link add vmbr0 type bridge
	link set vmbr0 up
	link add vma-u type veth peer name eth0 netns vma
	link add vmb-u type veth peer name eth0 netns vmb
	link add vmc-u type veth peer name eth0 netns vmc
	link set vma-u master vmbr0 up
	link set vmb-u master vmbr0 up
	link set vmc-u master vmbr0 up
	EOF
	{ site_pair 1 2; cat <<-EOF; } | ip -n vma -b - || return 1
	link add lan0 type veth peer name eth0 netns vmh
	link set lan0 up
	address add 172.16.1.1/24 dev lan0
	route add 172.16.2.1/32 via 10.0.0.2 dev tunl0 onlink src 172.16.1.1
	route add 172.16.3.1/32 via 10.0.0.3 dev tunl0 onlink src 172.16.1.1
	EOF
	{ site_pair 2 1; cat <<-EOF; } | ip -n vmb -b - || return 1
	address add 172.16.2.1/32 dev lo
	address add 172.16.30.1/32 dev lo
	route add 172.16.1.0/24 via 10.0.0.1 dev tunl0 onlink src 172.16.2.1
	EOF
	ip -n vmc -b - <<-EOF || return 1
	link set lo up
	link set eth0 mtu 1400 up
	address add 10.0.0.3/24 dev eth0
	address add 172.16.3.1/32 dev lo
	address add 172.16.30.1/32 dev lo
	link set tunl0 up
	route add 172.16.1.0/24 via 10.0.0.1 dev tunl0 onlink src 172.16.3.1
	EOF
	ip -n vmh -b - <<-EOF || return 1
	link set lo up
	link set eth0 up
	address add 172.16.1.2/24 dev eth0
	route add default via 172.16.1.1
	EOF
	ip netns exec vma sysctl -qw net.ipv4.ip_forward=1 || return 1
	ip netns exec vmb sysctl -qw net.ipv4.fib_multipath_hash_policy=1 || return 1
	# One-shot iperf3 servers, one per TCP check, ready long before they are used.
	local port
	for port in 5201 5202 5203; do
		ip netns exec vmb iperf3 -s -1 -p "$port" >"$work/iperf3-$port.log" 2>&1 &
		pids+=($!)
	done
}

# (a) What modprobe ipip gives, and what the kernel refuses.
check_tunl0() {
	run ip -n vmc -d link show tunl0
	expect "tunl0 appears in every namespace: remote any local any, ttl inherit, nopmtudisc, mtu 1480" \
		"mtu 1480" "remote any local any ttl inherit nopmtudisc"
	run ip -n vmc link add vmt0 type ipip
	refused "ip link add type ipip without endpoints collides with tunl0 (File exists)" "File exists"
	run ip -n vmc link add nbma0 type ipip local 10.0.0.3 ttl inherit
	[ "$rc" -eq 0 ] && run ip -n vmc -d link show nbma0
	expect "an NBMA device with only a local address is created, with pmtudisc" \
		"remote any local 10.0.0.3 ttl inherit pmtudisc"
	run ip -n vmc link set tunl0 type ipip ttl inherit pmtudisc
	refused "rtnetlink cannot change tunl0's parameters (Invalid argument)" "Invalid argument"
	run ip -n vmc tunnel change tunl0 mode ipip ttl inherit pmtudisc
	[ "$rc" -eq 0 ] && run ip -n vmc -d link show tunl0
	expect "ip tunnel change (ioctl) turns pmtudisc on for tunl0" "ttl inherit pmtudisc"
	run ip -n vma link add vmdup type ipip local 10.0.0.11 remote 10.0.0.12
	refused "a second device with the same local and remote is refused (File exists)" "File exists"
}

# tcpdump on A's underlay port while (b) and (c) ping; stopped with SIGINT.
capture_start() {
	local i
	tcpdump -i vma-u -n -l -U 'ip proto 4' >"$work/cap.out" 2>"$work/cap.err" &
	cap_pid=$!
	pids+=("$cap_pid")
	for ((i = 0; i < 100; i++)); do
		grep -q "listening on" "$work/cap.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

capture_stop() {
	sleep 1
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap=$(cat "$work/cap.out")
}

# (b) NBMA: one tunl0, the outer destination comes from each route's gateway.
check_nbma_ping() {
	ping1 vma 172.16.2.1
	expect "NBMA: ping A -> B over 'via 10.0.0.2 dev tunl0 onlink'" "1 received"
	ping1 vma 172.16.3.1
	expect "NBMA: ping A -> C over 'via 10.0.0.3 dev tunl0 onlink'" "1 received"
}

check_nbma_wire() {
	out=$cap
	has "10.0.0.1 > 10.0.0.2: IP 172.16.1.1 > 172.16.2.1: ICMP echo request" \
		"10.0.0.2 > 10.0.0.1: IP 172.16.2.1 > 172.16.1.1: ICMP echo reply"
	tap "NBMA wire: outer destination to B is B's gateway 10.0.0.2, reply comes back in ipip" $?
	has "10.0.0.1 > 10.0.0.3: IP 172.16.1.1 > 172.16.3.1: ICMP echo request" \
		"10.0.0.3 > 10.0.0.1: IP 172.16.3.1 > 172.16.1.1: ICMP echo reply"
	tap "NBMA wire: outer destination to C is C's gateway 10.0.0.3 on the same tunl0" $?
}

# (c) Point-to-point: local L remote R ttl inherit.
check_p2p_ping() {
	run ip -n vma -d link show tun1
	expect "point-to-point tun1 shows remote 10.0.0.12 local 10.0.0.11 ttl inherit pmtudisc" \
		"POINTOPOINT" "remote 10.0.0.12 local 10.0.0.11 ttl inherit pmtudisc"
	ping1 vma 172.16.20.1
	expect "point-to-point: ping A -> B over tun1" "1 received"
}

check_p2p_wire() {
	out=$cap
	has "10.0.0.11 > 10.0.0.12: IP 172.16.10.1 > 172.16.20.1: ICMP echo request" \
		"10.0.0.12 > 10.0.0.11: IP 172.16.20.1 > 172.16.10.1: ICMP echo reply"
	tap "point-to-point wire: outer addresses are tun1's local and remote, both ways" $?
}

check_p2p_tcp() {
	snapshot tun1
	iperf vma 172.16.10.1 172.16.20.1 5201 41000 1 2M
	echo "# iperf3 receiver got $rcvd bytes"
	transferred "point-to-point: a 2 MB TCP transfer (iperf3) runs over tun1, >= 1 MB received" 2097152
	deltas_after "$rcvd" tun1
	holds "point-to-point: tun1 counters account for every received byte (A tx, B rx)" \
		"rcvd > 0 && deltas[0] >= rcvd && deltas[1] >= rcvd"
}

# (e) MTU and path MTU discovery through tun1 (underlay 1500) and over C's 1400.
check_mtu() {
	run ip -n vma link show tun1
	expect "MTU: tun1 over a 1500-byte underlay has MTU 1480 (underlay - 20)" "mtu 1480 "
	run ip -n vmc link add vmm1 type ipip local 10.0.0.3 remote 10.0.0.1 ttl inherit
	[ "$rc" -eq 0 ] && run ip -n vmc link show vmm1
	expect "MTU: a tunnel over a 1400-byte underlay gets MTU 1380" "mtu 1380 "
	run ip -n vmc link set eth0 mtu 1300
	[ "$rc" -eq 0 ] && run ip -n vmc link show vmm1
	expect "MTU: the kernel does not follow an underlay MTU change (the daemon must)" "mtu 1380 "
	ping_df vma 1452 172.16.20.1
	expect "MTU: a DF ping of 1480 bytes passes through tun1" "1 received"
	ping_df vma 1453 172.16.20.1
	refused "MTU: a DF ping of 1481 bytes fails locally: message too long, mtu=1480" \
		"message too long" "mtu=1480"
	ping_df vmh 1452 172.16.20.1
	expect "PMTU: a LAN host's DF ping of 1480 bytes is forwarded through tun1" "1 received"
	ping_df vmh 1453 172.16.20.1
	refused "PMTU: a LAN host's DF ping of 1481 bytes gets 'Frag needed (mtu = 1480)' from A" \
		"From 172.16.1.1" "Frag needed and DF set (mtu = 1480)"
	run ip -n vmh route get 172.16.20.1
	expect "PMTU: the LAN host caches path MTU 1480 toward B" "mtu 1480"
}

# snapshot DEV...: remember A's tx and B's rx byte counters of each tunnel.
declare -A base
snapshot() {
	local d
	counters vma "$@"; counters vmb "$@"
	for d; do base[$d]="${ctr[vma/$d]% *} ${ctr[vmb/$d]#* }"; done
}

# deltas_after MIN DEV...: growth since the snapshot into deltas[] (A tx, B rx
# per tunnel), once B's tunnels have received MIN bytes (bounded wait, 5 s).
deltas_after() {
	local min=$1 d i a0 b0 sum; shift
	for ((i = 0; i < 20; i++)); do
		counters vma "$@"; counters vmb "$@"
		deltas=() out="" sum=0
		for d; do
			read -r a0 b0 <<<"${base[$d]}"
			deltas+=($((${ctr[vma/$d]% *} - a0)) $((${ctr[vmb/$d]#* } - b0)))
			sum=$((sum + ${deltas[-1]}))
			out+="$d: A tx +${deltas[-2]} B rx +${deltas[-1]}; "
		done
		((sum >= min)) && break
		sleep 0.25
	done
	echo "# $out"
}

# ecmp_flows K DST SRC PORT NAME DEVS...: pick WIDTH=2K consecutive source
# ports the kernel spreads over all K tunnels (the layer-4 hash seed is random
# per boot, so the ports are found, not fixed), send 3 MB, check counters.
ecmp_flows() {
	local k=$1 dst=$2 src=$3 port=$4 name=$5 s d i min; shift 5
	route_choices vma "$dst" "$src" "$port" 42000 64
	s=$(cover_start "$k" $((2 * k)))
	if [ "$s" -lt 0 ]; then
		out="no $((2 * k)) consecutive ports reach all $k tunnels: ${choice[*]}"
		tap "$name: $((2 * k)) TCP flows (iperf3, 3 MB) run, >= 1.5 MB received" 1
		tap "$name: every tunnel carries data (A tx and B rx >= 64 KB each)" 1
		return
	fi
	snapshot "$@"
	iperf vma "$src" "$dst" "$port" $((42000 + s)) $((2 * k)) 3M
	echo "# iperf3 receiver got $rcvd bytes"
	transferred "$name: $((2 * k)) TCP flows (iperf3, 3 MB) run, >= 1.5 MB received" 3145728
	deltas_after "$rcvd" "$@"
	min=$rcvd
	for i in "${deltas[@]}"; do ((i < min)) && min=$i; done
	# Each tunnel carries at least one data flow. One that no flow hashes to
	# sees nothing from A but perhaps iperf3's few-KB control connection.
	holds "$name: every tunnel carries data (A tx and B rx >= 64 KB each)" "min >= 65536"
}

# (d) ECMP: one host pair over 2 and 3 tunnels needs the layer-4 hash.
check_ecmp() {
	route_choices vma 172.16.21.1 172.16.11.1 5202 42000 32
	out="${choice[*]}"
	holds "ECMP hash policy 0: 32 TCP flows of one host pair all take one tunnel" \
		"$(distinct 0 32) == 1"
	ip netns exec vma sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	route_choices vma 172.16.21.1 172.16.11.1 5202 42000 32
	out="${choice[*]}"
	holds "ECMP hash policy 1: 32 TCP flows spread over tun1 and tun2 (ip route get)" \
		"$(distinct 0 32) == 2"
	ecmp_flows 2 172.16.21.1 172.16.11.1 5202 "ECMP 'nexthop dev tun1 nexthop dev tun2'" tun1 tun2
	run ip -n vma route show 172.16.22.1
	expect "ECMP over 3 tunnels: the route uses nexthop group 10 (1/2/3)" "nhid 10"
	route_choices vma 172.16.22.1 172.16.12.1 5203 42000 32
	out="${choice[*]}"
	holds "ECMP nexthop group: 32 TCP flows spread over tun1, tun2 and tun3 (ip route get)" \
		"$(distinct 0 32) == 3"
	ecmp_flows 3 172.16.22.1 172.16.12.1 5203 "ECMP nexthop group over tun1..tun3" tun1 tun2 tun3
}

# (f) Nexthop objects through tunl0 (onlink), groups, replace.
check_nexthops() {
	run ip -n vma -b - <<-EOF
	nexthop add id 21 via 10.0.0.2 dev tunl0 onlink
	nexthop add id 22 via 10.0.0.3 dev tunl0 onlink
	nexthop add id 30 group 21/22
	route add 172.16.30.1/32 nhid 30 src 172.16.1.1
	nexthop show
	EOF
	expect "nexthop objects 'via R dev tunl0 onlink' and a group of two are accepted" \
		"id 21 via 10.0.0.2 dev tunl0 scope link onlink" "id 30 group 21/22"
	ping1 vma 172.16.30.1
	expect "a route via the tunl0 nexthop group carries ping" "1 received"
	run ip -n vma -b - <<-EOF
	nexthop replace id 30 group 22
	route show 172.16.30.1
	route get 172.16.30.1
	EOF
	expect "ip nexthop replace of the group keeps the route and moves it to C" \
		"172.16.30.1 nhid 30" "via 10.0.0.3 dev tunl0"
	ping1 vma 172.16.30.1
	expect "after the replace the route still carries ping" "1 received"
	run ip -n vma -b - <<-EOF
	nexthop add id 31 group 21/22 type resilient buckets 32
	nexthop show id 31
	route add 172.16.31.0/24 nexthop via 10.0.0.2 dev tunl0 onlink nexthop via 10.0.0.3 dev tunl0 onlink
	EOF
	expect "a resilient group of tunl0 nexthops is accepted" "type resilient buckets 32"
	route_choices vma 172.16.31.1 172.16.1.1 179 42000 32
	out="${choice[*]}"
	holds "multipath 'nexthop via .2 dev tunl0 onlink nexthop via .3 ...' uses both gateways" \
		"$(distinct 0 32) == 2"
}

# marked: the devices of A whose alias is exactly "ipip-bgpd", into $out.
marked() {
	out=$(ip -n vma -o link show | sed -n 's/^[0-9]*: \([^@:]*\).*alias ipip-bgpd$/\1/p' | tr '\n' ' ')
}

# (g) Ownership: a device marked with IFLA_IFALIAS is found by a link dump.
check_alias() {
	run ip -n vma -b - <<-EOF
	link set dev tun1 alias ipip-bgpd
	link set dev tun2 alias ipip-bgpd
	EOF
	marked
	[ "$out" = "tun1 tun2 " ]
	tap "ifalias: a link dump lists exactly the marked devices (tun1 tun2)" $?
	run ip -n vma link set dev tun2 alias ""
	marked
	[ "$out" = "tun1 " ]
	tap "ifalias: an empty alias removes the mark" $?
}

tap_setup "setup: namespaces, bridge, tunnels, routes" suite_setup
check_tunl0
capture_start
st=$?
out=$(cat "$work/cap.err")
tap "tcpdump listens on A's underlay port" $st
check_nbma_ping
check_p2p_ping
capture_stop
check_nbma_wire
check_p2p_wire
check_p2p_tcp
check_mtu
check_ecmp
check_nexthops
check_alias
tap_end
