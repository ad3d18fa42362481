"""FRR-style debug topics against BIRD 2: `debug bgp updates` turned on from
the shell at run time logs one line per UPDATE (at the default informational
level), `no debug bgp updates` silences it again, `show debugging [json]`
says what is on, and `debug` lines of the config file are on from the start,
print back in `show running-config`, and are left there by `undebug all`."""
import re
import shutil
import time

import pytest

from bgplab import Bird, birds_fixture, link_fixture
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, BIRD_AS = 4200000001, 4200000002

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

link = link_fixture("dg", "10.0.71")
birds = birds_fixture()


def start_bird(tmp_path, birds, link, prefixes):
    routes = " ".join(f"route {p} blackhole;" for p in prefixes)
    b = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS, export="all",
             extra=f"protocol static st {{ ipv4; {routes} }}")
    birds.append(b)
    return b.start()


def bird_announce(b, old, new):
    """Add prefix new to BIRD's static routes (after old) and reconfigure."""
    b.conf.write_text(b.conf.read_text().replace(f"route {old} blackhole;",
                                                 f"route {old} blackhole; route {new} blackhole;"))
    assert "Reconfigured" in b.birdc("configure").stdout


def start_daemon(tmp_path, daemon_factory, link, extra=""):
    conf = tmp_path / "bgpd.conf"
    conf.write_text(extra + f"""router bgp {OUR_AS}
 bgp router-id {link.addr_a}
 no bgp ebgp-requires-policy
 neighbor {link.addr_b} remote-as {BIRD_AS}
 neighbor {link.addr_b} timers 1 3
 neighbor {link.addr_b} timers connect 1
""")
    return daemon_factory(config=conf, netns=link.a).start()


def table(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def update_lines(d, pfx):
    return [l for l in d.read_log().splitlines() if "UPDATE in:" in l and pfx in l]


def run(d, cmd):
    r = vtysh(d.sock, cmd)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_debug_bgp_updates_from_the_shell_logs_each_update_until_turned_off(
        tmp_path, link, birds, daemon_factory):
    b = start_bird(tmp_path, birds, link, ["10.71.1.0/24"])
    d = start_daemon(tmp_path, daemon_factory, link)
    assert wait_for(lambda: "10.71.1.0/24" in table(d), 20), d.read_log()
    assert vtysh_json(d.sock, "show daemon json")["logLevel"] == "informational"
    assert "BGP updates debugging is on" not in run(d, "show debugging")

    run(d, "debug bgp updates")
    assert "  BGP updates debugging is on\n" in run(d, "show debugging")
    j = vtysh_json(d.sock, "show debugging json")
    assert j["debugging"]["bgpUpdatesIn"] and j["debugging"]["bgpUpdatesOut"]
    assert not j["debugging"]["bgpKeepalives"] and j["configured"] == []
    bird_announce(b, "10.71.1.0/24", "10.71.2.0/24")
    assert wait_for(lambda: update_lines(d, "10.71.2.0/24"), 10), d.read_log()
    line = update_lines(d, "10.71.2.0/24")[0]
    assert re.search(rf"debug: neighbor {link.addr_b}: UPDATE in: 1 announced \(10\.71\.2\.0/24\), "
                     rf"0 withdrawn, next hop {link.addr_b}$", line), line
    assert update_lines(d, "10.71.1.0/24") == []     # announced while the topic was off

    run(d, "no debug bgp updates in")
    assert "  BGP updates debugging is on (outbound)\n" in run(d, "show debugging")
    run(d, "no debug bgp updates")
    j = vtysh_json(d.sock, "show debugging json")
    assert not any(j["debugging"].values()), j
    bird_announce(b, "10.71.2.0/24", "10.71.3.0/24")
    assert wait_for(lambda: "10.71.3.0/24" in table(d), 10)
    time.sleep(0.5)
    assert update_lines(d, "10.71.3.0/24") == [], d.read_log()
    assert "debug" not in run(d, "show running-config")    # the shell left the config alone
    d.stop()
    d.assert_no_sanitizer_report()


def test_debug_lines_of_the_config_file_are_on_from_the_start_and_stay_in_it(
        tmp_path, link, birds, daemon_factory):
    start_bird(tmp_path, birds, link, ["10.71.1.0/24"])
    d = start_daemon(tmp_path, daemon_factory, link,
                     extra="debug bgp neighbor-events\ndebug bgp keepalives\ndebug fib\n")
    j = vtysh_json(d.sock, "show debugging json")
    assert j["debugging"]["bgpNeighborEvents"] and j["debugging"]["bgpKeepalives"]
    assert j["configured"] == ["bgp neighbor-events", "bgp keepalives", "fib"]
    assert wait_for(lambda: "10.71.1.0/24" in table(d), 20), d.read_log()
    assert wait_for(lambda: "debug: fib: install route 10.71.1.0/24" in d.read_log(), 10), \
        d.read_log()
    log = d.read_log()
    assert f"neighbor {link.addr_b}: OpenConfirm -> Established" in log, log
    assert f"neighbor {link.addr_b}: KEEPALIVE received" in log
    assert "UpdateMsg in Established" not in log      # neighbor-events: not each message
    text = run(d, "show debugging")
    assert "  BGP neighbor-events debugging is on\n" in text
    assert "  BGP keepalives debugging is on\n" in text
    assert "debug bgp neighbor-events\ndebug bgp keepalives\ndebug fib\n" in run(d, "show running-config")

    run(d, "undebug all")
    assert not any(vtysh_json(d.sock, "show debugging json")["debugging"].values())
    assert "debug bgp keepalives\n" in run(d, "show running-config")
    time.sleep(0.2)
    seen = d.read_log().count("KEEPALIVE received")
    time.sleep(2.5)                                  # BIRD sends one a second
    assert d.read_log().count("KEEPALIVE received") == seen
    d.stop()
    d.assert_no_sanitizer_report()
