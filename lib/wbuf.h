/*
 * lib/wbuf.h - a growable write buffer for wire formats.
 *
 * Writers append big-endian integers and byte strings; the buffer grows up to
 * a fixed maximum (a BGP message is at most 4096 or 65535 bytes, a control
 * frame at most CTL_FRAME_MAX). The first failure (no memory, or the maximum
 * reached) is sticky: later writes do nothing and wbuf_error() reports it, so
 * an encoder may write a whole message and check once at the end. Length
 * fields not known in advance are reserved and patched with wbuf_set_u16_at().
 */
#ifndef IPIP_LIB_WBUF_H
#define IPIP_LIB_WBUF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

struct wbuf {
	uint8_t	*buf;
	size_t	 len;		/* bytes written */
	size_t	 cap;		/* bytes allocated */
	size_t	 max;		/* never grows past this */
	int	 err;		/* first error, 0 or -errno; sticky */
};

void	wbuf_init(struct wbuf *, size_t max);
void	wbuf_free(struct wbuf *);
/* Forget the contents and any error; keep the allocation. */
void	wbuf_reset(struct wbuf *);

int	wbuf_put(struct wbuf *, const void *, size_t);
int	wbuf_put_u8(struct wbuf *, uint8_t);
int	wbuf_put_u16(struct wbuf *, uint16_t);
int	wbuf_put_u32(struct wbuf *, uint32_t);
int	wbuf_put_u64(struct wbuf *, uint64_t);
/* Drop everything after the first len bytes (a half-written message); no-op if shorter. */
void	wbuf_truncate(struct wbuf *, size_t len);
/* Append n zero bytes and return their offset in *off (for a later patch). */
int	wbuf_reserve(struct wbuf *, size_t n, size_t *off);
/* Overwrite bytes already written; -EINVAL if [off, off+2) was not written. */
MUST_USE int wbuf_set_u16_at(struct wbuf *, size_t off, uint16_t);
MUST_USE int wbuf_set_u32_at(struct wbuf *, size_t off, uint32_t);

static inline int
wbuf_error(const struct wbuf *w)
{
	return w->err;
}

static inline size_t
wbuf_len(const struct wbuf *w)
{
	return w->len;
}

static inline const uint8_t *
wbuf_data(const struct wbuf *w)
{
	return w->buf;
}

#endif
