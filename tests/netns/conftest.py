"""Shared fixtures for the end-to-end tests: find the built binaries, start
daemons on private sockets, run ipip-vtysh as an operator would.

IPIP_BUILD names the build directory (tests/run sets it). Every process a
test starts is stopped by PID when the test ends."""
import json
import os
import signal
import subprocess
import time

import pytest

BUILD = os.environ.get("IPIP_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build", "check"))
BGPD = os.path.join(BUILD, "bgpd", "ipip-bgpd")
VTYSH = os.path.join(BUILD, "vtysh", "ipip-vtysh")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def wait_for(pred, timeout=10.0, step=0.05):
    """Poll pred() until it is true or timeout seconds pass; return its last value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Daemon:
    """One ipip-bgpd in the foreground with its own socket, PID file and log."""

    def __init__(self, tmp, name="d", config=None, args=()):
        self.tmp = tmp
        self.sock = str(tmp / f"{name}.sock")
        self.pidfile = str(tmp / f"{name}.pid")
        self.logpath = tmp / f"{name}.log"
        self.config = config
        self.args = list(args)
        self.proc = None

    def start(self, wait=True):
        cmd = [BGPD, "-n", "-S", self.sock, "-P", self.pidfile] + self.args
        if self.config is not None:
            cmd += ["-f", str(self.config)]
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            assert wait_for(lambda: self.answers() or self.proc.poll() is not None), \
                f"daemon did not come up: {self.read_log()}"
            assert self.proc.poll() is None, f"daemon exited: {self.read_log()}"
        return self

    def answers(self):
        return os.path.exists(self.sock) and vtysh(self.sock, "show version").returncode == 0

    def read_log(self):
        return self.logpath.read_text() if self.logpath.exists() else ""

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Signal the daemon and return its exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.log.close()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def assert_no_sanitizer_report(self):
        log = self.read_log()
        for mark in SANITIZER_MARKS:
            assert mark not in log, log


def vtysh(sock, *cmds, timeout=20, **kw):
    args = [VTYSH, "-S", sock]
    for c in cmds:
        args += ["-c", c]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def vtysh_json(sock, cmd):
    r = vtysh(sock, cmd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture
def daemon_factory(tmp_path):
    made = []

    def make(**kw):
        d = Daemon(tmp_path, name=kw.pop("name", f"d{len(made)}"), **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.kill()


@pytest.fixture
def daemon(daemon_factory):
    return daemon_factory().start()


class Netns:
    """A network namespace named prefix + pid + counter, deleted when the test ends."""
    count = 0

    def __init__(self, prefix):
        Netns.count += 1
        self.name = f"{prefix}{os.getpid()}n{Netns.count}"
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.ip("link", "set", "lo", "up")

    def ip(self, *args, check=True):
        """Run `ip -n NS args`; return stdout."""
        r = subprocess.run(["ip", "-n", self.name, *args], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"ip {' '.join(args)}: {r.stderr}")
        return r.stdout

    def ip_json(self, *args):
        out = self.ip("-j", *args)
        return json.loads(out) if out.strip() else []

    def exec_args(self, *cmd):
        return ["ip", "netns", "exec", self.name, *cmd]

    def delete(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


@pytest.fixture
def netns_factory():
    made = []

    def make(prefix):
        ns = Netns(prefix)
        made.append(ns)
        return ns

    yield make
    for ns in made:
        ns.delete()
