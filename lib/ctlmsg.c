/*
 * lib/ctlmsg.c - control protocol framing. See ctlmsg.h and ipip-bgpd/ctl.h.
 */
#include <errno.h>
#include <string.h>

#include "lib/ctlmsg.h"

int
ctl_frame_parse(const uint8_t *buf, size_t avail, struct ctl_frame *f,
    size_t *used)
{
	struct cursor c = cur_init(buf, avail);
	uint32_t len;
	uint8_t version;

	*used = 0;
	if (avail < CTL_HDR_LEN)
		return -EAGAIN;
	if (cur_u32(&c, &len) < 0 || cur_u8(&c, &version) < 0 ||
	    cur_u8(&c, &f->flags) < 0 || cur_u16(&c, &f->type) < 0 ||
	    cur_u32(&c, &f->seq) < 0)
		return -EBADMSG;	/* unreachable: header length checked */
	if (len < CTL_HDR_LEN || len > CTL_FRAME_MAX)
		return -EBADMSG;
	if (version != CTL_VERSION)
		return -EPROTONOSUPPORT;
	if (avail < len) {
		*used = len - avail;
		return -EAGAIN;
	}
	if (cur_split(&c, len - CTL_HDR_LEN, &f->payload) < 0)
		return -EBADMSG;	/* unreachable: avail >= len */
	*used = len;
	return 0;
}

int
ctl_frame_write(struct wbuf *w, uint16_t type, uint32_t seq,
    const void *payload, size_t len)
{
	if (len > CTL_PAYLOAD_MAX)
		return -ENOBUFS;
	wbuf_put_u32(w, (uint32_t)(CTL_HDR_LEN + len));
	wbuf_put_u8(w, CTL_VERSION);
	wbuf_put_u8(w, 0);
	wbuf_put_u16(w, type);
	wbuf_put_u32(w, seq);
	wbuf_put(w, payload, len);
	return wbuf_error(w);
}

int
ctl_record_get(const struct ctl_frame *f, void *dst, size_t size)
{
	struct cursor c = f->payload;

	if (cur_left(&c) != size)
		return -EBADMSG;
	return cur_bytes(&c, dst, size);
}

void
ctl_str_set(char *dst, size_t size, const char *src)
{
	size_t n;

	if (size == 0)
		return;
	n = src ? strnlen(src, size - 1) : 0;
	memset(dst, 0, size);
	if (n > 0)
		memcpy(dst, src, n);
}
