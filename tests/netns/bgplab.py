"""Two network namespaces joined by a veth pair, and BIRD 2, FRR's bgpd or
GoBGP as the far BGP speaker, for the session tests. Names carry a prefix
and this process's PID so parallel runs never meet; everything made here is
removed by close()/stop(), and the peers are stopped by their PID only."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import wait_for


def link_fixture(prefix, net):
    """A `link` fixture: a fresh Link(prefix, net) per test, removed after it."""
    @pytest.fixture
    def link():
        l = Link(prefix=prefix, net=net)
        yield l
        l.close()
    return link


def birds_fixture():
    """A `birds` fixture: a list the test appends its Bird()s to; each is stopped after it."""
    @pytest.fixture
    def birds():
        made = []
        yield made
        for b in made:
            b.stop()
    return birds


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


class Link:
    """Namespaces A (ours) and B (the peer) on one /24: A=.1, B=.2."""

    count = 0

    def __init__(self, prefix="ses", net="10.0.0"):
        Link.count += 1
        tag = f"{prefix}{os.getpid() % 100000}x{Link.count}"
        self.a, self.b = f"{tag}a", f"{tag}b"
        self.va, self.vb = f"{tag}A"[-15:], f"{tag}B"[-15:]
        self.net = net
        self.extra = []
        self.addr_a, self.addr_b = f"{net}.1", f"{net}.2"
        sh("ip", "netns", "add", self.a)
        sh("ip", "netns", "add", self.b)
        sh("ip", "link", "add", self.va, "netns", self.a, "type", "veth",
           "peer", "name", self.vb, "netns", self.b)
        for ns, dev, addr in ((self.a, self.va, self.addr_a), (self.b, self.vb, self.addr_b)):
            sh("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")

    def add_addr(self, side, addr):
        ns, dev = (self.a, self.va) if side == "a" else (self.b, self.vb)
        sh("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", dev)

    def run_in(self, side, *args, **kw):
        ns = self.a if side == "a" else self.b
        return subprocess.run(["ip", "netns", "exec", ns] + list(args),
                              capture_output=True, text=True, **kw)

    def add_ns(self, net):
        """One more namespace C joined to A by its own veth on net/24 (A=.1, C=.2):
        a second peer for A. Returns (namespace, address on A, address on C)."""
        n = len(self.extra) + 1
        ns = f"{self.a}c{n}"
        va, vc = f"{self.a[:10]}a{n}", f"{self.a[:10]}c{n}"
        sh("ip", "netns", "add", ns)
        self.extra.append(ns)
        sh("ip", "link", "add", va, "netns", self.a, "type", "veth", "peer", "name", vc, "netns", ns)
        for nsx, dev, addr in ((self.a, va, f"{net}.1"), (ns, vc, f"{net}.2")):
            sh("ip", "-n", nsx, "addr", "add", f"{addr}/24", "dev", dev)
            sh("ip", "-n", nsx, "link", "set", dev, "up")
            sh("ip", "-n", nsx, "link", "set", "lo", "up")
        return ns, f"{net}.1", f"{net}.2"

    def close(self):
        for ns in [self.a, self.b] + self.extra:
            sh("ip", "netns", "del", ns, check=False)


class Bird:
    """BIRD 2 in a namespace with its own config, control socket and log."""

    def __init__(self, tmp, netns, router_id, asn, neighbor, neighbor_as,
                 local=None, options="", export="none", extra="", name="bird"):
        """export: the BGP channel's export clause ("none", "all", "filter {...}");
        extra: more top-level config (e.g. a static protocol to announce)."""
        self.tmp, self.netns = tmp, netns
        self.conf = tmp / f"{name}.conf"
        self.sock = str(tmp / f"{name}.ctl")
        self.logpath = tmp / f"{name}.log"
        self.proc = None
        self.conf.write_text(f"""
