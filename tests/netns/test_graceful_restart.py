"""Graceful restart, receiving side (RFC 4724 §4.2), with BIRD 2 as the
restarting peer (`graceful restart on`): when its session dies without a
NOTIFICATION (BIRD killed), its routes stay in our RIB and kernel, marked
stale, so forwarding goes on; when it is back and has sent End-of-RIB, the
routes it did not announce again go, the others never left. A peer that
ends with a NOTIFICATION (a clean stop) or does not restart within its
restart time loses its routes as before."""
import shutil
import signal

import pytest

from conftest import wait_for
from bgplab import Bird
from test_rib_bird import BIRD_AS, OUR_AS, birds, link, routes_cfg, table, write_conf  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

PFX = ["10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24"]


def kernel(link):
    r = link.run_in("a", "ip", "-j", "route", "show", "proto", "44")
    import json
    return sorted(x["dst"] for x in json.loads(r.stdout or "[]"))


def gr_bird(tmp_path, birds, link, prefixes, restart_time):
    b = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS, name="gr", export="all",
             options=f"graceful restart on; graceful restart time {restart_time};",
             extra=routes_cfg(prefixes))
    birds.append(b)
    return b.start()


def test_a_killed_peer_keeps_its_routes_stale_until_end_of_rib(tmp_path, link, birds, daemon_factory):
    b = gr_bird(tmp_path, birds, link, PFX, 30)
    d = daemon_factory(config=write_conf(tmp_path, [(link.addr_b, BIRD_AS)]), netns=link.a).start()
    assert wait_for(lambda: kernel(link) == PFX, 20), d.read_log()
    b.stop(signal.SIGKILL)                           # no NOTIFICATION: a restart
    assert wait_for(lambda: "keeping its 3 paths as stale for up to 30 s" in d.read_log(), 15), \
        d.read_log()
    samples = []
    for _ in range(20):
        samples.append(kernel(link))
        wait_for(lambda: False, 0.1)
    assert all(s == PFX for s in samples), samples  # forwarding goes on meanwhile
    assert sorted(table(d)) == PFX
    # back, announcing two of the three: the third goes after End-of-RIB, the two never left
    b.conf.write_text(b.conf.read_text().replace("route 10.10.3.0/24 blackhole;", ""))
    b.start("-R")                                    # recovery: R and F bits set
    seen = []
    assert wait_for(lambda: seen.append(kernel(link)) or seen[-1] == PFX[:2], 30, 0.02), \
        (seen[-5:], d.read_log())
    assert all(set(PFX[:2]) <= set(s) for s in seen), seen   # no blink of the re-announced
    log = d.read_log()
    assert "graceful restart: back; its 3 stale paths stay until End-of-RIB" in log, log
    assert "3 stale paths withdrawn (End-of-RIB)" in log, log
    # killed again, back without forwarding state (no -R: F bit clear): stale paths go at once
    b.stop(signal.SIGKILL)
    assert wait_for(lambda: "keeping its 2 paths as stale" in d.read_log(), 15), d.read_log()
    b.start()
    assert wait_for(lambda: "2 stale paths withdrawn (it did not keep its forwarding state)"
                    in d.read_log(), 20), d.read_log()
    assert wait_for(lambda: kernel(link) == PFX[:2], 20), d.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_a_clean_stop_withdraws_at_once_and_the_restart_time_is_kept(tmp_path, link, birds,
                                                                     daemon_factory):
    b = gr_bird(tmp_path, birds, link, PFX, 3)
    d = daemon_factory(config=write_conf(tmp_path, [(link.addr_b, BIRD_AS)]), netns=link.a).start()
    assert wait_for(lambda: kernel(link) == PFX, 20), d.read_log()
    b.stop(signal.SIGKILL)
    assert wait_for(lambda: "stale for up to 3 s" in d.read_log(), 15), d.read_log()
    assert kernel(link) == PFX
    assert wait_for(lambda: kernel(link) == [], 10), d.read_log()      # BIRD never came back
    assert "stale paths withdrawn (restart time expired)" in d.read_log()
    b.start()
    assert wait_for(lambda: kernel(link) == PFX, 20), d.read_log()
    b.stop()                                         # SIGTERM: BIRD sends a Cease
    assert wait_for(lambda: kernel(link) == [], 10), d.read_log()
    assert d.read_log().count("as stale") == 1
    assert d.stop() == 0
    d.assert_no_sanitizer_report()
