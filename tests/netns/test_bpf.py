"""The bpf tunnel driver's own checks (doc/tunnels.md "The bpf driver"); what it
shares with the userspace driver - ping, wire format, DF, MTU, iperf3, ECMP,
ECN, strangers' protocol 4 dropped and counted, restart and adoption - runs in
test_uspace.py once per driver. Here, as an operator checks it: the tc
filters on the tunnel device and the underlay (`tc filter show`), that a
SIGKILL or a graceful stop and a restart leave no stale device, filter or
clsact qdisc (`tc qdisc show`) - nor does a clean stop after the last TUN
was deleted and not made again - and never take someone else's filter, chain
or their clsact (but remove it once empty), NBMA through one
device with the route's gateway as outer destination (tcpdump), packets of an
asymmetric underlay (slow path, then the filter learned), and the daemon's
`overlay driver bpf` in `show overlay`.
Skipped, with the reason, where the driver cannot run (no clang/libbpf at
build, Linux < 6.3, no privilege)."""
import os
import re
import shutil

import pytest

from conftest import Netns, bpf_driver_unavailable, veth_pair, vtysh, vtysh_json, wait_for
from test_uspace import NET, PKT_PY, PRIV, RAW_SEND, U1, U2, iperf, tcpdump_start, tun_devices
from test_uspace import driver, linked, sites  # noqa: F401  (fixtures)
from test_overlay import lab as ovlab, link  # noqa: F401  (fixtures)

# `sites` takes test_uspace's `driver` fixture: here bpf only.
pytestmark = [pytest.mark.skipif(bpf_driver_unavailable() is not None,
                                 reason=str(bpf_driver_unavailable())),
              pytest.mark.parametrize("driver", ["bpf"], indirect=True)]


def tc_filters(ns, dev, where):
    """Names of the BPF programs on dev's clsact hook `where` (ingress|egress)."""
    out = ns.run("tc", "filter", "show", "dev", dev, where, check=False).stdout
    return sorted(set(re.findall(r"\b(ipip_(?:en|de)cap)\b", out)))


def has_clsact(ns, dev):
    return "qdisc clsact " in ns.run("tc", "qdisc", "show", "dev", dev).stdout


# Someone else's filter: a u32 that matches all, at a priority after ours,
# on chain 0 (ours) or on a chain of its own.
FOREIGN_PRIO = "49152"


def foreign_add(ns, dev, where, chain="0"):
    ns.run("tc", "filter", "add", "dev", dev, where, "chain", chain, "prio", FOREIGN_PRIO,
           "u32", "match", "u32", "0", "0")


def has_foreign(ns, dev, where, chain="0"):
    out = ns.run("tc", "filter", "show", "dev", dev, where, check=False).stdout
    return re.search(rf"pref {FOREIGN_PRIO} u32 chain {chain} fh 800::800 ", out) is not None


def foreign_del(ns, dev, where, chain="0"):
    ns.run("tc", "filter", "del", "dev", dev, where, "chain", chain, "prio", FOREIGN_PRIO)


# Someone's chain configuration with no filter in it: a chain template
# (flower only; skipped where the kernel has no flower) or a bare chain.
FOREIGN_CHAIN = "5"
CHAIN_TEMPLATE = ("protocol", "ip", "flower", "dst_ip", "192.0.2.0/24")


def chain_add(ns, dev, where, kind):
    r = ns.run("tc", "chain", "add", "dev", dev, where, "chain", FOREIGN_CHAIN,
               *(CHAIN_TEMPLATE if kind == "template" else ()), check=False)
    if r.returncode != 0 and kind == "template" and "classifier not found" in r.stderr:
        pytest.skip("this kernel has no flower classifier: no chain templates")
    assert r.returncode == 0, r.stderr


def has_chain(ns, dev, where):
    out = ns.run("tc", "chain", "show", "dev", dev, where, check=False).stdout
    return re.search(rf"\bchain {FOREIGN_CHAIN}\b", out) is not None


def test_programs_sit_on_tunnel_egress_and_underlay_ingress(linked):
    a, b = linked
    name = next(iter(a.tun.show()))
    assert tc_filters(a.ns, name, "egress") == ["ipip_encap"]
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert a.ping().returncode == 0
    a.tun.cmd(f"del {U1[0]} {U1[1]}")               # the last tunnel over the underlay
    assert name not in tun_devices(a.ns)
    assert tc_filters(a.ns, a.dev, "ingress") == []


