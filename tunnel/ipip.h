/*
 * tunnel/ipip.h - the IPIP wire format (RFC 2003), internal to tunnel/.
 *
 * ipip_decap_parse() checks what a raw protocol-4 socket hands us (outer
 * header + inner packet) and finds the inner packet; ipip_encap_parse() reads
 * the few inner-header fields the outer header inherits. Both read only
 * through lib/cursor.h, allocate nothing and log nothing.
 */
#ifndef IPIP_TUNNEL_IPIP_H
#define IPIP_TUNNEL_IPIP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/cursor.h"

#define IPIP_PROTO	4		/* RFC 2003 section 3 */
#define IPIP_PKT_MAX	65535		/* an IPv4 total length */

struct ipip_decap {
	struct in_addr	src, dst;	/* outer: remote and local endpoint */
	uint8_t		tos;		/* outer TOS: its ECN field for ipip_ecn_decap() */
	struct cursor	inner;		/* the inner packet, exactly its total length */
};

/*
 * 0, or: -EMSGSIZE (more than IPIP_PKT_MAX bytes), -EBADMSG (truncated,
 * IHL < 5, a length that does not fit, an outer fragment), -EPROTONOSUPPORT
 * (outer protocol not 4, either header not IPv4).
 */
MUST_USE int ipip_decap_parse(const uint8_t *pkt, size_t len, struct ipip_decap *);
/*
 * RFC 6040 section 4.2 (the kernel's INET_ECN_decapsulate) on the inner
 * packet ipip_decap_parse() found, in place: an outer CE marks an
 * ECN-capable inner packet CE, an outer ECT(1) makes an ECT(0) one ECT(1)
 * (the header checksum updated incrementally); a Not-ECT one under an outer
 * CE gets -EPROTO, to be dropped. 0: forward it.
 */
MUST_USE int ipip_ecn_decap(const struct ipip_decap *);

/* What the outer header takes from the inner one (RFC 2003 section 3.1). */
struct ipip_encap {
	uint8_t	ttl;			/* inherited, as the kernel's "ttl inherit" */
	uint8_t	tos;			/* ECN bits only, as ip_tunnel_ecn_encap */
};
/* 0, or -EBADMSG (shorter than a header) / -EPROTONOSUPPORT (not IPv4). */
MUST_USE int ipip_encap_parse(const uint8_t *pkt, size_t len, struct ipip_encap *);

#endif
