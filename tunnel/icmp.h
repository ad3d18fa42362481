/*
 * tunnel/icmp.h - the ICMP "fragmentation needed" a tunnel owes the sender
 * of a DF packet too big for the underlay path (RFC 1191; what the kernel's
 * ip_tunnel_xmit does with icmp_ndo_send). Internal to tunnel/.
 */
#ifndef IPIP_TUNNEL_ICMP_H
#define IPIP_TUNNEL_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <time.h>

#include "lib/compiler.h"

#define ICMP_FRAG_NEEDED_MAX	(20 + 8 + 60 + 8)	/* IP + ICMP + inner header + 8 */

/*
 * Build, in out (at least ICMP_FRAG_NEEDED_MAX bytes), the ICMP
 * destination-unreachable / fragmentation-needed (type 3 code 4) for inner,
 * the IPv4 packet that did not fit, with next-hop MTU mtu, to inner's source.
 * Its source is inner's destination: written into the tunnel device it
 * arrives from where that destination lives, so even a strict rp_filter
 * takes it (the kernel's PMTU code reads only the quoted header). inner may
 * be cut after its header + 8 bytes. Returns its length, or -EINVAL when no ICMP is
 * owed (RFC 1812 4.3.2.7): inner not IPv4 or truncated, DF not set, a
 * non-first fragment, an ICMP error itself, or a source that is 0,
 * loopback, multicast or broadcast.
 */
MUST_USE int icmp_frag_needed(const uint8_t *inner, size_t len, uint16_t mtu, uint8_t *out);

/* How many of those a tunnel may send per second (each attempt counts). */
#define ICMP_PER_SEC	10
struct icmp_budget {
	time_t		sec;
	unsigned	n;
};
/* Whether one more may go now (CLOCK_MONOTONIC_COARSE seconds). */
bool	icmp_budget_take(struct icmp_budget *);

#endif
