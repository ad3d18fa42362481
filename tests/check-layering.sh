#!/bin/sh
# Dependencies point down only: bgpd -> rib -> tunnel -> lib; bgpd -> conf -> lib;
# vtysh -> conf -> lib (conf: the configuration model, shared by daemon and shell).
# Fails, naming file and line, on any #include that points up or sideways.
top=${srcdir:-.}
rc=0
check() {	# module, allowed include prefixes (regex)
	mod=$1 allowed=$2
	[ -d "$top/$mod" ] || return 0
	bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"(lib|conf|tunnel|rib|bgpd|vtysh)/' \
		"$top/$mod"/*.[ch] 2>/dev/null | grep -vE "#[[:space:]]*include[[:space:]]+\"($allowed)/")
	if [ -n "$bad" ]; then
		echo "layering: $mod/ may include only $allowed:"
		echo "$bad"
		rc=1
	fi
}
check lib 'lib'
check conf 'conf|lib'
check tunnel 'tunnel|lib'
check rib 'rib|tunnel|lib'
check bgpd 'bgpd|conf|rib|tunnel|lib'
check vtysh 'vtysh|conf|lib'
[ $rc -eq 0 ] && echo "layering: all includes point down"
exit $rc
