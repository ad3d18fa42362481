"""Routes from BIRD 2 into our RIB, read as an operator does with `show bgp
ipv4 unicast [PREFIX] json`: attributes as BIRD sent them, the best path,
withdrawals, everything gone when BIRD stops, the reason a path lost, and
multipath with two equal paths."""
import shutil
import signal
import socket
import struct

import pytest

from bgplab import Bird, birds_fixture, link_fixture
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, BIRD_AS, BIRD2_AS = 4200000001, 4200000002, 4200000003

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

STATIC = """
protocol static st {{ ipv4; {routes} }}
"""
EXPORT = """filter {
    if net = 10.10.1.0/24 then { bgp_med = 50; bgp_community.add((65000, 1)); bgp_large_community.add((65000, 2, 3)); }
    if net = 10.10.2.0/24 then { bgp_path.prepend(65100); bgp_origin = ORIGIN_INCOMPLETE; }
    accept;
  }"""


def routes_cfg(prefixes):
    return STATIC.format(routes=" ".join(f"route {p} blackhole;" for p in prefixes))


link = link_fixture("rd", "10.0.9")


birds = birds_fixture()


def start_bird(tmp_path, birds, name, netns, addr, asn, neighbor, prefixes, export=EXPORT,
               channel_opts=""):
    b = Bird(tmp_path, netns, addr, asn, neighbor, OUR_AS, name=name,
             export=export if not channel_opts else f"{export}; {channel_opts}",
             extra=routes_cfg(prefixes))
    birds.append(b)
    return b.start()


def write_conf(tmp_path, neighbors, maximum_paths=None):
    lines = [f"router bgp {OUR_AS}", " bgp router-id 10.0.9.1",
             " no bgp ebgp-requires-policy"]      # RFC 8212 off: these tests need no policy
    for addr, asn in neighbors:
        lines += [f" neighbor {addr} remote-as {asn}", f" neighbor {addr} timers 1 3",
                  f" neighbor {addr} timers connect 1"]
    if maximum_paths is not None:
        lines += [" address-family ipv4 unicast", f"  maximum-paths {maximum_paths}",
                  " exit-address-family"]
    conf = tmp_path / "bgpd.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


def table(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def detail(d, pfx):
    return vtysh_json(d.sock, f"show bgp ipv4 unicast {pfx} json")


def pfx_rcvd(d, addr):
    return vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"][addr]["pfxRcd"]


PREFIXES = ["10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24"]


def test_bird_routes_show_with_their_attributes(tmp_path, link, birds, daemon_factory):
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a, PREFIXES)
    d = daemon_factory(config=write_conf(tmp_path, [(link.addr_b, BIRD_AS)]), netns=link.a).start()
    assert wait_for(lambda: len(table(d)) == 3, 20), d.read_log()
    t = table(d)
    r1 = t["10.10.1.0/24"][0]
    assert r1["bestpath"] and r1["valid"] and r1["pathFrom"] == "external"
    assert "multipath" not in r1            # a lone best path is not multipath (FRR)
    assert r1["metric"] == 50 and r1["path"] == str(BIRD_AS) and r1["origin"] == "IGP"
    assert r1["nexthops"][0]["ip"] == link.addr_b and r1["peerId"] == link.addr_b
    assert r1["prefix"] == "10.10.1.0" and r1["prefixLen"] == 24
    r2 = t["10.10.2.0/24"][0]
    assert r2["path"] == f"{BIRD_AS} 65100" and r2["origin"] == "incomplete" and "metric" not in r2
    p = detail(d, "10.10.1.0/24")["paths"][0]
    assert p["community"]["string"] == "65000:1"
    assert p["largeCommunity"]["string"] == "65000:2:3"
    assert p["bestpath"]["overall"] is True
    assert pfx_rcvd(d, link.addr_b) == 3
    text = vtysh(d.sock, "show bgp ipv4 unicast").stdout
    assert f"*> 10.10.2.0/24" in text and f"{BIRD_AS} 65100 ?" in text, text
    assert "Displayed  3 routes and 3 total paths" in text


