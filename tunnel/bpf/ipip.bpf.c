// SPDX-License-Identifier: GPL-2.0
/*
 * tunnel/bpf/ipip.bpf.c - the "bpf" driver's dataplane: IPIP (RFC 2003)
 * encapsulation and decapsulation in two tc (clsact, direct-action)
 * programs that the daemon loads (tunnel/bpfdrv.c). Built with
 * clang -target bpf and embedded in the daemon; runs in the kernel.
 *
 * ipip_encap, on the egress of each tunnel device (a TUN the daemon holds
 * open, so that it has carrier): pushes an outer IPv4 header with
 * bpf_skb_adjust_room(ENCAP_L3_IPV4 | FIXED_GSO), so a TCP super-packet stays
 * one skb (SKB_GSO_IPXIP4) and is cut by the NIC or at the last moment;
 * outer source = the tunnel's local address, destination = its remote, or
 * for an NBMA tunnel (remote 0) the gateway of the route the packet took
 * (bpf_fib_lookup on the inner destination from the tunnel device); DF, TTL
 * inherited (the default when 0), ECN copied but CE sent as ECT(0) - as the
 * kernel's ipip with pmtudisc and "ttl inherit" (RFC 6040 section 4.1). A
 * fib lookup on the outer destination finds the underlay device and the
 * path MTU: a DF packet whose segments do not fit is left to the daemon
 * (TC_ACT_OK: it reaches the TUN's file descriptor), which answers with an
 * ICMP fragmentation needed; the others go by bpf_redirect_neigh(): the
 * kernel routes them there and resolves the link-layer address.
 *
 * ipip_decap, on the ingress of the underlay (Ethernet) devices: an IPv4
 * protocol-4 packet whose (outer destination, outer source) is a tunnel's
 * (local, remote) - or (local, 0) for NBMA - loses its outer header
 * (DECAP_L3_IPV4, kernel >= 6.3), an outer CE marks an ECN-capable inner
 * packet CE and drops a not-ECN-capable one, an outer ECT(1) makes an
 * ECT(0) one ECT(1) (RFC 6040 section 4.2), and it
 * is redirected to the ingress of the tunnel device, so the stack receives
 * it there. One addressed to a local
 * address of ours that matches no tunnel is dropped and counted, as the
 * user-space driver's "no tunnel"; one with outer options or an outer
 * fragment goes on to the stack (which reassembles) and the daemon's slow
 * path (ipip_slow); anything else is left alone.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "ipip_bpf.h"
#include "ipip_ecn.h"

#ifndef BPF_F_ADJ_ROOM_DECAP_L3_IPV4
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV4	(1ULL << 7)	/* Linux 6.3 uapi */
#endif
#define AF_INET		2
#define IP_DF		0x4000
#define IP_MF_OFF	0x3fff		/* more-fragments flag and offset */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPIP_BPF_TUN_MAX);
	__type(key, __u32);			/* tunnel ifindex */
	__type(value, struct ipip_bpf_encap);
} ipip_encap_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPIP_BPF_TUN_MAX);
	__type(key, struct ipip_bpf_key);	/* (local, remote); remote 0: NBMA */
	__type(value, __u32);			/* tunnel ifindex */
} ipip_decap_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPIP_BPF_TUN_MAX);
	__type(key, __u32);			/* a tunnel's local address */
	__type(value, __u32);			/* tunnels using it */
} ipip_local_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, IPIP_BPF_TUN_MAX);
	__type(key, __u32);			/* tunnel ifindex */
	__type(value, struct ipip_bpf_stats);
} ipip_stats_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipip_bpf_drops);
} ipip_drops_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPIP_BPF_TUN_MAX);
	__type(key, __u32);			/* tunnel ifindex */
	__type(value, __u32);			/* the last too-small path MTU seen */
} ipip_pmtu_map SEC(".maps");

static __always_inline struct ipip_bpf_stats *
stats_of(__u32 ifindex)
{
	return bpf_map_lookup_elem(&ipip_stats_map, &ifindex);
}

