"""Interoperability with FRR's bgpd (issue 4), checked as an operator would on
both sides: `ipip-vtysh ... json` here, FRR's `vtysh -c 'show bgp ... json'`
there. FRR runs alone (no zebra, -Z) in its own namespace; both sides use
4-byte ASNs. eBGP with RFC 8212 enforced on both sides (prefix-lists here,
route-maps there), iBGP with ADD-PATH both ways, capabilities, routes and
their attributes both ways, withdrawals, route refresh both ways, hard
resets from either side, FRR's shutdown communication (RFC 8203/9003), and
two FRR neighbors announcing one prefix giving an ECMP route in the kernel;
TCP MD5 (RFC 2385) with either side connecting, checked on the wire with
tcpdump, a wrong key that keeps the session down, and key changes."""
import json
import time
import os
import shutil
import signal

import pytest

from bgplab import (FRR_BGPD, Frr, assert_md5_signed, link_fixture, peers_fixture, sh,
                    tcp_md5_counters, tcp_md5_segments)
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, FRR_AS = 4200000001, 4200000002

pytestmark = pytest.mark.skipif(not os.access(FRR_BGPD, os.X_OK) or shutil.which("vtysh") is None,
                                reason="frr not installed")

link = link_fixture("fr", "10.0.61")
peers = peers_fixture()

# FRR's side of an eBGP session: RFC 8212 needs a policy both ways; what it
# sends carries MED, a community and a large community.
FRR_POLICY = """ip prefix-list ANY seq 5 permit 0.0.0.0/0 le 32
route-map IN permit 10
exit
route-map OUT permit 10
 set metric 50
 set community 65000:1
 set large-community 65000:2:3
exit
"""


def frr_conf(asn, router_id, neighbors, networks, af_extra=(), policy=True, nbr=()):
    """neighbors: [(addr, remote_as)]; nbr: more `neighbor ADDR ...` words for each."""
    lines = [f"router bgp {asn}", f" bgp router-id {router_id}", " no bgp network import-check",
             " bgp log-neighbor-changes"]
    for addr, ras in neighbors:
        lines += [f" neighbor {addr} remote-as {ras}", f" neighbor {addr} timers 1 3",
                  f" neighbor {addr} timers connect 1",
                  f" neighbor {addr} advertisement-interval 0"]
        lines += [f" neighbor {addr} {x}" for x in nbr]
    lines += [" address-family ipv4 unicast"] + [f"  network {n}" for n in networks]
    for addr, _ in neighbors:
        if policy:
            lines += [f"  neighbor {addr} route-map IN in", f"  neighbor {addr} route-map OUT out"]
    lines += [f"  {x}" for x in af_extra] + [" exit-address-family", "exit", ""]
    return (FRR_POLICY if policy else "") + "\n".join(lines)


def our_conf(neighbors, networks, af_extra=(), from_peer="10.50.0.0/16 le 24", policy=True,
             maximum_paths=None, nbr=()):
    """Ours, RFC 8212 on (the default): prefix-lists in and out on eBGP
    neighbors; nbr: more `neighbor ADDR ...` words for each."""
    lines = [f"ip prefix-list FROM-PEER seq 5 permit {from_peer}",
             "ip prefix-list TO-PEER seq 5 permit 10.9.0.0/16 le 24",
             f"router bgp {OUR_AS}", " bgp router-id 10.0.61.1"]
    for addr, asn in neighbors:
        lines += [f" neighbor {addr} remote-as {asn}", f" neighbor {addr} timers 1 3",
                  f" neighbor {addr} timers connect 1"]
        lines += [f" neighbor {addr} {x}" for x in nbr]
    lines += [" address-family ipv4 unicast"] + [f"  network {n}" for n in networks]
    if maximum_paths:
        lines += [f"  maximum-paths {maximum_paths}"]
    for addr, asn in neighbors:
        if policy and asn != OUR_AS:
            lines += [f"  neighbor {addr} prefix-list FROM-PEER in",
                      f"  neighbor {addr} prefix-list TO-PEER out"]
    lines += [f"  {x}" for x in af_extra] + [" exit-address-family", ""]
    return "\n".join(lines)


