"""Least privilege end to end (doc/security.md): started as root with -u, the
daemon becomes that user with CAP_NET_ADMIN, CAP_NET_BIND_SERVICE and
CAP_NET_RAW only, and everything it does afterwards still works: a BGP
session with BIRD, a direct route, a user-space tunnel (TUN device, raw
socket, per-device sysctl), SIGHUP reload, `write memory`, and a clean exit
that removes routes, tunnels, PID file and socket. Checked as an operator
would: /proc/PID/status, `ip route`, `ip link`, `show … json`."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from bgplab import Bird, link_fixture, sh
from conftest import BGPD, Daemon, bpf_driver_unavailable, vtysh, vtysh_json, wait_for
from test_overlay import installed, our_tunnels

USER = "ipipbgpd-test"       # not the default name: a failed run cannot change other tests
OUR_AS, BIRD_AS = 4200000001, 4200000002
NEAR, FAR = "10.30.1.0/24", "10.30.2.0/24"
REMOTE = "10.7.0.2"
CAPS = (1 << 12) | (1 << 10) | (1 << 13)      # NET_ADMIN, NET_BIND_SERVICE, NET_RAW

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

link = link_fixture("pv", "10.0.33")


@pytest.fixture(scope="module")
def user():
    """USER as a system user, created here (and removed after) if missing."""
    created = subprocess.run(["getent", "passwd", USER], capture_output=True).returncode != 0
    if created:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", USER], check=True)
    yield pwd.getpwnam(USER)
    if created:
        subprocess.run(["userdel", USER], check=False)


@pytest.fixture
def rundir(user):
    """Config, socket and PID file in a directory the user owns (as with
    systemd's RuntimeDirectory=): it can re-read, rewrite and remove them."""
    d = Path(tempfile.mkdtemp(prefix="ipipbgpd-priv-"))
    os.chown(d, user.pw_uid, user.pw_gid)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def lab(link, tmp_path):
    r, _, r_addr = link.add_ns("10.0.34")
    sh("ip", "-n", r, "addr", "add", f"{REMOTE}/32", "dev", "lo")
    sh("ip", "-n", link.a, "route", "add", "10.7.0.0/24", "via", r_addr)
    export = f"filter {{ if net = {FAR} then bgp_next_hop = {REMOTE}; accept; }}"
    bird = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS, export=export,
                extra=f"protocol static st {{ ipv4; route {NEAR} blackhole; route {FAR} blackhole; }}")
    yield link, bird
    bird.stop()


def conf_text(link, desc, driver="userspace"):
    return (f"router bgp {OUR_AS}\n bgp router-id {link.addr_a}\n no bgp ebgp-requires-policy\n"
            f" neighbor {link.addr_b} remote-as {BIRD_AS}\n neighbor {link.addr_b} timers 1 3\n"
            f" neighbor {link.addr_b} timers connect 1\n"
            f" neighbor {link.addr_b} description {desc}\n"
            f"overlay\n mode cross-subnet\n tunnel-style point-to-point\n driver {driver}\nexit\n")


def status(pid):
    """/proc/PID/status as {key: [fields]}."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.split()
    return out


@pytest.mark.parametrize("driver", ["userspace", "bpf"])
def test_drops_to_user_keeps_three_caps_and_everything_still_works(rundir, user, lab, driver):
    """The bpf driver loads its programs before the drop (CAP_BPF is gone
    after it) and attaches them to tunnels made later with CAP_NET_ADMIN."""
    if driver == "bpf" and bpf_driver_unavailable() is not None:
        pytest.skip(bpf_driver_unavailable())
    link, bird = lab
    bird.start()
    cfg = rundir / "bgpd.conf"
    cfg.write_text(conf_text(link, "before", driver))
    d = Daemon(rundir, name="priv", config=cfg, args=["-u", USER], netns=link.a)
    try:
        d.start()
        pid = d.proc.pid
        assert wait_for(lambda: "running as " + USER in d.read_log(), 5), d.read_log()
        st = status(pid)
        assert st["Uid"] == [str(user.pw_uid)] * 4, st["Uid"]
        assert st["Gid"] == [str(user.pw_gid)] * 4, st["Gid"]
        assert st["Groups"] in ([], [str(user.pw_gid)]), st["Groups"]
        for k in ("CapEff", "CapPrm"):
            assert int(st[k][0], 16) == CAPS, (k, st[k])
        assert int(st["CapInh"][0], 16) == 0 and int(st["CapAmb"][0], 16) == 0, st
        assert st["NoNewPrivs"] == ["1"], st["NoNewPrivs"]

        # BGP with BIRD, a direct route and a user-space tunnel made after the drop
        assert wait_for(lambda: len(installed(link.a)) == 2 and len(our_tunnels(link.a)) == 1, 20), \
            (installed(link.a), d.read_log())
        t = our_tunnels(link.a)[0]
        assert installed(link.a)[FAR][0] == [(None, t["ifname"], False)]
        assert installed(link.a)[NEAR][0] == [(link.addr_b, link.va, False)]
        assert vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"][link.addr_b]["state"] \
            == "Established"
        # no thread kept root (the tunnel's I/O threads started before the drop)
        for task in Path(f"/proc/{pid}/task").iterdir():
            assert status(f"{pid}/task/{task.name}")["Uid"][0] == str(user.pw_uid), task

        # SIGHUP re-reads the file as the user
        cfg.write_text(conf_text(link, "after", driver))
        d.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "configuration reloaded from" in d.read_log(), 5), d.read_log()
        n = vtysh_json(d.sock, f"show bgp neighbors {link.addr_b} json")[link.addr_b]
        assert n["nbrDesc"] == "after", n

        # write memory: temp file + rename in a directory the user owns
        r = vtysh(d.sock, "write memory")
        assert r.returncode == 0, (r.stdout, r.stderr, d.read_log())
        assert "description after" in cfg.read_text()
        assert cfg.stat().st_uid == user.pw_uid

        assert d.stop() == 0
        d.assert_no_sanitizer_report()
        assert installed(link.a) == {}
        assert our_tunnels(link.a) == []
        assert not os.path.exists(d.pidfile) and not os.path.exists(d.sock), os.listdir(rundir)
    finally:
        d.kill()


def test_without_the_user_it_stays_root_and_says_so(daemon_factory):
    """The default user is used only if it exists; otherwise a log line says
    the daemon stays root. -u with an unknown user refuses to start."""
    name = "ipipbgpd"
    if subprocess.run(["getent", "passwd", name], capture_output=True).returncode == 0:
        pytest.skip(f"user {name} exists on this machine")
    d = daemon_factory().start()
    assert f"no user {name}: staying root" in d.read_log()
    assert status(d.proc.pid)["Uid"][0] == "0"
    assert d.stop() == 0
    r = subprocess.run([BGPD, "-n", "-u", "no-such-user-xyz", "-S", "/nonexistent/x.sock"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 1 and "-u: no user no-such-user-xyz" in r.stderr, r.stderr