def test_bird_withdraw_and_stop_empty_the_table(tmp_path, link, birds, daemon_factory):
    b = start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a, PREFIXES)
    d = daemon_factory(config=write_conf(tmp_path, [(link.addr_b, BIRD_AS)]), netns=link.a).start()
    assert wait_for(lambda: len(table(d)) == 3, 20), d.read_log()
    b.conf.write_text(b.conf.read_text().replace("route 10.10.3.0/24 blackhole;", ""))
    assert "Reconfigured" in b.birdc("configure").stdout
    assert wait_for(lambda: sorted(table(d)) == ["10.10.1.0/24", "10.10.2.0/24"], 10)
    assert pfx_rcvd(d, link.addr_b) == 2
    r = vtysh(d.sock, "show bgp ipv4 unicast 10.10.3.0/24 json")
    assert r.returncode != 0 and "Network not in table" in r.stderr
    b.stop()
    assert wait_for(lambda: table(d) == {}, 10), d.read_log()
    assert pfx_rcvd(d, link.addr_b) == 0
    d.stop()
    d.assert_no_sanitizer_report()


def two_birds(tmp_path, link, birds, daemon_factory, export1, export2, as2=BIRD2_AS,
              maximum_paths=None):
    ns_c, addr_a2, addr_c = link.add_ns("10.0.10")
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a,
               ["10.20.0.0/24"], export=export1)
    start_bird(tmp_path, birds, "b2", ns_c, addr_c, as2, addr_a2, ["10.20.0.0/24"],
               export=export2)
    conf = write_conf(tmp_path, [(link.addr_b, BIRD_AS), (addr_c, as2)], maximum_paths)
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: len(table(d).get("10.20.0.0/24", [])) == 2, 20), d.read_log()
    return d, addr_c


def test_shorter_as_path_wins_and_the_loser_says_why(tmp_path, link, birds, daemon_factory):
    d, addr_c = two_birds(tmp_path, link, birds, daemon_factory, "all",
                          "filter { bgp_path.prepend(65200); accept; }")
    paths = {p["peer"]["peerId"]: p for p in detail(d, "10.20.0.0/24")["paths"]}
    assert paths[link.addr_b]["bestpath"]["overall"] is True
    lost = paths[addr_c]
    assert lost["bestpath"]["overall"] is False
    assert lost["lost"]["to"] == link.addr_b and lost["lost"]["reason"] == "shorter AS-path"
    assert lost["lost"]["text"] == f"not best: lost to {link.addr_b} on shorter AS-path"
    text = vtysh(d.sock, "show bgp ipv4 unicast 10.20.0.0/24").stdout
    assert f"Not best: lost to {link.addr_b} on shorter AS-path" in text, text


def test_higher_local_pref_wins_between_ibgp_peers(tmp_path, link, birds, daemon_factory):
    d, addr_c = two_birds(tmp_path, link, birds, daemon_factory,
                          "filter { bgp_local_pref = 100; accept; }",
                          "filter { bgp_local_pref = 200; accept; }", as2=OUR_AS)
    paths = {p["peer"]["peerId"]: p for p in detail(d, "10.20.0.0/24")["paths"]}
    assert paths[addr_c]["bestpath"]["overall"] is True and paths[addr_c]["locPrf"] == 200
    assert paths[link.addr_b]["lost"]["reason"] == "higher local-pref"
    assert paths[link.addr_b]["lost"]["to"] == addr_c


def test_two_equal_paths_are_both_multipath(tmp_path, link, birds, daemon_factory):
    # `maximum-paths 2` in the config file. Same neighbor AS on both: multipath
    # without multipath-relax (RFC 4271 9.1.2.2 c).
    d, addr_c = two_birds(tmp_path, link, birds, daemon_factory, "all", "all", as2=BIRD_AS,
                          maximum_paths=2)
    rows = table(d)["10.20.0.0/24"]
    assert len(rows) == 2 and all(r.get("multipath") for r in rows), rows
    assert sum(1 for r in rows if r.get("bestpath")) == 1
    text = vtysh(d.sock, "show bgp ipv4 unicast").stdout
    # which path is listed first depends on which BIRD's UPDATE came first
    marks = sorted(l[:2] for l in text.splitlines() if l.startswith("*"))
    assert marks == ["*=", "*>"] and "10.20.0.0/24" in text, text


