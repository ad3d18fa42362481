#!/bin/bash
# The main job: four sites learn each other's private prefixes over BGP
# (through two BIRD 2 route reflectors) and reach them directly or through
# IPIP tunnels, with ECMP over two tunnels to the multihomed site
# (doc/demo.md). Installs what is missing, builds into build/release, runs
# scripts/overlay_demo.py, and leaves the overlay running to look at.
#   scripts/demo.sh                        run it (again: the old one is removed first)
#   scripts/demo.sh --reflector ipip-bgpd  the same with ipip-bgpd as the reflectors
#   scripts/demo.sh --teardown             run it and remove everything at the end
#   scripts/demo.sh down                   remove a running demo
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = down ]; then
	exec /usr/bin/python3 "$top/scripts/overlay_demo.py" --down
fi
"$top/scripts/deps.sh" demo
echo "== building ipip-bgpd (build/release)"
"$top/scripts/build.sh" release
exec /usr/bin/python3 "$top/scripts/overlay_demo.py" --bin "$top/build/release" "$@"
