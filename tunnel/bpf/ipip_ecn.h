/*
 * tunnel/bpf/ipip_ecn.h - the ECN rules of RFC 6040 (normal mode) that both
 * dataplanes apply: the userspace driver (tunnel/ipip.c) and the bpf
 * programs (ipip.bpf.c, compiled by clang -target bpf), so one table serves
 * both. Pure functions of the 2-bit ECN fields; no headers beyond types.
 */
#ifndef IPIP_TUNNEL_BPF_ECN_H
#define IPIP_TUNNEL_BPF_ECN_H

#include <linux/types.h>

#define IPIP_ECN_MASK		0x03
#define IPIP_ECN_NOT_ECT	0x00
#define IPIP_ECN_ECT1		0x01
#define IPIP_ECN_ECT0		0x02
#define IPIP_ECN_CE		0x03

/* Section 4.1: the outer ECN field copies the inner one, CE sent as ECT(0). */
static inline __u8
ipip_ecn_encap_field(__u8 inner)
{
	inner &= IPIP_ECN_MASK;
	return inner == IPIP_ECN_CE ? IPIP_ECN_ECT0 : inner;
}

/*
 * Section 4.2, figure 4: the inner ECN field leaving the tunnel, -1 to drop.
 * Outer CE marks an ECT inner packet CE; outer ECT(1) makes an ECT(0) one
 * ECT(1) (the kernel's INET_ECN_decapsulate: INET_ECN_set_ect1); an ECT
 * outer header on a Not-ECT packet is forwarded as it is.
 */
static inline int
ipip_ecn_decap_field(__u8 outer, __u8 inner)
{
	outer &= IPIP_ECN_MASK;
	inner &= IPIP_ECN_MASK;
	if (inner == IPIP_ECN_NOT_ECT)
		return outer == IPIP_ECN_CE ? -1 : IPIP_ECN_NOT_ECT;
	if (outer == IPIP_ECN_CE)
		return IPIP_ECN_CE;
	if (outer == IPIP_ECN_ECT1 && inner == IPIP_ECN_ECT0)
		return IPIP_ECN_ECT1;
	return inner;
}

#endif
