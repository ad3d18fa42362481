"""BGP bytes built by hand and a raw-TCP speaker, shared by the hostile-peer
tests (test_update_hostile.py, test_hostile_peer.py). Nothing here knows the
daemon: it builds messages, opens sockets inside a namespace and reads
whole messages back."""
import ctypes
import os
import socket
import struct
import threading
import time

CLONE_NEWNET = 0x40000000


def netns_socket(ns, rcvbuf=None):
    """A TCP socket created inside namespace ns (setns in a throw-away thread).
    rcvbuf: SO_RCVBUF set before connect (it fixes the window scale)."""
    out = {}

    def run():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                out["err"] = ctypes.get_errno()
                return
            out["s"] = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        finally:
            os.close(fd)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert "s" in out, f"setns: errno {out.get('err')}"
    if rcvbuf is not None:
        out["s"].setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    return out["s"]


def msg(typ, body=b"", marker=b"\xff" * 16, length=None):
    n = 19 + len(body) if length is None else length
    return marker + struct.pack("!HB", n, typ) + body


def open_msg(asn, bgp_id, as4=True, hold=90, version=4, extmsg=False, extra_caps=b""):
    caps = bytes([1, 4, 0, 1, 0, 1]) + extra_caps
    if as4:
        caps += bytes([65, 4]) + struct.pack("!I", asn)
    if extmsg:
        caps += bytes([6, 0])                            # RFC 8654
    params = bytes([2, len(caps)]) + caps
    my_as = asn if asn < 65536 else 23456
    return msg(1, struct.pack("!BHH4sB", version, my_as, hold, socket.inet_aton(bgp_id),
                              len(params)) + params)


def attr(flags, typ, value):
    if flags & 0x10:
        return bytes([flags, typ]) + struct.pack("!H", len(value)) + value
    return bytes([flags, typ, len(value)]) + value


def aspath(*asns, width=4, flags=0x40, typ=2):
    w = "!I" if width == 4 else "!H"
    return attr(flags, typ, bytes([2, len(asns)]) + b"".join(struct.pack(w, a) for a in asns))


def prefix(p):
    a, n = p.split("/")
    n = int(n)
    return bytes([n]) + socket.inet_aton(a)[:(n + 7) // 8]


def update(attrs=b"", nlri=(), withdrawn=b"", attr_len=None, wd_len=None, raw_nlri=b""):
    nl = b"".join(prefix(p) for p in nlri) + raw_nlri
    alen = len(attrs) if attr_len is None else attr_len
    wlen = len(withdrawn) if wd_len is None else wd_len
    return msg(2, struct.pack("!H", wlen) + withdrawn + struct.pack("!H", alen) + attrs + nl)


def good_attrs(asn, nh, origin=0, path=None, width=4):
    return (attr(0x40, 1, bytes([origin])) + aspath(*(path or (asn,)), width=width) +
            attr(0x40, 3, socket.inet_aton(nh)))


class Speaker:
    """Our side of one session: read whole messages, send bytes."""

    def __init__(self, sock):
        self.s, self.buf = sock, b""

    def send(self, data):
        self.s.sendall(data)

    def send_bytewise(self, data, pause=0.002):
        """One send() per byte (TCP_NODELAY: one segment each, as far as the kernel goes)."""
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(data)):
            self.s.send(data[i:i + 1])
            time.sleep(pause)

    def read(self, timeout):
        """The next message as (type, body), or None on timeout / close."""
        end = time.monotonic() + timeout
        while len(self.buf) < 19 or len(self.buf) < struct.unpack("!H", self.buf[16:18])[0]:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                return None
            if not chunk:
                return None
            self.buf += chunk
        n = struct.unpack("!H", self.buf[16:18])[0]
        m, self.buf = self.buf[:n], self.buf[n:]
        return m[18], m[19:]

    def notification(self, within):
        """The first NOTIFICATION (code, subcode) within the time, else None."""
        n = self.notification_full(within)
        return n[:2] if n is not None else None

    def notification_full(self, within):
        """The first NOTIFICATION as (code, subcode, data bytes), else None."""
        end = time.monotonic() + within
        while (left := end - time.monotonic()) > 0:
            m = self.read(left)
            if m is None:
                return None
            if m[0] == 3:
                return m[1][0], m[1][1], m[1][2:]
        return None

    def closed(self, within):
        """True once the daemon closed the connection (EOF or reset) within the time."""
        end = time.monotonic() + within
        while (left := end - time.monotonic()) > 0:
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        self.s.close()
