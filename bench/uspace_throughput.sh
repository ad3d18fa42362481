#!/bin/bash
# bench/uspace_throughput.sh - a tunnel driver's dataplane vs plain veth routing.
# Not a test: iperf3 figures (4 TCP streams, site A -> site B private
# addresses) measured between the same two namespaces, alternately routed
# straight over the veth and through the tunnel (tests/netns/tunctl -d
# DRIVER), ROUNDS times; prints each figure, the medians, their ratio
# (target >= 40%), the load average, and the CPU time both tunctl
# processes used per GB carried (userspace: steadier than the ratio on a
# shared machine; bpf: ~0, the kernel does the work in softirq).
# Then, in the same namespaces once the tunnels are gone, what the kernel
# allows any TUN + raw socket dataplane (bench/ipip_ceiling): the raw
# socket's own ceiling for 1500-byte IPIP packets (no TUN, no TCP) with one
# sender and with one per CPU, ROUNDS times each, and whether the kernel takes an IPIP packet to segment (GSO) from
# user space.
#   bench/uspace_throughput.sh [BUILD_DIR [DRIVER [ROUNDS]]]
#     BUILD_DIR default build/dev; DRIVER userspace (default) or bpf;
#     ROUNDS default 1; run as root.
# BENCH_SECONDS (default 5) per measurement. Cleans up its namespaces.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/dev}
driver=${2:-userspace}
rounds=${3:-1}
tunctl=$build/tests/netns/tunctl
ceiling=$build/bench/ipip_ceiling
secs=${BENCH_SECONDS:-5}
a=uspb$$a b=uspb$$b
dir=$(mktemp -d)
for t in "$tunctl" "$ceiling"; do
	[ -x "$t" ] || { echo "no $t: build first (scripts/build.sh dev; make -C build/dev check bench/ipip_ceiling)" >&2; exit 1; }
done

cleanup() {
	[ -n "${ta_pid:-}" ] && kill "$ta_pid" 2>/dev/null
	[ -n "${tb_pid:-}" ] && kill "$tb_pid" 2>/dev/null
	ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null
	rm -rf "$dir"
	return 0
}
trap cleanup EXIT

ip netns add "$a"; ip netns add "$b"
ip link add "${a}v" netns "$a" type veth peer "${b}v" netns "$b"
for s in a b; do
	ns=${!s}; n=$([ $s = a ] && echo 1 || echo 2)
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "${ns}v" up
	ip -n "$ns" addr add "198.51.100.$n/24" dev "${ns}v"
	ip -n "$ns" addr add "10.$n.0.1/24" dev lo
done

# gbits: one iperf3 run A -> B, prints Gbit/s and bytes received.
gbits() {
	ip netns exec "$b" iperf3 -s -1 -B 10.2.0.1 >/dev/null 2>&1 &
	local srv=$! out
	sleep 0.3
	out=$(ip netns exec "$a" iperf3 -J -c 10.2.0.1 -B 10.1.0.1 -P 4 -t "$secs")
	wait "$srv" || true
	python3 -c 'import json,sys; r = json.load(sys.stdin)["end"]["sum_received"]; print("%.2f %d" % (r["bits_per_second"] / 1e9, r["bytes"]))' <<<"$out"
}

# cpu PID...: user + system clock ticks of these processes, all threads.
cpu() {
	local t=0 p
	for p; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
	echo "$t"
}

# The tunnel: tunctl in each namespace, fed through a FIFO on fd 7 (A) and 8 (B).
mkfifo "$dir/a.in" "$dir/b.in"
ip netns exec "$a" "$tunctl" -d "$driver" <"$dir/a.in" >"$dir/a.out" 2>&1 &
ta_pid=$!
ip netns exec "$b" "$tunctl" -d "$driver" <"$dir/b.in" >"$dir/b.out" 2>&1 &
tb_pid=$!
exec 7>"$dir/a.in" 8>"$dir/b.in"
echo "add 198.51.100.1 198.51.100.2" >&7
echo "add 198.51.100.2 198.51.100.1" >&8
for _ in $(seq 50); do
	grep -q '^ok' "$dir/a.out" && grep -q '^ok' "$dir/b.out" && break
	sleep 0.1
