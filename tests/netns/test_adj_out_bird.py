"""What ipip-bgpd announces, checked on the far side with BIRD 2's own CLI
(`birdc show route all`) as an operator would: `network` statements with
our AS and our address as next hop, routes passed on from one eBGP peer to
another with our AS prepended, withdrawals, `network` removed by reload,
route reflection to three iBGP clients (ORIGINATOR_ID, CLUSTER_LIST), and
two ipip-bgpd daemons exchanging their networks."""
import json
import os
import shutil
import signal

import pytest

from bgplab import Bird, birds_fixture, link_fixture, sh
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, BIRD_AS, BIRD2_AS = 4200000001, 4200000002, 4200000003

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

link = link_fixture("ao", "10.0.31")


birds = birds_fixture()


def statics(prefixes):
    routes = " ".join(f"route {p} blackhole;" for p in prefixes)
    return f"protocol static st {{ ipv4; {routes} }}\n" if prefixes else ""


def start_bird(tmp_path, birds, name, netns, addr, asn, neighbor, prefixes=(),
               export="all", neighbor_as=OUR_AS, channel="", options=""):
    b = Bird(tmp_path, netns, addr, asn, neighbor, neighbor_as, name=name, options=options,
             export=f"{export}; {channel}" if channel else export, extra=statics(prefixes))
    birds.append(b)
    return b.start()


def conf_text(neighbors, networks=(), extra_af=()):
    lines = [f"router bgp {OUR_AS}", " bgp router-id 10.0.31.1",
             " no bgp ebgp-requires-policy"]      # RFC 8212 off: these tests need no policy
    for addr, asn in neighbors:
        lines += [f" neighbor {addr} remote-as {asn}", f" neighbor {addr} timers 1 3",
                  f" neighbor {addr} timers connect 1"]
    lines += [" address-family ipv4 unicast"]
    lines += [f"  network {n}" for n in networks] + [f"  {x}" for x in extra_af]
    lines += [" exit-address-family"]
    return "\n".join(lines) + "\n"


def bird_route(b, pfx):
    """`birdc show route all PFX` as text ('' when BIRD has no such route)."""
    out = b.birdc(f"show route all {pfx}").stdout
    return out if pfx in out else ""


def attr(text, name):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


def reload(d, conf, text):
    mark = d.read_log().count("configuration reloaded")
    conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10), d.read_log()


