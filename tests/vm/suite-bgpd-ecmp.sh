#!/bin/bash
# Guest suite for tests/vm/vm-run (Debian's kernel, one boot): ECMP over three
# and then two kernel ipip tunnels that ipip-bgpd builds itself — the
# bandwidth-aggregation case. Two sites, each with three underlay addresses,
# run ipip-bgpd with three iBGP sessions between them (one per address pair,
# `update-source`), `overlay mode always`, point-to-point tunnels, the kernel
# driver and `ecmp-hash layer4`. Each learns the other's prefix with three
# next hops, one per session, so its route is a kernel nexthop group of three
# members, each on its own ipip device (local Li, remote Ri). Proves: the group
# and devices are exactly that; `show tunnel NAME` on each device lists the
# prefix as one of three next hops; with the layer-4 hash 32 TCP flows of one
# host pair spread over all three (ip route get), and a TCP transfer puts data
# on every tunnel by the kernel's counters at both ends and by the daemon's;
# after a reload drops one session the group has two members, the unused
# device is gone, and traffic uses both remaining tunnels; SIGTERM removes
# every device; no sanitizer reports.
# Prints "ok N - name" / "not ok N - name" and "# N passed, M failed".
#
# Underlay 10.0.3.0/24 on a bridge in the guest's root namespace:
#   e3a (site A) 10.0.3.1 .11 .21   private 172.16.1.0/24 (172.16.1.1 on lan0)
#   e3c (site C) 10.0.3.3 .13 .23   private 172.16.3.0/24 (172.16.3.1 on lan0)
# Sessions and tunnels: A 10.0.3.{,1,2}1 <-> C 10.0.3.{,1,2}3.
set -u
[ -n "${VM_KVER:-}" ] || { echo "run me inside the VM: tests/vm/vm-run $0" >&2; exit 2; }
bin=${IPIP_BUILD:?}
BGPD=$bin/bgpd/ipip-bgpd VTYSH=$bin/vtysh/ipip-vtysh
bridge=e3br0
nss=(e3a e3c)
work=$(mktemp -d)
n=0 passed=0 failed=0 pids=()
declare -A dpid
devs=()		# A's devices in the group, by check_group
# No process substitution here: the guest's /dev (devtmpfs) has no /dev/fd.

. "$(dirname "$0")/tap.sh"
trap tap_cleanup EXIT

# site_conf ME PEER [NSESSIONS]: ipip-bgpd's config for site ME (1 or 3).
site_conf() {
	local me=$1 peer=$2 k=${3:-3} i
	printf '%s\n' "hostname e3s$me" "log stdout informational" "router bgp 65000" \
		" bgp router-id 10.0.3.$me"
	for i in "" 1 2; do
		((k-- > 0)) || break
		printf '%s\n' " neighbor 10.0.3.$i$peer remote-as 65000" \
			" neighbor 10.0.3.$i$peer update-source 10.0.3.$i$me" \
			" neighbor 10.0.3.$i$peer timers 3 9" " neighbor 10.0.3.$i$peer timers connect 1"
	done
	printf '%s\n' " address-family ipv4 unicast" "  network 172.16.$me.0/24" \
		"  maximum-paths ibgp 8" " exit-address-family" "exit" "overlay" " mode always" \
		" tunnel-style point-to-point" " driver kernel" " ecmp-hash layer4" "exit"
}

suite_setup() {
	local ns me
	ip -b - <<-EOF || return 1
	link add e3br0 type bridge
	link set e3br0 up
	EOF
	for me in 1 3; do
		ns=e3$([ "$me" = 1 ] && echo a || echo c)
		ip netns add "$ns" || return 1
		ip link add "$ns-u" type veth peer name eth0 netns "$ns" || return 1
		ip link set "$ns-u" master e3br0 up || return 1
		printf '%s\n' "link set lo up" "link set eth0 up" "address add 10.0.3.$me/24 dev eth0" \
			"address add 10.0.3.1$me/24 dev eth0" "address add 10.0.3.2$me/24 dev eth0" \
			"link add lan0 type veth peer name lan0h" "link set lan0h up" "link set lan0 up" \
			"address add 172.16.$me.1/24 dev lan0" | ip -n "$ns" -b - || return 1
		site_conf "$me" "$((4 - me))" >"$work/$ns.conf" || return 1
	done
	# One-shot iperf3 servers in C for the two transfers.
	for port in 5201 5202; do
		ip netns exec e3c iperf3 -s -1 -p "$port" >"$work/iperf3-$port.log" 2>&1 &
		pids+=($!)
	done
}

vty_json() { "$VTYSH" -S "$work/$1.sock" -c "$2" 2>/dev/null; }

