"""ipip-vtysh with FRR habits: the spellings an FRR operator types, JSON on
stdout when a json command fails, one "% " per message, our own routes shown
as FRR shows them, and one interactive shell that outlives a daemon restart."""
import json

from conftest import vtysh, vtysh_json, wait_for
from test_shell_pty import say, shell_on, exit_shell

CONF = """hostname frr-habits
router bgp 65001
 bgp router-id 10.1.0.1
 neighbor 10.1.0.2 remote-as 65002
 neighbor 10.1.0.3 remote-as 65001
 neighbor 10.1.0.3 timers connect 60
 neighbor 10.1.0.2 timers connect 60
 address-family ipv4 unicast
  network 192.168.91.0/24
  network 192.168.91.128/25
  network 10.5.0.0/16
 exit-address-family
"""


def start(daemon_factory, tmp_path):
    conf = tmp_path / "frr.conf"
    conf.write_text(CONF)
    d = daemon_factory(config=conf).start()
    assert wait_for(lambda: len(vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]) == 3,
                    10), d.read_log()
    return d, conf


def failed_json(sock, cmd):
    """A failed json command: exit 1, valid JSON on stdout, one '% ' line on stderr."""
    r = vtysh(sock, cmd)
    assert r.returncode == 1, (cmd, r.stdout, r.stderr)
    assert r.stderr.startswith("% ") and "% %" not in r.stderr, r.stderr
    return json.loads(r.stdout), r.stderr


def test_failed_json_commands_print_json(daemon_factory, tmp_path):
    d, _ = start(daemon_factory, tmp_path)
    j, err = failed_json(d.sock, "show bgp neighbors 10.91.9.9 json")
    assert j == {"bgpNoSuchNeighbor": True} and "No such neighbor 10.91.9.9" in err
    j, err = failed_json(d.sock, "show bgp ipv4 unicast 10.99.0.0/16 json")
    assert j == {} and err == "% Network not in table\n", err
    j, err = failed_json(d.sock, "show ip bgp 10.99.0.1 json")
    assert j == {}
    j, err = failed_json(d.sock, "show bgp neighbors 10.91.9.9 routes json")
    assert j == {"warning": "No such neighbor or address family"}, j
    j, err = failed_json(d.sock, "show bgp neighbors 10.91.9.9 advertised-routes json")
    assert "No such neighbor" in j["warning"], j
    j, _ = failed_json(d.sock, "show ip bgp neighbors 10.1.0.2 received-routes json")
    assert "Inbound soft reconfiguration not enabled" in j["warning"], j
    # text: nothing on stdout, the message once prefixed
    r = vtysh(d.sock, "show bgp ipv4 unicast 10.99.0.0/16")
    assert r.returncode == 1 and r.stdout == "" and r.stderr == "% Network not in table\n"
    # and what succeeds is unchanged
    assert "10.1.0.2" in vtysh_json(d.sock, "show bgp neighbors 10.1.0.2 json")


def test_failed_json_without_bgp_or_daemon(daemon_factory, tmp_path):
    conf = tmp_path / "nobgp.conf"
    conf.write_text("hostname nobgp\n")
    d = daemon_factory(config=conf).start()
    j, err = failed_json(d.sock, "show bgp ipv4 unicast json")
    assert "BGP is not configured" in j["warning"], j
    d.stop()
    r = vtysh(d.sock, "show version json")
    assert r.returncode == 2 and "cannot connect" in json.loads(r.stdout)["warning"]


def test_own_routes_look_like_frrs(daemon_factory, tmp_path):
    d, _ = start(daemon_factory, tmp_path)
    j = vtysh_json(d.sock, "show bgp ipv4 unicast json")
    p = j["routes"]["192.168.91.0/24"][0]
    assert p["pathFrom"] == "external" and p["weight"] == 32768 and "locPrf" not in p, p
    assert p["peerId"] == "(unspec)" and p["nexthops"][0]["ip"] == "0.0.0.0", p
    text = vtysh(d.sock, "show ip bgp").stdout
    row = next(line for line in text.splitlines() if "192.168.91.0/24" in line)
    assert row.startswith("*> 192.168.91.0/24") and " 100 " not in row and "32768" in row, row
    detail = vtysh(d.sock, "show ip bgp 192.168.91.0/24").stdout
    assert "sourced, local" in detail and "internal" not in detail, detail


def test_frr_spellings(daemon_factory, tmp_path):
    d, conf = start(daemon_factory, tmp_path)
    for cmd in ("show bgp ipv4 summary json", "show bgp ipv4 unicast summary json",
                "show ip bgp summary json"):
        s = vtysh_json(d.sock, cmd)
        assert sorted(s["ipv4Unicast"]["peers"]) == ["10.1.0.2", "10.1.0.3"], (cmd, s)
    j = vtysh_json(d.sock, "show bgp ipv4 unicast 192.168.0.0/16 longer-prefixes json")
    assert sorted(j["routes"]) == ["192.168.91.0/24", "192.168.91.128/25"], j
    assert j["totalRoutes"] == 2
    text = vtysh(d.sock, "show ip bgp 192.168.91.128/25 longer-prefixes").stdout
    assert "192.168.91.128/25" in text and "192.168.91.0/24" not in text, text
    for cmd in ("clear ip bgp 10.1.0.2", "clear bgp ipv4 unicast *", "clear bgp external",
                "clear bgp 65001", "clear ip bgp * soft out"):
        r = vtysh(d.sock, cmd)
        assert r.returncode == 0, (cmd, r.stderr)
    # bare `out` is FRR's soft out: a soft clear of a session that is down says so
    # (a hard reset of it would succeed)
    r = vtysh(d.sock, "clear bgp 10.1.0.3 out")
    assert r.returncode == 1 and "is not Established" in r.stderr, r.stderr
    r = vtysh(d.sock, "clear bgp 65099")
    assert r.returncode == 1 and "No neighbor is configured with AS 65099" in r.stderr
    r = vtysh(d.sock, "show bgp neighbors 10.1.0.2 received-routes")
    assert r.returncode == 1 and "Inbound soft reconfiguration not enabled" in r.stderr
    assert "router bgp 65001" in vtysh(d.sock, "write terminal").stdout
    for cmd in ("write", "wr", "copy running-config startup-config"):
        conf.write_text("! clobbered\n")
        r = vtysh(d.sock, cmd)
        assert r.returncode == 0 and "router bgp 65001" in conf.read_text(), (cmd, r.stderr)


def test_one_shell_outlives_a_daemon_restart(daemon_factory, tmp_path):
    with shell_on(daemon_factory, tmp_path, "hostname restart-me\n",
                  "restart-me# ") as (d, pid, fd):
        first = say(fd, b"show daemon json\n", "restart-me# ")
        d.stop()
        d.start()
        out = say(fd, b"show daemon json\n", "restart-me# ")
        assert "Broken pipe" not in out and "cannot connect" not in out, out
        pid1 = json.loads(first[first.index("{"):first.rindex("}") + 1])["pid"]
        pid2 = json.loads(out[out.index("{"):out.rindex("}") + 1])["pid"]
        assert pid1 != pid2, (first, out)
        exit_shell(pid, fd)
