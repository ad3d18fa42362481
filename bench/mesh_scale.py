#!/usr/bin/python3
"""Mesh scale (issue 8): N sites, two route reflectors, once with BIRD 2 and
once with ipip-bgpd as the reflectors, in one run.

  bench/mesh_scale.py [-n 50 100] [--bin build/release] [--reflectors bird ipip-bgpd]

For each N and reflector kind it builds a lab with scripts/sitelab.py (sites
in groups of --per-subnet on an underlay subnet: direct inside a group,
tunneled between groups; mode cross-subnet, driver auto = userspace when the
kernel has no ipip), then measures:

  converge_s   from starting the N site daemons (all at once) until every
               site's kernel has every other site's prefix installed as
               expected (direct or through the tunnel to its next hop), read
               with `ip route`/`ip nexthop`/`ip link` in each namespace. A
               site found complete is not read again; one full pass over
               every site confirms the end (if it fails, polling goes on).
               poll_s is the longest polling round: the resolution.
  cpu_s        CPU time (user + system) used by then, all site daemons
               together and each reflector.
  rss          VmRSS (/proc/PID/status) of each site daemon and of each
               reflector, 2 s after convergence; the PID is checked to be the
               daemon's own (/proc/PID/exe), not an `ip netns exec` wrapper.
  withdraw_s   from SIGKILL of one site's daemon until its prefix is gone
               from every other site's kernel; others_kept says whether all
               other routes were still as expected right after.

Prints one JSON line per lab (and appends it to --out) and a table at the
end. Needs root. Everything is bounded (--timeout per wait) and removed at
the end, also on error, Ctrl-C or SIGTERM: namespaces are tagged
ms<pid><b|i> and state lives in a fresh /tmp/mesh-scale.* directory.
"""
import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import sitelab  # noqa: E402
from sitelab import Lab  # noqa: E402


def say(msg):
    print(f"== {msg}", flush=True)


def load1():
    return round(os.getloadavg()[0], 2)


def busy():
    """Tasks running or in uninterruptible sleep right now (/proc/stat): the
    instant load, where load1 is a one-minute average."""
    n = 0
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(("procs_running", "procs_blocked")):
                n += int(line.split()[1])
    return n


def settle(limit=60):
    """Wait (at most limit s) until the machine has been quiet for 3 s (no
    more busy tasks than cores), so one lab's teardown does not weigh on the
    next lab's figures. Returns the seconds waited."""
    t0, quiet_since = time.monotonic(), None
    while time.monotonic() - t0 < limit:
        if busy() <= os.cpu_count():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 3:
                break
        else:
            quiet_since = None
        time.sleep(0.2)
    return round(time.monotonic() - t0, 1)


def wait_converged(sites, t0, timeout):
    """Poll until every site is complete; returns (seconds since t0, longest
    round) or (None, longest round) after timeout."""
    pending, done_at, longest = list(sites), t0, 0.0
    while time.monotonic() - t0 < timeout:
        r0 = time.monotonic()
        still = []
        for s in pending:
            if sitelab.unconverged(sites, among=[s]):
                still.append(s)
            else:
                done_at = time.monotonic()
        longest = max(longest, time.monotonic() - r0)
        pending = still
        if not pending:
            pending = [s for s, _ in sitelab.unconverged(sites)]   # confirm, every site
            if not pending:
                return done_at - t0, longest
        time.sleep(0.2)
    return None, longest


def wait_gone(sites, prefix, timeout):
    """Seconds until prefix is in no site's kernel, or None after timeout."""
    t0 = time.monotonic()
    pending, done_at = list(sites), t0
    while time.monotonic() - t0 < timeout:
        still = []
        for s in pending:
            if prefix in sitelab.prefixes(s):
                still.append(s)
            else:
                done_at = time.monotonic()
        pending = still
        if not pending:
            return done_at - t0
        time.sleep(0.05)
    return None


def rss_mb(proc, exe):
    return sitelab.rss_kb(sitelab.daemon_pid(proc, exe)) / 1024


