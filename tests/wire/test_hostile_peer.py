"""The hostile-peer suite (issue 9, doc/hostile.md): one ipip-bgpd (ASan) in
namespace A, a well-behaved BIRD in C announcing three routes, and hand-written
hostile peers in B, each case on a neighbor address of its own (so one case's
backoff never slows the next). After EVERY case the daemon must be alive,
answer `show bgp summary json`, keep the BIRD session Established (never
dropped) with its routes in the RIB and in the kernel (proto 44), and have
written no sanitizer report.

IPIP_LONG=1 adds the cases that need the daemon's real timers: the OpenSent
hold time (240 s), the RFC 9687 send hold timer (480 s), maximum-prefix
restart (1 minute) and a 60 s flap run."""
import json
import os
import shutil
import socket
import struct
import time

import pytest

from bgplab import Bird, Link, sh
from bgpwire import Speaker, aspath, attr, good_attrs, msg, netns_socket, open_msg, prefix, update
from netns_conftest import SANITIZER_MARKS, Daemon, vtysh_json, wait_for

LONG = os.environ.get("IPIP_LONG") == "1"
long_only = pytest.mark.skipif(not LONG, reason="IPIP_LONG=1: waits for the daemon's real timers")
pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")

OUR_AS, PEER_AS, BIRD_AS = 65001, 65002, 65003
NET, BNET = "10.0.12", "10.0.13"
OURS = f"{NET}.1"
BIRD_PFX = ("10.30.1.0/24", "10.30.2.0/24", "10.30.3.0/24")
POOL = [f"{NET}.{i}" for i in range(10, 90)]            # one per case
MAXP, MAXP_RESTART, FLAP = f"{NET}.90", f"{NET}.91", f"{NET}.92"
STUCK, STUCK_AS = f"{NET}.93", 65004                      # another AS: gets PEER_AS's routes
STRANGERS = [f"{NET}.{i}" for i in range(200, 210)]     # not configured
MAX_PREFIX = 10


def conf_text():
    lines = [f"router bgp {OUR_AS}", f" bgp router-id {OURS}", " no bgp ebgp-requires-policy",
             f" neighbor {BNET}.2 remote-as {BIRD_AS}", f" neighbor {BNET}.2 timers 1 3",
             f" neighbor {BNET}.2 timers connect 1"]
    for a in POOL + [MAXP, MAXP_RESTART, FLAP]:
        lines += [f" neighbor {a} remote-as {PEER_AS}", f" neighbor {a} passive"]
    lines += [f" neighbor {STUCK} remote-as {STUCK_AS}", f" neighbor {STUCK} passive"]
    lines += [" address-family ipv4 unicast",
              f"  neighbor {MAXP} maximum-prefix {MAX_PREFIX}",
              f"  neighbor {MAXP_RESTART} maximum-prefix {MAX_PREFIX} restart 1",
              " exit-address-family"]
    return "\n".join(lines) + "\n"


class Lab:
    """Namespaces, the daemon, BIRD; next() hands each case a fresh neighbor and prefix."""

    def __init__(self, tmp):
        self.link = Link(prefix="hp", net=NET)
        self.ns_c, addr_a2, self.addr_c = self.link.add_ns(BNET)
        for a in POOL + [MAXP, MAXP_RESTART, FLAP, STUCK] + STRANGERS:
            self.link.add_addr("b", a)
        routes = " ".join(f"route {p} blackhole;" for p in BIRD_PFX)
        self.bird = Bird(tmp, self.ns_c, self.addr_c, BIRD_AS, addr_a2, OUR_AS, export="all",
                         extra=f"protocol static st {{ ipv4; {routes} }}\n").start()
        conf = tmp / "bgpd.conf"
        conf.write_text(conf_text())
        self.d = Daemon(tmp, config=conf, netns=self.link.a).start()
        self.n = 0
        assert wait_for(lambda: set(BIRD_PFX) <= set(kernel_routes(self)), 30), self.d.read_log()

    def next(self):
        """(neighbor address, a prefix of its own) for one case."""
        addr, self.n = POOL[self.n], self.n + 1
        return addr, f"172.16.{self.n}.0/24"

    def connect(self, addr, rcvbuf=None):
        s = netns_socket(self.link.b, rcvbuf)
        s.bind((addr, 0))
        s.settimeout(5)
        s.connect((OURS, 179))
        return Speaker(s)

    def establish(self, addr, as4=True, caps=b""):
        sp = self.connect(addr)
        sp.send(open_msg(PEER_AS, addr, as4=as4, extra_caps=caps))
        m = sp.read(5)
        assert m and m[0] == 1, f"no OPEN from the daemon: {m}"
        sp.send(msg(4))
        m = sp.read(5)
        assert m and m[0] == 4, f"no KEEPALIVE from the daemon: {m}"
        assert wait_for(lambda: neighbor(self.d, addr)["bgpState"] == "Established", 5)
        sp.addr = addr
        return sp

    def close(self):
        self.d.stop()
        self.bird.stop()
        self.link.close()