def test_network_and_passed_on_routes_reach_ebgp_peers(tmp_path, link, birds, daemon_factory):
    ns_c, addr_a2, addr_c = link.add_ns("10.0.32")
    a = start_bird(tmp_path, birds, "ba", link.b, link.addr_b, BIRD_AS, link.addr_a,
                   ["10.20.1.0/24", "10.20.2.0/24"])
    b = start_bird(tmp_path, birds, "bb", ns_c, addr_c, BIRD2_AS, addr_a2)
    conf = tmp_path / "bgpd.conf"
    text = conf_text([(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)], ["10.9.1.0/24"])
    conf.write_text(text)
    d = daemon_factory(config=conf, netns=link.a).start()

    # our network: AS path is just us, next hop is our end of each session
    assert wait_for(lambda: bird_route(a, "10.9.1.0/24"), 20), d.read_log()
    r = bird_route(a, "10.9.1.0/24")
    assert attr(r, "BGP.as_path") == str(OUR_AS), r
    assert attr(r, "BGP.next_hop") == link.addr_a and attr(r, "BGP.origin") == "IGP", r
    assert wait_for(lambda: bird_route(b, "10.9.1.0/24"), 20)
    assert attr(bird_route(b, "10.9.1.0/24"), "BGP.next_hop") == addr_a2

    # learned from A, passed to B with our AS in front; never back to A
    assert wait_for(lambda: bird_route(b, "10.20.1.0/24"), 20), d.read_log()
    r = bird_route(b, "10.20.1.0/24")
    assert attr(r, "BGP.as_path") == f"{OUR_AS} {BIRD_AS}", r
    assert attr(r, "BGP.next_hop") == addr_a2, r
    assert "[ours" in bird_route(a, "10.9.1.0/24")
    adv = vtysh_json(d.sock, f"show bgp neighbors {addr_c} advertised-routes json")
    assert adv["totalPrefixCounter"] == 3, adv
    peers = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
    assert peers[addr_c]["pfxSnt"] == 3 and peers[link.addr_b]["pfxSnt"] == 1, peers
    r = adv["advertisedRoutes"]["10.20.1.0/24"]
    assert r["path"] == f"{OUR_AS} {BIRD_AS}" and r["nextHop"] == addr_a2 and "locPrf" not in r
    adv = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} advertised-routes json")
    assert sorted(adv["advertisedRoutes"]) == ["10.9.1.0/24"], adv   # split horizon
    text = vtysh(d.sock, f"show bgp neighbors {link.addr_b} advertised-routes").stdout
    assert "*> 10.9.1.0/24" in text and "Total number of prefixes 1" in text, text
    assert not any("ours" in l for l in a.birdc("show route all 10.20.1.0/24").stdout.splitlines()
                   if "unicast" in l), a.birdc("show route all 10.20.1.0/24").stdout

    # A withdraws one: B loses it, keeps the other
    a.conf.write_text(a.conf.read_text().replace("route 10.20.2.0/24 blackhole;", ""))
    assert "Reconfigured" in a.birdc("configure").stdout
    assert wait_for(lambda: not bird_route(b, "10.20.2.0/24"), 10), b.birdc("show route").stdout
    assert bird_route(b, "10.20.1.0/24")
    peers = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
    assert peers[addr_c]["pfxSnt"] == 2, peers          # a withdraw counts down

    # the network statement removed by reload: withdrawn from both
    reload(d, conf, conf_text([(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)], ["10.9.2.0/24"]))
    assert wait_for(lambda: not bird_route(b, "10.9.1.0/24") and bird_route(b, "10.9.2.0/24"), 10)
    assert wait_for(lambda: not bird_route(a, "10.9.1.0/24"), 10)
    d.stop()
    d.assert_no_sanitizer_report()


def test_ebgp_path_with_the_peers_as_is_not_sent(tmp_path, link, birds, daemon_factory):
    """AS-path loop avoidance: C's AS is already in the path from A."""
    ns_c, addr_a2, addr_c = link.add_ns("10.0.33")
    start_bird(tmp_path, birds, "ba", link.b, link.addr_b, BIRD_AS, link.addr_a,
               ["10.21.1.0/24", "10.21.2.0/24"],
               export=f"filter {{ if net = 10.21.2.0/24 then bgp_path.prepend({BIRD2_AS}); accept; }}")
    b = start_bird(tmp_path, birds, "bb", ns_c, addr_c, BIRD2_AS, addr_a2)
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: bird_route(b, "10.21.1.0/24"), 20), d.read_log()
    assert len(vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]) == 2
    assert not bird_route(b, "10.21.2.0/24")


class Lan:
    """A bridge in namespace `hub` (address .1) and n spoke namespaces (.2..)."""

    def __init__(self, tag, net, n):
        self.hub, self.net = f"{tag}h", net
        self.spokes = [f"{tag}s{i}" for i in range(n)]
        for ns in [self.hub] + self.spokes:
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", self.hub, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.hub, "addr", "add", f"{net}.1/24", "dev", "br0")
        sh("ip", "-n", self.hub, "link", "set", "br0", "up")
        for i, ns in enumerate(self.spokes):
            sh("ip", "-n", self.hub, "link", "add", f"p{i}", "type", "veth",
               "peer", "name", "e0", "netns", ns)
            sh("ip", "-n", self.hub, "link", "set", f"p{i}", "master", "br0", "up")
            sh("ip", "-n", ns, "addr", "add", f"{self.addr(i)}/24", "dev", "e0")
            sh("ip", "-n", ns, "link", "set", "e0", "up")

    def addr(self, i):
        return f"{self.net}.{i + 2}"

    def close(self):
        for ns in [self.hub] + self.spokes:
            sh("ip", "netns", "del", ns, check=False)


