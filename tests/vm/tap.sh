# tests/vm/tap.sh - TAP helpers the guest suites source (not a suite itself:
# tests/run runs only suite-*.sh). The suite sets n=0 passed=0 failed=0.
# Helpers leave a command's output in $out and its status in $rc; the ECMP
# helpers at the end (route_choices, distinct, cover_start, iperf, transferred)
# serve suite-ipip.sh and suite-bgpd-ecmp.sh.
# The suite also sets nss=(namespaces), bridge=NAME, work=DIR and pids=(), and
# runs "trap tap_cleanup EXIT".

# tap_cleanup: kill what the suite started (by PID), delete its namespaces,
# bridge and work directory.
tap_cleanup() {
	local p ns
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null; done
	ip link del "$bridge" 2>/dev/null
	rm -rf "$work"
}

# tap NAME STATUS: one TAP line; on failure $out is shown as diagnostics.
tap() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1)); echo "ok $n - $1"
	else
		failed=$((failed + 1)); echo "not ok $n - $1"
		sed 's/^/#   /' <<<"${out:-(no output)}" | head -20
	fi
}

# run CMD...: its output in $out, its status in $rc.
run() { out=$("$@" 2>&1); rc=$?; }

# has NEEDLE...: $out contains every needle.
has() {
	local s
	for s in "$@"; do [[ $out == *"$s"* ]] || return 1; done
}

# expect NAME NEEDLE...: the last run succeeded and printed every needle.
expect() { local name=$1; shift; [ "$rc" -eq 0 ] && has "$@"; tap "$name" $?; }
# refused NAME NEEDLE...: the last run failed and printed every needle.
refused() { local name=$1; shift; [ "$rc" -ne 0 ] && has "$@"; tap "$name" $?; }
# holds NAME ARITH: an arithmetic condition over numbers gathered before.
holds() { (($2)); tap "$1" $?; }

# ping_df NS SIZE DST: one ping with DF set and SIZE payload bytes.
ping_df() { run ip netns exec "$1" ping -n -c 1 -W 3 -M do -s "$2" "$3"; }
ping1() { run ip netns exec "$1" ping -n -c 1 -W 3 "$2"; }

# tap_setup NAME FN: start the clock and run the suite's setup FN; if it fails,
# one failing check named NAME with its output, the summary, and exit 1.
tap_setup() {
	start=$SECONDS
	"$2" >"$work/setup.out" 2>&1 && return 0
	out=$(cat "$work/setup.out")
	tap "$1" 1
	echo "# $passed passed, $failed failed"
	exit 1
}
# tap_end: the time and summary lines; status 1 if any check failed.
tap_end() {
	echo "# suite time $((SECONDS - start)) s in the guest"
	echo "# $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# --- ECMP over tunnels: which path each TCP flow takes, and bounded transfers.

# route_choices NS DST SRC DPORT SPORT0 COUNT: the path ("via GW dev DEV")
# the kernel picks for TCP flows from ports SPORT0.. into choice[].
route_choices() {
	local ns=$1 dst=$2 src=$3 dport=$4 p0=$5 cnt=$6 i line
	choice=()
	out=$(for ((i = 0; i < cnt; i++)); do
		echo "route get $dst from $src ipproto tcp sport $((p0 + i)) dport $dport"
	done | ip -n "$ns" -b - 2>&1)
	while read -r line; do
		[[ $line =~ (via [0-9.]+ )?dev\ ([^ ]+) ]] && choice+=("${BASH_REMATCH[1]}${BASH_REMATCH[2]}")
	done <<<"$out"
}

# distinct FROM COUNT: how many different paths choice[FROM..FROM+COUNT) holds.
distinct() {
	local -A seen=()
	local i
	for ((i = $1; i < $1 + $2 && i < ${#choice[@]}; i++)); do seen[${choice[i]}]=1; done
	echo ${#seen[@]}
}

# cover_start K WIDTH: first port index whose WIDTH consecutive flows use K paths.
cover_start() {
	local s
	for ((s = 0; s + $2 <= ${#choice[@]}; s++)); do
		[ "$(distinct "$s" "$2")" -ge "$1" ] && { echo "$s"; return; }
	done
	echo -1
}

# iperf NS SRC DST PORT CPORT STREAMS BYTES: a bounded TCP transfer; the
# bytes the receiver got into $rcvd. (iperf3 -n stops the receiver when the
# sender has written BYTES, so the last few hundred KB in flight may be cut.)
iperf() {
	run timeout 90 ip netns exec "$1" iperf3 -J -c "$3" -B "$2" -p "$4" --cport "$5" \
		-P "$6" -n "$7" --connect-timeout 5000
	rcvd=0
	[[ $out =~ \"sum_received\":[^}]*\"bytes\":[[:space:]]*([0-9]+) ]] && rcvd=${BASH_REMATCH[1]}
}

# transferred NAME BYTES: iperf3 succeeded and the receiver got at least half.
transferred() { [ "$rc" -eq 0 ] && ((rcvd >= $2 / 2)); tap "$1" $?; }
