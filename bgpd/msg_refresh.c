/*
 * bgpd/msg_refresh.c - ROUTE-REFRESH (RFC 2918 §3) with the enhanced
 * route refresh subtypes BoRR/EoRR (RFC 7313 §3.2).
 */
#include <string.h>

#include "bgpd/msg.h"

#define REFRESH_BODY	4

/* RFC 7313 §5: 7/1 carrying the complete message, header included. */
static int
refresh_bad_len(struct cursor *c, struct bgp_err *err)
{
	size_t body = cur_left(c), n;
	size_t len = body + BGP_HDR_LEN;

	memset(err->data, 0xff, BGP_MARKER_LEN);
	err->data[16] = (uint8_t)(len >> 8);
	err->data[17] = (uint8_t)len;
	err->data[18] = BGP_ROUTE_REFRESH;
	n = body > BGP_ERR_DATA_MAX - BGP_HDR_LEN ? BGP_ERR_DATA_MAX - BGP_HDR_LEN : body;
	if (cur_bytes(c, err->data + BGP_HDR_LEN, n) < 0)
		n = 0;
	err->code = BGP_ERR_REFRESH;
	err->subcode = BGP_REFRESH_BAD_LEN;
	err->len = (uint16_t)(BGP_HDR_LEN + n);
	return -EBADMSG;
}

int
msg_refresh_parse(struct cursor *c, struct refresh_msg *r, struct bgp_err *err)
{
	if (cur_left(c) != REFRESH_BODY)
		return refresh_bad_len(c, err);
	if (cur_u16(c, &r->afi) < 0 || cur_u8(c, &r->subtype) < 0 ||
	    cur_u8(c, &r->safi) < 0)
		return refresh_bad_len(c, err);
	return 0;
}

int
msg_refresh_write(struct wbuf *w, const struct refresh_msg *r)
{
	size_t off = msg_header_write(w, BGP_ROUTE_REFRESH);

	wbuf_put_u16(w, r->afi);
	wbuf_put_u8(w, r->subtype);
	wbuf_put_u8(w, r->safi);
	return msg_header_close(w, off);
}
