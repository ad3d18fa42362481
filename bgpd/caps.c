/*
 * bgpd/caps.c - capabilities in OPEN (RFC 5492): parse into struct bgp_caps,
 * write ours, and negotiate what holds on a session. Only IPv4 unicast is
 * kept in detail; other AFI/SAFIs are counted. Unknown capabilities are
 * ignored and counted (RFC 5492 §5). Table-driven: one row per code with its
 * allowed lengths, so length checks exist once.
 */
#include <string.h>

#include "bgpd/msg.h"

#define CAPA_RR_OLD	128	/* pre-standard route refresh, still sent by some */

struct capa_desc {
	uint8_t	code;
	uint8_t	len_min, len_max, len_mod;	/* value length range; multiple of mod */
	int	(*parse)(struct cursor *, struct bgp_caps *);
};

static bool
is_ipv4u(uint16_t afi, uint8_t safi)
{
	return afi == AFI_IPV4 && safi == SAFI_UNICAST;
}

static int
capa_mp_parse(struct cursor *c, struct bgp_caps *caps)
{
	uint16_t afi;
	uint8_t res, safi;

	if (cur_u16(c, &afi) < 0 || cur_u8(c, &res) < 0 || cur_u8(c, &safi) < 0)
		return -EBADMSG;
	if (is_ipv4u(afi, safi))
		caps->mp_ipv4u = true;
	else
		caps->mp_other++;
	return 0;
}

static int
capa_rr_parse(struct cursor *c, struct bgp_caps *caps)
{
	(void)c;
	caps->route_refresh = true;
	return 0;
}

static int
capa_enh_rr_parse(struct cursor *c, struct bgp_caps *caps)
{
	(void)c;
	caps->enhanced_rr = true;
	return 0;
}

static int
capa_extmsg_parse(struct cursor *c, struct bgp_caps *caps)
{
	(void)c;
	caps->extmsg = true;
	return 0;
}

static int
capa_as4_parse(struct cursor *c, struct bgp_caps *caps)
{
	caps->as4 = true;
	return cur_u32(c, &caps->as4_asn);
}

/* RFC 7911 §4: (AFI, SAFI, send/receive) tuples; other values are ignored. */
static int
capa_addpath_parse(struct cursor *c, struct bgp_caps *caps)
{
	uint16_t afi;
	uint8_t safi, sr;

	while (cur_left(c) > 0) {
		if (cur_u16(c, &afi) < 0 || cur_u8(c, &safi) < 0 || cur_u8(c, &sr) < 0)
			return -EBADMSG;
		if (is_ipv4u(afi, safi) && sr >= 1 && sr <= 3)
			caps->addpath_ipv4u = sr;
	}
	return 0;
}

/* RFC 4724 §3: 4 flag bits, 12-bit restart time, then (AFI, SAFI, flags). */
static int
capa_gr_parse(struct cursor *c, struct bgp_caps *caps)
{
	uint16_t ft, afi;
	uint8_t safi, fl;

	if (cur_u16(c, &ft) < 0)
		return -EBADMSG;
	caps->gr = true;
	caps->gr_flags = (uint8_t)(ft >> 12);
	caps->gr_time = ft & GR_TIME_MAX;
	while (cur_left(c) > 0) {
		if (cur_u16(c, &afi) < 0 || cur_u8(c, &safi) < 0 || cur_u8(c, &fl) < 0)
			return -EBADMSG;
		if (is_ipv4u(afi, safi)) {
			caps->gr_ipv4u = true;
			caps->gr_ipv4u_fwd = (fl & 0x80) != 0;
		}
	}
	return 0;
}

/* One length-prefixed name, kept printable: anything else becomes '?'. */
static int
capa_name_parse(struct cursor *c, char *out)
{
	uint8_t n, ch;
	size_t i;

	if (cur_u8(c, &n) < 0)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (cur_u8(c, &ch) < 0)
			return -EBADMSG;
		if (i < CAPS_NAME_MAX)
			out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[i < CAPS_NAME_MAX ? i : CAPS_NAME_MAX] = '\0';
	return 0;
}

/* draft-walton-bgp-hostname-capability: hostname then domain name. */
static int
capa_fqdn_parse(struct cursor *c, struct bgp_caps *caps)
{
	if (capa_name_parse(c, caps->hostname) < 0 ||
	    capa_name_parse(c, caps->domainname) < 0)
		return -EBADMSG;
	caps->fqdn = true;
	return 0;
}

static const struct capa_desc capa_descs[] = {
	{ CAPA_MP, 4, 4, 1, capa_mp_parse },
	{ CAPA_ROUTE_REFRESH, 0, 0, 1, capa_rr_parse },
	{ CAPA_RR_OLD, 0, 0, 1, capa_rr_parse },
	{ CAPA_EXTMSG, 0, 0, 1, capa_extmsg_parse },
	{ CAPA_GR, 2, 254, 2, capa_gr_parse },
	{ CAPA_AS4, 4, 4, 1, capa_as4_parse },
	{ CAPA_ADDPATH, 4, 252, 4, capa_addpath_parse },
	{ CAPA_ENH_RR, 0, 0, 1, capa_enh_rr_parse },
	{ CAPA_FQDN, 2, 255, 1, capa_fqdn_parse },
};

