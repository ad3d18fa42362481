/*
 * bench/bgpmsg.h - the few BGP message pieces the benchmark feeder needs:
 * framing of received bytes into messages, counting an UPDATE's prefixes,
 * and writing UPDATEs of consecutive /24s (RFC 4271 §4). Benchmark tooling,
 * not the daemon's codec (that lives in bgpd/).
 */
#ifndef IPIP_BENCH_BGPMSG_H
#define IPIP_BENCH_BGPMSG_H

#include <stdint.h>

#include "lib/cursor.h"
#include "lib/wbuf.h"

#define BGPMSG_HDR		19
#define BGPMSG_MAX		4096	/* RFC 4271 §4.1 */
#define BGPMSG_OPEN		1
#define BGPMSG_UPDATE		2
#define BGPMSG_NOTIFICATION	3
#define BGPMSG_KEEPALIVE	4

/* Split the next whole message off c: 0 with its type and body; -EAGAIN when
 * c holds only part of one (c untouched); -EBADMSG, as soon as the 19-byte
 * header is in, for a marker that is not all ones or a length outside
 * 19..4096 (RFC 4271 §4.1). */
MUST_USE int bgpmsg_next(struct cursor *c, uint8_t *type, struct cursor *body);
/* Add the number of prefixes in one UPDATE body's NLRI field to *n
 * (RFC 4271 §4.3); -EBADMSG if a length overruns the body or a prefix > /32. */
MUST_USE int bgpmsg_update_count(struct cursor body, uint64_t *n);
/* The hold time of an OPEN body (RFC 4271 §4.2). */
MUST_USE int bgpmsg_open_hold(struct cursor body, uint16_t *hold);

/* Start a message of type t; *lenoff is where its length goes. */
void	bgpmsg_begin(struct wbuf *, uint8_t t, size_t *lenoff);
/* Fill in the length of the message that began at start. */
MUST_USE int bgpmsg_end(struct wbuf *, size_t start, size_t lenoff);
/* How many /24s fit in one UPDATE after path attributes of attrs_len bytes. */
unsigned bgpmsg_update_room(size_t attrs_len);
/* One UPDATE with the given path attributes and count /24s from first (host
 * order), each next one 256 addresses on. 0, -EMSGSIZE if they do not fit
 * in 4,096 bytes, or the wbuf's error. */
int	bgpmsg_update_put(struct wbuf *, const uint8_t *attrs, size_t attrs_len,
	    uint32_t first, unsigned count);

#endif
