/*
 * rib/table.c - the prefix table: a PATRICIA tree over a slab of routes.
 *
 * Every node is a route (28 bytes, rib_int.h) in one slab of fixed-size
 * objects addressed by 32-bit indices; there are no branch-only ("glue")
 * nodes, so a million /24s with one path each cost about 28 bytes of table
 * each (doc/rib.md). Knows nothing of paths beyond their storage.
 *
 * The tree is Knuth's and Sedgewick's PATRICIA over a fixed-length key:
 * the 38 bits addr << 6 | len, whose numeric order is prefix order (address,
 * then length: 10.0.0.0/8 < 10.0.0.0/24 < 10.0.0.1/32). Each node plays two
 * roles at once:
 *  - a branch: with tnode.bit = b in 1..38 it tests key bit b - 1 (0 is
 *    the top bit) and has two links; a link to a node with a greater b goes
 *    down to that node's branch, any other link goes up and ends a search
 *    at that node's key;
 *  - a key (its prefix), reached by exactly one up link.
 * n keys need n - 1 branches, so one node has none: the head, t->root, with
 * bit 0; child[0] is the top branch (or the head itself when alone) and
 * child[1] is unused. Invariants, kept by insert and delete:
 *  (I1) bits strictly grow along down links, and the keys under a branch
 *       that tests bit b all agree on the bits before b;
 *  (I2) a node's key lies under its own branch: its up link sits where a
 *       search for the key ends, below the node's branch (up links point
 *       to ancestors, or to the node itself).
 * Hence: find = one descent by the key's bits plus one comparison at the
 * end; the up links met in a left-to-right walk of the branches list the
 * keys in order, and a subtree can be skipped when its greatest possible
 * key (I1) is not after the resume point. Longest match looks up the
 * covering prefixes exactly, longest first, skipping lengths of which the
 * table has none (t->nlen).
 *
 * Deleting never moves a route: it moves a branch role. When the deleted
 * node X's up link comes from another node P, P's branch goes (its other
 * link takes its place) and P takes over X's branch (or becomes the head);
 * P's key still sits below it, so (I1) and (I2) hold. Every route keeps its
 * slab index and its paths while it lives, so chunked jobs can walk the slab
 * by index (rib_table_at) across event-loop turns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "rib/rib_int.h"

#define SLAB_CHUNK	(1u << RIB_SLAB_SHIFT)

static void *
rib_slab_at(const struct rib_slab *s, uint32_t idx)
{
	return s->chunks[idx >> RIB_SLAB_SHIFT] + (idx & (SLAB_CHUNK - 1)) * s->objsize;
}

static int
rib_slab_grow(struct rib_slab *s)
{
	uint8_t **c = realloc(s->chunks, (s->nchunks + 1) * sizeof(*c));

	if (c == NULL)
		return -ENOMEM;
	s->chunks = c;
	if ((c[s->nchunks] = calloc(SLAB_CHUNK, s->objsize)) == NULL)
		return -ENOMEM;
	s->nchunks++;
	return 0;
}

/* A zeroed object's index, 0 on out of memory. Index 0 is never handed out. */
static uint32_t
rib_slab_alloc(struct rib_slab *s)
{
	uint32_t idx = s->free;

	if (idx != 0) {
		memcpy(&s->free, rib_slab_at(s, idx), sizeof(s->free));
	} else {
		if (s->top == 0)
			s->top = 1;
		if (s->top == UINT32_MAX)
			return 0;
		if ((s->top >> RIB_SLAB_SHIFT) >= s->nchunks && rib_slab_grow(s) < 0)
			return 0;
		idx = s->top++;
	}
	memset(rib_slab_at(s, idx), 0, s->objsize);
	s->live++;
	return idx;
}

/* The free-list link overwrites child[0]; npaths stays 0, marking it free. */
static void
rib_slab_free(struct rib_slab *s, uint32_t idx)
{
	void *o = rib_slab_at(s, idx);

	memset(o, 0, s->objsize);
	memcpy(o, &s->free, sizeof(s->free));
	s->free = idx;
	s->live--;
}

