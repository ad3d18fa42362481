/*
 * lib/prefix.c - IPv4 address and prefix helpers. See prefix.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/prefix.h"

int
addr_parse(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*a = ntohl(in.s_addr);
	return 0;
}

const char *
addr_fmt(uint32_t a, char *buf)
{
	snprintf(buf, ADDR_STRLEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}

/* The length part: 1-2 decimal digits, 0..32, nothing after. */
static int
prefix_len_parse(const char *s, uint8_t *len)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 32)
		return -EINVAL;
	*len = (uint8_t)v;
	return 0;
}

int
prefix_parse(const char *s, struct prefix *p, bool normalize)
{
	char buf[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen;
	uint32_t a;
	uint8_t len;

	if (slash == NULL)
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (addr_parse(buf, &a) < 0 || prefix_len_parse(slash + 1, &len) < 0)
		return -EINVAL;
	if ((a & ~prefix_mask(len)) != 0 && !normalize)
		return -EINVAL;
	p->addr = a & prefix_mask(len);
	p->len = len;
	return 0;
}

const char *
prefix_fmt(const struct prefix *p, char *buf)
{
	size_t n = strlen(addr_fmt(p->addr, buf));
	unsigned len = p->len > 32 ? 32 : p->len;

	buf[n++] = '/';
	if (len >= 10)
		buf[n++] = (char)('0' + len / 10);
	buf[n++] = (char)('0' + len % 10);
	buf[n] = '\0';
	return buf;
}

bool
prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	return outer->len <= inner->len &&
	    (inner->addr & prefix_mask(outer->len)) == outer->addr;
}

bool
prefix_has_addr(const struct prefix *p, uint32_t a)
{
	return (a & prefix_mask(p->len)) == p->addr;
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->len - (int)b->len;
}
