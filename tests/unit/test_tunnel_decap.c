/*
 * tests/unit/test_tunnel_decap.c - the IPIP decapsulation parser accepts
 * exactly well-formed outer+inner IPv4 packets and refuses hostile ones
 * (truncated, IHL out of range, lying lengths, not IPv4, oversized) without
 * reading past them; encapsulation takes TTL and ECN from the inner header;
 * decapsulation applies an outer CE as RFC 6040 says.
 * Packets are heap copies of exactly their length, so ASan flags any overread.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/ipip.h"
#include "tests/unit/unit.h"

#define OUTER_SRC	0xc6336402u	/* 198.51.100.2: the remote */
#define OUTER_DST	0xc6336401u	/* 198.51.100.1: the local */

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
ip4_put(uint8_t *p, unsigned ihl, unsigned tot, uint8_t proto, uint32_t src, uint32_t dst)
{
	memset(p, 0, ihl * 4);
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, tot);
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
}

/* outer (20) + inner (20 + payload bytes of ICMP): returns the length. */
static size_t
pkt_make(uint8_t *p, size_t payload)
{
	size_t inner = 20 + payload;

	ip4_put(p, 5, (unsigned)(20 + inner), IPIP_PROTO, OUTER_SRC, OUTER_DST);
	ip4_put(p + 20, 5, (unsigned)inner, 1, 0x0a010001, 0x0a020001);
	memset(p + 40, 0xab, payload);
	return 20 + inner;
}

static int
decap(const uint8_t *w, size_t len, struct ipip_decap *d)
{
	uint8_t *b = unit_heap(w, len);
	int rv = ipip_decap_parse(b, len, d);

	if (rv == 0) {				/* the inner window lies inside b */
		ck_assert(d->inner.p >= b && d->inner.p + d->inner.len <= b + len);
		d->inner.p = w + (d->inner.p - b);
	}
	free(b);
	return rv;
}

START_TEST(good_packet_yields_endpoints_and_exact_inner)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	ck_assert_int_eq(decap(w, len, &d), 0);
	ck_assert_uint_eq(ntohl(d.src.s_addr), OUTER_SRC);
	ck_assert_uint_eq(ntohl(d.dst.s_addr), OUTER_DST);
	ck_assert_ptr_eq(d.inner.p, w + 20);
	ck_assert_uint_eq(d.inner.len, 28);
}
END_TEST

START_TEST(outer_options_are_skipped)
{
	uint8_t w[128];
	struct ipip_decap d;

	ip4_put(w, 6, 24 + 20, IPIP_PROTO, OUTER_SRC, OUTER_DST);
	ip4_put(w + 24, 5, 20, 6, 1, 2);
	ck_assert_int_eq(decap(w, 44, &d), 0);
	ck_assert_ptr_eq(d.inner.p, w + 24);
	ck_assert_uint_eq(d.inner.len, 20);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	for (size_t n = 0; n < len; n++)
		ck_assert_msg(decap(w, n, &d) == -EBADMSG, "length %zu", n);
}
END_TEST

START_TEST(ihl_below_five_or_beyond_length_is_refused)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	for (unsigned ihl = 0; ihl < 5; ihl++) {
		w[0] = (uint8_t)(0x40 | ihl);
		ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	}
	w[0] = 0x4f;				/* 60 bytes of header > 48 in total */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	len = pkt_make(w, 8);
	w[20] = 0x4f;				/* inner: 60 > 28 */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	w[20] = 0x44;
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
}
END_TEST

START_TEST(total_lengths_that_lie_are_refused)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	put16(w + 2, (unsigned)len + 1);	/* outer claims more than arrived */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 2, 19);			/* less than its own header */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 2, 0xffff);
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	len = pkt_make(w, 8);
	put16(w + 22, 29);			/* inner claims more than the outer holds */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 22, 27);			/* inner shorter than the outer payload */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 22, 19);
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
}
END_TEST

