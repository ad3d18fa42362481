"""BGP sessions against BIRD 2 in network namespaces: establishment with
4-byte ASNs, keepalives past the hold time, a peer restart, TCP MD5 right and
wrong, GTSM, update-source, strangers refused, and a Cease on SIGTERM. What is
asserted is what an operator reads: `show bgp ... json`, BIRD's `show
protocols all`, and the daemon's log."""
import json
import os
import shutil
import socket
import time

import pytest

from bgplab import Bird, Link
from conftest import vtysh, vtysh_json, wait_for

OUR_AS, BIRD_AS = 4200000001, 4200000002

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")


@pytest.fixture
def link():
    l = Link()
    yield l
    l.close()


@pytest.fixture
def lab(tmp_path, link, daemon_factory):
    """Start BIRD on B and ipip-bgpd on A with extra neighbor lines / BIRD options."""
    made = []

    def start(ours="", bird_opts="", bird_neighbor=None, bird_local=None, extra=""):
        bird = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, bird_neighbor or link.addr_a,
                    OUR_AS, local=bird_local, options=bird_opts)
        made.append(bird)
        bird.start()
        conf = tmp_path / "bgpd.conf"
        conf.write_text(f"""router bgp {OUR_AS}
 bgp router-id {link.addr_a}
 neighbor {link.addr_b} remote-as {BIRD_AS}
 neighbor {link.addr_b} timers 1 3
 neighbor {link.addr_b} timers connect 1
""" + "".join(f" neighbor {link.addr_b} {l}\n" for l in ours.splitlines() if l.strip()) + extra)
        d = daemon_factory(config=conf, netns=link.a).start()
        return d, bird

    yield start
    for b in made:
        b.stop()


def peer_state(d, addr):
    j = vtysh_json(d.sock, "show bgp summary json")
    return j["ipv4Unicast"]["peers"][addr]


def is_up(d, addr):
    return peer_state(d, addr)["state"] == "Established"


def test_session_reaches_established_with_4byte_asns(lab, link):
    d, bird = lab()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    s = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]
    assert s["routerId"] == link.addr_a and s["as"] == OUR_AS
    p = s["peers"][link.addr_b]
    assert p["remoteAs"] == BIRD_AS and p["connectionsEstablished"] == 1
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert n["bgpState"] == "Established"
    assert n["remoteRouterId"] == link.addr_b
    assert n["neighborCapabilities"]["4byteAs"] == "advertisedAndReceived"
    assert n["bgpTimerHoldTimeMsecs"] == 3000
    assert wait_for(bird.established, 5)
    assert f"Neighbor AS:      {OUR_AS}" in bird.protocol()
    assert f"neighbor {link.addr_b}: session established" in d.read_log()


def test_keepalives_keep_the_session_past_the_hold_time(lab, link):
    d, bird = lab()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    before = peer_state(d, link.addr_b)["msgRcvd"]
    time.sleep(7)                      # more than twice the 3 s hold time
    p = peer_state(d, link.addr_b)
    assert p["state"] == "Established"
    assert p["connectionsEstablished"] == 1 and p["connectionsDropped"] == 0
    assert p["msgRcvd"] >= before + 4  # BIRD's keepalives every second
    assert p["peerUptimeMsec"] >= 7000
    assert bird.established()


def test_bird_restart_drops_then_reestablishes(lab, link):
    d, bird = lab()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    bird.stop()
    assert wait_for(lambda: peer_state(d, link.addr_b)["state"] in ("Idle", "Active", "Connect"), 5)
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert "received NOTIFICATION 6/" in n["lastResetDueTo"]
    bird.start()
    assert wait_for(lambda: is_up(d, link.addr_b), 30), d.read_log()
    p = peer_state(d, link.addr_b)
    assert p["connectionsEstablished"] == 2 and p["connectionsDropped"] == 1
    assert wait_for(bird.established, 5)


def test_md5_session_establishes_passively(lab, link):
    d, bird = lab(ours="password s3cret-key\npassive", bird_opts='password "s3cret-key";')
    assert wait_for(lambda: is_up(d, link.addr_b), 25), d.read_log()
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert n["md5Enabled"] and n["passive"]
    assert n["portLocal"] == 179       # BIRD connected to our listener


def test_wrong_md5_password_never_establishes_and_the_log_says_why(lab, link):
    """The kernel drops the badly signed segments before any socket sees
    them; the daemon reads its drop counters and says, once, what is likely
    wrong, and `show bgp statistics` shows them."""
    d, bird = lab(ours="password right-key", bird_opts='password "wrong-key";')
    hint = f"neighbor {link.addr_b}: not established, and the kernel dropped"
    assert wait_for(lambda: hint in d.read_log(), 15), d.read_log()
    assert "wrong (" in d.read_log() and "the password probably differs" in d.read_log()
    p = peer_state(d, link.addr_b)
    assert p["state"] != "Established"
    assert p["connectionsEstablished"] == 0
    assert not bird.established()
    st = vtysh_json(d.sock, "show bgp statistics json")["ipv4Unicast"]
    assert st["tcpMd5Failure"] > 0, st
    time.sleep(4)                                  # more drops, more retries: still one line
    assert d.read_log().count(hint) == 1, d.read_log()


