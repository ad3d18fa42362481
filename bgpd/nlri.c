/*
 * bgpd/nlri.c - IPv4 unicast NLRI: (length, prefix) with an optional 4-byte
 * path identifier in front (RFC 4271 §4.3, RFC 7911 §3). A prefix length
 * above 32, or bytes running past the field, makes the field unparseable:
 * RFC 7606 §5.3 then leaves only a session reset.
 */
#include "bgpd/attr_parse.h"

int
nlri_parse(struct cursor *c, bool addpath, struct nlri *n)
{
	uint8_t len, b[4] = { 0 };
	uint32_t a;

	n->path_id = 0;
	if (addpath && cur_u32(c, &n->path_id) < 0)
		return -EBADMSG;
	if (cur_u8(c, &len) < 0 || len > 32)
		return -EBADMSG;
	if (cur_bytes(c, b, (len + 7u) / 8u) < 0)
		return -EBADMSG;
	a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	n->pfx.addr = a & prefix_mask(len);	/* trailing bits are irrelevant (§4.3) */
	n->pfx.len = len;
	return 0;
}

void
nlri_write(struct wbuf *w, bool addpath, const struct nlri *n)
{
	uint8_t b[4] = { (uint8_t)(n->pfx.addr >> 24), (uint8_t)(n->pfx.addr >> 16),
		(uint8_t)(n->pfx.addr >> 8), (uint8_t)n->pfx.addr };

	if (addpath)
		wbuf_put_u32(w, n->path_id);
	wbuf_put_u8(w, n->pfx.len);
	wbuf_put(w, b, (n->pfx.len + 7u) / 8u);
}

int
nlri_list_parse(struct cursor *c, struct upd_state *s, bool withdraw)
{
	struct nlri n;

	while (cur_left(c) > 0) {
		if (nlri_parse(c, s->ctx->addpath_rx, &n) < 0)
			return -EBADMSG;
		upd_nlri_add(s, withdraw, &n);
	}
	return 0;
}