router id {router_id};
log "{self.logpath}" all;
protocol device {{ scan time 1; }}
protocol bgp ours {{
  {f"local {local} as {asn};" if local else f"local as {asn};"}
  neighbor {neighbor} as {neighbor_as};
  hold time 3;
  keepalive time 1;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 4;
  {options}
  ipv4 {{ import all; export {export}; }};
}}
{extra}
""")

    def start(self, *args):
        """args: more bird options (e.g. "-R": graceful restart recovery)."""
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, "bird", "-f", "-c", str(self.conf),
             "-s", self.sock, *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        assert wait_for(lambda: os.path.exists(self.sock) and self.birdc("show status").returncode == 0,
                        10), f"BIRD did not start: {self.read_log()}"
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def birdc(self, cmd):
        return subprocess.run(["birdc", "-s", self.sock] + cmd.split(),
                              capture_output=True, text=True, timeout=10)

    def protocol(self):
        """`show protocols all ours` as text."""
        return self.birdc("show protocols all ours").stdout

    def established(self):
        return "Established" in self.protocol()

    def read_log(self):
        return self.logpath.read_text() if self.logpath.exists() else ""


def peers_fixture():
    """A `peers` fixture: a list the test appends its Frr()s/Gobgp()s to; each
    is stopped (by PID) after it."""
    @pytest.fixture
    def peers():
        made = []
        yield made
        for p in made:
            p.stop()
    return peers


class _Proc:
    """A peer daemon started with Popen inside a namespace; stopped by its PID."""

    proc = None

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def read_log(self):
        return self.logpath.read_text(errors="replace") if self.logpath.exists() else ""


FRR_BGPD = "/usr/lib/frr/bgpd"


class Frr(_Proc):
    """FRR's bgpd alone in a namespace: no zebra (-Z, so nothing reaches the
    kernel and next hops need no resolution), run as root (-S), with its own
    config, vty socket directory, PID file and log in `tmp/name`. `body` is
    the config after the hostname line (prefix-lists, route-maps, router bgp)."""

    def __init__(self, tmp, netns, body, name="frr"):
        self.netns = netns
        self.dir = tmp / name
        self.dir.mkdir()
        self.conf = self.dir / "bgpd.conf"
        self.logpath = self.dir / "bgpd.log"
        self.conf.write_text(f"frr defaults traditional\nhostname {name}\n"
                             f"log file {self.logpath} informational\n{body}")

    def start(self):
        self.out = open(self.dir / "bgpd.out", "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, FRR_BGPD, "-f", str(self.conf),
             "-i", str(self.dir / "bgpd.pid"), "-z", str(self.dir / "zserv.api"),
             "--vty_socket", str(self.dir), "-P", "0", "-Z", "-S"],
            stdout=self.out, stderr=subprocess.STDOUT)
        assert wait_for(lambda: self.proc.poll() is not None or
                        "BGP router" in self.vtysh("show bgp summary").stdout, 15), \
            f"FRR did not start: {self.read_log()}"
        assert self.proc.poll() is None, (self.dir / "bgpd.out").read_text()
        return self

    def stop(self, sig=signal.SIGTERM):
        super().stop(sig)
        if getattr(self, "out", None):
            self.out.close()

    def vtysh(self, *cmds):
        args = ["vtysh", "--vty_socket", str(self.dir)]
        for c in cmds:
            args += ["-c", c]
        return subprocess.run(args, capture_output=True, text=True, timeout=20)

    def json(self, cmd):
        r = self.vtysh(cmd)
        assert r.returncode == 0, r.stdout + r.stderr
        return json.loads(r.stdout)

    def configure(self, *lines):
        """Lines in `configure terminal` (each a full context path, as typed)."""
        r = self.vtysh("configure terminal", *lines)
        assert r.returncode == 0 and "%" not in r.stdout, r.stdout + r.stderr


class Gobgp(_Proc):
    """gobgpd in a namespace with a TOML config; its gRPC API on
    127.0.0.1:port inside the namespace (unique per test), queried with the
    gobgp client in the same namespace."""

    def __init__(self, tmp, netns, toml, port, name="gobgp"):
        self.netns, self.port = netns, port
        self.conf = tmp / f"{name}.toml"
        self.logpath = tmp / f"{name}.log"
        self.conf.write_text(toml)

    def start(self):
        self.out = open(self.logpath, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, "gobgpd", "-f", str(self.conf),
             "--api-hosts", f"127.0.0.1:{self.port}", "-l", "info"],
            stdout=self.out, stderr=subprocess.STDOUT)
        assert wait_for(lambda: self.proc.poll() is not None or
                        self.gobgp("global").returncode == 0, 15), \
            f"gobgpd did not start: {self.read_log()}"
        assert self.proc.poll() is None, self.read_log()
        return self

    def stop(self, sig=signal.SIGTERM):
        super().stop(sig)
        if getattr(self, "out", None):
            self.out.close()

    def gobgp(self, *args):
        return subprocess.run(["ip", "netns", "exec", self.netns, "gobgp", "-p", str(self.port)]
                              + list(args), capture_output=True, text=True, timeout=20)

    def ok(self, *args):
        r = self.gobgp(*args)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout


def tcp_md5_segments(ns, dev, key, count=8, timeout=20):
    """What an operator runs to see that a session is really signed: tcpdump
    in namespace `ns` on `dev`, `count` BGP segments, each TCP MD5 option
    (RFC 2385, kind 19) checked against `key` (`-M`). Returns the segments'
    lines; one reads `md5 valid` when its signature matches `key`, `md5
    (invalid)` when it does not, no `md5` when unsigned."""
    r = subprocess.run(["ip", "netns", "exec", ns, "timeout", str(timeout), "tcpdump", "-n", "-l",
                        "-i", dev, "-c", str(count), "-M", key, "tcp port 179"],
                       capture_output=True, text=True, timeout=timeout + 10)
    return [l for l in r.stdout.splitlines() if "Flags [" in l]


def assert_md5_signed(link, key, other_key):
    """Every BGP segment on link's wire carries an MD5 signature made with
    `key`, in both directions; checked with another key, none is valid (so
    tcpdump really checks)."""
    segs = tcp_md5_segments(link.b, link.vb, key)
    assert len(segs) >= 4 and all("md5 valid" in s for s in segs), segs
    assert {s.split()[2].rsplit(".", 1)[0] for s in segs} == {link.addr_a, link.addr_b}, segs
    segs = tcp_md5_segments(link.b, link.vb, other_key, count=2)
    assert segs and all(re.search(r"md5\s+\(invalid\)", s) for s in segs), segs


def tcp_md5_counters(ns):
    """The kernel's TCP MD5 drop counters in namespace `ns` (`nstat -az
    'TcpExtTCPMD5*'`, read from /proc/net/netstat there): TCPMD5Failure
    (wrong signature), TCPMD5NotFound (unsigned where a key is set),
    TCPMD5Unexpected (signed where none is)."""
    text = sh("ip", "netns", "exec", ns, "cat", "/proc/net/netstat").stdout.splitlines()
    for names, values in zip(text[::2], text[1::2]):
        if names.startswith("TcpExt:"):
            row = dict(zip(names.split()[1:], map(int, values.split()[1:])))
            return {k: v for k, v in row.items() if k.startswith("TCPMD5")}
    return {}
