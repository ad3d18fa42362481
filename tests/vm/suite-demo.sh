#!/bin/bash
# Guest suite for tests/vm/vm-run (Debian's kernel, one boot): the README's
# overlay demo (scripts/overlay_demo.py) on a kernel that has ipip, so the
# sites take the kernel driver with `driver auto` and the default NBMA
# tunnel style (`via ENDPOINT dev DEV onlink`). On the host the same demo
# runs on the userspace driver (tests/netns/test_demo.py); together they
# cover both paths of the main job.
# Prints "ok N - name" / "not ok N - name" and "# N passed, M failed".
set -u
[ -n "${VM_KVER:-}" ] || { echo "run me inside the VM: tests/vm/vm-run $0" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${IPIP_BUILD:?}
state=/run/vmdemo
nss=() bridge=vmdemo-none work=$(mktemp -d) pids=()
n=0 passed=0 failed=0

. "$(dirname "$0")/tap.sh"
trap 'tap_cleanup; /usr/bin/python3 "$top/scripts/overlay_demo.py" --tag vd --state $state --down >/dev/null 2>&1' EXIT

run /usr/bin/python3 "$top/scripts/overlay_demo.py" --bin "$bin" --tag vd --state "$state" \
	--timeout 120
demo=$out demo_rc=$rc
echo "$demo" | sed 's/^/# /'
expect "the demo says the overlay works" "== overlay works: 4 sites"
out=$demo; has "this kernel has ipip: the sites use the kernel driver"; tap "the kernel's ipip is detected" $?
out=$demo; has "kernel tunnel driver" "Overlay mode cross-subnet, driver kernel"; tap "the sites run the kernel driver" $?
out=$demo; ! has "LOST"; tap "every ping answered" $?
out=$demo; has "[ok] C's prefix over two tunnels (ECMP)"; tap "ECMP to the multihomed site over two kernel tunnels" $?
# NBMA: one ipip device per local address, routes name the endpoint onlink.
run ip -n vd-a -d link show type ipip
has "ipip-bgpd local 192.0.2.1"; tap "site A has its NBMA ipip device, marked as ours" $?
run ip -n vd-a route show 10.10.4.0/24
r=$out; run ip -n vd-a nexthop show
out="$r $out"; has "via 198.18.4.4" "onlink"; tap "D's prefix goes via its endpoint onlink" $?
run /usr/bin/python3 "$top/scripts/overlay_demo.py" --tag vd --state "$state" --down
expect "teardown stops every process" "stopped ipip-bgpd" "stopped bird"
run sh -c "ip netns list | grep '^vd-'"
[ -z "$out" ]; tap "no namespace left" $?
echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$demo_rc" -eq 0 ]