def cpu_s(proc):
    """User + system CPU seconds the process has used (/proc/PID/stat)."""
    with open(f"/proc/{proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(args, n, kind, workdir):
    tag = f"ms{os.getpid() % 100000}{kind[0]}"
    lab = Lab(tag, os.path.join(workdir, f"{kind}-{n}"), args.bin, log=lambda *a: None)
    rec = {"bench": "mesh_scale", "n": n, "reflectors": kind, "per_subnet": args.per_subnet,
           "settle_s": settle(), "load1_before": load1(), "busy_before": busy()}
    try:
        t = time.monotonic()
        sites, rrs, peers = sitelab.mesh(lab, n, kind, args.per_subnet)
        for r in rrs:
            r.start()
        rec["build_s"] = round(time.monotonic() - t, 1)
        say(f"{n} sites, {kind} reflectors: lab built in {rec['build_s']} s; starting the sites")
        t0 = time.monotonic()
        lab.start_sites(peers)
        rec["start_s"] = round(time.monotonic() - t0, 2)
        time.sleep(args.first_poll)
        conv, poll = wait_converged(sites, t0, args.timeout)
        rec["converge_s"] = None if conv is None else round(conv, 2)
        rec["poll_s"] = round(poll, 2)
        if conv is None:
            bad = sitelab.unconverged(sites)
            say(f"NOT converged in {args.timeout} s: {len(bad)} sites, e.g. "
                + "; ".join(f"{s.name}: {w}" for s, w in bad[:3]))
            return rec
        rec["load1_converged"], rec["busy_converged"] = load1(), busy()
        time.sleep(2)
        site_mb = [rss_mb(s.proc, "ipip-bgpd") for s in sites]
        rr_mb = [rss_mb(r.proc, "bird" if kind == "bird" else "ipip-bgpd") for r in rrs]
        rec["sites_rss_total_mb"] = round(sum(site_mb), 1)
        rec["site_rss_mean_mb"] = round(sum(site_mb) / n, 2)
        rec["site_rss_max_mb"] = round(max(site_mb), 2)
        rec["reflector_rss_mb"] = [round(x, 2) for x in rr_mb]
        rec["sites_cpu_s"] = round(sum(cpu_s(s.proc) for s in sites), 1)
        rec["reflector_cpu_s"] = [round(cpu_s(r.proc), 2) for r in rrs]
        rec["tunnels_per_site_max"] = max(len(sitelab.tunnels(s)) for s in sites[:3] + sites[-3:])

        dead = sites[n // 2]
        alive = [s for s in sites if s is not dead]
        dead.proc.send_signal(signal.SIGKILL)
        dead.proc.wait(10)
        gone = wait_gone(alive, str(dead.private), args.timeout)
        rec["withdraw_s"] = None if gone is None else round(gone, 2)
        rec["others_kept"] = gone is not None and sitelab.unconverged(alive) == []
        t = time.monotonic()
        status = lab.stop_sites(alive)
        rec["stop_s"] = round(time.monotonic() - t, 2)
        for r in rrs:
            r.stop()
        rec["unclean_exits"] = sum(1 for v in status.values() if v != 0)
        return rec
    finally:
        t = time.monotonic()
        lab.close()
        rec["teardown_s"] = round(time.monotonic() - t, 1)
        rec["load1_after"] = load1()


def table(recs):
    head = ("| N | reflectors | converge s | site RSS total MB | per site MB mean / max "
            "| reflector RSS MB | withdraw s | others kept | load1 before / converged | busy before / converged |")
    rows = [head, "|" + "---|" * 10]
    for r in recs:
        def f(k, fmt="{}"):
            return fmt.format(r[k]) if r.get(k) is not None else "-"
        rr = " / ".join(f"{x:.1f}" for x in r.get("reflector_rss_mb", []))
        rows.append(f"| {r['n']} | {r['reflectors']} | {f('converge_s')} (poll {f('poll_s')}) "
                    f"| {f('sites_rss_total_mb')} | {f('site_rss_mean_mb')} / {f('site_rss_max_mb')} "
                    f"| {rr or '-'} | {f('withdraw_s')} | {f('others_kept')} "
                    f"| {f('load1_before')} / {f('load1_converged')} "
                    f"| {f('busy_before')} / {f('busy_converged')} |")
    return "\n".join(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", type=int, nargs="+", default=[50], help="site counts (default 50)")
    p.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "build", "release"),
                   help="build directory with bgpd/ipip-bgpd (default build/release)")
    p.add_argument("--reflectors", nargs="+", default=["bird", "ipip-bgpd"],
                   choices=("bird", "ipip-bgpd"))
    p.add_argument("--per-subnet", type=int, default=4, help="sites per underlay subnet (4)")
    p.add_argument("--timeout", type=float, default=300, help="longest wait, s (300)")
    p.add_argument("--first-poll", type=float, default=0,
                   help="seconds after the start before the first read (0); to see how much "
                        "the polling itself slows convergence")
    p.add_argument("--runs", type=int, default=1, help="labs per N and kind (1)")
    p.add_argument("--out", help="append the JSON lines to this file")
    args = p.parse_args()
    if os.geteuid() != 0:
        print("mesh_scale: run as root (network namespaces)", file=sys.stderr)
        return 2
    if "bird" in args.reflectors and shutil.which("bird") is None:
        print("mesh_scale: bird not installed; only ipip-bgpd reflectors", file=sys.stderr)
        args.reflectors = [k for k in args.reflectors if k != "bird"]
    args.bin = os.path.abspath(args.bin)
    workdir = tempfile.mkdtemp(prefix="mesh-scale.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # unwinds: finally cleans up
    recs = []
    try:
        for n, _, kind in ((n, r, k) for n in args.n for r in range(args.runs)
                           for k in args.reflectors):
            rec = one(args, n, kind, workdir)
            print(json.dumps(rec), flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(rec) + "\n")
            recs.append(rec)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(recs))
    ok = all(r.get("converge_s") is not None and r.get("others_kept") and not r.get("unclean_exits")
             for r in recs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
