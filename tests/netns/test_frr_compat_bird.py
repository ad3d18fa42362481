"""What an FRR user pastes, against BIRD 2 (doc/config.md "Coming from FRR").
`ipip-bgpd -C` accepts a typical frr.conf, FRR's housekeeping lines warned
about one by one; `no bgp default ipv4-unicast` without `activate` keeps the
session up but exchanges nothing either way, and activating it on reload
lets the routes flow without a reset; `no neighbor X send-community` strips
the communities a network route-map set, as BIRD reads them."""
import shutil
import signal
import subprocess
import time

import pytest

from bgplab import Bird, birds_fixture, link_fixture
from conftest import BGPD, vtysh_json, wait_for

OUR_AS, BIRD_AS = 65001, 65002

link = link_fixture("fc", "10.0.47")
birds = birds_fixture()

FRR_FILE = """frr version 8.4.4
frr defaults traditional
hostname site-a
log syslog informational
service integrated-vtysh-config
!
ip prefix-list LAN seq 5 permit 10.1.0.0/24
!
route-map OUT permit 10
 match ip address prefix-list LAN
exit
!
router bgp 65001
 bgp router-id 192.0.2.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp log-neighbor-changes
 bgp deterministic-med
 bgp bestpath as-path multipath-relax
 bgp bestpath bandwidth ignore
 neighbor 192.0.2.2 remote-as 65002
 neighbor 192.0.2.2 description b
 neighbor 192.0.2.2 advertisement-interval 0
 !
 address-family ipv4 unicast
  network 10.1.0.0/24
  neighbor 192.0.2.2 activate
  neighbor 192.0.2.2 soft-reconfiguration inbound
  neighbor 192.0.2.2 send-community
  neighbor 192.0.2.2 route-map OUT out
  neighbor 192.0.2.2 allowas-in
  maximum-paths 4
 exit-address-family
exit
!
line vty
!
"""


def test_check_accepts_a_typical_frr_file(tmp_path):
    f = tmp_path / "frr.conf"
    f.write_text(FRR_FILE)
    r = subprocess.run([BGPD, "-C", "-f", str(f)], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and "configuration OK" in r.stdout, r.stderr
    warned = [l for l in r.stderr.splitlines() if "FRR-only statement ignored" in l]
    assert [w.split("frr.conf:")[1] for w in warned] == [
        "1: FRR-only statement ignored: frr version 8.4.4",
        "2: FRR-only statement ignored: frr defaults traditional",
        "5: FRR-only statement ignored: service integrated-vtysh-config",
        "36: FRR-only statement ignored: line vty"], r.stderr
    assert "error" not in r.stderr


BIRD_PREFIXES = ["10.40.1.0/24", "10.40.2.0/24"]
OUR_NETWORKS = ["10.9.1.0/24", "10.9.2.0/24"]


def conf_text(link, af_lines=(), router_lines=()):
    lines = ["route-map SETC permit 10", " set community 65001:7 65001:8", "exit",
             f"router bgp {OUR_AS}", " bgp router-id 10.0.47.1", " no bgp ebgp-requires-policy"]
    lines += list(router_lines)
    lines += [f" neighbor {link.addr_b} remote-as {BIRD_AS}", f" neighbor {link.addr_b} timers 1 3",
              f" neighbor {link.addr_b} timers connect 1", " address-family ipv4 unicast"]
    lines += [f"  network {n} route-map SETC" for n in OUR_NETWORKS]
    lines += list(af_lines) + [" exit-address-family"]
    return "\n".join(lines) + "\n"


def lab(tmp_path, link, birds, daemon_factory, text):
    routes = " ".join(f"route {p} blackhole;" for p in BIRD_PREFIXES)
    b = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS, export="all",
             extra=f"protocol static st {{ ipv4; {routes} }}\n")
    birds.append(b)
    b.start()
    conf = tmp_path / "bgpd.conf"
    conf.write_text(text)
    d = daemon_factory(config=conf, netns=link.a).start()
    d.conf = conf
    assert wait_for(b.established, 20), b.read_log()
    return d, b


