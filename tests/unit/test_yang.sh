#!/bin/sh
# yanglint checks the model (both modules compile cleanly) and validates the
# data samples in tests/data/config/yang: good-*.json must load, bad-*.json
# must be refused. Prints Check's summary line so tests/run counts it.
top=${srcdir:-.}
y=$top/yang
n=0 f=0
check() {	# description, command...
	desc=$1; shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then :; else f=$((f + 1)); echo "$0:$n:F:yang:$desc"; fi
}
refuse() { ! "$@"; }
check "module compiles" yanglint -p "$y" "$y/ipip-bgpd.yang"
check "types module compiles" yanglint -p "$y" "$y/ipip-bgpd-types.yang"
for d in "$top"/tests/data/config/yang/good-*.json; do
	[ -f "$d" ] && check "$(basename "$d") is valid" yanglint -p "$y" -t config "$y/ipip-bgpd.yang" "$d"
done
for d in "$top"/tests/data/config/yang/bad-*.json; do
	[ -f "$d" ] && check "$(basename "$d") is refused" refuse yanglint -p "$y" -t config "$y/ipip-bgpd.yang" "$d"
done
echo "$((100 * (n - f) / n))%: Checks: $n, Failures: $f, Errors: 0"
[ $f -eq 0 ]
