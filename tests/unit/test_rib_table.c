/*
 * tests/unit/test_rib_table.c - the prefix table and the path life cycle:
 * lookup and ordered walk, replace/withdraw/peer-down, change callbacks that
 * fire exactly when the selection moves, attribute interning and memory.
 */
#include <errno.h>

#include "tests/unit/rib_fixture.h"

struct collect {
	struct prefix	p[64];
	size_t		n;
};

static int
collect_cb(void *arg, const struct prefix *p, const struct rib_route *r)
{
	struct collect *c = arg;

	ck_assert_uint_gt(rib_route_npaths(r), 0);
	ck_assert_uint_lt(c->n, UNIT_COUNT(c->p));
	c->p[c->n++] = *p;
	return 0;
}

static const char *const walk_in[] = {
	"192.168.1.0/24", "10.0.0.0/16", "0.0.0.0/0", "10.0.0.0/8", "255.255.255.255/32",
	"10.1.0.0/16", "10.0.0.0/24", "10.0.0.128/25", "172.16.0.0/12", "10.0.0.0/32",
};
static const char *const walk_out[] = {
	"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "10.0.0.0/32",
	"10.0.0.128/25", "10.1.0.0/16", "172.16.0.0/12", "192.168.1.0/24", "255.255.255.255/32",
};

static void
add_all(struct fx *f, const char *const *pfx, size_t n)
{
	struct rib_attrs a = fx_attrs(f, 0);

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(fx_add(f, pfx[i], 0, 0, &a), 0);
}

START_TEST(walk_is_in_prefix_order_and_resumes_in_chunks)
{
	char buf[PREFIX_STRLEN];
	struct collect c = {0};
	struct prefix after, nope = fx_pfx("10.0.0.64/26");
	struct fx f;
	size_t got;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	add_all(&f, walk_in, UNIT_COUNT(walk_in));
	ck_assert_uint_eq(rib_walk(f.rib, NULL, 100, collect_cb, &c), UNIT_COUNT(walk_out));
	for (size_t i = 0; i < c.n; i++)
		ck_assert_str_eq(prefix_fmt(&c.p[i], buf), walk_out[i]);
	c.n = 0;		/* again in chunks of 3, resuming after the last one seen */
	got = rib_walk(f.rib, NULL, 3, collect_cb, &c);
	while (got == 3) {
		after = c.p[c.n - 1];
		got = rib_walk(f.rib, &after, 3, collect_cb, &c);
	}
	ck_assert_uint_eq(c.n, UNIT_COUNT(walk_out));
	for (size_t i = 0; i < c.n; i++)
		ck_assert_str_eq(prefix_fmt(&c.p[i], buf), walk_out[i]);
	c.n = 0;		/* resuming after a prefix that is not in the table */
	rib_walk(f.rib, &nope, 1, collect_cb, &c);
	ck_assert_str_eq(prefix_fmt(&c.p[0], buf), "10.0.0.128/25");
	ck_assert_ptr_null(rib_lookup(f.rib, &nope));
	ck_assert_ptr_nonnull(rib_lookup(f.rib, &(struct prefix){ 0x0a000000, 32 }));
	ck_assert_ptr_null(rib_lookup(f.rib, &(struct prefix){ 0x0a000000, 31 }));
	fx_fini(&f);
}
END_TEST

static int
order_cb(void *arg, const struct prefix *p, const struct rib_route *r)
{
	struct prefix *prev = arg;

	if (prev->len != 0xff)
		ck_assert_int_lt(prefix_cmp(prev, p), 0);
	*prev = *p;
	return 0;
}

struct keyed {
	struct prefix	p;
	size_t		i;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* canon[i]: the first index holding the same prefix as p[i]. */
static void
canon_fill(const struct prefix *p, size_t n, size_t *canon)
{
	struct keyed *k = calloc(n, sizeof(*k));

	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){ p[i], i };
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < n; i++)
		canon[k[i].i] = i > 0 && prefix_cmp(&k[i].p, &k[i - 1].p) == 0 ?
		    canon[k[i - 1].i] : k[i].i;
	free(k);
}

static void
churn_toggle(struct fx *f, const struct prefix *p, bool *in)
{
	struct rib_attrs a = fx_attrs(f, 0);
	const struct rib_attrs *ia;

	if (*in) {
		ck_assert_int_eq(rib_path_del(f->rib, p, &f->peers[0], 0), 0);
	} else {
		ia = rib_attrs_get(f->rib, &a);
		ck_assert_int_eq(rib_path_add(f->rib, p, &f->peers[0], 0, ia), 0);
		rib_attrs_put(f->rib, ia);
	}
	*in = !*in;
}

/* Random inserts and deletes of /8../24s against a reference: the trie's
 * branch nodes come and go; lookups, walk order and counts must agree. */
