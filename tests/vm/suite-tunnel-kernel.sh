#!/bin/bash
# Guest suite for tests/vm/vm-run (Debian's kernel, one boot): tunnel/'s kernel
# driver, driven through tests/netns/tunctl (the tunnel manager on stdin), makes
# every device here — `ip` only adds addresses and routes, as the RIB will.
# Proves: driver auto picks kernel; point-to-point and NBMA devices (one per
# local address, `via R dev D onlink`) carry ping; MTU = underlay - 20 with a DF
# ping of that size passing and one byte more refused; ECMP over two kernel
# tunnels with hash policy 1 (set by ecmp-hash layer4) uses both, by the
# counters our driver reads; SIGKILL + restart adopts (same ifindex) and prunes;
# foreign ipip devices are never touched; a userspace site talks to a kernel site.
# Prints "ok N - name" / "not ok N - name" and "# N passed, M failed".
#
# Underlay 10.0.0.0/24 on a bridge in the guest's root namespace:
#   kta (site A, kernel p2p)   10.0.0.1 .11   inner 172.16.1.1, .2
#   ktb (site B, kernel NBMA)  10.0.0.2 .12   inner 172.16.2.1, .2
#   ktc (site C, userspace)    10.0.0.3       inner 172.16.3.1
set -u
[ -n "${VM_KVER:-}" ] || { echo "run me inside the VM: tests/vm/vm-run $0" >&2; exit 2; }
TUNCTL=${IPIP_BUILD:?}/tests/netns/tunctl
bridge=ktbr0
nss=(kta ktb ktc)
work=$(mktemp -d)
n=0 passed=0 failed=0 pids=()
declare -A tin tout tpid

. "$(dirname "$0")/tap.sh"
trap tap_cleanup EXIT

# tc_start ID NS ARGS...: tunctl in NS on two fifos; its "ready" line in $out.
tc_start() {
	local id=$1 ns=$2 fd
	shift 2
	mkfifo "$work/$id.in" "$work/$id.out"
	ip netns exec "$ns" "$TUNCTL" "$@" <"$work/$id.in" >"$work/$id.out" 2>>"$work/$id.err" &
	tpid[$id]=$!
	pids+=($!)
	exec {fd}>"$work/$id.in"
	tin[$id]=$fd
	exec {fd}<"$work/$id.out"
	tout[$id]=$fd
	tc_line "$id"
}
# tc_line ID: the next answer (event lines skipped) into $out; 1 on timeout.
tc_line() {
	local line
	while read -r -t 20 -u "${tout[$1]}" line; do
		[[ $line == event\ * ]] && continue
		out=$line rc=0
		return 0
	done
	out="(no answer from tunctl $1) $(tail -5 "$work/$1.err")" rc=1
	return 1
}
# tc ID COMMAND: one command; its answer line in $out.
tc() { echo "$2" >&"${tin[$1]}"; tc_line "$1"; }
# tc_stop ID [quit|kill]: end it (quit removes our devices), close the fifos.
tc_stop() {
	if [ "${2:-quit}" = kill ]; then kill -KILL "${tpid[$1]}"; else echo quit >&"${tin[$1]}"; fi
	wait "${tpid[$1]}" 2>/dev/null
	eval "exec ${tin[$1]}>&- ${tout[$1]}<&-"
	rm -f "$work/$1.in" "$work/$1.out"
}
# tc_add ID LOCAL REMOTE: name, ifindex, flags of the tunnel into t_name, t_idx, out.
tc_add() {
	tc "$1" "add $2 $3"
	[[ $out =~ ^ok\ ([^ ]+)\ ifindex\ ([0-9]+)\ mtu\ ([0-9]+) ]] || { t_name=none t_idx=0 t_mtu=0; return 1; }
	t_name=${BASH_REMATCH[1]} t_idx=${BASH_REMATCH[2]} t_mtu=${BASH_REMATCH[3]}
}
# tx_pkts ID NAME: packets sent by tunnel NAME as tunctl's "show" reports them.
tx_pkts() {
	local f
	echo show >&"${tin[$1]}"
	pk=-1
	while tc_line "$1" && [ "$out" != end ]; do
		read -ra f <<<"$out"
		[ "${f[0]}" = tunnel ] && [ "${f[1]}" = "$2" ] && pk=${f[15]}
	done
	echo "$pk"
}

