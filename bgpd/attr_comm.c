/*
 * bgpd/attr_comm.c - community attributes: COMMUNITIES (RFC 1997),
 * EXTENDED_COMMUNITIES (RFC 4360) and LARGE_COMMUNITIES (RFC 8092), kept in
 * host order inside the set; and the link-bandwidth extended community
 * (draft-ietf-idr-link-bandwidth) read out for unequal-cost multipath.
 * Lengths (non-zero multiples of 4, 8, 12) were checked by the table.
 */
#include <math.h>
#include <string.h>

#include "bgpd/attr_parse.h"

int
attr_comm_parse(struct cursor *c, struct upd_state *s)
{
	return attr_u32_list_parse(c, s, &s->tmpl.comms, &s->tmpl.ncomms);
}

int
attr_ext_comm_parse(struct cursor *c, struct upd_state *s)
{
	size_t n = cur_left(c) / 8;
	uint64_t *v = upd_alloc(s, n * 8);

	for (size_t i = 0; i < n; i++)
		if (cur_u64(c, &v[i]) < 0)
			return -EBADMSG;
	s->tmpl.ext_comms = v;
	s->tmpl.next_comms = (uint16_t)n;
	return 0;
}

int
attr_large_comm_parse(struct cursor *c, struct upd_state *s)
{
	size_t n = cur_left(c) / 12;
	struct lcomm *v = upd_alloc(s, n * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		if (cur_u32(c, &v[i].global) < 0 || cur_u32(c, &v[i].local1) < 0 ||
		    cur_u32(c, &v[i].local2) < 0)
			return -EBADMSG;
	s->tmpl.lcomms = v;
	s->tmpl.nlcomms = (uint16_t)n;
	return 0;
}

/* Type 0x40 (non-transitive two-octet AS) or 0x00, subtype 0x04: AS(2) + IEEE float bytes/s. */
float
attrs_link_bw(const struct attr_set *a)
{
	for (uint16_t i = 0; i < a->next_comms; i++) {
		uint64_t e = a->ext_comms[i];
		uint8_t type = (uint8_t)(e >> 56), sub = (uint8_t)(e >> 48);
		uint32_t bits = (uint32_t)e;
		float bw;

		if ((type & ~0x40) != 0x00 || sub != 0x04)
			continue;
		memcpy(&bw, &bits, sizeof(bw));
		if (!isnan(bw) && bw >= 0)
			return bw;
	}
	return -1;
}