def kernel_route(ns, pfx):
    """(nhid, set of member gateways) of our route to pfx, as `ip` shows it."""
    import json
    import subprocess

    def ip(*args):
        r = subprocess.run(["ip", "-n", ns, "-j", *args], capture_output=True, text=True)
        return json.loads(r.stdout or "[]")
    r = next((r for r in ip("route", "show", "proto", "44") if r["dst"] == pfx), None)
    if r is None or "nhid" not in r:
        return None, set()
    nhs = {n["id"]: n for n in ip("nexthop", "show")}
    grp = nhs.get(r["nhid"], {})
    members = [nhs.get(g["id"], {}) for g in grp.get("group", [])] or [grp]
    return r["nhid"], {m.get("gateway") for m in members}


def test_session_down_drops_its_next_hop_from_the_shared_group_in_place(tmp_path, link, birds,
                                                                      daemon_factory):
    # BGP PIC: the ECMP group loses the dead next hop by one group replace; the
    # route keeps its nexthop id (no per-prefix rewrite) and stays installed.
    d, addr_c = two_birds(tmp_path, link, birds, daemon_factory, "all", "all", as2=BIRD_AS,
                          maximum_paths=2)
    assert wait_for(lambda: kernel_route(link.a, "10.20.0.0/24")[1] == {link.addr_b, addr_c},
                    10), kernel_route(link.a, "10.20.0.0/24")
    nhid, _ = kernel_route(link.a, "10.20.0.0/24")
    birds[1].stop()
    assert wait_for(lambda: kernel_route(link.a, "10.20.0.0/24")[1] == {link.addr_b}, 10), \
        kernel_route(link.a, "10.20.0.0/24")
    assert kernel_route(link.a, "10.20.0.0/24")[0] == nhid
    assert wait_for(lambda: len(table(d).get("10.20.0.0/24", [])) == 1, 10)
    d.stop()
    d.assert_no_sanitizer_report()


def ip_json(ns, *args):
    import json
    import subprocess
    r = subprocess.run(["ip", "-n", ns, "-j", *args], capture_output=True, text=True)
    return json.loads(r.stdout or "[]")


ECMP_PREFIXES = ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]


def two_birds_ecmp(tmp_path, link, birds):
    """BIRD b1 (on link) and b2 (in a new namespace C) both export
    ECMP_PREFIXES; our config with both and maximum-paths 2. Returns C's
    address and the config file."""
    ns_c, addr_a2, addr_c = link.add_ns("10.0.10")
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a, ECMP_PREFIXES,
               export="all")
    start_bird(tmp_path, birds, "b2", ns_c, addr_c, BIRD_AS, addr_a2, ECMP_PREFIXES,
               export="all")
    return addr_c, write_conf(tmp_path, [(link.addr_b, BIRD_AS), (addr_c, BIRD_AS)], 2)


def test_show_ip_nexthop_group_lists_the_shared_ecmp_group_as_the_kernel_has_it(
        tmp_path, link, birds, daemon_factory):
    # Two BIRDs, three prefixes each, maximum-paths 2: every prefix uses one
    # 2-member group; the shell shows it with the kernel's ids and refCount 3.
    addr_c, conf = two_birds_ecmp(tmp_path, link, birds)
    d = daemon_factory(config=conf, netns=link.a).start()
    both = {link.addr_b, addr_c}
    assert wait_for(lambda: all(kernel_route(link.a, p)[1] == both for p in ECMP_PREFIXES),
                    20), (d.read_log(), [kernel_route(link.a, p) for p in ECMP_PREFIXES])
    nhid = kernel_route(link.a, ECMP_PREFIXES[0])[0]

    def groups():
        return vtysh_json(d.sock, "show ip nexthop-group json")

    # the single-next-hop groups of the first moments are gone once the kernel agrees
    assert wait_for(lambda: len(groups()["nexthopGroups"]) == 1, 10), groups()
    j = groups()
    assert j["running"] and j["nexthopObjects"] and j["total"] == 1, j
    assert j["nexthopCount"] == 2, j
    g = j["nexthopGroups"][0]
    assert (g["id"], g["type"], g["state"], g["refCount"]) == \
        (nhid, "mpath", "installed", len(ECMP_PREFIXES)), g
    kernel = {n["id"]: n for n in ip_json(link.a, "nexthop", "show")}
    assert sorted(m["id"] for m in kernel[nhid]["group"]) == sorted(m["id"] for m in g["nexthops"])
    for m in g["nexthops"]:
        k = kernel[m["id"]]
        assert (m["gateway"], m["interface"], m["weight"], m["installed"], m["onlink"]) == \
            (k["gateway"], k["dev"], 1, True, False), (m, k)
    assert {m["gateway"] for m in g["nexthops"]} == both
    text = vtysh(d.sock, "show ip nexthop-group").stdout
    assert "Nexthop groups installed by ipip-bgpd (1 groups, 2 nexthop objects)" in text, text
    assert f"{nhid} mpath     installed" in text, text
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def multipath_rows(d):
    return sum(1 for r in table(d).get("10.20.0.0/24", []) if r.get("multipath"))


