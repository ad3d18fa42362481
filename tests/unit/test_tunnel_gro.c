/*
 * tests/unit/test_tunnel_gro.c - receive coalescing joins exactly the TCP
 * segments the kernel's GRO would join, writes headers the kernel accepts
 * for a GSO packet, and leaves everything else alone. Packets are heap
 * copies of exactly their length, so ASan flags any overread.
 */
#include <endian.h>
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/gro.h"
#include "tests/unit/unit.h"

#define MSS	1000

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4/TCP segment, 10.1.0.1:5000 -> 10.2.0.1:80, with payload bytes. */
static uint8_t *
seg(uint32_t seq, size_t payload, uint8_t flags, size_t *len)
{
	uint8_t *p = calloc(1, 40 + payload);

	*len = 40 + payload;
	p[0] = 0x45;
	put16(p + 2, (unsigned)*len);
	p[6] = 0x40;				/* DF */
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, "\x0a\x01\x00\x01\x0a\x02\x00\x01", 8);
	put16(p + 20, 5000);
	put16(p + 22, 80);
	put16(p + 24, seq >> 16);
	put16(p + 26, seq & 0xffff);
	p[32] = 0x50;
	p[33] = flags;
	put16(p + 34, 512);
	memset(p + 40, (int)(seq & 0xff), payload);
	return p;
}