START_TEST(match_finds_the_longest_covering_prefix_with_paths)
{
	static const struct { const char *q, *want; } cases[] = {
		{ "10.0.0.0/32", "10.0.0.0/32" }, { "10.0.0.1/32", "10.0.0.0/24" },
		{ "10.0.0.200/32", "10.0.0.128/25" }, { "10.0.1.1/32", "10.0.0.0/16" },
		{ "10.2.3.4/32", "10.0.0.0/8" }, { "11.0.0.1/32", "0.0.0.0/0" },
		{ "10.0.0.0/20", "10.0.0.0/16" }, { "10.0.0.0/16", "10.0.0.0/16" },
		{ "172.31.0.0/16", "172.16.0.0/12" }, { "255.255.255.255/32", "255.255.255.255/32" },
	};
	char buf[PREFIX_STRLEN];
	struct prefix q, got;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	q = fx_pfx("10.0.0.1/32");
	ck_assert_ptr_null(rib_match(f.rib, &q, &got));	/* empty table */
	add_all(&f, walk_in, UNIT_COUNT(walk_in));
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		q = fx_pfx(cases[i].q);
		ck_assert_msg(rib_match(f.rib, &q, &got) != NULL, "%s", cases[i].q);
		ck_assert_str_eq(prefix_fmt(&got, buf), cases[i].want);
	}
	ck_assert_int_eq(fx_del(&f, "0.0.0.0/0", 0, 0), 0);	/* no default: nothing covers */
	q = fx_pfx("11.0.0.1/32");
	ck_assert_ptr_null(rib_match(f.rib, &q, &got));
	fx_fini(&f);
}
END_TEST

START_TEST(random_churn_matches_a_reference)
{
	enum { N = 20000 };
	struct prefix *p = calloc(N, sizeof(*p)), prev = { 0, 0xff };
	size_t *canon = calloc(N, sizeof(*canon)), live = 0, c;
	bool *in = calloc(N, sizeof(*in));
	struct rib_stats st;
	struct fx f;
	uint32_t x = 1;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		p[i].len = (uint8_t)(8 + (x >> 16) % 17);
		p[i].addr = (x ^ (x << 7)) & prefix_mask(p[i].len);
	}
	canon_fill(p, N, canon);
	for (size_t round = 0; round < 4 * N; round++) {
		x = x * 1103515245u + 12345u;
		c = canon[(x >> 8) % N];
		churn_toggle(&f, &p[c], &in[c]);
	}
	for (size_t i = 0; i < N; i++) {
		ck_assert_msg((rib_lookup(f.rib, &p[i]) != NULL) == in[canon[i]], "prefix %zu", i);
		live += canon[i] == i && in[i];
	}
	for (size_t k = 0; k < 2000; k++) {	/* rib_match against a linear search */
		struct prefix q = { 0, 32 }, got, want = { 0, 0xff };

		x = x * 1103515245u + 12345u;
		q.addr = p[(x >> 8) % N].addr | (x & 0xff);
		for (size_t i = 0; i < N; i++)
			if (canon[i] == i && in[i] && p[i].len <= 32 &&
			    ((q.addr ^ p[i].addr) & prefix_mask(p[i].len)) == 0 &&
			    (want.len == 0xff || p[i].len > want.len))
				want = p[i];
		if (want.len == 0xff) {
			ck_assert_ptr_null(rib_match(f.rib, &q, &got));
		} else {
			ck_assert_ptr_nonnull(rib_match(f.rib, &q, &got));
			ck_assert_uint_eq(got.addr, want.addr);
			ck_assert_uint_eq(got.len, want.len);
		}
	}
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.prefixes, live);
	ck_assert_uint_eq(rib_walk(f.rib, NULL, SIZE_MAX, order_cb, &prev), live);
	free(p);
	free(canon);
	free(in);
	fx_fini(&f);
}
END_TEST

START_TEST(callback_fires_only_when_the_selection_moves)
{
	struct rib_attrs a0, a1, worse;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65002, true);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	worse = a1;
	worse.local_pref = 50;
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a0), 0);
	ck_assert_uint_eq(f.changes, 1);
	ck_assert_uint_eq(f.last.n, 1);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a0), 0);	/* same again */
	ck_assert_uint_eq(f.changes, 1);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 1, 0, &worse), 0);	/* a loser */
	ck_assert_uint_eq(f.changes, 1);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 1, 0, &a1), 0);	/* loser improves, still loses */
	ck_assert_uint_eq(f.changes, 1);
	ck_assert_uint_eq(rib_route_npaths(rib_lookup(f.rib, &f.last_pfx)), 2);	/* replaced */
	a0.med = 5, a0.flags |= RIB_ATTR_MED;				/* the best changes attrs */
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a0), 0);
	ck_assert_uint_eq(f.changes, 2);
	ck_assert_uint_eq(f.last.best.attrs->med, 5);
	a0.local_pref = 10;						/* ... and loses */
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a0), 0);
	ck_assert_uint_eq(f.changes, 3);
	ck_assert_ptr_eq(f.last.best.peer, &f.peers[1]);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 0, 0), 0);		/* the loser goes */
	ck_assert_uint_eq(f.changes, 3);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 0, 0), -ENOENT);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 1, 0), 0);		/* the last one */
	ck_assert_uint_eq(f.changes, 4);
	ck_assert(f.last_gone);
	ck_assert_ptr_null(rib_lookup(f.rib, &f.last_pfx));
	fx_fini(&f);
}
END_TEST

