/*
 * lib/cursor.h - the only way received bytes are read.
 *
 * A cursor is a window { p, len } over bytes someone else owns. Every read
 * checks the remaining length first and returns -EBADMSG, leaving the cursor
 * untouched, when too few bytes are left. cur_split() hands out the next n
 * bytes as a cursor of their own, so a parser given a sub-cursor cannot read
 * into whatever follows. Integers are read in network byte order.
 * No function here allocates, logs or keeps a pointer.
 */
#ifndef IPIP_LIB_CURSOR_H
#define IPIP_LIB_CURSOR_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/compiler.h"

struct cursor {
	const uint8_t	*p;
	size_t		 len;
};

static inline struct cursor
cur_init(const void *p, size_t len)
{
	return (struct cursor){ p, p ? len : 0 };
}

static inline size_t
cur_left(const struct cursor *c)
{
	return c->len;
}

static inline MUST_USE int
cur_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -EBADMSG;
	c->p += n;
	c->len -= n;
	return 0;
}

/* Hand out the next n bytes as a cursor of their own; the parent moves past them. */
static inline MUST_USE int
cur_split(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->len < n)
		return -EBADMSG;
	*sub = (struct cursor){ c->p, n };
	c->p += n;
	c->len -= n;
	return 0;
}

/* Copy the next n bytes out. */
static inline MUST_USE int
cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -EBADMSG;
	if (n > 0)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

MUST_USE int cur_u8(struct cursor *, uint8_t *);
MUST_USE int cur_u16(struct cursor *, uint16_t *);
MUST_USE int cur_u32(struct cursor *, uint32_t *);
MUST_USE int cur_u64(struct cursor *, uint64_t *);
/* Peek without moving: the byte at offset off from the current position. */
MUST_USE int cur_peek_u8(const struct cursor *, size_t off, uint8_t *);
MUST_USE int cur_peek_u16(const struct cursor *, size_t off, uint16_t *);

#endif
