/*
 * bgpd/msg_open.c - OPEN (RFC 4271 §4.2): parse with the syntactic checks of
 * §6.2, optional parameters incl. RFC 9072 extended length, open_check()
 * against what the session expects, and the writer.
 */
#include <string.h>

#include "bgpd/msg.h"

#define OPEN_FIXED	9	/* version, AS, hold time, BGP Identifier */
#define OPT_CAPA	2	/* RFC 5492 */
#define OPT_EXT		255	/* RFC 9072 §2 marker */

static int
open_fail(struct bgp_err *err, uint8_t sub, const void *data, size_t len)
{
	bgp_err_set(err, BGP_ERR_OPEN, sub, data, len);
	return -EBADMSG;
}

static int
open_bad_len(struct bgp_err *err, size_t body)
{
	size_t l = body + BGP_HDR_LEN;
	uint8_t d[2] = { (uint8_t)(l >> 8), (uint8_t)l };

	bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LEN, d, sizeof(d));
	return -EBADMSG;
}

/* RFC 4271 §6.2 and RFC 7607 on the fixed part. */
static int
open_fixed_check(const struct open_msg *m, struct bgp_err *err)
{
	static const uint8_t v4[2] = { 0, 4 };	/* the version we speak */

	if (m->version != 4)
		return open_fail(err, BGP_OPEN_BAD_VERSION, v4, sizeof(v4));
	if (m->my_as == 0)
		return open_fail(err, BGP_OPEN_BAD_PEER_AS, NULL, 0);
	if (m->hold == 1 || m->hold == 2)
		return open_fail(err, BGP_OPEN_BAD_HOLD, NULL, 0);
	if (m->bgp_id == 0)
		return open_fail(err, BGP_OPEN_BAD_ID, NULL, 0);
	return 0;
}

/* One optional parameter; ext selects 2-byte lengths (RFC 9072). */
static int
open_param_parse(struct cursor *c, bool ext, struct open_msg *m, struct bgp_err *err)
{
	struct cursor v;
	uint8_t type, l8;
	uint16_t len;

	if (cur_u8(c, &type) < 0)
		return open_fail(err, 0, NULL, 0);
	if (ext ? cur_u16(c, &len) < 0 : cur_u8(c, &l8) < 0)
		return open_fail(err, 0, NULL, 0);
	if (!ext)
		len = l8;
	if (cur_split(c, len, &v) < 0)
		return open_fail(err, 0, NULL, 0);
	if (type != OPT_CAPA)
		return open_fail(err, BGP_OPEN_BAD_PARAM, NULL, 0);
	return caps_parse(&v, &m->caps, err);
}

/* The optional parameters block: its length, then the parameters. */
static int
open_params_parse(struct cursor *c, struct open_msg *m, struct bgp_err *err)
{
	size_t body = cur_left(c) + OPEN_FIXED;
	struct cursor p;
	uint8_t l8, t;
	uint16_t len;

	if (cur_u8(c, &l8) < 0)
		return open_bad_len(err, body);
	len = l8;
	if (l8 == OPT_EXT && cur_peek_u8(c, 0, &t) == 0 && t == OPT_EXT) {
		m->ext_params = true;
		if (cur_skip(c, 1) < 0 || cur_u16(c, &len) < 0)
			return open_bad_len(err, body);
	}
	if (cur_left(c) != len)
		return open_bad_len(err, body);
	if (cur_split(c, len, &p) < 0)
		return open_bad_len(err, body);
	while (cur_left(&p) > 0)
		if (open_param_parse(&p, m->ext_params, m, err) < 0)
			return -EBADMSG;
	return 0;
}

