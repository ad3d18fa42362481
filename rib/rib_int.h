/*
 * rib/rib_int.h - what the files of the RIB core share; not for other modules.
 *
 * Memory layout (the point of the design, doc/rib.md has the figures):
 *  - a route (prefix node) is 28 bytes in a slab, addressed by a 32-bit
 *    index: PATRICIA links and bit, prefix, path count and its first path
 *    inline; every node of the tree is a route (no branch-only nodes);
 *  - a path is 12 bytes: a 32-bit handle of its interned attrs (their slab
 *    index, attrs.c), path id, 16-bit peer index, selection flags; a second
 *    path moves both to a 24-byte slab of pairs (2-way ECMP is common), a
 *    third to one malloc'd array.
 * No field needs more than 4-byte alignment (the array pointer of a route
 * with several paths is kept as bytes), so 28-byte routes packed in the
 * slab are never read misaligned.
 */
#ifndef IPIP_RIB_RIB_INT_H
#define IPIP_RIB_RIB_INT_H

#include <string.h>

#include "lib/hmap.h"
#include "lib/slab.h"
#include "rib/rib.h"

#define RIB_PATH_BEST		0x01
#define RIB_PATH_MULTIPATH	0x02

struct rib_path {
	uint32_t		 attrs;		/* handle (rib_path_attrs); one reference held */
	uint32_t		 path_id;
	uint16_t		 peer;		/* rib_peer.idx */
	uint8_t			 flags;		/* RIB_PATH_* as last announced */
	uint8_t			 gen;		/* the peer's refresh generation when announced */
};

/* PATRICIA node header (table.c explains the links). */
struct rib_tnode {
	uint32_t	child[2];	/* slab indices (0 = none: only the head's child[1]) */
	uint32_t	addr;
	uint8_t		len;
	uint8_t		bit;		/* 1 + the key bit its branch tests; 0: the head */
	uint16_t	npaths;		/* 0: a free slab slot, or just got */
};

struct rib_route {
	struct rib_tnode	t;
	union {
		struct rib_path	 one;	/* npaths <= 1 */
		struct {		/* npaths >= 2 */
			/* struct rib_path *, as bytes: a route is only 4-byte
			 * aligned (rib_route_paths reads it with memcpy) */
			unsigned char	 p[sizeof(struct rib_path *)];
			uint32_t	 pair;	/* slab index of p, 0: p is malloc'd */
		} many;
	} u;
};

_Static_assert(sizeof(struct rib_path) == 12, "rib_path: up to one per prefix inline");
_Static_assert(sizeof(struct rib_route) == 28, "rib_route: one per prefix, keep it packed");

#define RIB_SLAB_SHIFT	12	/* objects per chunk: 4096 */

/* Fixed-size objects in chunks that never move, addressed by index >= 1. */
struct rib_slab {
	uint8_t		**chunks;
	size_t		  nchunks;
	size_t		  objsize;
	uint32_t	  top;		/* next never-used index */
	uint32_t	  free;		/* free list head (0 = empty) */
	size_t		  live;
};

struct rib_table {
	uint32_t	root;		/* the head node, 0: empty */
	uint32_t	nlen[33];	/* routes per prefix length, for match */
	struct rib_slab	routes;
	struct rib_slab	pairs;		/* path arrays of 2-path routes */
	size_t		many_bytes;	/* malloc'd path arrays (3 paths or more) */
};

struct rib_attrs_table {
	struct slab		 entries;	/* struct rib_attrs_entry (attrs.c) */
	uint32_t		*buckets;	/* hash chains of entries' indices */
	size_t			 nbuckets;	/* power of two */
	size_t			 count;
};

struct rib {
	struct rib_opts		 opts;
	rib_change_fn		*change_cb;
	void			*change_arg;
	rib_paths_fn		*paths_cb;
	void			*paths_arg;
	struct rib_peer		**peers;	/* by idx; [0] unused */
	uint32_t		*peer_paths;	/* paths held per peer idx */
	struct hmap		*peer_nhs;	/* per peer idx: next hop -> its paths (nexthops.c) */
	struct hmap		 nh_live;	/* next hop -> paths of peers not going down */
	size_t			 npeers;	/* slots allocated */
	struct rib_table	 table;
	struct rib_attrs_table	 attrs;
	size_t			 npaths;
	uint32_t		 reselect_pos;	/* cursor of rib_reselect_all() */
};

