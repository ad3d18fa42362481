"""The userspace and bpf IPIP dataplanes between two sites, as an operator checks them
(every test runs once per driver; bpf is skipped, with the reason, where it cannot run):
ping both ways, the wire format on the underlay (tcpdump), DF pings at and
above the tunnel MTU, a TCP transfer (iperf3), ECMP over two tunnels, ECN
(RFC 6040) both ways, fragmented outer packets reassembled, and a
SIGKILL + restart that adopts our devices, removes the unused ones and never
touches anyone else's.

Site A: underlay 198.51.100.1 (and 203.0.113.1), private 10.1.0.1/24 on lo.
Site B: underlay 198.51.100.2 (and 203.0.113.2), private 10.2.0.1/24 on lo.
Each site runs tests/netns/tunctl (a tunnel manager driven from stdin)."""
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import BUILD, SANITIZER_MARKS, bpf_driver_unavailable, veth_pair, wait_for

TUNCTL = os.path.join(BUILD, "tests", "netns", "tunctl")
U1 = ("198.51.100.1", "198.51.100.2")
U2 = ("203.0.113.1", "203.0.113.2")
PRIV = ("10.1.0.1", "10.2.0.1")
NET = ("10.1.0.0/24", "10.2.0.0/24")

pytestmark = pytest.mark.skipif(not os.path.exists(TUNCTL), reason="tunctl not built")


