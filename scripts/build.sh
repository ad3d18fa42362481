#!/bin/bash
# Configure (once) and build into build/NAME. Used by demo.sh and tests/run.
#   scripts/build.sh NAME [configure options...]
# Re-running is cheap: configure runs again only when its options change.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=$1; shift
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
dir=$top/build/$name
mkdir -p "$dir"
cd "$dir"
stamp="$*"
if [ ! -f Makefile ] || [ "$(cat .configure-args 2>/dev/null)" != "$stamp" ]; then
	"$top/configure" -q "$@"
	echo "$stamp" > .configure-args
fi
make -j"$(nproc)" >/dev/null