@pytest.fixture
def lan():
    l = Lan(f"ao{os.getpid() % 100000}r", "10.0.34", 3)
    yield l
    l.close()


def test_route_reflector_reflects_to_its_clients(tmp_path, lan, birds, daemon_factory):
    hub = f"{lan.net}.1"
    cl = [start_bird(tmp_path, birds, f"c{i}", ns, lan.addr(i), OUR_AS, hub,
                     [f"10.40.{i}.0/24"], channel="gateway direct", options="direct;")
          for i, ns in enumerate(lan.spokes)]
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(lan.addr(i), OUR_AS) for i in range(3)], ["10.9.4.0/24"],
                              [f"neighbor {lan.addr(i)} route-reflector-client" for i in range(3)]))
    d = daemon_factory(config=conf, netns=lan.hub).start()
    for i in range(3):
        for j in range(3):
            if i != j:
                assert wait_for(lambda: bird_route(cl[j], f"10.40.{i}.0/24"), 20), d.read_log()
                r = bird_route(cl[j], f"10.40.{i}.0/24")
                assert attr(r, "BGP.originator_id") == lan.addr(i), r     # its router id
                assert attr(r, "BGP.cluster_list") == "10.0.31.1", r      # our router id
                assert attr(r, "BGP.next_hop") == lan.addr(i), r          # unchanged
                assert attr(r, "BGP.as_path") in ("", None), r
                assert attr(r, "BGP.local_pref") == "100", r
        r = bird_route(cl[i], "10.9.4.0/24")
        assert r and attr(r, "BGP.next_hop") == hub and attr(r, "BGP.cluster_list") is None, r
    d.stop()
    d.assert_no_sanitizer_report()


def test_two_daemons_exchange_their_networks(tmp_path, link, daemon_factory):
    ca, cb = tmp_path / "a.conf", tmp_path / "b.conf"
    ca.write_text(conf_text([(link.addr_b, BIRD_AS)], ["10.9.1.0/24"]))
    cb.write_text(f"router bgp {BIRD_AS}\n bgp router-id {link.addr_b}\n no bgp ebgp-requires-policy\n"
                  f" neighbor {link.addr_a} remote-as {OUR_AS}\n"
                  f" neighbor {link.addr_a} timers 1 3\n neighbor {link.addr_a} timers connect 1\n"
                  " address-family ipv4 unicast\n  network 10.9.2.0/24\n exit-address-family\n")
    da = daemon_factory(name="da", config=ca, netns=link.a).start()
    db = daemon_factory(name="db", config=cb, netns=link.b).start()

    def route(d, pfx):
        return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"].get(pfx)

    assert wait_for(lambda: route(da, "10.9.2.0/24"), 20), da.read_log() + db.read_log()
    assert wait_for(lambda: route(db, "10.9.1.0/24"), 20), db.read_log()
    assert route(da, "10.9.2.0/24")[0]["path"] == str(BIRD_AS)
    assert route(db, "10.9.1.0/24")[0]["path"] == str(OUR_AS)
    assert route(db, "10.9.1.0/24")[0]["nexthops"][0]["ip"] == link.addr_a

    def kernel(ns):
        out = sh("ip", "-n", ns, "-j", "route", "show", "proto", "44").stdout
        return {r["dst"] for r in json.loads(out or "[]")}
    # Learned: installed (the next hop is on the shared link: direct). Our own
    # network: announced, never installed over the connected route.
    assert wait_for(lambda: "10.9.2.0/24" in kernel(link.a), 10), da.read_log()
    assert wait_for(lambda: "10.9.1.0/24" in kernel(link.b), 10), db.read_log()
    assert "10.9.1.0/24" not in kernel(link.a)
    assert "10.9.2.0/24" not in kernel(link.b)
    for d in (da, db):
        d.stop()
        d.assert_no_sanitizer_report()


