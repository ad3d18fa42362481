"""Sites in network namespaces for the overlay demo and the mesh tests.

A lab is an "internet" router namespace, underlay subnets (a bridge in the
router namespace, the router at .254), sites (a namespace each with one or
more underlay addresses and a private /24 on a LAN port) and route
reflectors (BIRD 2 or ipip-bgpd). Every site runs ipip-bgpd, announces its
private prefix over iBGP to the reflectors, and installs the others' through
IPIP tunnels or directly.

Standard library only (the demo runs it with /usr/bin/python3). Everything a
lab makes carries its tag: namespaces are TAG-NAME, and state (configs,
logs, control sockets, PIDs) lives in one directory, so `Lab.destroy(tag,
dir)` removes a lab left by an earlier run, stopping only the processes
whose PIDs that run recorded.
"""
import ipaddress
import json
import os
import signal
import subprocess
import time

AS = 65000


def sh(*args, check=True, timeout=60):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          check=check, timeout=timeout)


def wait_for(pred, timeout=30.0, step=0.1):
    """Poll pred() until it is true or timeout seconds pass; return its last value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Subnet:
    """An underlay /24: a bridge in the router namespace, the router at .254."""

    def __init__(self, name, net):
        self.name, self.net = name, ipaddress.ip_network(net)
        self.router = str(self.net.network_address + 254)
        self.ports = 0

    def host(self, n):
        return str(self.net.network_address + n)


class Site:
    """One site: its namespace, underlay addresses (subnet, address) and private /24."""

    def __init__(self, lab, name, private, uplinks):
        self.lab, self.name = lab, name
        self.ns = f"{lab.tag}-{name}"
        self.private = ipaddress.ip_network(private)
        self.addr = str(self.private.network_address + 1)   # the LAN side, ping source
        self.uplinks = uplinks                                # [(Subnet, address)]
        self.sock = os.path.join(lab.dir, f"{name}.sock")
        self.conf = os.path.join(lab.dir, f"{name}.conf")
        self.log = os.path.join(lab.dir, f"{name}.log")
        self.proc = None

    @property
    def underlay(self):
        return [a for _, a in self.uplinks]

    def vty(self, *cmds, check=True):
        args = [self.lab.vtysh, "-S", self.sock]
        for c in cmds:
            args += ["-c", c]
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise RuntimeError(f"{self.name}: ipip-vtysh {cmds}: {r.stderr.strip()}")
        return r.stdout

    def vty_json(self, cmd):
        return json.loads(self.vty(cmd))

    def run(self, *cmd, check=False, timeout=60):
        return sh("ip", "netns", "exec", self.ns, *cmd, check=check, timeout=timeout)

    def ip_json(self, *args):
        r = sh("ip", "-n", self.ns, "-j", *args, check=False)
        return json.loads(r.stdout or "[]")


class Lab:
    def __init__(self, tag, workdir, bindir, log=print):
        self.tag, self.dir, self.log = tag, workdir, log
        self.bgpd = os.path.join(bindir, "bgpd", "ipip-bgpd")
        self.vtysh = os.path.join(bindir, "vtysh", "ipip-vtysh")
        self.router = f"{tag}-inet"
        self.subnets, self.sites, self.reflectors = {}, [], []
        self.namespaces = []
        os.makedirs(workdir, exist_ok=True)

    # ---- teardown ------------------------------------------------------
    @staticmethod
    def destroy(tag, workdir):
        """Stop what an earlier lab with this tag and directory started (by
        the PIDs it recorded) and delete its namespaces. Returns what it did."""
        done = []
        pidfile = os.path.join(workdir, "pids")
        if os.path.exists(pidfile):
            for line in open(pidfile):
                pid, _, exe = line.strip().partition(" ")
                if pid.isdigit() and _pid_runs(int(pid), exe):
                    os.kill(int(pid), signal.SIGTERM)
                    done.append(f"stopped {exe} (pid {pid})")
                    if not wait_for(lambda: not _pid_runs(int(pid), exe), 10):
                        os.kill(int(pid), signal.SIGKILL)
            os.unlink(pidfile)
        names = sh("ip", "netns", "list", check=False).stdout.split("\n")
        for ns in (n.split()[0] for n in names if n.strip()):
            if ns.startswith(f"{tag}-"):
                sh("ip", "netns", "del", ns, check=False)
                done.append(f"deleted namespace {ns}")
        for name in os.listdir(workdir) if os.path.isdir(workdir) else ():
            if name.endswith((".conf", ".log", ".out", ".sock", ".pid", ".ctl")):
                os.unlink(os.path.join(workdir, name))
        return done

    def close(self):
        return Lab.destroy(self.tag, self.dir)

    def _record(self, proc, exe):
        with open(os.path.join(self.dir, "pids"), "a") as f:
            f.write(f"{proc.pid} {exe}\n")

    def spawn(self, ns, cmd, logpath, exe):
        """Start cmd in namespace ns in its own session; its PID is recorded."""
        with open(logpath, "w") as logf:
            p = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=logf,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        self._record(p, exe)
        return p

    # ---- underlay ------------------------------------------------------
    def _netns(self, ns):
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")

    def make_router(self):
        self._netns(self.router)
        sh("ip", "netns", "exec", self.router, "sysctl", "-qw", "net.ipv4.ip_forward=1")

    def subnet(self, name, net):
        s = Subnet(name, net)
        br = f"br-{name}"
        sh("ip", "-n", self.router, "link", "add", br, "type", "bridge")
        sh("ip", "-n", self.router, "addr", "add", f"{s.router}/{s.net.prefixlen}", "dev", br)
        sh("ip", "-n", self.router, "link", "set", br, "up")
        self.subnets[name] = s
        return s

    def attach(self, ns, dev, subnet, addr):
        """A veth from ns (named dev) to subnet's bridge, with addr on it."""
        subnet.ports += 1
        peer = f"{subnet.name}p{subnet.ports}"
        sh("ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name", peer,
           "netns", self.router)
        sh("ip", "-n", self.router, "link", "set", peer, "master", f"br-{subnet.name}", "up")
        sh("ip", "-n", ns, "addr", "add", f"{addr}/{subnet.net.prefixlen}", "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")

    def add_site(self, name, private, uplinks):
        """uplinks: [(Subnet, host number)]. The first uplink has the default
        route; each further one gets source routing (`ip rule from ADDR`), as a
        multihomed host has, so tunnels from that address leave through it."""
        site = Site(self, name, private, [(s, s.host(n)) for s, n in uplinks])
        self._netns(site.ns)
        sh("ip", "netns", "exec", site.ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        for i, (s, a) in enumerate(site.uplinks):
            dev = f"up{i}"
            self.attach(site.ns, dev, s, a)
            if i == 0:
                sh("ip", "-n", site.ns, "route", "add", "default", "via", s.router)
            else:
                table = str(100 + i)
                sh("ip", "-n", site.ns, "route", "add", "default", "via", s.router, "dev", dev,
                   "table", table)
                sh("ip", "-n", site.ns, "rule", "add", "from", a, "table", table)
        # The site's private LAN: a veth pair inside the site (no dummy
        # devices on every kernel); its gateway address is the ping source.
        sh("ip", "-n", site.ns, "link", "add", "lan0", "type", "veth", "peer", "name", "lan0h")
        sh("ip", "-n", site.ns, "addr", "add",
           f"{site.addr}/{site.private.prefixlen}", "dev", "lan0")
        sh("ip", "-n", site.ns, "link", "set", "lan0h", "up")
        sh("ip", "-n", site.ns, "link", "set", "lan0", "up")
        self.sites.append(site)
        return site

    def add_reflector_ns(self, name, subnet, host):
        ns = f"{self.tag}-{name}"
        self._netns(ns)
        addr = subnet.host(host)
        self.attach(ns, "up0", subnet, addr)
        sh("ip", "-n", ns, "route", "add", "default", "via", subnet.router)
        return ns, addr

    # ---- control plane -------------------------------------------------
    def site_config(self, site, peers, mode="cross-subnet", driver="auto", extra_overlay=()):
        """peers: [(reflector address, our source address)]."""
        lines = [f"! {site.name}: written by scripts/sitelab.py",
                 f"hostname {site.name}",
                 "log stdout informational",
                 f"router bgp {AS}",
                 f" bgp router-id {site.underlay[0]}"]
        for rr, src in peers:
            lines += [f" neighbor {rr} remote-as {AS}",
                      f" neighbor {rr} description route reflector",
                      f" neighbor {rr} update-source {src}",
                      f" neighbor {rr} timers 3 9",
                      f" neighbor {rr} timers connect 2"]
        lines += [" address-family ipv4 unicast",
                  f"  network {site.private}",
                  "  maximum-paths ibgp 8",
                  " exit-address-family",
                  "exit",
                  "overlay",
                  f" mode {mode}",
                  f" driver {driver}",
                  " ecmp-hash layer4",
                  *[f" {x}" for x in extra_overlay],
                  "exit"]
        return "\n".join(lines) + "\n"

    def start_site(self, site, peers, **kw):
        self.launch_site(site, peers, **kw)
        return self.await_site(site)

    def launch_site(self, site, peers, **kw):
        """Write the config and start ipip-bgpd without waiting for it (so
        many sites can start at once); await_site() then waits."""
        with open(site.conf, "w") as f:
            f.write(self.site_config(site, peers, **kw))
        site.proc = self.spawn(site.ns, [self.bgpd, "-n", "-f", site.conf, "-S", site.sock,
                                         "-P", site.sock + ".pid"], site.log, "ipip-bgpd")
        return site

    def await_site(self, site, timeout=20):
        if not wait_for(lambda: os.path.exists(site.sock) or site.proc.poll() is not None, timeout):
            raise RuntimeError(f"{site.name}: ipip-bgpd did not start; see {site.log}")
        if site.proc.poll() is not None:
            raise RuntimeError(f"{site.name}: ipip-bgpd exited: {open(site.log).read()[-2000:]}")
        return site

    def start_sites(self, peers, **kw):
        """peers: {site: [(reflector address, source address)]}. Starts every
        site's daemon first, then waits for each control socket."""
        for site, p in peers.items():
            self.launch_site(site, p, **kw)
        for site in peers:
            self.await_site(site)

    def stop_site(self, site, sig=signal.SIGTERM):
        if site.proc and site.proc.poll() is None:
            site.proc.send_signal(sig)
            site.proc.wait(20)
        return site.proc.returncode if site.proc else None

    def stop_sites(self, sites, sig=signal.SIGTERM, timeout=30):
        """Signal every running site's daemon at once, then wait for each;
        returns {site name: exit status} (negative: killed by that signal,
        None: still running after timeout)."""
        for s in sites:
            if s.proc and s.proc.poll() is None:
                s.proc.send_signal(sig)
        end = time.monotonic() + timeout
        out = {}
        for s in sites:
            if s.proc is None:
                continue
            try:
                out[s.name] = s.proc.wait(max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                out[s.name] = None
        return out


def _pid_runs(pid, exe):
    """Is pid alive and still the program we started (not a recycled PID)?"""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return any(os.path.basename(a.decode(errors="replace")) == exe for a in argv)


class BirdReflector:
    """BIRD 2 as an iBGP route reflector, configured only in BIRD's own
    syntax: every site is an `rr client`; BIRD resolves next hops through a
    static default route it never exports; it installs nothing in the kernel."""

    def __init__(self, lab, name, subnet, host):
        self.lab, self.name = lab, name
        self.ns, self.addr = lab.add_reflector_ns(name, subnet, host)
        self.gw = subnet.router
        self.conf = os.path.join(lab.dir, f"{name}.bird.conf")
        self.sock = os.path.join(lab.dir, f"{name}.bird.ctl")
        self.log = os.path.join(lab.dir, f"{name}.bird.log")
        self.clients = []          # (protocol name, site address)
        self.proc = None
        lab.reflectors.append(self)

    def add_client(self, name, addr):
        self.clients.append((name, addr))

    def config(self):
        protos = "\n".join(f"protocol bgp {n} from sites {{ neighbor {a} as {AS}; }}"
                           for n, a in self.clients)
        return f"""# {self.name}: BIRD 2 route reflector for the overlay (scripts/sitelab.py)
router id {self.addr};
log "{self.log}" {{ info, remote, warning, error, auth, fatal, bug }};

protocol device {{ }}

# Next hops of iBGP routes are resolved through the IGP table; the
# reflector's only "IGP" is its default route. It is never exported.
protocol static underlay {{
  ipv4;
  route 0.0.0.0/0 via {self.gw};
}}

template bgp sites {{
  local {self.addr} as {AS};
  rr client;
  rr cluster id {self.addr};
  hold time 9;
  keepalive time 3;
  connect retry time 5;
  error wait time 1, 10;
  ipv4 {{
    import all;
    export where source = RTS_BGP;
  }};
}}

{protos}
"""

    def start(self):
        with open(self.conf, "w") as f:
            f.write(self.config())
        self.proc = self.lab.spawn(self.ns, ["bird", "-f", "-c", self.conf, "-s", self.sock],
                                   self.log + ".out", "bird")
        ok = wait_for(lambda: os.path.exists(self.sock) and
                      self.birdc("show status").returncode == 0, 15)
        if not ok:
            raise RuntimeError(f"{self.name}: BIRD did not start: {self.read_log()}")
        return self

    def birdc(self, cmd):
        return subprocess.run(["birdc", "-s", self.sock] + cmd.split(),
                              capture_output=True, text=True, timeout=15)

    def read_log(self):
        out = ""
        for p in (self.log, self.log + ".out"):
            if os.path.exists(p):
                out += open(p).read()
        return out[-3000:]

    def established(self):
        out = self.birdc("show protocols").stdout
        return sum(1 for l in out.splitlines() if " BGP " in l and "Established" in l)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


class BgpdReflector:
    """ipip-bgpd as an iBGP route reflector: it reflects and installs nothing
    (`overlay mode never` would still install direct routes, so it runs with
    no overlay work to do: reflectors sit on their own subnet)."""

    def __init__(self, lab, name, subnet, host):
        self.lab, self.name = lab, name
        self.ns, self.addr = lab.add_reflector_ns(name, subnet, host)
        self.conf = os.path.join(lab.dir, f"{name}.conf")
        self.sock = os.path.join(lab.dir, f"{name}.sock")
        self.log = os.path.join(lab.dir, f"{name}.log")
        self.clients = []
        self.proc = None
        lab.reflectors.append(self)

    def add_client(self, name, addr):
        self.clients.append((name, addr))

    def config(self):
        lines = [f"hostname {self.name}", "log stdout informational",
                 f"router bgp {AS}", f" bgp router-id {self.addr}", f" bgp cluster-id {self.addr}",
                 " bgp listen-address " + self.addr]
        for n, a in self.clients:
            lines += [f" neighbor {a} remote-as {AS}", f" neighbor {a} description {n}",
                      f" neighbor {a} timers 3 9", f" neighbor {a} timers connect 2"]
        lines += [" address-family ipv4 unicast"]
        lines += [f"  neighbor {a} route-reflector-client" for _, a in self.clients]
        lines += [" exit-address-family", "exit",
                  "overlay", " mode never", " driver userspace", "exit"]
        return "\n".join(lines) + "\n"

    def start(self):
        with open(self.conf, "w") as f:
            f.write(self.config())
        self.proc = self.lab.spawn(self.ns, [self.lab.bgpd, "-n", "-f", self.conf, "-S", self.sock,
                                             "-P", self.sock + ".pid"], self.log, "ipip-bgpd")
        if not wait_for(lambda: os.path.exists(self.sock) or self.proc.poll() is not None, 20) \
                or self.proc.poll() is not None:
            raise RuntimeError(f"{self.name}: ipip-bgpd did not start: {self.read_log()}")
        return self

    def read_log(self):
        return open(self.log).read()[-3000:] if os.path.exists(self.log) else ""

    def established(self):
        r = subprocess.run([self.lab.vtysh, "-S", self.sock, "-c", "show bgp summary json"],
                           capture_output=True, text=True, timeout=15)
        if r.returncode != 0:
            return 0
        peers = json.loads(r.stdout).get("ipv4Unicast", {}).get("peers", {})
        return sum(1 for p in peers.values() if p.get("state") == "Established")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


# ---- what an operator checks ---------------------------------------------
def installed(site, proto="44"):
    """prefix -> [(gateway or None, device)] of our routes in the site's kernel."""
    nhs = {n["id"]: n for n in site.ip_json("nexthop", "show")}
    out = {}
    for r in site.ip_json("route", "show", "proto", proto):
        hops = []
        if "nhid" in r:
            n = nhs.get(r["nhid"], {})
            for m in [nhs.get(g["id"], {}) for g in n.get("group", [])] or [n]:
                hops.append((m.get("gateway"), m.get("dev")))
        elif "nexthops" in r:
            hops = [(h.get("gateway"), h.get("dev")) for h in r["nexthops"]]
        else:
            hops.append((r.get("gateway"), r.get("dev")))
        out[r["dst"]] = sorted(hops, key=lambda h: (h[1] or "", h[0] or ""))
    return out


def tunnels(site):
    """Our tunnel devices: name -> (local, remote) from the ownership alias."""
    out = {}
    for l in site.ip_json("-d", "link", "show"):
        alias = l.get("ifalias", "")
        if alias.startswith("ipip-bgpd local"):
            w = alias.split()
            out[l["ifname"]] = (w[2], w[4] if len(w) > 4 else None)
    return out


def expected_hops(site, other, mode="cross-subnet", locals_=None):
    """How site should reach other's prefix, sorted: ("direct", None, nh) for
    a next hop on a shared subnet, else ("tunnel", local, nh) for each of our
    session addresses (locals_, default: every underlay address of site)."""
    mine = [s.net for s, _ in site.uplinks]
    out = set()
    for a in other.underlay:
        on_link = any(ipaddress.ip_address(a) in n for n in mine)
        if on_link and mode != "always":
            out.add(("direct", None, a))
        else:
            out.update(("tunnel", l, a) for l in (locals_ or site.underlay))
    return sorted(out, key=lambda x: (x[2], x[1] or ""))


def route_matches(site, other, routes, tuns, mode="cross-subnet", locals_=None):
    """Does site's kernel reach other's prefix the way expected_hops says?
    Returns (ok, explanation)."""
    want = expected_hops(site, other, mode, locals_)
    got = routes.get(str(other.private))
    if got is None:
        return False, f"no route to {other.private}"
    seen = []
    for gw, dev in got:
        if dev in tuns:
            local, remote = tuns[dev]
            if remote in (None, "0.0.0.0"):     # NBMA: the route's gateway is the remote
                remote = gw
            seen.append(("tunnel", local, remote))
        else:
            seen.append(("direct", None, gw))
    seen.sort(key=lambda x: (x[2], x[1] or ""))
    return seen == want, f"{other.private}: " + ", ".join(
        f"{k} {nh}" + (f" from {l}" if l else "") for k, l, nh in seen) + \
        ("" if seen == want else f"; want {want}")


def ping(site, dst, count=3):
    return site.run("ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-W", "2",
                    "-I", site.addr, dst, timeout=30)


# ---- many sites ------------------------------------------------------------
def mesh(lab, n, reflector="bird", per_subnet=3):
    """An n-site lab (n <= 250): site sI (I = 0..n-1) has private prefix
    10.20.I.0/24 and one underlay address, host I % per_subnet + 1 on
    subnet uG = 100.64.G.0/24 with G = I // per_subnet, so sites of one group
    are direct to each other under cross-subnet and tunneled to all others.
    Two reflectors of kind reflector ("bird" or "ipip-bgpd") sit on their own
    subnet 100.127.0.0/24; every site peers with both from its address.
    Returns (sites, reflectors, peers) with peers ready for Lab.start_sites;
    nothing is started."""
    if not 2 <= n <= 250:
        raise ValueError(f"mesh: {n} sites; 2 to 250 fit the addressing")
    lab.make_router()
    nets = [lab.subnet(f"u{g}", f"100.64.{g}.0/24") for g in range((n - 1) // per_subnet + 1)]
    rrnet = lab.subnet("rr", "100.127.0.0/24")
    kind = BirdReflector if reflector == "bird" else BgpdReflector
    rrs = [kind(lab, "rr1", rrnet, 1), kind(lab, "rr2", rrnet, 2)]
    sites, peers = [], {}
    for i in range(n):
        s = lab.add_site(f"s{i}", f"10.20.{i}.0/24", [(nets[i // per_subnet], i % per_subnet + 1)])
        sites.append(s)
        peers[s] = [(r.addr, s.underlay[0]) for r in rrs]
        for r in rrs:
            r.add_client(f"site_{s.name}", s.underlay[0])
    return sites, rrs, peers


def prefixes(site, proto="44"):
    """The destinations of our routes in the site's kernel (one `ip route` read)."""
    return {r["dst"] for r in site.ip_json("route", "show", "proto", proto)}


def unconverged(sites, among=None, mode="cross-subnet"):
    """The sites of among (default: all) whose kernel does not reach every
    other site's prefix the way expected_hops says, as [(site, why)]. A site
    still missing prefixes costs one `ip route` read; only a site that has
    them all is read in full (routes, nexthops, tunnels) and matched."""
    bad = []
    for s in sites if among is None else among:
        others = [o for o in sites if o is not s]
        have = prefixes(s)
        missing = [str(o.private) for o in others if str(o.private) not in have]
        if missing:
            bad.append((s, f"{len(missing)} prefixes missing, e.g. {missing[0]}"))
            continue
        routes, tuns = installed(s), tunnels(s)
        for o in others:
            ok, why = route_matches(s, o, routes, tuns, mode)
            if not ok:
                bad.append((s, why))
                break
    return bad


def daemon_pid(proc, exe):
    """The PID of the program proc runs. Lab.spawn starts `ip netns exec NS
    CMD`, which execs CMD in place (same PID); /proc/PID/exe is checked so a
    wrapper process never passes for the daemon."""
    path = os.readlink(f"/proc/{proc.pid}/exe")
    if os.path.basename(path.removesuffix(" (deleted)")) != exe:
        raise RuntimeError(f"pid {proc.pid} is {path}, not {exe}")
    return proc.pid


def rss_kb(pid):
    """VmRSS of pid in kB (resident memory: the process's own pages)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"pid {pid}: no VmRSS")