START_TEST(unreachable_next_hop_is_gone_and_comes_back_on_reselect)
{
	struct rib_attrs a;
	struct prefix p = fx_pfx("192.0.2.0/24");
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	fx_set_cost(&f, a.nexthop, RIB_IGP_UNREACHABLE);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a), 0);
	ck_assert_uint_eq(f.changes, 0);			/* nothing to install */
	ck_assert_ptr_nonnull(rib_lookup(f.rib, &p));		/* but shown */
	ck_assert_int_eq(fx_info(&f, "192.0.2.0/24", 0, 0).lost_at, RIB_STEP_UNREACHABLE);
	fx_set_cost(&f, a.nexthop, 5);
	rib_prefix_reselect(f.rib, &p);
	ck_assert_uint_eq(f.changes, 1);
	ck_assert_uint_eq(f.last.n, 1);
	fx_set_cost(&f, a.nexthop, RIB_IGP_UNREACHABLE);
	rib_prefix_reselect(f.rib, &p);
	ck_assert_uint_eq(f.changes, 2);
	ck_assert(f.last_gone);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 0, 0), 0);	/* already gone: silent */
	ck_assert_uint_eq(f.changes, 2);
	fx_fini(&f);
}
END_TEST

static void
add_raw(struct fx *f, const struct prefix *p, size_t peer, uint32_t id, const struct rib_attrs *a)
{
	const struct rib_attrs *ia = rib_attrs_get(f->rib, a);

	ck_assert_int_eq(rib_path_add(f->rib, p, &f->peers[peer], id, ia), 0);
	rib_attrs_put(f->rib, ia);
}

/* Peer 2 has N prefixes, peer 1 the even ones: bounded steps, one change each. */
START_TEST(peer_down_is_a_chunked_job)
{
	enum { N = 1000, BUDGET = 100 };
	struct rib_attrs a0, a1;
	struct prefix p;
	struct rib_stats st;
	struct fx f;
	size_t calls = 1, changes;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 2 });
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65001, true);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	for (uint32_t i = 0; i < N; i++) {
		p = (struct prefix){ 0x0a000000u + (i << 8), 24 };
		add_raw(&f, &p, 1, 0, &a1);
		if (i % 2 == 0)
			add_raw(&f, &p, 0, 0, &a0);
	}
	changes = f.changes;
	for (; rib_peer_withdraw_all(f.rib, &f.peers[1], BUDGET); calls++)
		ck_assert_int_eq(rib_peer_del(f.rib, &f.peers[1]), -EBUSY);
	ck_assert_uint_ge(calls, N / BUDGET);
	ck_assert_uint_le(calls, N / BUDGET + 1);
	ck_assert_uint_eq(f.changes, changes + N);	/* odd ones gone, even ones shrink */
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.prefixes, N / 2);
	ck_assert_uint_eq(st.paths, N / 2);
	/* the session comes back, announces again and drops again: a fresh run */
	for (uint32_t i = 0; i < N; i += 100) {
		p = (struct prefix){ 0x0a000000u + (i << 8), 24 };
		add_raw(&f, &p, 1, 0, &a1);
	}
	while (rib_peer_withdraw_all(f.rib, &f.peers[1], BUDGET))
		;
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.paths, N / 2);
	ck_assert_int_eq(rib_peer_del(f.rib, &f.peers[1]), 0);
	f.npeers = 1;
	fx_fini(&f);
}
END_TEST

/* More paths than the inline scratch space: ADD-PATH ids on one prefix. */
START_TEST(many_add_path_paths_on_one_prefix)
{
	enum { N = 40 };
	struct prefix p = fx_pfx("192.0.2.0/24");
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 8 });
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	for (uint32_t i = 0; i < N; i++) {
		a.nexthop = 0x0a010000u + (N - i);
		add_raw(&f, &p, 0, i, &a);
	}
	ck_assert_uint_eq(rib_route_npaths(rib_lookup(f.rib, &p)), N);
	ck_assert_uint_eq(f.last.n, 8);
	ck_assert_uint_eq(f.last.best.path_id, 0);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 0, 0), 0);
	ck_assert_uint_eq(f.last.best.path_id, 1);
	ck_assert_uint_eq(f.last.n, 8);
	fx_fini(&f);
}
END_TEST