def routes(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def neighbor(d, addr):
    return vtysh_json(d.sock, f"show bgp neighbors {addr} json")[addr]


def frr_routes(f):
    return f.json("show bgp ipv4 unicast json")["routes"]


def frr_neighbor(f, addr):
    return f.json(f"show bgp neighbors {addr} json")[addr]


def frr_up(f, addr):
    return frr_neighbor(f, addr).get("bgpState") == "Established"


def up(d, addr):
    return neighbor(d, addr)["bgpState"] == "Established"


def reload(d, conf, text):
    mark = d.read_log().count("configuration reloaded")
    conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10), d.read_log()


def ebgp_pair(tmp_path, link, peers, daemon_factory, networks=("10.50.1.0/24", "10.50.2.0/24")):
    f = Frr(tmp_path, link.b, frr_conf(FRR_AS, link.addr_b, [(link.addr_a, OUR_AS)], networks))
    peers.append(f.start())
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24", "10.9.2.0/24"]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: up(d, link.addr_b) and frr_up(f, link.addr_a), 30), \
        d.read_log() + f.read_log()
    return f, d, conf


def test_ebgp_4byte_as_capabilities_routes_and_withdrawals(tmp_path, link, peers, daemon_factory):
    f, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)

    n = neighbor(d, link.addr_b)
    assert n["remoteAs"] == FRR_AS and n["nbrExternalLink"] and n["hostname"] == "frr", n
    caps = n["neighborCapabilities"]
    for c in ("4byteAs", "multiprotocolIpv4Unicast", "routeRefresh", "extendedMessage"):
        assert caps[c] == "advertisedAndReceived", caps
    fn = frr_neighbor(f, link.addr_a)
    assert fn["remoteAs"] == OUR_AS and fn["remoteRouterId"] == "10.0.61.1", fn
    fcaps = fn["neighborCapabilities"]
    assert fcaps["4byteAs"] == "advertisedAndReceived", fcaps
    assert fcaps["routeRefresh"].startswith("advertisedAndReceived"), fcaps
    assert fcaps["multiprotocolExtensions"]["ipv4Unicast"]["advertisedAndReceived"], fcaps
    assert fcaps["extendedMessage"] == "advertisedAndReceived", fcaps

    # FRR's networks here, with the attributes its route-map set
    assert wait_for(lambda: {"10.50.1.0/24", "10.50.2.0/24"} <= set(routes(d)), 20), d.read_log()
    r = routes(d)["10.50.1.0/24"][0]
    assert r["bestpath"] and r["pathFrom"] == "external" and r["path"] == str(FRR_AS), r
    assert r["nexthops"][0]["ip"] == link.addr_b and r["metric"] == 50 and r["origin"] == "IGP", r
    p = vtysh_json(d.sock, "show bgp ipv4 unicast 10.50.1.0/24 json")["paths"][0]
    assert p["community"]["string"] == "65000:1", p
    assert p["largeCommunity"]["string"] == "65000:2:3", p
    # ... and our networks there: our AS, our address, no MED/LOCAL_PREF surprises
    assert wait_for(lambda: {"10.9.1.0/24", "10.9.2.0/24"} <= set(frr_routes(f)), 20), f.read_log()
    r = frr_routes(f)["10.9.1.0/24"][0]
    assert r["valid"] and r["bestpath"] and r["pathFrom"] == "external", r
    assert r["path"] == str(OUR_AS) and r["origin"] == "IGP", r
    assert r["nexthops"][0]["ip"] == link.addr_a and "locPrf" not in r, r
    assert frr_neighbor(f, link.addr_a)["addressFamilyInfo"]["ipv4Unicast"][
        "acceptedPrefixCounter"] == 2
    # our own networks print as FRR prints its own (`network`): same status row keys
    mine, theirs = routes(d)["10.9.1.0/24"][0], frr_routes(f)["10.50.1.0/24"][0]
    for k in ("pathFrom", "weight", "peerId"):
        assert mine[k] == theirs[k], (k, mine, theirs)
    assert ("locPrf" in mine) == ("locPrf" in theirs), (mine, theirs)
    # RFC 8212 here: FRR also sends our own networks back (AS loop), refused
    assert sorted(routes(d)) == ["10.50.1.0/24", "10.50.2.0/24", "10.9.1.0/24", "10.9.2.0/24"]
    assert neighbor(d, link.addr_b)["addressFamilyInfo"]["ipv4Unicast"]["acceptedPrefixCounter"] == 2

    # withdrawals: FRR drops a network, we drop one (reload)
    f.configure(f"router bgp {FRR_AS}", "address-family ipv4 unicast", "no network 10.50.2.0/24")
    assert wait_for(lambda: "10.50.2.0/24" not in routes(d), 10), d.read_log()
    assert "10.50.1.0/24" in routes(d)
    reload(d, conf, our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24"]))
    assert wait_for(lambda: "10.9.2.0/24" not in frr_routes(f), 10), f.read_log()
    assert "10.9.1.0/24" in frr_routes(f)
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_route_refresh_both_ways(tmp_path, link, peers, daemon_factory):
    f, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)
    assert wait_for(lambda: "10.50.2.0/24" in routes(d) and "10.9.2.0/24" in frr_routes(f), 20)

    # FRR asks us (ROUTE-REFRESH): we send the table again, no reset
    def stats():
        return neighbor(d, link.addr_b)["messageStats"]
    before = stats()
    r = f.vtysh(f"clear bgp ipv4 unicast {link.addr_a} soft in")
    assert r.returncode == 0, r.stdout + r.stderr
    assert wait_for(lambda: stats()["routeRefreshRecv"] > before["routeRefreshRecv"], 10), stats()
    assert wait_for(lambda: stats()["updatesSent"] > before["updatesSent"], 10), stats()
    # both ends have enhanced route refresh (RFC 7313): our answer is framed by
    # BoRR/EoRR, and FRR, which drops at EoRR what it did not hear again, keeps both
    assert neighbor(d, link.addr_b)["neighborCapabilities"]["enhancedRouteRefresh"] == \
        "advertisedAndReceived"
    assert frr_neighbor(f, link.addr_a)["neighborCapabilities"]["enhancedRouteRefresh"] == \
        "advertisedAndReceived"
    time.sleep(1)
    assert {"10.9.1.0/24", "10.9.2.0/24"} <= set(frr_routes(f))

    # our inbound policy changes: we ask FRR (ROUTE-REFRESH) and re-filter what it sends
    frr_rr = frr_neighbor(f, link.addr_a)["messageStats"]["routeRefreshRecv"]
    reload(d, conf, our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24", "10.9.2.0/24"],
                             from_peer="10.50.1.0/24"))
    assert wait_for(lambda: frr_neighbor(f, link.addr_a)["messageStats"]["routeRefreshRecv"]
                    > frr_rr, 10), f.read_log()
    assert wait_for(lambda: "10.50.2.0/24" not in routes(d), 10), d.read_log()
    # FRR answered with BoRR ... EoRR: nothing it sent again was swept
    assert wait_for(lambda: "enhanced route refresh: 0 stale paths withdrawn" in d.read_log(), 10), \
        d.read_log()[-3000:]
    assert "10.50.1.0/24" in routes(d)
    reload(d, conf, our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24", "10.9.2.0/24"]))
    assert wait_for(lambda: "10.50.2.0/24" in routes(d), 10), d.read_log()
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 1
    assert frr_neighbor(f, link.addr_a)["connectionsEstablished"] == 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_hard_resets_and_frr_shutdown_communication(tmp_path, link, peers, daemon_factory):
    f, d, conf = ebgp_pair(tmp_path, link, peers, daemon_factory)

    def both_up_again(n):
        return (up(d, link.addr_b) and neighbor(d, link.addr_b)["connectionsEstablished"] == n
                and frr_up(f, link.addr_a) and "10.50.1.0/24" in routes(d)
                and "10.9.1.0/24" in frr_routes(f))
    # ours: `clear bgp A.B.C.D` (Cease 6/4), FRR sees it and comes back
    assert wait_for(lambda: both_up_again(1), 20)
    r = vtysh(d.sock, f"clear bgp {link.addr_b}")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: both_up_again(2), 30), d.read_log() + f.read_log()
    fn = frr_neighbor(f, link.addr_a)
    assert fn["connectionsEstablished"] == 2, fn
    assert "received from neighbor 10.0.61.1 6/4 (Cease/Administrative Reset)" in f.read_log(), \
        f.read_log()
    # FRR's `clear bgp A.B.C.D`
    r = f.vtysh(f"clear bgp {link.addr_a}")
    assert r.returncode == 0, r.stdout
    assert wait_for(lambda: both_up_again(3), 30), d.read_log() + f.read_log()
    assert "received NOTIFICATION 6/4" in d.read_log(), d.read_log()

    # FRR shuts the neighbor down with a message (RFC 8203/9003): we show it,
    # and keep showing it while FRR refuses our connection attempts
    f.configure(f"router bgp {FRR_AS}", f"neighbor {link.addr_a} shutdown message maintenance window 42")
    assert wait_for(lambda: not up(d, link.addr_b), 10)
    assert wait_for(lambda: "10.50.1.0/24" not in routes(d), 10)
    want = 'received NOTIFICATION 6/2 (Cease/Administrative Shutdown): "maintenance window 42"'
    assert want in d.read_log(), d.read_log()
    assert want in neighbor(d, link.addr_b)["lastResetDueTo"]
    est = neighbor(d, link.addr_b)["connectionsEstablished"]
    mark = d.read_log().count("neighbor " + link.addr_b)
    assert wait_for(lambda: d.read_log().count("neighbor " + link.addr_b) > mark + 1, 10)  # retries
    n = neighbor(d, link.addr_b)
    assert want in n["lastResetDueTo"], n
    assert n["lastErrorCodeSubcode"] == "0602" and not n["lastNotificationSent"], n
    text = vtysh(d.sock, f"show bgp neighbors {link.addr_b}").stdout
    assert "maintenance window 42" in text, text
    f.configure(f"router bgp {FRR_AS}", f"no neighbor {link.addr_a} shutdown")
    assert wait_for(lambda: up(d, link.addr_b) and "10.50.1.0/24" in routes(d), 30), d.read_log()
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == est + 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_ibgp_with_addpath_both_ways(tmp_path, link, peers, daemon_factory):
    """iBGP needs no policy (RFC 8212 is eBGP only). ADD-PATH: FRR sends with
    path ids (addpath-tx-all-paths), we receive (addpath-rx) and send
    (addpath-tx-all-paths); FRR always announces receive."""
    f = Frr(tmp_path, link.b, "route-map LP permit 10\n set local-preference 200\nexit\n" +
            frr_conf(OUR_AS, link.addr_b, [(link.addr_a, OUR_AS)], ["10.50.1.0/24", "10.50.2.0/24"],
                     [f"neighbor {link.addr_a} addpath-tx-all-paths",
                      f"neighbor {link.addr_a} route-map LP out"], policy=False))
    peers.append(f.start())
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf([(link.addr_b, OUR_AS)], ["10.9.1.0/24", "10.9.2.0/24"],
                             [f"neighbor {link.addr_b} addpath-rx",
                              f"neighbor {link.addr_b} addpath-tx-all-paths"]))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: up(d, link.addr_b) and frr_up(f, link.addr_a), 30), \
        d.read_log() + f.read_log()

    n = neighbor(d, link.addr_b)
    assert n["nbrInternalLink"] and n["remoteAs"] == OUR_AS
    caps = n["neighborCapabilities"]
    assert caps["addPathTx"] == "advertisedAndReceived", caps
    assert caps["addPathRx"] == "advertisedAndReceived", caps
    assert caps["4byteAs"] == "advertisedAndReceived", caps
    ap = frr_neighbor(f, link.addr_a)["neighborCapabilities"]["addPath"]["ipv4Unicast"]
    assert ap.get("txAdvertisedAndReceived") and ap.get("rxAdvertisedAndReceived"), ap

    assert wait_for(lambda: {"10.50.1.0/24", "10.50.2.0/24"} <= set(routes(d)), 20), d.read_log()
    r = routes(d)["10.50.1.0/24"][0]
    assert r["pathFrom"] == "internal" and r["path"] == "" and r["locPrf"] == 200, r
    assert r["nexthops"][0]["ip"] == link.addr_b, r
    p = vtysh_json(d.sock, "show bgp ipv4 unicast 10.50.1.0/24 json")["paths"][0]
    assert p["remotePathId"] > 0, p            # came with FRR's path id
    assert wait_for(lambda: {"10.9.1.0/24", "10.9.2.0/24"} <= set(frr_routes(f)), 20), f.read_log()
    r = frr_routes(f)["10.9.1.0/24"][0]
    assert r["valid"] and r["pathFrom"] == "internal" and r["path"] == "" and r["locPrf"] == 100, r
    assert r["nexthops"][0]["ip"] == link.addr_a, r
    adv = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} advertised-routes json")
    assert all(p["addpathTxId"] > 0 for p in adv["advertisedRoutes"]["10.9.1.0/24"]), adv

    # withdrawals by path id, both ways
    f.configure(f"router bgp {OUR_AS}", "address-family ipv4 unicast", "no network 10.50.2.0/24")
    assert wait_for(lambda: "10.50.2.0/24" not in routes(d), 10), d.read_log()
    reload(d, conf, our_conf([(link.addr_b, OUR_AS)], ["10.9.1.0/24"],
                             [f"neighbor {link.addr_b} addpath-rx",
                              f"neighbor {link.addr_b} addpath-tx-all-paths"]))
    assert wait_for(lambda: "10.9.2.0/24" not in frr_routes(f), 10), f.read_log()
    assert "10.9.1.0/24" in frr_routes(f) and "10.50.1.0/24" in routes(d)
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def kernel_hops(ns, pfx):
    """The gateways of our (proto 44) kernel route to pfx, sorted."""
    def j(*args):
        return json.loads(sh("ip", "-n", ns, "-j", *args, check=False).stdout or "[]")
    nhs = {n["id"]: n for n in j("nexthop", "show")}
    for r in j("route", "show", "proto", "44"):
        if r["dst"] != pfx:
            continue
        if "nhid" in r:
            n = nhs.get(r["nhid"], {})
            return sorted(nhs.get(g["id"], {}).get("gateway") for g in n.get("group", [])) \
                or [n.get("gateway")]
        return sorted(h["gateway"] for h in r.get("nexthops", [])) or [r.get("gateway")]
    return []