def established_counts(d):
    peers = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
    return {a: (p["state"], p["connectionsEstablished"]) for a, p in peers.items()}


def test_maximum_paths_by_reload_reselects_without_a_session_reset(tmp_path, link, birds,
                                                                   daemon_factory):
    d, addr_c = two_birds(tmp_path, link, birds, daemon_factory, "all", "all", as2=BIRD_AS)
    assert multipath_rows(d) == 0            # maximum-paths 1: one best, no multipath
    before = established_counts(d)
    assert all(s == "Established" for s, _ in before.values()), before
    for paths, want in ((2, 2), (1, 0)):
        mark = d.read_log().count("configuration reloaded")
        write_conf(tmp_path, [(link.addr_b, BIRD_AS), (addr_c, BIRD_AS)], paths)
        d.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10)
        assert wait_for(lambda: multipath_rows(d) == want, 10), (paths, table(d), d.read_log())
    assert established_counts(d) == before   # re-selection only: no session restarted


def test_a_table_larger_than_one_chunk_streams_whole(tmp_path, link, birds, daemon_factory):
    # The daemon sends 512 prefixes per loop turn (CTL_RIB_CHUNK) and resumes when the
    # shell has read them; 3000 prefixes take several turns and must all arrive, in order.
    prefixes = [f"10.{40 + i // 256}.{i % 256}.0/24" for i in range(3000)]
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a, prefixes,
               export="all")
    d = daemon_factory(config=write_conf(tmp_path, [(link.addr_b, BIRD_AS)]), netns=link.a).start()
    assert wait_for(lambda: pfx_rcvd(d, link.addr_b) == 3000, 30), d.read_log()
    j = vtysh_json(d.sock, "show bgp ipv4 unicast json")
    assert j["totalRoutes"] == 3000 and j["totalPaths"] == 3000
    assert set(j["routes"]) == set(prefixes)
    text = vtysh(d.sock, "show bgp ipv4 unicast").stdout
    rows = [l.split()[1] for l in text.splitlines() if l.startswith("*>")]
    key = lambda p: tuple(int(x) for x in p.split("/")[0].split("."))
    assert rows == sorted(prefixes, key=key)
    # A client that goes away in the middle of the table does not hurt the daemon.
    c = socket.socket(socket.AF_UNIX)
    c.connect(d.sock)
    c.sendall(struct.pack("!IBBHI", 12, 1, 0, 64, 7))   # ctl.h frame: CTL_SHOW_BGP_IPV4
    assert len(c.recv(65536)) > 0
    c.close()
    assert wait_for(lambda: pfx_rcvd(d, link.addr_b) == 3000, 5)
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_routes_of_one_neighbor_longest_match_and_the_show_ip_bgp_spellings(
        tmp_path, link, birds, daemon_factory):
    """What operators type first: `show ip bgp summary`, `show ip bgp
    neighbors A routes` (only what A sent), `show ip bgp ADDRESS` (the
    longest prefix that covers it)."""
    ns_c, addr_a2, addr_c = link.add_ns("10.0.10")
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a,
               ["10.20.0.0/24", "10.21.1.0/24"], export="all")
    start_bird(tmp_path, birds, "b2", ns_c, addr_c, BIRD2_AS, addr_a2,
               ["10.20.0.0/24", "10.22.2.0/24", "10.22.0.0/16"], export="all")
    conf = write_conf(tmp_path, [(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)])
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: len(table(d)) == 4 and len(table(d)["10.20.0.0/24"]) == 2, 20), \
        d.read_log()

    def routes_of(cmd):
        return {p: [r["peerId"] for r in rows] for p, rows in vtysh_json(d.sock, cmd)["routes"].items()}

    assert routes_of(f"show bgp neighbors {link.addr_b} routes json") == {
        "10.20.0.0/24": [link.addr_b], "10.21.1.0/24": [link.addr_b]}
    assert routes_of(f"show bgp ipv4 unicast neighbors {addr_c} routes json") == {
        "10.20.0.0/24": [addr_c], "10.22.0.0/16": [addr_c], "10.22.2.0/24": [addr_c]}
    text = vtysh(d.sock, f"show ip bgp neighbors {addr_c} routes").stdout
    assert "10.22.2.0/24" in text and "10.21.1.0/24" not in text, text
    r = vtysh(d.sock, "show ip bgp neighbors 10.0.9.99 routes")
    assert r.returncode != 0 and "No such neighbor" in r.stderr, r.stdout + r.stderr

    assert "10.22.2.0/24" in vtysh(d.sock, "show ip bgp 10.22.2.77").stdout
    j = vtysh_json(d.sock, "show bgp ipv4 unicast 10.22.9.1 json")
    assert j["prefix"] == "10.22.0.0/16" and len(j["paths"]) == 1, j
    j = vtysh_json(d.sock, "show ip bgp 10.22.2.77 json")
    assert j["prefix"] == "10.22.2.0/24", j
    r = vtysh(d.sock, "show ip bgp 10.99.0.1")
    assert r.returncode != 0 and "Network not in table" in r.stderr
    s1 = vtysh_json(d.sock, "sh ip bgp sum json")["ipv4Unicast"]["peers"]
    assert sorted(s1) == sorted([link.addr_b, addr_c]) and all(
        p["state"] == "Established" for p in s1.values()), s1
    n = vtysh_json(d.sock, f"show ip bgp neighbors {addr_c} json")
    assert n[addr_c]["bgpState"] == "Established"