START_TEST(peer_down_leaves_the_other_peers_path_as_best)
{
	struct rib_attrs a0, a1;
	struct fx f;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 2 });
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65001, true);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a0), 0);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 1, 0, &a1), 0);
	ck_assert_uint_eq(f.last.n, 2);
	ck_assert(!rib_peer_withdraw_all(f.rib, &f.peers[0], 10));
	ck_assert_uint_eq(f.changes, 3);
	ck_assert_uint_eq(f.last.n, 1);
	ck_assert_ptr_eq(f.last.best.peer, &f.peers[1]);
	fx_fini(&f);
}
END_TEST

static void
expect_order(const struct fx *f, const struct prefix *p, const size_t *peers, size_t n)
{
	const struct rib_route *r = rib_lookup(f->rib, p);
	struct rib_path_info pi;

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(rib_route_npaths(r), n);
	for (size_t i = 0; i < n; i++) {
		rib_route_path(f->rib, r, i, &pi);
		ck_assert_ptr_eq(pi.peer, &f->peers[peers[i]]);
	}
}

/* 1 -> 2 (pair slab) -> 3 (array) -> 2 -> 1 paths: order kept, memory returned. */
START_TEST(paths_keep_arrival_order_through_add_and_remove)
{
	struct prefix p = fx_pfx("192.0.2.0/24");
	struct rib_stats st;
	struct rib_attrs a;
	size_t two;
	struct fx f;

	fx_init(&f, NULL);
	for (uint8_t i = 1; i <= 3; i++)
		fx_peer(&f, i, i, 65001, true);
	for (size_t i = 0; i < 3; i++) {
		a = fx_attrs(&f, i);
		add_raw(&f, &p, i, 0, &a);
		if (i == 1) {
			rib_stats_get(f.rib, &st);
			two = st.table_bytes;
		}
	}
	expect_order(&f, &p, (const size_t[]){ 0, 1, 2 }, 3);
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.table_bytes, two + 3 * 12);	/* one array of 12-byte paths */
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 1, 0), 0);
	expect_order(&f, &p, (const size_t[]){ 0, 2 }, 2);
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.table_bytes, two);
	ck_assert_int_eq(fx_del(&f, "192.0.2.0/24", 0, 0), 0);
	expect_order(&f, &p, (const size_t[]){ 2 }, 1);
	a = fx_attrs(&f, 0);
	add_raw(&f, &p, 0, 0, &a);
	expect_order(&f, &p, (const size_t[]){ 2, 0 }, 2);
	ck_assert_ptr_eq(f.last.best.peer, &f.peers[0]);	/* lowest router-id */
	fx_fini(&f);
}
END_TEST

struct cookies {
	int	held, released;
};

static void
cookie_hold(void *arg, const void *c)
{
	((struct cookies *)arg)->held++;
}

static void
cookie_release(void *arg, const void *c)
{
	((struct cookies *)arg)->released++;
}

START_TEST(attrs_are_shared_and_released_at_zero)
{
	static const char cookie_a[] = "a", cookie_b[] = "b";
	struct cookies ck = {0};
	const struct rib_attrs *x, *y, *z;
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, &(struct rib_opts){ .cookie_hold = cookie_hold,
	    .cookie_release = cookie_release, .cookie_arg = &ck });
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	a.cookie = cookie_a;
	x = rib_attrs_get(f.rib, &a);
	y = rib_attrs_get(f.rib, &a);
	ck_assert_ptr_eq(x, y);
	a.cookie = cookie_b;
	z = rib_attrs_get(f.rib, &a);
	ck_assert_ptr_ne(x, z);
	ck_assert_uint_eq(rib_attrs_count(f.rib), 2);
	ck_assert_int_eq(ck.held, 2);
	for (uint32_t i = 0; i < 100; i++)
		ck_assert_int_eq(rib_path_add(f.rib, &(struct prefix){ i << 8, 24 }, &f.peers[0], 0, x), 0);
	rib_attrs_put(f.rib, x);
	rib_attrs_put(f.rib, y);
	rib_attrs_put(f.rib, z);
	ck_assert_uint_eq(rib_attrs_count(f.rib), 1);		/* x lives on in the paths */
	ck_assert_int_eq(ck.released, 1);
	ck_assert_int_eq(rib_free(f.rib), -EBUSY);		/* paths and peers still there */
	fx_fini(&f);
	ck_assert_int_eq(ck.released, 2);
}
END_TEST