static const struct capa_desc *
capa_desc_find(uint8_t code)
{
	for (size_t i = 0; i < ARRAY_SIZE(capa_descs); i++)
		if (capa_descs[i].code == code)
			return &capa_descs[i];
	return NULL;
}

static bool
capa_len_ok(const struct capa_desc *d, uint8_t len)
{
	if (len < d->len_min || len > d->len_max)
		return false;
	if (d->code == CAPA_GR)		/* 2-byte header + 4-byte tuples */
		return (len - 2) % 4 == 0;
	return len % d->len_mod == 0;
}

static int
caps_one_parse(struct cursor *c, struct bgp_caps *caps)
{
	const struct capa_desc *d;
	struct cursor v;
	uint8_t code, len;

	if (cur_u8(c, &code) < 0 || cur_u8(c, &len) < 0 || cur_split(c, len, &v) < 0)
		return -EBADMSG;
	if ((d = capa_desc_find(code)) == NULL) {
		caps->unknown++;
		return 0;
	}
	if (!capa_len_ok(d, len) || d->parse(&v, caps) < 0 || cur_left(&v) != 0)
		return -EBADMSG;
	return 0;
}

int
caps_parse(struct cursor *c, struct bgp_caps *caps, struct bgp_err *err)
{
	while (cur_left(c) > 0)
		if (caps_one_parse(c, caps) < 0) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
			return -EBADMSG;
		}
	return 0;
}

static void
capa_put(struct wbuf *w, uint8_t code, uint8_t len)
{
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, len);
}

static void
capa_afi_put(struct wbuf *w, uint8_t code, uint8_t last)
{
	capa_put(w, code, 4);
	wbuf_put_u16(w, AFI_IPV4);
	wbuf_put_u8(w, code == CAPA_MP ? 0 : SAFI_UNICAST);
	wbuf_put_u8(w, code == CAPA_MP ? SAFI_UNICAST : last);
}

static void
capa_gr_write(struct wbuf *w, const struct bgp_caps *caps)
{
	capa_put(w, CAPA_GR, caps->gr_ipv4u ? 6 : 2);
	wbuf_put_u16(w, (uint16_t)((caps->gr_flags & 0xf) << 12 | (caps->gr_time & GR_TIME_MAX)));
	if (caps->gr_ipv4u) {
		wbuf_put_u16(w, AFI_IPV4);
		wbuf_put_u8(w, SAFI_UNICAST);
		wbuf_put_u8(w, caps->gr_ipv4u_fwd ? 0x80 : 0);
	}
}

static void
capa_fqdn_write(struct wbuf *w, const struct bgp_caps *caps)
{
	size_t h = strnlen(caps->hostname, CAPS_NAME_MAX);
	size_t d = strnlen(caps->domainname, CAPS_NAME_MAX);

	capa_put(w, CAPA_FQDN, (uint8_t)(2 + h + d));
	wbuf_put_u8(w, (uint8_t)h);
	wbuf_put(w, caps->hostname, h);
	wbuf_put_u8(w, (uint8_t)d);
	wbuf_put(w, caps->domainname, d);
}

void
caps_write(struct wbuf *w, const struct bgp_caps *caps)
{
	if (caps->mp_ipv4u)
		capa_afi_put(w, CAPA_MP, 0);
	if (caps->route_refresh)
		capa_put(w, CAPA_ROUTE_REFRESH, 0);
	if (caps->enhanced_rr)
		capa_put(w, CAPA_ENH_RR, 0);
	if (caps->extmsg)
		capa_put(w, CAPA_EXTMSG, 0);
	if (caps->as4) {
		capa_put(w, CAPA_AS4, 4);
		wbuf_put_u32(w, caps->as4_asn);
	}
	if (caps->addpath_ipv4u)
		capa_afi_put(w, CAPA_ADDPATH, caps->addpath_ipv4u & 3);
	if (caps->gr)
		capa_gr_write(w, caps);
	if (caps->fqdn)
		capa_fqdn_write(w, caps);
}

void
caps_negotiate(const struct bgp_caps *local, const struct bgp_caps *peer, bool ebgp,
    struct msg_ctx *ctx)
{
	*ctx = (struct msg_ctx){
		.as4 = local->as4 && peer->as4,
		.extmsg = local->extmsg && peer->extmsg,
		/* RFC 7911 §4: we receive if we said receive and they said send. */
		.addpath_rx = (local->addpath_ipv4u & ADDPATH_RX) && (peer->addpath_ipv4u & ADDPATH_TX),
		.addpath_tx = (local->addpath_ipv4u & ADDPATH_TX) && (peer->addpath_ipv4u & ADDPATH_RX),
		.ebgp = ebgp,
	};
}
