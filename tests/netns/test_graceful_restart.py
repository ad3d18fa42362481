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

from conftest import vtysh, vtysh_json, wait_for
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


# ------------------------------------------------ restarting side (our own restart)
OURS = "10.9.1.0/24"


def gr_conf(tmp_path, link, restart_time=30, enabled=True):
    conf = write_conf(tmp_path, [(link.addr_b, BIRD_AS)])
    text = conf.read_text()
    if enabled:
        text = text.replace(" no bgp ebgp-requires-policy\n", " no bgp ebgp-requires-policy\n"
                            " bgp graceful-restart\n"
                            f" bgp graceful-restart restart-time {restart_time}\n")
    conf.write_text(text + f" address-family ipv4 unicast\n  network {OURS}\n exit-address-family\n")
    return conf


def bird_has(b, pfx):
    return pfx in b.birdc(f"show route {pfx}").stdout


def helper_bird(tmp_path, birds, link):
    """BIRD as the receiving speaker: it keeps a restarting peer's routes."""
    b = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS, name="helper",
             export="all", options="graceful restart aware;", extra=routes_cfg(PFX))
    birds.append(b)
    return b.start()


def test_our_graceful_restart_keeps_forwarding_both_ways(tmp_path, link, birds, daemon_factory):
    """`bgp graceful-restart` and `graceful restart` in the shell: the daemon
    exits without NOTIFICATIONs; BIRD keeps our route and the kernel keeps
    BIRD's, nothing blinks while we are away; the next run announces the R
    and F bits (its routes were still in the kernel), takes the kernel's
    routes over, and once BIRD's End-of-RIB is in, what BIRD withdrew
    meanwhile is gone."""
    b = helper_bird(tmp_path, birds, link)
    conf = gr_conf(tmp_path, link)
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: kernel(link) == PFX and bird_has(b, OURS), 20), d.read_log()
    caps = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert caps["neighborCapabilities"]["gracefulRestart"] == "advertisedAndReceived", caps
    nc = b.protocol().split("Neighbor capabilities")[1]    # a first start: no R, no F
    assert "AF supported: ipv4" in nc and "Restart recovery" not in nc and "AF preserved: ipv4" not in nc, nc
    r = vtysh(d.sock, "graceful restart")
    assert r.returncode == 0 and "1 of 1 established peers keep our routes for 30 s" in r.stdout, \
        r.stdout + r.stderr
    assert d.proc.wait(10) == 0
    log = d.read_log()
    assert "graceful restart: stopping" in log and "NOTIFICATION" not in log.split(
        "graceful restart: stopping")[1].replace("without NOTIFICATION", ""), log[-2000:]
    # away: BIRD keeps ours (stale), the kernel keeps BIRD's
    samples = []
    for _ in range(15):
        samples.append((kernel(link), bird_has(b, OURS)))
        wait_for(lambda: False, 0.1)
    assert all(k == PFX and ours for k, ours in samples), samples
    assert "Neighbor graceful restart active" in b.protocol() or bird_has(b, OURS)
    # BIRD withdraws one while we are away; we come back
    b.conf.write_text(b.conf.read_text().replace("route 10.10.3.0/24 blackhole;", ""))
    assert b.birdc("configure").returncode == 0
    d2 = daemon_factory(name="d2", config=conf, netns=link.a).start()
    seen = []
    assert wait_for(lambda: seen.append((kernel(link), bird_has(b, OURS))) or
                    seen[-1] == (PFX[:2], True), 30, 0.02), (seen[-5:], d2.read_log())
    assert all(set(PFX[:2]) <= set(k) and ours for k, ours in seen), seen   # no blink
    nc = b.protocol().split("Neighbor capabilities")[1]    # BIRD's view of our OPEN
    assert "Restart recovery" in nc and "AF preserved: ipv4" in nc and "Restart time: 30" in nc, nc
    log = d2.read_log()
    assert "graceful restart: " in log and "earlier run kept forwarding" in log, log
    assert d2.stop() == 0
    d2.assert_no_sanitizer_report()
    d.assert_no_sanitizer_report()


def test_graceful_restart_is_refused_when_not_configured(tmp_path, link, birds, daemon_factory):
    """Without `bgp graceful-restart` the shell's `graceful restart` is an
    error and the daemon keeps running; SIGTERM is the clean stop that
    removes our routes."""
    b = helper_bird(tmp_path, birds, link)
    d = daemon_factory(config=gr_conf(tmp_path, link, enabled=False), netns=link.a).start()
    assert wait_for(lambda: kernel(link) == PFX and bird_has(b, OURS), 20), d.read_log()
    r = vtysh(d.sock, "graceful restart")
    assert r.returncode != 0 and "bgp graceful-restart is not configured" in r.stdout + r.stderr
    assert d.proc.poll() is None
    assert d.stop() == 0
    assert kernel(link) == []
    assert wait_for(lambda: not bird_has(b, OURS), 10)
    d.assert_no_sanitizer_report()