class Tunctl:
    """tunctl in a namespace: send a command line, get its answer line."""

    def __init__(self, ns, *args, driver="userspace", wrap=()):
        self.ns = ns
        self.stderr = []
        self.proc = ns.popen(*wrap, TUNCTL, "-d", driver, *args, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines, self.events = queue.Queue(), []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        ready = self.lines.get(timeout=10)
        assert ready == f"ready {driver}", ready

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            (self.events.append if line.startswith("event ") else self.lines.put)(line)

    def cmd(self, line, until=None):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = [self.lines.get(timeout=10)]
        while until is not None and out[-1] != until:
            out.append(self.lines.get(timeout=10))
        return out if until else out[0]

    def add(self, local, remote):
        """Returns (name, adopted) of the tunnel local -> remote."""
        r = self.cmd(f"add {local} {remote}")
        m = re.fullmatch(r"ok (\S+) ifindex (\d+) mtu (\d+) adopted (yes|no)", r)
        assert m, r
        return m.group(1), m.group(4) == "yes"

    def show(self):
        """{name: {"mtu":.., "in": (pkts, bytes, errs), "out": (...)}}"""
        res = {}
        for line in self.cmd("show", until="end")[:-1]:
            f = line.split()
            if f[0] == "drops":
                self.drops = {"malformed": int(f[2]), "no-tunnel": int(f[4])}
                continue
            res[f[1]] = {"local": f[3], "remote": f[5], "mtu": int(f[7]), "users": int(f[9]),
                         "in": tuple(map(int, f[11:14])), "out": tuple(map(int, f[15:18]))}
        return res

    def quit(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        assert self.proc.wait(10) == 0
        err = "".join(self.stderr)
        for mark in SANITIZER_MARKS:
            assert mark not in err, err

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)


class Site:
    def __init__(self, ns, i, driver="userspace"):
        self.ns, self.i, self.j = ns, i, 1 - i
        self.dev = f"{ns.name}v"
        self.tun = None
        self.driver = driver

    def start(self, *args, wrap=()):
        """wrap: a command that execs the rest (setpriv with the unit's capabilities)."""
        self.tun = Tunctl(self.ns, *args, driver=self.driver, wrap=wrap)
        return self.tun

    def tunnel(self, under):
        """Add the tunnel over underlay pair `under`; returns its name."""
        return self.tun.add(under[self.i], under[self.j])[0]

    def stop_keeping_a_tunnel(self, under):
        """Restart with -k, add a routed tunnel over `under`, stop gracefully; its name."""
        self.tun.quit()
        self.start("-k")
        keep = self.tunnel(under)
        self.route(keep)
        self.tun.quit()
        return keep

    def route(self, *devs):
        hops = ["dev", devs[0]] if len(devs) == 1 else \
            [w for d in devs for w in ("nexthop", "dev", d)]
        self.ns.ip("route", "replace", NET[self.j], "src", PRIV[self.i], *hops)

    def ping(self, *args, count=2):
        return self.ns.run("ping", "-n", "-c", str(count), "-W", "2", "-i", "0.2",
                           "-I", PRIV[self.i], *args, PRIV[self.j], check=False)


@pytest.fixture(params=["userspace", "bpf"])
def driver(request):
    """The tunnel driver under test; bpf is skipped where it cannot run."""
    if request.param == "bpf" and bpf_driver_unavailable():
        pytest.skip(bpf_driver_unavailable())
    return request.param


@pytest.fixture
def sites(netns_factory, driver):
    """Two sites joined by a veth underlay, tunctl ready to run in each, no tunnels yet."""
    tag = f"usp{os.getpid() % 100000}"
    a, b = Site(netns_factory(tag + "a"), 0, driver), Site(netns_factory(tag + "b"), 1, driver)
    veth_pair(a.ns, a.dev, b.ns, b.dev)
    for s in (a, b):
        for under in (U1, U2):
            s.ns.ip("addr", "add", under[s.i] + "/24", "dev", s.dev)
        s.ns.ip("addr", "add", PRIV[s.i] + "/24", "dev", "lo")
    yield a, b
    for s in (a, b):
        if s.tun and s.tun.proc.poll() is None:
            s.tun.kill()


@pytest.fixture
def linked(sites):
    """sites with one tunnel over U1 each way and the private prefixes routed into it."""
    for s in sites:
        s.start()
        s.route(s.tunnel(U1))
    return sites


def tun_devices(ns):
    return {l["ifname"]: l for l in ns.ip_json("-d", "link", "show")
            if l.get("linkinfo", {}).get("info_kind") == "tun"}


def test_ping_works_both_ways_and_tunnel_is_underlay_mtu_minus_20(linked):
    a, b = linked
    assert a.ping().returncode == 0, a.ping().stdout
    assert b.ping().returncode == 0
    name = next(iter(a.tun.show()))
    dev = tun_devices(a.ns)[name]
    assert dev["mtu"] == 1480
    assert dev["ifalias"] == f"ipip-bgpd local {U1[0]} remote {U1[1]}"
    assert "UP" in dev["flags"]
    t = a.tun.show()[name]
    assert t["out"][0] >= 2 and t["in"][0] >= 2      # requests out, replies in


def tcpdump_start(ns, dev, count, path, expr="ip proto 4"):
    """tcpdump of count packets matching expr on dev into path, once it listens."""
    p = ns.popen("tcpdump", "-l", "-n", "-v", "-i", dev, "-c", str(count), expr,
                 stdout=open(path, "w"), stderr=subprocess.PIPE, text=True)
    assert "listening on" in p.stderr.readline()
    return p


def test_wire_is_ip_proto_4_with_endpoints_df_and_inherited_ttl(linked, tmp_path):
    a, b = linked
    out = tmp_path / "dump.txt"
    p = tcpdump_start(a.ns, a.dev, 4, out)
    assert a.ping("-t", "9", count=2).returncode == 0
    p.wait(10)
    text = out.read_text()
    # Outer: inherited TTL 9 on requests, DF, protocol IPIP; inner ICMP intact.
    assert re.search(r"ttl 9, .*flags \[DF\], proto IPIP \(4\)", text), text
    assert f"{U1[0]} > {U1[1]}: IP " in text and f"{PRIV[0]} > {PRIV[1]}: ICMP echo request" in text
    assert f"{U1[1]} > {U1[0]}: IP " in text and f"{PRIV[1]} > {PRIV[0]}: ICMP echo reply" in text


def test_df_ping_of_exactly_mtu_passes_one_byte_more_is_refused(linked):
    a, b = linked
    assert a.ping("-M", "do", "-s", str(1480 - 28), count=1).returncode == 0
    r = a.ping("-M", "do", "-s", str(1480 - 28 + 1), count=1)
    assert r.returncode != 0
    assert "message too long" in (r.stdout + r.stderr).lower() or "frag needed" in r.stdout.lower()


def test_underlay_mtu_change_is_followed(linked):
    a, b = linked
    name = next(iter(a.tun.show()))
    a.ns.ip("link", "set", a.dev, "mtu", "1400")
    assert wait_for(lambda: f"event {name} mtu 1380" in a.tun.events, timeout=5), a.tun.events
    assert tun_devices(a.ns)[name]["mtu"] == 1380
    assert a.tun.show()[name]["mtu"] == 1380


def iperf(client, server, *args, seconds=3):
    """One iperf3 TCP run client -> server between the private addresses; its JSON."""
    srv = server.ns.popen("iperf3", "-s", "-1", "-B", PRIV[server.i],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: ":5201" in server.ns.run("ss", "-Hltn").stdout, timeout=5)
    r = client.ns.run("iperf3", "-J", "-c", PRIV[client.j], "-B", PRIV[client.i],
                      "-t", str(seconds), *args, check=False, timeout=seconds + 30)
    try:
        srv.wait(10)
    except subprocess.TimeoutExpired:
        srv.kill()
    return json.loads(r.stdout)


def test_iperf3_tcp_transfer_completes(linked):
    a, b = linked
    j = iperf(a, b)
    assert "error" not in j, j["error"]
    assert j["end"]["sum_received"]["bytes"] > 1_000_000
    name = next(iter(b.tun.show()))
    assert b.tun.show()[name]["in"][1] >= j["end"]["sum_received"]["bytes"]


def test_ecmp_over_two_tunnels_spreads_flows(sites):
    a, b = sites
    for s in sites:
        s.ns.sysctl("net.ipv4.fib_multipath_hash_policy", 1)
        s.start()
        s.route(s.tunnel(U1), s.tunnel(U2))
    j = iperf(a, b, "-P", "16", seconds=2)
    assert "error" not in j, j["error"]
    shown = a.tun.show()
    assert len(shown) == 2
    for name, t in shown.items():
        assert t["out"][0] > 50, (name, shown)     # each tunnel carried a share


def test_sigkill_then_restart_adopts_used_removes_unused_leaves_others(sites):
    a, b = sites
    a.ns.run("ip", "tuntap", "add", "dev", "other0", "mode", "tun")
    a.ns.ip("link", "set", "other0", "alias", "not ipip-bgpd")
    for s in sites:
        s.start()
    keep, drop = a.tunnel(U1), a.tunnel(U2)
    b.route(b.tunnel(U1))
    a.route(keep)
    assert a.ping().returncode == 0
    ifindex = tun_devices(a.ns)[keep]["ifindex"]
    a.tun.kill()
    assert {keep, drop, "other0"} <= set(tun_devices(a.ns))   # persistent: routes survive
    a.start()
    assert a.tun.add(U1[0], U1[1]) == (keep, True)
    assert tun_devices(a.ns)[keep]["ifindex"] == ifindex
    assert a.tun.cmd("prune") == "ok pruned 1"
    assert set(tun_devices(a.ns)) == {keep, "other0"}
    assert a.ping().returncode == 0                    # the old route still works
    a.tun.quit()
    assert set(tun_devices(a.ns)) == {"other0"}        # clean exit removes ours only


RAW_SEND = """
import socket, struct, sys
src, dst, inner_version = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ip4(tot, proto, s, d, version=4):
    return struct.pack("!BBHHHBBH4s4s", version << 4 | 5, 0, tot, 0, 0, 64, proto, 0,
                       socket.inet_aton(s), socket.inet_aton(d))
inner = ip4(28, 1, "10.2.0.1", "10.1.0.1", inner_version) + bytes([8, 0, 0xf7, 0xff, 0, 0, 0, 0])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
s.bind((src, 0))
for _ in range(3):
    s.sendto(inner, (dst, 0))
"""


def test_protocol_4_from_strangers_or_malformed_is_dropped_and_counted(linked):
    a, b = linked
    name = next(iter(a.tun.show()))
    # From an underlay address with no tunnel to A: not decapsulated.
    b.ns.run("python3", "-c", RAW_SEND, U2[1], U1[0], "4")
    assert wait_for(lambda: a.tun.show() and a.tun.drops["no-tunnel"] >= 3, timeout=5), a.tun.drops
    # From the tunnel's own remote, but the inner packet is not IPv4.
    b.ns.run("python3", "-c", RAW_SEND, U1[1], U1[0], "6")
    assert wait_for(lambda: a.tun.show() and a.tun.drops["malformed"] >= 3, timeout=5), a.tun.drops
    assert a.tun.show()[name]["in"][0] == 0            # nothing reached the TUN


def test_keep_on_exit_leaves_devices_and_traffic_for_the_next_run(linked):
    a, b = linked
    keep = a.stop_keeping_a_tunnel(U1)
    assert keep in tun_devices(a.ns)               # kept for a graceful restart
    a.start()
    assert a.tun.add(U1[0], U1[1]) == (keep, True)
    assert a.ping().returncode == 0
    a.tun.quit()
    assert keep not in tun_devices(a.ns)


def test_fixed_mtu_is_used_instead_of_underlay(sites):
    a, b = sites
    a.start("-m", "1400")
    name = a.tunnel(U1)
    assert tun_devices(a.ns)[name]["mtu"] == 1400
    a.ns.ip("link", "set", a.dev, "mtu", "1450")
    time.sleep(0.3)
    assert a.tun.show()[name]["mtu"] == 1400 and not a.tun.events


def cpu_ticks(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])      # utime + stime
    return total