def test_sigkill_restart_and_stop_leave_no_device_and_no_filter(linked):
    a, b = linked
    name = next(iter(a.tun.show()))
    assert a.ping().returncode == 0
    a.tun.kill()
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]   # left by the dead run
    a.start()
    assert tc_filters(a.ns, a.dev, "ingress") == []               # swept at start
    assert a.tun.cmd("prune") == "ok pruned 1"
    assert name not in tun_devices(a.ns)
    a.tun.quit()
    assert tun_devices(a.ns) == {}
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert not has_clsact(a.ns, a.dev)                # the dead run's, emptied: swept too


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv not installed")
def test_sweep_under_the_units_capabilities_takes_the_dead_runs_filter_off(linked):
    """Under systemd root has only the unit's CapabilityBoundingSet (CAP_BPF,
    no CAP_SYS_ADMIN): the sweep after a SIGKILL must still know the dead
    run's ipip_decap and take it off, with its clsact."""
    from test_privdrop import unit_caps
    a, b = linked
    a.tun.kill()
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]   # left by the dead run
    a.start(wrap=unit_caps())
    assert tc_filters(a.ns, a.dev, "ingress") == []               # swept at start
    assert not has_clsact(a.ns, a.dev)
    a.route(a.tunnel(U1))
    assert a.ping().returncode == 0
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []


def test_sigkill_restart_and_stop_leave_no_clsact_on_the_underlay(linked):
    """The sweep empties the dead run's clsact and removes it; the tunnel
    added again makes its own, which the clean stop removes."""
    a, b = linked
    a.tun.kill()
    assert has_clsact(a.ns, a.dev)
    a.start()
    assert not has_clsact(a.ns, a.dev)
    a.route(a.tunnel(U1))
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert a.ping().returncode == 0
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert not has_clsact(a.ns, a.dev)


@pytest.mark.parametrize("chain", ["0", "7"])
@pytest.mark.parametrize("where", ["ingress", "egress"])
def test_clsact_holding_someone_elses_filter_keeps_it_through_stop_sigkill_restart(linked, where,
                                                                                  chain):
    """Someone filters on the clsact our run made, on either hook, on our
    chain or another: a clean stop, then a SIGKILL and the next run's sweep,
    remove our filter and nothing else."""
    a, b = linked
    foreign_add(a.ns, a.dev, where, chain)
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert has_clsact(a.ns, a.dev) and has_foreign(a.ns, a.dev, where, chain)
    a.start()
    a.route(a.tunnel(U1))
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert a.ping().returncode == 0
    a.tun.kill()
    a.start()
    assert tc_filters(a.ns, a.dev, "ingress") == []                # swept at start
    assert has_clsact(a.ns, a.dev) and has_foreign(a.ns, a.dev, where, chain)
    a.route(a.tunnel(U1))
    assert a.ping().returncode == 0
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert has_clsact(a.ns, a.dev) and has_foreign(a.ns, a.dev, where, chain)


@pytest.mark.parametrize("where", ["ingress", "egress"])
def test_clsact_kept_for_someone_elses_filter_goes_once_that_filter_did(linked, where):
    """Our run made the clsact; someone's filter keeps it through a clean
    stop. The next run puts its filter on it again; the stranger removes
    theirs; that run's clean stop leaves no empty clsact behind."""
    a, b = linked
    foreign_add(a.ns, a.dev, where)
    a.tun.quit()
    assert has_clsact(a.ns, a.dev) and has_foreign(a.ns, a.dev, where)
    a.start()
    a.route(a.tunnel(U1))
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert a.ping().returncode == 0
    foreign_del(a.ns, a.dev, where)
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert not has_clsact(a.ns, a.dev)


@pytest.mark.parametrize("kind", ["template", "bare"])
@pytest.mark.parametrize("where", ["ingress", "egress"])
def test_clsact_holding_only_someones_chain_keeps_it_through_sweep_and_stop(linked, where, kind):
    """A chain (`tc chain add`, with a template or without) and no filter is
    someone's configuration: neither the sweep after a SIGKILL nor a clean
    stop removes the clsact that holds it."""
    a, b = linked
    chain_add(a.ns, a.dev, where, kind)
    a.tun.kill()
    a.start()
    assert tc_filters(a.ns, a.dev, "ingress") == []                # swept at start
    assert has_clsact(a.ns, a.dev) and has_chain(a.ns, a.dev, where)
    a.route(a.tunnel(U1))
    assert a.ping().returncode == 0
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert has_clsact(a.ns, a.dev) and has_chain(a.ns, a.dev, where)


