/*
 * tunnel/gso.c - cut TCP super-packets into segments, finish partial
 * checksums. See gso.h. No state beyond the iterator, no system calls.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/cursor.h"
#include "tunnel/csum.h"
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

int
gso_csum_finish(uint8_t *pkt, size_t len, uint16_t start, uint16_t offset)
{
	uint16_t c;

	if ((size_t)start + offset + 2 > len)
		return -EBADMSG;
	c = (uint16_t)~csum_fold(csum_add(0, pkt + start, len - start));
	csum_store(pkt + start + offset, c);
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

/* IP length/ID/checksum, TCP sequence/flags/checksum for segment g->i. */
static void
gso_tcp_headers(const struct gso_tcp *g, uint8_t *h, const struct iovec *pl, bool last)
{
	uint8_t *ip = h, *tcp = h + g->ihl;
	size_t thl = g->hlen - g->ihl;
	uint32_t seq = g->seq + (uint32_t)(g->off - g->hlen);
	uint64_t sum;

	memcpy(h, g->pkt, g->hlen);
	csum_put_be16(ip + 2, (uint32_t)(g->hlen + pl->iov_len));
	csum_put_be16(ip + 4, (uint32_t)(g->id + g->i));
	csum_put_be16(ip + 10, 0);
	csum_put(ip + 10, ip, g->ihl);
	csum_put_be16(tcp + 4, seq >> 16);
	csum_put_be16(tcp + 6, seq & 0xffff);
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (g->i > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	csum_put_be16(tcp + 16, 0);
	sum = csum_add(csum_pseudo_tcp4(ip, thl + pl->iov_len), tcp, thl);
	csum_store(tcp + 16, (uint16_t)~csum_fold(csum_add(sum, pl->iov_base, pl->iov_len)));
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

/* IPv4, TCP, not a fragment: a packet gso_tcp_next may cut. */
static bool
gso_is_tcp4(const uint8_t *pkt, size_t len)
{
	struct cursor c = cur_init(pkt, len);
	uint8_t vihl, proto;
	uint16_t frag;

	return cur_peek_u8(&c, 0, &vihl) == 0 && vihl >> 4 == 4 &&
	    cur_peek_u16(&c, 6, &frag) == 0 && (frag & 0x3fff) == 0 &&	/* MF, offset */
	    cur_peek_u8(&c, 9, &proto) == 0 && proto == 6;
}

int
gso_tcp_cut_write(int fd, const uint8_t *pkt, size_t len, size_t mtu)
{
	uint8_t hdr[GSO_HDR_MAX];
	struct iovec iov[2];
	struct gso_tcp g;
	int n = 0;

	if (mtu == 0 || len <= mtu || !gso_is_tcp4(pkt, len) ||
	    gso_tcp_init(&g, pkt, len, 1) < 0 || g.hlen >= mtu)
		return write(fd, pkt, len) < 0 ? -errno : 1;
	g.mss = mtu - g.hlen;			/* known once the headers are read */
	iov[0].iov_base = hdr;
	while (gso_tcp_next(&g, hdr, &iov[0].iov_len, &iov[1])) {
		if (writev(fd, iov, 2) < 0)
			return -errno;
		n++;
	}
	return n;
}
