/*
 * lib/ctlmsg.h - framing of the control protocol (include/ipip-bgpd/ctl.h).
 *
 * Both ends use these: the daemon on its non-blocking connections, the shell
 * on its blocking one. Parsing never trusts the length field beyond what was
 * received and never allocates.
 */
#ifndef IPIP_LIB_CTLMSG_H
#define IPIP_LIB_CTLMSG_H

#include <stddef.h>
#include <stdint.h>

#include "ipip-bgpd/ctl.h"
#include "lib/compiler.h"
#include "lib/cursor.h"
#include "lib/wbuf.h"

struct ctl_frame {
	uint16_t	type;
	uint8_t		flags;
	uint32_t	seq;
	struct cursor	payload;	/* borrowed from the caller's buffer */
};

/*
 * Look for one frame at the start of buf[0..avail).
 * 0: a whole frame; *f describes it and *used is its length.
 * -EAGAIN: the frame is not complete yet (*used = bytes still needed, or 0
 *  when not even the header is there).
 * -EBADMSG: the length field is below the header size or above CTL_FRAME_MAX.
 * -EPROTONOSUPPORT: another protocol version.
 * After -EBADMSG or -EPROTONOSUPPORT the stream cannot be resynchronised.
 */
MUST_USE int ctl_frame_parse(const uint8_t *buf, size_t avail,
    struct ctl_frame *f, size_t *used);

/* Append one frame. 0 or -ENOBUFS (payload too large), -ENOMEM. */
MUST_USE int ctl_frame_write(struct wbuf *, uint16_t type, uint32_t seq,
    const void *payload, size_t len);

/* Copy a record of exactly size bytes out of the frame; -EBADMSG otherwise. */
MUST_USE int ctl_record_get(const struct ctl_frame *, void *dst, size_t size);

/* Terminate a received fixed-size string field in place. */
static inline void
ctl_str_fix(char *s, size_t size)
{
	if (size > 0)
		s[size - 1] = '\0';
}
#define CTL_STR_FIX(field)	ctl_str_fix((field), sizeof(field))

/* Copy a C string into a fixed-size field, truncating, NUL-padding. */
void	ctl_str_set(char *dst, size_t size, const char *src);
#define CTL_STR_SET(field, src)	ctl_str_set((field), sizeof(field), (src))

#endif
