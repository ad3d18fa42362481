/*
 * tests/unit/test_tunnel_icmp.c - the ICMP fragmentation-needed the
 * userspace dataplane owes the sender of a DF packet too big for the
 * underlay path: its fields and checksums, and when none is owed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "tunnel/icmp.h"
#include "tests/unit/unit.h"

/* A 1480-byte IPv4 packet 10.10.1.1 -> 10.10.3.1 with DF, TCP (or proto). */
static size_t
inner_pkt(uint8_t *p, uint8_t proto, uint16_t frag, const char *src)
{
	struct in_addr s, d;

	memset(p, 0xab, 120);
	inet_pton(AF_INET, src, &s);
	inet_pton(AF_INET, "10.10.3.1", &d);
	p[0] = 0x45, p[1] = 0, p[2] = 1480 >> 8, p[3] = 1480 & 0xff;
	p[6] = (uint8_t)(frag >> 8), p[7] = (uint8_t)frag;
	p[8] = 63, p[9] = proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	return 120;			/* the dataplane hands over the start only */
}

static uint16_t
sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

START_TEST(frag_needed_says_the_mtu_to_the_sender_and_checks_out)
{
	uint8_t in[120], out[ICMP_FRAG_NEEDED_MAX];
	size_t len = inner_pkt(in, 6, 0x4000, "10.10.1.1");
	int n = icmp_frag_needed(in, len, 1380, out);

	ck_assert_int_eq(n, 20 + 8 + 20 + 8);
	ck_assert_uint_eq(out[0], 0x45);
	ck_assert_uint_eq(out[9], 1);				/* ICMP */
	ck_assert_uint_eq((unsigned)(out[2] << 8 | out[3]), (unsigned)n);
	ck_assert_uint_eq(out[6] & 0x40, 0);			/* the error has no DF */
	ck_assert_mem_eq(out + 12, in + 16, 4);			/* from the inner destination */
	ck_assert_mem_eq(out + 16, in + 12, 4);			/* to the inner source */
	ck_assert_uint_eq(sum16(out, 20), 0xffff);		/* IP header checksum */
	ck_assert_uint_eq(out[20], 3);
	ck_assert_uint_eq(out[21], 4);
	ck_assert_uint_eq((unsigned)(out[26] << 8 | out[27]), 1380);
	ck_assert_mem_eq(out + 28, in, 28);			/* header + 64 bits */
	ck_assert_uint_eq(sum16(out + 20, (size_t)n - 20), 0xffff);
}
END_TEST

START_TEST(none_owed_where_rfc_1812_says_so)
{
	uint8_t in[120], out[ICMP_FRAG_NEEDED_MAX];
	size_t len;

	len = inner_pkt(in, 6, 0, "10.10.1.1");
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);	/* no DF */
	len = inner_pkt(in, 6, 0x4000 | 185, "10.10.1.1");
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);	/* not first fragment */
	len = inner_pkt(in, 1, 0x4000, "10.10.1.1");
	in[20] = 3;								/* an ICMP error */
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);
	in[20] = 8;								/* an echo request */
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), 56);
	for (const char *const *s = (const char *const[]){ "0.0.0.0", "127.0.0.1", "224.0.0.5",
	    "255.255.255.255", NULL }; *s; s++) {
		len = inner_pkt(in, 6, 0x4000, *s);
		ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);
	}
}
END_TEST

START_TEST(short_and_hostile_inner_packets_are_refused_or_quoted_within)
{
	uint8_t in[120], out[ICMP_FRAG_NEEDED_MAX];
	size_t len = inner_pkt(in, 6, 0x4000, "10.10.1.1");

	for (size_t n = 0; n < 20; n++)
		ck_assert_int_eq(icmp_frag_needed(in, n, 1380, out), -EINVAL);
	ck_assert_int_eq(icmp_frag_needed(in, 24, 1380, out), 20 + 8 + 24);	/* 4 payload bytes */
	in[0] = 0x4f;								/* IHL 60 > 24 present */
	ck_assert_int_eq(icmp_frag_needed(in, 24, 1380, out), -EINVAL);
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), 20 + 8 + 60 + 8);
	in[0] = 0x44;								/* IHL 16 < 20 */
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);
	in[0] = 0x65;								/* IPv6 */
	ck_assert_int_eq(icmp_frag_needed(in, len, 1380, out), -EINVAL);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		frag_needed_says_the_mtu_to_the_sender_and_checks_out,
		none_owed_where_rfc_1812_says_so,
		short_and_hostile_inner_packets_are_refused_or_quoted_within,
	};

	return unit_run("tunnel_icmp", tests, UNIT_COUNT(tests));
}