def test_device_deleted_by_someone_else_is_made_again_and_carries_traffic(linked):
    """`ip link del` on our tunnel: the manager makes it again (same name and
    alias, new ifindex) and says "up"; no thread spins on the dead TUN, and
    once the route is back (the RIB's job: here the test's) traffic flows."""
    a, b = linked
    name = next(iter(a.tun.show()))
    old = tun_devices(a.ns)[name]["ifindex"]
    a.ns.ip("link", "del", name)
    assert wait_for(lambda: f"event {name} up" in a.tun.events, timeout=5), a.tun.events
    dev = tun_devices(a.ns).get(name)
    assert dev is not None and dev["ifindex"] != old, tun_devices(a.ns)
    assert dev["ifalias"] == f"ipip-bgpd local {U1[0]} remote {U1[1]}" and "UP" in dev["flags"]
    before = cpu_ticks(a.tun.proc.pid)
    time.sleep(1)
    assert cpu_ticks(a.tun.proc.pid) - before < 10      # no thread spinning on a dead TUN
    a.route(name)                                       # the kernel dropped it with the device
    assert a.ping().returncode == 0, a.ping().stdout
    a.tun.cmd(f"del {U1[0]} {U1[1]}")
    assert a.tun.show() == {}
    a.tun.quit()


