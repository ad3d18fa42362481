/*
 * bgpd/msg_update.c - UPDATE parsing (RFC 4271 §4.3, §6.3) with the error
 * handling of RFC 7606. The attribute table below says, once per type, the
 * expected Optional/Transitive bits, the allowed lengths, the parser and
 * the RFC 7606 §7 action on error; flag, length and duplicate checks live
 * only in attr_dispatch(). The result is whole and checked: withdrawn and
 * announced prefixes and one interned attribute set.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/attr_parse.h"
#include "lib/log.h"

#define O	ATTR_OPTIONAL
#define T	ATTR_TRANSITIVE
#define ONLY_IBGP	0x1	/* from eBGP: discarded (RFC 7606 §7.5, §7.9, §7.10) */
#define ONLY_AS2	0x2	/* on a 4-octet session: discarded (RFC 6793 §4.1) */
#define NOLIM		0xffff

struct attr_desc {
	const char	*name;
	uint8_t		 flags;			/* expected OPTIONAL | TRANSITIVE */
	uint16_t	 len_min, len_max;
	uint8_t		 len_mod;		/* length a multiple of this */
	int		(*parse)(struct cursor *, struct upd_state *);
	enum verdict	 on_error;
	uint8_t		 subcode;		/* NOTIFICATION subcode for a reset */
	uint8_t		 only;
};

