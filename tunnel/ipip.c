/*
 * tunnel/ipip.c - parse IPIP packets (RFC 2003) through lib/cursor.h only.
 * See ipip.h for the contract. No state, no system calls.
 */
#include <errno.h>

#include "tunnel/bpf/ipip_ecn.h"
#include "tunnel/csum.h"
#include "tunnel/ipip.h"

#define IP4_HDR_MIN	20
#define IP4_FRAG_MASK	0x3fff		/* MF + fragment offset */

struct ip4_hdr {
	uint8_t		ihl, tos, ttl, proto;
	uint16_t	tot_len, frag;
	struct in_addr	src, dst;
};

/* The fixed 20 bytes; the cursor is a scratch copy of the packet's start. */
static int
ip4_fixed_read(struct cursor *c, struct ip4_hdr *h)
{
	uint8_t vihl;
	uint16_t id, csum;

	if (cur_u8(c, &vihl) < 0 || cur_u8(c, &h->tos) < 0 ||
	    cur_u16(c, &h->tot_len) < 0 || cur_u16(c, &id) < 0 ||
	    cur_u16(c, &h->frag) < 0 || cur_u8(c, &h->ttl) < 0 ||
	    cur_u8(c, &h->proto) < 0 || cur_u16(c, &csum) < 0 ||
	    cur_bytes(c, &h->src, 4) < 0 || cur_bytes(c, &h->dst, 4) < 0)
		return -EBADMSG;
	if (vihl >> 4 != 4)
		return -EPROTONOSUPPORT;
	h->ihl = vihl & 0x0f;
	return 0;
}

/*
 * Read one IPv4 header and hand out its payload, bounded by the header's
 * own total length (RFC 791 section 3.1): IHL >= 5, IHL*4 <= total length
 * <= bytes present.
 */
static int
ip4_parse(struct cursor *c, struct ip4_hdr *h, struct cursor *payload)
{
	struct cursor scratch = *c, whole;
	int rv;

	if ((rv = ip4_fixed_read(&scratch, h)) < 0)
		return rv;
	if (h->ihl < 5 || h->tot_len < h->ihl * 4u)
		return -EBADMSG;
	if (cur_split(c, h->tot_len, &whole) < 0 || cur_skip(&whole, h->ihl * 4u) < 0)
		return -EBADMSG;
	*payload = whole;
	return 0;
}

int
ipip_decap_parse(const uint8_t *pkt, size_t len, struct ipip_decap *d)
{
	struct cursor c = cur_init(pkt, len), outer_pl, inner_all, inner_pl;
	struct ip4_hdr outer, inner;
	int rv;

	if (len > IPIP_PKT_MAX)
		return -EMSGSIZE;
	if ((rv = ip4_parse(&c, &outer, &outer_pl)) < 0)
		return rv;
	if (outer.proto != IPIP_PROTO)
		return -EPROTONOSUPPORT;
	if (outer.frag & IP4_FRAG_MASK)
		return -EBADMSG;		/* raw sockets see reassembled packets */
	inner_all = outer_pl;
	if ((rv = ip4_parse(&outer_pl, &inner, &inner_pl)) < 0)
		return rv;
	if (cur_left(&outer_pl) != 0)
		return -EBADMSG;		/* inner length must fill the outer payload */
	d->inner = inner_all;
	d->tos = outer.tos;
	d->src = outer.src;
	d->dst = outer.dst;
	return 0;
}

int
ipip_encap_parse(const uint8_t *pkt, size_t len, struct ipip_encap *e)
{
	struct cursor c = cur_init(pkt, len);
	struct ip4_hdr h;
	int rv;

	if ((rv = ip4_fixed_read(&c, &h)) < 0)
		return rv;
	if (h.ihl < 5)
		return -EBADMSG;
	e->ttl = h.ttl;
	e->tos = ipip_ecn_encap_field(h.tos);
	return 0;
}

int
ipip_ecn_decap(const struct ipip_decap *d)
{
	uint8_t *h = (uint8_t *)d->inner.p;	/* the caller's buffer: ours to edit */
	int ecn = ipip_ecn_decap_field(d->tos, h[1]);
	uint32_t old = (uint32_t)(h[0] << 8 | h[1]), sum;

	if (ecn < 0)
		return -EPROTO;
	if (ecn == (h[1] & IPIP_ECN_MASK))
		return 0;
	h[1] = (uint8_t)((h[1] & ~IPIP_ECN_MASK) | ecn);
	/* RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): a wrong checksum stays wrong */
	sum = (~(uint32_t)(h[10] << 8 | h[11]) & 0xffff) + (~old & 0xffff) +
	    (uint32_t)(h[0] << 8 | h[1]);
	csum_put_be16(h + 10, (uint16_t)~csum_fold(sum));
	return 0;
}