def test_name_taken_by_a_device_not_ours_is_refused(sites):
    a, b = sites
    a.start()
    name = a.tunnel(U1)
    a.tun.cmd(f"del {U1[0]} {U1[1]}")
    assert name not in tun_devices(a.ns)
    a.ns.run("ip", "tuntap", "add", "dev", name, "mode", "tun")
    assert a.tun.cmd(f"add {U1[0]} {U1[1]}") == "error: File exists"
    assert a.tun.cmd(f"add 192.0.2.99 {U1[1]}").startswith("error: ")   # not our address
    assert name in tun_devices(a.ns)
    a.tun.quit()
    assert name in tun_devices(a.ns)                   # still there: not ours


# What the *_SEND scripts share: an IPv4 header and an ICMP echo request,
# their checksums right (RFC 1071).
PKT_PY = """
import socket, struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~((s & 0xffff) + (s >> 16)) & 0xffff
def ip4(tot, proto, s_, d, tos=0, ident=7):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, tot, ident, 0, 64, proto, 0,
                    socket.inet_aton(s_), socket.inet_aton(d))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]
def echo(pad=0):
    icmp = bytes([8, 0, 0, 0, 0, 1, 0, 1]) + bytes(pad)
    return icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
"""


ECN_SEND = PKT_PY + """
src, dst, inner_tos, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
outer_tos = int(sys.argv[5]) if len(sys.argv) > 5 else 3
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, outer_tos)  # CE unless told
s.bind((src, 0))
for _ in range(n):
    s.sendto(ip4(28, 1, "10.2.0.1", "10.1.0.1", tos=inner_tos) + echo(), (dst, 0))
"""