static const struct attr_desc attr_descs[256] = {
	[ATTR_ORIGIN] = { "ORIGIN", T, 1, 1, 1, attr_origin_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_BAD_ORIGIN, 0 },
	[ATTR_AS_PATH] = { "AS_PATH", T, 0, NOLIM, 1, attr_aspath_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_BAD_ASPATH, 0 },
	[ATTR_NEXT_HOP] = { "NEXT_HOP", T, 4, 4, 1, attr_nexthop_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_BAD_NEXTHOP, 0 },
	[ATTR_MED] = { "MULTI_EXIT_DISC", O, 4, 4, 1, attr_med_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_LOCAL_PREF] = { "LOCAL_PREF", T, 4, 4, 1, attr_localpref_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_ATTR_LEN, ONLY_IBGP },
	[ATTR_ATOMIC_AGGR] = { "ATOMIC_AGGREGATE", T, 0, 0, 1, attr_atomic_parse, V_ATTR_DISCARD, BGP_UPD_ATTR_LEN, 0 },
	[ATTR_AGGREGATOR] = { "AGGREGATOR", O | T, 6, 8, 1, attr_aggregator_parse, V_ATTR_DISCARD, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_COMMUNITIES] = { "COMMUNITIES", O | T, 4, NOLIM, 4, attr_comm_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", O, 4, 4, 1, attr_originator_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, ONLY_IBGP },
	[ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", O, 4, NOLIM, 4, attr_cluster_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, ONLY_IBGP },
	/* RFC 7606 §7.11: an MP attribute we cannot parse leaves us unable to find its NLRI */
	[ATTR_MP_REACH] = { "MP_REACH_NLRI", O, 5, NOLIM, 1, attr_mp_reach_parse, V_SESSION_RESET, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_MP_UNREACH] = { "MP_UNREACH_NLRI", O, 3, NOLIM, 1, attr_mp_unreach_parse, V_SESSION_RESET, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", O | T, 8, NOLIM, 8, attr_ext_comm_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, 0 },
	[ATTR_AS4_PATH] = { "AS4_PATH", O | T, 2, NOLIM, 1, attr_as4path_parse, V_ATTR_DISCARD, BGP_UPD_OPT_ATTR, ONLY_AS2 },
	[ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", O | T, 8, 8, 1, attr_as4_aggregator_parse, V_ATTR_DISCARD, BGP_UPD_OPT_ATTR, ONLY_AS2 },
	[ATTR_LARGE_COMMUNITIES] = { "LARGE_COMMUNITIES", O | T, 12, NOLIM, 12, attr_large_comm_parse, V_TREAT_AS_WITHDRAW, BGP_UPD_OPT_ATTR, 0 },
};

/*
 * Scratch bound: AS_PATH and AS4_PATH take at most 2x their wire bytes as
 * words, their merge at most that again, everything else 1x, unknown
 * attributes 1x of the block: 5 x the body plus alignment covers any UPDATE.
 */
#define SCRATCH_LEN(body)	(5 * (body) + 4096)

void *
upd_alloc(struct upd_state *s, size_t bytes)
{
	size_t at = (s->used + 7) & ~(size_t)7;
	void *p;

	if (at > s->cap || bytes > s->cap - at)
		fatalx("update scratch overflow (%zu + %zu)", at, bytes);
	p = s->scratch + at;
	s->used = at + bytes;
	return p;
}

static void
nlri_grow(struct nlri **v, size_t *cap, size_t want)
{
	size_t ncap = *cap ? *cap : 64;
	struct nlri *nv;

	while (ncap < want)
		ncap *= 2;
	if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
		fatal("update nlri");
	*v = nv;
	*cap = ncap;
}

void
upd_nlri_add(struct upd_state *s, bool withdraw, const struct nlri *n)
{
	struct update_msg *u = s->u;

	if (withdraw) {
		if (u->nwithdrawn == u->cap_w)
			nlri_grow(&u->withdrawn, &u->cap_w, u->nwithdrawn + 1);
		u->withdrawn[u->nwithdrawn++] = *n;
	} else {
		if (u->nannounced == u->cap_a)
			nlri_grow(&u->announced, &u->cap_a, u->nannounced + 1);
		u->announced[u->nannounced++] = *n;
	}
}

void
msg_update_init(struct update_msg *u)
{
	memset(u, 0, sizeof(*u));
}

/* Grown to the largest UPDATE seen; a session's stays at a few KiB without extended messages. */
static void
upd_scratch_size(struct update_msg *u, size_t body)
{
	size_t need = SCRATCH_LEN(body);

	if (u->cap_scratch >= need)
		return;
	free(u->scratch);
	if ((u->scratch = malloc(need)) == NULL)
		fatal("update scratch");
	u->cap_scratch = need;
}

void
msg_update_fini(struct update_msg *u)
{
	attrs_put(u->attrs);
	free(u->withdrawn);
	free(u->announced);
	free(u->scratch);
	memset(u, 0, sizeof(*u));
}

static void
upd_reset(struct upd_state *s, const struct msg_ctx *ctx, struct update_msg *u, size_t body)
{
	upd_scratch_size(u, body);
	attrs_put(u->attrs);
	u->attrs = NULL;
	u->verdict = V_OK;
	u->nwithdrawn = u->nannounced = 0;
	u->eor = false;
	u->discarded = 0;
	u->unknown_skipped = 0;
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->u = u;
	s->scratch = (uint8_t *)u->scratch;
	s->cap = u->cap_scratch;
}

static enum verdict
upd_worse(struct upd_state *s, enum verdict v)
{
	if (v > s->u->verdict)
		s->u->verdict = v;
	return s->u->verdict;
}

static enum verdict
upd_fail(struct upd_state *s, uint8_t subcode, const void *data, size_t len)
{
	bgp_err_set(&s->u->err, BGP_ERR_UPDATE, subcode, data, len);
	return upd_worse(s, V_SESSION_RESET);
}

/* Keep an unknown optional transitive attribute, Partial bit set (RFC 4271 §5). */
static void
attr_unknown_keep(struct upd_state *s, uint8_t flags, uint8_t type, struct cursor *v,
    size_t block)
{
	size_t n = cur_left(v), at;

	if (s->unknown == NULL) {
		s->unknown = upd_alloc(s, block);
		s->unknown_cap = block;
	}
	at = s->tmpl.unknown_len;
	if (at + 4 + n > s->unknown_cap)	/* cannot happen: it came from this block */
		return;
	flags |= ATTR_PARTIAL;
	s->unknown[at++] = flags;
	s->unknown[at++] = type;
	if (flags & ATTR_EXTLEN)
		s->unknown[at++] = (uint8_t)(n >> 8);
	s->unknown[at++] = (uint8_t)n;
	if (cur_bytes(v, s->unknown + at, n) < 0)
		return;
	s->tmpl.unknown = s->unknown;
	s->tmpl.unknown_len = (uint16_t)(at + n);
}

static enum verdict
attr_unknown(struct upd_state *s, uint8_t flags, uint8_t type, struct cursor *v,
    size_t block)
{
	if (!(flags & ATTR_OPTIONAL))	/* RFC 4271 §6.3: unrecognized well-known */
		return upd_fail(s, BGP_UPD_UNKNOWN_WELLKNOWN, s->attr_start, s->attr_len);
	if (flags & ATTR_TRANSITIVE)
		attr_unknown_keep(s, flags, type, v, block);
	else
		s->u->unknown_skipped++;
	return s->u->verdict;
}

static bool
attr_len_ok(const struct attr_desc *d, size_t len)
{
	return len >= d->len_min && len <= d->len_max && len % d->len_mod == 0;
}

/* The RFC 7606 action for this attribute's error; a discard forgets what it set. */
static enum verdict
attr_error(struct upd_state *s, const struct attr_desc *d, uint8_t type,
    const struct attr_set *before)
{
	if (d->on_error == V_SESSION_RESET)
		return upd_fail(s, d->subcode, s->attr_start, s->attr_len);
	s->tmpl = *before;
	if (d->on_error == V_ATTR_DISCARD)
		s->u->discarded |= ATTRF(type);
	return upd_worse(s, d->on_error);
}

static enum verdict
attr_discard(struct upd_state *s, uint8_t type)
{
	if (type < 64)				/* duplicates of unknown types are not recorded */
		s->u->discarded |= ATTRF(type);
	return upd_worse(s, V_ATTR_DISCARD);
}

static bool
attr_seen(struct upd_state *s, uint8_t type)
{
	bool seen = s->seen[type / 8] & (1u << (type % 8));

	s->seen[type / 8] |= (uint8_t)(1u << (type % 8));
	return seen;
}

/* One attribute whose bytes are all there: flags, duplicates, length, then its parser. */
static enum verdict
attr_dispatch(struct upd_state *s, uint8_t flags, uint8_t type, struct cursor *v,
    size_t block)
{
	const struct attr_desc *d = &attr_descs[type];
	struct attr_set before = s->tmpl;

	if (attr_seen(s, type)) {		/* RFC 7606 §3.g */
		if (type == ATTR_MP_REACH || type == ATTR_MP_UNREACH)
			return upd_fail(s, BGP_UPD_MALFORMED_ATTRS, NULL, 0);
		return attr_discard(s, type);
	}
	if (d->parse == NULL)
		return attr_unknown(s, flags, type, v, block);
	if (((d->only & ONLY_IBGP) && s->ctx->ebgp) || ((d->only & ONLY_AS2) && s->ctx->as4))
		return attr_discard(s, type);
	if ((flags & (O | T)) != d->flags || !attr_len_ok(d, cur_left(v)) ||
	    d->parse(v, s) < 0 || cur_left(v) != 0)
		return attr_error(s, d, type, &before);
	s->tmpl.present |= ATTRF(type);
	return s->u->verdict;
}

/*
 * Walk the path attributes. RFC 7606 §4: a header or length running past the
 * block is treat-as-withdraw, and the block's own length still finds the NLRI.
 */
static enum verdict
attrs_walk(struct cursor *c, struct upd_state *s)
{
	size_t block = cur_left(c);
	struct cursor v;
	uint8_t flags, type, l8;
	uint16_t len;

	while (cur_left(c) > 0 && s->u->verdict != V_SESSION_RESET) {
		s->attr_start = c->p;
		if (cur_u8(c, &flags) < 0 || cur_u8(c, &type) < 0)
			return upd_worse(s, V_TREAT_AS_WITHDRAW);
		if (flags & ATTR_EXTLEN ? cur_u16(c, &len) < 0 : cur_u8(c, &l8) < 0)
			return upd_worse(s, V_TREAT_AS_WITHDRAW);
		if (!(flags & ATTR_EXTLEN))
			len = l8;
		s->attr_len = (flags & ATTR_EXTLEN ? 4u : 3u) + len;
		if (cur_split(c, len, &v) < 0)
			return upd_worse(s, V_TREAT_AS_WITHDRAW);
		attr_dispatch(s, flags, type, &v, block);
	}
	return s->u->verdict;
}

/* RFC 7606 §3.d: with NLRI present, a missing mandatory attribute withdraws. */
static void
attrs_mandatory_check(struct upd_state *s)
{
	uint64_t p = s->tmpl.present;

	if (s->u->nannounced == 0)
		return;
	if (!(p & ATTRF(ATTR_ORIGIN)) || !(p & ATTRF(ATTR_AS_PATH)))
		upd_worse(s, V_TREAT_AS_WITHDRAW);
	if (s->nlri_field_n > 0 && !(p & ATTRF(ATTR_NEXT_HOP)))
		upd_worse(s, V_TREAT_AS_WITHDRAW);
}

/*
 * MP_REACH's next hop serves its NLRI. One set serves the whole UPDATE, so
 * an NLRI field with a different NEXT_HOP in the same message is withdrawn
 * (no implementation we know sends that).
 */
static void
attrs_nexthop_settle(struct upd_state *s)
{
	struct attr_set *t = &s->tmpl;

	/* MP and AS4 attributes are folded into the set's fields, not kept as such. */
	t->present &= ~(ATTRF(ATTR_MP_REACH) | ATTRF(ATTR_MP_UNREACH) |
	    ATTRF(ATTR_AS4_PATH) | ATTRF(ATTR_AS4_AGGREGATOR));
	if (!s->has_mp_reach)
		return;
	if (s->mp_nexthop_bad)
		upd_worse(s, V_TREAT_AS_WITHDRAW);
	if (s->nlri_field_n > 0 && (t->present & ATTRF(ATTR_NEXT_HOP)) &&
	    t->nexthop != s->mp_nexthop)
		upd_worse(s, V_TREAT_AS_WITHDRAW);
	t->nexthop = s->mp_nexthop;
	t->present |= ATTRF(ATTR_NEXT_HOP);
}

/* Treat-as-withdraw: every announced prefix becomes a withdrawal (RFC 7606 §2). */
static void
upd_withdraw_all(struct upd_state *s)
{
	for (size_t i = 0; i < s->u->nannounced; i++)
		upd_nlri_add(s, true, &s->u->announced[i]);
	s->u->nannounced = 0;
}

/* The three length-delimited parts; a length past the message is 3/1 (RFC 7606 §4). */
static enum verdict
upd_split(struct cursor *c, struct upd_state *s, struct cursor *wd, struct cursor *at)
{
	uint16_t wlen, alen;

	if (cur_u16(c, &wlen) < 0 || cur_split(c, wlen, wd) < 0 ||
	    cur_u16(c, &alen) < 0 || cur_split(c, alen, at) < 0)
		return upd_fail(s, BGP_UPD_MALFORMED_ATTRS, NULL, 0);
	if (nlri_list_parse(wd, s, true) < 0 || nlri_list_parse(c, s, false) < 0)
		return upd_fail(s, BGP_UPD_BAD_NETWORK, NULL, 0);	/* §5.3 */
	s->nlri_field_n = s->u->nannounced;
	return V_OK;
}

static void
upd_finish(struct upd_state *s, struct attrs_tab *tab, bool empty)
{
	struct update_msg *u = s->u;

	attrs_mandatory_check(s);
	attrs_nexthop_settle(s);
	attr_as4_merge(s);
	if (u->verdict == V_TREAT_AS_WITHDRAW)
		upd_withdraw_all(s);
	if (u->nannounced > 0)
		u->attrs = attrs_get(tab, &s->tmpl);
	u->eor = empty && u->nwithdrawn == 0 && u->nannounced == 0;
}

/* End-of-RIB: no attributes, or only an empty IPv4 unicast MP_UNREACH (RFC 4724 §2). */
static bool
upd_is_eor_shape(const struct cursor *at)
{
	uint8_t type, len, afi_lo, safi;

	if (cur_left(at) == 0)
		return true;
	if (cur_left(at) != 6 || cur_peek_u8(at, 1, &type) < 0 || cur_peek_u8(at, 2, &len) < 0 ||
	    cur_peek_u8(at, 4, &afi_lo) < 0 || cur_peek_u8(at, 5, &safi) < 0)
		return false;
	return type == ATTR_MP_UNREACH && len == 3 && afi_lo == AFI_IPV4 && safi == SAFI_UNICAST;
}

enum verdict
msg_update_parse(struct cursor *c, const struct msg_ctx *ctx, struct attrs_tab *tab,
    struct update_msg *u)
{
	struct upd_state s;
	struct cursor wd, at;
	bool empty;

	upd_reset(&s, ctx, u, cur_left(c));
	if (upd_split(c, &s, &wd, &at) == V_SESSION_RESET)
		return u->verdict;
	empty = upd_is_eor_shape(&at);
	if (attrs_walk(&at, &s) == V_SESSION_RESET)
		return u->verdict;
	upd_finish(&s, tab, empty);
	return u->verdict;
}
