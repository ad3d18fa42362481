"""The daemon out of file descriptors (issue 9): started under `prlimit
--nofile=40:40`, its control socket and BGP port flooded with connections
until accept() fails with EMFILE. It must stay up without burning CPU (each
listener pauses instead of spinning), count the pauses where an operator
looks (`show bgp statistics`, `show daemon`), answer the shell once the
flood is gone, and still bring up its configured BIRD neighbor."""
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from bgplab import Bird, birds_fixture, link_fixture
from conftest import vtysh_json, wait_for

OUR_AS, BIRD_AS = 4200000001, 4200000002
NOFILE = 40
CTL_FLOOD = 60          # more than the daemon has descriptors left
BGP_FLOOD = 200
STRANGER = "10.0.73.9"  # an address of the peer's namespace no neighbor has

pytestmark = pytest.mark.skipif(shutil.which("bird") is None or shutil.which("prlimit") is None,
                                reason="bird2 or prlimit not installed")

link = link_fixture("fd", "10.0.73")
birds = birds_fixture()

# Run in the peer's namespace: BGP_FLOOD connections from STRANGER, held for argv[3] seconds.
FLOOD = """
import socket, sys, time
socks = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((sys.argv[4], 0))
    s.connect_ex((sys.argv[1], 179))
    socks.append(s)
print("open", flush=True)
time.sleep(float(sys.argv[3]))
"""


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def ctl_flood(path):
    socks = []
    for _ in range(CTL_FLOOD):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(path)          # EAGAIN once the backlog is full: kept all the same
        socks.append(s)
    return socks


def test_out_of_descriptors_pauses_accepting_without_spinning_and_recovers(
        tmp_path, link, birds, daemon_factory):
    link.add_addr("b", STRANGER)
    conf = tmp_path / "bgpd.conf"
    conf.write_text(f"""router bgp {OUR_AS}
 bgp router-id {link.addr_a}
 neighbor {link.addr_b} remote-as {BIRD_AS}
 neighbor {link.addr_b} timers 1 3
 neighbor {link.addr_b} timers connect 1
""")
    d = daemon_factory(config=conf, netns=link.a,
                       wrap=["prlimit", f"--nofile={NOFILE}:{NOFILE}"]).start()
    assert f"open files limit: {NOFILE}" in d.read_log()
    pid = d.proc.pid                # prlimit and ip netns exec exec the daemon itself
    with open(f"/proc/{pid}/comm") as f:
        assert f.read().strip() == "ipip-bgpd"

    ctl = ctl_flood(d.sock)
    flood = None
    try:
        assert wait_for(lambda: open_fds(pid) >= NOFILE, 10), open_fds(pid)
        flood = subprocess.Popen(["ip", "netns", "exec", link.b, sys.executable, "-c", FLOOD,
                                  link.addr_a, str(BGP_FLOOD), "6", STRANGER],
                                 stdout=subprocess.PIPE, text=True)
        assert flood.stdout.readline().strip() == "open"
        time.sleep(0.5)
        before = cpu_seconds(pid)
        time.sleep(1.0)
        used = cpu_seconds(pid) - before
        assert used < 0.5, f"{used:.2f} s of CPU in 1 s while out of descriptors"
        assert d.proc.poll() is None
        log = d.read_log()
        assert "control socket: accept: Too many open files; not accepting for" in log, log
        assert "BGP listener: accept: Too many open files; not accepting for" in log, log
    finally:
        for s in ctl:
            s.close()
        if flood is not None:
            flood.kill()
            flood.wait(5)

    assert wait_for(d.answers, 10), d.read_log()
    stats = vtysh_json(d.sock, "show bgp statistics json")["ipv4Unicast"]
    assert stats["acceptPaused"] >= 1
    info = vtysh_json(d.sock, "show daemon json")
    assert info["controlAcceptPaused"] >= 1 and info["openFilesLimit"] == NOFILE
    log = d.read_log()
    assert log.count("BGP listener: accept:") <= 2     # rate-limited: one a minute
    assert "Error from accept() call" not in log         # libevent's own per-turn warning
    assert log.count("cannot connect: Too many open files") <= 1

    bird = Bird(tmp_path, link.b, link.addr_b, BIRD_AS, link.addr_a, OUR_AS)
    birds.append(bird)
    bird.start()
    assert wait_for(lambda: vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
                    [link.addr_b]["state"] == "Established", 30), d.read_log()
    assert d.stop() == 0
    d.assert_no_sanitizer_report()


def test_soft_open_files_limit_is_raised_to_the_hard_limit(daemon_factory):
    d = daemon_factory(wrap=["prlimit", "--nofile=64:256"]).start()
    with open(f"/proc/{d.proc.pid}/limits") as f:
        row = next(l for l in f if l.startswith("Max open files")).split()
    assert row[3:5] == ["256", "256"], row
    assert vtysh_json(d.sock, "show daemon json")["openFilesLimit"] == 256
    assert d.read_log().count("open files limit: 256") == 1
