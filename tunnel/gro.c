/*
 * tunnel/gro.c - join consecutive TCP segments into one GSO write. See gro.h.
 * No state beyond the run, no system calls.
 */
#include <endian.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "lib/cursor.h"
#include "tunnel/csum.h"
#include "tunnel/gro.h"

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define IP_LEN_MAX	65535

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 0 if pkt is an IPv4 (no options, not a fragment) TCP segment with data and only ACK/PSH. */
static int
gro_tcp_parse(const uint8_t *pkt, size_t len, struct gro_tcp *t)
{
	struct cursor c = cur_init(pkt, len);
	uint8_t doff;

	if (cur_bytes(&c, t->ip, 20) < 0 || t->ip[0] != 0x45 || t->ip[9] != 6 ||
	    (size_t)(t->ip[2] << 8 | t->ip[3]) != len || (t->ip[6] & 0xbf) || t->ip[7])
		return -1;			/* options, MF/offset, not TCP, length */
	if (cur_peek_u8(&c, 12, &doff) < 0)
		return -1;
	t->thl = (size_t)(doff >> 4) * 4;
	if (t->thl < 20 || cur_bytes(&c, t->tcp, t->thl) < 0)
		return -1;
	t->flags = t->tcp[13];
	t->seq = be32_at(t->tcp + 4);
	t->payload = cur_left(&c);
	if (t->payload == 0 || !(t->flags & TCP_ACK) || (t->flags & ~(TCP_ACK | TCP_PSH)))
		return -1;
	return 0;
}

static void
gro_iov_payload(struct gro_run *r, const uint8_t *pkt, size_t len, size_t hlen)
{
	r->iov[r->n + 1] = (struct iovec){ (void *)(pkt + hlen), len - hlen };
}

void
gro_run_start(struct gro_run *r, const uint8_t *pkt, size_t len)
{
	r->n = 1;
	r->bytes = len;
	r->tcp = r->open = gro_tcp_parse(pkt, len, &r->first) == 0;
	r->iov[1] = (struct iovec){ (void *)pkt, len };
	if (!r->open)
		return;
	r->next_seq = r->first.seq + (uint32_t)r->first.payload;
	r->flags = r->first.flags;
	r->total = len;
	r->open = !(r->flags & TCP_PSH);
}

/* Same flow and state: IP ver/IHL/TOS, DF/TTL/proto, addresses; TCP ports, ack, flags byte, window, options. */
static bool
gro_same_flow(const struct gro_tcp *a, const struct gro_tcp *b)
{
	return memcmp(a->ip, b->ip, 2) == 0 && memcmp(a->ip + 6, b->ip + 6, 4) == 0 &&
	    memcmp(a->ip + 12, b->ip + 12, 8) == 0 && a->thl == b->thl &&
	    memcmp(a->tcp, b->tcp, 4) == 0 && memcmp(a->tcp + 8, b->tcp + 8, 4) == 0 &&
	    a->tcp[12] == b->tcp[12] && memcmp(a->tcp + 14, b->tcp + 14, 2) == 0 &&
	    memcmp(a->tcp + 20, b->tcp + 20, a->thl - 20) == 0;
}

bool
gro_run_add(struct gro_run *r, const uint8_t *pkt, size_t len)
{
	struct gro_tcp t;

	if (!r->open || r->n >= GRO_SEGS_MAX || gro_tcp_parse(pkt, len, &t) < 0 ||
	    !gro_same_flow(&r->first, &t) || t.seq != r->next_seq ||
	    t.payload > r->first.payload || r->total + t.payload > IP_LEN_MAX)
		return false;
	gro_iov_payload(r, pkt, len, 20 + t.thl);
	r->n++;
	r->bytes += len;
	r->total += t.payload;
	r->next_seq += (uint32_t)t.payload;
	r->flags |= t.flags;
	/* A short segment or PSH ends the run (RFC 9293 section 3.9.1: PSH delivers). */
	r->open = t.payload == r->first.payload && !(t.flags & TCP_PSH);
	return true;
}

/* The merged headers: total length, IP checksum, PSH, TCP pseudo-header sum (RFC 9293 section 3.1). */
static void
gro_headers_write(struct gro_run *r, uint8_t *ip, uint8_t *tcp)
{
	size_t thl = r->first.thl;

	memcpy(ip, r->first.ip, 20);
	memcpy(tcp, r->first.tcp, thl);
	csum_put_be16(ip + 2, (uint32_t)r->total);
	csum_put_be16(ip + 10, 0);
	csum_put(ip + 10, ip, 20);
	tcp[13] = r->flags;
	/* CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum. */
	csum_store(tcp + 16, csum_fold(csum_pseudo_tcp4(ip, r->total - 20)));
}

static void
gro_vnet_write(uint8_t *h, uint16_t hdr_len, uint16_t gso_size)
{
	struct virtio_net_hdr v = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = htole16(hdr_len),
		.gso_size = htole16(gso_size),
		.csum_start = htole16(20),
		.csum_offset = htole16(16),
	};

	memcpy(h, &v, sizeof(v));
}

/* The segment size to ask for: the first packet's payload, at most what fits mtu. */
static size_t
gro_seg_size(const struct gro_run *r, size_t mtu)
{
	size_t hlen = 20 + r->first.thl;

	if (mtu > hlen && r->first.payload > mtu - hlen)
		return mtu - hlen;
	return r->first.payload;
}

int
gro_run_finish(struct gro_run *r, struct iovec **iov, size_t mtu)
{
	size_t hlen = 20 + r->first.thl;

	memset(r->hdr, 0, GRO_VNET_LEN);
	*iov = r->iov;
	r->iov[0] = (struct iovec){ r->hdr, GRO_VNET_LEN };
	if (r->n == 1 && (!r->tcp || gro_seg_size(r, mtu) == r->first.payload))
		return 2;			/* as it came, no offload asked */
	gro_vnet_write(r->hdr, (uint16_t)hlen, (uint16_t)gro_seg_size(r, mtu));
	gro_headers_write(r, r->hdr + GRO_VNET_LEN, r->hdr + GRO_VNET_LEN + 20);
	r->iov[0].iov_len = GRO_VNET_LEN + hlen;
	r->iov[1] = (struct iovec){ (uint8_t *)r->iov[1].iov_base + hlen, r->iov[1].iov_len - hlen };
	return (int)r->n + 1;
}
