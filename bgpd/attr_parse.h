/*
 * bgpd/attr_parse.h - codec-internal: the state an UPDATE is parsed into and
 * the per-attribute parsers the table in msg_update.c dispatches to. Not
 * for use outside msg_update.c, attr_*.c and nlri.c.
 *
 * Each attr_*_parse gets a cursor over exactly its attribute's value and
 * returns 0, or -EBADMSG when the value is malformed; the caller applies the
 * attribute's RFC 7606 action from the table. Arrays go to the state's
 * scratch (upd_alloc) and are copied when the set is interned.
 */
#ifndef IPIP_BGPD_ATTR_PARSE_H
#define IPIP_BGPD_ATTR_PARSE_H

#include "bgpd/msg.h"

struct upd_state {
	const struct msg_ctx	*ctx;
	struct update_msg	*u;
	struct attr_set		 tmpl;
	uint8_t			*scratch;
	size_t			 used, cap;
	uint8_t			*unknown;	/* grows inside scratch, capacity unknown_cap */
	size_t			 unknown_cap;
	const uint32_t		*as4path;	/* RFC 6793 AS4_PATH, merged at the end */
	uint16_t		 as4path_words;
	uint32_t		 as4_aggr_as, as4_aggr_addr;
	uint32_t		 mp_nexthop;
	bool			 has_mp_reach, mp_nexthop_bad;
	size_t			 nlri_field_n;	/* announced prefixes from the NLRI field */
	bool			 has_as4path, has_as4_aggr;
	uint8_t			 seen[32];	/* bitmap of attribute types met */
	const uint8_t		*attr_start;	/* whole current attribute, for NOTIFICATION data */
	size_t			 attr_len;
};

/* 8-byte aligned bytes from the state's scratch; the bound is proven in msg_update.c. */
void	*upd_alloc(struct upd_state *, size_t bytes);
/* Append a prefix to the update's withdrawn or announced list. */
void	upd_nlri_add(struct upd_state *, bool withdraw, const struct nlri *);
/* Parse a whole NLRI field (withdrawn, NLRI, or inside MP_*) into the update. */
MUST_USE int nlri_list_parse(struct cursor *, struct upd_state *, bool withdraw);

/* RFC 4271 §6.3: 0.0.0.0, 127/8, 224/4 and 240/4 are never next hops. */
bool	nexthop_is_martian(uint32_t addr);

MUST_USE int attr_u32_list_parse(struct cursor *, struct upd_state *, const uint32_t **out,
	    uint16_t *n);
int	attr_origin_parse(struct cursor *, struct upd_state *);
int	attr_nexthop_parse(struct cursor *, struct upd_state *);
int	attr_med_parse(struct cursor *, struct upd_state *);
int	attr_localpref_parse(struct cursor *, struct upd_state *);
int	attr_atomic_parse(struct cursor *, struct upd_state *);
int	attr_aggregator_parse(struct cursor *, struct upd_state *);
int	attr_as4_aggregator_parse(struct cursor *, struct upd_state *);
int	attr_originator_parse(struct cursor *, struct upd_state *);
int	attr_cluster_parse(struct cursor *, struct upd_state *);
int	attr_aspath_parse(struct cursor *, struct upd_state *);
int	attr_as4path_parse(struct cursor *, struct upd_state *);
int	attr_comm_parse(struct cursor *, struct upd_state *);
int	attr_ext_comm_parse(struct cursor *, struct upd_state *);
int	attr_large_comm_parse(struct cursor *, struct upd_state *);
int	attr_mp_reach_parse(struct cursor *, struct upd_state *);
int	attr_mp_unreach_parse(struct cursor *, struct upd_state *);

/* RFC 6793 §4.2.3: fold AS4_PATH / AS4_AGGREGATOR into the template. */
void	attr_as4_merge(struct upd_state *);

/* AS path wire form (attr_aspath.c). */
size_t	aspath_wire_len(const uint32_t *w, uint16_t n, bool as4, bool strip_confed);
void	aspath_write(struct wbuf *, const uint32_t *w, uint16_t n, bool as4, bool strip_confed);
bool	aspath_needs_as4(const uint32_t *w, uint16_t n);

/* Writers (attr_write.c): the attribute block of one UPDATE. */
void	attr_set_write(struct wbuf *, const struct attr_set *, const struct msg_ctx *);

#endif