def test_a_neighbor_signing_when_we_have_no_password_is_named_in_the_log(lab, link):
    d, bird = lab(bird_opts='password "their-key";')
    hint = f"neighbor {link.addr_b}: not established, and the kernel dropped"
    assert wait_for(lambda: hint in d.read_log(), 15), d.read_log()
    assert "the neighbor probably has a password configured" in d.read_log()
    assert not is_up(d, link.addr_b)


def test_gtsm_session_establishes_one_hop(lab, link):
    d, bird = lab(ours="ttl-security hops 1", bird_opts="ttl security yes;")
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert n["bgpTtlSecurityHops"] == 1


def test_a_gtsm_neighbor_connecting_completes_the_handshake(lab, link):
    """A GTSM speaker (ipip-bgpd itself, FRR) sets IP_MINTTL before its
    connect(): the kernel then drops a SYN-ACK below TTL 255, so our
    listener must answer with 255 or the neighbor's connections never open."""
    d, bird = lab(ours="ttl-security hops 1\npassive", bird_opts="ttl security yes;")
    probe = ("import socket\n"
             "s = socket.socket(); s.setsockopt(socket.IPPROTO_IP, 21, 255)\n"
             f"s.bind(('{link.addr_b}', 0)); s.settimeout(5)\n"
             "try:\n"
             f"    s.connect(('{link.addr_a}', 179)); print('connected')\n"
             "except OSError as e:\n    print(e)\n")
    r = link.run_in("b", "python3", "-c", probe, timeout=15)
    assert r.stdout.strip() == "connected", (r.stdout, r.stderr)


def test_update_source_is_the_local_address(lab, link):
    link.add_addr("a", "10.0.0.11")
    d, bird = lab(ours="update-source 10.0.0.11", bird_neighbor="10.0.0.11")
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
    assert n["hostLocal"] == "10.0.0.11"


def test_unconfigured_peer_is_refused_and_logged(lab, link):
    d, bird = lab()
    link.add_addr("b", "10.0.0.3")
    probe = ("import socket\n"
             "s = socket.socket(); s.bind(('10.0.0.3', 0)); s.settimeout(5)\n"
             f"s.connect(('{link.addr_a}', 179))\n"
             "try:\n    print('closed' if s.recv(100) == b'' else 'data')\n"
             "except ConnectionResetError:\n    print('closed')\n")
    r = link.run_in("b", "python3", "-c", probe, timeout=15)
    assert r.stdout.strip() == "closed", r.stderr
    assert wait_for(lambda: "connection from 10.0.0.3 refused: not a configured neighbor"
                    in d.read_log(), 5), d.read_log()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), "the configured peer was harmed"


def test_sigterm_sends_cease_to_the_peer(lab, link):
    d, bird = lab()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    assert wait_for(bird.established, 5)
    assert d.stop() == 0
    assert wait_for(lambda: "Received: Administrative shutdown" in bird.protocol(), 5), bird.protocol()
    d.assert_no_sanitizer_report()


def test_clear_bgp_resets_with_cease_4_and_comes_back(lab, link):
    d, bird = lab()
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    r = vtysh(d.sock, f"clear bgp {link.addr_b}")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: "Received: Administrative reset" in bird.read_log(), 5), bird.read_log()
    assert wait_for(lambda: peer_state(d, link.addr_b)["connectionsEstablished"] == 2, 20), d.read_log()
    assert is_up(d, link.addr_b)
    r = vtysh(d.sock, "clear bgp 10.9.9.9")
    assert r.returncode != 0 and "No such neighbor 10.9.9.9" in r.stderr
    r = vtysh(d.sock, "clear bgp nonsense")
    assert r.returncode != 0 and "Malformed neighbor address" in r.stderr


def test_unreachable_neighbor_does_not_disturb_the_other(lab, link):
    d, bird = lab(extra=" neighbor 10.0.0.9 remote-as 65009\n neighbor 10.0.0.9 timers connect 1\n")
    assert wait_for(lambda: is_up(d, link.addr_b), 20), d.read_log()
    s = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]
    assert s["totalPeers"] == 2 and s["failedPeers"] == 1
    assert s["peers"]["10.0.0.9"]["state"] in ("Connect", "Active")
    assert s["peers"]["10.0.0.9"]["peerUptime"] == "never"
    text = vtysh(d.sock, "show bgp summary").stdout
    assert "10.0.0.9" in text and "Total number of neighbors 2" in text


def test_bgp_port_in_use_is_one_clear_error(daemon_factory, tmp_path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    conf = tmp_path / "bgpd.conf"
    conf.write_text(f"router bgp 65001\n bgp router-id 10.9.9.9\n"
                    f" bgp listen-address 127.0.0.1\n bgp listen-port {port}\n")
    d = daemon_factory(config=conf, netns=None).start(wait=False)   # where the holder is
    try:
        assert d.proc.wait(10) == 1
    finally:
        holder.close()
    errors = [l for l in d.read_log().splitlines() if "error:" in l]
    assert len(errors) == 1, d.read_log()
    assert f"cannot listen for BGP on 127.0.0.1 port {port}: Address already in use" in errors[0]
    assert not os.path.exists(d.sock) and not os.path.exists(d.pidfile)


def test_summary_without_router_bgp(daemon):
    r = vtysh(daemon.sock, "show bgp summary json")
    assert r.returncode == 0 and json.loads(r.stdout) == {}   # as FRR without an instance
    r = vtysh(daemon.sock, "show bgp neighbors")
    assert r.returncode != 0 and "BGP is not configured" in r.stderr
