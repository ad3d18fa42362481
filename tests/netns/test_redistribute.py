"""`redistribute connected|static|kernel [route-map NAME]` (doc/redistribute.md),
checked on the far side with BIRD 2's own CLI as an operator would: what
the kernel of our namespace has becomes routes with origin incomplete,
through the route-map; a route or an address that goes is withdrawn; the
default route and our own routes never go out; a reload that drops a
source withdraws exactly its prefixes."""
import shutil

import pytest

from bgplab import sh
from conftest import vtysh_json, wait_for
from test_adj_out_bird import BIRD_AS, OUR_AS, attr, bird_route, birds, link, reload, start_bird  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")


def conf_text(addr_b, redistribute):
    lines = ["ip prefix-list ONLY seq 5 permit 172.30.1.0/24",
             "route-map RS permit 10", " match ip address prefix-list ONLY", " set metric 77", "exit",
             f"router bgp {OUR_AS}", " bgp router-id 10.0.31.1", " no bgp ebgp-requires-policy",
             f" neighbor {addr_b} remote-as {BIRD_AS}", f" neighbor {addr_b} timers 1 3",
             f" neighbor {addr_b} timers connect 1", " address-family ipv4 unicast"]
    lines += [f"  redistribute {r}" for r in redistribute]
    lines += [" exit-address-family"]
    return "\n".join(lines) + "\n"


def test_kernel_routes_and_addresses_are_announced_and_withdrawn(tmp_path, link, birds, daemon_factory):
    a = link.a
    ip = lambda *args: sh("ip", "-n", a, *args)
    ip("addr", "add", "192.168.77.1/24", "dev", link.va)
    ip("route", "add", "172.30.1.0/24", "via", link.addr_b, "proto", "static")
    ip("route", "add", "blackhole", "172.30.9.0/24")                   # proto boot: static too
    ip("route", "add", "default", "via", link.addr_b, "proto", "static")
    ip("route", "add", "172.31.1.0/24", "via", link.addr_b, "proto", "99")     # kernel
    ip("route", "add", "172.31.2.0/24", "via", link.addr_b, "proto", "44")     # ours: never
    b = start_bird(tmp_path, birds, "bb", link.b, link.addr_b, BIRD_AS, link.addr_a)
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text(link.addr_b, ["connected", "static route-map RS"]))
    d = daemon_factory(config=conf, netns=a).start()

    assert wait_for(lambda: bird_route(b, "172.30.1.0/24") and bird_route(b, "192.168.77.0/24"), 20), \
        (b.birdc("show route").stdout, d.read_log())
    r = bird_route(b, "172.30.1.0/24")
    assert attr(r, "BGP.origin") == "Incomplete" and attr(r, "BGP.med") == "77", r
    assert attr(r, "BGP.as_path") == str(OUR_AS) and attr(r, "BGP.next_hop") == link.addr_a, r
    assert attr(bird_route(b, "192.168.77.0/24"), "BGP.origin") == "Incomplete"
    assert bird_route(b, "10.0.31.0/24")                   # the session's own subnet is connected too
    routes = b.birdc("show route").stdout
    for absent in ("172.30.9.0/24", "0.0.0.0/0", "172.31.1.0/24", "172.31.2.0/24"):
        assert absent not in routes, routes               # denied by RS, default, not enabled, ours

    # the kernel changes: a route and an address go, another address comes
    ip("route", "del", "172.30.1.0/24", "proto", "static")
    ip("addr", "del", "192.168.77.1/24", "dev", link.va)
    ip("addr", "add", "192.168.78.1/24", "dev", link.va)
    assert wait_for(lambda: not bird_route(b, "172.30.1.0/24") and not bird_route(b, "192.168.77.0/24")
                    and bird_route(b, "192.168.78.0/24"), 10), b.birdc("show route").stdout

    # reload: connected off, kernel on; static (nothing left through RS) untouched
    ip("route", "add", "172.30.1.0/24", "via", link.addr_b, "proto", "static")
    assert wait_for(lambda: bird_route(b, "172.30.1.0/24"), 10)
    reload(d, conf, conf_text(link.addr_b, ["static route-map RS", "kernel"]))
    assert wait_for(lambda: not bird_route(b, "192.168.78.0/24") and bird_route(b, "172.31.1.0/24"), 10), \
        b.birdc("show route").stdout
    assert bird_route(b, "172.30.1.0/24") and not bird_route(b, "10.0.31.0/24")
    assert "172.31.2.0/24" not in b.birdc("show route").stdout
    adv = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} advertised-routes json")
    assert sorted(adv["advertisedRoutes"]) == ["172.30.1.0/24", "172.31.1.0/24"], adv
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
