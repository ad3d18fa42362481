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


_bpf_why = []


def bpf_driver_unavailable():
    """Why the bpf tunnel driver cannot run here (None: it can). Asks tunctl
    once, in a network namespace of its own, so no device outside is touched."""
    if not _bpf_why:
        tunctl = os.path.join(BUILD, "tests", "netns", "tunctl")
        if not os.path.exists(tunctl):
            _bpf_why.append("tunctl not built")
        else:
            p = subprocess.run(["unshare", "-n", tunctl, "-d", "bpf"], input="quit\n",
                               capture_output=True, text=True, timeout=30)
            _bpf_why.append(None if p.returncode == 0 and p.stdout.startswith("ready bpf")
                            else "bpf driver unavailable: " + (p.stderr.strip() or p.stdout.strip()))
    return _bpf_why[0]


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

    def __init__(self, tmp, name="d", config=None, args=(), netns=None, wrap=()):
        self.tmp = tmp
        self.sock = str(tmp / f"{name}.sock")
        self.pidfile = str(tmp / f"{name}.pid")
        self.logpath = tmp / f"{name}.log"
        self.config = config
        self.args = list(args)
        self.netns = netns          # run inside this network namespace
        self.wrap = list(wrap)      # a command that execs the rest: ["prlimit", "--nofile=40:40"]
        self.proc = None

    def start(self, wait=True):
        cmd = [BGPD, "-n", "-S", self.sock, "-P", self.pidfile] + self.args
        if self.config is not None:
            cmd += ["-f", str(self.config)]
        if self.netns is not None:
            cmd = ["ip", "netns", "exec", self.netns] + cmd
        cmd = self.wrap + cmd
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
    """make(**kw) -> Daemon. Unless netns= is given (None: this namespace), each
    daemon runs in a private namespace with 10.1.0.1/24 on a veth (the
    address the config corpus uses), so a `router bgp` never listens on the
    host's port 179 and a router-id can be taken from an interface."""
    made, spaces = [], []

    def make(**kw):
        if "netns" not in kw:
            ns = Netns(f"ig{os.getpid() % 100000}d{len(spaces)}")
            spaces.append(ns)
            ns.ip("link", "add", "site0", "type", "veth", "peer", "name", "site1")
            ns.ip("addr", "add", "10.1.0.1/24", "dev", "site0")
            ns.ip("link", "set", "site1", "up")
            ns.ip("link", "set", "site0", "up")
            kw["netns"] = ns.name
        d = Daemon(tmp_path, name=kw.pop("name", f"d{len(made)}"), **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.kill()
    for ns in spaces:
        ns.close()


@pytest.fixture
def daemon(daemon_factory):
    return daemon_factory().start()


# ---- network namespaces: generic helpers (added for tunnel/ tests) --------
class Netns:
    """One network namespace; close() stops what was started in it (by PID)
    and deletes it, which removes every device inside. Names must be unique
    to the test (prefix + pid)."""

    def __init__(self, name):
        self.name = name
        self.procs = []
        subprocess.run(["ip", "netns", "add", name], check=True)
        self.ip("link", "set", "lo", "up")

    def run(self, *cmd, check=True, timeout=60, **kw):
        """Run cmd in the namespace; text output captured."""
        return subprocess.run(["ip", "netns", "exec", self.name, *cmd], check=check,
                              capture_output=True, text=True, timeout=timeout, **kw)

    def ip(self, *args, check=True):
        return self.run("ip", *args, check=check)

    def ip_json(self, *args):
        return json.loads(self.run("ip", "-j", *args).stdout or "[]")

    def sysctl(self, key, value):
        self.run("sysctl", "-qw", f"{key}={value}")

    def popen(self, *cmd, **kw):
        """Start cmd in the namespace; it is killed by close()."""
        p = subprocess.Popen(["ip", "netns", "exec", self.name, *cmd], **kw)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(5)
        subprocess.run(["ip", "netns", "del", self.name], check=False)


def veth_pair(a, a_dev, b, b_dev):
    """A veth between namespaces a and b, both ends up."""
    subprocess.run(["ip", "link", "add", a_dev, "netns", a.name, "type", "veth",
                    "peer", b_dev, "netns", b.name], check=True)
    a.ip("link", "set", a_dev, "up")
    b.ip("link", "set", b_dev, "up")


@pytest.fixture
def netns_factory():
    """make(name) -> Netns; all are deleted when the test ends."""
    made = []

    def make(name):
        ns = Netns(name)
        made.append(ns)
        return ns

    yield make
    for ns in reversed(made):
        ns.close()
