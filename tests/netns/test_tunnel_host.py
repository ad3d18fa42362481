"""The tunnel manager's host-side choices on this machine (its kernel has no
ipip): driver auto picks bpf (userspace where bpf cannot run) and says why,
NBMA is refused with the userspace driver, ecmp-hash sets or warns about the multipath hash, and the
nftables firewall admits IP protocol 4 only from tunnel endpoints.
(The kernel driver itself is proved under qemu: tests/vm/suite-tunnel-kernel.sh.)"""
import json
import os
import subprocess

import pytest

from conftest import SANITIZER_MARKS, bpf_driver_unavailable, wait_for
from test_uspace import NET, PRIV, RAW_SEND, TUNCTL, U1, U2, Tunctl, sites  # noqa: F401

HOST_HAS_IPIP = os.path.exists("/sys/module/ipip")
pytestmark = [
    pytest.mark.skipif(not os.path.exists(TUNCTL), reason="tunctl not built"),
    pytest.mark.skipif(HOST_HAS_IPIP, reason="this host kernel has ipip"),
]


def tunctl_once(ns, *args):
    """Start tunctl, quit at once; (status, stdout, stderr)."""
    p = ns.run(TUNCTL, *args, input="quit\n", check=False, timeout=20)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def driver():
    """The sites fixture's driver: these tests are about the host, not the dataplane."""
    return "userspace"


@pytest.fixture
def ns(netns_factory):
    return netns_factory(f"kth{os.getpid() % 100000}")


def test_driver_auto_picks_bpf_else_userspace_and_says_why(ns):
    rc, out, err = tunctl_once(ns, "-d", "auto")
    if bpf_driver_unavailable() is None:
        assert rc == 0 and out.startswith("ready bpf"), out
        assert "driver auto: bpf (this kernel cannot make ipip devices: " \
               "Operation not supported; its tc BPF programs loaded)" in err, err
    else:
        assert rc == 0 and out.startswith("ready userspace"), out
        assert "driver auto: userspace (this kernel cannot make ipip devices: " \
               "Operation not supported; bpf: " in err, err
    assert not [l for l in ns.ip_json("link", "show") if "probe" in l["ifname"]]


def test_kernel_driver_or_nbma_without_ipip_is_refused_and_says_why(ns):
    rc, out, err = tunctl_once(ns, "-d", "kernel")
    assert rc == 1 and "error: Operation not supported" in out
    assert "driver kernel: this kernel cannot make ipip devices" in err, err
    rc, out, err = tunctl_once(ns, "-s", "nbma", "-d", "userspace")
    assert rc == 1 and "error: Operation not supported" in out
    assert "style nbma needs the kernel or bpf driver: a TUN device cannot see a route's gateway" in err


def hash_policy(ns):
    return int(ns.run("cat", "/proc/sys/net/ipv4/fib_multipath_hash_policy").stdout)


def test_ecmp_hash_layer4_sets_policy_1_and_unset_warns_once_at_ecmp(sites):
    """Tunnels alone are no reason to warn (they may lead to different
    sites); the first route over two of them is, once."""
    a, _ = sites
    rc, _, err = tunctl_once(a.ns, "-e", "layer4")
    assert rc == 0 and hash_policy(a.ns) == 1
    assert "ecmp-hash layer4: net.ipv4.fib_multipath_hash_policy 0 -> 1" in err
    a.ns.sysctl("net.ipv4.fib_multipath_hash_policy", 0)
    t = a.start()
    t.add(U1[0], U1[1])
    t.add(U2[0], U2[1])
    t.add(U1[0], U2[1])
    warned = lambda: [l for l in "".join(t.stderr).splitlines() if "policy is 0" in l]
    assert not wait_for(warned, timeout=1), t.stderr
    t.cmd("ecmp")
    t.cmd("ecmp")
    t.quit()
    assert wait_for(warned, timeout=5), t.stderr
    assert len(warned()) == 1, t.stderr
    assert hash_policy(a.ns) == 0                      # unset: warned, not changed


def nft_counters(ns):
    """(accepted, dropped) packets of table ip ipip_bgpd's two rules."""
    rules = [o["rule"] for o in json.loads(ns.run("nft", "-j", "list", "chain", "ip", "ipip_bgpd",
                                                   "input").stdout)["nftables"] if "rule" in o]
    counts = [next(e["counter"]["packets"] for e in r["expr"] if "counter" in e) for r in rules]
    return tuple(counts)


def nft_endpoints(ns):
    out = json.loads(ns.run("nft", "-j", "list", "set", "ip", "ipip_bgpd", "endpoints").stdout)
    return next(o["set"] for o in out["nftables"] if "set" in o).get("elem", [])


def test_firewall_admits_protocol_4_only_from_tunnel_endpoints(sites):
    a, b = sites
    a.start("-f")
    b.start()
    for s in sites:
        s.route(s.tunnel(U1))
    assert len(nft_endpoints(a.ns)) == 1
    assert a.ping().returncode == 0                    # the endpoint's packets pass
    accepted, dropped = nft_counters(a.ns)
    assert accepted >= 2 and dropped == 0
    # A stranger's protocol-4 packets (no tunnel U2[1] -> U1[0]) die in A's firewall...
    b.ns.run("python3", "-c", RAW_SEND, U2[1], U1[0], "4")
    assert wait_for(lambda: nft_counters(a.ns)[1] >= 3, timeout=5), nft_counters(a.ns)
    a.tun.show()
    assert a.tun.drops["no-tunnel"] == 0               # ...before the dataplane sees them,
    a.ns.run("python3", "-c", RAW_SEND, U2[0], U1[1], "4")
    assert wait_for(lambda: b.tun.show() and b.tun.drops["no-tunnel"] >= 3, timeout=5)
    # ...while B, without the firewall, has to read them itself.
    assert a.tun.cmd(f"del {U1[0]} {U1[1]}") == "ok"
    assert nft_endpoints(a.ns) == []                   # the endpoint goes with the tunnel
    assert b.ping().returncode != 0
    a.tun.quit()
    tables = a.ns.run("nft", "list", "tables").stdout
    assert "ipip_bgpd" not in tables                   # clean exit removes the table
