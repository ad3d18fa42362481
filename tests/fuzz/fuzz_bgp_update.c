/*
 * tests/fuzz/fuzz_bgp_update.c - libFuzzer target: an UPDATE body under the
 * session flags chosen by the first input byte (bit 0 as4, 1 addpath, 2 ebgp,
 * 3 extmsg). What was accepted is encoded again and must parse back whole:
 * same prefixes, and on 4-octet sessions the very same interned set.
 */
#include <stdlib.h>

#include "bgpd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reparse(const struct msg_ctx *ctx, struct attrs_tab *tab, const struct update_msg *u)
{
	struct update_out o = { u->attrs, u->announced, u->nannounced, 0 };
	struct update_msg back;
	size_t got = 0;

	msg_update_init(&back);
	while (o.done < o.n) {
		struct wbuf w;
		struct cursor c;
		struct bgp_hdr h;
		struct bgp_err e;

		wbuf_init(&w, msg_max_len(ctx));
		if (msg_update_write(&w, ctx, &o) != 0) {	/* grew past the size: 2-octet AS4_PATH */
			wbuf_free(&w);
			break;
		}
		c = cur_init(wbuf_data(&w), wbuf_len(&w));
		if (msg_header_parse(&c, ctx->extmsg, &h, &e) != 0 ||
		    msg_update_parse(&c, ctx, tab, &back) != V_OK)
			abort();
		if (ctx->as4 && back.attrs != u->attrs)
			abort();
		got += back.nannounced;
		wbuf_free(&w);
	}
	if (o.done == o.n && got != o.n)
		abort();
	msg_update_fini(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_ctx ctx;
	struct attrs_tab *tab;
	struct update_msg u;
	struct cursor c;

	if (size < 1)
		return 0;
	ctx = (struct msg_ctx){ .as4 = data[0] & 1, .addpath_rx = data[0] & 2,
		.addpath_tx = data[0] & 2, .ebgp = data[0] & 4, .extmsg = data[0] & 8 };
	c = cur_init(data + 1, size - 1);
	tab = attrs_tab_new();
	msg_update_init(&u);
	if (msg_update_parse(&c, &ctx, tab, &u) != V_SESSION_RESET && u.nannounced > 0) {
		(void)aspath_count(u.attrs->aspath, u.attrs->aspath_words);
		(void)attrs_link_bw(u.attrs);
		reparse(&ctx, tab, &u);
	}
	msg_update_fini(&u);
	if (attrs_tab_free(tab) != 0)
		abort();		/* a reference leaked */
	return 0;
}
