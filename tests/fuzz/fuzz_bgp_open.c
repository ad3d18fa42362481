/*
 * tests/fuzz/fuzz_bgp_open.c - libFuzzer target: a whole OPEN message as the
 * session reads it (header, then body), then open_check and a re-encode of
 * what was accepted, which must parse again.
 */
#include <stdlib.h>

#include "bgpd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reencode(const struct open_msg *m)
{
	struct wbuf w;
	struct cursor c;
	struct bgp_hdr h;
	struct open_msg back;
	struct bgp_err e;

	wbuf_init(&w, BGP_MAX_LEN);
	if (msg_open_write(&w, open_peer_as(m), m->hold, m->bgp_id, &m->caps) == 0) {
		c = cur_init(wbuf_data(&w), wbuf_len(&w));
		if (msg_header_parse(&c, false, &h, &e) != 0 || msg_open_parse(&c, &back, &e) != 0)
			abort();
		if (open_peer_as(&back) != open_peer_as(m) || back.caps.addpath_ipv4u !=
		    m->caps.addpath_ipv4u || back.caps.gr_time != m->caps.gr_time)
			abort();
	}
	wbuf_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size), body;
	struct open_expect x = { .remote_as = 65001, .local_as = 65000, .local_id = 1,
		.require_as4 = true };
	struct bgp_hdr h;
	struct bgp_err e;
	struct open_msg m;

	if (msg_header_parse(&c, false, &h, &e) != 0 || h.type != BGP_OPEN)
		return 0;
	if (cur_split(&c, h.len - BGP_HDR_LEN, &body) < 0)
		return 0;
	if (msg_open_parse(&body, &m, &e) != 0)
		return 0;
	(void)open_check(&m, &x, &e);
	reencode(&m);
	return 0;
}
