"""The lab of the crash-restart and flap-storm tests (issue 9).

    F (feeders, BIRD)                D (ipip-bgpd)                  R (far next hops)
    172.31.1.2 .3 .4 .5  --veth--  172.31.1.1   10.0.32.1  --veth--  10.0.32.2
                                    lo 192.168.51.1                  lo 10.7.0.2, 10.7.0.3

The feeders announce /24s from 20.0.0.0 with next hop either themselves (on
D's subnet: direct) or 10.7.0.2 / 10.7.0.3 (behind R: a userspace tunnel from
172.31.1.1 each, cross-subnet). Every prefix announced by several feeders is
an ECMP set (maximum-paths 4), so routes, nexthop objects, groups and TUN
devices all exist. Names carry the PID; close() deletes the namespaces."""
import ipaddress
import os
import signal
import subprocess
import time

from conftest import BUILD, Daemon, wait_for
from fibcheck import tunnel_name

FEEDER = os.path.join(BUILD, "bench", "feeder")
OUR_AS, PEER_AS = 65000, 65001
D_ADDR = "172.31.1.1"
FEEDERS = ("172.31.1.2", "172.31.1.3", "172.31.1.4")
BIRD_ADDR = "172.31.1.5"
FAR = ("10.7.0.2", "10.7.0.3")
PRIV = "192.168.51.1"


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=120)


def pfx(i):
    """The i-th /24 from 20.0.0.0, as feeder encode makes them."""
    return f"{ipaddress.IPv4Address(int(ipaddress.IPv4Address('20.0.0.0')) + 256 * i)}/24"


class Lab:
    count = 0

    def __init__(self, tmp, name="st"):
        Lab.count += 1
        self.tmp = tmp
        tag = f"{name}{os.getpid() % 100000}x{Lab.count}"
        self.d, self.f, self.r = tag + "d", tag + "f", tag + "r"
        self.dev_f, self.dev_r = (tag + "F")[-15:], (tag + "R")[-15:]
        self.made = []
        for ns in (self.d, self.f, self.r):
            sh("ip", "netns", "add", ns)
            self.made.append(ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", self.dev_f, "netns", self.d, "type", "veth",
           "peer", "name", "up0", "netns", self.f)
        sh("ip", "link", "add", self.dev_r, "netns", self.d, "type", "veth",
           "peer", "name", "up0", "netns", self.r)
        sh("ip", "-n", self.d, "addr", "add", f"{D_ADDR}/24", "dev", self.dev_f)
        for a in FEEDERS + (BIRD_ADDR,):
            sh("ip", "-n", self.f, "addr", "add", f"{a}/24", "dev", "up0")
        sh("ip", "-n", self.d, "addr", "add", "10.0.32.1/24", "dev", self.dev_r)
        sh("ip", "-n", self.r, "addr", "add", "10.0.32.2/24", "dev", "up0")
        for a in FAR:
            sh("ip", "-n", self.r, "addr", "add", f"{a}/32", "dev", "lo")
        sh("ip", "-n", self.d, "addr", "add", f"{PRIV}/32", "dev", "lo")
        for ns, dev in ((self.d, self.dev_f), (self.d, self.dev_r), (self.f, "up0"), (self.r, "up0")):
            sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", self.d, "route", "add", "10.7.0.0/24", "via", "10.0.32.2")
        sh("ip", "-n", self.r, "route", "add", "172.31.1.0/24", "via", "10.0.32.1")
        self.feeders = {}
        self.files = {}
        self.daemon = None
        self.gen = 0

    # ---- what each peer's next hop becomes in D's kernel ----
    def hop(self, nexthop):
        if nexthop in FAR:
            return (None, tunnel_name(D_ADDR, nexthop))
        return (nexthop, self.dev_f)

    def config(self, peers, extra=""):
        lines = [f"router bgp {OUR_AS}", f" bgp router-id {D_ADDR}", " no bgp ebgp-requires-policy"]
        for p in peers:
            lines += [f" neighbor {p} remote-as {PEER_AS}", f" neighbor {p} passive",
                      f" neighbor {p} timers 3 9"]
        lines += [" address-family ipv4 unicast", "  maximum-paths 4", " exit-address-family",
                  "overlay", " mode cross-subnet", " tunnel-style point-to-point",
                  " driver userspace", "exit", extra]
        p = self.tmp / "d.conf"
        p.write_text("\n".join(lines) + "\n")
        return p

    def start_daemon(self, peers, extra=""):
        self.gen += 1
        self.daemon = Daemon(self.tmp, name=f"d{self.gen}", config=self.config(peers, extra),
                             netns=self.d).start()
        return self.daemon

    # ---- bench/feeder sessions ----
    def encode(self, nexthop, start, count):
        key = (nexthop, start, count)
        if key not in self.files:
            path = self.tmp / f"feed-{nexthop}-{start}-{count}.bin"
            sh(FEEDER, "encode", "-o", str(path), "-n", str(count), "-h", nexthop,
               "-a", str(PEER_AS), "-s", pfx(start).split("/")[0])
            self.files[key] = path
        return self.files[key]

    def feed(self, addr, nexthop, start, count):
        """feeder at addr (one of FEEDERS) announces count /24s from index start."""
        self.stop_feeder(addr)
        path = self.encode(nexthop, start, count)
        log = open(self.tmp / f"feeder-{addr}.log", "a")
        self.feeders[addr] = subprocess.Popen(
            ["ip", "netns", "exec", self.f, FEEDER, "run", "-f", str(path), "-c", D_ADDR,
             "-a", str(PEER_AS), "-i", addr, "-b", addr], stdout=log, stderr=subprocess.STDOUT)

    def feed_established(self, addr, nexthop, start, count, timeout=300):
        """feed() until the session is up: after a flap the daemon damps the
        peer (idle hold, growing with each flap) and refuses it while Idle;
        the feeder then exits and is started again."""
        logp = self.tmp / f"feeder-{addr}.log"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            before = logp.read_text().count("established") if logp.exists() else 0
            self.feed(addr, nexthop, start, count)
            p = self.feeders[addr]
            if wait_for(lambda: p.poll() is not None or logp.read_text().count("established") > before
                        and p.poll() is None, 60, 0.1) and p.poll() is None:
                return
            time.sleep(1)
        raise AssertionError(f"feeder {addr} never established: {logp.read_text()[-2000:]}")

    def stop_feeder(self, addr, sig=signal.SIGTERM):
        p = self.feeders.pop(addr, None)
        if p is not None and p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)

    def stop_feeders(self):
        for a in list(self.feeders):
            self.stop_feeder(a)

    def settled(self):
        """The daemon logged that it settled (End-of-RIB from every session)."""
        return "fib: settled" in self.daemon.read_log()

    def close(self):
        self.stop_feeders()
        if self.daemon is not None:
            self.daemon.kill()
        for ns in self.made:
            sh("ip", "netns", "del", ns, check=False)


def want_of(lab, announce):
    """announce: [(nexthop, start, count)] -> prefix -> sorted hops (what D must install)."""
    want = {}
    for nh, start, count in announce:
        for i in range(start, start + count):
            want.setdefault(pfx(i), []).append(lab.hop(nh))
    return {p: tuple(sorted(h, key=str)) for p, h in want.items()}


__all__ = ["Lab", "want_of", "pfx", "FEEDERS", "FAR", "D_ADDR", "PRIV", "BIRD_ADDR",
           "wait_for", "sh"]