START_TEST(bytes_after_outer_total_length_are_ignored)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	memset(w + len, 0, 6);			/* link-layer padding */
	ck_assert_int_eq(decap(w, len + 6, &d), 0);
	ck_assert_uint_eq(d.inner.len, 28);
}
END_TEST

START_TEST(not_ipv4_or_not_protocol_4_is_refused)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	w[20] = 0x65;				/* inner version 6 */
	ck_assert_int_eq(decap(w, len, &d), -EPROTONOSUPPORT);
	len = pkt_make(w, 8);
	w[0] = 0x65;				/* outer version 6 */
	ck_assert_int_eq(decap(w, len, &d), -EPROTONOSUPPORT);
	len = pkt_make(w, 8);
	w[9] = 41;				/* 6in4, not ours */
	ck_assert_int_eq(decap(w, len, &d), -EPROTONOSUPPORT);
}
END_TEST

START_TEST(outer_fragment_is_refused_inner_fragment_passes)
{
	uint8_t w[128];
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	put16(w + 6, 0x2000);			/* MF */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 6, 0x4001);			/* DF + offset 8 */
	ck_assert_int_eq(decap(w, len, &d), -EBADMSG);
	put16(w + 6, 0x4000);			/* DF alone is normal */
	put16(w + 26, 0x2000);			/* inner MF: the receiver reassembles */
	ck_assert_int_eq(decap(w, len, &d), 0);
}
END_TEST

START_TEST(oversized_buffer_is_refused)
{
	size_t len = IPIP_PKT_MAX + 1;
	uint8_t *w = calloc(1, len);
	struct ipip_decap d;

	pkt_make(w, 100);
	ck_assert_int_eq(ipip_decap_parse(w, len, &d), -EMSGSIZE);
	ck_assert_int_eq(ipip_decap_parse(w, IPIP_PKT_MAX, &d), 0);
	free(w);
}
END_TEST

START_TEST(largest_packet_is_accepted)
{
	size_t len = IPIP_PKT_MAX;
	uint8_t *w = calloc(1, len);
	struct ipip_decap d;

	ck_assert_uint_eq(pkt_make(w, len - 40), len);
	ck_assert_int_eq(decap(w, len, &d), 0);
	ck_assert_uint_eq(d.inner.len, len - 20);
	free(w);
}
END_TEST

START_TEST(encap_inherits_ttl_and_maps_ecn)
{
	static const struct { uint8_t tos, want; } ecn[] = {
		{ 0x00, 0x00 }, { 0xb9, 0x01 }, { 0x02, 0x02 }, { 0x03, 0x02 },
	};
	uint8_t w[64], *b;
	struct ipip_encap e;

	ip4_put(w, 5, 20, 1, 1, 2);
	w[8] = 17;
	for (size_t i = 0; i < UNIT_COUNT(ecn); i++) {
		w[1] = ecn[i].tos;
		b = unit_heap(w, 20);
		ck_assert_int_eq(ipip_encap_parse(b, 20, &e), 0);
		ck_assert_uint_eq(e.ttl, 17);
		ck_assert_uint_eq(e.tos, ecn[i].want);
		free(b);
	}
	b = unit_heap(w, 19);
	ck_assert_int_eq(ipip_encap_parse(b, 19, &e), -EBADMSG);
	free(b);
	w[0] = 0x60;
	ck_assert_int_eq(ipip_encap_parse(w, 40, &e), -EPROTONOSUPPORT);
	w[0] = 0x44;
	ck_assert_int_eq(ipip_encap_parse(w, 40, &e), -EBADMSG);
}
END_TEST

