"""Two network namespaces joined by a veth pair, and BIRD 2 as the far BGP
speaker, for the session tests. Names carry a prefix and this process's PID so
parallel runs never meet; everything made here is removed by close()/stop(),
and BIRD is stopped by its PID only."""
import os
import signal
import subprocess
import time

from conftest import wait_for


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

    def close(self):
        for ns in (self.a, self.b):
            sh("ip", "netns", "del", ns, check=False)


class Bird:
    """BIRD 2 in a namespace with its own config, control socket and log."""

    def __init__(self, tmp, netns, router_id, asn, neighbor, neighbor_as,
                 local=None, options=""):
        self.tmp, self.netns = tmp, netns
        self.conf = tmp / "bird.conf"
        self.sock = str(tmp / "bird.ctl")
        self.logpath = tmp / "bird.log"
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
  ipv4 {{ import all; export none; }};
}}
""")

    def start(self):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, "bird", "-f", "-c", str(self.conf),
             "-s", self.sock], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
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
