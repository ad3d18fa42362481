/*
 * tunnel/name.c - point-to-point device names and the ownership alias.
 *
 * A name is prefix + 13 base32hex characters (RFC 4648 section 7, lower
 * case) holding the 64-bit number local<<32 | remote, most significant
 * character first; 13 * 5 = 65 bits, so the first character is 0-f. The
 * mapping is a bijection, so distinct pairs never collide, and decode
 * accepts only names encode makes. Pure functions: no state, no system calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tunnel/tunnel.h"

#define NAME_DIGITS	13
static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";
static const char alias_fmt_head[] = "ipip-bgpd local ";

static int
name_prefix_check(const char *prefix)
{
	size_t n = strlen(prefix);

	if (n > TUNNEL_PREFIX_MAX || strcspn(prefix, "/: \t\n") != n)
		return -EINVAL;
	return (int)n;
}

int
tunnel_name_encode(const char *prefix, struct in_addr local,
    struct in_addr remote, char name[IFNAMSIZ])
{
	uint64_t v = (uint64_t)ntohl(local.s_addr) << 32 | ntohl(remote.s_addr);
	int n = name_prefix_check(prefix);

	if (n < 0)
		return n;
	memcpy(name, prefix, (size_t)n);
	for (int i = NAME_DIGITS - 1; i >= 0; i--, v >>= 5)
		name[n + i] = b32hex[v & 31];
	name[n + NAME_DIGITS] = '\0';
	return 0;
}

static int
name_digit_value(char ch)
{
	const char *p = ch ? strchr(b32hex, ch) : NULL;

	return p ? (int)(p - b32hex) : -1;
}

int
tunnel_name_decode(const char *prefix, const char *name,
    struct in_addr *local, struct in_addr *remote)
{
	int n = name_prefix_check(prefix), d;
	uint64_t v = 0;

	if (n < 0 || strncmp(name, prefix, (size_t)n) != 0 ||
	    strlen(name + n) != NAME_DIGITS)
		return -EINVAL;
	for (int i = 0; i < NAME_DIGITS; i++) {
		if ((d = name_digit_value(name[n + i])) < 0 || (i == 0 && d > 15))
			return -EINVAL;		/* the 65th bit must be zero */
		v = v << 5 | (uint64_t)d;
	}
	local->s_addr = htonl((uint32_t)(v >> 32));
	remote->s_addr = htonl((uint32_t)v);
	return 0;
}

int
tunnel_alias_format(struct in_addr local, struct in_addr remote, char *buf, size_t len)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	int n;

	inet_ntop(AF_INET, &local, l, sizeof(l));
	inet_ntop(AF_INET, &remote, r, sizeof(r));
	n = snprintf(buf, len, "%s%s remote %s", alias_fmt_head, l, r);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* Strict: exactly "ipip-bgpd local A remote B" with dotted quads, nothing more. */
int
tunnel_alias_parse(const char *alias, struct in_addr *local, struct in_addr *remote)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN], again[TUNNEL_ALIAS_MAX];
	struct in_addr a, b;

	if (strncmp(alias, alias_fmt_head, sizeof(alias_fmt_head) - 1) != 0 ||
	    sscanf(alias + sizeof(alias_fmt_head) - 1, "%15s remote %15s", l, r) != 2 ||
	    inet_pton(AF_INET, l, &a) != 1 || inet_pton(AF_INET, r, &b) != 1)
		return -EINVAL;
	if (tunnel_alias_format(a, b, again, sizeof(again)) < 0 || strcmp(again, alias) != 0)
		return -EINVAL;			/* trailing text or odd spelling */
	*local = a;
	*remote = b;
	return 0;
}