suite_setup() {
	local ns i
	ip -b - <<-EOF || return 1
	link add ktbr0 type bridge
	link set ktbr0 up
	EOF
	for i in 1 2 3; do
		ns=${nss[i - 1]}
		ip netns add "$ns" || return 1
		ip link add "$ns-u" type veth peer name eth0 netns "$ns" || return 1
		ip link set "$ns-u" master ktbr0 up || return 1
		printf '%s\n' "link set lo up" "link set eth0 up" "address add 10.0.0.$i/24 dev eth0" \
			"address add 10.0.0.1$i/24 dev eth0" "address add 172.16.$i.1/32 dev lo" \
			"address add 172.16.$i.2/32 dev lo" | ip -n "$ns" -b - || return 1
	done
	# Not ours: must survive everything our code does in kta.
	ip -n kta link add ktforeign type ipip local 10.0.0.1 remote 10.0.0.9 &&
		ip -n kta link add ktforeign2 type ipip local 10.0.0.1 remote 10.0.0.3
}

ifindex_of() { ip -n "$1" -o link show dev "$2" 2>/dev/null | cut -d: -f1; }

check_start() {
	tc_start a kta -d auto -e layer4
	out+=$'\n'$(cat "$work/a.err")
	expect "driver auto picks kernel here, and the log says why" "ready kernel" "driver auto: kernel"
	run ip netns exec kta cat /proc/sys/net/ipv4/fib_multipath_hash_policy
	out+=$'\n'$(cat "$work/a.err")
	expect "ecmp-hash layer4 sets fib_multipath_hash_policy to 1, logged" "1" "policy 0 -> 1"
	tc_start b ktb -d kernel -s nbma
	expect "the kernel driver starts in NBMA style" "ready kernel"
	tc_start c ktc -d userspace
	expect "the userspace driver starts beside it" "ready userspace"
}

check_devices() {
	tc_add a 10.0.0.1 10.0.0.2
	a1=$t_name a1_idx=$t_idx
	[[ $out != *onlink* ]] && [ "$t_mtu" = 1480 ]
	tap "point-to-point tunnel: MTU 1500 - 20, plain device next hop" $?
	run ip -n kta -d link show dev "$a1"
	expect "p2p device: ipip local/remote, ttl inherit, pmtudisc, our alias" \
		"ipip" "remote 10.0.0.2 local 10.0.0.1" "ttl inherit" \
		"alias ipip-bgpd local 10.0.0.1 remote 10.0.0.2"
	! has nopmtudisc
	tap "p2p device: not nopmtudisc" $?
	tc_add b 10.0.0.2 10.0.0.1
	b1=$t_name b1_idx=$t_idx
	has onlink && [ "$t_mtu" = 1480 ]
	tap "NBMA tunnel: MTU 1500 - 20, the RIB is told to route via the remote onlink" $?
	run ip -n ktb -d link show dev "$b1"
	expect "NBMA device: local only (remote any), ttl inherit" \
		"remote any local 10.0.0.2" "ttl inherit"
	tc_add b 10.0.0.2 10.0.0.3
	[ "$t_name" = "$b1" ] && [ "$t_idx" = "$b1_idx" ]
	tap "NBMA: a second remote from one local shares the device" $?
	tc_add c 10.0.0.3 10.0.0.2
	c1=$t_name
	ip -n kta route add 172.16.2.1/32 dev "$a1" src 172.16.1.1 &&
		ip -n ktb -b - <<-EOF && ip -n ktc route add 172.16.2.1/32 dev "$c1" src 172.16.3.1
	route add 172.16.1.1/32 via 10.0.0.1 dev $b1 onlink src 172.16.2.1
	route add 172.16.3.1/32 via 10.0.0.3 dev $b1 onlink src 172.16.2.1
	EOF
	tap "routes through our devices" $?
}

