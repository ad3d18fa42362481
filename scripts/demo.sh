#!/bin/bash
# The main job. Installs what is missing, builds into build/release, and runs
# the demo. Today that is a smoke run of the daemon and its shell: start
# ipip-bgpd with a small config on a private socket, ask it what an operator
# asks, stop it, and check nothing is left behind. (The multi-site overlay
# demo replaces this as the speaker, RIB and tunnels land.)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" demo
echo "== building ipip-bgpd"
"$top/scripts/build.sh" release
bin=$top/build/release
work=$(mktemp -d /tmp/ipip-demo.XXXXXX)
sock=$work/ipip-bgpd.sock
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/ipip-bgpd.conf" <<CONF
! ipip-bgpd demo site
hostname demo-site
log stdout informational
CONF
echo "== starting ipip-bgpd -n -f $work/ipip-bgpd.conf -S $sock"
"$bin/bgpd/ipip-bgpd" -n -f "$work/ipip-bgpd.conf" -S "$sock" 2>"$work/daemon.log" &
pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

vty() { echo "demo-site# $*"; "$bin/vtysh/ipip-vtysh" -S "$sock" -c "$*"; echo; }
vty show version
vty show daemon
vty show daemon json

echo "== stopping the daemon (SIGTERM)"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=
cat "$work/daemon.log"
if [ "$rc" -eq 0 ] && [ ! -e "$sock" ] && [ ! -e "$work/ipip-bgpd.pid" ]; then
	echo "== demo OK: the daemon answered, stopped cleanly (exit 0), and left no socket or PID file"
else
	echo "== demo FAILED: exit status $rc; see the log above" >&2
	exit 1
fi
