"""Interoperability with GoBGP (issue 4), checked as an operator would on both
sides: `ipip-vtysh ... json` here, the `gobgp` client there (gobgpd's API on
127.0.0.1 inside its namespace, one port per test). Both sides use 4-byte
ASNs. eBGP with RFC 8212 enforced here (prefix-lists), iBGP with ADD-PATH
both ways, capabilities, routes and their attributes both ways,
withdrawals, route refresh both ways, hard resets from either side, and
GoBGP's shutdown communication (RFC 8203/9003); TCP MD5 (RFC 2385) with
either side connecting, checked on the wire with tcpdump, and a wrong key
that keeps the session down until our reload fixes it."""
import json
import os
import shutil
import signal

import pytest

from bgplab import Gobgp, assert_md5_signed, link_fixture, peers_fixture, tcp_md5_counters
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, GOBGP_AS = 4200000001, 4200000002

pytestmark = pytest.mark.skipif(shutil.which("gobgpd") is None or shutil.which("gobgp") is None,
                                reason="gobgpd not installed")

link = link_fixture("gb", "10.0.63")
peers = peers_fixture()
PORTS = iter(range(50100 + (os.getpid() % 400) * 10, 50110 + (os.getpid() % 400) * 10))


def gobgp_toml(asn, router_id, neighbor, peer_as, addpath=False, password=None, passive=False):
    ap = ("  [neighbors.afi-safis.add-paths.config]\n    receive = true\n    send-max = 8\n"
          if addpath else "")
    auth = f'    auth-password = "{password}"\n' if password else ""
    tr = "  [neighbors.transport.config]\n    passive-mode = true\n" if passive else ""
    return f"""[global.config]
  as = {asn}
  router-id = "{router_id}"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "{neighbor}"
    peer-as = {peer_as}
{auth}{tr}  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 3
    keepalive-interval = 1
    idle-hold-time-after-reset = 1
  [[neighbors.afi-safis]]
  [neighbors.afi-safis.config]
    afi-safi-name = "ipv4-unicast"
{ap}"""


def our_conf(neighbor, asn, networks, af_extra=(), from_peer="10.60.0.0/16 le 24", nbr=()):
    """Ours, RFC 8212 on (the default): prefix-lists in and out toward eBGP;
    nbr: more `neighbor ADDR ...` words."""
    lines = [f"ip prefix-list FROM-PEER seq 5 permit {from_peer}",
             "ip prefix-list TO-PEER seq 5 permit 10.9.0.0/16 le 24",
             f"router bgp {OUR_AS}", " bgp router-id 10.0.63.1",
             f" neighbor {neighbor} remote-as {asn}", f" neighbor {neighbor} timers 1 3",
             f" neighbor {neighbor} timers connect 1"]
    lines += [f" neighbor {neighbor} {x}" for x in nbr] + [" address-family ipv4 unicast"]
    lines += [f"  network {n}" for n in networks]
    if asn != OUR_AS:
        lines += [f"  neighbor {neighbor} prefix-list FROM-PEER in",
                  f"  neighbor {neighbor} prefix-list TO-PEER out"]
    lines += [f"  {x}" for x in af_extra] + [" exit-address-family", ""]
    return "\n".join(lines)


def routes(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def neighbor(d, addr):
    return vtysh_json(d.sock, f"show bgp neighbors {addr} json")[addr]


def up(d, addr):
    return neighbor(d, addr)["bgpState"] == "Established"


def gobgp_rib(g):
    """prefix -> list of paths, each {attr type: attr} (GoBGP's JSON)."""
    out = g.ok("global", "rib", "-a", "ipv4", "-j")
    return {p: [{a["type"]: a for a in path["attrs"]} for path in paths]
            for p, paths in json.loads(out or "{}").items()}


def gobgp_received(g, pfx):
    """Paths for pfx GoBGP learned from a neighbor (not its own)."""
    return [p for p in gobgp_rib(g).get(pfx, []) if p.get(3, {}).get("nexthop") != "0.0.0.0"]


def gobgp_state(g, addr):
    return g.ok("neighbor", addr)


def gobgp_up(g, addr):
    r = g.gobgp("neighbor", addr)
    return r.returncode == 0 and "BGP state = ESTABLISHED" in r.stdout


def reload(d, conf, text):
    mark = d.read_log().count("configuration reloaded")
    conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10), d.read_log()


