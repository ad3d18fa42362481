"""Overlay modes per neighbor and per prefix-list, `show tunnel` and `show ip
route` end to end (doc/overlay.md, doc/tunnels.md). BIRD 2 announces a near
prefix (next hop on our subnet) and a far one (next hop behind a router), as
in test_overlay.py. Checked as an operator does: `ip -j route show proto 44`,
`ip -d link`, and the shell's JSON."""
import re
import shutil

import pytest

from bgplab import Bird, sh
from conftest import vtysh, vtysh_json, wait_for
from test_overlay import (BIRD_AS, FAR, NEAR, OUR_AS, REMOTE, SITE_PRIV, installed, ip_json,
                          lab, link, our_tunnels, overlay_view, site_conf)  # noqa: F401 (fixtures)
from test_bgp_reload import reload

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")


def modes_conf(far_mode="never"):
    return (f"ip prefix-list FAR-PL seq 5 permit {FAR}\n"
            f"router bgp {OUR_AS}\n bgp router-id 10.0.31.1\n no bgp ebgp-requires-policy\n"
            f" neighbor 10.0.31.2 remote-as {BIRD_AS}\n neighbor 10.0.31.2 timers 1 3\n"
            f" neighbor 10.0.31.2 timers connect 1\n"
            f"overlay\n mode cross-subnet\n tunnel-style point-to-point\n driver userspace\n"
            f" neighbor 10.0.31.2 mode always\n prefix-list FAR-PL mode {far_mode}\nexit\n")


def route_view(d):
    """show ip route json as {prefix: ([(via, dev, onlink)], mtu)}, like installed()."""
    out = {}
    for r in vtysh_json(d.sock, "show ip route json")["routes"]:
        hops = [(n.get("via"), n["dev"], n["onlink"]) for n in r["nexthops"]]
        out[r["prefix"]] = (hops, r["mtu"] or None, r["state"], r["nexthopGroupId"])
    return out


def assert_routes_match_the_kernel(d, ns):
    kernel = installed(ns)
    ours = route_view(d)
    assert {p: v[:2] for p, v in ours.items()} == kernel, (ours, kernel)
    assert all(v[2] == "installed" for v in ours.values()), ours
    nhids = {r["dst"]: r.get("nhid") for r in ip_json(ns, "route", "show", "proto", "44")}
    assert {p: v[3] for p, v in ours.items()} == nhids, (ours, nhids)


def assert_show_tunnel_name_matches_the_kernel(d, ns):
    """show tunnel NAME [json] for each device of ours: the list form's entry
    for it, and exactly the prefixes whose kernel next hops go through it."""
    kernel = installed(ns)
    listed = {t["name"]: t for t in vtysh_json(d.sock, "show tunnel json")["tunnels"]}
    devs = our_tunnels(ns)
    assert devs
    for dev in devs:
        name = dev["ifname"]
        one = vtysh_json(d.sock, f"show tunnel {name} json")
        assert [t["name"] for t in one["tunnels"]] == [name], one
        t = one["tunnels"][0]
        for k in ("ifindex", "local", "remote", "type", "mtu", "users", "adopted"):
            assert t[k] == listed[name][k], (k, t, listed[name])
        assert (t["ifindex"], t["mtu"]) == (dev["ifindex"], dev["mtu"]), (t, dev)
        want = sorted(p for p, (hops, _) in kernel.items() if any(h[1] == name for h in hops))
        assert want and sorted(r["prefix"] for r in t["routes"]) == want, (t, kernel)
        assert all(r["state"] == "installed" for r in t["routes"]), t
        text = vtysh(d.sock, f"show tunnel {name}").stdout
        assert f"Tunnel {name}, ifindex {dev['ifindex']}, driver userspace" in text, text
        assert f"local {t['local']}, MTU {dev['mtu']}" in text and \
            all(f"    {p}, installed" in text for p in want), text
    r = vtysh(d.sock, "show tunnel ipnosuchtunnel")
    assert r.returncode != 0 and "% no tunnel ipnosuchtunnel" in r.stderr, (r.returncode, r.stderr)
    assert r.stdout == "", r.stdout


