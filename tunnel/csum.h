/*
 * tunnel/csum.h - Internet checksum pieces shared by gro.c, gso.c and
 * ipip.c, internal to tunnel/.
 *
 * Sums are of native 16-bit words (RFC 1071 section 2(B): byte-order
 * independent); a folded result stored with memcpy is in network order.
 */
#ifndef IPIP_TUNNEL_CSUM_H
#define IPIP_TUNNEL_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	uint32_t w;
	uint16_t h;

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2, n -= 2;
	}
	if (n == 1) {			/* odd tail: padded with a zero byte */
		uint8_t last[2] = { p[0], 0 };

		memcpy(&h, last, 2);
		sum += h;
	}
	return sum;
}

/* Fold to 16 bits, not complemented. */
static inline uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline void
csum_put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The TCP pseudo-header of an IPv4 header ip, for tcp_len bytes (RFC 9293 section 3.1). */
static inline uint64_t
csum_pseudo_tcp4(const uint8_t *ip, size_t tcp_len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0, ph[9] = 6;
	csum_put_be16(ph + 10, (uint32_t)tcp_len);
	return csum_add(0, ph, sizeof(ph));
}

/* Store a folded sum, complemented or not, at p in network order. */
static inline void
csum_store(uint8_t *p, uint16_t folded)
{
	memcpy(p, &folded, 2);
}

/* The Internet checksum of n bytes at p (the field in them zeroed), stored at at. */
static inline void
csum_put(uint8_t *at, const uint8_t *p, size_t n)
{
	csum_store(at, (uint16_t)~csum_fold(csum_add(0, p, n)));
}

#endif
