/*
 * lib/cursor.c - bounds-checked big-endian reads. See cursor.h.
 */
#include "lib/cursor.h"

int
cur_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -EBADMSG;
	*v = c->p[0];
	c->p += 1;
	c->len -= 1;
	return 0;
}

int
cur_u16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -EBADMSG;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

int
cur_u32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -EBADMSG;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->len -= 4;
	return 0;
}

int
cur_u64(struct cursor *c, uint64_t *v)
{
	uint32_t hi, lo;

	if (c->len < 8)
		return -EBADMSG;
	if (cur_u32(c, &hi) < 0 || cur_u32(c, &lo) < 0)
		return -EBADMSG;	/* unreachable: length checked above */
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
cur_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (off >= c->len)
		return -EBADMSG;
	*v = c->p[off];
	return 0;
}

int
cur_peek_u16(const struct cursor *c, size_t off, uint16_t *v)
{
	if (off >= c->len || c->len - off < 2)
		return -EBADMSG;
	*v = (uint16_t)(c->p[off] << 8 | c->p[off + 1]);
	return 0;
}