def test_two_frr_neighbors_give_ecmp_in_the_kernel(tmp_path, link, peers, daemon_factory):
    """Two FRRs in one AS (two sites' routers, or one site's two uplinks)
    announce one prefix; `maximum-paths 2`: both paths are multipath and the
    kernel route goes via both (each next hop on its own connected subnet:
    direct, overlay mode cross-subnet)."""
    ns_c, addr_a2, addr_c = link.add_ns("10.0.62")
    pfx = "10.70.0.0/24"
    f1 = Frr(tmp_path, link.b, frr_conf(FRR_AS, link.addr_b, [(link.addr_a, OUR_AS)], [pfx]),
             name="frr1")
    f2 = Frr(tmp_path, ns_c, frr_conf(FRR_AS, addr_c, [(addr_a2, OUR_AS)], [pfx]), name="frr2")
    peers.extend([f1.start(), f2.start()])
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf([(link.addr_b, FRR_AS), (addr_c, FRR_AS)], [],
                             from_peer="10.70.0.0/16 le 24", maximum_paths=2))
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: len(routes(d).get(pfx, [])) == 2, 30), d.read_log()
    rows = routes(d)[pfx]
    assert all(r.get("multipath") for r in rows), rows
    assert sorted(r["nexthops"][0]["ip"] for r in rows) == sorted([link.addr_b, addr_c])
    assert wait_for(lambda: kernel_hops(link.a, pfx) == sorted([link.addr_b, addr_c]), 10), \
        sh("ip", "-n", link.a, "route").stdout + d.read_log()
    out = sh("ip", "-n", link.a, "route", "show", pfx).stdout
    assert "proto 44" in out, out

    # one FRR goes: the route stays, via the other only
    f2.stop()
    assert wait_for(lambda: kernel_hops(link.a, pfx) == [link.addr_b], 15), \
        sh("ip", "-n", link.a, "route").stdout + d.read_log()
    assert len(routes(d)[pfx]) == 1
    f1.configure(f"router bgp {FRR_AS}", "address-family ipv4 unicast", f"no network {pfx}")
    assert wait_for(lambda: kernel_hops(link.a, pfx) == [], 10), d.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def frr_state(f, addr):
    """FRR's own summary: `show bgp summary json` there."""
    return f.json("show bgp summary json")["ipv4Unicast"]["peers"][addr]["state"]