START_TEST(three_consecutive_segments_become_one_gso_packet)
{
	size_t l0, l1, l2;
	uint8_t *a = seg(100, MSS, 0x10, &l0), *b = seg(100 + MSS, MSS, 0x10, &l1),
	    *c = seg(100 + 2 * MSS, 500, 0x18, &l2);
	struct gro_run *r = calloc(1, sizeof(*r));
	struct virtio_net_hdr v;
	struct iovec *iov;
	uint8_t *ip;

	gro_run_start(r, a, l0);
	ck_assert(gro_run_add(r, b, l1));
	ck_assert(gro_run_add(r, c, l2));
	ck_assert_int_eq(gro_run_finish(r, &iov, 1480), 4);
	ck_assert_uint_eq(r->bytes, l0 + l1 + l2);
	memcpy(&v, iov[0].iov_base, sizeof(v));
	ck_assert_uint_eq(v.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(v.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(le16toh(v.gso_size), MSS);
	ck_assert_uint_eq(le16toh(v.hdr_len), 40);
	ck_assert_uint_eq(le16toh(v.csum_start), 20);
	ck_assert_uint_eq(le16toh(v.csum_offset), 16);
	ip = (uint8_t *)iov[0].iov_base + GRO_VNET_LEN;
	ck_assert_uint_eq(ip[2] << 8 | ip[3], 40 + 2 * MSS + 500);
	ck_assert_uint_eq(unit_csum16(ip, 20), 0);		/* IP checksum valid */
	ck_assert_uint_eq(ip[33], 0x18);		/* PSH of the last kept */
	/* Partial checksum: the folded pseudo-header sum, not complemented. */
	ck_assert_uint_eq(ip[36] << 8 | ip[37],
	    0x0a01 + 0x0001 + 0x0a02 + 0x0001 + 6 + 20 + 2 * MSS + 500);
	ck_assert_ptr_eq(iov[1].iov_base, a + 40);
	ck_assert_ptr_eq(iov[3].iov_base, c + 40);
	ck_assert_uint_eq(iov[3].iov_len, 500);
	free(a), free(b), free(c), free(r);
}
END_TEST

START_TEST(gap_other_flow_or_other_ack_does_not_join)
{
	size_t l0, l;
	uint8_t *a = seg(100, MSS, 0x10, &l0), *x;
	struct gro_run *r = calloc(1, sizeof(*r));

	gro_run_start(r, a, l0);
	x = seg(100 + MSS + 1, MSS, 0x10, &l);		/* sequence gap */
	ck_assert(!gro_run_add(r, x, l));
	x[23] = 81;
	put16(x + 24, (100 + MSS) >> 16), put16(x + 26, (100 + MSS) & 0xffff);
	ck_assert(!gro_run_add(r, x, l));		/* other port */
	x[23] = 80;
	x[30] = 1;					/* other ack */
	ck_assert(!gro_run_add(r, x, l));
	x[30] = 0;
	x[1] = 0x03;					/* CE mark differs */
	ck_assert(!gro_run_add(r, x, l));
	x[1] = 0;
	ck_assert(gro_run_add(r, x, l));		/* and now it fits */
	ck_assert_uint_eq(r->n, 2);
	free(a), free(x), free(r);
}
END_TEST

START_TEST(psh_short_segment_or_control_flags_end_the_run)
{
	size_t l0, l1, l2;
	uint8_t *a = seg(1, MSS, 0x18, &l0), *b = seg(1 + MSS, MSS, 0x10, &l1), *c;
	struct gro_run *r = calloc(1, sizeof(*r));

	gro_run_start(r, a, l0);			/* PSH on the first: closed */
	ck_assert(!gro_run_add(r, b, l1));
	free(a);
	a = seg(1, 400, 0x10, &l0);
	gro_run_start(r, a, l0);
	c = seg(401, 400, 0x10, &l2);
	ck_assert(gro_run_add(r, c, l2));		/* equal size joins */
	free(b);
	b = seg(801, 500, 0x10, &l1);
	ck_assert(!gro_run_add(r, b, l1));		/* larger than the first */
	free(b);
	b = seg(801, 100, 0x11, &l1);			/* FIN */
	ck_assert(!gro_run_add(r, b, l1));
	free(a), free(b), free(c), free(r);
}
END_TEST

START_TEST(non_tcp_and_malformed_pass_alone_unchanged)
{
	size_t len;
	uint8_t *a = seg(1, 10, 0x10, &len), *h;
	struct gro_run *r = calloc(1, sizeof(*r));
	struct iovec *iov;

	a[9] = 17;					/* UDP */
	gro_run_start(r, a, len);
	ck_assert(!gro_run_add(r, a, len));
	ck_assert_int_eq(gro_run_finish(r, &iov, 1480), 2);
	ck_assert_uint_eq(iov[0].iov_len, GRO_VNET_LEN);
	ck_assert_uint_eq(((uint8_t *)iov[0].iov_base)[1], VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_ptr_eq(iov[1].iov_base, a);
	ck_assert_uint_eq(iov[1].iov_len, len);
	a[9] = 6;
	for (size_t n = 0; n < len; n++) {		/* every truncation: alone */
		h = unit_heap(a, n);
		gro_run_start(r, h, n);
		ck_assert(!r->open);
		free(h);
	}
	a[32] = 0xf0;					/* data offset 60 > what is there */
	h = unit_heap(a, len);
	gro_run_start(r, h, len);
	ck_assert(!r->open);
	free(h), free(a), free(r);
}
END_TEST

/* What the underlay NIC's GRO joined (one 40,000-byte TCP packet, its
 * checksum field partial): cut back to the tunnel's MTU, not forwarded as
 * one oversized DF packet. Small packets and unknown MTUs stay as they are. */
START_TEST(a_packet_joined_by_the_underlays_gro_goes_out_cut_to_the_tunnel_mtu)
{
	size_t big, small, next;
	uint8_t *a = seg(7, 40000, 0x18, &big), *b = seg(9, 1400, 0x10, &small),
	    *c = seg(7 + 40000, 40000, 0x10, &next), *ip;
	struct gro_run *r = calloc(1, sizeof(*r));
	struct virtio_net_hdr v;
	struct iovec *iov;

	a[36] = 0xab, a[37] = 0xcd;			/* GRO left a partial sum */
	gro_run_start(r, a, big);
	ck_assert_int_eq(gro_run_finish(r, &iov, 1480), 2);
	memcpy(&v, iov[0].iov_base, sizeof(v));
	ck_assert_uint_eq(v.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(v.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(le16toh(v.gso_size), 1480 - 40);
	ck_assert_uint_eq(le16toh(v.hdr_len), 40);
	ck_assert_uint_eq(iov[0].iov_len, GRO_VNET_LEN + 40);
	ip = (uint8_t *)iov[0].iov_base + GRO_VNET_LEN;
	ck_assert_uint_eq(ip[2] << 8 | ip[3], big);
	ck_assert_uint_eq(unit_csum16(ip, 20), 0);
	ck_assert_uint_eq(ip[33], 0x18);		/* its PSH kept */
	ck_assert_uint_eq(ip[36] << 8 | ip[37],	/* the pseudo-header sum, rewritten */
	    0x0a01 + 0x0001 + 0x0a02 + 0x0001 + 6 + 20 + 40000);
	ck_assert_ptr_eq(iov[1].iov_base, a + 40);
	ck_assert_uint_eq(iov[1].iov_len, 40000);

	gro_run_start(r, a, big);			/* no MTU known: as it came */
	ck_assert_int_eq(gro_run_finish(r, &iov, 0), 2);
	ck_assert_uint_eq(((uint8_t *)iov[0].iov_base)[1], VIRTIO_NET_HDR_GSO_NONE);
	gro_run_start(r, b, small);			/* fits: as it came */
	ck_assert_int_eq(gro_run_finish(r, &iov, 1480), 2);
	ck_assert_uint_eq(((uint8_t *)iov[0].iov_base)[1], VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_ptr_eq(iov[1].iov_base, b);

	a[33] = 0x10;					/* a run after a joined one */
	gro_run_start(r, a, big);
	ck_assert(gro_run_add(r, c, next) == false);	/* 80,000 bytes: too long */
	free(c);
	c = seg(7 + 40000, 20000, 0x10, &next);
	ck_assert(gro_run_add(r, c, next));
	ck_assert_int_eq(gro_run_finish(r, &iov, 1400), 3);
	memcpy(&v, iov[0].iov_base, sizeof(v));
	ck_assert_uint_eq(le16toh(v.gso_size), 1400 - 40);
	free(a), free(b), free(c), free(r);
}
END_TEST

START_TEST(run_stops_below_64k)
{
	struct gro_run *r = calloc(1, sizeof(*r));
	uint8_t *p[GRO_SEGS_MAX + 1];
	size_t len;
	unsigned joined = 0;

	p[0] = seg(0, 1400, 0x10, &len);
	gro_run_start(r, p[0], len);
	for (unsigned i = 1; i <= GRO_SEGS_MAX; i++) {
		p[i] = seg(i * 1400, 1400, 0x10, &len);
		joined += gro_run_add(r, p[i], len);
	}
	ck_assert_uint_eq(joined + 1, 65535 / 1400);	/* 46 segments fit */
	ck_assert_uint_le(r->total, 65535);
	for (unsigned i = 0; i <= GRO_SEGS_MAX; i++)
		free(p[i]);
	free(r);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		three_consecutive_segments_become_one_gso_packet,
		gap_other_flow_or_other_ack_does_not_join,
		psh_short_segment_or_control_flags_end_the_run,
		non_tcp_and_malformed_pass_alone_unchanged,
		run_stops_below_64k,
		a_packet_joined_by_the_underlays_gro_goes_out_cut_to_the_tunnel_mtu,
	};

	return unit_run("tunnel_gro", tests, UNIT_COUNT(tests));
}
