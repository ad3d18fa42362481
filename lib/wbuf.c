/*
 * lib/wbuf.c - growable, bounded write buffer. See wbuf.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wbuf.h"

void
wbuf_init(struct wbuf *w, size_t max)
{
	*w = (struct wbuf){ .max = max };
}

void
wbuf_free(struct wbuf *w)
{
	free(w->buf);
	*w = (struct wbuf){ .max = w->max };
}

void
wbuf_reset(struct wbuf *w)
{
	w->len = 0;
	w->err = 0;
}

static int
wbuf_fail(struct wbuf *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/* Make room for n more bytes; 0 or the sticky error. */
static int
wbuf_grow(struct wbuf *w, size_t n)
{
	size_t want, cap;
	uint8_t *nb;

	if (w->err != 0)
		return w->err;
	if (n > w->max || w->len > w->max - n)
		return wbuf_fail(w, -ENOBUFS);
	want = w->len + n;
	if (want <= w->cap)
		return 0;
	cap = w->cap ? w->cap : 64;
	while (cap < want)
		cap = cap > w->max / 2 ? w->max : cap * 2;
	if ((nb = realloc(w->buf, cap)) == NULL)
		return wbuf_fail(w, -ENOMEM);
	w->buf = nb;
	w->cap = cap;
	return 0;
}

void
wbuf_truncate(struct wbuf *w, size_t len)
{
	if (len < w->len)
		w->len = len;
}

int
wbuf_put(struct wbuf *w, const void *p, size_t n)
{
	int rv;

	if ((rv = wbuf_grow(w, n)) < 0)
		return rv;
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

int
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	return wbuf_put(w, &v, 1);
}

int
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	return wbuf_put(w, b, sizeof(b));
}

int
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	return wbuf_put(w, b, sizeof(b));
}

int
wbuf_put_u64(struct wbuf *w, uint64_t v)
{
	int rv;

	if ((rv = wbuf_put_u32(w, (uint32_t)(v >> 32))) < 0)
		return rv;
	return wbuf_put_u32(w, (uint32_t)v);
}

int
wbuf_reserve(struct wbuf *w, size_t n, size_t *off)
{
	int rv;

	if ((rv = wbuf_grow(w, n)) < 0)
		return rv;
	memset(w->buf + w->len, 0, n);
	*off = w->len;
	w->len += n;
	return 0;
}

int
wbuf_set_u16_at(struct wbuf *w, size_t off, uint16_t v)
{
	if (off > w->len || w->len - off < 2)
		return -EINVAL;
	w->buf[off] = v >> 8;
	w->buf[off + 1] = v & 0xff;
	return 0;
}

int
wbuf_set_u32_at(struct wbuf *w, size_t off, uint32_t v)
{
	if (off > w->len || w->len - off < 4)
		return -EINVAL;
	w->buf[off] = v >> 24;
	w->buf[off + 1] = (v >> 16) & 0xff;
	w->buf[off + 2] = (v >> 8) & 0xff;
	w->buf[off + 3] = v & 0xff;
	return 0;
}
