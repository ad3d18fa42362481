"""The README's main job, scripts/overlay_demo.py, run as a user runs it
(with this build's binaries, and its own namespace tag and state directory
so it never meets a demo left running on the machine): it must end with
every ping answered and "overlay works", run twice in a row, and leave no
namespace, device or process behind after `--down`."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, SANITIZER_MARKS

TOP = os.path.join(os.path.dirname(__file__), "..", "..")
DEMO = os.path.join(TOP, "scripts", "overlay_demo.py")

pytestmark = pytest.mark.skipif(shutil.which("bird") is None or shutil.which("iperf3") is None,
                                reason="bird2 and iperf3 needed")


def demo(tag, state, *args):
    return subprocess.run([sys.executable, DEMO, "--bin", BUILD, "--tag", tag, "--state", str(state),
                           *args], capture_output=True, text=True, timeout=240)


def leftovers(tag):
    ns = [l.split()[0] for l in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                                text=True).stdout.splitlines()
          if l.startswith(f"{tag}-")]
    procs = subprocess.run(["pgrep", "-f", f"{tag}-"], capture_output=True, text=True).stdout.split()
    return ns, procs


def sanitizer_reports(state):
    bad = []
    for name in os.listdir(state):
        if name.endswith(".log"):
            text = open(os.path.join(state, name), errors="replace").read()
            bad += [f"{name}: {m}" for m in SANITIZER_MARKS if m in text]
    return bad


@pytest.mark.parametrize("reflector", ["bird", "ipip-bgpd"])
def test_demo_works_twice_and_leaves_nothing(tmp_path, reflector):
    tag, state = f"dm{os.getpid() % 10000}", tmp_path / "state"
    try:
        r = demo(tag, state, "--reflector", reflector)
        out = r.stdout + r.stderr
        assert r.returncode == 0, out
        assert "== overlay works: 4 sites" in out, out
        assert "LOST" not in out and "FAILED" not in out, out
        # what the operator is shown: the session table, the decisions, an IPIP packet
        assert "198.18.9.1      4      65000" in out, out
        assert "192.0.2.2       cross-subnet global               direct   up0" in out, out
        assert ": IP 10.10.1.1 > 10.10.3.1: ICMP echo request" in out, out
        assert not sanitizer_reports(state)
        # still running: the shell answers; a second run replaces it
        ns, _ = leftovers(tag)
        assert f"{tag}-a" in ns and f"{tag}-inet" in ns
        r = demo(tag, state, "--reflector", reflector)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "removed the previous demo" in r.stdout
        assert "== overlay works" in r.stdout, r.stdout
        assert not sanitizer_reports(state)
    finally:
        d = demo(tag, state, "--down")
    assert d.returncode == 0, d.stdout + d.stderr
    assert leftovers(tag) == ([], []), d.stdout