def test_routes_of_a_neighbor_behind_a_chunk_of_others_arrive(tmp_path, link, birds,
                                                              daemon_factory):
    # `show bgp neighbors A routes` walks the whole table 512 prefixes a turn and sends
    # only A's paths: a turn that finds none of them must still go on to the next.
    ns_c, addr_a2, addr_c = link.add_ns("10.0.10")
    others = [f"10.{40 + i // 256}.{i % 256}.0/24" for i in range(1200)]
    start_bird(tmp_path, birds, "b1", link.b, link.addr_b, BIRD_AS, link.addr_a, others,
               export="all")
    start_bird(tmp_path, birds, "b2", ns_c, addr_c, BIRD2_AS, addr_a2,
               ["10.30.0.0/24", "10.99.0.0/24"], export="all")
    conf = write_conf(tmp_path, [(link.addr_b, BIRD_AS), (addr_c, BIRD2_AS)])
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: pfx_rcvd(d, link.addr_b) == 1200 and pfx_rcvd(d, addr_c) == 2,
                    30), d.read_log()
    j = vtysh_json(d.sock, f"show bgp neighbors {addr_c} routes json")
    assert sorted(j["routes"]) == ["10.30.0.0/24", "10.99.0.0/24"], j
    assert j["totalPaths"] == 2
    j = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} routes json")
    assert j["totalRoutes"] == 1200 and set(j["routes"]) == set(others)
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_a_route_over_two_tunnels_warns_once_about_the_multipath_hash(tmp_path, link, birds,
                                                                      daemon_factory):
    """rib/overlay.c: the first route spread over two tunnels tells the tunnel
    manager, which warns once that with net.ipv4.fib_multipath_hash_policy 0
    (and ecmp-hash unset) one host pair's flows all take one tunnel."""
    addr_c, conf = two_birds_ecmp(tmp_path, link, birds)
    conf.write_text(conf.read_text() + "overlay\n mode always\n driver userspace\nexit\n")
    d = daemon_factory(config=conf, netns=link.a).start()
    spread = lambda: [r for r in ip_json(link.a, "route", "show", "proto", "44")
                      if r["dst"] in ECMP_PREFIXES and r.get("nhid")
                      and len(next((n.get("group", []) for n in ip_json(link.a, "nexthop", "show")
                                     if n["id"] == r["nhid"]), [])) == 2]
    assert wait_for(lambda: len(spread()) == 3, 20), (ip_json(link.a, "route", "show"),
                                                      d.read_log())
    warned = lambda: d.read_log().count("fib_multipath_hash_policy is 0")
    assert wait_for(lambda: warned() >= 1, 5), d.read_log()
    assert warned() == 1, d.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
