"""The configuration as an operator meets it: ipip-bgpd -C on the golden
corpus, show running-config in text/JSON/XML, reload that refuses a bad file
and keeps the running config, config commands from ipip-vtysh, write memory."""
import glob
import json
import os
import signal
import subprocess

import pytest

from conftest import BGPD, VTYSH, vtysh, vtysh_json, wait_for

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "config")
GOOD = sorted(glob.glob(os.path.join(DATA, "good", "*.conf")))
BAD = sorted(glob.glob(os.path.join(DATA, "bad", "*.conf")))


def running(d, fmt=""):
    r = vtysh(d.sock, f"show running-config {fmt}".strip())
    assert r.returncode == 0, r.stderr
    return r.stdout


def started_on_file(daemon_factory, tmp_path, name, text):
    """A daemon started from tmp_path/name holding text; the file too, to rewrite and reload."""
    conf = tmp_path / name
    conf.write_text(text)
    return daemon_factory(config=conf).start(), conf


@pytest.mark.parametrize("path", BAD, ids=os.path.basename)
def test_check_mode_gives_the_documented_error(path):
    name = os.path.basename(path)
    want = open(path[:-5] + ".err").read().strip()
    r = subprocess.run([BGPD, "-C", "-f", name], cwd=os.path.dirname(path),
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [want], r.stderr     # FILE:LINE: message, as README says


@pytest.mark.parametrize("path", GOOD, ids=os.path.basename)
def test_good_file_shows_back_identical_and_json_round_trips(daemon_factory, tmp_path, path):
    text = open(path).read()
    r = subprocess.run([BGPD, "-C", "-f", path], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and "configuration OK" in r.stdout, r.stderr
    d = daemon_factory(config=path).start()
    assert running(d) == text
    data = running(d, "json")
    assert "ipip-bgpd:" in json.dumps(json.loads(data))
    assert running(d, "xml").startswith("<")
    d2, _ = started_on_file(daemon_factory, tmp_path, "c.json", data)
    assert running(d2) == text
    assert json.loads(running(d2, "json")) == json.loads(data)


def test_bad_reload_keeps_the_running_config(daemon_factory, tmp_path):
    good = "router bgp 65001\n neighbor 10.1.0.2 remote-as 65002\nexit\n!\n"
    d, conf = started_on_file(daemon_factory, tmp_path, "r.conf", good)
    conf.write_text("router bgp 65001\n neighbor 10.1.0.2 remote-as 65002\n"
                    " neighbor 10.1.0.2 timers 1 2\nexit\n")
    r = vtysh(d.sock, "reload")
    assert r.returncode == 1 and "has errors" in r.stderr
    assert f"{conf}:3: /ipip-bgpd:bgp/neighbor[address='10.1.0.2']/timers/hold: a hold time" in d.read_log()
    assert running(d) == good
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.read_log().count("keeping the running configuration") == 2)
    assert running(d) == good
    conf.write_text(good.replace("exit\n", " neighbor 10.1.0.2 description new\nexit\n"))
    assert vtysh(d.sock, "reload").returncode == 0
    assert "neighbor 10.1.0.2 description new" in running(d)
    assert "/description created as new (no session reset)" in d.read_log()


def test_reload_from_the_shell_prints_each_error_and_fails(daemon_factory, tmp_path):
    """As `birdc configure`: the operator (and systemctl reload, which runs
    it) sees why the file was refused, as `ipip-bgpd -C` would print it."""
    good = "router bgp 65001\n neighbor 10.1.0.2 remote-as 65002\nexit\n!\n"
    d, conf = started_on_file(daemon_factory, tmp_path, "s.conf", good)
    conf.write_text("router bgp 65001\n neighbor 10.1.0.2 remote-as 65002\n\n"
                    " neighbor 10.1.0.2 timers 1 2\n neighbor 10.1.0.2 frob\nexit\n")
    check = subprocess.run([BGPD, "-C", "-f", str(conf)], capture_output=True, text=True, timeout=20)
    r = vtysh(d.sock, "reload")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert len(check.stderr.splitlines()) == 2, check.stderr
    for line in check.stderr.splitlines():
        assert f"% {line}\n" in r.stderr, (line, r.stderr)
    assert f"% {conf}:5: /ipip-bgpd:bgp/neighbor[address='10.1.0.2']: unknown keyword 'frob'" in r.stderr
    assert r.stderr.rstrip().endswith(f"% {conf} has errors; the running configuration stays")
    assert running(d) == good


def test_vtysh_f_errors_name_file_and_line(daemon, tmp_path):
    """-f FILE names FILE:LINE as `ipip-bgpd -C -f FILE` does (blank lines count)."""
    f = tmp_path / "cmds.conf"
    f.write_text("router bgp 65001\n\n neighbor 10.1.0.2 remote-as 65002\n!\n neighbor 10.1.0.2 frob\nexit\n")
    r = subprocess.run([VTYSH, "-S", daemon.sock, "-f", str(f)], capture_output=True, text=True,
                       timeout=20)
    assert r.returncode == 1
    assert f"% {f}:5: /ipip-bgpd:bgp/neighbor[address='10.1.0.2']: unknown keyword 'frob'" in r.stderr, \
        r.stderr
    check = subprocess.run([BGPD, "-C", "-f", str(f)], capture_output=True, text=True, timeout=20)
    assert check.stderr.startswith(f"{f}:5: /ipip-bgpd:bgp/neighbor[address='10.1.0.2']: unknown keyword"), \
        check.stderr
    assert "router bgp" not in running(daemon)
    # typed lines carry their block's context: no line number there
    r = vtysh(daemon.sock, "configure terminal", "router bgp 65001", "neighbor 10.1.0.2 frob")
    assert r.returncode == 1
    assert "% /ipip-bgpd:bgp/neighbor[address='10.1.0.2']: unknown keyword 'frob'" in r.stderr, r.stderr


def test_config_commands_change_running_config_and_bad_ones_nothing(daemon):
    r = vtysh(daemon.sock, "configure terminal", "hostname x", "router bgp 65001",
              "neighbor 10.1.0.2 remote-as 65002", "end")
    assert r.returncode == 0, r.stderr
    assert running(daemon) == "hostname x\n!\nrouter bgp 65001\n neighbor 10.1.0.2 remote-as 65002\nexit\n!\n"
    r = vtysh(daemon.sock, "configure terminal", "router bgp 65001", "address-family ipv4 unicast",
              "neighbor 10.1.0.2 route-map NOPE in")
    assert r.returncode == 1
    assert "% /ipip-bgpd:bgp/neighbor[address='10.1.0.2']/ipv4-unicast/route-map-in: there is no route-map NOPE" in r.stderr
    r = vtysh(daemon.sock, "configure terminal", "router bgp 65001", "no neighbor 10.1.0.2", "end")
    assert r.returncode == 0 and running(daemon) == "hostname x\n!\nrouter bgp 65001\nexit\n!\n"


def test_vtysh_f_applies_a_file_as_one_change(daemon, tmp_path):
    f = tmp_path / "cmds.conf"
    f.write_text(open(os.path.join(DATA, "good", "02-bgp.conf")).read())
    r = subprocess.run([os.path.join(os.path.dirname(BGPD), "..", "vtysh", "ipip-vtysh"),
                        "-S", daemon.sock, "-f", str(f)], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert running(daemon) == f.read_text()


def test_write_memory_replaces_the_file(daemon_factory, tmp_path):
    d, conf = started_on_file(daemon_factory, tmp_path, "w.conf", "hostname before\n")
    r = vtysh(d.sock, "configure terminal", "hostname after", "do write memory")
    assert r.returncode == 0 and f"saved to {conf}" in r.stdout, r.stderr
    assert conf.read_text() == "hostname after\n"
    assert not glob.glob(str(tmp_path / "w.conf.tmp.*"))


def test_json_config_error_names_line_and_node(tmp_path):
    j = tmp_path / "c.json"
    j.write_text('{"ipip-bgpd:bgp": {"asn": 1,\n"neighbor": [{"address": "10.0.0.2", "remote-as": 0}]}}\n')
    r = subprocess.run([BGPD, "-C", "-f", str(j)], capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert f"{j}:2: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/remote-as: an AS number is 1..4294967295" in r.stderr


def test_reload_classifies_each_change(daemon_factory, tmp_path):
    base = ("ip prefix-list P seq 5 permit 10.0.0.0/8\n!\nrouter bgp 65001\n"
            " neighbor 10.1.0.2 remote-as 65002\n neighbor 10.1.0.3 remote-as 65003\n"
            " neighbor 10.1.0.4 remote-as 65004\n neighbor 10.1.0.5 remote-as 65005\nexit\n!\n")
    d, conf = started_on_file(daemon_factory, tmp_path, "d.conf", base)
    conf.write_text(base.replace("8\n!", "8\nip prefix-list P seq 10 deny 192.168.0.0/16\n!")
                    .replace("65002\n", "65002\n neighbor 10.1.0.2 description new\n")
                    .replace("65003\n", "65003\n neighbor 10.1.0.3 timers 10 30\n")
                    .replace("remote-as 65004", "remote-as 65044"))
    assert vtysh(d.sock, "reload").returncode == 0
    log = d.read_log()
    assert "neighbor[address='10.1.0.2']/description created as new (no session reset)" in log
    assert "neighbor[address='10.1.0.3']/timers created (no session reset)" in log
    assert "neighbor[address='10.1.0.4']/remote-as changed to 65044 (session reset)" in log
    assert "prefix-list[name='P']/entry[seq='10'] created (soft refresh)" in log
    assert "10.1.0.5" not in log            # untouched neighbor: not a change
    assert "(4 changes)" in log


def test_neighbor_sub_mode_edits_that_neighbor(daemon):
    r = vtysh(daemon.sock, "configure terminal", "router bgp 65001", "neighbor 10.1.0.2",
              "remote-as 65002", "description via the sub-mode", "exit", "neighbor 10.1.0.3 remote-as 65003",
              "end")
    assert r.returncode == 0, r.stderr
    assert running(daemon) == ("router bgp 65001\n neighbor 10.1.0.2 remote-as 65002\n"
                               " neighbor 10.1.0.2 description via the sub-mode\n"
                               " neighbor 10.1.0.3 remote-as 65003\nexit\n!\n")


AS65001 = ("router bgp 65001\n bgp router-id 10.1.0.1\n neighbor 10.1.0.2 remote-as 65002\n"
           "exit\n!\n")


def test_no_router_bgp_naming_another_as_changes_nothing(daemon_factory, tmp_path):
    """FRR: `no router bgp 65009` under AS 65001 is "Can't find BGP instance"."""
    d, _ = started_on_file(daemon_factory, tmp_path, "a.conf", AS65001)
    r = vtysh(d.sock, "configure terminal", "no router bgp 65009")
    assert r.returncode == 1
    assert "/ipip-bgpd:bgp/asn: it is 65001, not 65009: nothing removed" in r.stderr, r.stderr
    r = vtysh(d.sock, "configure terminal", "router bgp 65001", "no neighbor 10.1.0.2 remote-as 65009")
    assert r.returncode == 1 and "it is 65002, not 65009: nothing removed" in r.stderr, r.stderr
    assert running(d) == AS65001
    assert "bgp deleted" not in d.read_log() and "router bgp removed" not in d.read_log()
    assert vtysh_json(d.sock, "show daemon json")["pid"] == d.proc.pid
    r = vtysh(d.sock, "configure terminal", "no router bgp 65001")
    assert r.returncode == 0, r.stderr
    assert "router bgp" not in running(d)


def test_the_shell_cannot_renumber_but_a_reload_can(daemon_factory, tmp_path):
    """FRR: "BGP is already running; AS is 65001". The file, reloaded, may."""
    d, conf = started_on_file(daemon_factory, tmp_path, "a.conf", AS65001)
    r = vtysh(d.sock, "configure terminal", "router bgp 65009")
    assert r.returncode == 1
    assert "/ipip-bgpd:bgp/asn: BGP is already running; AS is 65001" in r.stderr, r.stderr
    assert running(d) == AS65001
    assert "every session restarts" not in d.read_log()
    conf.write_text(AS65001.replace("65001", "65009"))
    r = vtysh(d.sock, "reload")
    assert r.returncode == 0, r.stderr
    assert running(d) == AS65001.replace("65001", "65009")
    assert wait_for(lambda: "BGP: now AS 65009" in d.read_log()), d.read_log()


OVERLAY = ("router bgp 65001\n bgp router-id 10.1.0.1\nexit\n!\n"
           "overlay\n mode {mode}\n{more}exit\n!\n")


def test_an_overlay_change_that_needs_a_restart_is_refused(daemon_factory, tmp_path):
    """running-config never shows a mode or driver that is not in effect."""
    never = OVERLAY.format(mode="never", more="")
    d, conf = started_on_file(daemon_factory, tmp_path, "o.conf", never)
    conf.write_text(OVERLAY.format(mode="cross-subnet", more=""))
    r = vtysh(d.sock, "reload")
    assert r.returncode == 1
    assert "runs without a tunnel driver" in r.stderr and "restart ipip-bgpd" in r.stderr, r.stderr
    assert running(d) == never
    ov = vtysh_json(d.sock, "show overlay json")
    assert (ov["mode"], ov["driver"]) == ("never", "none"), ov
    r = vtysh(d.sock, "configure terminal", "overlay", "mode always")
    assert r.returncode == 1 and "runs without a tunnel driver" in r.stderr, r.stderr
    assert running(d) == never

    userspace = OVERLAY.format(mode="always",
                               more=" tunnel-style point-to-point\n driver userspace\n")
    d2, _ = started_on_file(daemon_factory, tmp_path, "u.conf", userspace)
    assert vtysh_json(d2.sock, "show overlay json")["driver"] == "userspace"
    r = vtysh(d2.sock, "configure terminal", "overlay", "driver kernel", "end")
    assert r.returncode == 1
    assert "overlay driver userspace -> kernel cannot change while ipip-bgpd runs" in r.stderr, \
        r.stderr
    r = vtysh(d2.sock, "configure terminal", "overlay", "mtu 1400", "end")
    assert r.returncode == 1 and "overlay mtu unset (underlay - 20) -> 1400 cannot change" in r.stderr, r.stderr
    assert running(d2) == userspace
    assert vtysh_json(d2.sock, "show overlay json")["driver"] == "userspace"
    # the modes do apply at run time when the instance has its tunnel driver
    r = vtysh(d2.sock, "configure terminal", "overlay", "mode cross-subnet", "end")
    assert r.returncode == 0, r.stderr
    assert vtysh_json(d2.sock, "show overlay json")["mode"] == "cross-subnet"
    assert running(d2) == userspace.replace("mode always", "mode cross-subnet")
