#!/bin/bash
# bench/fib_bench.sh - BGP-to-FIB benchmark of devices under test (DUTs).
#   bench/fib_bench.sh [-n N] [-r RUNS] [-d "feeder kernel bird frr"] [-o DIR] [-i MS] [-t]
# -n prefixes (default 100000; 500000 and 1000000 are the larger sizes),
# -r runs (the DUTs interleaved, run by run; figures are medians), -d what to
# measure ("feeder" = the feeder alone into a sink, "kernel" = the kernel-alone
# limit, anything else = an adapter bench/dut/NAME.sh), -o where results go
# (default a new /tmp/bn-bench.* dir), -i longest wait of the route counter
# between checks, -t only print the table of DIR's results again.
# Writes one JSON line per measurement to DIR/results.jsonl (and stdout), then
# a markdown table of medians to DIR/table.md (and stdout). Needs root.
# Every namespace is named bn<pid><x> and removed on exit; every process is
# started here and killed by PID. See doc/benchmarks.md for what each figure means.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=100000 RUNS=1 DUTS="feeder kernel bird frr" OUT="" POLL_MS=20 TABLE_ONLY=0
while getopts "n:r:d:o:i:t" o; do
	case $o in
	n) N=$OPTARG ;; r) RUNS=$OPTARG ;; d) DUTS=$OPTARG ;; o) OUT=$OPTARG ;; i) POLL_MS=$OPTARG ;; t) TABLE_ONLY=1 ;;
	*) sed -n 2,13p "$0" >&2; exit 2 ;;
	esac
done
build=${BENCH_BUILD:-$top/build/bench}
if [ ! -x "$build/bench/feeder" ]; then
	"$top/scripts/build.sh" bench
	build=$top/build/bench
fi
FEEDER=$build/bench/feeder COUNT=$build/bench/route_count KINSERT=$build/bench/kernel_insert
OUT=${OUT:-$(mktemp -d /tmp/bn-bench.XXXXXX)}
mkdir -p "$OUT"
tag=bn$$
nsD=${tag}d nsA=${tag}a nsB=${tag}b nsK=${tag}k
DUT_AS=65000 FEED_AS=65001 TIMEOUT=$((60 + N / 2000))	# seconds per wait
pids=()
LAST= COUNTER= DUT_DIR= DUT_PIDS=	# the running DUT: its dir (the adapter writes DUT_DIR/pids) and PIDs

