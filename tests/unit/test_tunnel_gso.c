/*
 * tests/unit/test_tunnel_gso.c - a TCP super-packet from a TSO-enabled TUN
 * is cut into segments a receiver accepts (lengths, sequence numbers, IDs,
 * flags, valid IP and TCP checksums); partial checksums are completed;
 * headers that do not fit are refused without reading past the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tunnel/gso.h"
#include "tests/unit/unit.h"

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The TCP checksum over pseudo-header + header + payload verifies to 0xffff. */
static bool
tcp_csum_ok(const uint8_t *ip, const uint8_t *tcp, size_t thl, const struct iovec *pl)
{
	uint8_t ph[12] = { 0 };

	memcpy(ph, ip + 12, 8);
	ph[9] = 6;
	put16(ph + 10, (unsigned)(thl + pl->iov_len));
	return fold(sum16(sum16(sum16(0, ph, 12), tcp, thl), pl->iov_base, pl->iov_len)) == 0xffff;
}

/* 10.1.0.1:5000 -> 10.2.0.1:80, seq 1000, id 7, flags, payload bytes. */
static uint8_t *
super(size_t payload, uint8_t flags, size_t *len)
{
	uint8_t *p = malloc(40 + payload);

	*len = 40 + payload;
	memset(p, 0, 40);
	p[0] = 0x45;
	put16(p + 2, (unsigned)(*len > 65535 ? 0 : *len));
	put16(p + 4, 7);
	p[6] = 0x40, p[8] = 64, p[9] = 6;
	memcpy(p + 12, "\x0a\x01\x00\x01\x0a\x02\x00\x01", 8);
	put16(p + 20, 5000), put16(p + 22, 80);
	put16(p + 26, 1000);
	p[32] = 0x50, p[33] = flags;
	for (size_t i = 0; i < payload; i++)
		p[40 + i] = (uint8_t)(i * 7 + 3);
	return p;
}

START_TEST(super_packet_becomes_valid_mss_segments)
{
	size_t len, hl;
	uint8_t *p = super(2501, 0x80 | 0x18 | 0x01, &len), h[GSO_HDR_MAX];
	struct gso_tcp g;
	struct iovec pl;
	unsigned i = 0;

	ck_assert_int_eq(gso_tcp_init(&g, p, len, 1000), 0);
	while (gso_tcp_next(&g, h, &hl, &pl)) {
		ck_assert_uint_eq(hl, 40);
		ck_assert_uint_eq(pl.iov_len, i < 2 ? 1000 : 501);
		ck_assert_ptr_eq(pl.iov_base, p + 40 + i * 1000);
		ck_assert_uint_eq(h[2] << 8 | h[3], 40 + pl.iov_len);
		ck_assert_uint_eq(h[4] << 8 | h[5], 7 + i);
		ck_assert_uint_eq(fold(sum16(0, h, 20)), 0xffff);		/* IP checksum */
		ck_assert_uint_eq((uint32_t)(h[24] << 24 | h[25] << 16 | h[26] << 8 | h[27]),
		    1000 + i * 1000);
		ck_assert_uint_eq(h[33], i == 0 ? 0x90 : i == 2 ? 0x19 : 0x10);
		ck_assert(tcp_csum_ok(h, h + 20, 20, &pl));
		i++;
	}
	ck_assert_uint_eq(i, 3);
	free(p);
}
END_TEST

START_TEST(headers_that_do_not_fit_are_refused)
{
	size_t len;
	uint8_t *p = super(100, 0x10, &len), *h;
	struct gso_tcp g;

	for (size_t n = 0; n <= 40; n++) {		/* no data: nothing to cut */
		h = unit_heap(p, n);
		ck_assert_int_eq(gso_tcp_init(&g, h, n, 1000), -EBADMSG);
		free(h);
	}
	ck_assert_int_eq(gso_tcp_init(&g, p, len, 0), -EBADMSG);
	p[32] = 0x40;					/* data offset 16 */
	ck_assert_int_eq(gso_tcp_init(&g, p, len, 1000), -EBADMSG);
	p[32] = 0xf0;					/* 60 bytes: fits in 140 */
	ck_assert_int_eq(gso_tcp_init(&g, p, len, 1000), 0);
	p[0] = 0x65;
	ck_assert_int_eq(gso_tcp_init(&g, p, len, 1000), -EBADMSG);
	p[0] = 0x44;
	ck_assert_int_eq(gso_tcp_init(&g, p, len, 1000), -EBADMSG);
	free(p);
}
END_TEST

START_TEST(partial_checksum_is_completed_in_bounds_only)
{
	size_t len;
	uint8_t *p = super(33, 0x18, &len);		/* odd payload length */
	struct iovec pl = { p + 40, 33 };
	uint8_t ph[12] = { 0 };

	memcpy(ph, p + 12, 8);				/* the kernel leaves the pseudo sum */
	ph[9] = 6;
	put16(ph + 10, 20 + 33);
	put16(p + 36, fold(sum16(0, ph, 12)));
	ck_assert_int_eq(gso_csum_finish(p, len, 20, 16), 0);
	ck_assert(tcp_csum_ok(p, p + 20, 20, &pl));
	ck_assert_int_eq(gso_csum_finish(p, len, (uint16_t)(len - 1), 0), -EBADMSG);
	ck_assert_int_eq(gso_csum_finish(p, len, 20, 0xffff), -EBADMSG);
	free(p);
}
END_TEST