def table(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def bird_route(b, pfx):
    return b.birdc(f"show route all {pfx} protocol ours").stdout


def bird_has(b, pfx):
    return pfx.split("/")[0] in bird_route(b, pfx)


def established_count(d, addr):
    return vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"][addr][
        "connectionsEstablished"]


def reload(d, text):
    mark = d.read_log().count("configuration reloaded")
    d.conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10), d.read_log()


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_a_neighbor_not_activated_exchanges_nothing_until_activated(tmp_path, link, birds,
                                                                    daemon_factory):
    d, b = lab(tmp_path, link, birds, daemon_factory,
               conf_text(link, router_lines=[" no bgp default ipv4-unicast"]))
    assert wait_for(lambda: "IPv4 unicast not activated" in d.read_log(), 10), d.read_log()
    assert wait_for(lambda: "Routes:" in b.birdc("show protocols all ours").stdout, 10)
    assert wait_for(lambda: "10.40.1.0/24" in b.birdc("show route protocol st").stdout, 10)
    time.sleep(2)                                    # time for anything that would come
    assert sorted(table(d)) == OUR_NETWORKS          # nothing from BIRD
    assert not any(bird_has(b, p) for p in OUR_NETWORKS), b.birdc("show route").stdout
    assert d.read_log().count("IPv4 unicast not activated") == 1    # once per session
    assert "RFC 8212" not in d.read_log()
    # activating it is a soft change: the routes flow, the session stays
    reload(d, conf_text(link, router_lines=[" no bgp default ipv4-unicast"],
                        af_lines=[f"  neighbor {link.addr_b} activate"]))
    assert wait_for(lambda: sorted(table(d)) == sorted(BIRD_PREFIXES + OUR_NETWORKS), 15), table(d)
    assert wait_for(lambda: all(bird_has(b, p) for p in OUR_NETWORKS), 10), \
        b.birdc("show route").stdout
    assert established_count(d, link.addr_b) == 1
    d.stop()
    d.assert_no_sanitizer_report()


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_no_send_community_strips_what_the_route_map_set(tmp_path, link, birds, daemon_factory):
    d, b = lab(tmp_path, link, birds, daemon_factory, conf_text(link))
    assert wait_for(lambda: bird_has(b, "10.9.1.0/24"), 20), b.birdc("show route").stdout
    assert "(65001,7) (65001,8)" in bird_route(b, "10.9.1.0/24")    # sent by default
    reload(d, conf_text(link, af_lines=[f"  no neighbor {link.addr_b} send-community"]))
    assert wait_for(lambda: "community" not in bird_route(b, "10.9.1.0/24") and
                    bird_has(b, "10.9.1.0/24"), 10), bird_route(b, "10.9.1.0/24")
    assert "community" not in bird_route(b, "10.9.2.0/24")
    assert established_count(d, link.addr_b) == 1    # a soft change
    d.stop()
    d.assert_no_sanitizer_report()


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_remote_as_external_takes_the_as_of_the_open_and_routes_flow(tmp_path, link, birds,
                                                                     daemon_factory):
    """FRR's `neighbor X remote-as external`: any AS but ours, learned from
    BIRD's OPEN; shown and logged as that AS, treated as eBGP (BIRD's AS
    first in the paths we keep, ours prepended toward it)."""
    text = conf_text(link).replace(f"remote-as {BIRD_AS}", "remote-as external")
    d, b = lab(tmp_path, link, birds, daemon_factory, text)
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert n["remoteAs"] == BIRD_AS and n["nbrExternalLink"], n
    assert f"session established (AS {BIRD_AS}," in d.read_log()
    assert wait_for(lambda: sorted(BIRD_PREFIXES) <= sorted(table(d)), 10), table(d)
    assert wait_for(lambda: bird_has(b, OUR_NETWORKS[0]), 10), b.birdc("show route").stdout
    assert f"BGP.as_path: {OUR_AS}" in bird_route(b, OUR_NETWORKS[0])
