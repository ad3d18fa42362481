/*
 * tunnel/icmp.c - ICMP fragmentation-needed for a packet too big for the
 * tunnel's underlay path (icmp.h). Reads the inner packet through
 * lib/cursor.h only; writes only into the caller's buffer.
 */
#include <errno.h>
#include <string.h>

#include "lib/cursor.h"
#include "tunnel/csum.h"
#include "tunnel/icmp.h"

#define IP_DF		0x4000
#define IP_OFFMASK	0x1fff
#define ICMP_PROTO	1
#define ICMP_UNREACH	3
#define ICMP_NEEDFRAG	4
#define ICMP_TTL	64

/* Types that are errors (RFC 1812 4.3.2.7: never answer one with another). */
static int
icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static int
src_is_unicast(uint32_t s)		/* host order */
{
	return s != 0 && (s >> 24) != 127 && (s >> 28) != 0xe && s != 0xffffffffu;
}


int
icmp_frag_needed(const uint8_t *inner, size_t len, uint16_t mtu, uint8_t *out)
{
	struct cursor c = cur_init(inner, len), rest = c, q = c;
	uint8_t vihl, tos, ttl, proto, type;
	uint16_t tot, id, frag, csum;
	uint32_t src, dst;
	size_t hl, quote;

	if (cur_u8(&c, &vihl) < 0 || cur_u8(&c, &tos) < 0 || cur_u16(&c, &tot) < 0 ||
	    cur_u16(&c, &id) < 0 || cur_u16(&c, &frag) < 0 || cur_u8(&c, &ttl) < 0 ||
	    cur_u8(&c, &proto) < 0 || cur_u16(&c, &csum) < 0 || cur_u32(&c, &src) < 0 ||
	    cur_u32(&c, &dst) < 0)
		return -EINVAL;
	hl = (vihl & 0x0f) * 4u;
	if (vihl >> 4 != 4 || hl < 20 || hl > len || !(frag & IP_DF) || (frag & IP_OFFMASK) ||
	    !src_is_unicast(src))
		return -EINVAL;
	if (cur_skip(&rest, hl) < 0 ||
	    (proto == ICMP_PROTO && (cur_u8(&rest, &type) < 0 || icmp_is_error(type))))
		return -EINVAL;
	quote = hl + (len - hl < 8 ? len - hl : 8);	/* RFC 792: header + 64 bits */

	memset(out, 0, 28);
	out[0] = 0x45;
	csum_put_be16(out + 2, (uint32_t)(28 + quote));
	out[6] = 0;				/* no DF on the error itself */
	out[8] = ICMP_TTL;
	out[9] = ICMP_PROTO;
	csum_put_be16(out + 12, dst >> 16);	/* from the inner destination */
	csum_put_be16(out + 14, dst);
	csum_put_be16(out + 16, src >> 16);	/* to the inner source */
	csum_put_be16(out + 18, src);
	csum_put(out + 10, out, 20);
	out[20] = ICMP_UNREACH;
	out[21] = ICMP_NEEDFRAG;
	csum_put_be16(out + 26, mtu);		/* RFC 1191: next-hop MTU */
	if (cur_bytes(&q, out + 28, quote) < 0)
		return -EINVAL;
	csum_put(out + 22, out + 20, 8 + quote);
	return (int)(28 + quote);
}

bool
icmp_budget_take(struct icmp_budget *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (now.tv_sec != b->sec)
		b->sec = now.tv_sec, b->n = 0;
	return b->n++ < ICMP_PER_SEC;
}
