/*
 * bgpd/attr_basic.c - the fixed-size path attributes (RFC 4271 §5.1, RFC 4456,
 * RFC 6793): ORIGIN, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR,
 * AS4_AGGREGATOR, ORIGINATOR_ID, CLUSTER_LIST. Lengths and flags were checked
 * by the table in msg_update.c; what is left here is the value's meaning.
 */
#include "bgpd/attr_parse.h"

int
attr_origin_parse(struct cursor *c, struct upd_state *s)
{
	if (cur_u8(c, &s->tmpl.origin) < 0 || s->tmpl.origin > ORIGIN_INCOMPLETE)
		return -EBADMSG;		/* RFC 7606 §7.1 */
	return 0;
}

/* RFC 4271 §6.3: a next hop that can never be one (0/8 host 0, loopback, class D/E). */
bool
nexthop_is_martian(uint32_t a)
{
	return a == 0 || (a >> 24) == 127 || (a >> 28) >= 0xe;
}

int
attr_nexthop_parse(struct cursor *c, struct upd_state *s)
{
	if (cur_u32(c, &s->tmpl.nexthop) < 0 || nexthop_is_martian(s->tmpl.nexthop))
		return -EBADMSG;		/* RFC 7606 §7.3 */
	return 0;
}

int
attr_med_parse(struct cursor *c, struct upd_state *s)
{
	return cur_u32(c, &s->tmpl.med);
}

int
attr_localpref_parse(struct cursor *c, struct upd_state *s)
{
	return cur_u32(c, &s->tmpl.local_pref);
}

int
attr_atomic_parse(struct cursor *c, struct upd_state *s)
{
	(void)s;
	return cur_left(c) == 0 ? 0 : -EBADMSG;
}

/* RFC 7606 §7.7: 6 bytes on a 2-octet session, 8 on a 4-octet one; AS 0 is bad (RFC 7607). */
int
attr_aggregator_parse(struct cursor *c, struct upd_state *s)
{
	uint16_t as2;

	if (cur_left(c) != (s->ctx->as4 ? 8u : 6u))
		return -EBADMSG;
	if (s->ctx->as4) {
		if (cur_u32(c, &s->tmpl.aggr_as) < 0)
			return -EBADMSG;
	} else {
		if (cur_u16(c, &as2) < 0)
			return -EBADMSG;
		s->tmpl.aggr_as = as2;
	}
	if (cur_u32(c, &s->tmpl.aggr_addr) < 0 || s->tmpl.aggr_as == 0)
		return -EBADMSG;
	return 0;
}

int
attr_as4_aggregator_parse(struct cursor *c, struct upd_state *s)
{
	if (cur_u32(c, &s->as4_aggr_as) < 0 || cur_u32(c, &s->as4_aggr_addr) < 0 ||
	    s->as4_aggr_as == 0)
		return -EBADMSG;
	s->has_as4_aggr = true;
	return 0;
}

int
attr_originator_parse(struct cursor *c, struct upd_state *s)
{
	return cur_u32(c, &s->tmpl.originator_id);
}

/* A list of 4-byte values (COMMUNITIES, CLUSTER_LIST) into scratch, host order. */
int
attr_u32_list_parse(struct cursor *c, struct upd_state *s, const uint32_t **out, uint16_t *n)
{
	size_t k = cur_left(c) / 4;
	uint32_t *v = upd_alloc(s, k * 4);

	for (size_t i = 0; i < k; i++)
		if (cur_u32(c, &v[i]) < 0)
			return -EBADMSG;
	*out = v;
	*n = (uint16_t)k;
	return 0;
}

int
attr_cluster_parse(struct cursor *c, struct upd_state *s)
{
	return attr_u32_list_parse(c, s, &s->tmpl.cluster, &s->tmpl.ncluster);
}