def test_graceful_stop_restart_and_stop_leave_no_clsact(linked):
    """keep_on_exit leaves the filter (and its clsact) for the next run;
    that run's sweep and adoption put its own in place, a clean stop
    removes both."""
    a, b = linked
    keep = a.stop_keeping_a_tunnel(U1)
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]   # left by design
    a.start()
    assert a.tun.add(U1[0], U1[1]) == (keep, True)
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert a.ping().returncode == 0
    a.tun.quit()
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert not has_clsact(a.ns, a.dev)


def nbma_add(site, local, remote):
    r = site.tun.cmd(f"add {local} {remote}")
    m = re.fullmatch(r"ok (\S+) ifindex \d+ mtu \d+ adopted no onlink", r)
    assert m, r
    return m.group(1)


def test_nbma_one_device_outer_destination_is_the_routes_gateway(sites, tmp_path):
    """A: one NBMA device from U1[0] to both of B's addresses; the route's
    gateway (U2[1], not the first remote) is what the outer header carries."""
    a, b = sites
    for s in sites:
        s.start("-s", "nbma")
    dev = nbma_add(a, U1[0], U1[1])
    assert nbma_add(a, U1[0], U2[1]) == dev           # one device per local address
    bdev = nbma_add(b, U2[1], U1[0])
    a.ns.ip("route", "replace", NET[1], "src", PRIV[0], "via", U2[1], "dev", dev, "onlink")
    b.ns.ip("route", "replace", NET[0], "src", PRIV[1], "via", U1[0], "dev", bdev, "onlink")
    out = tmp_path / "dump.txt"
    p = tcpdump_start(a.ns, a.dev, 2, out)
    assert a.ping(count=1).returncode == 0
    p.wait(10)
    text = out.read_text()
    assert re.search(r"flags \[DF\], proto IPIP \(4\)", text), text
    assert f"{U1[0]} > {U2[1]}: IP " in text and f"{PRIV[0]} > {PRIV[1]}: ICMP echo request" in text
    assert f"{U2[1]} > {U1[0]}: IP " in text and f"{PRIV[1]} > {PRIV[0]}: ICMP echo reply" in text
    j = iperf(a, b, seconds=2)
    assert "error" not in j and j["end"]["sum_received"]["bytes"] > 1_000_000, j


def test_nbma_remote_behind_a_second_underlay_device_is_decapsulated_there(sites):
    """A's local address is on lo; of one NBMA device's two remotes, the
    second is reached through a second veth: its packets arrive there, so
    ipip_decap must sit on both devices (and leave both with the tunnels)."""
    a, b = sites
    lo_addr = "192.0.2.1"
    a.ns.ip("addr", "add", lo_addr + "/32", "dev", "lo")
    for s in sites:                                   # U2 moves to a second veth
        s.ns.ip("addr", "del", U2[s.i] + "/24", "dev", s.dev)
    veth_pair(a.ns, a.dev + "2", b.ns, b.dev + "2")
    for s in sites:
        s.ns.ip("addr", "add", U2[s.i] + "/24", "dev", s.dev + "2")
    b.ns.ip("route", "add", lo_addr + "/32", "via", U2[0], "dev", b.dev + "2")
    a.start("-s", "nbma")
    b.start()
    dev = nbma_add(a, lo_addr, U1[1])
    assert nbma_add(a, lo_addr, U2[1]) == dev
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert tc_filters(a.ns, a.dev + "2", "ingress") == ["ipip_decap"]
    btun = b.tun.add(U2[1], lo_addr)[0]
    a.ns.ip("route", "replace", NET[1], "src", PRIV[0], "via", U2[1], "dev", dev, "onlink")
    b.ns.ip("route", "replace", NET[0], "src", PRIV[1], "dev", btun)
    assert a.ping().returncode == 0, a.ping().stdout
    a.tun.cmd(f"del {lo_addr} {U2[1]}")
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]


ASYM_EP = ("192.0.2.1", "192.0.2.2")


def u2_on_second_veth(sites):
    """A second veth between the sites (dev + "2"), and U2 moved onto it."""
    a, b = sites
    veth_pair(a.ns, a.dev + "2", b.ns, b.dev + "2")
    for s in sites:
        s.ns.ip("addr", "del", U2[s.i] + "/24", "dev", s.dev)
        s.ns.ip("addr", "add", U2[s.i] + "/24", "dev", s.dev + "2")


