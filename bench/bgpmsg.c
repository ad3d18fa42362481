/*
 * bench/bgpmsg.c - BGP framing, UPDATE prefix count and /24 UPDATE writer for
 * the benchmark feeder (see bgpmsg.h). Reads only through struct cursor.
 */
#include "bench/bgpmsg.h"

int
bgpmsg_next(struct cursor *c, uint8_t *type, struct cursor *body)
{
	struct cursor m = *c;
	uint8_t marker[16];
	uint16_t len;

	/* judge the header as soon as it is whole: a hostile length must not wait */
	if (cur_left(&m) < BGPMSG_HDR)
		return -EAGAIN;
	if (cur_bytes(&m, marker, sizeof(marker)) < 0 || cur_u16(&m, &len) < 0 ||
	    cur_u8(&m, type) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(marker); i++)
		if (marker[i] != 0xff)
			return -EBADMSG;
	if (len < BGPMSG_HDR || len > BGPMSG_MAX)
		return -EBADMSG;
	if (cur_split(&m, len - BGPMSG_HDR, body) < 0)
		return -EAGAIN;
	*c = m;
	return 0;
}

int
bgpmsg_update_count(struct cursor body, uint64_t *n)
{
	uint16_t wlen, alen;
	uint8_t bits;

	if (cur_u16(&body, &wlen) < 0 || cur_skip(&body, wlen) < 0 ||
	    cur_u16(&body, &alen) < 0 || cur_skip(&body, alen) < 0)
		return -EBADMSG;
	while (cur_left(&body) > 0) {
		if (cur_u8(&body, &bits) < 0 || bits > 32 || cur_skip(&body, (bits + 7u) / 8) < 0)
			return -EBADMSG;
		(*n)++;
	}
	return 0;
}

int
bgpmsg_open_hold(struct cursor body, uint16_t *hold)
{
	return cur_skip(&body, 3) < 0 || cur_u16(&body, hold) < 0 ? -EBADMSG : 0;
}

void
bgpmsg_begin(struct wbuf *w, uint8_t t, size_t *lenoff)
{
	static const uint8_t marker[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	wbuf_put(w, marker, sizeof(marker));
	wbuf_reserve(w, 2, lenoff);
	wbuf_put_u8(w, t);
}

int
bgpmsg_end(struct wbuf *w, size_t start, size_t lenoff)
{
	if (wbuf_error(w) < 0)
		return wbuf_error(w);
	return wbuf_set_u16_at(w, lenoff, (uint16_t)(wbuf_len(w) - start));
}

unsigned
bgpmsg_update_room(size_t attrs_len)
{
	size_t fixed = BGPMSG_HDR + 4 + attrs_len;

	return fixed >= BGPMSG_MAX ? 0 : (unsigned)((BGPMSG_MAX - fixed) / 4);
}

int
bgpmsg_update_put(struct wbuf *w, const uint8_t *attrs, size_t attrs_len,
    uint32_t first, unsigned count)
{
	size_t start = wbuf_len(w), lenoff;

	if (count > bgpmsg_update_room(attrs_len))
		return -EMSGSIZE;
	bgpmsg_begin(w, BGPMSG_UPDATE, &lenoff);
	wbuf_put_u16(w, 0);				/* no withdrawn routes */
	wbuf_put_u16(w, (uint16_t)attrs_len);
	wbuf_put(w, attrs, attrs_len);
	for (unsigned i = 0; i < count; i++) {
		uint32_t a = first + (i << 8);

		wbuf_put_u8(w, 24);
		wbuf_put_u8(w, (uint8_t)(a >> 24)), wbuf_put_u8(w, (uint8_t)(a >> 16));
		wbuf_put_u8(w, (uint8_t)(a >> 8));
	}
	return bgpmsg_end(w, start, lenoff);
}
