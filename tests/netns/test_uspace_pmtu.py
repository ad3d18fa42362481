"""PMTU discovery through a userspace or bpf tunnel (tunnel/uspace.c,
tunnel/bpfdrv.c, tunnel/icmp.c; bpf skipped with the reason where it cannot run):
the underlay toward site D narrows to 1400 at the router, so a DF packet
that fits A's tunnel (1480) does not fit the path. The router tells A's
kernel (ICMP from the underlay), the next encapsulation fails with
EMSGSIZE, and the dataplane must then tell the inner sender, as the
kernel's ipip does, with a fragmentation-needed of 1380 (1400 - 20) —
else DF traffic sized for 1480 vanishes: an MTU blackhole."""
import os
import sys

import pytest

from conftest import BUILD, SANITIZER_MARKS, bpf_driver_unavailable

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import sitelab  # noqa: E402


@pytest.fixture(params=["userspace", "bpf"])
def driver(request):
    if request.param == "bpf" and bpf_driver_unavailable():
        pytest.skip(bpf_driver_unavailable())
    return request.param


@pytest.fixture
def pair(tmp_path, driver):
    lab = sitelab.Lab(f"pm{os.getpid() % 10000}", str(tmp_path / "lab"), BUILD)
    try:
        lab.make_router()
        a_net, d_net = lab.subnet("a", "192.0.2.0/24"), lab.subnet("d", "198.18.4.0/24")
        a = lab.add_site("a", "10.10.1.0/24", [(a_net, 1)])
        d = lab.add_site("d", "10.10.4.0/24", [(d_net, 4)])
        for ns, dev in ((lab.router, "br-d"), (lab.router, "dp1"), (d.ns, "up0")):
            sitelab.sh("ip", "-n", ns, "link", "set", dev, "mtu", "1400")
        lab.start_site(a, [(d.underlay[0], a.underlay[0])], driver=driver, mode="always")
        lab.start_site(d, [(a.underlay[0], d.underlay[0])], driver=driver, mode="always")
        yield lab, a, d
    finally:
        logs = ""
        for s in lab.sites:
            lab.stop_site(s)
            logs += open(s.log).read() if os.path.exists(s.log) else ""
        lab.close()
        for mark in SANITIZER_MARKS:
            assert mark not in logs, logs


def test_df_packet_too_big_for_the_underlay_path_gets_frag_needed(pair):
    lab, a, d = pair
    assert sitelab.wait_for(lambda: str(d.private) in sitelab.installed(a), 30), open(a.log).read()
    assert sitelab.wait_for(lambda: str(a.private) in sitelab.installed(d), 30), open(d.log).read()
    assert sitelab.ping(a, d.addr).returncode == 0          # small packets pass
    seen = ""
    for _ in range(3):                                      # bounded: the router, then us
        r = a.run("ping", "-n", "-c", "3", "-i", "0.3", "-W", "1", "-M", "do", "-s", "1452",
                  "-I", a.addr, d.addr, timeout=30)
        seen += r.stdout + r.stderr
        if "mtu = 1380" in seen or "mtu=1380" in seen:
            break
    assert "mtu = 1380" in seen or "mtu=1380" in seen, seen
    r = a.run("ip", "route", "get", d.addr, "from", a.addr)
    assert "mtu 1380" in r.stdout, r.stdout                 # A's kernel learned it
    r = a.run("ping", "-n", "-c", "2", "-W", "2", "-M", "do", "-s", "1352", "-I", a.addr, d.addr,
              timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr           # sized to it: through