def asymmetric(sites):
    """Endpoints on lo; A reaches B's through the first veth, B reaches A's
    through a second one. Starts both, adds the tunnels; their names."""
    a, b = sites
    ep = ASYM_EP
    u2_on_second_veth(sites)
    for s in sites:
        s.ns.ip("addr", "add", ep[s.i] + "/32", "dev", "lo")
        s.start()
    a.ns.ip("route", "add", ep[1] + "/32", "via", U1[1], "dev", a.dev)
    b.ns.ip("route", "add", ep[0] + "/32", "via", U2[0], "dev", b.dev + "2")
    return a.tun.add(ep[0], ep[1])[0], b.tun.add(ep[1], ep[0])[0]


def test_asymmetric_underlay_is_decapsulated_and_the_filter_learned(sites):
    """The endpoints are on lo; A reaches B's through the first veth, B
    reaches A's through a second one, so B's packets come in on A's second
    veth, where no route of A's leads and no ipip_decap sits at first. They
    still arrive (the raw socket's slow path), the filter is attached there
    on the first of them, and it leaves with the last tunnel."""
    a, b = sites
    ep = ASYM_EP
    atun, btun = asymmetric(sites)
    assert tc_filters(a.ns, a.dev, "ingress") == ["ipip_decap"]
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []
    a.route(atun)
    b.route(btun)
    r = a.ping(count=3)
    assert r.returncode == 0, r.stdout                 # the replies come in on the second veth
    assert tc_filters(a.ns, a.dev + "2", "ingress") == ["ipip_decap"]   # learned
    assert a.tun.show()[atun]["in"][0] >= 1
    assert a.ping(count=3).returncode == 0             # now through the learned filter
    a.tun.cmd(f"del {ep[0]} {ep[1]}")
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []


def learned_on_second_veth(sites):
    """Routes both ways over the asymmetric underlay and a ping, whose
    replies teach A's driver its second veth; returns A's tunnel."""
    a, b = sites
    atun, btun = asymmetric(sites)
    a.route(atun)
    b.route(btun)
    assert a.ping(count=3).returncode == 0
    assert tc_filters(a.ns, a.dev + "2", "ingress") == ["ipip_decap"]   # learned
    return atun


def test_sigkill_restart_leaves_no_clsact_on_a_learned_device(sites):
    """The dead run's learned filter, on the second veth, is swept at start
    with its clsact, like the route's device's."""
    a, _ = sites
    learned_on_second_veth(sites)
    a.tun.kill()
    a.start()
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []
    assert not has_clsact(a.ns, a.dev + "2") and not has_clsact(a.ns, a.dev)
    a.tun.quit()


def test_clean_stop_takes_the_learned_filter_off_after_the_device_was_lost(sites):
    """Someone deletes the last tunnel device and it cannot be made again
    (the route to the remote went first): a clean stop still removes
    ipip_decap, and the clsact it made, from the learned device."""
    a, _ = sites
    atun = learned_on_second_veth(sites)
    a.ns.ip("route", "del", ASYM_EP[1] + "/32")
    a.ns.ip("link", "del", atun)
    assert wait_for(lambda: f"event {atun} down" in a.tun.events, timeout=5), a.tun.events
    a.tun.quit()
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []
    assert tc_filters(a.ns, a.dev, "ingress") == []
    assert not has_clsact(a.ns, a.dev + "2") and not has_clsact(a.ns, a.dev)


