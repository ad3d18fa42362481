/*
 * lib/prefix.h - IPv4 addresses and prefixes.
 *
 * Addresses are kept in host byte order (uint32_t), so masks and comparisons
 * are plain arithmetic; conversion to and from struct in_addr happens at the
 * edges (sockets, netlink). Parsing is strict: "10.1.0.0/16" is a prefix,
 * "10.1.0.1/16" is refused (host bits set) unless the caller asks to
 * normalize.
 */
#ifndef IPIP_LIB_PREFIX_H
#define IPIP_LIB_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"

#define ADDR_STRLEN	16	/* "255.255.255.255" */
#define PREFIX_STRLEN	19	/* "255.255.255.255/32" */

struct prefix {
	uint32_t	addr;	/* host byte order, host bits zero */
	uint8_t		len;	/* 0..32 */
};

static inline uint32_t
prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* 0 or -EINVAL. Dotted quad only (inet_pton rules). */
MUST_USE int addr_parse(const char *, uint32_t *);
/* Writes into buf (ADDR_STRLEN) and returns it. */
const char *addr_fmt(uint32_t, char *buf);

/* 0 or -EINVAL. With normalize, host bits are cleared instead of refused. */
MUST_USE int prefix_parse(const char *, struct prefix *, bool normalize);
/* Writes into buf (PREFIX_STRLEN) and returns it. */
const char *prefix_fmt(const struct prefix *, char *buf);

/* Does outer contain inner (equal counts as contained)? */
bool	prefix_contains(const struct prefix *outer, const struct prefix *inner);
bool	prefix_has_addr(const struct prefix *, uint32_t addr);
/* Order by address, then length: for sorting and trees. */
int	prefix_cmp(const struct prefix *, const struct prefix *);

static inline struct in_addr
addr_to_in(uint32_t a)
{
	return (struct in_addr){ .s_addr = htonl(a) };
}

static inline uint32_t
addr_from_in(struct in_addr a)
{
	return ntohl(a.s_addr);
}

#endif
