"""Compare a namespace's kernel FIB with what ipip-bgpd should have put there.

A hop is (gateway or None, device): a direct next hop is (NH, underlay dev), a
point-to-point tunnel is (None, tunnel dev). `want` maps prefix -> sorted tuple
of hops. Two sources of `want`:

- want_from_daemon(sock): the daemon's own selection (`show bgp ipv4 unicast
  json`: best + multipath paths) through its overlay decisions (`show overlay
  json`: direct -> (NH, dev), tunnel -> (None, dev), none -> not installed);
- a test's own idea of what its peers announce (hops built with tunnel_name()).

problems(ns, want) reads `ip -j route show proto 44`, `ip -j nexthop show`
and `ip -d -j link show` once and lists every difference as a line: a prefix
missing, extra (stale), installed twice, with the wrong next-hop set; a
protocol-44 nexthop object no route uses (leaked); our tunnel devices (alias
"ipip-bgpd local ...") not exactly the set the wanted hops name."""
import ipaddress
import json
import subprocess

PROTO = "44"
ALIAS = "ipip-bgpd local "
B32HEX = "0123456789abcdefghijklmnopqrstuv"


def tunnel_name(local, remote, prefix="ip"):
    """doc/tunnels.md: prefix + 13 base32hex digits of local << 32 | remote."""
    v = int(ipaddress.IPv4Address(local)) << 32 | int(ipaddress.IPv4Address(remote))
    return prefix + "".join(B32HEX[(v >> (5 * i)) & 31] for i in range(12, -1, -1))


def _ip_json(ns, *args):
    r = subprocess.run(["ip", "-n", ns, "-j", *args], capture_output=True, text=True,
                       check=True, timeout=120)
    return json.loads(r.stdout or "[]")


def _vtysh_json(vtysh, sock, cmd):
    r = subprocess.run([vtysh, "-S", sock, "-c", cmd], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def want_from_daemon(vtysh, sock):
    """prefix -> sorted hops, from the daemon's selection and overlay decisions."""
    ov = _vtysh_json(vtysh, sock, "show overlay json")
    how = {}
    for n in ov["nexthops"]:
        if n["decision"] == "direct":
            how[n["nexthop"]] = (n["nexthop"], n["device"])
        elif n["decision"] == "tunnel":
            how[n["nexthop"]] = (None, n["device"])
    rib = _vtysh_json(vtysh, sock, "show bgp ipv4 unicast json")["routes"]
    want = {}
    for pfx, paths in rib.items():
        hops = [how[p["nexthops"][0]["ip"]] for p in paths
                if p.get("valid") and (p.get("bestpath") or p.get("multipath"))
                and p["nexthops"][0]["ip"] in how]
        if hops:
            want[pfx] = tuple(sorted(hops, key=str))
    return want


class Kernel:
    """One reading of the namespace's routes, nexthop objects and tunnel devices."""

    def __init__(self, ns):
        self.routes = _ip_json(ns, "route", "show", "proto", PROTO)
        self.nexthops = {n["id"]: n for n in _ip_json(ns, "nexthop", "show")}
        self.tunnels = {l["ifname"] for l in _ip_json(ns, "-d", "link", "show")
                        if l.get("ifalias", "").startswith(ALIAS)}

    def ours(self):
        return {i: n for i, n in self.nexthops.items() if n.get("protocol") == PROTO}

    def hops(self, r):
        if "nhid" in r:
            n = self.nexthops.get(r["nhid"], {})
            members = [self.nexthops.get(g["id"], {}) for g in n.get("group", [])] \
                if "group" in n else [n]
        elif "nexthops" in r:
            members = r["nexthops"]
        else:
            members = [r]
        return tuple(sorted(((m.get("gateway"), m.get("dev")) for m in members), key=str))

    def installed(self):
        """prefix -> list of hop tuples, one per kernel route (len > 1: duplicate)."""
        out = {}
        for r in self.routes:
            out.setdefault(r["dst"], []).append(self.hops(r))
        return out

    def counts(self):
        ours = self.ours()
        groups = sum(1 for n in ours.values() if "group" in n)
        return {"routes": len(self.routes), "nexthops": len(ours) - groups,
                "groups": groups, "tunnels": len(self.tunnels)}


def problems(ns, want, limit=20):
    """Every difference between the kernel of ns and want, as lines (empty: equal)."""
    k = Kernel(ns)
    have = k.installed()
    out = []
    for pfx, hops in want.items():
        got = have.get(pfx)
        if got is None:
            out.append(f"missing {pfx} (want {hops})")
        elif len(got) > 1:
            out.append(f"{pfx} installed {len(got)} times: {got}")
        elif got[0] != hops:
            out.append(f"{pfx} via {got[0]}, want {hops}")
    for pfx in have.keys() - want.keys():
        out.append(f"stale {pfx} via {have[pfx]}")
    ours = k.ours()
    used = {r["nhid"] for r in k.routes if "nhid" in r}
    used |= {g["id"] for i in list(used) for g in ours.get(i, {}).get("group", [])}
    for i in sorted(ours.keys() - used):
        out.append(f"leaked nexthop object {ours[i]}")
    need = {d for hops in want.values() for gw, d in hops if gw is None}
    if k.tunnels != need:
        out.append(f"tunnel devices {sorted(k.tunnels)}, want {sorted(need)}")
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None
