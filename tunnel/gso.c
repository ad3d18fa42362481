/*
 * tunnel/gso.c - cut TCP super-packets into segments, finish partial
 * checksums. See gso.h. No state beyond the iterator, no system calls.
 */
#include <errno.h>
#include <string.h>

#include "lib/cursor.h"
#include "tunnel/gso.h"

#define TCP_FIN	0x01
#define TCP_PSH	0x08
#define TCP_CWR	0x80

int
gso_vnet_parse(const uint8_t *buf, size_t len, struct gso_vnet *v)
{
	struct cursor c = cur_init(buf, len);
	uint8_t b[GSO_VNET_LEN];

	if (cur_bytes(&c, b, sizeof(b)) < 0)
		return -EBADMSG;
	v->flags = b[0];
	v->gso_type = b[1];
	v->hdr_len = (uint16_t)(b[2] | b[3] << 8);
	v->gso_size = (uint16_t)(b[4] | b[5] << 8);
	v->csum_start = (uint16_t)(b[6] | b[7] << 8);
	v->csum_offset = (uint16_t)(b[8] | b[9] << 8);
	return 0;
}

/* One's complement sum of native 16-bit words (RFC 1071 section 2(B)): byte-order free. */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	uint32_t w;
	uint16_t h = 0;

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2, n -= 2;
	}
	if (n == 1) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&h, last, 2);
		sum += h;
	}
	return sum;
}

/* Fold and complement; stored natively it is the checksum in network order. */
static uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
gso_csum_finish(uint8_t *pkt, size_t len, uint16_t start, uint16_t offset)
{
	uint16_t c;

	if ((size_t)start + offset + 2 > len)
		return -EBADMSG;
	c = csum_fold(csum_add(0, pkt + start, len - start));
	memcpy(pkt + start + offset, &c, 2);
	return 0;
}

int
gso_tcp_init(struct gso_tcp *g, const uint8_t *pkt, size_t len, uint16_t mss)
{
	struct cursor c = cur_init(pkt, len);
	uint8_t vihl, doff;
	uint16_t id;
	uint32_t seq;

	if (cur_peek_u8(&c, 0, &vihl) < 0 || vihl >> 4 != 4 || (vihl & 15) < 5 || mss == 0)
		return -EBADMSG;
	g->ihl = (size_t)(vihl & 15) * 4;
	if (cur_peek_u16(&c, 4, &id) < 0 || cur_skip(&c, g->ihl) < 0 ||
	    cur_peek_u8(&c, 12, &doff) < 0 || cur_skip(&c, 4) < 0 || cur_u32(&c, &seq) < 0)
		return -EBADMSG;
	g->hlen = g->ihl + (size_t)(doff >> 4) * 4;
	if ((doff >> 4) < 5 || g->hlen >= len || g->hlen > GSO_HDR_MAX)
		return -EBADMSG;		/* a super-packet carries data */
	*g = (struct gso_tcp){ pkt, len, g->ihl, g->hlen, mss, g->hlen, seq, id, 0 };
	return 0;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IP length/ID/checksum, TCP sequence/flags/checksum for segment g->i. */
static void
gso_tcp_headers(const struct gso_tcp *g, uint8_t *h, const struct iovec *pl, bool last)
{
	uint8_t *ip = h, *tcp = h + g->ihl, pseudo[12];
	size_t tlen = g->hlen - g->ihl + pl->iov_len;
	uint32_t seq = g->seq + (uint32_t)(g->off - g->hlen);
	uint16_t c;

	memcpy(h, g->pkt, g->hlen);
	put16(ip + 2, (uint32_t)(g->hlen + pl->iov_len));
	put16(ip + 4, (uint32_t)(g->id + g->i));
	put16(ip + 10, 0);
	c = csum_fold(csum_add(0, ip, g->ihl));
	memcpy(ip + 10, &c, 2);
	put16(tcp + 4, seq >> 16);
	put16(tcp + 6, seq & 0xffff);
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (g->i > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	put16(tcp + 16, 0);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6;
	put16(pseudo + 10, (uint32_t)tlen);
	c = csum_fold(csum_add(csum_add(csum_add(0, pseudo, 12), tcp, g->hlen - g->ihl),
	    pl->iov_base, pl->iov_len));
	memcpy(tcp + 16, &c, 2);
}

bool
gso_tcp_next(struct gso_tcp *g, uint8_t *hdr, size_t *hdr_len, struct iovec *payload)
{
	size_t n;

	if (g->off >= g->len)
		return false;
	n = g->len - g->off < g->mss ? g->len - g->off : g->mss;
	*payload = (struct iovec){ (void *)(g->pkt + g->off), n };
	gso_tcp_headers(g, hdr, payload, g->off + n >= g->len);
	*hdr_len = g->hlen;
	g->off += n;
	g->i++;
	return true;
}