cleanup() {
	local p ns
	[ -n "$DUT_DIR" ] && DUT_PIDS="$DUT_PIDS $(cat "$DUT_DIR/pids" 2>/dev/null)"
	for p in $DUT_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for ns in $nsD $nsA $nsB $nsK; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

emit() {	# dut run metric value
	local line
	line=$(printf '{"dut":"%s","n":%d,"run":%d,"metric":"%s","value":%s,"load1":%s}' \
		"$1" "$N" "$2" "$3" "$4" "$(cut -d' ' -f1 /proc/loadavg)")
	echo "$line" | tee -a "$OUT/results.jsonl"
}

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'; }

bg() {	# start a command in the background, remember its PID
	"$@" &
	pids+=($!)
	LAST=$!
}

reap() {	# wait for one background PID, forget it; returns its status
	local rc=0 p keep=()
	wait "$1" || rc=$?
	for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	pids=("${keep[@]}")
	return $rc
}

wait_line() {	# file word -> the number after "word", waiting up to TIMEOUT
	local i line
	for i in $(seq $((TIMEOUT * 20))); do
		if line=$(grep -m1 -E "^$2( |$)" "$1" 2>/dev/null); then
			echo "$line" | awk '{ print $2 }'
			return 0
		fi
		sleep 0.05
	done
	echo "fib_bench: no '$2' in $1" >&2
	return 1
}

net_up() {
	local ns
	for ns in $nsD $nsA $nsB; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add "${tag}da" netns "$nsD" type veth peer name "${tag}ad" netns "$nsA"
	ip link add "${tag}db" netns "$nsD" type veth peer name "${tag}bd" netns "$nsB"
	ip -n "$nsD" addr add 172.31.1.1/24 dev "${tag}da"
	ip -n "$nsA" addr add 172.31.1.2/24 dev "${tag}ad"
	ip -n "$nsD" addr add 172.31.2.1/24 dev "${tag}db"
	ip -n "$nsB" addr add 172.31.2.2/24 dev "${tag}bd"
	ip -n "$nsD" link set "${tag}da" up
	ip -n "$nsD" link set "${tag}db" up
	ip -n "$nsA" link set "${tag}ad" up
	ip -n "$nsB" link set "${tag}bd" up
}

net_down() {
	local ns
	for ns in $nsD $nsA $nsB; do ip netns del "$ns" 2>/dev/null || true; done
}

encode_files() {
	[ -s "$OUT/feed-a.bin" ] && [ "$(cat "$OUT/feed.n" 2>/dev/null)" = "$N" ] && return 0
	"$FEEDER" encode -o "$OUT/feed-a.bin" -n "$N" -h 172.31.1.2 -a $FEED_AS
	"$FEEDER" encode -o "$OUT/feed-b.bin" -n "$N" -h 172.31.2.2 -a $FEED_AS
	echo "$N" >"$OUT/feed.n"
}

count_until() {	# output file, route_count args...: starts the poller in the DUT ns
	local out=$1; shift
	bg ip netns exec "$nsD" "$COUNT" -i "$POLL_MS" -T "$TIMEOUT" "$@" >"$out" 2>"$out.err"
	COUNTER=$LAST
}

counter_ready() {	# output file: wait until the poller's first dump is done (N routes: O(N))
	wait_line "$1.err" ready >/dev/null
}

counted() {	# file: wait for the poller, set t to the instant it printed
	reap "$COUNTER"
	t=$(awk '{ print $1 }' "$1")
	[ -n "$t" ]
}

cpu_ticks() { local p t=0; for p in $1; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo $t; }
rss_kb() { local p t=0; for p in $1; do t=$((t + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status"))); done; echo $t; }

# The feeder alone: replay into a sink that counts and discards, across a veth.
run_feeder() {
	local run=$1 d=$OUT/feeder.$run sink est last
	mkdir -p "$d"
	net_up
	bg ip netns exec "$nsD" "$FEEDER" sink -c 172.31.1.1 -a $DUT_AS -i 172.31.1.1 >"$d/sink.out"
	sink=$LAST
	wait_line "$d/sink.out" listening >/dev/null
	ip netns exec "$nsA" "$FEEDER" run -x -f "$OUT/feed-a.bin" -c 172.31.1.1 -a $FEED_AS \
		-i 172.31.1.2 >"$d/feeder.out"
	reap "$sink"
	read -r est last < <(awk '/^sink / { print $3, $5 }' "$d/sink.out")
	emit feeder "$run" replay_s "$(secs "$est" "$last")"
	emit feeder "$run" prefixes_per_s "$(awk -v n="$N" -v a="$est" -v b="$last" \
		'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')"
	grep -q " prefixes $N " "$d/sink.out" || { echo "fib_bench: sink saw $(cat "$d/sink.out")" >&2; return 1; }
	net_down
}

# The kernel alone: libmnl batches of 256 (nexthop object; plain), ip -batch,
# and a 2-way -> 1 nexthop-group replace under N routes (compat mode 1 and 0).
run_kernel() {
	local run=$1 d=$OUT/kernel.$run r t0 t1 mode
	mkdir -p "$d"
	ip netns add "$nsK"
	ip -n "$nsK" link set lo up
	ip -n "$nsK" link add "${tag}k0" type veth peer name "${tag}k1"
	ip -n "$nsK" addr add 172.31.9.1/24 dev "${tag}k0"
	ip -n "$nsK" link set "${tag}k0" up
	ip -n "$nsK" link set "${tag}k1" up
	ip -n "$nsK" nexthop add id 1 via 172.31.9.2 dev "${tag}k0"
	ip -n "$nsK" nexthop add id 2 via 172.31.9.3 dev "${tag}k0"
	r=$(ip netns exec "$nsK" "$KINSERT" -n "$N" -H 1)
	emit kernel "$run" insert_nhobj_s "$(echo "$r" | awk '{ print $2 }')"
	emit kernel "$run" delete_nhobj_s "$(echo "$r" | awk '{ print $4 }')"
	r=$(ip netns exec "$nsK" "$KINSERT" -n "$N" -H 1 -A)
	emit kernel "$run" insert_nhobj_lastack_s "$(echo "$r" | awk '{ print $2 }')"
	emit kernel "$run" delete_nhobj_lastack_s "$(echo "$r" | awk '{ print $4 }')"
	r=$(ip netns exec "$nsK" "$KINSERT" -n "$N" -g 172.31.9.2 -d "${tag}k0")
	emit kernel "$run" insert_plain_s "$(echo "$r" | awk '{ print $2 }')"
	awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
		printf "route add %d.%d.%d.0/24 nhid 1 proto 250\n", 20 + int(i / 65536), int(i / 256) % 256, i % 256 }' \
		>"$d/ip.batch"
	t0=$(date +%s%N); ip -n "$nsK" -batch "$d/ip.batch"; t1=$(date +%s%N)
	emit kernel "$run" insert_ip_batch_s "$(secs "$t0" "$t1")"
	ip -n "$nsK" nexthop del id 1	# and with it every route that uses it
	ip -n "$nsK" nexthop add id 1 via 172.31.9.2 dev "${tag}k0"
	for mode in 1 0; do
		ip netns exec "$nsK" sysctl -qw net.ipv4.nexthop_compat_mode=$mode
		ip -n "$nsK" nexthop add id 10 group 1/2
		ip netns exec "$nsK" "$KINSERT" -n "$N" -H 10 -k >/dev/null
		t0=$(date +%s%N); ip -n "$nsK" nexthop replace id 10 group 1; t1=$(date +%s%N)
		emit kernel "$run" "group_replace_compat${mode}_s" "$(secs "$t0" "$t1")"
		ip -n "$nsK" nexthop del id 10	# removes the routes that use it
	done
	ip netns del "$nsK"
}

dut_env() {
	export BN_NS=$nsD BN_DIR=$1 BN_AS=$DUT_AS BN_ID=172.31.1.1 BN_PEER_AS=$FEED_AS \
		BN_PEERS="172.31.1.2 172.31.2.2"
}

# One DUT: load N from feeder A, add feeder B (2-way ECMP), drop B (failover),
# drop A (withdraw all). Times are from the feeder's Established/drop instant
# to the end of the kernel dump that first shows the condition.
run_dut() {
	local dut=$1 run=$2 d=$OUT/$1.$2 adapter=$top/bench/dut/$1.sh proto dpids
	local est t c0 c1 r0 r1 fa fb rc=0 hz
	mkdir -p "$d"
	net_up
	dut_env "$d"
	DUT_DIR=$d
	"$adapter" start || rc=$?
	if [ $rc -ne 0 ]; then
		net_down
		[ $rc -eq 77 ] && { echo "fib_bench: $dut skipped (adapter exit 77)" >&2; return 0; }
		return $rc
	fi
	proto=$("$adapter" proto) dpids=$(cat "$d/pids") hz=$(getconf CLK_TCK)
	DUT_PIDS=$dpids
	c0=$(cpu_ticks "$dpids") r0=$(rss_kb "$dpids")
	count_until "$d/load.cnt" -P "$proto" -u total-ge -v "$N"
	bg ip netns exec "$nsA" "$FEEDER" run -f "$OUT/feed-a.bin" -c 172.31.1.1 -a $FEED_AS \
		-i 172.31.1.2 >"$d/feeder-a.out"
	fa=$LAST
	est=$(wait_line "$d/feeder-a.out" established)
	counted "$d/load.cnt"
	c1=$(cpu_ticks "$dpids") r1=$(rss_kb "$dpids")
	emit "$dut" "$run" load_s "$(secs "$est" "$t")"
	emit "$dut" "$run" cpu_us_per_prefix "$(awk -v c=$((c1 - c0)) -v h="$hz" -v n="$N" 'BEGIN { printf "%.2f", c / h / n * 1e6 }')"
	emit "$dut" "$run" rss_bytes_per_prefix "$(awk -v r=$((r1 - r0)) -v n="$N" 'BEGIN { printf "%.0f", r * 1024 / n }')"

	count_until "$d/ecmp.cnt" -P "$proto" -g 172.31.2.2 -u gw-ge -v "$N"
	bg ip netns exec "$nsB" "$FEEDER" run -f "$OUT/feed-b.bin" -c 172.31.2.1 -a $FEED_AS \
		-i 172.31.2.2 >"$d/feeder-b.out"
	fb=$LAST
	est=$(wait_line "$d/feeder-b.out" established)
	counted "$d/ecmp.cnt"
	emit "$dut" "$run" ecmp_add_s "$(secs "$est" "$t")"

	count_until "$d/failover.cnt" -P "$proto" -g 172.31.2.2 -u gw-le -v 0
	counter_ready "$d/failover.cnt"	# else its first dump of N routes is in the figure
	kill -TERM "$fb"; reap "$fb" || true
	est=$(wait_line "$d/feeder-b.out" dropped)
	counted "$d/failover.cnt"
	emit "$dut" "$run" failover_s "$(secs "$est" "$t")"
	[ "$(awk '{ print $2 }' "$d/failover.cnt")" = "$N" ] ||
		echo "fib_bench: $dut: $(awk '{ print $2 }' "$d/failover.cnt") routes left after failover" >&2

	count_until "$d/withdraw.cnt" -P "$proto" -u total-le -v 0
	counter_ready "$d/withdraw.cnt"
	kill -TERM "$fa"; reap "$fa" || true
	est=$(wait_line "$d/feeder-a.out" dropped)
	counted "$d/withdraw.cnt"
	emit "$dut" "$run" withdraw_s "$(secs "$est" "$t")"
	"$adapter" stop
	for p in $dpids; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
	done
	DUT_DIR= DUT_PIDS=
	net_down
}

table() {
	/usr/bin/python3 - "$OUT/results.jsonl" "$N" <<'PY'
import json, os, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()] if os.path.exists(sys.argv[1]) else []
rows = [r for r in rows if r["n"] == int(sys.argv[2])]
if not rows:
    sys.exit("fib_bench: no results")
duts = list(dict.fromkeys(r["dut"] for r in rows))
metrics = list(dict.fromkeys(r["metric"] for r in rows))
runs = max(r["run"] for r in rows)
print(f"| N = {sys.argv[2]}, median of {runs} run(s) | " + " | ".join(duts) + " |")
print("|---|" + "---|" * len(duts))
for m in metrics:
    cells = []
    for d in duts:
        v = [r["value"] for r in rows if r["dut"] == d and r["metric"] == m]
        m_ = statistics.median(v) if v else None
        cells.append("" if m_ is None else (f"{m_:,.0f}" if m_ >= 1000 else f"{m_:.3g}"))
    if any(cells):
        print(f"| {m} | " + " | ".join(cells) + " |")
loads = [r["load1"] for r in rows]
print(f"\nload average (1 min) during the runs: {min(loads):g} to {max(loads):g}")
PY
}

if [ $TABLE_ONLY -eq 1 ]; then
	table
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "fib_bench: needs root (namespaces)" >&2; exit 1; }
echo "fib_bench: N=$N runs=$RUNS duts='$DUTS' results in $OUT" >&2
encode_files
for run in $(seq "$RUNS"); do
	for dut in $DUTS; do
		case $dut in
		feeder) run_feeder "$run" ;;
		kernel) run_kernel "$run" ;;
		*) run_dut "$dut" "$run" ;;
		esac
	done
done
table | tee "$OUT/table.md"