check_start() {
	local ns i
	for ns in e3a e3c; do
		ip netns exec "$ns" "$BGPD" -n -u root -f "$work/$ns.conf" -S "$work/$ns.sock" \
			-P "$work/$ns.pid" >"$work/$ns.log" 2>&1 &
		dpid[$ns]=$!
		pids+=($!)
	done
	for ((i = 0; i < 120; i++)); do
		[ -S "$work/e3a.sock" ] && [ -S "$work/e3c.sock" ] && break
		sleep 0.25
	done
	out="A: $(vty_json e3a "show overlay json" | jq -r .driver), C: $(vty_json e3c "show overlay json" | jq -r .driver)"
	[ "$out" = "A: kernel, C: kernel" ]
	tap "ipip-bgpd runs on both sites with the kernel driver" $?
	run ip netns exec e3a cat /proc/sys/net/ipv4/fib_multipath_hash_policy
	expect "ecmp-hash layer4 set fib_multipath_hash_policy to 1" "1"
}

# established NS: how many sessions of NS are Established.
established() { vty_json "$1" "show bgp statistics json" | jq -r '.ipv4Unicast.peersEstablished // 0'; }

# group_devs NS PREFIX: the device of each member of our route's nexthop group.
group_devs() {
	local g
	g=$(ip -n "$1" -j route show "$2" proto 44 | jq -r '.[0].nhid // empty')
	[ -n "$g" ] || return 0
	ip -n "$1" -j nexthop show | jq -r --arg g "$g" \
		'(map({key: (.id | tostring), value: .}) | from_entries) as $by
		 | $by[$g].group[]?.id | tostring | $by[.].dev // "?"'
}

# ours NS: "name local remote" of each ipip device with our alias.
ours() {
	ip -n "$1" -d -j link show type ipip | jq -r '.[] | select((.ifalias // "")
		| startswith("ipip-bgpd local")) | "\(.ifname) \(.linkinfo.info_data.local) \(.linkinfo.info_data.remote)"'
}

# converge K: wait (bounded) for K sessions on both sites and a K-member group in A.
converge() {
	local i
	for ((i = 0; i < 240; i++)); do
		[ "$(established e3a)" = "$1" ] && [ "$(established e3c)" = "$1" ] &&
			[ "$(group_devs e3a 172.16.3.0/24 | wc -l)" = "$1" ] && return 0
		sleep 0.5
	done
	return 1
}

# check_group K PAIRS...: A's route to C is a group of K members on K distinct
# devices of ours, whose endpoints are exactly PAIRS ("local>remote").
check_group() {
	local k=$1 d name l r want got st; shift
	converge "$k"
	st=$?
	out="sessions A $(established e3a), C $(established e3c); group: $(group_devs e3a 172.16.3.0/24 | tr '\n' ' ')"
	tap "$k sessions Established on both sites; A's route to C has a $k-member group" $st
	devs=($(group_devs e3a 172.16.3.0/24 | sort -u))
	declare -gA dev_of=()
	while read -r name l r; do dev_of[$name]="$l>$r"; done <<<"$(ours e3a)"
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	got=$(for d in "${devs[@]}"; do echo "${dev_of[$d]:-$d-not-ours}"; done | sort | tr '\n' ' ')
	out="want: $want; group devices: ${devs[*]} = $got; $(ip -n e3a -d link show type ipip)"
	[ "${#devs[@]}" = "$k" ] && [ "$got" = "$want" ]
	tap "the $k members are on $k distinct ipip devices of ours: $want" $?
}

# check_show_name K: show tunnel NAME on each group device lists C's prefix, 1 of K.
check_show_name() {
	local k=$1 d ok=0 nh
	out="devices: ${devs[*]}; "
	[ "${#devs[@]}" = "$k" ] || ok=1
	for d in "${devs[@]}"; do
		nh=$(vty_json e3a "show tunnel $d json" |
			jq -r '.tunnels[0].routes[] | select(.prefix == "172.16.3.0/24") | .nexthops')
		out+="$d: nexthops ${nh:-none}; "
		[ "$nh" = "$k" ] || ok=1
	done
	tap "show tunnel NAME on each of the $k devices: 172.16.3.0/24, one of $k next hops" $ok
	"$VTYSH" -S "$work/e3a.sock" -c "show tunnel ${devs[0]:-none}" 2>&1 | sed 's/^/# /'
}

# kctr NS DEV... : tx and rx bytes of each device, "tx rx" per line.
kctr() { ip netns exec "$1" sh -c 'for d; do echo $(cat /sys/class/net/$d/statistics/tx_bytes /sys/class/net/$d/statistics/rx_bytes); done' - "${@:2}"; }
# dctr DEV: txBytes of device DEV by A's `show tunnel DEV json`.
dctr() { vty_json e3a "show tunnel $1 json" | jq -r '.tunnels[0].txBytes // -1'; }