def ebgp_pair(tmp_path, link, peers, daemon_factory):
    g = Gobgp(tmp_path, link.b, gobgp_toml(GOBGP_AS, link.addr_b, link.addr_a, OUR_AS),
              next(PORTS))
    peers.append(g.start())
    g.ok("global", "rib", "add", "10.60.1.0/24", "origin", "igp", "med", "50",
         "community", "65000:1", "large-community", "65000:2:3")
    g.ok("global", "rib", "add", "10.60.2.0/24")
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24", "10.9.2.0/24"]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: up(d, link.addr_b) and gobgp_up(g, link.addr_a), 30), \
        d.read_log() + g.read_log()
    return g, d, conf


def test_ebgp_4byte_as_capabilities_routes_and_withdrawals(tmp_path, link, peers, daemon_factory):
    g, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)

    n = neighbor(d, link.addr_b)
    assert n["remoteAs"] == GOBGP_AS and n["nbrExternalLink"], n
    caps = n["neighborCapabilities"]
    for c in ("4byteAs", "multiprotocolIpv4Unicast", "routeRefresh"):
        assert caps[c] == "advertisedAndReceived", caps
    assert caps["extendedMessage"] == "advertised", caps      # GoBGP has no RFC 8654
    st = gobgp_state(g, link.addr_a)
    assert f"remote AS {OUR_AS}" in st and "remote router ID 10.0.63.1" in st, st
    for c in ("4-octet-as", "route-refresh"):
        assert f"{c}:\tadvertised and received" in st, st
    assert "ipv4-unicast:\tadvertised and received" in st, st

    # GoBGP's routes here, with what `gobgp global rib add` gave them
    assert wait_for(lambda: {"10.60.1.0/24", "10.60.2.0/24"} <= set(routes(d)), 20), d.read_log()
    r = routes(d)["10.60.1.0/24"][0]
    assert r["bestpath"] and r["pathFrom"] == "external" and r["path"] == str(GOBGP_AS), r
    assert r["nexthops"][0]["ip"] == link.addr_b and r["metric"] == 50 and r["origin"] == "IGP", r
    assert routes(d)["10.60.2.0/24"][0]["origin"] == "incomplete"   # GoBGP's default
    p = vtysh_json(d.sock, "show bgp ipv4 unicast 10.60.1.0/24 json")["paths"][0]
    assert p["community"]["string"] == "65000:1", p
    assert p["largeCommunity"]["string"] == "65000:2:3", p
    # ours there: AS_PATH [our AS], NEXT_HOP our address, origin IGP, no LOCAL_PREF
    assert wait_for(lambda: gobgp_received(g, "10.9.1.0/24") and gobgp_received(g, "10.9.2.0/24"),
                    20), g.read_log()
    a = gobgp_received(g, "10.9.1.0/24")[0]
    assert a[2]["as_paths"][0]["asns"] == [OUR_AS], a
    assert a[3]["nexthop"] == link.addr_a and a[1]["value"] == 0 and 5 not in a, a
    assert neighbor(d, link.addr_b)["addressFamilyInfo"]["ipv4Unicast"]["acceptedPrefixCounter"] == 2

    # withdrawals: GoBGP deletes one, we drop one (reload)
    g.ok("global", "rib", "del", "10.60.2.0/24")
    assert wait_for(lambda: "10.60.2.0/24" not in routes(d), 10), d.read_log()
    assert "10.60.1.0/24" in routes(d)
    reload(d, conf, our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24"]))
    assert wait_for(lambda: not gobgp_received(g, "10.9.2.0/24"), 10), g.read_log()
    assert gobgp_received(g, "10.9.1.0/24")
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_our_route_refresh_on_a_policy_change(tmp_path, link, peers, daemon_factory):
    g, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)
    assert wait_for(lambda: "10.60.2.0/24" in routes(d) and gobgp_received(g, "10.9.2.0/24"), 20)

    def stats():
        return neighbor(d, link.addr_b)["messageStats"]
    before = stats()
    # (`gobgp neighbor X softresetin` re-filters GoBGP's own Adj-RIB-In and
    # sends no ROUTE-REFRESH, as observed with 3.10: only our direction here)
    # our inbound policy changes: we ask GoBGP again and re-filter what it sends
    reload(d, conf, our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24", "10.9.2.0/24"],
                             from_peer="10.60.1.0/24"))
    assert wait_for(lambda: stats()["routeRefreshSent"] > before["routeRefreshSent"], 10), \
        d.read_log()
    assert wait_for(lambda: "10.60.2.0/24" not in routes(d), 10), d.read_log()
    reload(d, conf, our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24", "10.9.2.0/24"]))
    assert wait_for(lambda: "10.60.2.0/24" in routes(d), 10), d.read_log() + g.read_log()
    rr = [l for l in gobgp_state(g, link.addr_a).splitlines() if "Route Refresh:" in l]
    assert rr and int(rr[0].split()[-1]) >= 2, rr     # received by GoBGP: both of ours
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_hard_resets_and_gobgp_shutdown_communication(tmp_path, link, peers, daemon_factory):
    g, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)

    def both_up_again(n):
        return (up(d, link.addr_b) and neighbor(d, link.addr_b)["connectionsEstablished"] == n
                and gobgp_up(g, link.addr_a) and "10.60.1.0/24" in routes(d)
                and gobgp_received(g, "10.9.1.0/24"))
    assert wait_for(lambda: both_up_again(1), 20)
    r = vtysh(d.sock, f"clear bgp {link.addr_b}")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: both_up_again(2), 60), d.read_log() + g.read_log()
    g.ok("neighbor", link.addr_a, "reset")
    assert wait_for(lambda: both_up_again(3), 60), d.read_log() + g.read_log()
    assert "received NOTIFICATION 6/4" in d.read_log(), d.read_log()

    # GoBGP shuts the neighbor down with a reason (RFC 8203/9003): shown here
    # and kept while GoBGP refuses our attempts
    g.ok("neighbor", link.addr_a, "shutdown", "--reason", "maintenance window 42")
    assert wait_for(lambda: not up(d, link.addr_b) and "10.60.1.0/24" not in routes(d), 10)
    want = 'received NOTIFICATION 6/2 (Cease/Administrative Shutdown): "maintenance window 42"'
    assert want in d.read_log(), d.read_log()
    mark = d.read_log().count("neighbor " + link.addr_b)
    wait_for(lambda: d.read_log().count("neighbor " + link.addr_b) > mark + 1, 5)
    n = neighbor(d, link.addr_b)
    assert want in n["lastResetDueTo"] and n["lastErrorCodeSubcode"] == "0602", n
    g.ok("neighbor", link.addr_a, "enable")
    assert wait_for(lambda: both_up_again(4), 60), d.read_log() + g.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_ibgp_with_addpath_both_ways(tmp_path, link, peers, daemon_factory):
    g = Gobgp(tmp_path, link.b, gobgp_toml(OUR_AS, link.addr_b, link.addr_a, OUR_AS, addpath=True),
              next(PORTS))
    peers.append(g.start())
    g.ok("global", "rib", "add", "10.60.1.0/24", "origin", "igp", "local-pref", "200")
    g.ok("global", "rib", "add", "10.60.2.0/24", "origin", "igp")
    conf = tmp_path / "bgpd.conf"
    extra = [f"neighbor {link.addr_b} addpath-rx", f"neighbor {link.addr_b} addpath-tx-all-paths"]
    conf.write_text(our_conf(link.addr_b, OUR_AS, ["10.9.1.0/24", "10.9.2.0/24"], extra))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: up(d, link.addr_b) and gobgp_up(g, link.addr_a), 30), \
        d.read_log() + g.read_log()

    n = neighbor(d, link.addr_b)
    assert n["nbrInternalLink"] and n["remoteAs"] == OUR_AS, n
    caps = n["neighborCapabilities"]
    assert caps["addPathTx"] == "advertisedAndReceived", caps
    assert caps["addPathRx"] == "advertisedAndReceived", caps
    st = gobgp_state(g, link.addr_a)
    assert "add-path:\tadvertised and received" in st, st

    assert wait_for(lambda: {"10.60.1.0/24", "10.60.2.0/24"} <= set(routes(d)), 20), d.read_log()
    r = routes(d)["10.60.1.0/24"][0]
    assert r["pathFrom"] == "internal" and r["path"] == "" and r["locPrf"] == 200, r
    assert r["nexthops"][0]["ip"] == link.addr_b, r
    p = vtysh_json(d.sock, "show bgp ipv4 unicast 10.60.1.0/24 json")["paths"][0]
    assert p["remotePathId"] > 0, p
    assert wait_for(lambda: gobgp_received(g, "10.9.1.0/24"), 20), g.read_log()
    a = gobgp_received(g, "10.9.1.0/24")[0]
    assert a[3]["nexthop"] == link.addr_a and a[5]["value"] == 100, a
    assert a[2]["as_paths"] == [] if 2 in a and "as_paths" in a[2] else True, a

    g.ok("global", "rib", "del", "10.60.2.0/24")
    assert wait_for(lambda: "10.60.2.0/24" not in routes(d), 10), d.read_log()
    reload(d, conf, our_conf(link.addr_b, OUR_AS, ["10.9.1.0/24"], extra))
    assert wait_for(lambda: not gobgp_received(g, "10.9.2.0/24"), 10), g.read_log()
    assert gobgp_received(g, "10.9.1.0/24") and "10.60.1.0/24" in routes(d)
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def our_state(d, addr):
    return vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"][addr]["state"]