def our_state(d, addr):
    return vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"][addr]["state"]


def md5_pair(tmp_path, link, peers, daemon_factory, ours, theirs, ours_nbr=(), frr_nbr=()):
    """FRR and us with TCP MD5 keys `theirs` and `ours`; nothing waited for."""
    f = Frr(tmp_path, link.b, frr_conf(FRR_AS, link.addr_b, [(link.addr_a, OUR_AS)],
                                       ["10.50.1.0/24"], nbr=[f"password {theirs}", *frr_nbr]))
    peers.append(f.start())
    conf = tmp_path / "bgpd.conf"
    conf.write_text(our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24"],
                             nbr=[f"password {ours}", *ours_nbr]))
    return f, daemon_factory(config=conf, netns=link.a).start(), conf


def md5_up(d, f, link):
    return our_state(d, link.addr_b) == "Established" and frr_state(f, link.addr_a) == "Established"


def routes_both_ways(d, f):
    return "10.50.1.0/24" in routes(d) and "10.9.1.0/24" in frr_routes(f)


def assert_stays_down(d, f, link, secs):
    """Neither side reaches Established for `secs` (many 1 s connect-retry
    cycles), and our log says none was."""
    mark, fmark = len(d.read_log()), len(f.read_log())
    assert not wait_for(lambda: our_state(d, link.addr_b) == "Established"
                        or frr_state(f, link.addr_a) == "Established", secs, step=0.2)
    assert "session established" not in d.read_log()[mark:], d.read_log()[mark:]
    assert "in vrf default Up" not in f.read_log()[fmark:], f.read_log()[fmark:]   # %ADJCHANGE