static __always_inline __u32
segs_of(const struct __sk_buff *skb)
{
	return skb->gso_segs > 1 ? skb->gso_segs : 1;
}

static __always_inline __u16
csum_fold(__u64 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/*
 * TCP and UDP ports for the lookup's multipath hash: with an ECMP group of
 * gateways (NBMA) and fib_multipath_hash_policy 1, flows spread over them.
 */
static __always_inline void
inner_ports(struct __sk_buff *skb, const struct iphdr *in, struct bpf_fib_lookup *f)
{
	__be16 ports[2];

	if ((in->protocol != IPPROTO_TCP && in->protocol != IPPROTO_UDP) ||
	    (in->frag_off & bpf_htons(IP_MF_OFF)) ||
	    bpf_skb_load_bytes(skb, (__u32)in->ihl * 4 & 0x3c, ports, sizeof(ports)) < 0)
		return;
	f->sport = ports[0];
	f->dport = ports[1];
}

/* The outer destination: the remote, or for NBMA the route's gateway. */
static __always_inline int
encap_dst(struct __sk_buff *skb, const struct ipip_bpf_encap *e,
    const struct iphdr *in, __u32 *dst)
{
	struct bpf_fib_lookup f = { 0 };

	if (e->remote != 0) {
		*dst = e->remote;
		return 0;
	}
	f.family = AF_INET;
	f.ipv4_src = in->saddr;
	f.ipv4_dst = in->daddr;
	f.l4_protocol = in->protocol;
	f.ifindex = skb->ifindex;
	inner_ports(skb, in, &f);
	if (bpf_fib_lookup(skb, &f, sizeof(f), BPF_FIB_LOOKUP_SKIP_NEIGH) !=
	    BPF_FIB_LKUP_RET_SUCCESS || f.ipv4_dst == in->daddr)
		return -1;			/* no route, or not via a gateway */
	*dst = f.ipv4_dst;
	return 0;
}

static __always_inline void
outer_fill(struct iphdr *o, const struct iphdr *in, __u32 src, __u32 dst,
    __u32 len, __u8 ttl_default)
{
	*o = (struct iphdr){ .version = 4, .ihl = 5 };
	o->tos = ipip_ecn_encap_field(in->tos);	/* RFC 6040 4.1 */
	o->tot_len = bpf_htons((__u16)(len + sizeof(*o)));
	o->frag_off = bpf_htons(IP_DF);
	o->ttl = in->ttl ? in->ttl : ttl_default;
	o->protocol = IPPROTO_IPIP;
	o->saddr = src;
	o->daddr = dst;
	o->check = csum_fold(bpf_csum_diff(0, 0, (__be32 *)o, sizeof(*o), 0));
}

/*
 * The underlay device for the outer header (src, dst) of seg bytes per
 * packet (0: check the skb as it is): 0 and *ifindex; 1 when seg exceeds
 * the path MTU (*mtu: the route's MTU, with what PMTU discovery learned);
 * -1 unreachable, or back into a tunnel.
 */
static __always_inline int
outer_route(struct __sk_buff *skb, __u32 src, __u32 dst, __u32 seg, __u32 *ifindex,
    __u32 *mtu)
{
	struct bpf_fib_lookup f = { 0 };
	long rc;

	f.family = AF_INET;
	f.ipv4_src = src;
	f.ipv4_dst = dst;
	f.l4_protocol = IPPROTO_IPIP;
	f.tot_len = (__u16)seg;
	f.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &f, sizeof(f), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED && seg != 0) {
		*mtu = f.mtu_result;
		return 1;
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS || f.ifindex == skb->ifindex)
		return -1;
	*ifindex = f.ifindex;
	return 0;
}

