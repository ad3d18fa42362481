/*
 * rib/nexthops.c - paths per (peer, next hop), for BGP PIC on session down
 * (rib_peer_down in rib.h): which next hops only this peer's paths use.
 *
 * Two counts follow every path added, replaced and removed (rib.c): per
 * peer (one small hmap per registered peer) and "live", over the peers not
 * going down. Entries are per distinct next hop, not per prefix: a full
 * table from a few peers is a handful of entries. An entry goes with its
 * last path. Touches nothing but these counts.
 */
#include <stdlib.h>

#include "lib/log.h"
#include "rib/rib_int.h"

struct rib_nhcount {
	struct hmap_node	 node;
	uint32_t		 nexthop;	/* host order */
	uint32_t		 paths;
};

static struct rib_nhcount *
nhc_find(const struct hmap *m, uint32_t nexthop)
{
	uint32_t h = hash_u32(nexthop);

	for (struct hmap_node *x = hmap_first_hash(m, h); x != NULL; x = hmap_next_hash(x)) {
		struct rib_nhcount *c = (struct rib_nhcount *)x;

		if (x->hash == h && c->nexthop == nexthop)
			return c;
	}
	return NULL;
}

/* Add delta to m[nexthop]; returns the count left (the entry goes at 0). */
static uint32_t
nhc_add(struct hmap *m, uint32_t nexthop, int delta)
{
	struct rib_nhcount *c = nhc_find(m, nexthop);

	if (c == NULL) {
		if (delta < 0)
			fatalx("rib: next hop count below zero");
		if ((c = calloc(1, sizeof(*c))) == NULL)
			fatal("rib: next hop count");
		c->nexthop = nexthop;
		hmap_add(m, &c->node, hash_u32(nexthop));
	}
	if (delta < 0 && c->paths < (uint32_t)-delta)
		fatalx("rib: next hop count below zero");
	c->paths += (uint32_t)delta;
	if (c->paths > 0)
		return c->paths;
	hmap_del(m, &c->node);
	free(c);
	return 0;
}

static void
nhc_free_all(struct hmap *m)
{
	struct hmap_node *x;

	while ((x = hmap_next(m, NULL)) != NULL) {
		hmap_del(m, x);
		free(x);
	}
	hmap_destroy(m);
}

void
rib_nh_init(struct rib *rib)
{
	hmap_init(&rib->nh_live);
}

void
rib_nh_fini(struct rib *rib)
{
	for (size_t i = 0; i < rib->npeers; i++)
		if (rib->peer_nhs[i].b != NULL)
			nhc_free_all(&rib->peer_nhs[i]);
	nhc_free_all(&rib->nh_live);
}

void
rib_nh_peer_init(struct rib *rib, uint16_t peer)
{
	hmap_init(&rib->peer_nhs[peer]);
}

void
rib_nh_peer_fini(struct rib *rib, uint16_t peer)
{
	if (rib->peer_nhs[peer].count != 0)
		fatalx("rib: a peer without paths still counts next hops");
	hmap_destroy(&rib->peer_nhs[peer]);
}

void
rib_nh_count(struct rib *rib, uint16_t peer, uint32_t nexthop, int delta)
{
	(void)nhc_add(&rib->peer_nhs[peer], nexthop, delta);
	if (!rib->peers[peer]->down)		/* its paths left "live" already */
		(void)nhc_add(&rib->nh_live, nexthop, delta);
}

size_t
rib_peer_down(struct rib *rib, struct rib_peer *peer, rib_nexthop_fn *fn, void *arg)
{
	const struct hmap *m;
	size_t n = 0;

	if (peer->idx == 0 || peer->idx >= rib->npeers || rib->peers[peer->idx] != peer ||
	    peer->down)
		return 0;
	peer->down = true;
	m = &rib->peer_nhs[peer->idx];
	for (struct hmap_node *x = hmap_next(m, NULL); x != NULL; x = hmap_next(m, x)) {
		const struct rib_nhcount *c = (const struct rib_nhcount *)x;

		if (nhc_add(&rib->nh_live, c->nexthop, -(int)c->paths) > 0)
			continue;		/* another peer's paths use it too */
		n++;
		if (fn != NULL)
			fn(arg, peer, c->nexthop);
	}
	return n;
}