done
ta_dev=$(awk '/^ok/{print $2}' "$dir/a.out") tb_dev=$(awk '/^ok/{print $2}' "$dir/b.out")
[ -n "$ta_dev" ] && [ -n "$tb_dev" ] || { cat "$dir/a.out" "$dir/b.out" >&2; exit 1; }

via_veth() {
	ip -n "$a" route replace 10.2.0.0/24 via 198.51.100.2 src 10.1.0.1
	ip -n "$b" route replace 10.1.0.0/24 via 198.51.100.1 src 10.2.0.1
}
via_tunnel() {
	ip -n "$a" route replace 10.2.0.0/24 dev "$ta_dev" src 10.1.0.1
	ip -n "$b" route replace 10.1.0.0/24 dev "$tb_dev" src 10.2.0.1
}

plain=() tunnel=() ticks=0 bytes_all=0
for _ in $(seq "$rounds"); do
	via_veth
	read -r g _ <<<"$(gbits)"; plain+=("$g")
	via_tunnel
	c0=$(cpu "$ta_pid" "$tb_pid")
	read -r g bytes <<<"$(gbits)"; tunnel+=("$g")
	c1=$(cpu "$ta_pid" "$tb_pid")
	ticks=$((ticks + c1 - c0)) bytes_all=$((bytes_all + bytes))
done
echo quit >&7; echo quit >&8
exec 7>&- 8>&-
wait "$ta_pid" "$tb_pid" || true
ta_pid= tb_pid=

# The raw-socket ceiling: 1500-byte IPIP packets A -> B, nothing else; one
# sender (as the driver's one encap thread), then one per CPU (all of them).
# ceiling_run SENDERS: prints the receiver's inner Gbit/s.
ceiling_run() {
	local rc pids=() i
	ip netns exec "$b" "$ceiling" recv "$((secs + 1))" >"$dir/recv" &
	rc=$!
	sleep 0.3
	for i in $(seq "$1"); do
		ip netns exec "$a" "$ceiling" send 198.51.100.1 198.51.100.2 "$secs" >/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}" "$rc"
	awk '{print $4}' "$dir/recv"
}
raw1=() rawn=() ncpu=$(nproc)
for _ in $(seq "$rounds"); do
	raw1+=("$(ceiling_run 1)")
	rawn+=("$(ceiling_run "$ncpu")")
done
mac=$(ip -n "$b" -j link show "${b}v" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["address"])')
gso=$(ip netns exec "$a" "$ceiling" gso "${a}v" "$mac" 198.51.100.1 198.51.100.2 | tr '\n' ';') ||
	gso="probe broken: $gso"

python3 - "$driver" "${plain[*]}" "${tunnel[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)" "${raw1[*]}" "$gso" "${rawn[*]}" "$ncpu" <<'PY'
import statistics, sys
drv, p, t = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
r, rn = [float(x) for x in sys.argv[5].split()], [float(x) for x in sys.argv[7].split()]
mp, mt, mr, mrn = statistics.median(p), statistics.median(t), statistics.median(r), statistics.median(rn)
print("plain veth routing: %s Gbit/s (median %.2f)" % (" ".join("%.2f" % x for x in p), mp))
print("%-19s %s Gbit/s (median %.2f)" % (drv + " tunnel:", " ".join("%.2f" % x for x in t), mt))
print("ratio: %.0f%% (target >= 40%%), load average %s" % (100 * mt / mp, sys.argv[4]))
print("raw-socket ceiling, 1 sender: %s Gbit/s of inner packets (median %.2f) = %.0f%% of veth%s"
      % (" ".join("%.2f" % x for x in r), mr, 100 * mr / mp,
         "; the userspace tunnel carries %.0f%% of it" % (100 * mt / mr) if drv == "userspace" else ""))
print("raw-socket ceiling, %s senders: %s Gbit/s (median %.2f) = %.0f%% of veth"
      % (sys.argv[8], " ".join("%.2f" % x for x in rn), mrn, 100 * mrn / mp))
print("IPIP GSO from user space (AF_PACKET, virtio-net header): %s" % sys.argv[6].strip(";").replace(";", ", "))
PY
python3 -c "print('tunnel CPU: %.2f s per GB' % ($ticks / $(getconf CLK_TCK) / ($bytes_all / 1e9)))"
