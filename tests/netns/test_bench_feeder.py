"""Smoke tests of the benchmark harness (bench/, doc/benchmarks.md), so it
cannot rot unnoticed: the feeder's pre-encoded UPDATEs reach a sink intact,
and replayed to BIRD (started by the harness's own adapter) they land in the
kernel table of BIRD's namespace and leave it when the feeder drops the
session; the route counter follows a nexthop group that loses a gateway.
N = 2,000 keeps it to a few seconds. Not a benchmark: no timing."""
import os
import shutil
import signal
import subprocess

import pytest

from conftest import BUILD, wait_for

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FEEDER = os.path.join(BUILD, "bench", "feeder")
COUNT = os.path.join(BUILD, "bench", "route_count")
KINSERT = os.path.join(BUILD, "bench", "kernel_insert")
BIRD_ADAPTER = os.path.join(TOP, "bench", "dut", "bird.sh")
N = 2000


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30, **kw)


@pytest.fixture
def pair():
    """Namespaces DUT and feeder joined by a veth: 172.31.1.1 <-> 172.31.1.2."""
    tag = f"bnt{os.getpid() % 100000}"
    dut, feed = tag + "d", tag + "a"
    for ns in (dut, feed):
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
    try:
        sh("ip", "link", "add", tag + "x", "netns", dut, "type", "veth",
           "peer", "name", tag + "y", "netns", feed)
        sh("ip", "-n", dut, "addr", "add", "172.31.1.1/24", "dev", tag + "x")
        sh("ip", "-n", feed, "addr", "add", "172.31.1.2/24", "dev", tag + "y")
        sh("ip", "-n", dut, "link", "set", tag + "x", "up")
        sh("ip", "-n", feed, "link", "set", tag + "y", "up")
        yield dut, feed
    finally:
        for ns in (dut, feed):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@pytest.fixture
def updates(tmp_path):
    path = tmp_path / "feed.bin"
    sh(FEEDER, "encode", "-o", str(path), "-n", str(N), "-h", "172.31.1.2", "-a", "65001")
    return path


def start(ns, *args, out):
    return subprocess.Popen(["ip", "netns", "exec", ns, *args], stdout=out,
                            stderr=subprocess.STDOUT, text=True)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def kernel_routes(ns, proto):
    return sh("ip", "-n", ns, "-4", "route", "show", "proto", proto).stdout.splitlines()


def test_feeder_replays_every_prefix_to_a_sink(pair, updates, tmp_path):
    dut, feed = pair
    out = open(tmp_path / "sink.out", "w+")
    sink = start(dut, FEEDER, "sink", "-c", "172.31.1.1", "-a", "65000", "-i", "172.31.1.1", out=out)
    try:
        assert wait_for(lambda: "listening" in (tmp_path / "sink.out").read_text(), 5)
        r = subprocess.run(["ip", "netns", "exec", feed, FEEDER, "run", "-x", "-f", str(updates),
                            "-c", "172.31.1.1", "-a", "65001", "-i", "172.31.1.2"],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("established ")
        sink.wait(20)
    finally:
        stop(sink)
    line = [l for l in (tmp_path / "sink.out").read_text().splitlines() if l.startswith("sink ")]
    assert line, (tmp_path / "sink.out").read_text()
    f = line[0].split()
    # 2 UPDATEs of about 1,000 prefixes, then the End-of-RIB marker
    assert f[f.index("prefixes") + 1] == str(N)
    assert f[f.index("updates") + 1] == "3"


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_feeder_routes_reach_birds_kernel_table_and_leave_on_drop(pair, updates, tmp_path):
    dut, feed = pair
    env = dict(os.environ, BN_NS=dut, BN_DIR=str(tmp_path), BN_AS="65000", BN_ID="172.31.1.1",
               BN_PEERS="172.31.1.2", BN_PEER_AS="65001")
    sh(BIRD_ADAPTER, "start", env=env)
    out = open(tmp_path / "feeder.out", "w+")
    feeder = None
    try:
        feeder = start(feed, FEEDER, "run", "-f", str(updates), "-c", "172.31.1.1",
                       "-a", "65001", "-i", "172.31.1.2", out=out)
        r = sh("ip", "netns", "exec", dut, COUNT, "-P", "12", "-u", "total-ge", "-v", str(N), "-T", "20")
        assert r.stdout.split()[1] == str(N)
        routes = kernel_routes(dut, "bird")
        assert len(routes) == N
        assert any(l.startswith("20.0.7.0/24 via 172.31.1.2 ") for l in routes), routes[:5]
        stop(feeder)
        assert "dropped " in (tmp_path / "feeder.out").read_text()
        assert wait_for(lambda: not kernel_routes(dut, "bird"), 20)
    finally:
        if feeder is not None:
            stop(feeder)
        sh(BIRD_ADAPTER, "stop", env=env)
        pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
        assert wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in pids), 10)


def test_route_count_sees_a_group_lose_a_gateway_without_route_notifications(tmp_path):
    """The failover figure rests on this: with nexthop_compat_mode=0 the kernel
    says nothing about the routes when their group changes."""
    ns = f"bnt{os.getpid() % 100000}k"
    sh("ip", "netns", "add", ns)
    try:
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.nexthop_compat_mode=0")
        sh("ip", "-n", ns, "link", "add", "bnk0", "type", "veth", "peer", "name", "bnk1")
        sh("ip", "-n", ns, "addr", "add", "172.31.9.1/24", "dev", "bnk0")
        sh("ip", "-n", ns, "link", "set", "bnk0", "up")
        sh("ip", "-n", ns, "link", "set", "bnk1", "up")
        sh("ip", "-n", ns, "nexthop", "add", "id", "1", "via", "172.31.9.2", "dev", "bnk0")
        sh("ip", "-n", ns, "nexthop", "add", "id", "2", "via", "172.31.9.3", "dev", "bnk0")
        sh("ip", "-n", ns, "nexthop", "add", "id", "10", "group", "1/2")
        sh("ip", "netns", "exec", ns, KINSERT, "-n", str(N), "-H", "10", "-k", "-P", "12")
        count = ["ip", "netns", "exec", ns, COUNT, "-P", "12", "-g", "172.31.9.3"]
        assert sh(*count).stdout.split() == [str(N), str(N)]
        waiter = subprocess.Popen(count + ["-u", "gw-le", "-v", "0", "-T", "10"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            sh("ip", "-n", ns, "nexthop", "replace", "id", "10", "group", "1")
            out, _ = waiter.communicate(timeout=15)
        finally:
            stop(waiter)
        assert waiter.returncode == 0
        assert out.split()[1:] == [str(N), "0"]     # every route stays, none via .3
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
