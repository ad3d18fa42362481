"""RFC 7911 ADD-PATH send, checked with BIRD 2 as an operator would: ipip-bgpd
as route reflector between sites, site C announcing one prefix over two iBGP
sessions (two underlay addresses, each the next hop of its path; here two
BIRDs with one router id). A client
with `add paths rx` (and our `addpath-tx-all-paths`) sees both paths in
`birdc show route all`, so it can install ECMP over two tunnels; a client
without ADD-PATH sees the best path only; when one session goes down its
path is withdrawn by id and the other stays."""
import os
import shutil

import pytest

from bgplab import Bird, birds_fixture
from conftest import vtysh_json, wait_for
from test_adj_out_bird import Lan, OUR_AS, conf_text, statics

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

PFX = "10.42.0.0/24"

birds = birds_fixture()


@pytest.fixture
def lan():
    l = Lan(f"ap{os.getpid() % 100000}r", "10.0.35", 4)
    yield l
    l.close()


def start_site_c(tmp_path, birds, lan, i):
    """Site C's router on spoke i: same router id on both of its sessions."""
    b = Bird(tmp_path, lan.spokes[i], lan.addr(0), OUR_AS, f"{lan.net}.1", OUR_AS,
             local=lan.addr(i), name=f"site_c{i}", options="direct;",
             export="all; gateway direct", extra=statics([PFX]))
    birds.append(b)
    return b.start()


def start_client(tmp_path, birds, lan, i, addpath):
    hub = f"{lan.net}.1"
    b = Bird(tmp_path, lan.spokes[i], lan.addr(i), OUR_AS, hub, OUR_AS, name=f"client{i}",
             options="direct;",
             export="none; gateway direct" + ("; add paths rx" if addpath else ""))
    birds.append(b)
    return b.start()


def bird_next_hops(b, pfx):
    """The BGP.next_hop of every path BIRD holds for pfx, sorted."""
    out = b.birdc(f"show route all {pfx}").stdout
    return sorted(l.split(":", 1)[1].strip() for l in out.splitlines()
                  if l.strip().startswith("BGP.next_hop:"))


def test_reflector_sends_both_paths_of_a_site_to_an_addpath_client(tmp_path, lan, birds,
                                                                   daemon_factory):
    c_addrs = [lan.addr(0), lan.addr(3)]
    start_site_c(tmp_path, birds, lan, 0)
    site_c2 = start_site_c(tmp_path, birds, lan, 3)
    ap = start_client(tmp_path, birds, lan, 1, addpath=True)
    plain = start_client(tmp_path, birds, lan, 2, addpath=False)
    nbrs = c_addrs + [lan.addr(1), lan.addr(2)]
    conf = tmp_path / "bgpd.conf"
    conf.write_text(conf_text([(a, OUR_AS) for a in nbrs], [],
                              [f"neighbor {a} route-reflector-client" for a in nbrs] +
                              [f"neighbor {lan.addr(1)} addpath-tx-all-paths"]))
    d = daemon_factory(config=conf, netns=lan.hub).start()

    assert wait_for(lambda: bird_next_hops(ap, PFX) == sorted(c_addrs), 30), \
        ap.birdc(f"show route all {PFX}").stdout + d.read_log()
    assert wait_for(lambda: len(bird_next_hops(plain, PFX)) == 1, 10), d.read_log()
    assert bird_next_hops(plain, PFX)[0] in c_addrs

    adv = vtysh_json(d.sock, f"show bgp neighbors {lan.addr(1)} advertised-routes json")
    paths = adv["advertisedRoutes"][PFX]
    assert sorted(p["nextHop"] for p in paths) == sorted(c_addrs), adv
    ids = [p["addpathTxId"] for p in paths]
    assert len(set(ids)) == 2 and 0 not in ids, adv
    plain_adv = vtysh_json(d.sock, f"show bgp neighbors {lan.addr(2)} advertised-routes json")
    assert "addpathTxId" not in plain_adv["advertisedRoutes"][PFX], plain_adv
    # site C gets neither of its own paths back on either session
    own = vtysh_json(d.sock, f"show bgp neighbors {lan.addr(0)} advertised-routes json")
    assert own["advertisedRoutes"].get(PFX, {}).get("nextHop") != lan.addr(0), own

    # One of site C's sessions goes: its path is withdrawn, the other stays.
    site_c2.birdc("disable ours")
    assert wait_for(lambda: bird_next_hops(ap, PFX) == [lan.addr(0)], 20), \
        ap.birdc(f"show route all {PFX}").stdout + d.read_log()
    assert wait_for(lambda: bird_next_hops(plain, PFX) == [lan.addr(0)], 10), d.read_log()
    adv = vtysh_json(d.sock, f"show bgp neighbors {lan.addr(1)} advertised-routes json")
    assert [p["addpathTxId"] for p in adv["advertisedRoutes"][PFX]] == \
        [next(p["addpathTxId"] for p in paths if p["nextHop"] == lan.addr(0))], adv
    d.stop()
    d.assert_no_sanitizer_report()