static void
rib_slab_fini(struct rib_slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
}

void
rib_table_init(struct rib_table *t)
{
	memset(t, 0, sizeof(*t));
	t->routes.objsize = sizeof(struct rib_route);
	t->pairs.objsize = 2 * sizeof(struct rib_path);
}

void
rib_table_fini(struct rib_table *t)
{
	rib_slab_fini(&t->routes);
	rib_slab_fini(&t->pairs);
	memset(t, 0, sizeof(*t));
}

#define KEY_BITS	38	/* addr << 6 | len */

static struct rib_tnode *
node_at(const struct rib_table *t, uint32_t idx)
{
	return rib_slab_at(&t->routes, idx);
}

/* The key of p; a length past 32 (never stored) keeps its order, capped. */
static uint64_t
key_of(uint32_t addr, uint8_t len)
{
	return (uint64_t)addr << 6 | (len < 63 ? len : 63);
}

static uint64_t
node_key(const struct rib_tnode *n)
{
	return key_of(n->addr, n->len);
}

/* The bit a branch with tnode.bit b tests (b >= 1; bit 0 is the top one). */
static unsigned
key_bit(uint64_t k, uint8_t b)
{
	return (k >> (KEY_BITS - b)) & 1;
}

/* The node where a search for k ends: the only one that can hold k; 0 if empty. */
static uint32_t
table_search(const struct rib_table *t, uint64_t k)
{
	const struct rib_tnode *n;
	uint32_t x;
	uint8_t pb = 0;

	if (t->root == 0)
		return 0;
	x = node_at(t, t->root)->child[0];
	while ((n = node_at(t, x))->bit > pb) {
		pb = n->bit;
		x = n->child[key_bit(k, pb)];
	}
	return x;
}

static struct rib_route *
table_find_key(const struct rib_table *t, uint64_t k)
{
	uint32_t x = table_search(t, k);
	struct rib_route *r = x != 0 ? rib_slab_at(&t->routes, x) : NULL;

	return r != NULL && node_key(&r->t) == k && r->t.npaths > 0 ? r : NULL;
}

struct rib_route *
rib_table_find(const struct rib_table *t, const struct prefix *p)
{
	return table_find_key(t, key_of(p->addr & prefix_mask(p->len <= 32 ? p->len : 32), p->len));
}

struct rib_route *
rib_table_match(const struct rib_table *t, const struct prefix *p)
{
	struct rib_route *r;

	for (int len = p->len < 32 ? p->len : 32; len >= 0; len--)
		if (t->nlen[len] > 0 &&
		    (r = table_find_key(t, key_of(p->addr & prefix_mask((uint8_t)len), (uint8_t)len))))
			return r;
	return NULL;
}

/*
 * Link node ref (key k, not in the table) in: its branch tests the first bit
 * where k differs from near's key (where a search for k ends), and goes where the
 * descent by k first meets a greater bit or an up link (Sedgewick).
 */
static void
table_link(struct rib_table *t, uint32_t ref, uint64_t k, uint32_t near)
{
	uint64_t diff = k ^ node_key(node_at(t, near));
	struct rib_tnode *n = node_at(t, ref), *x;
	uint8_t b = (uint8_t)(__builtin_clzll(diff) - (64 - KEY_BITS) + 1), pb = 0;
	uint32_t *link = &node_at(t, t->root)->child[0];

	while ((x = node_at(t, *link))->bit > pb && x->bit < b) {
		pb = x->bit;
		link = &x->child[key_bit(k, pb)];
	}
	n->bit = b;
	n->child[key_bit(k, b)] = ref;
	n->child[!key_bit(k, b)] = *link;
	*link = ref;
}