START_TEST(bad_input_is_refused)
{
	struct rib_peer stranger = { .addr = 0x0a0000ff };
	struct prefix p = fx_pfx("192.0.2.0/24"), other = fx_pfx("198.51.100.0/24");
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	ck_assert_int_eq(fx_add(&f, "192.0.2.0/24", 0, 0, &a), 0);
	ck_assert_int_eq(rib_peer_add(f.rib, &f.peers[0]), -EEXIST);
	ck_assert_int_eq(rib_path_add(f.rib, &(struct prefix){ 0xc0000201, 24 }, &f.peers[0], 0,
	    f.last.best.attrs), -EINVAL);
	ck_assert_int_eq(rib_path_add(f.rib, &p, &f.peers[0], 0, NULL),
	    -EINVAL);
	ck_assert_int_eq(rib_path_add(f.rib, &(struct prefix){ 0, 33 }, &f.peers[0], 0,
	    f.last.best.attrs), -EINVAL);
	ck_assert_int_eq(rib_path_add(f.rib, &p, &stranger, 0,
	    f.last.best.attrs), -ENOENT);
	ck_assert_int_eq(rib_path_del(f.rib, &other, &f.peers[0], 0), -ENOENT);
	ck_assert_int_eq(rib_peer_del(f.rib, &stranger), -ENOENT);
	ck_assert_int_eq(rib_peer_del(f.rib, &f.peers[0]), -EBUSY);
	fx_fini(&f);
}
END_TEST

/* Issue 5: no branch (glue) nodes, so 131,072 sibling /24s with one path
 * each cost a 28-byte route plus slab rounding (was 48 with a glue node each,
 * then 32 while a path named its attrs by pointer). */
START_TEST(table_costs_at_most_29_bytes_per_sibling_24)
{
	enum { N = 1 << 17 };
	const struct rib_attrs *ia;
	struct rib_stats st;
	struct rib_attrs a;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	a = fx_attrs(&f, 0);
	ia = rib_attrs_get(f.rib, &a);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_int_eq(rib_path_add(f.rib, &(struct prefix){ 0x10000000u + (i << 8), 24 },
		    &f.peers[0], 0, ia), 0);
	rib_attrs_put(f.rib, ia);
	rib_stats_get(f.rib, &st);
	ck_assert_uint_eq(st.prefixes, N);
	ck_assert_uint_eq(st.paths, N);
	ck_assert_uint_eq(st.attrs, 1);
	ck_assert_msg(st.table_bytes <= 29u * N, "%.1f bytes per prefix",
	    (double)st.table_bytes / N);
	fx_fini(&f);
}
END_TEST

/*
 * The differential test: the table against a sorted array of prefixes.
 * Prefixes of every length /0../32 from a few bases (struct pfx_space), so
 * they share long prefixes and branch at the same bits; every step is
 * checked against the reference.
 */
struct ref {
	struct prefix	p[512];
	size_t		n;
};

