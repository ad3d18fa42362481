#!/bin/bash
# Install the Debian packages ipip-bgpd needs, and only those missing.
#   scripts/deps.sh build   to build the daemon and the shell
#   scripts/deps.sh test    to build and run the whole test suite
#   scripts/deps.sh demo    to build and run the demo
# Idempotent: with everything present it changes nothing and needs no network.
set -euo pipefail

build_pkgs=(autoconf automake libtool make gcc pkg-config
	libmnl-dev libyang2-dev libyang2-tools libevent-dev libjson-c-dev
	check libreadline-dev libcap-dev)
build_pkgs+=(libnftables-dev)   # tunnel/fw.c: overlay firewall nftables
test_pkgs=(python3 python3-pytest python3-scapy clang iproute2 util-linux procps)
test_pkgs+=(qemu-system-x86 linux-image-amd64 busybox-static kmod tcpdump iputils-ping iperf3)   # tests/vm: real-kernel ipip under qemu
test_pkgs+=(iperf3 tcpdump iputils-ping)   # tunnel netns tests (uspace); tcpdump -M: MD5 in test_interop_*.py
test_pkgs+=(nftables)   # tunnel firewall netns tests (nft list)
build_pkgs+=(libbpf-dev clang)   # tunnel/bpfdrv.c, tunnel/bpf/ipip.bpf.c (clang -target bpf): the bpf driver; without them configure builds it as a stub and driver auto skips it
demo_pkgs=(iproute2 procps python3 bird2 iperf3 tcpdump iputils-ping)   # scripts/overlay_demo.py
test_pkgs+=(bird2)   # BGP netns tests (test_bgp_session.py, test_bgp_reload.py), test_bench_feeder.py
test_pkgs+=(frr gobgpd)   # interop netns tests (test_interop_frr.py, test_interop_gobgp.py)
bench_pkgs=(bird2 frr)   # bench/fib_bench.sh devices under test

case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
demo) want=("${build_pkgs[@]}" "${demo_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "usage: $0 build|test|demo" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