/* Bytes of one inner packet on the wire: a GSO packet's segments, else all. */
static __always_inline __u32
inner_seg_len(struct __sk_buff *skb, const struct iphdr *in, __u32 len)
{
	__u32 l3 = (__u32)in->ihl * 4 & 0x3c;
	__u8 doff = 0;

	if (skb->gso_segs <= 1 || skb->gso_size == 0)
		return len;
	if (in->protocol == IPPROTO_UDP)
		return skb->gso_size + l3 + 8;
	if (in->protocol != IPPROTO_TCP || bpf_skb_load_bytes(skb, l3 + 12, &doff, 1) < 0)
		return len;
	return skb->gso_size + l3 + ((__u32)(doff >> 4) << 2);
}

/*
 * A DF packet too big for the underlay path: leave it to the daemon, which
 * reads it from the TUN and answers the sender with an ICMP fragmentation
 * needed of this MTU minus 20 (tunnel/bpfdrv.c), as the kernel's ipip does.
 */
static __always_inline int
encap_too_big(__u32 ifindex, __u32 mtu)
{
	bpf_map_update_elem(&ipip_pmtu_map, &ifindex, &mtu, BPF_ANY);
	return TC_ACT_OK;
}

SEC("tc")
int
ipip_encap(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex, len = skb->len, segs = segs_of(skb), dst, out = 0, mtu = 0;
	const struct ipip_bpf_encap *e = bpf_map_lookup_elem(&ipip_encap_map, &ifindex);
	struct ipip_bpf_stats *st = stats_of(ifindex);
	struct iphdr in, o;
	int rv = TC_ACT_SHOT, r;

	if (e == NULL || st == NULL)
		return TC_ACT_SHOT;
	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, 0, &in, sizeof(in)) < 0 || in.version != 4 ||
	    encap_dst(skb, e, &in, &dst) < 0)
		goto out;
	r = outer_route(skb, e->local, dst, inner_seg_len(skb, &in, len) + sizeof(o), &out, &mtu);
	if (r > 0 && (in.frag_off & bpf_htons(IP_DF)))
		return encap_too_big(ifindex, mtu);
	if (r > 0)				/* no DF: sent, as the kernel's ipip does */
		r = outer_route(skb, e->local, dst, 0, &out, &mtu);
	if (r != 0 || bpf_skb_adjust_room(skb, sizeof(o), BPF_ADJ_ROOM_MAC,
	    BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_FIXED_GSO) < 0)
		goto out;
	/*
	 * bpf_redirect_neigh() takes the packet for one with an Ethernet
	 * header, which it pulls before the kernel writes the real one: a
	 * TUN has none, so we push 14 zero bytes as a placeholder.
	 */
	if (bpf_skb_change_head(skb, ETH_HLEN, 0) < 0)
		goto out;
	outer_fill(&o, &in, e->local, dst, len, e->ttl_default);
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &o, sizeof(o), 0) < 0)
		goto out;
	/*
	 * No next hop given: the kernel routes the outer header again, which
	 * replaces the skb's route (the inner one, through the tunnel device -
	 * with it, a packet queued while ARP resolves would leave through the
	 * tunnel's neighbour, without an Ethernet header), and resolves the
	 * link-layer address.
	 */
	rv = bpf_redirect_neigh(out, NULL, 0, 0);
out:
	if (rv == TC_ACT_SHOT) {
		st->errors_out += 1;
	} else {
		st->pkts_out += segs;
		st->bytes_out += len;
	}
	return rv;
}

static __always_inline void
drop_count(int no_tunnel)
{
	__u32 k = 0;
	struct ipip_bpf_drops *d = bpf_map_lookup_elem(&ipip_drops_map, &k);

	if (d == NULL)
		return;
	if (no_tunnel)
		d->no_tunnel += 1;
	else
		d->malformed += 1;
}

/*
 * RFC 6040 section 4.2, as the kernel's INET_ECN_decapsulate: outer CE
 * makes an ECT inner packet CE, outer ECT(1) an ECT(0) one ECT(1); -1 for
 * a Not-ECT one under CE (to be dropped). The inner header is at ETH_HLEN,
 * after the outer one is gone.
 */