# check_traffic K PORT: 32 flows spread over K paths; a 2K-flow 3 MB transfer from
# ports chosen to cover every path puts >= 64 KB on each tunnel (A tx, C rx, daemon).
check_traffic() {
	local k=$1 port=$2 s d i l r a0 c0 x y m min=-1
	local -a cdevs a_before c_before d_before a_after c_after d_after
	route_choices e3a 172.16.3.1 172.16.1.1 "$port" 42000 32
	out="${choice[*]}"
	holds "hash layer 4: 32 TCP flows of one host pair spread over all $k tunnels (ip route get)" \
		"$(distinct 0 32) == $k"
	s=$(cover_start "$k" $((2 * k)))
	# C's device for each of A's: local and remote swapped.
	declare -A cname=()
	while read -r d l r; do cname["$l>$r"]=$d; done <<<"$(ours e3c)"
	for d in "${devs[@]}"; do
		IFS='>' read -r l r <<<"${dev_of[$d]}"
		cdevs+=("${cname[$r>$l]:-none}")
	done
	mapfile -t a_before <<<"$(kctr e3a "${devs[@]}")"
	mapfile -t c_before <<<"$(kctr e3c "${cdevs[@]}")"
	for d in "${devs[@]}"; do d_before+=("$(dctr "$d")"); done
	if [ "$s" -ge 0 ]; then
		iperf e3a 172.16.1.1 172.16.3.1 "$port" $((42000 + s)) $((2 * k)) 3M
	else
		out="no $((2 * k)) consecutive ports reach all $k tunnels: ${choice[*]}" rc=1 rcvd=0
	fi
	echo "# iperf3 over $k tunnels: receiver got $rcvd bytes"
	# The point is the spread, not throughput: 2K flows in flight may leave
	# more unreceived when the sender is done than one flow does.
	transferred "$((2 * k)) TCP flows (iperf3, 3 MB) from A to C run, >= 1 MB received" 2097152
	sleep 0.5
	mapfile -t a_after <<<"$(kctr e3a "${devs[@]}")"
	mapfile -t c_after <<<"$(kctr e3c "${cdevs[@]}")"
	for d in "${devs[@]}"; do d_after+=("$(dctr "$d")"); done
	out="" m=${#devs[@]}
	((m == k)) || min=0
	for ((i = 0; i < m; i++)); do
		read -r a0 _ <<<"${a_before[i]}"; read -r _ c0 <<<"${c_before[i]}"
		read -r x _ <<<"${a_after[i]}"; read -r _ y <<<"${c_after[i]}"
		a_before[i]=$((x - a0)) c_before[i]=$((y - c0))
		d_before[i]=$((d_after[i] - d_before[i]))
		out+="${devs[i]}: A tx +${a_before[i]}, C ${cdevs[i]} rx +${c_before[i]}, daemon tx +${d_before[i]}; "
		for x in "${a_before[i]}" "${c_before[i]}"; do ((min < 0 || x < min)) && min=$x; done
	done
	echo "# $out"
	holds "every one of the $k tunnels carries data (A tx and C rx >= 64 KB each)" "min >= 65536"
	min=-1
	((m == k)) || min=0
	for ((i = 0; i < m; i++)); do ((min < 0 || d_before[i] < min)) && min=${d_before[i]}; done
	holds "show tunnel NAME counts it too: txBytes of each device grew >= 64 KB" "min >= 65536"
}

# Drop the third session: A and C reload configs with two neighbors.
check_reload_to_two() {
	local gone=${devs[2]} ns i
	site_conf 1 3 2 >"$work/e3a.conf" && site_conf 3 1 2 >"$work/e3c.conf"
	for ns in e3a e3c; do kill -HUP "${dpid[$ns]}"; done
	check_group 2 "10.0.3.1>10.0.3.3" "10.0.3.11>10.0.3.13"
	for ((i = 0; i < 40; i++)); do
		[ -z "$(ip -n e3a -o link show dev "$gone" 2>/dev/null)" ] && break
		sleep 0.25
	done
	run ip -n e3a -o link show dev "$gone"
	[ "$rc" -ne 0 ]
	tap "the third session's tunnel device ($gone) is removed once unused" $?
}

check_stop() {
	local ns st=0
	for ns in e3a e3c; do kill -TERM "${dpid[$ns]}"; done
	for ns in e3a e3c; do wait "${dpid[$ns]}" || st=1; done
	out="$(ours e3a; ours e3c)"
	[ "$st" = 0 ] && [ -z "$out" ]
	tap "SIGTERM: both daemons exit 0 and leave no ipip device of ours" $?
	out=$(cat "$work"/e3?.log)
	! grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error' <<<"$out"
	tap "no sanitizer reports from either ipip-bgpd" $?
}

tap_setup "setup: namespaces, bridge, addresses" suite_setup
check_start
check_group 3 "10.0.3.1>10.0.3.3" "10.0.3.11>10.0.3.13" "10.0.3.21>10.0.3.23"
check_show_name 3
check_traffic 3 5201
check_reload_to_two
check_show_name 2
check_traffic 2 5202
check_stop
tap_end
