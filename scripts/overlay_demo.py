#!/usr/bin/python3
"""The overlay demo: four sites, an internet router and two route reflectors
in network namespaces; the sites learn each other's private prefixes over
BGP and reach them directly or through IPIP tunnels (doc/demo.md).

  scripts/overlay_demo.py --bin build/release [--reflector bird|ipip-bgpd] [--teardown]
  scripts/overlay_demo.py --down

Underlay (the "internet" router in the middle, at .254 of every subnet):
  site A 192.0.2.1 and site B 192.0.2.2 share 192.0.2.0/24
  site C 198.51.100.3 and 203.0.113.3 (two uplinks)
  site D 198.18.4.4
  reflectors rr1 198.18.9.1, rr2 198.18.9.2
Private prefixes: A 10.10.1.0/24, B 10.10.2.0/24, C 10.10.3.0/24, D 10.10.4.0/24.
Every site peers (iBGP, AS 65000) with both reflectors; C peers with rr1
from its first address and with rr2 from its second, so the others learn
two next hops for C's prefix and spread traffic to C over two tunnels.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitelab  # noqa: E402
from sitelab import BgpdReflector, BirdReflector, Lab, sh, wait_for  # noqa: E402

TAG, STATE = "ipd", "/run/ipip-demo"


def say(msg):
    print(f"== {msg}", flush=True)


def kernel_has_ipip():
    """Can this kernel make an ipip device? Tried in a scratch namespace."""
    ns = f"{TAG}-probe"
    sh("ip", "netns", "add", ns)
    try:
        # local/remote of our own: a bare "type ipip" would equal the
        # kernel's fallback tunl0 and be refused as a duplicate
        return sh("ip", "-n", ns, "link", "add", "p0", "type", "ipip", "local", "192.0.2.98",
                  "remote", "192.0.2.99", check=False).returncode == 0
    finally:
        sh("ip", "netns", "del", ns, check=False)


def build(lab, reflector):
    lab.make_router()
    ab = lab.subnet("ab", "192.0.2.0/24")
    c1 = lab.subnet("c1", "198.51.100.0/24")
    c2 = lab.subnet("c2", "203.0.113.0/24")
    d = lab.subnet("d", "198.18.4.0/24")
    rr = lab.subnet("rr", "198.18.9.0/24")
    sites = {
        "A": lab.add_site("a", "10.10.1.0/24", [(ab, 1)]),
        "B": lab.add_site("b", "10.10.2.0/24", [(ab, 2)]),
        "C": lab.add_site("c", "10.10.3.0/24", [(c1, 3), (c2, 3)]),
        "D": lab.add_site("d", "10.10.4.0/24", [(d, 4)]),
    }
    kind = BirdReflector if reflector == "bird" else BgpdReflector
    rrs = [kind(lab, "rr1", rr, 1), kind(lab, "rr2", rr, 2)]
    peers = {}
    for name, s in sites.items():
        if len(s.underlay) == 2:      # C: one session per uplink address
            peers[name] = [(rrs[0].addr, s.underlay[0]), (rrs[1].addr, s.underlay[1])]
        else:
            peers[name] = [(r.addr, s.underlay[0]) for r in rrs]
        for (rr_addr, src) in peers[name]:
            r = next(x for x in rrs if x.addr == rr_addr)
            r.add_client(f"site_{name.lower()}{'' if len(s.underlay) == 1 else s.underlay.index(src) + 1}",
                         src)
    return sites, rrs, peers


def converged(sites):
    """Every site reaches every other site's prefix as cross-subnet says."""
    for s in sites.values():
        routes, tuns = sitelab.installed(s), sitelab.tunnels(s)
        for o in sites.values():
            if o is not s and not sitelab.route_matches(s, o, routes, tuns)[0]:
                return False
    return True


def explain(sites):
    for n, s in sites.items():
        routes, tuns = sitelab.installed(s), sitelab.tunnels(s)
        for o in sites.values():
            if o is not s:
                ok, why = sitelab.route_matches(s, o, routes, tuns)
                print(f"   {n}: {'ok ' if ok else 'BAD'} {why}")


