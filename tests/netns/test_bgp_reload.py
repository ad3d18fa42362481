"""Reload applies only the difference (issue 7), with three BIRD 2 peers each
in its own namespace: a changed description, timer and prefix-list leave the
sessions up (their uptime keeps counting); a changed remote-as resets that
one session; a neighbor removed or added by reload stops or starts exactly
its own session. Changes come by SIGHUP, by `ipip-vtysh -c`, and typed into
the interactive shell. What is asserted is what an operator reads: `show bgp
summary json` (connectionsEstablished/Dropped, peerUptimeMsec), `show bgp
neighbors json`, `show running-config`, and BIRD's own log."""
import os
import shutil
import signal
import time

import pytest

from bgplab import Bird
from conftest import veth_pair, vtysh, vtysh_json, wait_for
from test_shell_pty import exit_shell, read_until, say, shell

OUR_AS = 65001
PEERS = {2: 65002, 3: 65003, 4: 65004}      # 10.0.N.2 in AS PEERS[N]

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")


def addr(n):
    return f"10.0.{n}.2"


def config(peers, remote_as=None, desc=None, timers=None, plist=False):
    """Our config file: the neighbors in peers, with the overrides given per N."""
    remote_as, desc, timers = remote_as or {}, desc or {}, timers or {}
    text = "ip prefix-list P seq 5 permit 10.0.0.0/8\n"
    if plist:
        text += "ip prefix-list P seq 10 deny 192.168.0.0/16\n"
    text += f"!\nrouter bgp {OUR_AS}\n bgp router-id 10.0.2.1\n"
    for n in peers:
        a = addr(n)
        text += f" neighbor {a} remote-as {remote_as.get(n, PEERS[n])}\n"
        if n in desc:
            text += f" neighbor {a} description {desc[n]}\n"
        text += f" neighbor {a} timers {timers.get(n, '1 3')}\n neighbor {a} timers connect 1\n"
    text += " address-family ipv4 unicast\n"
    for n in peers:
        text += f"  neighbor {addr(n)} prefix-list P in\n"
    return text + " exit-address-family\nexit\n!\n"


@pytest.fixture
def lab(tmp_path, netns_factory, daemon_factory):
    """Our daemon in namespace A, BIRD N in namespace BN on 10.0.N.0/24."""
    tag = f"ig{os.getpid() % 100000}r"
    ours = netns_factory(f"{tag}a")
    birds = {}
    for n, asn in PEERS.items():
        ns = netns_factory(f"{tag}b{n}")
        veth_pair(ours, f"{tag}{n}a", ns, f"{tag}{n}b")
        ours.ip("addr", "add", f"10.0.{n}.1/24", "dev", f"{tag}{n}a")
        ns.ip("addr", "add", f"{addr(n)}/24", "dev", f"{tag}{n}b")
        d = tmp_path / f"bird{n}"
        d.mkdir()
        birds[n] = Bird(d, ns.name, addr(n), asn, f"10.0.{n}.1", OUR_AS).start()
    conf = tmp_path / "bgpd.conf"
    conf.write_text(config(PEERS))
    d = daemon_factory(config=conf, netns=ours.name).start()
    d.conf = conf
    assert wait_for(lambda: all(up(d, n) for n in PEERS), 30), d.read_log()
    yield d, birds
    for b in birds.values():
        b.stop()


def summary(d):
    return vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]


def up(d, n):
    p = summary(d).get(addr(n))
    return p is not None and p["state"] == "Established"


def reload(d, text):
    d.conf.write_text(text)
    mark = d.read_log().count("configuration reloaded")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("configuration reloaded") > mark, 10), d.read_log()


def assert_untouched(before, after, n, elapsed_ms):
    """Neighbor N kept its session: same counts, uptime grew by the time waited."""
    b, a = before[addr(n)], after[addr(n)]
    assert a["state"] == "Established"
    assert (a["connectionsEstablished"], a["connectionsDropped"]) == \
        (b["connectionsEstablished"], b["connectionsDropped"])
    assert a["peerUptimeMsec"] >= b["peerUptimeMsec"] + elapsed_ms - 100