def test_a_large_table_is_passed_on_in_few_updates(tmp_path, link, birds, daemon_factory):
    """20000 prefixes with one attribute set: the table dump and the changes
    pack many prefixes per UPDATE (4096 bytes: ~1000 /24s), bounded per turn."""
    n = 20000
    ns_c, addr_a2, addr_c = link.add_ns("10.0.35")
    pfx = [f"10.{100 + i // 256}.{i % 256}.0/24" for i in range(n)]
    start_bird(tmp_path, birds, "ba", link.b, link.addr_b, BIRD_AS, link.addr_a, pfx)
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(link.addr_b, BIRD_AS)]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
                    [link.addr_b]["pfxRcd"] == n, 60), d.read_log()
    # a peer coming up now gets the table as a dump, then End-of-RIB
    b = start_bird(tmp_path, birds, "bb", ns_c, addr_c, BIRD2_AS, addr_a2)
    reload(d, conf, conf_text([(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)]))

    def count():
        out = b.birdc("show route count").stdout
        return next((int(w) for l in out.splitlines() if "routes" in l
                     for w in l.split()[:1] if w.isdigit()), 0)
    assert wait_for(lambda: count() == n, 60), b.birdc("show route count").stdout
    st = vtysh_json(d.sock, f"show bgp neighbors {addr_c} json")[addr_c]["messageStats"]
    assert st["updatesSent"] <= n // 500, st          # ~1000 prefixes per UPDATE
    d.stop()
    d.assert_no_sanitizer_report()


def test_route_refresh_resends_the_table(tmp_path, link, birds, daemon_factory):
    a = start_bird(tmp_path, birds, "ba", link.b, link.addr_b, BIRD_AS, link.addr_a)
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(link.addr_b, BIRD_AS)], ["10.9.1.0/24", "10.9.2.0/24"]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: bird_route(a, "10.9.2.0/24"), 20), d.read_log()

    def stats():
        return vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]["messageStats"]
    before = stats()
    assert "reload" in a.birdc("reload in ours").stdout.lower()
    assert wait_for(lambda: stats()["routeRefreshRecv"] > before["routeRefreshRecv"], 10), stats()
    assert wait_for(lambda: stats()["updatesSent"] > before["updatesSent"], 10), stats()
    assert bird_route(a, "10.9.1.0/24") and bird_route(a, "10.9.2.0/24")


def test_clear_soft_in_and_out_exchange_the_tables_again_without_a_reset(tmp_path, link, birds,
                                                                         daemon_factory):
    """`clear bgp A soft in` sends BIRD a ROUTE-REFRESH (it sends its routes
    again), `soft out` sends ours again; the session never moves."""
    a = start_bird(tmp_path, birds, "ba", link.b, link.addr_b, BIRD_AS, link.addr_a,
                   ["10.20.1.0/24"])
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(link.addr_b, BIRD_AS)], ["10.9.1.0/24"]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: bird_route(a, "10.9.1.0/24"), 20), d.read_log()

    def nbr():
        return vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    before = nbr()
    r = vtysh(d.sock, f"clear bgp {link.addr_b} soft in")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: nbr()["messageStats"]["routeRefreshSent"] >
                    before["messageStats"]["routeRefreshSent"], 10), nbr()["messageStats"]
    assert wait_for(lambda: nbr()["messageStats"]["updatesRecv"] >
                    before["messageStats"]["updatesRecv"], 10), nbr()["messageStats"]
    assert nbr()["messageStats"]["updatesSent"] == before["messageStats"]["updatesSent"]
    r = vtysh(d.sock, "clear bgp * soft out")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: nbr()["messageStats"]["updatesSent"] >
                    before["messageStats"]["updatesSent"], 10), nbr()["messageStats"]
    assert nbr()["connectionsEstablished"] == before["connectionsEstablished"] == 1
    r = vtysh(d.sock, "clear bgp 10.0.31.99 soft")
    assert r.returncode != 0 and "No such neighbor" in r.stderr, r.stderr
    assert bird_route(a, "10.9.1.0/24")
    d.stop()
    d.assert_no_sanitizer_report()
