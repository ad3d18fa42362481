#!/bin/bash
# bench/bpf_proto.sh - step-1 prototype of the "bpf" tunnel driver, measured.
# Not a test. In two namespaces joined by a veth (as uspace_throughput.sh),
# loads tunnel/bpf/ipip.bpf.c with bench/bpf_ipip_proto.c, shows the wire
# format (tcpdump: outer protocol 4, outer addresses), pings, then runs
# iperf3 (4 TCP streams, site A -> site B private addresses) alternately
# over plain veth routing and through the BPF tunnel, N rounds, and prints
# the medians, their ratio and the load average.
#   bench/bpf_proto.sh [ROUNDS]        (default 3; run as root)
# BENCH_SECONDS (default 5) per measurement. Cleans up after itself.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
secs=${BENCH_SECONDS:-5}
a=bpfp$$a b=bpfp$$b
dir=$(mktemp -d)

cleanup() {
	[ -n "${pa:-}" ] && kill "$pa" 2>/dev/null
	[ -n "${pb:-}" ] && kill "$pb" 2>/dev/null
	ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null
	rm -rf "$dir"
	return 0
}
trap cleanup EXIT

clang -O2 -g -target bpf -I/usr/include/"$(gcc -print-multiarch)" -I"$top/tunnel/bpf" \
	-c "$top/tunnel/bpf/ipip.bpf.c" -o "$dir/ipip.bpf.o"
gcc -O2 -o "$dir/proto" "$top/bench/bpf_ipip_proto.c" -lbpf

ip netns add "$a"; ip netns add "$b"
ip link add "${a}v" netns "$a" type veth peer "${b}v" netns "$b"
for s in a b; do
	ns=${!s}; n=$([ $s = a ] && echo 1 || echo 2)
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "${ns}v" up
	ip -n "$ns" addr add "198.51.100.$n/24" dev "${ns}v"
	ip -n "$ns" addr add "10.$n.0.1/24" dev lo
done

gbits() {
	ip netns exec "$b" iperf3 -s -1 -B 10.2.0.1 >/dev/null 2>&1 &
	local srv=$! out
	sleep 0.3
	out=$(ip netns exec "$a" iperf3 -J -c 10.2.0.1 -B 10.1.0.1 -P 4 -t "$secs")
	wait "$srv" || true
	python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))' <<<"$out"
}

mkfifo "$dir/a.in" "$dir/b.in"
ip netns exec "$a" "$dir/proto" "$dir/ipip.bpf.o" tpa "${a}v" 198.51.100.1 198.51.100.2 <"$dir/a.in" >"$dir/a.out" 2>&1 &
pa=$!
ip netns exec "$b" "$dir/proto" "$dir/ipip.bpf.o" tpb "${b}v" 198.51.100.2 198.51.100.1 <"$dir/b.in" >"$dir/b.out" 2>&1 &
pb=$!
exec 7>"$dir/a.in" 8>"$dir/b.in"
for _ in $(seq 50); do
	grep -q '^ok' "$dir/a.out" && grep -q '^ok' "$dir/b.out" && break
	sleep 0.1
done
grep -q '^ok' "$dir/a.out" && grep -q '^ok' "$dir/b.out" || { cat "$dir/a.out" "$dir/b.out" >&2; exit 1; }
for s in a b; do
	ns=${!s} dev=tp$s
	# bpf_fib_lookup() answers only for a device that forwards.
	ip netns exec "$ns" sysctl -qw "net.ipv4.conf.$dev.forwarding=1"
	ip -n "$ns" link set "$dev" mtu 1480 up
done

via_veth() {
	ip -n "$a" route replace 10.2.0.0/24 via 198.51.100.2 src 10.1.0.1
	ip -n "$b" route replace 10.1.0.0/24 via 198.51.100.1 src 10.2.0.1
}
via_tunnel() {
	ip -n "$a" route replace 10.2.0.0/24 dev tpa src 10.1.0.1
	ip -n "$b" route replace 10.1.0.0/24 dev tpb src 10.2.0.1
}

via_tunnel
ip netns exec "$b" timeout 5 tcpdump -lni "${b}v" -c 2 -v 'ip proto 4' >"$dir/dump" 2>/dev/null &
dpid=$!
sleep 0.5
ip netns exec "$a" ping -c 3 -i 0.2 -I 10.1.0.1 10.2.0.1 | grep -E 'transmitted'
wait "$dpid" || true
echo "--- tcpdump on B's veth:"; cat "$dir/dump"

plain=() tunnel=()
for _ in $(seq "$rounds"); do
	via_veth;   plain+=("$(gbits)")
	via_tunnel; tunnel+=("$(gbits)")
done
echo quit >&7; echo quit >&8
exec 7>&- 8>&-
wait "$pa" "$pb" || true
pa= pb=
echo "--- prototype counters (A, B):"; grep -v '^ok' "$dir/a.out" "$dir/b.out"
python3 - "${plain[*]}" "${tunnel[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import statistics, sys
p = [float(x) for x in sys.argv[1].split()]
t = [float(x) for x in sys.argv[2].split()]
print("plain veth routing: %s Gbit/s, median %.2f" % (" ".join("%.2f" % x for x in p), statistics.median(p)))
print("bpf tunnel:         %s Gbit/s, median %.2f" % (" ".join("%.2f" % x for x in t), statistics.median(t)))
print("ratio of medians: %.0f%% (target >= 40%%); load average %s" % (100 * statistics.median(t) / statistics.median(p), sys.argv[3]))
PY