int
msg_open_parse(struct cursor *c, struct open_msg *m, struct bgp_err *err)
{
	size_t body = cur_left(c);

	memset(m, 0, sizeof(*m));
	if (cur_u8(c, &m->version) < 0 || cur_u16(c, &m->my_as) < 0 ||
	    cur_u16(c, &m->hold) < 0 || cur_u32(c, &m->bgp_id) < 0)
		return open_bad_len(err, body);
	if (m->version != 4)		/* before anything else may be misread */
		return open_fixed_check(m, err);
	if (open_params_parse(c, m, err) < 0)
		return -EBADMSG;
	if (open_fixed_check(m, err) < 0)
		return -EBADMSG;
	if (m->caps.as4 && m->caps.as4_asn == 0)	/* RFC 7607 §2 */
		return open_fail(err, BGP_OPEN_BAD_PEER_AS, NULL, 0);
	return 0;
}

/* RFC 5492 §5: the data names the capability we wanted. */
static int
open_capa_missing(struct bgp_err *err, uint8_t code)
{
	uint8_t d[6] = { code, 0 };
	size_t n = 2;

	if (code == CAPA_MP || code == CAPA_ADDPATH) {
		d[1] = 4, d[2] = 0, d[3] = AFI_IPV4;
		d[4] = code == CAPA_MP ? 0 : SAFI_UNICAST;
		d[5] = code == CAPA_MP ? SAFI_UNICAST : ADDPATH_TX;
		n = 6;
	}
	return open_fail(err, BGP_OPEN_BAD_CAPA, d, n);
}

static int
open_caps_check(const struct bgp_caps *caps, const struct open_expect *x,
    struct bgp_err *err)
{
	if (x->require_as4 && !caps->as4)
		return open_capa_missing(err, CAPA_AS4);
	if (x->require_mp && !caps->mp_ipv4u)
		return open_capa_missing(err, CAPA_MP);
	if (x->require_extmsg && !caps->extmsg)
		return open_capa_missing(err, CAPA_EXTMSG);
	if (x->require_addpath_tx && !(caps->addpath_ipv4u & ADDPATH_TX))
		return open_capa_missing(err, CAPA_ADDPATH);
	return 0;
}

int
open_check(const struct open_msg *m, const struct open_expect *x, struct bgp_err *err)
{
	uint32_t as = open_peer_as(m);

	/* external: any AS but ours, and not AS_TRANS, no AS of its own (RFC 6793) */
	if ((x->remote_as != 0 && as != x->remote_as) ||
	    (x->external && (as == x->local_as || as == AS_TRANS)))
		return open_fail(err, BGP_OPEN_BAD_PEER_AS, NULL, 0);
	if (as == x->local_as && m->bgp_id == x->local_id)	/* RFC 6286 §2.2 */
		return open_fail(err, BGP_OPEN_BAD_ID, NULL, 0);
	if (x->min_hold != 0 && m->hold != 0 && m->hold < x->min_hold)
		return open_fail(err, BGP_OPEN_BAD_HOLD, NULL, 0);
	return open_caps_check(&m->caps, x, err);
}

int
msg_open_write(struct wbuf *w, uint32_t local_as, uint16_t hold, uint32_t bgp_id,
    const struct bgp_caps *caps)
{
	size_t off = msg_header_write(w, BGP_OPEN), plen, clen;

	wbuf_put_u8(w, 4);
	wbuf_put_u16(w, local_as > 0xffff ? AS_TRANS : (uint16_t)local_as);
	wbuf_put_u16(w, hold);
	wbuf_put_u32(w, bgp_id);
	wbuf_reserve(w, 1, &plen);
	wbuf_put_u8(w, OPT_CAPA);
	wbuf_reserve(w, 1, &clen);
	caps_write(w, caps);
	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if (wbuf_len(w) - clen - 1 > 253)	/* would need RFC 9072; ours never do */
		return -EMSGSIZE;
	w->buf[clen] = (uint8_t)(wbuf_len(w) - clen - 1);
	w->buf[plen] = (uint8_t)(wbuf_len(w) - plen - 1);
	return msg_header_close(w, off);
}