def test_ecn_ce_leaves_as_ect0_and_outer_ce_marks_inner_ce(linked, tmp_path):
    """RFC 6040 as the kernel's ipip: encapsulation sends an inner CE as
    ECT(0) outside; decapsulation of an outer CE makes an ECT(1) inner
    packet CE (checksum still right), of an outer ECT(1) makes an ECT(0)
    inner packet ECT(1) (section 4.2, figure 4), and drops a Not-ECT one
    under CE."""
    a, b = linked
    name = next(iter(a.tun.show()))
    out = tmp_path / "enc.txt"
    p = tcpdump_start(a.ns, a.dev, 1, out)
    assert a.ping("-Q", "3", count=1).returncode == 0
    p.wait(10)
    text = out.read_text()
    assert re.search(r"\(tos 0x2,ECT\(0\), .*proto IPIP", text), text
    assert re.search(r"\(tos 0x3,CE, .*proto ICMP", text), text      # inner untouched
    out = tmp_path / "dec.txt"
    p = tcpdump_start(a.ns, name, 1, out, "icmp")
    b.ns.run("python3", "-c", ECN_SEND, U1[1], U1[0], "1", "1")      # inner ECT(1)
    p.wait(10)
    text = out.read_text()
    assert re.search(r"\(tos 0x3,CE, .*proto ICMP", text) and "bad cksum" not in text, text
    out = tmp_path / "ect1.txt"
    p = tcpdump_start(a.ns, name, 1, out, "icmp")
    b.ns.run("python3", "-c", ECN_SEND, U1[1], U1[0], "2", "1", "1")  # ECT(0) in ECT(1)
    p.wait(10)
    text = out.read_text()
    assert re.search(r"\(tos 0x1,ECT\(1\), .*proto ICMP", text) and "bad cksum" not in text, text
    before = a.tun.show()[name]["in"][2]
    b.ns.run("python3", "-c", ECN_SEND, U1[1], U1[0], "0", "3")      # inner Not-ECT
    assert wait_for(lambda: a.tun.show()[name]["in"][2] >= before + 3, timeout=5), a.tun.show()


FRAG_SEND = PKT_PY + """
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
icmp = echo(1952)
pkt = ip4(20 + len(icmp), 1, "10.2.0.1", "10.1.0.1", ident=9) + icmp
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
s.setsockopt(socket.IPPROTO_IP, 10, 0)             # IP_MTU_DISCOVER: DONT, so fragments
s.bind((src, 0))
for _ in range(n):
    s.sendto(pkt, (dst, 0))
"""


def test_fragmented_outer_packets_are_reassembled_and_decapsulated(linked):
    """A remote that sends IPIP without DF, too big for the underlay: the
    kernel's ipip takes the reassembled packet, and so do both drivers (bpf:
    ipip_decap leaves fragments to the stack and its slow path takes what
    the stack reassembles; before, they were dropped as malformed)."""
    a, b = linked
    name = next(iter(a.tun.show()))
    before, bad = a.tun.show()[name]["in"][0], a.tun.drops["malformed"]
    b.ns.run("python3", "-c", FRAG_SEND, U1[1], U1[0], "3")
    assert wait_for(lambda: a.tun.show()[name]["in"][0] >= before + 3, timeout=5), a.tun.show()
    assert a.tun.drops["malformed"] == bad