static __always_inline int
decap_ecn(struct __sk_buff *skb, const struct iphdr *o, const struct iphdr *in)
{
	int ecn = ipip_ecn_decap_field(o->tos, in->tos);
	__u16 old_w, new_w;
	__u8 tos;

	if (ecn < 0)
		return -1;
	if (ecn == (in->tos & IPIP_ECN_MASK))
		return 0;
	tos = (__u8)((in->tos & ~IPIP_ECN_MASK) | ecn);
	__builtin_memcpy(&old_w, in, 2);	/* version/IHL and TOS: one checksum word */
	new_w = old_w;
	((__u8 *)&new_w)[1] = tos;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + 1, &tos, 1, 0) < 0 ||
	    bpf_l3_csum_replace(skb, ETH_HLEN + 10, old_w, new_w, 2) < 0)
		return -1;
	return 0;
}

/* The tunnel of (local, remote), else the NBMA one of (local, 0). */
static __always_inline const __u32 *
decap_tunnel(__u32 local, __u32 remote)
{
	struct ipip_bpf_key k = { .local = local, .remote = remote };
	const __u32 *ifindex = bpf_map_lookup_elem(&ipip_decap_map, &k);

	if (ifindex != NULL)
		return ifindex;
	k.remote = 0;
	return bpf_map_lookup_elem(&ipip_decap_map, &k);
}

SEC("tc")
int
ipip_decap(struct __sk_buff *skb)
{
	__u32 len = skb->len - ETH_HLEN - sizeof(struct iphdr), segs = segs_of(skb);
	struct ethhdr eth;
	struct iphdr o, in;
	const __u32 *ifindex;
	struct ipip_bpf_stats *st;

	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) < 0 ||
	    eth.h_proto != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, &o, sizeof(o)) < 0 ||
	    o.protocol != IPPROTO_IPIP)
		return TC_ACT_OK;		/* not IPIP: not ours */
	ifindex = decap_tunnel(o.daddr, o.saddr);
	if (ifindex == NULL) {
		if (bpf_map_lookup_elem(&ipip_local_map, &o.daddr) == NULL)
			return TC_ACT_OK;	/* transit, or another local address */
		drop_count(1);
		return TC_ACT_SHOT;
	}
	if (o.version == 4 && (o.ihl != 5 || (o.frag_off & bpf_htons(IP_MF_OFF))))
		return TC_ACT_OK;	/* the stack reassembles, the daemon's slow path decaps */
	st = stats_of(*ifindex);
	if (o.version != 4 ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + sizeof(o), &in, sizeof(in)) < 0 ||
	    in.version != 4 ||
	    bpf_skb_adjust_room(skb, -(__s32)sizeof(o), BPF_ADJ_ROOM_MAC,
	    BPF_F_ADJ_ROOM_DECAP_L3_IPV4 | BPF_F_ADJ_ROOM_FIXED_GSO) < 0 ||
	    decap_ecn(skb, &o, &in) < 0) {
		drop_count(0);
		if (st != NULL)
			st->errors_in += 1;
		return TC_ACT_SHOT;
	}
	if (st != NULL) {
		st->pkts_in += segs;
		st->bytes_in += len;
	}
	return bpf_redirect(*ifindex, BPF_F_INGRESS);
}

/*
 * ipip_slow, the filter of the daemon's raw protocol-4 socket (the slow
 * path: what reached the stack instead of ipip_decap - a device without
 * it, outer options, reassembled fragments): only a tunnel's packets go up
 * to the daemon; the rest are dropped here and counted as ipip_decap
 * counts them. A raw socket's packet starts at its IP header.
 */
SEC("socket")
int
ipip_slow(struct __sk_buff *skb)
{
	struct iphdr o;

	if (bpf_skb_load_bytes(skb, 0, &o, sizeof(o)) < 0 || o.version != 4 ||
	    o.protocol != IPPROTO_IPIP)
		return 0;
	if (decap_tunnel(o.daddr, o.saddr) == NULL) {
		drop_count(1);
		return 0;
	}
	return (int)skb->len;
}

char LICENSE[] SEC("license") = "GPL";
