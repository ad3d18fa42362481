"""What eBGP sessions put on the wire and how far they reach, with BIRD 2 as
the peer: TTL 1 to a direct eBGP neighbor from both the connecting and the
accepted socket, every BGP packet marked CS6 (TOS 0xc0) as FRR and BIRD do;
behind a router the session stays down until `ebgp-multihop 2`, and then
sends with TTL 2. Read as an operator would: tcpdump on our side of the link,
`show bgp neighbors [json]`, BIRD's `show protocols all`."""
import os
import re
import shutil
import subprocess

import pytest

from bgplab import Bird, link_fixture, sh
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, BIRD_AS = 4200000001, 4200000002

pytestmark = pytest.mark.skipif(shutil.which("bird") is None or shutil.which("tcpdump") is None,
                                reason="bird2 or tcpdump not installed")

link = link_fixture("ttl", "10.0.61")


class Capture:
    """tcpdump -v of the BGP packets leaving src on dev in namespace ns."""

    def __init__(self, ns, dev, src, path):
        self.path = path
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, "tcpdump", "-l", "-n", "-v", "-i", dev,
             f"src host {src} and tcp port 179"],
            stdout=open(path, "w"), stderr=subprocess.PIPE, text=True)
        assert "listening on" in self.proc.stderr.readline()

    def stop(self):
        """[(tos, ttl, tcp flags, payload length)] of every packet seen."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        text = self.path.read_text()
        return [(int(tos, 16), int(ttl), flags, int(ln)) for tos, ttl, flags, ln in re.findall(
            r"IP \(tos (0x[0-9a-f]+), ttl (\d+),.*\n\s+\S+ > \S+: Flags \[([^\]]*)\].*?length (\d+)",
            text)]


def conf(tmp_path, neighbor, extra=""):
    p = tmp_path / "bgpd.conf"
    p.write_text(f"router bgp {OUR_AS}\n bgp router-id 10.0.61.1\n no bgp ebgp-requires-policy\n"
                 f" neighbor {neighbor} remote-as {BIRD_AS}\n neighbor {neighbor} timers 1 3\n"
                 f" neighbor {neighbor} timers connect 1\n" + extra)
    return p


def neighbor(d, addr):
    return vtysh_json(d.sock, f"show bgp neighbors {addr} json")[addr]


def up(d, addr):
    return neighbor(d, addr)["bgpState"] == "Established"


def run_direct(tmp_path, link, daemon_factory, ours_passive):
    bird = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS,
                options="" if ours_passive else "passive on;")
    cap = Capture(link.a, link.va, link.addr_a, tmp_path / "dump.txt")
    bird.start()
    try:
        extra = f" neighbor {link.addr_b} passive\n" if ours_passive else ""
        d = daemon_factory(config=conf(tmp_path, link.addr_b, extra), netns=link.a).start()
        assert wait_for(lambda: up(d, link.addr_b), 20), d.read_log()
        wait_for(lambda: False, 2.5)                  # a few keepalives more
    finally:
        pkts = cap.stop()
        bird.stop()
    return d, pkts


@pytest.mark.parametrize("ours_passive", [False, True], ids=["connecting", "accepted"])
def test_direct_ebgp_sends_ttl_1_and_cs6(tmp_path, link, daemon_factory, ours_passive):
    """FRR's defaults: TTL 1 to an eBGP neighbor without ebgp-multihop, TOS
    0xc0 (CS6) on every BGP packet. On the accepted socket the SYN-ACK leaves
    from the listener, with the mark and TTL 255 (what a GTSM neighbor needs)."""
    d, pkts = run_direct(tmp_path, link, daemon_factory, ours_passive)
    assert pkts, "no packet captured"
    assert all(tos == 0xc0 for tos, _, _, _ in pkts), pkts
    data = [p for p in pkts if p[3] > 0]
    assert len(data) >= 3, pkts                       # OPEN, KEEPALIVEs, End-of-RIB
    assert all(ttl == 1 for _, ttl, _, _ in data), data
    if not ours_passive:
        assert [p for p in pkts if p[2] == "S"] and all(p[1] == 1 for p in pkts), pkts
    else:
        assert any(p[2] == "S." for p in pkts), pkts   # BIRD connected: we accepted
        assert all(p[1] == 255 for p in pkts if p[2] == "S."), pkts
    n = neighbor(d, link.addr_b)
    assert n["externalBgpNbrMaxHopsAway"] == 1
    assert "ebgp-multihop" not in d.read_log()            # on a connected subnet: no hint
    text = vtysh(d.sock, f"show bgp neighbors {link.addr_b}").stdout
    assert "External BGP neighbor may be up to 1 hops away." in text, text


def routed(link, tmp_path):
    """A third namespace C behind B, which forwards: A (10.0.61.1) - B - C
    (10.0.62.2), one router between A and C. Returns (namespace, C's address)."""
    ns = f"{link.a}r"
    vb, vc = f"{link.a[:11]}rb", f"{link.a[:11]}rc"
    sh("ip", "netns", "add", ns)
    link.extra.append(ns)                             # deleted by link.close()
    sh("ip", "link", "add", vb, "netns", link.b, "type", "veth", "peer", "name", vc, "netns", ns)
    for nsx, dev, addr in ((link.b, vb, "10.0.62.1"), (ns, vc, "10.0.62.2")):
        sh("ip", "-n", nsx, "addr", "add", f"{addr}/24", "dev", dev)
        sh("ip", "-n", nsx, "link", "set", dev, "up")
        sh("ip", "-n", nsx, "link", "set", "lo", "up")
    sh("ip", "netns", "exec", link.b, "sysctl", "-qw", "net.ipv4.ip_forward=1")
    sh("ip", "-n", link.a, "route", "add", "10.0.62.0/24", "via", link.addr_b)
    sh("ip", "-n", ns, "route", "add", "10.0.61.0/24", "via", "10.0.62.1")
    return ns, "10.0.62.2"


def test_ebgp_behind_a_router_needs_ebgp_multihop(tmp_path, link, daemon_factory):
    """BIRD one router away (its `multihop 2` reaches us): with TTL 1 our
    packets die at the router and the session never comes up, as with FRR;
    `neighbor X ebgp-multihop 2` brings it up, sending with TTL 2."""
    ns, far = routed(link, tmp_path)
    bird = Bird(tmp_path, ns, far, BIRD_AS, link.addr_a, OUR_AS, local=far, options="multihop 2;")
    bird.start()
    cap = None
    try:
        d = daemon_factory(config=conf(tmp_path, far), netns=link.a).start()
        assert neighbor(d, far)["externalBgpNbrMaxHopsAway"] == 1
        wait_for(lambda: up(d, far), 8)
        n = neighbor(d, far)
        assert n["bgpState"] != "Established" and n["connectionsEstablished"] == 0, n
        hint = (f"neighbor {far}: not established, and it is on no connected subnet while eBGP "
                f"sends with TTL 1: behind a router it needs 'neighbor {far} ebgp-multihop N'")
        assert d.read_log().count(hint) == 1, d.read_log()
        assert not bird.established()
        cap = Capture(link.a, link.va, link.addr_a, tmp_path / "dump.txt")
        r = vtysh(d.sock, "configure terminal", f"router bgp {OUR_AS}",
                  f"neighbor {far} ebgp-multihop 2", "end")
        assert r.returncode == 0, r.stderr
        assert wait_for(lambda: up(d, far), 20), d.read_log()
        wait_for(lambda: False, 2)
        pkts = cap.stop()
        data = [p for p in pkts if p[3] > 0]
        assert data and all(ttl == 2 and tos == 0xc0 for tos, ttl, _, _ in data), pkts
        assert neighbor(d, far)["externalBgpNbrMaxHopsAway"] == 2
        text = vtysh(d.sock, f"show bgp neighbors {far}").stdout
        assert "External BGP neighbor may be up to 2 hops away." in text, text
        running = vtysh(d.sock, "show running-config").stdout
        assert f" neighbor {far} ebgp-multihop 2\n" in running, running
        assert wait_for(bird.established, 5)
        assert d.read_log().count(hint) == 1, d.read_log()
    finally:
        if cap is not None:
            cap.stop()
        bird.stop()