check_traffic() {
	ping1 kta 172.16.2.1
	expect "ping: p2p site A -> NBMA site B" "1 received"
	ping1 ktb 172.16.1.1
	expect "ping: NBMA site B -> p2p site A" "1 received"
	ping1 ktc 172.16.2.1
	expect "interop ping: userspace site C -> kernel NBMA site B" "1 received"
	ping1 ktb 172.16.3.1
	expect "interop ping: kernel NBMA site B -> userspace site C" "1 received"
	ping_df kta 1452 172.16.2.1
	expect "a DF ping of the tunnel MTU (1452 + 28 = 1480) passes" "1 received"
	ping_df kta 1453 172.16.2.1
	refused "one byte more gets message too long" "message too long"
}

check_ecmp() {
	local before1 before2 after1 after2
	tc_add a 10.0.0.11 10.0.0.12
	a2=$t_name
	tc_add b 10.0.0.12 10.0.0.11
	[ "$t_name" != "$b1" ] && [ "$t_idx" != "$b1_idx" ]
	tap "NBMA: another local address gets its own device" $?
	ip -n kta route add 172.16.2.2/32 src 172.16.1.2 nexthop dev "$a1" nexthop dev "$a2"
	ip -n ktb route add 172.16.1.2/32 via 10.0.0.1 dev "$b1" onlink src 172.16.2.2
	before1=$(tx_pkts a "$a1") before2=$(tx_pkts a "$a2")
	# 32 UDP flows from random source ports: all on one tunnel has odds 2^-31.
	ip netns exec kta bash -c 'for i in {1..32}; do echo x >/dev/udp/172.16.2.2/9; done' 2>/dev/null
	after1=$(tx_pkts a "$a1") after2=$(tx_pkts a "$a2")
	out="$a1: $before1 -> $after1, $a2: $before2 -> $after2"
	holds "ECMP over two kernel tunnels, hash policy 1: both carry flows (driver counters)" \
		"before1 >= 0 && before2 >= 0 && after1 > before1 && after2 > before2 && after1 + after2 - before1 - before2 >= 32"
}

check_restart() {
	local f1 f2
	f1=$(ifindex_of kta ktforeign) f2=$(ifindex_of kta ktforeign2)
	tc_stop a kill
	tc_start a kta -d kernel
	expect "tunctl restarts after SIGKILL" "ready kernel"
	tc_add a 10.0.0.1 10.0.0.2
	[ "$t_idx" = "$a1_idx" ] && has "adopted yes"
	tap "restart adopts our p2p device (same ifindex)" $?
	tc a prune
	[ "$out" = "ok pruned 1" ] && [ -z "$(ifindex_of kta "$a2")" ]
	tap "prune removes the unused device of the earlier run" $?
	ping1 kta 172.16.2.1
	expect "the adopted device still carries ping" "1 received"
	tc a "add 10.0.0.1 10.0.0.3"
	has "error: File exists"
	tap "a foreign device with our endpoints: refused, not taken over" $?
	tc_stop a
	[ -z "$(ifindex_of kta "$a1")" ] && [ "$(ifindex_of kta ktforeign)" = "$f1" ] &&
		[ "$(ifindex_of kta ktforeign2)" = "$f2" ] && [ -n "$f1" ]
	out=$(ip -n kta -o link show)
	tap "quit removes ours; foreign ipip devices untouched (same ifindex)" $?
	tc_stop b
	tc_stop c
	[ -z "$(ifindex_of ktb "$b1")" ] && [ -z "$(ifindex_of ktc "$c1")" ]
	out=$(ip -n ktb -o link show; ip -n ktc -o link show)
	tap "quit removes the NBMA devices and the TUN" $?
}

tap_setup "setup: namespaces, bridge, addresses" suite_setup
check_start
check_devices
check_traffic
check_ecmp
check_restart
out=$(cat "$work"/*.err)
! grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error' <<<"$out"
tap "no sanitizer reports from any tunctl" $?
tap_end
