/*
 * tests/unit/rib_fixture.h - a RIB with a few peers and a change recorder,
 * shared by the test_rib_* programs.
 */
#ifndef IPIP_TESTS_RIB_FIXTURE_H
#define IPIP_TESTS_RIB_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "rib/rib.h"
#include "tests/unit/unit.h"

#define FX_PEERS	8
#define FX_NH		8

struct fx {
	struct rib		*rib;
	struct rib_peer		 peers[FX_PEERS];
	size_t			 npeers;
	/* the change recorder */
	size_t			 changes;
	struct prefix		 last_pfx;
	bool			 last_gone;
	struct rib_selection	 last;
	/* IGP cost per next hop, for opts.igp_cost */
	uint32_t		 nh_addr[FX_NH], nh_cost[FX_NH];
};

static inline void
fx_on_change(void *arg, const struct prefix *p, const struct rib_selection *sel)
{
	struct fx *f = arg;

	f->changes++;
	f->last_pfx = *p;
	f->last_gone = sel == NULL;
	if (sel != NULL)
		f->last = *sel;
	else
		memset(&f->last, 0, sizeof(f->last));
}

static inline uint32_t
fx_igp_cost(void *arg, uint32_t nh)
{
	struct fx *f = arg;

	for (size_t i = 0; i < FX_NH; i++)
		if (f->nh_addr[i] == nh)
			return f->nh_cost[i];
	return 0;
}

static inline void
fx_set_cost(struct fx *f, uint32_t nh, uint32_t cost)
{
	for (size_t i = 0; i < FX_NH; i++)
		if (f->nh_addr[i] == 0 || f->nh_addr[i] == nh) {
			f->nh_addr[i] = nh, f->nh_cost[i] = cost;
			return;
		}
	ck_abort_msg("fixture: too many next hops");
}

/* opts may be NULL (defaults); igp_cost is always the fixture's table. */
static inline void
fx_init(struct fx *f, const struct rib_opts *opts)
{
	struct rib_opts o = {0};

	memset(f, 0, sizeof(*f));
	if (opts != NULL)
		o = *opts;
	o.igp_cost = fx_igp_cost;
	o.igp_arg = f;
	f->rib = rib_new(&o);
	ck_assert_ptr_nonnull(f->rib);
	rib_set_change_cb(f->rib, fx_on_change, f);
}

/* Peer 10.0.0.<n>, router-id <rid>.<rid>.<rid>.<rid>; returns its index. */
static inline size_t
fx_peer(struct fx *f, uint8_t n, uint8_t rid, uint32_t remote_as, bool ebgp)
{
	struct rib_peer *p = &f->peers[f->npeers];

	ck_assert_uint_lt(f->npeers, FX_PEERS);
	*p = (struct rib_peer){ .addr = 0x0a000000u | n, .router_id = 0x01010101u * rid,
		.remote_as = remote_as, .local_as = 65000, .local_addr = 0x0a0000fe,
		.ebgp = ebgp };
	ck_assert_int_eq(rib_peer_add(f->rib, p), 0);
	return f->npeers++;
}

static inline struct prefix
fx_pfx(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, false), 0);
	return p;
}

/* Next hop = the peer itself; neighbor AS = the peer's for eBGP, 0 (empty
 * AS path, our own AS) for iBGP. */
static inline struct rib_attrs
fx_attrs(const struct fx *f, size_t peer)
{
	const struct rib_peer *p = &f->peers[peer];

	return (struct rib_attrs){ .local_pref = 100, .aspath_len = 2,
		.neighbor_as = p->ebgp ? p->remote_as : 0, .nexthop = p->addr,
		.origin = RIB_ORIGIN_IGP };
}

static inline int
fx_add(struct fx *f, const char *pfx, size_t peer, uint32_t path_id, const struct rib_attrs *a)
{
	const struct rib_attrs *ia = rib_attrs_get(f->rib, a);
	struct prefix p = fx_pfx(pfx);
	int rv;

	ck_assert_ptr_nonnull(ia);
	rv = rib_path_add(f->rib, &p, &f->peers[peer], path_id, ia);
	rib_attrs_put(f->rib, ia);
	return rv;
}

static inline int
fx_del(struct fx *f, const char *pfx, size_t peer, uint32_t path_id)
{
	struct prefix p = fx_pfx(pfx);

	return rib_path_del(f->rib, &p, &f->peers[peer], path_id);
}

/* Path info of the path from peer/path_id on pfx; fails the test if absent. */
static inline struct rib_path_info
fx_info(const struct fx *f, const char *pfx, size_t peer, uint32_t path_id)
{
	struct prefix p = fx_pfx(pfx);
	const struct rib_route *r = rib_lookup(f->rib, &p);
	struct rib_path_info pi;

	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < rib_route_npaths(r); i++) {
		rib_route_path(f->rib, r, i, &pi);
		if (pi.peer == &f->peers[peer] && pi.path_id == path_id)
			return pi;
	}
	ck_abort_msg("no path from peer %zu id %u on %s", peer, path_id, pfx);
	return pi;
}

/* Withdraw everything, unregister the peers, free: no leak, no reference left. */
static inline void
fx_fini(struct fx *f)
{
	for (size_t i = 0; i < f->npeers; i++) {
		while (rib_peer_withdraw_all(f->rib, &f->peers[i], 1000))
			;
		ck_assert_int_eq(rib_peer_del(f->rib, &f->peers[i]), 0);
	}
	ck_assert_uint_eq(rib_attrs_count(f->rib), 0);
	ck_assert_int_eq(rib_free(f->rib), 0);
}

#endif