struct rib_route *
rib_table_get(struct rib_table *t, const struct prefix *p)
{
	uint64_t k = key_of(p->addr, p->len);
	uint32_t x = table_search(t, k), ref;
	struct rib_tnode *n;

	if (x != 0 && node_key(node_at(t, x)) == k)
		return rib_slab_at(&t->routes, x);
	if ((ref = rib_slab_alloc(&t->routes)) == 0)
		return NULL;
	n = node_at(t, ref);
	n->addr = p->addr, n->len = p->len;
	t->nlen[p->len]++;
	if (t->root == 0) {
		n->child[0] = ref;	/* the head, alone: its own up link */
		t->root = ref;
	} else {
		table_link(t, ref, k, x);
	}
	return (struct rib_route *)n;
}

/* Where a search for node X's key went: the links that delete rewrites. */
struct table_trail {
	uint32_t	*up;		/* the up link to X, in node p */
	uint32_t	*to_p;		/* the down link to p's branch; NULL: p is the head */
	uint32_t	*to_x;		/* the down link to X's branch; NULL: X is the head */
	uint32_t	 p;
};

static void
table_trail(const struct rib_table *t, const struct rib_tnode *xn, struct table_trail *tr)
{
	uint64_t k = node_key(xn);
	struct rib_tnode *pn, *n;

	*tr = (struct table_trail){ .p = t->root };
	pn = node_at(t, t->root);
	tr->up = &pn->child[0];
	while ((n = node_at(t, *tr->up))->bit > pn->bit) {
		if (n == xn)
			tr->to_x = tr->up;
		tr->to_p = tr->up;
		tr->p = *tr->up, pn = n;
		tr->up = &n->child[key_bit(k, n->bit)];
	}
	if (n != xn)
		fatalx("rib_table_del: route not in the table");
}

void
rib_table_del(struct rib_table *t, const struct rib_route *r)
{
	struct rib_tnode *pn, *xn = (struct rib_tnode *)&r->t;
	struct table_trail tr;
	uint32_t x;

	if (t->root == 0)
		fatalx("rib_table_del: empty table");
	table_trail(t, xn, &tr);
	x = *tr.up;
	pn = node_at(t, tr.p);
	if (tr.p == x && tr.to_p == NULL) {		/* the head, alone */
		t->root = 0;
	} else if (tr.p == x) {				/* its own up link: its branch goes */
		*tr.to_x = xn->child[xn->child[0] == x];
	} else {
		/* p's branch goes, then p takes X's branch (or becomes the head) */
		*tr.to_p = pn->child[&pn->child[0] == tr.up];
		pn->bit = xn->bit;
		pn->child[0] = xn->child[0], pn->child[1] = xn->child[1];
		if (tr.to_x != NULL)
			*tr.to_x = tr.p;
		else
			t->root = tr.p;
	}
	t->nlen[xn->len]--;
	rib_slab_free(&t->routes, x);
}

uint32_t
rib_table_limit(const struct rib_table *t)
{
	return t->routes.top;
}

struct rib_route *
rib_table_at(const struct rib_table *t, uint32_t idx)
{
	struct rib_route *r;

	if (idx == 0 || idx >= t->routes.top)
		return NULL;
	r = rib_slab_at(&t->routes, idx);
	return r->t.npaths == 0 ? NULL : r;
}

struct table_walk {
	const struct rib_table	*t;
	uint64_t		 after;		/* with has_after: resume strictly after */
	bool			 has_after;
	size_t			 max, n;
	rib_walk_fn		*fn;
	void			*arg;
	bool			 stop;
};

static void
walk_key(struct table_walk *w, const struct rib_tnode *n)
{
	struct prefix p = { n->addr, n->len };

	if (n->npaths == 0 || (w->has_after && node_key(n) <= w->after))
		return;
	w->n++;
	if (w->fn(w->arg, &p, (const struct rib_route *)n) != 0 || w->n >= w->max)
		w->stop = true;
}