def test_only_the_remote_as_change_resets_its_session(lab):
    d, birds = lab
    before, t0 = summary(d), time.monotonic()
    reload(d, config(PEERS, remote_as={4: 65044}, desc={2: "site two"},
                     timers={3: "2 6"}, plist=True))
    assert wait_for(lambda: summary(d)[addr(4)]["connectionsDropped"] == 1, 10), d.read_log()
    assert wait_for(lambda: "Other configuration change" in birds[4].read_log(), 5), \
        birds[4].read_log()
    time.sleep(2)           # sessions that were reset would show it by now
    after = summary(d)
    elapsed = int((time.monotonic() - t0) * 1000)
    assert_untouched(before, after, 2, elapsed - 500)
    assert_untouched(before, after, 3, elapsed - 500)
    assert after[addr(4)]["state"] != "Established"     # BIRD 4 is still AS 65004
    assert after[addr(4)]["remoteAs"] == 65044
    n2 = vtysh_json(d.sock, f"show bgp neighbors {addr(2)} json")[addr(2)]
    assert n2["nbrDesc"] == "site two"
    n3 = vtysh_json(d.sock, f"show bgp neighbors {addr(3)} json")[addr(3)]
    assert n3["bgpTimerConfiguredHoldTimeMsecs"] == 6000    # offered in the next OPEN
    assert n3["bgpTimerHoldTimeMsecs"] == 3000              # the running session keeps its own
    for n in (2, 3):
        assert "Other configuration change" not in birds[n].read_log()
    log = d.read_log()
    assert f"neighbor {addr(4)}: configuration changed; session restarts" in log
    assert f"neighbor {addr(2)}: configuration changed" not in log
    # The shell puts the remote-as back: that session alone comes up again.
    before, t0 = summary(d), time.monotonic()
    r = vtysh(d.sock, "configure terminal", f"router bgp {OUR_AS}",
              f"neighbor {addr(4)} remote-as 65004", f"neighbor {addr(3)} description via shell",
              f"neighbor {addr(2)} timers 1 4", "end")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: up(d, 4), 20), d.read_log()
    after = summary(d)
    assert after[addr(4)]["connectionsEstablished"] == 2
    elapsed = int((time.monotonic() - t0) * 1000)
    assert_untouched(before, after, 2, elapsed - 500)
    assert_untouched(before, after, 3, elapsed - 500)
    running = vtysh(d.sock, "show running-config").stdout
    assert f"neighbor {addr(3)} description via shell" in running
    assert f"neighbor {addr(4)} remote-as 65004" in running


def test_reload_removes_and_adds_exactly_one_neighbor(lab):
    d, birds = lab
    before, t0 = summary(d), time.monotonic()
    reload(d, config([2, 4]))
    assert wait_for(lambda: addr(3) not in summary(d), 5)
    assert wait_for(lambda: "Peer de-configured" in birds[3].read_log(), 5), birds[3].read_log()
    after = summary(d)
    elapsed = int((time.monotonic() - t0) * 1000)
    assert_untouched(before, after, 2, elapsed - 500)
    assert_untouched(before, after, 4, elapsed - 500)
    before, t0 = after, time.monotonic()
    reload(d, config(PEERS))
    assert wait_for(lambda: up(d, 3), 20), d.read_log()
    after = summary(d)
    assert after[addr(3)]["connectionsEstablished"] == 1       # a new neighbor
    elapsed = int((time.monotonic() - t0) * 1000)
    assert_untouched(before, after, 2, elapsed - 500)
    assert_untouched(before, after, 4, elapsed - 500)
    d.assert_no_sanitizer_report()


def test_bad_reload_keeps_every_session(lab):
    d, birds = lab
    before, t0 = summary(d), time.monotonic()
    reload_text = config(PEERS, remote_as={4: 65044}).replace("timers 1 3", "timers 1 2", 1)
    d.conf.write_text(reload_text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "keeping the running configuration" in d.read_log(), 10)
    time.sleep(1)
    after = summary(d)
    elapsed = int((time.monotonic() - t0) * 1000)
    for n in PEERS:
        assert_untouched(before, after, n, elapsed - 500)
    assert after[addr(4)]["remoteAs"] == 65004


def test_shell_description_keeps_the_session(lab, tmp_path):
    d, birds = lab
    before, t0 = summary(d), time.monotonic()
    with shell(d.sock, tmp_path) as (pid, fd):
        read_until(fd, "# ")
        say(fd, b"configure terminal\n", "(config)# ")
        say(fd, b"router bgp 65001\n", "(config-router)# ")
        say(fd, f"neighbor {addr(2)} description typed here\n".encode(), "(config-router)# ")
        say(fd, b"end\n", "# ")
        out = say(fd, b"show running-config\n", "exit\r\n!")
        assert f"neighbor {addr(2)} description typed here" in out
        exit_shell(pid, fd)
    time.sleep(1)
    after = summary(d)
    elapsed = int((time.monotonic() - t0) * 1000)
    for n in PEERS:
        assert_untouched(before, after, n, elapsed - 500)
    n2 = vtysh_json(d.sock, f"show bgp neighbors {addr(2)} json")[addr(2)]
    assert n2["nbrDesc"] == "typed here"