def test_strangers_on_a_device_without_the_filter_are_dropped_and_attach_nothing(sites):
    """Protocol 4 from an address with no tunnel, arriving where ipip_decap
    is not: the raw socket's filter drops and counts it; no filter is learned."""
    a, b = sites
    u2_on_second_veth(sites)
    a.start()
    a.tunnel(U1)
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []
    a.tun.show()
    before = a.tun.drops["no-tunnel"]
    b.ns.run("python3", "-c", RAW_SEND, U2[1], U2[0], "4")      # no tunnel from U2[1]
    assert wait_for(lambda: a.tun.show() is not None and a.tun.drops["no-tunnel"] >= before + 3,
                    timeout=5), a.tun.drops
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_daemon_overlay_driver_bpf_is_shown_and_routes_use_it(tmp_path, driver, ovlab, daemon_factory):
    from test_overlay import FAR, REMOTE, installed, our_tunnels
    link, bird = ovlab
    bird.start()
    text = (f"router bgp 4200000001\n bgp router-id 10.0.31.1\n no bgp ebgp-requires-policy\n"
            f" neighbor 10.0.31.2 remote-as 4200000002\n neighbor 10.0.31.2 timers 1 3\n"
            f" neighbor 10.0.31.2 timers connect 1\n"
            f"overlay\n mode cross-subnet\n driver bpf\nexit\n")
    conf = tmp_path / "bgpd.conf"
    conf.write_text(text)
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: FAR in installed(link.a), 20), (installed(link.a), d.read_log())
    tuns = our_tunnels(link.a)
    assert len(tuns) == 1 and tuns[0]["linkinfo"]["info_kind"] == "tun", tuns
    assert tuns[0]["ifalias"] == f"ipip-bgpd local {link.addr_a} remote 0.0.0.0"   # NBMA
    assert installed(link.a)[FAR][0] == [(REMOTE, tuns[0]["ifname"], True)]
    j = vtysh_json(d.sock, "show overlay json")
    assert (j["driver"], j["driverReason"]) == ("bpf", "configured"), j
    assert "Overlay mode cross-subnet, driver bpf (configured)" in vtysh(d.sock, "show overlay").stdout
    d.stop()
    if os.path.exists("/sys/module/ipip"):
        return                                      # auto would pick the kernel driver
    # driver auto (the default) on this kernel without ipip: bpf, and why.
    conf.write_text(text.replace(" driver bpf\n", ""))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: FAR in installed(link.a), 20), (installed(link.a), d.read_log())
    why = "this kernel cannot make ipip devices: Operation not supported; its tc BPF programs loaded"
    j = vtysh_json(d.sock, "show overlay json")
    assert (j["driver"], j["driverReason"]) == ("bpf", why), j
    assert f"Overlay mode cross-subnet, driver bpf ({why})" in vtysh(d.sock, "show overlay").stdout
    assert f"tunnel: driver auto: bpf ({why})" in d.read_log()


TUN_SEND = PKT_PY + """
import fcntl, os, time
n, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pkt = ip4(48, 4, src, dst) + ip4(28, 1, "10.2.0.1", "10.1.0.1") + echo()
s, fds = socket.socket(), []
for i in range(n):
    name = b"strange%d" % i
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name, 0x0001 | 0x1000))  # TUNSETIFF, TUN|NO_PI
    flags = struct.unpack("16sh", fcntl.ioctl(s, 0x8913, struct.pack("16sh", name, 0)))[1]
    fcntl.ioctl(s, 0x8914, struct.pack("16sh", name, flags | 1))            # IFF_UP
    os.write(fd, pkt)                         # arrives on that device, as if received there
    fds.append(fd)
time.sleep(1)
"""


def test_devices_packets_came_in_on_do_not_lock_out_a_tunnels_underlay(sites):
    """A tunnel's packets arriving on many devices that cannot take the
    filter (here 70 TUNs, each handed one packet; or any device that comes
    and goes) must not use up the driver's underlay slots: a new tunnel
    whose route leaves by another device still gets ipip_decap there."""
    a, b = sites
    u2_on_second_veth(sites)
    a.start()
    name = a.tunnel(U1)
    a.ns.run("python3", "-c", TUN_SEND, "70", U1[1], U1[0])
    assert wait_for(lambda: a.tun.show()[name]["in"][0] >= 70, timeout=5), a.tun.show()
    assert a.tun.add(U2[0], U2[1])[0]                 # its route leaves by the second veth
    assert tc_filters(a.ns, a.dev + "2", "ingress") == ["ipip_decap"]
    a.tun.cmd(f"del {U2[0]} {U2[1]}")
    assert tc_filters(a.ns, a.dev + "2", "ingress") == []


class Ns:
    """A namespace of a lab, by name, for the tc helpers above."""

    def __init__(self, name):
        self.name = name

    run = Netns.run


STRANGER = "ip0stranger"      # a TUN of someone's, named like ours, without our alias