START_TEST(vnet_header_is_little_endian_and_needs_ten_bytes)
{
	static const uint8_t w[10] = { 1, 0x81, 40, 0, 0xa8, 0x05, 20, 0, 16, 0 };
	struct gso_vnet v;
	uint8_t *h;

	for (size_t n = 0; n < sizeof(w); n++) {
		h = unit_heap(w, n);
		ck_assert_int_eq(gso_vnet_parse(h, n, &v), -EBADMSG);
		free(h);
	}
	ck_assert_int_eq(gso_vnet_parse(w, sizeof(w), &v), 0);
	ck_assert_uint_eq(v.flags, 1);
	ck_assert_uint_eq(v.gso_type, 0x81);
	ck_assert_uint_eq(v.hdr_len, 40);
	ck_assert_uint_eq(v.gso_size, 1448);
	ck_assert_uint_eq(v.csum_start, 20);
	ck_assert_uint_eq(v.csum_offset, 16);
}
END_TEST

/* Read what gso_tcp_cut_write wrote, one datagram per packet, into buf; how many. */
static unsigned
read_all(int fd, uint8_t (*buf)[2048], size_t *len, unsigned max)
{
	unsigned n = 0;
	ssize_t r;

	while (n < max && (r = recv(fd, buf[n], sizeof(buf[n]), MSG_DONTWAIT)) > 0)
		len[n++] = (size_t)r;
	return n;
}

/* The bpf driver's slow path: a 5,000-byte TCP packet (the underlay's GRO
 * joined it) goes into a TUN of MTU 1480 as valid segments of at most 1480;
 * one that fits, and a big one that is not TCP, go as they are. */
START_TEST(a_packet_bigger_than_the_tunnel_is_written_cut_to_its_mtu)
{
	static uint8_t out[8][2048], big[8192];
	size_t len, olen[8], total = 0;
	uint8_t *p = super(5000, 0x18, &len);
	int sv[2];
	unsigned n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	p[36] = 0x12, p[37] = 0x34;			/* GRO left a partial sum */
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 1480), 4);
	ck_assert_uint_eq(n = read_all(sv[1], out, olen, 8), 4);
	for (unsigned i = 0; i < n; i++) {
		struct iovec pl = { out[i] + 40, olen[i] - 40 };

		ck_assert_uint_le(olen[i], 1480);
		ck_assert_uint_eq(out[i][2] << 8 | out[i][3], olen[i]);
		ck_assert_uint_eq(fold(sum16(0, out[i], 20)), 0xffff);
		ck_assert_uint_eq((uint32_t)(out[i][24] << 24 | out[i][25] << 16 | out[i][26] << 8 |
		    out[i][27]), 1000 + total);
		ck_assert_uint_eq(out[i][33], i == n - 1 ? 0x18 : 0x10);	/* PSH on the last */
		ck_assert(tcp_csum_ok(out[i], out[i] + 20, 20, &pl));
		ck_assert_mem_eq(out[i] + 40, p + 40 + total, olen[i] - 40);
		total += olen[i] - 40;
	}
	ck_assert_uint_eq(total, 5000);
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 0), 1);	/* MTU unknown: whole */
	ck_assert_int_eq(recv(sv[1], big, sizeof(big), MSG_DONTWAIT), (ssize_t)len);
	p[6] = 0x20;					/* a fragment (MF): whole */
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 1480), 1);
	ck_assert_int_eq(recv(sv[1], big, sizeof(big), MSG_DONTWAIT), (ssize_t)len);
	p[6] = 0x40;
	free(p);
	p = super(1000, 0x10, &len);
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 1480), 1);	/* fits */
	ck_assert_uint_eq(read_all(sv[1], out, olen, 8), 1);
	ck_assert_uint_eq(olen[0], len);
	ck_assert_mem_eq(out[0], p, len);
	p[9] = 17;					/* not TCP: as it is */
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 500), 1);
	ck_assert_uint_eq(read_all(sv[1], out, olen, 8), 1);
	ck_assert_uint_eq(olen[0], len);
	close(sv[1]);
	ck_assert_int_eq(gso_tcp_cut_write(sv[0], p, len, 500), -EPIPE);	/* errors say so */
	close(sv[0]);
	free(p);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		super_packet_becomes_valid_mss_segments,
		headers_that_do_not_fit_are_refused,
		partial_checksum_is_completed_in_bounds_only,
		vnet_header_is_little_endian_and_needs_ten_bytes,
		a_packet_bigger_than_the_tunnel_is_written_cut_to_its_mtu,
	};

	return unit_run("tunnel_gso", tests, UNIT_COUNT(tests));
}