def test_neighbor_always_tunnels_the_near_prefix_and_a_list_never_keeps_far_out(
        tmp_path, lab, daemon_factory):
    link, bird = lab
    bird.start()
    conf = tmp_path / "modes.conf"
    conf.write_text(modes_conf())
    d = daemon_factory(config=conf, netns=link.a).start()
    d.conf = conf
    # global cross-subnet would make NEAR direct; the neighbor's `always` tunnels it
    assert wait_for(lambda: NEAR in installed(link.a) and our_tunnels(link.a), 20), d.read_log()
    tuns = our_tunnels(link.a)
    assert len(tuns) == 1 and tuns[0]["ifalias"].endswith(f"remote {link.addr_b}"), tuns
    assert installed(link.a)[NEAR][0] == [(None, tuns[0]["ifname"], False)]
    # FAR: prefix-list FAR-PL says never, and its next hop is off-subnet: not installed
    assert wait_for(lambda: REMOTE in overlay_view(d), 10), overlay_view(d)
    assert FAR not in installed(link.a), installed(link.a)
    v = overlay_view(d)
    assert (v[link.addr_b]["mode"], v[link.addr_b]["modeSource"], v[link.addr_b]["decision"]) == \
        ("always", f"neighbor {link.addr_b}", "tunnel"), v
    assert (v[REMOTE]["mode"], v[REMOTE]["modeSource"], v[REMOTE]["decision"]) == \
        ("never", "prefix-list FAR-PL", "none"), v
    assert "mtu" not in v[REMOTE], v[REMOTE]              # none: no device, no MTU
    text = vtysh(d.sock, "show overlay").stdout
    assert "prefix-list FAR-PL" in text and f"neighbor {link.addr_b}" in text, text
    row = next(l for l in text.splitlines() if l.startswith(REMOTE))
    assert row.split()[5:8] == ["-", "-", "1"], row     # device, MTU, prefixes (From: 2 words)
    # show tunnel json: the one tunnel with its endpoints and MTU
    st = vtysh_json(d.sock, "show tunnel json")
    assert st["driver"] == "userspace" and st["running"], st
    assert [(t["name"], t["local"], t["remote"], t["mtu"], t["users"], t["type"])
            for t in st["tunnels"]] == \
        [(tuns[0]["ifname"], link.addr_a, link.addr_b, tuns[0]["mtu"], 1, "point-to-point")], st
    assert tuns[0]["ifname"] in vtysh(d.sock, "show tunnel").stdout
    # show ip route json is what the kernel holds
    assert_routes_match_the_kernel(d, link.a)
    assert "Routes installed by ipip-bgpd (protocol 44, table 254)" in \
        vtysh(d.sock, "show ip route").stdout
    # reload: the list's mode becomes always, without a restart FAR goes through a tunnel
    reload(d, modes_conf("always"))
    assert wait_for(lambda: FAR in installed(link.a), 10), (installed(link.a), d.read_log())
    by_remote = {t["ifalias"].split()[-1]: t for t in our_tunnels(link.a)}
    assert installed(link.a)[FAR][0] == [(None, by_remote[REMOTE]["ifname"], False)]
    assert overlay_view(d)[REMOTE]["mode"] == "always"
    assert "every prefix is decided again" in d.read_log()
    assert_routes_match_the_kernel(d, link.a)
    assert len(vtysh_json(d.sock, "show tunnel json")["tunnels"]) == 2
    # show tunnel NAME: each of the two devices carries its own prefix
    assert_show_tunnel_name_matches_the_kernel(d, link.a)
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_show_tunnel_counters_grow_with_a_ping_through_it(tmp_path, link, daemon_factory):
    """Two sites, mode always (as test_overlay.py's ping): the tunnel from A to
    B counts the ping in both directions, and show ip route matches ip route."""
    birds = []
    try:
        for i, (ns, me, other) in enumerate(((link.a, link.addr_a, link.addr_b),
                                              (link.b, link.addr_b, link.addr_a))):
            sh("ip", "-n", ns, "addr", "add", f"{SITE_PRIV[i]}/24", "dev", "lo")
            net = SITE_PRIV[i].rsplit(".", 1)[0] + ".0/24"
            b = Bird(tmp_path, ns, me, BIRD_AS + i, other, OUR_AS + 1 - i, local=me,
                     options="passive on;", export="all", name=f"bird{i}",
                     extra=f"protocol static st {{ ipv4; route {net} blackhole; }}")
            birds.append(b.start())
        ds = [daemon_factory(config=site_conf(tmp_path, i, link), netns=ns, name=f"s{i}").start()
              for i, ns in enumerate((link.a, link.b))]
        want = SITE_PRIV[1].rsplit(".", 1)[0] + ".0/24"
        assert wait_for(lambda: want in installed(link.a), 20), ds[0].read_log()
        assert wait_for(lambda: SITE_PRIV[0].rsplit(".", 1)[0] + ".0/24" in installed(link.b), 20)

        def tunnel():
            ts = vtysh_json(ds[0].sock, "show tunnel json")["tunnels"]
            return {t["remote"]: t for t in ts}[link.addr_b]

        before = tunnel()
        kern = our_tunnels(link.a)[0]
        assert (before["local"], before["mtu"], before["name"]) == \
            (link.addr_a, kern["mtu"], kern["ifname"]), (before, kern)
        r = link.run_in("a", "ping", "-n", "-c", "3", "-W", "2", "-i", "0.2",
                        "-I", SITE_PRIV[0], SITE_PRIV[1])
        assert r.returncode == 0, r.stdout + r.stderr
        after = tunnel()
        assert after["txPackets"] >= before["txPackets"] + 3, (before, after)
        assert after["rxPackets"] >= before["rxPackets"] + 3, (before, after)
        assert after["txBytes"] >= before["txBytes"] + 3 * 84, (before, after)
        assert after["txErrors"] == 0 and after["rxErrors"] == 0, after
        # show tunnel NAME: the same counters (read later, so not smaller), B's prefix
        one = vtysh_json(ds[0].sock, f"show tunnel {kern['ifname']} json")["tunnels"][0]
        assert one["txPackets"] >= after["txPackets"] and \
            one["rxPackets"] >= after["rxPackets"], (one, after)
        assert [r["prefix"] for r in one["routes"]] == [want], one
        text = vtysh(ds[0].sock, f"show tunnel {kern['ifname']}").stdout
        tx = re.search(r"^  TX: (\d+) packets, \d+ bytes, 0 errors$", text, re.M)
        assert tx and int(tx.group(1)) >= one["txPackets"], text
        assert_show_tunnel_name_matches_the_kernel(ds[0], link.a)
        assert_routes_match_the_kernel(ds[0], link.a)
        for d in ds:
            assert d.stop() == 0
            d.assert_no_sanitizer_report()
    finally:
        for b in birds:
            b.stop()