/* Index of the first entry > p (after_eq false) or >= p (after_eq true). */
static size_t
ref_bound(const struct ref *r, const struct prefix *p, bool after_eq)
{
	size_t lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (prefix_cmp(&r->p[mid], p) < (after_eq ? 0 : 1))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
ref_has(const struct ref *r, const struct prefix *p)
{
	size_t i = ref_bound(r, p, true);

	return i < r->n && prefix_cmp(&r->p[i], p) == 0;
}

/* Insert p if absent, else remove it. */
static void
ref_toggle(struct ref *r, const struct prefix *p)
{
	size_t i = ref_bound(r, p, true);

	if (i < r->n && prefix_cmp(&r->p[i], p) == 0) {
		memmove(&r->p[i], &r->p[i + 1], (r->n - i - 1) * sizeof(r->p[0]));
		r->n--;
	} else {
		ck_assert_uint_lt(r->n, UNIT_COUNT(r->p));
		memmove(&r->p[i + 1], &r->p[i], (r->n - i) * sizeof(r->p[0]));
		r->p[i] = *p;
		r->n++;
	}
}

/* The longest entry covering q: a linear search, obviously right. */
static const struct prefix *
ref_match(const struct ref *r, const struct prefix *q)
{
	const struct prefix *best = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (r->p[i].len <= q->len && ((r->p[i].addr ^ q->addr) & prefix_mask(r->p[i].len)) == 0 &&
		    (best == NULL || r->p[i].len > best->len))
			best = &r->p[i];
	return best;
}

struct rng {
	uint64_t	s;
};

static uint32_t
rng_next(struct rng *g)
{
	g->s = g->s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(g->s >> 33);
}

/* Where random prefixes come from: a base address with some of the flip
 * bits changed, cut to any length /0../32. Few bases and few flip bits make
 * prefixes share long runs and branch at the same bits. */
struct pfx_space {
	uint32_t	base[4];
	uint32_t	flip;
};

static struct prefix
rng_prefix(struct rng *g, const struct pfx_space *sp)
{
	uint32_t addr = sp->base[rng_next(g) % 4] ^ (rng_next(g) & sp->flip);
	uint8_t len = (uint8_t)(rng_next(g) % 33);

	return (struct prefix){ addr & prefix_mask(len), len };
}

/* Checks below count asserts in the thousands per step, and every Check
 * assert costs a write to the runner: they test in C, assert once. */
struct seen {
	struct prefix	p[512];
	size_t		n;
	bool		bad;
};

static int
seen_cb(void *arg, const struct prefix *p, const struct rib_route *r)
{
	struct seen *s = arg;

	if (rib_route_npaths(r) == 0 || s->n == UNIT_COUNT(s->p))
		return s->bad = true, 1;
	s->p[s->n++] = *p;
	return 0;
}

/* rib_walk(after, max) returns exactly the reference's entries after 'after'. */
static bool
walk_agrees(const struct fx *f, const struct ref *r, const struct prefix *after, size_t max)
{
	size_t from = after != NULL ? ref_bound(r, after, false) : 0;
	size_t want = r->n - from < max ? r->n - from : max;
	struct seen s = { .n = 0 };

	if (rib_walk(f->rib, after, max, seen_cb, &s) != want || s.bad || s.n != want)
		return false;
	for (size_t i = 0; i < want; i++)
		if (prefix_cmp(&s.p[i], &r->p[from + i]) != 0)
			return false;
	return true;
}

static bool
match_agrees(const struct fx *f, const struct ref *r, const struct prefix *q)
{
	const struct prefix *want = ref_match(r, q);
	struct prefix got;

	if (rib_match(f->rib, q, &got) == NULL)
		return want == NULL;
	return want != NULL && prefix_cmp(&got, want) == 0;
}

static bool
lookup_agrees(const struct fx *f, const struct ref *r, const struct prefix *q)
{
	return (rib_lookup(f->rib, q) != NULL) == ref_has(r, q);
}

/* Add p if the reference lacks it (and has room), else delete it. */
static void
differential_toggle(struct fx *f, struct ref *r, const struct prefix *p)
{
	struct rib_attrs a = fx_attrs(f, 0);
	const struct rib_attrs *ia;

	if (ref_has(r, p)) {
		ck_assert_int_eq(rib_path_del(f->rib, p, &f->peers[0], 0), 0);
	} else if (r->n + 1 < UNIT_COUNT(r->p)) {
		ia = rib_attrs_get(f->rib, &a);
		ck_assert_int_eq(rib_path_add(f->rib, p, &f->peers[0], 0, ia), 0);
		rib_attrs_put(f->rib, ia);
	} else {
		return;
	}
	ref_toggle(r, p);
}

/* One step's checks: p was just toggled; q* are random queries. */
static bool
differential_agrees(struct fx *f, const struct ref *r, struct rng *g, const struct pfx_space *sp,
    const struct prefix *p)
{
	struct prefix q = rng_prefix(g, sp), a, w = rng_prefix(g, sp);
	struct rib_stats st;

	a = (struct prefix){ q.addr | (rng_next(g) & ~prefix_mask(q.len)), 32 };
	rib_stats_get(f->rib, &st);
	return st.prefixes == r->n && lookup_agrees(f, r, p) && lookup_agrees(f, r, &q) &&
	    match_agrees(f, r, &q) && match_agrees(f, r, &a) && match_agrees(f, r, p) &&
	    walk_agrees(f, r, &w, 1 + rng_next(g) % 8) && walk_agrees(f, r, p, 3) &&
	    walk_agrees(f, r, NULL, SIZE_MAX);
}

static void
differential_run(uint64_t seed, size_t steps)
{
	struct rng g = { seed };
	struct ref *r = calloc(1, sizeof(*r));
	struct pfx_space sp = { .base = { 0 } };	/* base[0]: around the default route */
	struct prefix p;
	struct fx f;

	fx_init(&f, NULL);
	fx_peer(&f, 1, 1, 65001, true);
	for (size_t i = 1; i < UNIT_COUNT(sp.base); i++)
		sp.base[i] = rng_next(&g) ^ rng_next(&g) << 16;
	for (size_t i = 0; i < 3; i++)		/* 3 flip bits, anywhere */
		sp.flip |= 1u << (rng_next(&g) % 32);
	for (size_t step = 0; step < steps; step++) {
		p = rng_prefix(&g, &sp);
		differential_toggle(&f, r, &p);
		if (!differential_agrees(&f, r, &g, &sp, &p))
			ck_abort_msg("seed %llu step %zu: table and reference differ",
			    (unsigned long long)seed, step);
	}
	while (r->n > 0) {			/* empty it again in a scrambled order */
		p = r->p[rng_next(&g) % r->n];
		differential_toggle(&f, r, &p);
		if (!differential_agrees(&f, r, &g, &sp, &p))
			ck_abort_msg("seed %llu emptying at %zu: table and reference differ",
			    (unsigned long long)seed, r->n);
	}
	free(r);
	fx_fini(&f);
}

START_TEST(random_operations_match_a_sorted_array)
{
	static const uint64_t seeds[] = { 1, 2, 3, 0x5eed, 0xdeadbeef, 20261206 };

	for (size_t i = 0; i < UNIT_COUNT(seeds); i++)
		differential_run(seeds[i], 4000);
}
END_TEST

/* Chunked jobs keep a position by slab index: a live route keeps its place
 * (the same object) and its paths while other routes come and go. */
static bool
kept_agree(const struct fx *f, const struct prefix *p, const struct rib_route *const *keep,
    const size_t *idx, size_t nkeep)
{
	struct rib_path_info pi;

	for (size_t j = 0; j < nkeep; j++) {
		if (rib_lookup(f->rib, &p[idx[j]]) != keep[j] || rib_route_npaths(keep[j]) != 2)
			return false;
		for (size_t n = 0; n < 2; n++) {
			rib_route_path(f->rib, keep[j], n, &pi);
			if (pi.peer != &f->peers[n] || pi.path_id != idx[j])
				return false;
		}
	}
	return true;
}

START_TEST(live_route_keeps_its_place_and_paths_through_other_deletions)
{
	enum { N = 600, KEEP = 40 };
	static const struct pfx_space sp = { { 0, 0x0a000000, 0xc0a80000, 0xffffffff },
		0x00800101 };
	const struct rib_route *keep[KEEP];
	struct rng g = { 7 };
	struct prefix p[N];
	struct rib_attrs a0, a1;
	size_t idx[KEEP], nkeep = 0, i;
	bool in[N] = {0}, kept[N] = {0}, dup;
	struct fx f;

	fx_init(&f, &(struct rib_opts){ .maximum_paths_ebgp = 2 });
	fx_peer(&f, 1, 1, 65001, true);
	fx_peer(&f, 2, 2, 65001, true);
	a0 = fx_attrs(&f, 0);
	a1 = fx_attrs(&f, 1);
	for (i = 0; i < N; i++) {
		p[i] = rng_prefix(&g, &sp);
		dup = false;
		for (size_t j = 0; j < i; j++)
			dup = dup || prefix_cmp(&p[i], &p[j]) == 0;
		if (dup) {
			kept[i] = true;		/* a duplicate: left alone */
			continue;
		}
		add_raw(&f, &p[i], 0, (uint32_t)i, &a0);
		in[i] = true;
		if (i % 7 == 0 && nkeep < KEEP) {	/* these stay, with 2 paths each */
			add_raw(&f, &p[i], 1, (uint32_t)i, &a1);
			keep[nkeep] = rib_lookup(f.rib, &p[i]);
			idx[nkeep++] = i;
			kept[i] = true;
		}
	}
	ck_assert_uint_ge(nkeep, KEEP / 2);
	for (size_t k = 0; k < 3 * N; k++) {	/* delete and re-add the others */
		i = rng_next(&g) % N;
		if (kept[i] || (!in[i] && rng_next(&g) % 4 != 0))
			continue;
		if (in[i])
			ck_assert_int_eq(rib_path_del(f.rib, &p[i], &f.peers[0], (uint32_t)i), 0);
		else
			add_raw(&f, &p[i], 0, (uint32_t)i, &a0);
		in[i] = !in[i];
		ck_assert_msg(kept_agree(&f, p, keep, idx, nkeep), "after step %zu", k);
	}
	fx_fini(&f);
}
END_TEST

/*
 * Paths named by attrs handle, against a reference: random adds, replaces
 * and withdrawals over few prefixes, 3 peers and 2 path ids each (1 to 6
 * paths per prefix: inline, pair, array, and back), drawing each path's
 * attributes from 300 sets, so sets are freed, their slab slots reused by
 * other sets, hash chains cut in the middle and the table grown. Every path
 * must keep the attributes it was given, and every set in use be interned
 * exactly once; the change callback reads what it is handed (ASan).
 */
enum { AC_PFX = 96, AC_PEERS = 3, AC_IDS = 2, AC_SETS = 300 };

struct attrs_churn {
	struct fx	f;
	int		ref[AC_PFX][AC_PEERS][AC_IDS];	/* set of each path, -1: none */
	uint64_t	touched;			/* change callback: fields read */
	size_t		most;				/* sets interned at once, at most */
};

static void
ac_on_change(void *arg, const struct prefix *p, const struct rib_selection *sel)
{
	struct attrs_churn *c = arg;

	for (size_t i = 0; sel != NULL && i < sel->n; i++)
		c->touched += sel->set[i].attrs->med + sel->set[i].attrs->nexthop;
	fx_on_change(&c->f, p, sel);
}

static struct rib_attrs
ac_set(const struct fx *f, size_t peer, int set)
{
	struct rib_attrs a = fx_attrs(f, peer);

	a.med = (uint32_t)set, a.flags |= RIB_ATTR_MED;
	a.local_pref = 100 + (uint32_t)set % 3;
	return a;
}

static struct prefix
ac_pfx(size_t i)
{
	return (struct prefix){ 0xc6336400u + ((uint32_t)i << 2), 30 };
}

/* Every path as the reference has it; sets in use are interned once each. */
static bool
ac_agrees(struct attrs_churn *c)
{
	bool used[AC_SETS * AC_PEERS] = { false };
	size_t nused = 0, want;
	struct rib_path_info pi;
	struct rib_attrs a;

	for (size_t i = 0; i < AC_PFX; i++) {
		struct prefix p = ac_pfx(i);
		const struct rib_route *r = rib_lookup(c->f.rib, &p);

		want = 0;
		for (size_t pe = 0; pe < AC_PEERS; pe++)
			for (size_t id = 0; id < AC_IDS; id++)
				want += c->ref[i][pe][id] >= 0;
		if ((r == NULL ? 0 : rib_route_npaths(r)) != want)
			return false;
		for (size_t n = 0; n < want; n++) {
			rib_route_path(c->f.rib, r, n, &pi);
			size_t pe = (size_t)(pi.peer - c->f.peers);
			int set = c->ref[i][pe][pi.path_id];
			bool *u;

			if (set < 0)
				return false;
			a = ac_set(&c->f, pe, set);
			if (pi.attrs->med != a.med || pi.attrs->local_pref != a.local_pref ||
			    pi.attrs->nexthop != a.nexthop)
				return false;
			u = &used[(size_t)set * AC_PEERS + pe];
			nused += !*u;
			*u = true;
		}
	}
	if (nused > c->most)
		c->most = nused;
	return rib_attrs_count(c->f.rib) == nused;
}

static void
ac_step(struct attrs_churn *c, struct rng *g)
{
	size_t i = rng_next(g) % AC_PFX, pe = rng_next(g) % AC_PEERS, id = rng_next(g) % AC_IDS;
	int *ref = &c->ref[i][pe][id], set = (int)(rng_next(g) % AC_SETS);
	struct prefix p = ac_pfx(i);
	struct rib_attrs a;

	if (*ref >= 0 && rng_next(g) % 2 == 0) {
		ck_assert_int_eq(rib_path_del(c->f.rib, &p, &c->f.peers[pe], (uint32_t)id), 0);
		*ref = -1;
		return;
	}
	a = ac_set(&c->f, pe, set);
	add_raw(&c->f, &p, pe, (uint32_t)id, &a);	/* a new path, or a replace */
	*ref = set;
}

START_TEST(paths_keep_their_attrs_while_sets_are_freed_and_reused)
{
	struct attrs_churn *c = calloc(1, sizeof(*c));
	struct rng g = { 0xa77f };
	size_t step;

	fx_init(&c->f, &(struct rib_opts){ .maximum_paths_ebgp = 4 });
	rib_set_change_cb(c->f.rib, ac_on_change, c);
	for (uint8_t pe = 1; pe <= AC_PEERS; pe++)
		fx_peer(&c->f, pe, pe, 65001, true);
	memset(c->ref, 0xff, sizeof(c->ref));
	for (step = 0; step < 20000; step++) {
		ac_step(c, &g);
		if (!ac_agrees(c))
			ck_abort_msg("step %zu: a path lost its attributes", step);
	}
	ck_assert_uint_gt(c->touched, 0);
	ck_assert_uint_gt(c->most, 256);	/* the hash grew; a second slab chunk */
	fx_fini(&c->f);
	free(c);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		walk_is_in_prefix_order_and_resumes_in_chunks,
		match_finds_the_longest_covering_prefix_with_paths,
		random_churn_matches_a_reference,
		callback_fires_only_when_the_selection_moves,
		unreachable_next_hop_is_gone_and_comes_back_on_reselect,
		peer_down_is_a_chunked_job,
		many_add_path_paths_on_one_prefix,
		paths_keep_arrival_order_through_add_and_remove,
		peer_down_leaves_the_other_peers_path_as_best,
		attrs_are_shared_and_released_at_zero,
		bad_input_is_refused,
		table_costs_at_most_29_bytes_per_sibling_24,
		random_operations_match_a_sorted_array,
		live_route_keeps_its_place_and_paths_through_other_deletions,
		paths_keep_their_attrs_while_sets_are_freed_and_reused,
	};

	return unit_run("rib_table", tests, UNIT_COUNT(tests));
}