def bpf_tunnels_then_sigkill(tmp_path, ovlab, daemon_factory, extra=""):
    """A run with the bpf driver and every next hop tunneled (ipip_decap on
    both underlay devices), someone's TUN and someone's filter beside ours;
    then SIGKILL. Returns (conf text without the driver, namespace, the
    underlay devices (to BIRD, to the router), our device names)."""
    from test_overlay import installed, our_tunnels
    link, bird = ovlab
    ns, to_r = Ns(link.a), f"{link.a[:10]}a1"
    bird.start()
    text = (f"router bgp 4200000001\n bgp router-id 10.0.31.1\n no bgp ebgp-requires-policy\n"
            f"{extra} neighbor 10.0.31.2 remote-as 4200000002\n neighbor 10.0.31.2 timers 1 3\n"
            f" neighbor 10.0.31.2 timers connect 1\n"
            f"overlay\n mode always\n driver bpf\nexit\n")
    conf = tmp_path / "bgpd.conf"
    conf.write_text(text)
    ns.run("ip", "tuntap", "add", "dev", STRANGER, "mode", "tun")
    ns.run("ip", "link", "set", STRANGER, "alias", "someone's tunnel")
    ns.run("tc", "qdisc", "add", "dev", to_r, "clsact")
    foreign_add(ns, to_r, "ingress")
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: len(installed(link.a)) == 2, 20), (installed(link.a), d.read_log())
    ours = sorted(t["ifname"] for t in our_tunnels(link.a))
    assert ours and tc_filters(ns, link.va, "ingress") == tc_filters(ns, to_r, "ingress") \
        == ["ipip_decap"]
    d.kill()
    assert sorted(t["ifname"] for t in our_tunnels(link.a)) == ours    # left by the dead run
    return text.replace(" driver bpf\n", ""), ns, (link.va, to_r), ours


def assert_only_strangers_left(ns, devs, link_a):
    from test_overlay import our_tunnels
    va, to_r = devs
    assert our_tunnels(link_a) == []
    assert tc_filters(ns, va, "ingress") == tc_filters(ns, to_r, "ingress") == []
    assert not has_clsact(ns, va)                   # the dead run's, emptied
    assert has_clsact(ns, to_r) and has_foreign(ns, to_r, "ingress")
    assert "someone's tunnel" in ns.run("ip", "-d", "link", "show", STRANGER).stdout


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_sigkill_then_overlay_never_removes_only_what_the_dead_run_left(tmp_path, driver, ovlab,
                                                                       daemon_factory):
    """doc/tunnels.md "Ownership": a run with no tunnel driver (every mode
    never) still removes the devices and ipip_decap filters a killed run
    left - the filters at start, the devices once the fib settled - and a
    clean stop leaves none; someone's TUN and filter stay."""
    link, bird = ovlab
    text, ns, devs, ours = bpf_tunnels_then_sigkill(tmp_path, ovlab, daemon_factory)
    conf = tmp_path / "never.conf"
    conf.write_text(text.replace(" mode always\n", " mode never\n"))
    d = daemon_factory(config=conf, netns=link.a, name="never").start()
    assert wait_for(lambda: "fib: settled" in d.read_log(), 20), d.read_log()
    from test_overlay import our_tunnels
    assert wait_for(lambda: our_tunnels(link.a) == [], 5), (our_tunnels(link.a), d.read_log())
    assert_only_strangers_left(ns, devs, link.a)
    for name in ours:                               # logged just after the removal
        assert wait_for(lambda: f"tunnel {name}: left by an earlier run, unused: removed"
                        in d.read_log(), 5), d.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
    assert_only_strangers_left(ns, devs, link.a)


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
@pytest.mark.parametrize("stop", ["clean", "graceful"])
def test_overlay_never_stopped_before_settle_removes_the_dead_runs_devices_unless_graceful(
        tmp_path, driver, ovlab, daemon_factory, stop):
    """No peer, so no settle: the devices of the killed run stay (routes
    first) until the stop; a clean stop removes them, a graceful one
    (`graceful restart`) keeps them for the next run."""
    from test_overlay import our_tunnels
    link, bird = ovlab
    text, ns, devs, ours = bpf_tunnels_then_sigkill(tmp_path, ovlab, daemon_factory,
                                                    extra=" bgp graceful-restart\n")
    bird.stop()
    conf = tmp_path / "never.conf"
    conf.write_text(text.replace(" mode always\n", " mode never\n"))
    d = daemon_factory(config=conf, netns=link.a, name="never").start()
    assert tc_filters(ns, devs[0], "ingress") == tc_filters(ns, devs[1], "ingress") == []
    assert sorted(t["ifname"] for t in our_tunnels(link.a)) == ours
    if stop == "clean":
        assert d.stop() == 0
        d.assert_no_sanitizer_report()
        assert_only_strangers_left(ns, devs, link.a)
        return
    r = vtysh(d.sock, "graceful restart")
    assert r.returncode == 0, r.stdout + r.stderr
    assert d.proc.wait(10) == 0
    d.assert_no_sanitizer_report()
    assert sorted(t["ifname"] for t in our_tunnels(link.a)) == ours