/* table.c */
void	rib_table_init(struct rib_table *);
void	rib_table_fini(struct rib_table *);
struct rib_route *rib_table_find(const struct rib_table *, const struct prefix *);
/* The longest prefix in the table that covers p (p itself included), or NULL. */
struct rib_route *rib_table_match(const struct rib_table *, const struct prefix *);
/* Find or insert (npaths 0). NULL on out of memory. */
struct rib_route *rib_table_get(struct rib_table *, const struct prefix *);
/* Remove a route whose last path is gone. */
void	rib_table_del(struct rib_table *, const struct rib_route *);
/* Routes by slab index 1..limit-1 (unordered, stable): for chunked jobs. */
uint32_t rib_table_limit(const struct rib_table *);
struct rib_route *rib_table_at(const struct rib_table *, uint32_t idx);
size_t	rib_table_walk(const struct rib_table *, const struct prefix *after, size_t max,
	    rib_walk_fn *, void *arg);
size_t	rib_table_bytes(const struct rib_table *);

/* The paths of a route (npaths of them). */
static inline struct rib_path *
rib_route_paths(const struct rib_route *r)
{
	struct rib_path *p;

	if (r->t.npaths <= 1)
		return (struct rib_path *)&r->u.one;
	memcpy(&p, r->u.many.p, sizeof(p));
	return p;
}
MUST_USE int rib_route_path_append(struct rib_table *, struct rib_route *, const struct rib_path *);
void	rib_route_path_remove(struct rib_table *, struct rib_route *, size_t i);

/* nexthops.c: paths per (peer, next hop), for rib_peer_down (BGP PIC) */
void	rib_nh_init(struct rib *);
void	rib_nh_fini(struct rib *);
void	rib_nh_peer_init(struct rib *, uint16_t peer);
void	rib_nh_peer_fini(struct rib *, uint16_t peer);	/* its paths are gone */
/* One path of peer with this next hop more (delta +1) or less (-1). */
void	rib_nh_count(struct rib *, uint16_t peer, uint32_t nexthop, int delta);

/* attrs.c */
void	rib_attrs_init(struct rib_attrs_table *);
size_t	rib_attrs_fini(struct rib_attrs_table *);	/* returns leaked entries */
void	rib_attrs_ref(const struct rib_attrs *);
/* The handle a path keeps for attrs (from rib_attrs_get on this RIB). */
uint32_t rib_attrs_handle(const struct rib_attrs *);

/* The attrs of a path: its handle is an entry's slab index, and an entry
 * begins with them (attrs.c). Valid while the path lives. */
static inline const struct rib_attrs *
rib_path_attrs(const struct rib *rib, const struct rib_path *p)
{
	return slab_at(&rib->attrs.entries, p->attrs);
}

/* bestpath.c: one candidate of the decision process. */
struct rib_cand {
	const struct rib_peer	*peer;
	const struct rib_attrs	*attrs;
	uint32_t		 path_id;
	uint32_t		 igp_cost;
	size_t			 idx;		/* position among the route's paths */
};
bool	rib_cand_is_eligible(const struct rib_cand *);
/* <0: a is better, >0: b is better; *step names the deciding step. */
int	rib_bestpath_cmp(const struct rib_opts *, const struct rib_cand *a,
	    const struct rib_cand *b, enum rib_step *step);
/* Index of the best eligible candidate, n if none. */
size_t	rib_bestpath_select(const struct rib_opts *, const struct rib_cand *, size_t n);

/* multipath.c: fills sel (set, weights, order) and marks members in mp[]. */
void	rib_multipath_build(const struct rib_opts *, const struct rib_cand *, size_t n,
	    size_t best, struct rib_selection *sel, bool *mp);

#endif