def test_md5_session_is_signed_when_frr_connects_to_us(tmp_path, link, peers, daemon_factory):
    """We are passive: FRR's signed SYN must meet the key on our listener."""
    f, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "s3cret-Key", "s3cret-Key",
                          ours_nbr=["passive"])
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    n = neighbor(d, link.addr_b)
    assert n["md5Enabled"] and n["passive"] and n["portLocal"] == 179, n
    fn = frr_neighbor(f, link.addr_a)
    assert fn["portForeign"] == 179 and fn["connectionsEstablished"] == 1, fn
    assert wait_for(lambda: routes_both_ways(d, f), 20), d.read_log() + f.read_log()
    assert_md5_signed(link, "s3cret-Key", "s3cret-KeY")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_md5_session_is_signed_when_we_connect_to_frr(tmp_path, link, peers, daemon_factory):
    """FRR is passive: our connecting socket signs with the key."""
    f, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "0ther-key", "0ther-key",
                          frr_nbr=["passive"])
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    n = neighbor(d, link.addr_b)
    assert n["md5Enabled"] and n["portForeign"] == 179, n
    assert frr_neighbor(f, link.addr_a)["portLocal"] == 179
    assert wait_for(lambda: routes_both_ways(d, f), 20), d.read_log() + f.read_log()
    assert_md5_signed(link, "0ther-key", "other-key")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_wrong_md5_key_stays_down_until_frr_fixes_its_key(tmp_path, link, peers, daemon_factory):
    f, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "right-key", "wrong-key")
    assert_stays_down(d, f, link, 8)
    assert neighbor(d, link.addr_b)["connectionsEstablished"] == 0
    assert frr_neighbor(f, link.addr_a)["connectionsEstablished"] == 0
    # the kernel dropped each side's SYNs: signed, but not with the key it holds
    assert tcp_md5_counters(link.a)["TCPMD5Failure"] > 0, tcp_md5_counters(link.a)
    assert tcp_md5_counters(link.b)["TCPMD5Failure"] > 0, tcp_md5_counters(link.b)
    assert "session established" not in d.read_log()
    f.configure(f"router bgp {FRR_AS}", f"neighbor {link.addr_a} password right-key")
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    assert wait_for(lambda: routes_both_ways(d, f), 20), d.read_log() + f.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_md5_key_change_reaches_our_listener_on_reload(tmp_path, link, peers, daemon_factory):
    """FRR changes its key: the session goes and stays down; our reload to
    the new key moves it onto our listener (we are passive) and FRR is back."""
    f, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "key-one", "key-one",
                          ours_nbr=["passive"])
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    f.configure(f"router bgp {FRR_AS}", f"neighbor {link.addr_a} password key-two")
    assert wait_for(lambda: our_state(d, link.addr_b) != "Established", 15), d.read_log()
    fails = tcp_md5_counters(link.a)["TCPMD5Failure"]
    assert_stays_down(d, f, link, 6)
    assert tcp_md5_counters(link.a)["TCPMD5Failure"] > fails    # FRR's SYNs, new key
    reload(d, conf, our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24"],
                             nbr=["password key-two", "passive"]))
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    n = neighbor(d, link.addr_b)
    assert n["connectionsEstablished"] == 2 and n["portLocal"] == 179, n
    assert wait_for(lambda: routes_both_ways(d, f), 20), d.read_log() + f.read_log()
    assert_md5_signed(link, "key-two", "key-one")
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_md5_removed_on_both_sides_comes_back_unsigned(tmp_path, link, peers, daemon_factory):
    """Both drop the key (FRR's CLI, our reload; we are passive): our
    listener must forget it, or FRR's unsigned SYNs are dropped there."""
    f, d, conf = md5_pair(tmp_path, link, peers, daemon_factory, "key-one", "key-one",
                          ours_nbr=["passive"])
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    f.configure(f"router bgp {FRR_AS}", f"no neighbor {link.addr_a} password")
    reload(d, conf, our_conf([(link.addr_b, FRR_AS)], ["10.9.1.0/24"], nbr=["passive"]))
    assert wait_for(lambda: md5_up(d, f, link), 30), d.read_log() + f.read_log()
    n = neighbor(d, link.addr_b)
    assert not n["md5Enabled"] and n["connectionsEstablished"] == 2 and n["portLocal"] == 179, n
    assert wait_for(lambda: routes_both_ways(d, f), 20), d.read_log() + f.read_log()
    segs = tcp_md5_segments(link.b, link.vb, "key-one", count=4)
    assert len(segs) == 4 and not any("md5" in s for s in segs), segs
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