/* RFC 6040 section 4.2's table, outer ECN x inner ECN, as the kernel's ipip. */
START_TEST(decap_ecn_follows_rfc6040)
{
	static const struct { uint8_t outer, inner, want; int rv; } c[] = {
		{ 0x00, 0x01, 0x01, 0 }, { 0x02, 0x01, 0x01, 0 },	/* outer not CE: as is */
		{ 0x03, 0x01, 0x03, 0 }, { 0x03, 0x02, 0x03, 0 },	/* CE marks an ECT inner */
		{ 0x03, 0x03, 0x03, 0 },				/* CE stays CE */
		{ 0xbb, 0xb8, 0xb8, -EPROTO },				/* Not-ECT: drop */
		{ 0x03, 0xb9, 0xbb, 0 },				/* DSCP kept */
		{ 0x01, 0x02, 0x01, 0 }, { 0xb9, 0xba, 0xb9, 0 },	/* ECT(1) outside: ECT(0) inner becomes ECT(1) */
		{ 0x01, 0x00, 0x00, 0 }, { 0x01, 0x03, 0x03, 0 },	/* ... others as they are */
		{ 0x02, 0x00, 0x00, 0 },				/* ECT outside, Not-ECT inside: forwarded */
	};
	uint8_t w[128], *b;
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;

	for (size_t i = 0; i < UNIT_COUNT(c); i++) {
		w[1] = c[i].outer;
		w[20 + 1] = c[i].inner;
		w[20 + 10] = w[20 + 11] = 0;
		put16(w + 30, unit_csum16(w + 20, 20));
		b = unit_heap(w, len);
		ck_assert_int_eq(ipip_decap_parse(b, len, &d), 0);
		ck_assert_uint_eq(d.tos, c[i].outer);
		ck_assert_int_eq(ipip_ecn_decap(&d), c[i].rv);
		ck_assert_uint_eq(b[20 + 1], c[i].want);
		ck_assert_uint_eq(unit_csum16(b + 20, 20), 0);	/* still a valid header */
		ck_assert_uint_eq(b[0], 0x45);			/* the outer one untouched */
		free(b);
	}
}
END_TEST

/*
 * The inner header's checksum is updated, not recomputed (RFC 1624, as the
 * kernel's IP_ECN_set_ce): a header damaged on the way still fails the
 * receiver's check instead of being made valid by us.
 */
START_TEST(decap_ecn_keeps_a_bad_inner_checksum_bad)
{
	static const uint8_t outer_inner[][2] = { { 0x03, 0x02 }, { 0x01, 0x02 } };
	uint8_t w[128], *b;
	size_t len = pkt_make(w, 8);
	struct ipip_decap d;
	unsigned bad;

	for (size_t i = 0; i < UNIT_COUNT(outer_inner); i++) {
		w[1] = outer_inner[i][0];
		w[20 + 1] = outer_inner[i][1];
		w[20 + 10] = w[20 + 11] = 0;
		put16(w + 30, unit_csum16(w + 20, 20) ^ 0x0100);	/* one bit off */
		bad = unit_csum16(w + 20, 20);
		ck_assert_uint_ne(bad, 0);
		b = unit_heap(w, len);
		ck_assert_int_eq(ipip_decap_parse(b, len, &d), 0);
		ck_assert_int_eq(ipip_ecn_decap(&d), 0);
		ck_assert_uint_ne(b[20 + 1], outer_inner[i][1]);	/* it was changed */
		ck_assert_uint_eq(unit_csum16(b + 20, 20), bad);		/* and is as wrong as before */
		free(b);
	}
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		good_packet_yields_endpoints_and_exact_inner,
		outer_options_are_skipped,
		every_truncation_is_refused,
		ihl_below_five_or_beyond_length_is_refused,
		total_lengths_that_lie_are_refused,
		bytes_after_outer_total_length_are_ignored,
		not_ipv4_or_not_protocol_4_is_refused,
		outer_fragment_is_refused_inner_fragment_passes,
		oversized_buffer_is_refused,
		largest_packet_is_accepted,
		encap_inherits_ttl_and_maps_ecn,
		decap_ecn_follows_rfc6040,
		decap_ecn_keeps_a_bad_inner_checksum_bad,
	};

	return unit_run("tunnel_decap", tests, UNIT_COUNT(tests));
}