def ping_matrix(sites):
    names = list(sites)
    print("   from\\to " + "".join(f"{n:>12}" for n in names))
    failed = []
    for a in names:
        row = f"   {a:<8}"
        for b in names:
            if a == b:
                row += f"{'-':>12}"
                continue
            r = sitelab.ping(sites[a], sites[b].addr)
            ok = r.returncode == 0
            row += f"{'ok' if ok else 'LOST':>12}"
            if not ok:
                failed.append(f"{a}->{b}")
        print(row, flush=True)
    return failed


def rx_packets(site, devs):
    stats = {l["ifname"]: l.get("stats64", {}).get("rx", {}).get("packets", 0)
             for l in site.ip_json("-s", "link", "show")}
    return {d: stats.get(d, 0) for d in devs}


def tcp_transfer(a, c):
    """iperf3 from A's private address to C's, 16 flows for 3 s (with the layer-4
    multipath hash, all on one tunnel has odds 2^-15); returns (Mbit/s,
    packets received on each of C's uplinks), counted at C so that it holds
    for point-to-point and NBMA tunnels alike."""
    ups = [f"up{i}" for i in range(len(c.underlay))]
    srv = subprocess.Popen(["ip", "netns", "exec", c.ns, "iperf3", "-s", "-1", "-B", c.addr],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        before = rx_packets(c, ups)
        try:
            r = a.run("iperf3", "-c", c.addr, "-B", a.addr, "-t", "3", "-P", "16", "-J",
                      "--connect-timeout", "3000", timeout=30)
        except subprocess.TimeoutExpired:
            raise RuntimeError("iperf3 did not finish in 30 s")
        after = rx_packets(c, ups)
    finally:
        try:
            srv.wait(10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    if r.returncode != 0:
        raise RuntimeError(f"iperf3 failed: {r.stdout[-500:]} {r.stderr[-500:]}")
    bps = json.loads(r.stdout)["end"]["sum_received"]["bits_per_second"]
    return bps / 1e6, {f"{d} ({addr})": after[d] - before[d]
                       for d, addr in zip(ups, c.underlay)}


def capture_one(lab, a, c):
    """The tcpdump line of one encapsulated packet from A toward C, seen on the router."""
    cap = subprocess.Popen(["ip", "netns", "exec", lab.router, "timeout", "10", "tcpdump", "-l",
                            "-n", "-i", "any", "-c", "1", f"ip proto 4 and src host {a.underlay[0]}"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(1.0)
    sitelab.ping(a, c.addr, count=2)
    out, _ = cap.communicate(timeout=15)
    return out.strip()


def show(title, text):
    say(title)
    print(text.rstrip(), flush=True)


def run(args):
    done = Lab.destroy(TAG, STATE)
    if done:
        say("removed the previous demo: " + "; ".join(done))
    ipip = kernel_has_ipip()
    say("this kernel " + ("has ipip: the sites use the kernel driver (overlay driver auto)" if ipip
                          else "has no ipip: the sites use the bpf driver (TUN + tc BPF "
                               "programs) where it loads, else userspace (TUN + raw "
                               "IP-protocol-4 socket; overlay driver auto)"))
    lab = Lab(TAG, STATE, args.bin)
    say(f"building namespaces {TAG}-inet (the internet router), {TAG}-a..d (sites), "
        f"{TAG}-rr1/rr2 ({args.reflector} route reflectors)")
    sites, rrs, peers = build(lab, args.reflector)
    for r in rrs:
        r.start()
    t0 = time.monotonic()
    for n, s in sites.items():
        lab.start_site(s, peers[n])
    say(f"ipip-bgpd started on the four sites; configs and logs in {STATE}/")
    print(open(sites["C"].conf).read().rstrip())
    ok = wait_for(lambda: converged(sites), args.timeout, 0.25)
    if not ok:
        say(f"FAILED: the overlay did not converge in {args.timeout} s")
        explain(sites)
        for n, s in sites.items():
            print(f"--- {n} log ---\n" + open(s.log).read()[-1500:])
        for r in rrs:
            print(f"--- {r.name} ---\n" + r.read_log())
        return 1
    conv = time.monotonic() - t0
    say(f"converged in {conv:.1f} s: every site has a route to every other site's prefix")
    explain(sites)
    a, c = sites["A"], sites["C"]
    say("ping between every pair of private prefixes (source = the site's private address)")
    lost = ping_matrix(sites)
    show("site A: show bgp summary", a.vty("show bgp summary"))
    show("site A: show overlay", a.vty("show overlay"))
    show(f"site A: ip route (ip -n {a.ns} route; ip -n {a.ns} nexthop)",
         sh("ip", "-n", a.ns, "route").stdout + sh("ip", "-n", a.ns, "nexthop").stdout)
    say("one encapsulated packet on the internet router (tcpdump -ni any 'ip proto 4')")
    print(capture_one(lab, a, c) or "(nothing captured)")
    say("TCP transfer from A (10.10.1.1) to C (10.10.3.1): iperf3, 16 flows, 3 s")
    try:
        mbps, spread = tcp_transfer(a, c)
        print(f"   {mbps:.0f} Mbit/s; packets C received on each uplink: "
              + ", ".join(f"{d} {n}" for d, n in spread.items()))
        tcp_ok = True
    except RuntimeError as e:
        print(f"   {e}")
        tcp_ok, spread = False, {}
    ecmp = sum(1 for n in spread.values() if n > 100)   # more than keepalives
    driver = a.vty_json("show overlay json").get("driver")
    checks = [("every ping answered", not lost),
              ("A<->B direct on their shared subnet, every other pair through a tunnel",
               converged(sites)),
              ("C's prefix over two tunnels (ECMP), both uplinks of C carried the transfer", ecmp >= 2),
              ("TCP transfer across a tunnel", tcp_ok)]
    say("summary")
    for what, good in checks:
        print(f"   [{'ok' if good else 'FAILED'}] {what}")
    worked = all(g for _, g in checks)
    if worked:
        say(f"overlay works: 4 sites, {args.reflector} route reflectors, {driver} tunnel driver, "
            f"converged in {conv:.1f} s")
    else:
        say("overlay FAILED: see the lines marked FAILED above"
            + (f" (lost: {', '.join(lost)})" if lost else ""))
    if args.teardown:
        Lab.destroy(TAG, STATE)
        say("torn down: no namespace, device or process of the demo is left")
    else:
        say("the demo keeps running. Look around:")
        print(f"   ipip-vtysh -S {STATE}/a.sock            (site A's shell; b, c, d likewise)")
        print(f"   ip netns exec {TAG}-c ip route         (site C's kernel routes)")
        print(f"   ip netns exec {TAG}-a ping -I 10.10.1.1 10.10.4.1")
        say("tear it down with: scripts/demo.sh down" if (TAG, STATE) == ("ipd", "/run/ipip-demo")
            else f"tear it down with: {sys.argv[0]} --tag {TAG} --state {STATE} --down")
    return 0 if worked else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "release"),
                   help="build directory with bgpd/ipip-bgpd and vtysh/ipip-vtysh")
    p.add_argument("--reflector", choices=("bird", "ipip-bgpd"), default="bird",
                   help="what the two route reflectors run (default: BIRD 2)")
    p.add_argument("--teardown", action="store_true", help="remove everything at the end")
    p.add_argument("--down", action="store_true", help="only remove a running demo")
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for convergence")
    p.add_argument("--tag", default="ipd", help="namespace name prefix (default ipd)")
    p.add_argument("--state", default="/run/ipip-demo",
                   help="directory for configs, logs, sockets and PIDs (default /run/ipip-demo)")
    args = p.parse_args()
    global TAG, STATE
    TAG, STATE = args.tag, args.state
    if os.geteuid() != 0:
        print("overlay_demo: run as root (it makes network namespaces)", file=sys.stderr)
        return 2
    if args.down:
        done = Lab.destroy(TAG, STATE)
        say("\n   ".join(["teardown:"] + (done or ["nothing was running"])))
        return 0
    args.bin = os.path.abspath(args.bin)
    try:
        return run(args)
    except Exception:
        Lab.destroy(TAG, STATE)
        raise


if __name__ == "__main__":
    sys.exit(main())
