"""The kernel FIB (rib/fib.c) in a network namespace, driven by tests/netns/fibctl.
Asserts what an operator would check: `ip route show proto 44`, `ip nexthop show`.
Veth pairs only (no tunnels); names start with "fib"."""
import json
import os
import time
import subprocess
import threading

import pytest

from conftest import BUILD, SANITIZER_MARKS, wait_for

FIBCTL = f"{BUILD}/tests/netns/fibctl"
PROTO = "44"
N = 1000


class Fibctl:
    """One fibctl process in the namespace; send() a command, get its answer line."""

    def __init__(self, ns, *args, log=None):
        self.p = ns.popen(FIBCTL, *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=log, text=True, bufsize=1)
        assert self.readline() == "ready"

    def readline(self, timeout=60):
        out = []
        t = threading.Thread(target=lambda: out.append(self.p.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        assert out, "fibctl did not answer"
        return out[0].strip()

    def send(self, line, timeout=60):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.readline(timeout)

    def ok(self, line):
        r = self.send(line)
        assert r == "ok", f"{line}: {r}"

    def stats(self):
        return json.loads(self.send("stats"))

    def quit(self, keep=False):
        self.ok("quit keep" if keep else "quit")
        assert self.p.wait(10) == 0

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait(5)


@pytest.fixture
def fib_ns(netns_factory, tmp_path):
    """A namespace with four veth pairs: fibv0..3 (10.0.i.1/24) facing fibp0..3."""
    ns = netns_factory(f"fib{os.getpid()}")
    for i in range(4):
        ns.ip("link", "add", f"fibv{i}", "type", "veth", "peer", "name", f"fibp{i}")
        ns.ip("addr", "add", f"10.0.{i}.1/24", "dev", f"fibv{i}")
        ns.ip("link", "set", f"fibv{i}", "up")
        ns.ip("link", "set", f"fibp{i}", "up")
    started = []
    logs = []

    def start(*args):
        log = open(tmp_path / f"fibctl{len(started)}.log", "w+")
        logs.append(log)
        f = Fibctl(ns, *args, log=log)
        started.append(f)
        return f

    ns.fibctl = start
    yield ns
    for f in started:
        f.kill()
    for log in logs:
        log.seek(0)
        text = log.read()
        for mark in SANITIZER_MARKS:
            assert mark not in text, text


def via(*idx):
    return " ".join(f"via 10.0.{i}.2 dev fibv{i}" for i in idx)


def our_routes(ns):
    return {r["dst"]: r for r in ns.ip_json("route", "show", "proto", PROTO)}


def our_nexthops(ns):
    return {n["id"]: n for n in ns.ip_json("nexthop", "show") if n.get("protocol") == PROTO}


def groups(ns):
    return {i: n for i, n in our_nexthops(ns).items() if "group" in n}


def block(base, count=N):
    """count consecutive /24s from base, as fibctl's "count" makes them."""
    a, b, _, _ = (int(x) for x in base.split("."))
    return {f"{a}.{b + (i >> 8)}.{i & 255}.0/24" for i in range(count)}


def test_prefixes_over_2_and_4_next_hops_share_one_group_each(fib_ns):
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count {N} {via(0, 1)}")
    f.ok(f"set 10.120.0.0/24 count {N} {via(3, 2, 1, 0)}")
    f.ok("sync")
    routes, grps = our_routes(fib_ns), groups(fib_ns)
    assert set(routes) == block("10.100.0.0") | block("10.120.0.0")
    two = {routes[p]["nhid"] for p in block("10.100.0.0")}
    four = {routes[p]["nhid"] for p in block("10.120.0.0")}
    assert len(two) == 1 and len(four) == 1 and two != four
    assert len(grps) == 2
    assert len(grps[two.pop()]["group"]) == 2 and len(grps[four.pop()]["group"]) == 4
    assert len(our_nexthops(fib_ns)) == 4 + 2        # one object per next hop, shared
    assert f.stats()["failures"] == 0


def test_show_walk_lists_every_route_once_across_chunks_and_deletes_between(fib_ns):
    """`show ip fib` walks the routes CTL_FWD_CHUNK at a time, across event-loop
    turns; routes deleted between two chunks must not derail the walk."""
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count {N} {via(0, 1)}")
    f.ok(f"set 10.120.0.0/24 count {N} {via(2)}")
    f.ok("sync")
    got = json.loads(f.send("scan 7"))["prefixes"]
    assert len(got) == len(set(got)) == 2 * N
    assert set(got) == block("10.100.0.0") | block("10.120.0.0")
    got = json.loads(f.send(f"scan 50 10.120.0.0/24 count {N}"))["prefixes"]
    assert len(got) == len(set(got))                 # nothing twice
    assert block("10.100.0.0") <= set(got)           # every route there throughout
    assert len(set(got) & block("10.120.0.0")) <= 50  # the deleted: only in the first chunk
    f.ok("sync")
    assert set(our_routes(fib_ns)) == block("10.100.0.0")
    got = json.loads(f.send("scan 1000"))["prefixes"]
    assert sorted(got) == sorted(block("10.100.0.0"))
    assert f.stats()["failures"] == 0


def test_losing_one_next_hop_is_one_group_update_and_every_prefix_stays(fib_ns):
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count {N} {via(0, 1)}")
    f.ok("sync")
    before, s0 = our_routes(fib_ns), f.stats()
    assert f.send(f"nhdown {via(0)}") == "groups 1"
    f.ok("sync")
    # the RIB then tells us the smaller set for each prefix: same group, no route write
    f.ok(f"set 10.100.0.0/24 count {N} {via(1)}")
    f.ok("sync")
    after, s1 = our_routes(fib_ns), f.stats()
    assert s1["group_writes"] - s0["group_writes"] == 1
    assert s1["route_writes"] == s0["route_writes"]
    assert set(after) == set(before) and len(after) == N
    nhid = {r["nhid"] for r in after.values()}
    assert nhid == {r["nhid"] for r in before.values()}
    assert [m["id"] for m in groups(fib_ns)[nhid.pop()]["group"]] != []
    assert len(groups(fib_ns)) == 1
    gws = {n.get("gateway") for n in our_nexthops(fib_ns).values()}
    assert "10.0.0.2" not in gws and "10.0.1.2" in gws


def kernel_gateways(ns):
    """prefix -> the set of gateways the kernel forwards it to (via its group)."""
    nhs = our_nexthops(ns)

    def gws(nhid):
        n = nhs[nhid]
        return {nhs[m["id"]]["gateway"] for m in n["group"]} if "group" in n else {n["gateway"]}
    return {p: gws(r["nhid"]) for p, r in our_routes(ns).items()}


@pytest.mark.parametrize("mode", [(), ("-S",)], ids=["writer-thread", "inline"])
def test_a_20k_load_changed_while_in_flight_ends_with_the_kernel_as_asked(fib_ns, mode):
    """A 20k-prefix table moved between next hops again and again, partly
    deleted and a next hop lost, each change sent while the previous one's
    batches are still with the writer thread: once synced, the kernel holds
    exactly what was asked last, prefix by prefix, and nothing failed."""
    n, gw = 20000, lambda i: f"10.0.{i}.2"
    f = fib_ns.fibctl(*mode)
    for k in range(8):
        f.ok(f"set 10.64.0.0/24 count {n} {via(k % 4, (k + 1) % 4)}")
        time.sleep(0.005 * k)           # the flush job runs a few turns meanwhile
    f.ok("del 10.100.0.0/24 count 2000")
    assert f.send(f"nhdown {via(0)}").startswith("groups ")  # 7 % 4 = 3 and 0: 3 stays
    f.ok(f"set 10.130.0.0/24 count 3000 {via(2)}")
    f.ok("sync")
    want = {p: {gw(3)} for p in block("10.64.0.0", n)}
    want.update({p: {gw(2)} for p in block("10.130.0.0", 3000)})
    for p in block("10.100.0.0", 2000):
        del want[p]
    assert kernel_gateways(fib_ns) == want
    st = f.stats()
    assert st["failures"] == 0 and st["routes"] == st["routes_kernel"] == len(want)


def test_other_protocols_routes_during_a_load_do_not_stall_the_writer(fib_ns):
    """Notifications about routes that are not ours (another daemon's, the
    operator's) arrive while our batches are with the writer thread: they
    must not make the loop wait for every ACK each time, or a busy namespace
    undoes the overlap. Ours are all in at the end."""
    n = 50000
    foreign = "\n".join(f"route add 10.200.{i >> 8}.{i & 255}/32 via 10.0.1.2 proto 99"
                         for i in range(3000))
    f = fib_ns.fibctl()
    f.p.stdin.write(f"set 10.64.0.0/24 count {n} {via(0)}\n")
    f.p.stdin.flush()
    r = subprocess.run(["ip", "-n", fib_ns.name, "-batch", "-"], input=foreign, text=True,
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    assert f.readline() == "ok"
    f.ok("sync")
    st = f.stats()
    assert st["routes_kernel"] == n and st["failures"] == 0
    assert st["settles"] == 0, st


def test_restart_after_sigkill_keeps_routes_and_removes_stale_ones_only_after_settle(fib_ns):
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count {N} {via(0, 1)}")
    f.ok(f"set 10.200.0.0/24 count 10 {via(2)}")
    f.ok("sync")
    f.kill()                                          # SIGKILL: no cleanup at all
    want = block("10.100.0.0")
    low, polls, stop = [N], [0], threading.Event()

    def poll():
        while not stop.is_set() or polls[0] < 3:
            low[0] = min(low[0], len(want & set(our_routes(fib_ns))))
            polls[0] += 1

    t = threading.Thread(target=poll)
    t.start()
    try:
        g = fib_ns.fibctl()
        g.ok(f"set 10.100.0.0/24 count {N} {via(1, 0)}")
        g.ok("sync")
        assert block("10.200.0.0", 10) <= set(our_routes(fib_ns))   # not yet
        s = g.stats()
        assert s["route_writes"] == 0 and s["group_writes"] == 0 and s["adopted"] > N
        g.ok("settle")
        g.ok("sync")
    finally:
        stop.set()
        t.join()
    assert low[0] == N, f"only {low[0]} of {N} routes at one moment of the restart ({polls[0]} polls)"
    assert set(our_routes(fib_ns)) == want
    assert len(groups(fib_ns)) == 1 and len(our_nexthops(fib_ns)) == 3
    g.quit()
    assert our_routes(fib_ns) == {} and our_nexthops(fib_ns) == {}


def test_a_route_withdrawn_while_its_install_is_retried_stays_out(fib_ns):
    """Routes refused because another's route holds the prefix wait on the
    retry list. One withdrawn meanwhile leaves that list: when the other
    routes go, the withdrawn prefix stays out and its neighbours on the list
    come in."""
    blocked = ["10.100.3.0/24", "10.100.4.0/24", "10.100.5.0/24", "10.100.7.0/24"]
    for p in blocked:
        fib_ns.ip("route", "add", p, "via", "10.0.0.2", "metric", "20")
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 10 {via(0, 1)}")
    f.ok("sync")
    assert f.stats()["failures"] >= 4
    f.ok("del 10.100.4.0/24")
    f.ok("set 10.100.5.0/24 via 10.0.2.2 dev fibv2")    # wanted otherwise: still waits
    f.ok("sync")
    for p in blocked:
        fib_ns.ip("route", "del", p, "metric", "20")
    want = block("10.100.0.0", 10) - {"10.100.4.0/24"}
    assert wait_for(lambda: set(our_routes(fib_ns)) == want, timeout=15), sorted(our_routes(fib_ns))
    f.ok("sync")
    assert kernel_gateways(fib_ns)["10.100.5.0/24"] == {"10.0.2.2"}
    s = f.stats()
    assert s["routes"] == s["routes_kernel"] == 9
    f.quit()
    assert our_routes(fib_ns) == {} and our_nexthops(fib_ns) == {}


def test_routes_and_nexthops_not_ours_are_never_touched(fib_ns):
    fib_ns.ip("route", "add", "10.100.5.0/24", "via", "10.0.0.2", "metric", "20")
    fib_ns.ip("route", "add", "10.100.6.0/24", "via", "10.0.0.2", "proto", "186", "metric", "20")
    fib_ns.ip("nexthop", "add", "id", str(44 << 24), "via", "10.0.1.2", "dev", "fibv1")
    theirs = fib_ns.ip("-d", "route", "show").stdout + fib_ns.ip("nexthop", "show").stdout
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 10 {via(0, 1)}")
    f.ok("sync")
    f.ok("settle")
    f.ok("sync")
    mine = our_routes(fib_ns)
    assert set(mine) == block("10.100.0.0", 10) - {"10.100.5.0/24", "10.100.6.0/24"}
    assert f.stats()["failures"] >= 2                 # EEXIST, logged, retried later
    f.quit()
    assert fib_ns.ip("-d", "route", "show").stdout + fib_ns.ip("nexthop", "show").stdout == theirs


def test_operator_deleting_our_route_is_noticed_and_repaired(fib_ns):
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 10 {via(0, 1)}")
    f.ok("sync")
    fib_ns.ip("route", "del", "10.100.3.0/24", "proto", PROTO, "metric", "20")
    assert wait_for(lambda: "10.100.3.0/24" in our_routes(fib_ns), timeout=5)
    assert f.stats()["repaired"] >= 1


def test_operator_deleting_our_groups_is_noticed_and_every_route_repaired(fib_ns):
    """The kernel takes a group's routes along when the group goes; the
    FIB finds them (groups keep no list of their routes: one walk) and
    writes group and routes again, for two groups removed at once."""
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 100 {via(0, 1)}")
    f.ok(f"set 10.101.0.0/24 count 50 {via(0, 1, 2)}")
    f.ok("sync")
    want = block("10.100.0.0", 100) | block("10.101.0.0", 50)
    assert set(our_routes(fib_ns)) == want
    gids = sorted(groups(fib_ns))
    assert len(gids) == 2
    fib_ns.run("sh", "-c", " && ".join(f"ip nexthop del id {g}" for g in gids))
    assert wait_for(lambda: set(our_routes(fib_ns)) == want and len(groups(fib_ns)) == 2,
                    timeout=10)
    assert all("nhid" in r for r in our_routes(fib_ns).values())
    assert f.stats()["nh_lost"] >= 2


def test_groups_deleted_together_cost_one_walk_of_the_routes_not_one_each(fib_ns):
    """The routes a removed group took along are found by a walk of every
    route (groups keep no list of them). Groups an operator removes in one
    go (`ip nexthop flush`: a burst of notifications) share the walk: one
    each would be groups x routes (1,000 x 1M)."""
    f = fib_ns.fibctl()
    want = set()
    for g in range(40):
        f.ok(f"set 10.{100 + g}.0.0/24 count 20 via 10.0.0.2 dev fibv0 weight {g + 1} {via(1)}")
        want |= block(f"10.{100 + g}.0.0", 20)
    f.ok("sync")
    gids = sorted(groups(fib_ns))
    assert set(our_routes(fib_ns)) == want and len(gids) == 40
    walks = f.stats()["walks"]
    f.p.stdin.write("block 1000\n")          # the notifications pile up meanwhile
    f.p.stdin.flush()
    fib_ns.run("ip", "-batch", "-", input="".join(f"nexthop del id {g}\n" for g in gids))
    assert f.readline() == "ok"
    assert wait_for(lambda: set(our_routes(fib_ns)) == want and len(groups(fib_ns)) == 40,
                    timeout=10)
    s = f.stats()
    assert s["nh_lost"] >= 40 and s["walks"] - walks <= 2, s


def test_link_down_removes_its_nexthops_and_the_fib_notices(fib_ns):
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 100 {via(0, 1)}")
    f.ok("sync")
    fib_ns.ip("link", "set", "fibv0", "down")
    assert wait_for(lambda: f.stats()["nh_lost"] >= 1, timeout=5)
    gws = {n.get("gateway") for n in our_nexthops(fib_ns).values()}
    assert "10.0.0.2" not in gws                       # the kernel removed it
    assert len(our_routes(fib_ns)) == 100              # the others still carry them
    fib_ns.ip("link", "set", "fibv0", "up")            # back: the fib puts it back in
    assert wait_for(lambda: any(len(g["group"]) == 2 for g in groups(fib_ns).values()), timeout=10)
    assert len(our_routes(fib_ns)) == 100


@pytest.mark.parametrize("inline", [False, True], ids=["nexthop-objects", "inline-next-hops"])
def test_a_link_flap_between_restart_and_the_first_update_loses_no_route(fib_ns, inline):
    """Routes adopted from an earlier run, not yet asked for again, when their
    only next hop's link goes down: the kernel drops them (with nexthop
    objects: nexthop, group and routes) without a word about the routes.
    When the same routes are asked for again (same hops) they must be
    written, not taken as still in the kernel. (A restarted daemon's
    userspace tunnels lose their carrier exactly then.)"""
    args = ("-m",) if inline else ()
    f = fib_ns.fibctl(*args)
    f.ok(f"set 10.100.0.0/24 count 10 {via(0)}")
    f.ok(f"set 10.200.0.0/24 count 10 {via(1)}")
    f.ok("sync")
    f.quit(keep=True)
    g = fib_ns.fibctl(*args)
    assert g.stats()["routes_kernel"] == 20
    fib_ns.ip("link", "set", "fibv0", "down")
    assert wait_for(lambda: not block("10.100.0.0", 10) & set(our_routes(fib_ns)), timeout=5)
    if inline:
        assert wait_for(lambda: g.stats()["routes_kernel"] == 10, timeout=5)
    else:
        assert wait_for(lambda: g.stats()["nh_lost"] >= 1, timeout=5)
    fib_ns.ip("link", "set", "fibv0", "up")
    g.ok(f"set 10.100.0.0/24 count 10 {via(0)}")
    g.ok(f"set 10.200.0.0/24 count 10 {via(1)}")
    g.ok("settle")
    assert wait_for(lambda: set(our_routes(fib_ns)) == block("10.100.0.0", 10) | block("10.200.0.0", 10),
                    timeout=10), sorted(our_routes(fib_ns))
    assert g.stats()["routes_kernel"] == 20
    g.quit()
    assert our_routes(fib_ns) == {} and our_nexthops(fib_ns) == {}


def test_inline_next_hops_a_link_flap_loses_no_route(fib_ns):
    """Inline next hops: a link going down makes the kernel drop, without a
    word, every route whose hops are all on it (one with a hop elsewhere
    stays). Once the link is back they must be in the kernel again."""
    f = fib_ns.fibctl("-m")
    f.ok(f"set 10.100.0.0/24 count 10 {via(0)}")
    f.ok("set 10.101.0.0/24 via 10.0.0.2 dev fibv0 via 10.0.0.3 dev fibv0")
    f.ok(f"set 10.200.0.0/24 count 10 {via(0, 1)}")
    f.ok("sync")
    want = block("10.100.0.0", 10) | {"10.101.0.0/24"} | block("10.200.0.0", 10)
    assert set(our_routes(fib_ns)) == want
    fib_ns.ip("link", "set", "fibv0", "down")
    assert wait_for(lambda: set(our_routes(fib_ns)) == block("10.200.0.0", 10), timeout=5)
    fib_ns.ip("link", "set", "fibv0", "up")
    assert wait_for(lambda: set(our_routes(fib_ns)) == want, timeout=10), sorted(our_routes(fib_ns))
    f.ok("sync")
    s = f.stats()
    assert s["routes"] == s["routes_kernel"] == 21
    f.quit()
    assert our_routes(fib_ns) == {}


def test_multipath_fallback_installs_inline_next_hops_and_reconciles(fib_ns):
    f = fib_ns.fibctl("-m")
    f.ok(f"set 10.100.0.0/24 count 100 {via(0, 1)} mtu 1400")
    f.ok("sync")
    routes = our_routes(fib_ns)
    assert len(routes) == 100 and our_nexthops(fib_ns) == {}
    r = routes["10.100.7.0/24"]
    assert "nhid" not in r and len(r["nexthops"]) == 2
    assert f.stats()["nexthop_objects"] is False
    assert f.send(f"nhdown {via(0)}") == "groups 1"
    f.ok("sync")
    assert len(our_routes(fib_ns)["10.100.7.0/24"].get("nexthops", [])) == 0
    assert our_routes(fib_ns)["10.100.7.0/24"]["gateway"] == "10.0.1.2"
    f.quit(keep=True)
    g = fib_ns.fibctl("-m")
    g.ok(f"set 10.100.0.0/24 count 100 {via(1)} mtu 1400")
    g.ok("sync")
    assert g.stats()["route_writes"] == 0              # adopted as they are


def test_resilient_groups_when_asked(fib_ns):
    f = fib_ns.fibctl("-r")
    f.ok(f"set 10.100.0.0/24 count 10 {via(0, 1, 2)}")
    f.ok("sync")
    (g,) = groups(fib_ns).values()
    assert g.get("type") == "resilient" and len(g["group"]) == 3
    assert f.send(f"nhdown {via(2)}") == "groups 1"
    f.ok("sync")
    assert len(groups(fib_ns)[g["id"]]["group"]) == 2


def test_our_own_writes_do_not_come_back_to_the_monitor(fib_ns):
    """The kernel echoes every route we write to every route listener; our
    monitor filters its own echo out in the kernel (the ACK already told us),
    so a table load does not wake it once per route. Others' changes still
    arrive."""
    f = fib_ns.fibctl()
    f.ok(f"set 10.100.0.0/24 count 2000 {via(0, 1)}")
    f.ok("sync")
    time.sleep(0.5)
    f.ok("sync")
    n = f.stats()["notified"]
    assert n < 100, n                          # not one per route (2000)
    fib_ns.ip("route", "add", "10.201.0.0/24", "dev", "fibp0", "proto", "static")
    assert wait_for(lambda: f.stats()["notified"] > n, timeout=5)
    fib_ns.ip("route", "del", "10.100.7.0/24", "proto", PROTO, "metric", "20")
    assert wait_for(lambda: "10.100.7.0/24" in our_routes(fib_ns), timeout=5)   # still repaired


def overflow_monitor(fib_ns, f):
    """Overflow f's (tiny) monitor: our own writes no longer reach it, an
    outsider's flood does (ENOBUFS). The outsider writes in batches (bursts of
    notifications), in its own protocol and table, with inline next hops (no
    nexthop ids to share); f reads nothing meanwhile (block; its "ok" is still
    to be read)."""
    outsider = fib_ns.fibctl("-p", "45", "-t", "100", "-m")
    f.p.stdin.write("block 1500\n")
    f.p.stdin.flush()
    outsider.ok(f"set 10.200.0.0/24 count 5000 {via(2)}")
    outsider.ok("sync")


def test_monitor_overrun_resyncs_and_repair_still_works(fib_ns, tmp_path):
    f = fib_ns.fibctl("-M", "4096")          # a tiny monitor buffer
    f.ok(f"set 10.100.0.0/24 count 5000 {via(0, 1)}")
    f.ok("sync")
    overflow_monitor(fib_ns, f)
    assert f.readline() == "ok"
    assert wait_for(lambda: f.stats()["resyncs"] >= 1, timeout=10)
    f.ok("sync")
    assert set(our_routes(fib_ns)) == block("10.100.0.0", 5000)
    s = f.stats()
    assert s["routes_kernel"] == 5000 and s["failures"] == 0
    # the resync found everything right: nothing was written twice
    assert (s["nh_writes"], s["group_writes"], s["route_writes"]) == (2, 1, 5000)
    fib_ns.ip("route", "del", "10.100.9.0/24", "proto", PROTO, "metric", "20")
    assert wait_for(lambda: "10.100.9.0/24" in our_routes(fib_ns), timeout=5)


def test_a_held_prefix_found_in_the_kernel_by_a_resync_is_deleted(fib_ns):
    # A prefix the caller holds out of the kernel (the overlay's loop guard
    # refused it; its word keeps the fib route) appears in the kernel under
    # our protocol while the monitor overflows: the resync's dump must take
    # it out, as the monitor would have.
    f = fib_ns.fibctl("-M", "4096")          # a tiny monitor buffer
    f.ok("hold 10.100.7.0/24 5")
    f.ok("sync")
    overflow_monitor(fib_ns, f)
    fib_ns.ip("route", "add", "10.100.7.0/24", "proto", PROTO, "metric", "20",
              "via", "10.0.0.2", "dev", "fibv0")
    assert f.readline() == "ok"
    assert wait_for(lambda: f.stats()["resyncs"] >= 1, timeout=10)
    f.ok("sync")
    assert wait_for(lambda: "10.100.7.0/24" not in our_routes(fib_ns), timeout=5)


def test_configured_table_and_weights_reach_the_kernel(fib_ns):
    f = fib_ns.fibctl("-t", "100")
    f.ok("set 10.100.0.0/24 count 10 via 10.0.0.2 dev fibv0 weight 3 via 10.0.1.2 dev fibv1")
    f.ok("sync")
    assert our_routes(fib_ns) == {}                   # not in main
    routes = fib_ns.ip_json("route", "show", "table", "100", "proto", PROTO)
    assert len(routes) == 10
    (g,) = groups(fib_ns).values()
    weights = {m["id"]: m.get("weight", 1) for m in g["group"]}
    gw = {i: n.get("gateway") for i, n in our_nexthops(fib_ns).items()}
    assert {gw[i]: w for i, w in weights.items()} == {"10.0.0.2": 3, "10.0.1.2": 1}
    f.quit()
    assert fib_ns.ip_json("route", "show", "table", "100") == []


def compat_mode(ns):
    return ns.run("sysctl", "-n", "net.ipv4.nexthop_compat_mode").stdout.strip()


@pytest.mark.parametrize("keep", [False, True])
def test_nexthop_compat_mode_found_1_is_1_again_after_a_clean_stop(fib_ns, keep):
    """doc/fib.md: 0 while we run (O(1) group replace); the 1 we found is
    put back by a clean stop, a graceful one (routes kept) too - the kept
    routes forward the same either way and the next run sets 0 again."""
    assert compat_mode(fib_ns) == "1"                 # a new namespace's default
    f = fib_ns.fibctl()
    assert compat_mode(fib_ns) == "0"
    f.ok(f"set 10.100.0.0/24 count 10 {via(0, 1)}")
    f.ok("sync")
    f.quit(keep=keep)
    assert compat_mode(fib_ns) == "1"
    assert bool(our_routes(fib_ns)) == keep
    g = fib_ns.fibctl()                               # the next run: 0 again, and 1 after it
    assert compat_mode(fib_ns) == "0"
    g.quit()
    assert compat_mode(fib_ns) == "1" and our_routes(fib_ns) == {}


def test_nexthop_compat_mode_stays_0_for_someone_elses_nexthops_or_after_sigkill(fib_ns):
    """Someone else's nexthop objects at our stop may count on 0: it stays.
    A SIGKILL cannot put anything back; an operator's 0 found at start is
    never changed."""
    f = fib_ns.fibctl()
    fib_ns.ip("nexthop", "add", "id", "7", "via", "10.0.3.2", "dev", "fibv3")  # someone's
    f.quit()
    assert compat_mode(fib_ns) == "0"
    fib_ns.ip("nexthop", "del", "id", "7")
    fib_ns.sysctl("net.ipv4.nexthop_compat_mode", "1")
    g = fib_ns.fibctl()
    assert compat_mode(fib_ns) == "0"
    g.kill()
    assert compat_mode(fib_ns) == "0"                 # nothing ran at the end
    h = fib_ns.fibctl()                               # finds 0: the operator's, for all it knows
    h.quit()
    assert compat_mode(fib_ns) == "0"


def test_nexthop_compat_mode_left_alone_when_told(fib_ns):
    f = fib_ns.fibctl("-C")
    assert compat_mode(fib_ns) == "1"
    f.quit()
    assert compat_mode(fib_ns) == "1"