/* The link x, from a branch testing bit pb: in key order. Depth <= 39. */
static void
walk_link(struct table_walk *w, uint32_t x, uint8_t pb)
{
	const struct rib_tnode *n = node_at(w->t, x);
	uint64_t rest;

	if (w->stop)
		return;
	if (n->bit <= pb) {
		walk_key(w, n);
		return;
	}
	rest = (1ull << (KEY_BITS + 1 - n->bit)) - 1;	/* the bits the subtree may vary */
	if (w->has_after && (node_key(n) | rest) <= w->after)
		return;		/* the whole subtree sorts before 'after' (I1, I2) */
	walk_link(w, n->child[0], n->bit);
	walk_link(w, n->child[1], n->bit);
}

size_t
rib_table_walk(const struct rib_table *t, const struct prefix *after, size_t max,
    rib_walk_fn *fn, void *arg)
{
	struct table_walk w = { t, 0, after != NULL, max, 0, fn, arg, max == 0 };

	if (after != NULL)
		w.after = key_of(after->addr, after->len);
	if (t->root != 0)
		walk_link(&w, node_at(t, t->root)->child[0], 0);
	return w.n;
}

size_t
rib_table_bytes(const struct rib_table *t)
{
	const struct rib_slab *s[] = { &t->routes, &t->pairs };
	size_t b = t->many_bytes;

	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		b += s[i]->nchunks * (SLAB_CHUNK * s[i]->objsize + sizeof(*s[i]->chunks));
	return b;
}

/* Storage for n >= 2 paths: a pair slot for 2, else malloc. NULL on out of memory. */
static struct rib_path *
paths_alloc(struct rib_table *t, size_t n, uint32_t *pair)
{
	struct rib_path *p;

	*pair = n == 2 ? rib_slab_alloc(&t->pairs) : 0;
	if (*pair != 0)
		return rib_slab_at(&t->pairs, *pair);
	if ((p = malloc(n * sizeof(*p))) != NULL)
		t->many_bytes += n * sizeof(*p);
	return p;
}

/* Give r the array p of npaths >= 2 (pair: its slab index, 0 if malloc'd). */
static void
paths_set(struct rib_route *r, struct rib_path *p, uint32_t pair)
{
	memcpy(r->u.many.p, &p, sizeof(p));
	r->u.many.pair = pair;
}

/* Release the array of a route with npaths >= 2 (sized exactly npaths). */
static void
paths_release(struct rib_table *t, struct rib_route *r)
{
	if (r->u.many.pair != 0) {
		rib_slab_free(&t->pairs, r->u.many.pair);
	} else {
		free(rib_route_paths(r));
		t->many_bytes -= r->t.npaths * sizeof(struct rib_path);
	}
}

int
rib_route_path_append(struct rib_table *t, struct rib_route *r, const struct rib_path *path)
{
	uint16_t n = r->t.npaths;
	struct rib_path *dst;
	uint32_t pair;

	if (n == UINT16_MAX)
		return -ENOSPC;
	if (n == 0) {
		r->u.one = *path;
		r->t.npaths = 1;
		return 0;
	}
	if ((dst = paths_alloc(t, n + 1u, &pair)) == NULL)
		return -ENOMEM;
	memcpy(dst, rib_route_paths(r), n * sizeof(*dst));
	dst[n] = *path;
	if (n >= 2)
		paths_release(t, r);
	paths_set(r, dst, pair);
	r->t.npaths++;
	return 0;
}

void
rib_route_path_remove(struct rib_table *t, struct rib_route *r, size_t i)
{
	struct rib_path *m = rib_route_paths(r), *dst, keep;
	uint16_t n = r->t.npaths;
	uint32_t pair;

	if (n == 1) {
		memset(&r->u, 0, sizeof(r->u));
	} else if (n == 2) {
		keep = m[1 - i];
		paths_release(t, r);
		r->u.one = keep;
	} else {
		if ((dst = paths_alloc(t, n - 1u, &pair)) == NULL)
			fatal("rib: path array of %u", n - 1u);
		memcpy(dst, m, i * sizeof(*dst));
		memcpy(&dst[i], &m[i + 1], (n - 1u - i) * sizeof(*dst));
		paths_release(t, r);
		paths_set(r, dst, pair);
	}
	r->t.npaths--;
}