def neighbor(d, addr):
    return vtysh_json(d.sock, f"show bgp neighbors {addr} json")[addr]


def rib(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def kernel_routes(lab):
    """dst -> gateway of our routes (proto 44) in A's main table, through
    their nexthop objects (a group: its first member)."""
    def j(*args):
        return json.loads(sh("ip", "-n", lab.link.a, "-j", *args).stdout or "[]")
    nhs = {n["id"]: n for n in j("nexthop", "show")}

    def gw(r):
        nh = nhs.get(r.get("nhid"), r)
        if "group" in nh:
            nh = nhs.get(nh["group"][0]["id"], {})
        return nh.get("gateway")
    return {r["dst"]: gw(r) for r in j("route", "show", "proto", "44")}


def assert_healthy(lab):
    """What every case must leave behind."""
    d = lab.d
    assert d.proc.poll() is None, f"daemon exited: {d.read_log()[-3000:]}"
    peers = vtysh_json(d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
    assert peers[lab.addr_c]["state"] == "Established", peers[lab.addr_c]
    assert peers[lab.addr_c]["pfxRcd"] == len(BIRD_PFX), peers[lab.addr_c]
    n = neighbor(d, lab.addr_c)
    assert n["connectionsEstablished"] == 1 and n["connectionsDropped"] == 0, n
    r = rib(d)
    assert all(p in r for p in BIRD_PFX), sorted(r)[:10]
    k = kernel_routes(lab)
    for p in BIRD_PFX:
        assert k.get(p) == lab.addr_c, (p, k.get(p))
    assert lab.bird.established()
    log = d.read_log()
    for mark in SANITIZER_MARKS:
        assert mark not in log, log[-5000:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("hostile"))
    yield lab
    rc = lab.d.stop()
    lab.close()
    log = lab.d.read_log()
    for mark in SANITIZER_MARKS:
        assert mark not in log, log[-5000:]
    assert rc == 0, log[-3000:]


@pytest.fixture
def h(lab):
    """The lab, checked after the case."""
    yield lab
    assert_healthy(lab)


# ------------------------------------------------ RFC 7606 / RFC 4271 §6 table
def mp_reach(nh, nlri, afi=1, safi=1, nh_len=4):
    body = struct.pack("!HBB", afi, safi, nh_len) + socket.inet_aton(nh)[:nh_len].ljust(nh_len, b"\0")
    return attr(0x80, 14, body + b"\0" + nlri)


def pfx_bytes(p):
    a, n = p.split("/")
    return bytes([int(n)]) + socket.inet_aton(a)[:(int(n) + 7) // 8]


def A(nh, **kw):
    return good_attrs(PEER_AS, nh, **kw)


def origin(v=b"\0", flags=0x40):
    return attr(flags, 1, v)


def nexthop(nh, flags=0x40, extra=b""):
    return attr(flags, 3, socket.inet_aton(nh) + extra)


AS = struct.pack("!I", PEER_AS)

# (id, message builder (nh, pfx) -> bytes, outcome, detail)
#   outcome "withdraw": treat-as-withdraw (learned first, then gone); detail unused
#   "discard": route kept, detail = attributes discarded;  "ignored": route kept, no counter
#   "reset": NOTIFICATION detail = (code, subcode) on the wire and in the counters
UPDATE_CASES = [
    ("origin_flags_optional", lambda nh, p: update(origin(flags=0xc0) + aspath(PEER_AS) + nexthop(nh), [p]), "withdraw", None),
    ("origin_length_2", lambda nh, p: update(origin(b"\0\0") + aspath(PEER_AS) + nexthop(nh), [p]), "withdraw", None),
    ("as_path_flags_optional", lambda nh, p: update(origin() + aspath(PEER_AS, flags=0xc0) + nexthop(nh), [p]), "withdraw", None),
    ("as_path_bad_segment_type", lambda nh, p: update(origin() + attr(0x40, 2, bytes([7, 1]) + AS) + nexthop(nh), [p]), "withdraw", None),
    ("as_path_count_overrun", lambda nh, p: update(origin() + attr(0x40, 2, bytes([2, 3]) + AS) + nexthop(nh), [p]), "withdraw", None),
    ("as_path_count_zero", lambda nh, p: update(origin() + attr(0x40, 2, bytes([2, 0])) + nexthop(nh), [p]), "withdraw", None),
    ("next_hop_length_5", lambda nh, p: update(origin() + aspath(PEER_AS) + nexthop(nh, extra=b"\0"), [p]), "withdraw", None),
    ("next_hop_flags_optional", lambda nh, p: update(origin() + aspath(PEER_AS) + nexthop(nh, flags=0x80), [p]), "withdraw", None),
    ("next_hop_loopback", lambda nh, p: update(origin() + aspath(PEER_AS) + nexthop("127.0.0.1"), [p]), "withdraw", None),
    ("med_length_3", lambda nh, p: update(A(nh) + attr(0x80, 4, b"\0\0\0"), [p]), "withdraw", None),
    ("med_flags_transitive", lambda nh, p: update(A(nh) + attr(0xc0, 4, b"\0\0\0\1"), [p]), "withdraw", None),
    ("communities_length_5", lambda nh, p: update(A(nh) + attr(0xc0, 8, b"\0" * 5), [p]), "withdraw", None),
    ("ext_communities_length_9", lambda nh, p: update(A(nh) + attr(0xc0, 16, b"\0" * 9), [p]), "withdraw", None),
    ("large_communities_length_13", lambda nh, p: update(A(nh) + attr(0xc0, 32, b"\0" * 13), [p]), "withdraw", None),
    ("origin_missing", lambda nh, p: update(aspath(PEER_AS) + nexthop(nh), [p]), "withdraw", None),
    ("next_hop_missing", lambda nh, p: update(origin() + aspath(PEER_AS), [p]), "withdraw", None),
    ("mp_reach_next_hop_loopback", lambda nh, p: update(origin() + aspath(PEER_AS) + mp_reach("127.0.0.1", pfx_bytes(p))), "withdraw", None),
    ("local_pref_from_ebgp", lambda nh, p: update(A(nh) + attr(0x40, 5, b"\0\0\0\x64"), [p]), "discard", 1),
    ("atomic_aggregate_flags_optional", lambda nh, p: update(A(nh) + attr(0xc0, 6, b""), [p]), "discard", 1),
    ("originator_id_from_ebgp", lambda nh, p: update(A(nh) + attr(0x80, 9, b"\1\2\3\4"), [p]), "discard", 1),
    ("cluster_list_from_ebgp", lambda nh, p: update(A(nh) + attr(0x80, 10, b"\1\2\3\4"), [p]), "discard", 1),
    ("duplicate_origin", lambda nh, p: update(A(nh) + origin(b"\1"), [p]), "discard", 1),
    ("duplicate_as_path", lambda nh, p: update(A(nh) + aspath(PEER_AS, 65009), [p]), "discard", 1),
    ("as4_path_on_4_octet_session", lambda nh, p: update(A(nh) + aspath(PEER_AS, flags=0xc0, typ=17), [p]), "discard", 1),
    ("as4_path_malformed_from_2_octet_peer", lambda nh, p: update(A(nh, width=2) + attr(0xc0, 17, bytes([9, 1]) + AS), [p]), "discard", 1),
    ("as4_aggregator_length_7_from_2_octet_peer", lambda nh, p: update(A(nh, width=2) + attr(0xc0, 18, b"\0" * 7), [p]), "discard", 1),
    ("optional_non_transitive_unknown", lambda nh, p: update(A(nh) + attr(0x80, 99, b"abc"), [p]), "ignored", None),
    ("optional_transitive_unknown", lambda nh, p: update(A(nh) + attr(0xc0, 99, b"abc"), [p]), "ignored", None),
    ("mp_reach_unknown_afi_skipped", lambda nh, p: update(A(nh) + mp_reach(nh, b"", afi=99), [p]), "ignored", None),
    ("unknown_well_known", lambda nh, p: update(A(nh) + attr(0x40, 99, b"abc"), [p]), "reset", (3, 2)),
    ("duplicate_mp_reach", lambda nh, p: update(origin() + aspath(PEER_AS) + mp_reach(nh, pfx_bytes(p)) * 2), "reset", (3, 1)),
    ("mp_reach_next_hop_length_5", lambda nh, p: update(origin() + aspath(PEER_AS) + mp_reach(nh, pfx_bytes(p), nh_len=5)), "reset", (3, 9)),
    ("mp_reach_prefix_length_33", lambda nh, p: update(origin() + aspath(PEER_AS) + mp_reach(nh, bytes([33, 1, 2, 3, 4, 5]))), "reset", (3, 9)),
    ("mp_unreach_prefix_length_40", lambda nh, p: update(attr(0x80, 15, struct.pack("!HB", 1, 1) + bytes([40, 1, 2, 3, 4, 5]))), "reset", (3, 9)),
    ("nlri_prefix_length_33", lambda nh, p: update(A(nh), raw_nlri=bytes([33, 1, 2, 3, 4, 5])), "reset", (3, 10)),
    ("withdrawn_prefix_length_33", lambda nh, p: update(withdrawn=bytes([33, 1, 2, 3, 4, 5])), "reset", (3, 10)),
    ("withdrawn_length_past_the_message", lambda nh, p: update(A(nh), [p], wd_len=400), "reset", (3, 1)),
    ("attribute_length_past_the_message_extended", lambda nh, p: update(A(nh), attr_len=1000), "reset", (3, 1)),
]

AS2_CASES = {"as4_path_malformed_from_2_octet_peer", "as4_aggregator_length_7_from_2_octet_peer"}


def update_counters(n):
    u = dict(n["updateErrors"])
    u.pop("updatesHandled")
    return {k: v for k, v in u.items() if v}


def assert_reset(sp, lab, pfx, code, sub, update_error):
    """The NOTIFICATION on the wire, the connection closed, the counters, the routes gone."""
    assert sp.notification(within=5) == (code, sub), lab.d.read_log()[-2000:]
    assert sp.closed(5)
    n = neighbor(lab.d, sp.addr)
    assert n["bgpState"] != "Established"
    assert n["notificationsSentByCode"] == {f"{code}/{sub}": 1}, n["notificationsSentByCode"]
    assert n["lastErrorCodeSubcode"] == f"{code:02x}{sub:02x}" and n["lastNotificationSent"] is True
    assert n["connectionsReset"] == 1, n
    if update_error:
        assert update_counters(n) == {"sessionResets": 1}, n["updateErrors"]
    assert wait_for(lambda: pfx not in rib(lab.d) and pfx not in kernel_routes(lab), 10)


def learn(sp, lab, pfx):
    sp.send(update(A(sp.addr), [pfx]))
    assert wait_for(lambda: kernel_routes(lab).get(pfx) == sp.addr, 10), lab.d.read_log()[-2000:]


@pytest.mark.parametrize("name,build,outcome,detail", UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_malformed_update(h, name, build, outcome, detail):
    addr, pfx = h.next()
    sp = h.establish(addr, as4=name not in AS2_CASES)
    if outcome in ("withdraw", "reset"):
        sp.send(update(A(addr, width=4 if name not in AS2_CASES else 2), [pfx]))
        assert wait_for(lambda: kernel_routes(h).get(pfx) == addr, 10), h.d.read_log()[-2000:]
    sp.send(build(addr, pfx))
    if outcome == "reset":
        assert_reset(sp, h, pfx, *detail, update_error=True)
        sp.close()
        return
    if outcome == "withdraw":
        assert wait_for(lambda: pfx not in rib(h.d), 5), h.d.read_log()[-2000:]
        assert wait_for(lambda: pfx not in kernel_routes(h), 5)
        want = {"treatAsWithdraw": 1}
    else:
        assert wait_for(lambda: kernel_routes(h).get(pfx) == addr, 10), h.d.read_log()[-2000:]
        want = {"attributeDiscard": 1, "attributesDiscarded": detail} if outcome == "discard" else {}
    n = neighbor(h.d, addr)
    assert update_counters(n) == want, n["updateErrors"]
    assert n["bgpState"] == "Established" and n["notificationsSentByCode"] == {}, n
    # the UPDATE was handled (counters above): a NOTIFICATION would be queued already
    assert sp.notification(within=0.3) is None
    sp.close()


# (id, bytes sent once Established, NOTIFICATION)
HEADER_CASES = [
    ("bad_marker", msg(4, marker=b"\xff" * 15 + b"\0"), (1, 1)),
    ("length_18", msg(4, length=18), (1, 2)),
    ("keepalive_length_20", msg(4, b"\0"), (1, 2)),
    ("update_length_22", msg(2, b"\0\0\0"), (1, 2)),
    ("length_4097_without_extended_messages", msg(2, b"\0" * (4097 - 19)), (1, 2)),
    ("length_65535_without_extended_messages", msg(2, length=65535), (1, 2)),
    ("type_7", msg(7), (1, 3)),
    ("type_0", msg(0), (1, 3)),
    ("open_when_established", open_msg(PEER_AS, "10.9.9.9"), (5, 3)),
    ("route_refresh_length_24", msg(5, b"\0\1\0\1\0"), (7, 1)),        # RFC 7313 §5
]


@pytest.mark.parametrize("name,data,err", HEADER_CASES, ids=[c[0] for c in HEADER_CASES])
def test_message_header_error(h, name, data, err):
    addr, pfx = h.next()
    sp = h.establish(addr)
    learn(sp, h, pfx)
    sp.send(data)
    assert_reset(sp, h, pfx, *err, update_error=False)
    sp.close()


# (id, OPEN sent instead of a good one, NOTIFICATION)
OPEN_CASES = [
    ("version_3", lambda a: open_msg(PEER_AS, a, version=3), (2, 1)),
    ("wrong_as", lambda a: open_msg(65009, a), (2, 2)),
    ("bgp_id_0", lambda a: open_msg(PEER_AS, "0.0.0.0"), (2, 3)),
    ("hold_time_2", lambda a: open_msg(PEER_AS, a, hold=2), (2, 6)),
    ("open_too_short", lambda a: msg(1, b"\4\0"), (1, 2)),
    ("keepalive_before_open", lambda a: msg(4), (5, 1)),                  # RFC 6608
    ("update_in_openconfirm", lambda a: open_msg(PEER_AS, a) + update(A(a), ["172.21.0.0/24"]), (5, 2)),
]


@pytest.mark.parametrize("name,build,err", OPEN_CASES, ids=[c[0] for c in OPEN_CASES])
def test_bad_open(h, name, build, err):
    addr, _ = h.next()
    sp = h.connect(addr)
    sp.send(build(addr))
    assert sp.notification(within=5) == err
    assert sp.closed(5)
    n = neighbor(h.d, addr)
    assert n["notificationsSentByCode"] == {f"{err[0]}/{err[1]}": 1}, n
    assert n["bgpState"] != "Established" and n["connectionsEstablished"] == 0
    sp.close()


def bird_has(lab, pfx):
    return pfx in lab.bird.birdc(f"show route {pfx}").stdout


def test_attributes_too_big_for_bird_are_withdrawn_there(h):
    """RFC 8654 §4: a peer with extended messages sends an AS_PATH of 1120
    ASNs (4.5 KB of attributes); toward BIRD (no extended messages) it
    cannot be sent, so the prefix BIRD had is withdrawn there and a new one
    never announced, while a normal UPDATE right behind it still is."""
    addr, _ = h.next()
    sp = h.connect(addr)
    sp.send(open_msg(PEER_AS, addr, extmsg=True))
    assert sp.read(5)[0] == 1
    sp.send(msg(4))
    assert sp.read(5)[0] == 4
    p_old, p_new, p_ok = "172.20.1.0/24", "172.20.2.0/24", "172.20.3.0/24"
    sp.send(update(A(addr), [p_old]))
    assert wait_for(lambda: bird_has(h, p_old), 10)
    segs = b"".join(bytes([2, 224]) + struct.pack("!I", PEER_AS if i == 0 else 64600 + i) * 224
                    for i in range(5))                 # not BIRD_AS: no loop to hide behind
    big = origin() + attr(0x50, 2, segs) + nexthop(addr)
    assert len(big) > 4096
    sp.send(update(big, [p_old, p_new]) + update(A(addr), [p_ok]))
    assert wait_for(lambda: bird_has(h, p_ok), 10)
    assert wait_for(lambda: not bird_has(h, p_old), 10)
    assert not bird_has(h, p_new)
    assert p_old in rib(h.d) and p_new in rib(h.d)        # we keep them
    n = neighbor(h.d, addr)
    assert n["bgpState"] == "Established" and n["notificationsSentByCode"] == {}, n
    sp.close()


# ------------------------------------------------------------ stream shape
def test_messages_split_one_byte_per_send_are_parsed(h):
    addr, pfx = h.next()
    sp = h.connect(addr)
    sp.send_bytewise(open_msg(PEER_AS, addr) + msg(4))
    kinds = [sp.read(5), sp.read(5)]
    assert [m and m[0] for m in kinds] == [1, 4], kinds
    assert wait_for(lambda: neighbor(h.d, addr)["bgpState"] == "Established", 5)
    sp.send_bytewise(update(A(addr), [pfx]))
    assert wait_for(lambda: kernel_routes(h).get(pfx) == addr, 10), h.d.read_log()[-2000:]
    n = neighbor(h.d, addr)
    assert n["messageStats"]["updatesRecv"] == 1 and n["notificationsSentByCode"] == {}, n
    sp.close()
    assert wait_for(lambda: pfx not in kernel_routes(h), 10)


BURST = 5000


def test_thousands_of_updates_in_one_burst_are_all_handled(h):
    addr, _ = h.next()
    sp = h.establish(addr)
    a = A(addr)
    pfxs = [f"100.64.{i >> 8}.{i & 255}/32" for i in range(BURST)]
    sp.send(b"".join(update(a, [p]) for p in pfxs))             # ~270 KB, one sendall
    assert wait_for(lambda: neighbor(h.d, addr)["addressFamilyInfo"]["ipv4Unicast"]
                    ["acceptedPrefixCounter"] == BURST, 90), h.d.read_log()[-2000:]
    n = neighbor(h.d, addr)
    assert n["messageStats"]["updatesRecv"] == BURST, n["messageStats"]
    assert n["updateErrors"]["updatesHandled"] == BURST, n["updateErrors"]

    def ours():
        return sum(1 for g in kernel_routes(h).values() if g == addr)
    assert wait_for(lambda: ours() == BURST, 90), ours()
    sp.close()
    assert wait_for(lambda: ours() == 0, 90), ours()


def test_route_refresh_flood_is_coalesced(h):
    """5000 ROUTE-REFRESHes in one burst: each restarts the table dump
    (RFC 2918 §4) rather than queueing one more, so the session stays up,
    the table is sent again far fewer than 5000 times, and the daemon's
    memory stays put."""
    addr, _ = h.next()
    sp = h.establish(addr)
    assert wait_for(lambda: vtysh_json(h.d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
                    [addr]["pfxSnt"] == len(BIRD_PFX), 10)
    time.sleep(0.5)
    sent0 = neighbor(h.d, addr)["messageStats"]["updatesSent"]
    rss0 = rss_kb(h.d)
    sp.send(msg(5, struct.pack("!HBB", 1, 0, 1)) * 5000 + msg(4))
    assert wait_for(lambda: neighbor(h.d, addr)["messageStats"]["routeRefreshRecv"] == 5000, 60)
    time.sleep(0.5)
    n = neighbor(h.d, addr)
    resent = n["messageStats"]["updatesSent"] - sent0
    assert 1 <= resent <= 1000, resent                  # the table came again, not 5000 times
    assert n["bgpState"] == "Established" and n["notificationsSentByCode"] == {}, n
    assert rss_kb(h.d) - rss0 < 64 * 1024
    sp.close()


# ------------------------------------------------ enhanced route refresh
RR_CAPS = bytes([2, 0, 70, 0])        # route refresh (RFC 2918) + enhanced (RFC 7313)


def refresh(subtype):
    return msg(5, struct.pack("!HBB", 1, subtype, 1))


def med(v):
    return attr(0x80, 4, struct.pack("!I", v))


def test_enhanced_refresh_withdraws_what_is_not_announced_again(h):
    """RFC 7313 §4, receiving side: after BoRR every path of the peer is
    stale but stays (routes do not blink); what it announces again, changed
    or not, is kept; an explicit withdrawal in the window acts at once; at
    EoRR the rest leaves the RIB and the kernel, and the neighbor shows the
    count."""
    addr, _ = h.next()
    sp = h.establish(addr, caps=RR_CAPS)
    n = neighbor(h.d, addr)
    assert n["neighborCapabilities"].get("enhancedRouteRefresh") == "advertisedAndReceived", n
    pfx = [f"172.17.{h.n}.{i * 16}/28" for i in range(4)]
    sp.send(update(A(addr), pfx))
    assert wait_for(lambda: all(kernel_routes(h).get(p) == addr for p in pfx), 10)
    sp.send(refresh(1))                                 # BoRR
    assert wait_for(lambda: neighbor(h.d, addr)["addressFamilyInfo"]["ipv4Unicast"]
                    ["enhancedRefreshInProgress"], 5)
    sp.send(update(A(addr), [pfx[0]]) + update(A(addr) + med(7), [pfx[1]]) +
            update(withdrawn=prefix(pfx[2])) + msg(4))
    assert wait_for(lambda: pfx[2] not in rib(h.d) and pfx[2] not in kernel_routes(h), 5)
    time.sleep(0.3)
    r, k = rib(h.d), kernel_routes(h)
    assert pfx[3] in r and k.get(pfx[3]) == addr, "a stale path must stay until EoRR"
    assert r[pfx[1]][0].get("metric") == 7, r[pfx[1]]
    sp.send(refresh(2))                                 # EoRR
    assert wait_for(lambda: pfx[3] not in rib(h.d) and pfx[3] not in kernel_routes(h), 5), \
        h.d.read_log()[-2000:]
    r, k = rib(h.d), kernel_routes(h)
    assert pfx[0] in r and pfx[1] in r and k.get(pfx[0]) == addr and k.get(pfx[1]) == addr
    v4 = neighbor(h.d, addr)["addressFamilyInfo"]["ipv4Unicast"]
    assert v4["enhancedRefreshStaleWithdrawn"] == 1 and not v4["enhancedRefreshInProgress"], v4
    assert v4["acceptedPrefixCounter"] == 2, v4
    assert "enhanced route refresh: 1 stale paths withdrawn" in h.d.read_log()
    sp.close()


def test_borr_and_eorr_not_negotiated_are_ignored(h):
    """A peer that did not announce enhanced route refresh sends BoRR and
    EoRR anyway: they are ignored (RFC 7313 §4), nothing is withdrawn."""
    addr, pfx = h.next()
    sp = h.establish(addr)
    learn(sp, h, pfx)
    sp.send(refresh(1) + refresh(2) + msg(4))
    time.sleep(0.5)
    assert kernel_routes(h).get(pfx) == addr
    n = neighbor(h.d, addr)
    assert n["bgpState"] == "Established" and n["notificationsSentByCode"] == {}, n
    assert "without enhanced route refresh negotiated: ignored" in h.d.read_log()
    sp.close()


def read_until_eorr(sp, within):
    """Message types and refresh subtypes read until EoRR: [(5, 1), (2, None), ..., (5, 2)]."""
    seen, end = [], time.monotonic() + within
    while (left := end - time.monotonic()) > 0:
        m = sp.read(left)
        if m is None:
            break
        t, body = m
        if t == 4:
            continue
        seen.append((t, body[2] if t == 5 else None))
        if t == 5 and body[2] == 2:
            break
    return seen


def test_our_table_again_is_framed_by_borr_and_eorr(h):
    """RFC 7313 §4, sending side: a ROUTE-REFRESH from a peer that has the
    capability gets BoRR, the whole table again (BIRD's three routes), then
    EoRR; a peer without it gets the table alone."""
    addr, _ = h.next()
    sp = h.establish(addr, caps=RR_CAPS)
    assert wait_for(lambda: vtysh_json(h.d.sock, "show bgp summary json")["ipv4Unicast"]["peers"]
                    [addr]["pfxSnt"] == len(BIRD_PFX), 10)
    while sp.read(0.5) is not None:                     # the first table and End-of-RIB
        pass
    sp.send(refresh(0))
    seen = read_until_eorr(sp, 10)
    assert seen[0] == (5, 1) and seen[-1] == (5, 2), seen
    assert len(seen) >= 3 and all(t == 2 for t, _ in seen[1:-1]), seen
    sp.close()
    addr, _ = h.next()
    sp = h.establish(addr, caps=bytes([2, 0]))
    while sp.read(0.5) is not None:
        pass
    sp.send(refresh(0))
    seen = read_until_eorr(sp, 2)
    assert seen and all(t == 2 for t, _ in seen), seen
    sp.close()


# ---------------------------------------------------------------- silence
def test_silent_peer_is_held_in_opensent_and_alone(h):
    """Connects and says nothing: the daemon sends its OPEN and waits in
    OpenSent under the large hold time (240 s, RFC 4271 §8); a second
    connection from it is refused at once (no OPEN)."""
    addr, _ = h.next()
    sp = h.connect(addr)
    m = sp.read(5)
    assert m and m[0] == 1, m
    assert neighbor(h.d, addr)["bgpState"] == "OpenSent"
    sp2 = h.connect(addr)
    assert sp2.closed(5) and sp2.buf == b""
    assert wait_for(lambda: neighbor(h.d, addr)["connectionsRefused"] == 1, 5)
    assert neighbor(h.d, addr)["bgpState"] == "OpenSent"
    sp2.close()
    if not LONG:
        sp.close()
        return
    t0 = time.monotonic()
    assert sp.notification(within=240 + 30) == (4, 0)      # hold timer expired
    assert 200 <= time.monotonic() - t0 <= 270
    assert sp.closed(5)
    assert neighbor(h.d, addr)["notificationsSentByCode"] == {"4/0": 1}
    sp.close()


# --------------------------------------------------------------- strangers
def test_a_thousand_strangers_are_closed_at_once_and_logged_sparingly(h):
    before = h.d.read_log().count("not a configured neighbor")
    socks_closed = 0
    for batch in range(20):
        batch_socks = []
        for i in range(50):
            s = netns_socket(h.link.b)
            s.bind((STRANGERS[(batch * 50 + i) % len(STRANGERS)], 0))
            s.settimeout(5)
            s.connect((OURS, 179))
            batch_socks.append(Speaker(s))
        for sp in batch_socks:
            if sp.closed(5) and sp.buf == b"":          # nothing said, closed
                socks_closed += 1
            sp.close()
    assert socks_closed == 1000
    lines = h.d.read_log().count("not a configured neighbor") - before
    assert 1 <= lines <= 10, lines                       # 5 a minute (doc/bgp-sessions.md)


# ---------------------------------------------------------- maximum-prefix
def announce_over_limit(lab, addr):
    sp = lab.establish(addr)
    pfxs = [f"100.65.{i}.0/24" for i in range(MAX_PREFIX + 1)]
    sp.send(update(A(addr), pfxs[:MAX_PREFIX]))
    assert wait_for(lambda: sum(1 for p in pfxs if kernel_routes(lab).get(p) == addr)
                    == MAX_PREFIX, 10)
    sp.send(update(A(addr), pfxs[MAX_PREFIX:]))
    n = sp.notification_full(within=5)
    limit = struct.pack("!I", MAX_PREFIX)
    assert n == (6, 1, b"\0\1\1" + limit), n           # RFC 4486 §4: AFI, SAFI, limit
    assert sp.closed(5)
    assert wait_for(lambda: not any(p in kernel_routes(lab) for p in pfxs), 10)
    assert not any(p in rib(lab.d) for p in pfxs)
    nb = neighbor(lab.d, addr)
    assert nb["notificationsSentByCode"] == {"6/1": 1}, nb
    assert "maximum-prefix" in nb["lastResetDueTo"], nb["lastResetDueTo"]
    sp.close()
    return time.monotonic()


def refused_now(lab, addr):
    sp = lab.connect(addr)
    r = sp.closed(3) and sp.buf == b""
    sp.close()
    return r


def test_maximum_prefix_exceeded_stays_down(h):
    announce_over_limit(h, MAXP)
    time.sleep(3)
    assert refused_now(h, MAXP)
    assert neighbor(h.d, MAXP)["bgpState"] == "Idle"


def test_maximum_prefix_restart_comes_back_after_a_minute(h):
    t0 = announce_over_limit(h, MAXP_RESTART)
    assert refused_now(h, MAXP_RESTART)
    if not LONG:
        return
    assert wait_for(lambda: neighbor(h.d, MAXP_RESTART)["bgpState"] == "Active", 90, step=0.5)
    took = time.monotonic() - t0
    assert 55 <= took <= 90, took                        # restart 1 = one minute
    sp = h.establish(MAXP_RESTART)
    sp.close()


# --------------------------------------------------------------- flapping
def rss_kb(d):
    with open(f"/proc/{d.proc.pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))


def test_flapping_peer_is_damped(h):
    """200 connect/OPEN/KEEPALIVE/close cycles: the idle hold after each
    flap (1 s doubling, jitter 0.75-1.0, doc/bgp-sessions.md) refuses most
    of them; the daemon's memory stays put."""
    cycles, spacing = 200, (0.3 if LONG else 0.1)
    rss0 = rss_kb(h.d)
    t0 = time.monotonic()
    opened = 0
    for i in range(cycles):
        sp = h.connect(FLAP)
        try:
            sp.send(open_msg(PEER_AS, FLAP) + msg(4))
        except OSError:
            pass
        m = sp.read(0.2)
        opened += bool(m and m[0] == 1)
        sp.close()
        time.sleep(spacing)
    span = time.monotonic() - t0
    n = neighbor(h.d, FLAP)
    # sessions k and k+1 are at least 0.75 * 2^k s apart: n sessions need
    # 0.75 * (2^(n-1) - 1) s, so within span at most this many
    bound = 1
    while 0.75 * (2 ** bound - 1) <= span:
        bound += 1
    assert 2 <= n["connectionsEstablished"] <= bound, (n["connectionsEstablished"], bound, span)
    assert opened <= bound + 1, (opened, bound)
    assert n["connectionsRefused"] >= cycles - bound - 5, n["connectionsRefused"]
    assert h.d.read_log().count(f"neighbor {FLAP}: incoming connection refused") <= 2 * (span // 60 + 1) * 5
    assert rss_kb(h.d) - rss0 < 64 * 1024, (rss0, rss_kb(h.d))


def test_connect_and_close_before_open_is_logged_sparingly(h):
    """200 connections from a configured neighbor, each closed before its
    OPEN: RFC 4271 §8.2.2 sends it back to Active each time (no idle hold),
    so the daemon answers each with its OPEN, but its log grows by at most 5
    lines a minute for them, not two per connection (bug found here)."""
    addr, _ = h.next()
    before = h.d.read_log().count(f"neighbor {addr}:")
    t0 = time.monotonic()
    opened = 0
    for i in range(200):
        sp = h.connect(addr)
        m = sp.read(2)
        opened += bool(m and m[0] == 1)
        sp.close()
    span = time.monotonic() - t0
    assert opened >= 1
    n = neighbor(h.d, addr)
    assert n["bgpState"] in ("Active", "OpenSent") and n["connectionsEstablished"] == 0, n
    lines = h.d.read_log().count(f"neighbor {addr}:") - before
    assert lines <= 5 * (span // 60 + 1), lines


# ---------------------------------------------------------- stuck reader
def test_peer_that_stops_reading(h):
    """A peer that never reads (hold time 0, so only RFC 9687 can notice)
    while a feeder announces 20000 routes with distinct communities (so ~20000 UPDATEs go to it): the output waits
    (bounded by PEER_OUT_MAX), the rest of the daemon carries on, and the
    RFC 9687 send hold timer (8 min) drops it with 8/0 (IPIP_LONG=1)."""
    stuck_addr, (feed_addr, _) = STUCK, h.next()
    stuck = h.connect(stuck_addr, rcvbuf=4096)
    stuck.send(open_msg(STUCK_AS, stuck_addr, hold=0) + msg(4))    # no hold timer to mask it
    assert wait_for(lambda: neighbor(h.d, stuck_addr)["bgpState"] == "Established", 5)
    feed = h.establish(feed_addr)
    count = 20000
    feed.send(b"".join(update(A(feed_addr) + attr(0xc0, 8, struct.pack("!I", 0xfc000000 + i)),
                              [f"100.66.{i >> 8}.{i & 255}/32"]) for i in range(count)))
    assert wait_for(lambda: neighbor(h.d, feed_addr)["addressFamilyInfo"]["ipv4Unicast"]
                    ["acceptedPrefixCounter"] == count, 120)
    assert wait_for(lambda: neighbor(h.d, stuck_addr)["messageStats"]["depthOutq"] > 0, 30), \
        (neighbor(h.d, stuck_addr)["messageStats"], sh("ip", "netns", "exec", h.link.a, "ss", "-tnmi").stdout)
    assert_healthy(h)
    if LONG:
        t0 = time.monotonic()
        assert wait_for(lambda: neighbor(h.d, stuck_addr)["bgpState"] != "Established",
                        480 + 60, step=2)
        assert time.monotonic() - t0 <= 480 + 60
        n = neighbor(h.d, stuck_addr)
        assert n["notificationsSentByCode"] == {"8/0": 1}, n
    feed.close()
    stuck.close()
    assert wait_for(lambda: not any(k.startswith("100.66.") for k in kernel_routes(h)), 120)
