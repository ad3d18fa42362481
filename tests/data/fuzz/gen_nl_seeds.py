#!/usr/bin/env python3
"""Write the seed corpora for tests/fuzz/fuzz_nl_{route,nexthop,link,addr}:
small receive buffers as the kernel sends them (one or more messages), plus
a few hostile ones. Rerun after changing the message layouts:
    python3 tests/data/fuzz/gen_nl_seeds.py"""
import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def msg(t, body, flags=0, seq=1):
    return struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body


def ip(a):
    return socket.inet_aton(a)


def u32(v):
    return struct.pack("=I", v)


def route(dst, plen, *attrs, t=24):
    hdr = struct.pack("=BBBBBBBBI", socket.AF_INET, plen, 0, 0, 254, 44, 0, 1, 0)
    return msg(t, hdr + attr(1, ip(dst)) + b"".join(attrs))


def rtnh(ifindex, gw, hops=0):
    a = attr(5, ip(gw))
    return struct.pack("=HBBi", 8 + len(a), 0, hops, ifindex) + a


def nexthop(nid, *attrs, fam=socket.AF_INET, t=104):
    return msg(t, struct.pack("=BBBBI", fam, 0, 44, 0, 0) + attr(1, u32(nid)) + b"".join(attrs))


def link(idx, name, *attrs):
    return msg(16, struct.pack("=BBHiII", 0, 0, 1, idx, 1, 0) + attr(3, name + b"\0") + b"".join(attrs))


def addr(idx, a, plen):
    return msg(20, struct.pack("=BBBBI", socket.AF_INET, plen, 0, 0, idx) + attr(2, ip(a)) + attr(1, ip(a)))


SEEDS = {
    "nl_route": {
        "nhid": route("192.0.2.0", 24, attr(15, u32(1000)), attr(30, u32(7)), attr(6, u32(20))),
        "gateway": route("10.1.0.0", 16, attr(5, ip("10.0.0.2")), attr(4, u32(3))),
        "multipath": route("10.2.0.0", 16, attr(9, rtnh(3, "10.0.0.2") + rtnh(4, "10.0.1.2", 1))),
        "metrics_mtu": route("10.3.0.0", 16, attr(8, attr(2, u32(1480)))),
        "two_msgs": route("10.4.0.0", 16) + route("10.5.0.0", 16, t=25),
        "bad_nla_len": route("10.6.0.0", 16)[:-8] + struct.pack("=HH", 200, 15) + u32(1),
    },
    "nl_nexthop": {
        "single": nexthop(5, attr(5, u32(3)), attr(6, ip("10.0.0.2"))),
        "group": nexthop(9, attr(2, struct.pack("=IBBH", 5, 0, 0, 0) + struct.pack("=IBBH", 6, 1, 0, 0)),
                         fam=socket.AF_UNSPEC),
        "resilient": nexthop(10, attr(2, struct.pack("=IBBH", 5, 0, 0, 0)), attr(3, struct.pack("=H", 1)),
                             attr(0x8000 | 7, attr(1, struct.pack("=H", 64))), fam=socket.AF_UNSPEC),
        "ragged_group": nexthop(11, attr(2, b"\5" * 12), fam=socket.AF_UNSPEC),
        "blackhole_del": nexthop(12, attr(4, b""), t=105),
    },
    "nl_link": {
        "up": link(3, b"fibv0", attr(4, u32(1500)), attr(16, b"\6")),
        "down": link(4, b"fibv1", attr(4, u32(1480))),
        "no_nul": msg(16, struct.pack("=BBHiII", 0, 0, 1, 5, 0, 0) + attr(3, b"abcd")),
    },
    "nl_addr": {
        "v4": addr(3, "10.0.0.1", 24),
        "two": addr(3, "10.0.0.1", 24) + addr(4, "10.0.1.1", 30),
        "bad_plen": addr(3, "10.0.0.1", 40),
    },
}
ACK = msg(2, struct.pack("=i", -17) + struct.pack("=IHHII", 40, 24, 0, 1, 0) + attr(1, b"exists\0"), flags=0x200)

for d, seeds in SEEDS.items():
    os.makedirs(os.path.join(HERE, d), exist_ok=True)
    seeds["ack"] = ACK
    for name, data in seeds.items():
        with open(os.path.join(HERE, d, name), "wb") as f:
            f.write(data)
