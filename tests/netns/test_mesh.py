"""Mesh scale (issue 8): ten sites in groups of three per underlay subnet,
each peering with two route reflectors (BIRD 2 or ipip-bgpd), checked as an
operator would: every site's kernel reaches every other site's prefix
directly (same subnet) or through the tunnel to its next hop, pings cross
both kinds of pair, a site whose daemon dies is withdrawn everywhere while
the rest stays, and every daemon stops cleanly.

Built with scripts/sitelab.py (the demo's library); namespaces are tagged
m<pid><kind> and everything lives under pytest's tmp_path."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import BUILD, SANITIZER_MARKS

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import sitelab  # noqa: E402
from sitelab import Lab, wait_for  # noqa: E402

N, PER_SUBNET = 10, 3
CONVERGE_S = 45      # ASan daemons, 2 cores; converges in a few seconds normally
WITHDRAW_S = 12      # > hold time 9 s: even a session that is not reset must expire


def namespaces(tag):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.startswith(f"{tag}-")]


def describe(bad):
    return "\n".join(f"{s.name}: {why}" for s, why in bad)


def logs(lab):
    out = []
    for p in sorted(os.listdir(lab.dir)):
        if p.endswith(".log"):
            text = open(os.path.join(lab.dir, p), errors="replace").read()
            out.append(f"--- {p} ---\n{text[-1500:]}")
    return "\n".join(out)


@pytest.fixture(params=["bird", "ipip-bgpd"])
def mesh(request, tmp_path):
    if request.param == "bird" and (shutil.which("bird") is None or shutil.which("birdc") is None):
        pytest.skip("bird2 not installed")
    tag = f"m{os.getpid() % 100000}{request.param[0]}"
    lab = Lab(tag, str(tmp_path / "lab"), BUILD, log=lambda *a: None)
    try:
        sites, rrs, peers = sitelab.mesh(lab, N, request.param, PER_SUBNET)
        for r in rrs:
            r.start()
        lab.start_sites(peers)
        yield lab, sites, rrs
    finally:
        lab.close()
        assert namespaces(tag) == [], "namespaces left behind"


def test_ten_sites_converge_withdraw_a_dead_site_and_stop_cleanly(mesh):
    lab, sites, rrs = mesh
    t0 = time.monotonic()
    bad = wait_for(lambda: not sitelab.unconverged(sites), CONVERGE_S, 0.25) or \
        sitelab.unconverged(sites)
    assert bad is True, f"not converged in {CONVERGE_S} s:\n{describe(bad)}\n{logs(lab)}"
    print(f"converged in {time.monotonic() - t0:.1f} s")

    # Both kinds of pair are there: s0-s1 share u0, s0-s9 do not.
    s0, s1, s4, s9 = sites[0], sites[1], sites[4], sites[9]
    r = sitelab.installed(s0)
    assert r[str(s1.private)] == [(s1.underlay[0], "up0")]
    tuns = sitelab.tunnels(s0)
    [(gw, dev)] = r[str(s9.private)]
    # Point-to-point: a device to s9's underlay; NBMA (driver auto's default
    # where the driver has it): the one device of u0, the route's gateway
    # being s9's underlay address.
    nbma = tuns[dev] == (s0.underlay[0], "0.0.0.0")
    assert tuns[dev] == (s0.underlay[0], s9.underlay[0]) or (nbma and gw == s9.underlay[0]), \
        (tuns[dev], gw)
    for a, b in ((s0, s1), (s0, s9), (s9, s4), (s4, s0)):
        p = sitelab.ping(a, b.addr)
        assert p.returncode == 0, f"ping {a.name} -> {b.name}: {p.stdout}{p.stderr}"

    # A site's daemon dies (no NOTIFICATION, no cleanup): its prefix leaves
    # every other kernel, with the tunnels to it; every other route stays.
    dead = sites[4]
    dead.proc.send_signal(signal.SIGKILL)
    dead.proc.wait(10)
    alive = [s for s in sites if s is not dead]
    gone_t0 = time.monotonic()

    def still_there():
        return [s for s in alive if str(dead.private) in sitelab.prefixes(s)]
    left = wait_for(lambda: not still_there(), WITHDRAW_S, 0.1) or still_there()
    assert left is True, f"{dead.private} still in {[s.name for s in left]} " \
        f"{WITHDRAW_S} s after its daemon died\n{logs(lab)}"
    print(f"{dead.private} withdrawn everywhere in {time.monotonic() - gone_t0:.1f} s")
    bad = sitelab.unconverged(alive)
    assert bad == [], f"routes lost with {dead.name}:\n{describe(bad)}"

    def tunnels_to_dead():
        return [(s.name, d) for s in alive for d, (_, remote) in sitelab.tunnels(s).items()
                if remote in dead.underlay]
    left = wait_for(lambda: not tunnels_to_dead(), 5, 0.1) or tunnels_to_dead()
    assert left is True, f"tunnels to the dead site left: {left}"
    p = sitelab.ping(s0, s9.addr)
    assert p.returncode == 0, f"ping s0 -> s9 after {dead.name} died: {p.stdout}"

    # Stop: every live daemon exits 0 on SIGTERM, no sanitizer report.
    status = lab.stop_sites(alive)
    for r in rrs:
        r.stop()
        if isinstance(r, sitelab.BgpdReflector):
            status[r.name] = r.proc.returncode
    assert all(v == 0 for v in status.values()), f"exit statuses {status}\n{logs(lab)}"
    for s in alive:
        assert sitelab.prefixes(s) == set(), f"{s.name}: routes left after SIGTERM"
        assert sitelab.tunnels(s) == {}, f"{s.name}: tunnels left after SIGTERM"
    for p in os.listdir(lab.dir):
        if p.endswith(".log"):
            text = open(os.path.join(lab.dir, p), errors="replace").read()
            for mark in SANITIZER_MARKS:
                assert mark not in text, f"{p}:\n{text[-4000:]}"
