"""Least privilege end to end (doc/security.md): started as root with -u, the
daemon becomes that user with CAP_NET_ADMIN, CAP_NET_BIND_SERVICE and
CAP_NET_RAW only, and everything it does afterwards still works: a BGP
session with BIRD, a direct route, a user-space tunnel (TUN device, raw
socket, per-device sysctl), SIGHUP reload, `write memory`, and a clean exit
that removes routes, tunnels, PID file and socket. Checked as an operator
would: /proc/PID/status, `ip route`, `ip link`, `show … json`."""
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from bgplab import Bird, link_fixture, sh
from conftest import BGPD, VTYSH, Daemon, bpf_driver_unavailable, vtysh, vtysh_json, wait_for
from test_overlay import installed, our_tunnels

USER = "ipipbgpd-test"       # not the default name: a failed run cannot change other tests
OUR_AS, BIRD_AS = 4200000001, 4200000002
NEAR, FAR = "10.30.1.0/24", "10.30.2.0/24"
REMOTE = "10.7.0.2"
CAPS = (1 << 12) | (1 << 10) | (1 << 13)      # NET_ADMIN, NET_BIND_SERVICE, NET_RAW

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

link = link_fixture("pv", "10.0.33")
UNIT = Path(__file__).resolve().parents[2] / "contrib" / "ipip-bgpd.service.in"
CTL_GROUP = "ipipbgpd"       # include/ipip-bgpd/ctl.h
OPERATOR = "ipipbgpd-optest"  # a member of CTL_GROUP


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


def unit_caps():
    """setpriv's arguments for what the shipped unit allows root: its
    CapabilityBoundingSet= and NoNewPrivileges=, read from the unit itself."""
    text = UNIT.read_text()
    caps = re.search(r"^CapabilityBoundingSet=(.*)$", text, re.M).group(1).split()
    args = ["setpriv", "--bounding-set",
            "-all," + ",".join("+" + c.lower().removeprefix("cap_") for c in caps)]
    if re.search(r"^NoNewPrivileges=yes$", text, re.M):
        args.append("--no-new-privs")
    return args


@pytest.fixture(scope="module")
def ctl_group():
    """The control socket's group, and an operator in it ({OPERATOR}),
    created here (and removed after) if missing."""
    made_group = subprocess.run(["getent", "group", CTL_GROUP], capture_output=True).returncode != 0
    if made_group:
        subprocess.run(["groupadd", "--system", CTL_GROUP], check=True)
    made_user = subprocess.run(["getent", "passwd", OPERATOR], capture_output=True).returncode != 0
    if made_user:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "-G", CTL_GROUP, OPERATOR], check=True)
    yield grp.getgrnam(CTL_GROUP)
    if made_user:
        subprocess.run(["userdel", OPERATOR], check=False)
    if made_group:
        subprocess.run(["groupdel", CTL_GROUP], check=False)


@pytest.fixture
def rootrun():
    """A root-owned 0755 directory as /run is: socket and PID file."""
    d = Path(tempfile.mkdtemp(prefix="ipipbgpd-run-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv not installed")
def test_units_capabilities_read_what_write_memory_wrote_and_give_the_socket_its_group(
        rundir, rootrun, user, ctl_group):
    """Under the unit's bounding set root has no CAP_DAC_OVERRIDE or
    CAP_CHOWN: `write memory` leaves the file to the daemon's user, mode
    0640, and the next `ExecStartPre=ipip-bgpd -C` and start must still
    read it; the socket must still belong to group ipipbgpd so its members
    can use ipip-vtysh."""
    rundir.chmod(0o755)                     # as /etc/ipip-bgpd after `chown ipipbgpd`
    cfg = rundir / "ipip-bgpd.conf"
    cfg.write_text("hostname before\n")
    d = Daemon(rootrun, name="unit", config=cfg, args=["-u", USER], wrap=unit_caps())
    try:
        d.start()
        assert wait_for(lambda: "running as " + USER in d.read_log(), 5), d.read_log()
        st = os.stat(d.sock)
        assert (st.st_uid, st.st_gid) == (0, ctl_group.gr_gid), (st, d.read_log())
        member = subprocess.run(["setpriv", f"--reuid={OPERATOR}", f"--regid={pwd.getpwnam(OPERATOR).pw_gid}",
                                 "--init-groups", VTYSH, "-S", d.sock,
                                 "-c", "show version"], capture_output=True, text=True, timeout=20)
        assert member.returncode == 0, member.stderr
        r = vtysh(d.sock, "configure terminal", "hostname after", "do write memory")
        assert r.returncode == 0, (r.stdout, r.stderr, d.read_log())
        st = cfg.stat()
        assert (st.st_uid, st.st_mode & 0o777) == (user.pw_uid, 0o640), st
        assert d.stop() == 0
        d.assert_no_sanitizer_report()

        check = subprocess.run(unit_caps() + [BGPD, "-C", "-f", str(cfg)],
                               capture_output=True, text=True, timeout=20)
        assert check.returncode == 0 and "configuration OK" in check.stdout, check.stderr
        d2 = Daemon(rootrun, name="unit2", config=cfg, args=["-u", USER], wrap=unit_caps())
        try:
            d2.start()
            assert vtysh_json(d2.sock, "show daemon json")["hostname"] == "after"
            assert d2.stop() == 0
        finally:
            d2.kill()
    finally:
        d.kill()
