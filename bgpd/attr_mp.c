/*
 * bgpd/attr_mp.c - MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 §3, §4) for
 * IPv4 unicast; other AFI/SAFIs were not negotiated and are skipped. A
 * malformed MP attribute or its NLRI is a session reset (RFC 7606 §7.11,
 * §5.3): the table in msg_update.c says so.
 */
#include "bgpd/attr_parse.h"

#define IPV4_NH_LEN	4	/* RFC 8950 IPv6 next hops are not negotiated */

static bool
mp_is_ipv4u(uint16_t afi, uint8_t safi)
{
	return afi == AFI_IPV4 && safi == SAFI_UNICAST;
}

int
attr_mp_reach_parse(struct cursor *c, struct upd_state *s)
{
	uint16_t afi;
	uint8_t safi, nhlen, reserved;
	uint32_t nh;

	if (cur_u16(c, &afi) < 0 || cur_u8(c, &safi) < 0 || cur_u8(c, &nhlen) < 0)
		return -EBADMSG;
	if (!mp_is_ipv4u(afi, safi))
		return cur_skip(c, cur_left(c));
	if (nhlen != IPV4_NH_LEN || cur_u32(c, &nh) < 0 || cur_u8(c, &reserved) < 0)
		return -EBADMSG;
	if (nlri_list_parse(c, s, false) < 0)
		return -EBADMSG;
	/* RFC 7606 §7.11: a semantically bad next hop withdraws, it does not reset. */
	s->mp_nexthop_bad = nexthop_is_martian(nh);
	s->mp_nexthop = nh;
	s->has_mp_reach = true;
	return 0;
}

int
attr_mp_unreach_parse(struct cursor *c, struct upd_state *s)
{
	uint16_t afi;
	uint8_t safi;

	if (cur_u16(c, &afi) < 0 || cur_u8(c, &safi) < 0)
		return -EBADMSG;
	if (!mp_is_ipv4u(afi, safi))
		return cur_skip(c, cur_left(c));
	return nlri_list_parse(c, s, true);
}