def md5_pair(tmp_path, link, peers, daemon_factory, ours, theirs, ours_nbr=(), passive=False):
    """GoBGP (`auth-password`) and us with TCP MD5 keys; nothing waited for."""
    g = Gobgp(tmp_path, link.b, gobgp_toml(GOBGP_AS, link.addr_b, link.addr_a, OUR_AS,
                                           password=theirs, passive=passive), next(PORTS))
    peers.append(g.start())
    g.ok("global", "rib", "add", "10.60.1.0/24")
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24"],
                             nbr=[f"password {ours}", *ours_nbr]))
    return g, daemon_factory(config=conf, netns=link.a).start(), conf


def md5_up(d, g, link):
    return our_state(d, link.addr_b) == "Established" and gobgp_up(g, link.addr_a)


def routes_both_ways(d, g):
    return "10.60.1.0/24" in routes(d) and gobgp_received(g, "10.9.1.0/24")


def test_md5_session_is_signed_when_gobgp_connects_to_us(tmp_path, link, peers, daemon_factory):
    """We are passive: GoBGP's signed SYN must meet the key on our listener."""
    g, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "s3cret-Key", "s3cret-Key",
                          ours_nbr=["passive"])
    assert wait_for(lambda: md5_up(d, g, link), 30), d.read_log() + g.read_log()
    n = neighbor(d, link.addr_b)
    assert n["md5Enabled"] and n["passive"] and n["portLocal"] == 179, n
    assert wait_for(lambda: routes_both_ways(d, g), 20), d.read_log() + g.read_log()
    assert_md5_signed(link, "s3cret-Key", "s3cret-KeY")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_md5_session_is_signed_when_we_connect_to_gobgp(tmp_path, link, peers, daemon_factory):
    """GoBGP is passive (`passive-mode`): our connecting socket signs."""
    g, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "0ther-key", "0ther-key",
                          passive=True)
    assert wait_for(lambda: md5_up(d, g, link), 30), d.read_log() + g.read_log()
    n = neighbor(d, link.addr_b)
    assert n["md5Enabled"] and n["portForeign"] == 179, n
    assert wait_for(lambda: routes_both_ways(d, g), 20), d.read_log() + g.read_log()
    assert_md5_signed(link, "0ther-key", "other-key")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_wrong_md5_key_stays_down_until_our_reload_fixes_it(tmp_path, link, peers,
                                                            daemon_factory):
    g, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "wrong-key", "right-key")
    mark = len(d.read_log())
    # neither side up through many 1 s connect-retry cycles
    assert not wait_for(lambda: our_state(d, link.addr_b) == "Established"
                        or gobgp_up(g, link.addr_a), 8, step=0.2)
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 0
    assert "session established" not in d.read_log()[mark:], d.read_log()
    st = gobgp_state(g, link.addr_a)
    assert "BGP state = ESTABLISHED" not in st and "Peer Up" not in g.read_log(), st
    # the kernel dropped each side's SYNs: signed, but not with the key it holds
    # (GoBGP's own connect can come some 10 s after it starts: its connect loop
    # has a floor above our 1 s and jitter, so the 8 s above may not see one)
    for ns in (link.a, link.b):
        assert wait_for(lambda: tcp_md5_counters(ns)["TCPMD5Failure"] > 0, 20), \
            tcp_md5_counters(ns)
    reload(d, conf, our_conf(link.addr_b, GOBGP_AS, ["10.9.1.0/24"], nbr=["password right-key"]))
    assert wait_for(lambda: md5_up(d, g, link), 30), d.read_log() + g.read_log()
    assert wait_for(lambda: routes_both_ways(d, g), 20), d.read_log() + g.read_log()
    assert_md5_signed(link, "right-key", "wrong-key")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
