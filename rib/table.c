/*
 * rib/table.c - the prefix table: a path-compressed binary trie over slabs.
 *
 * Routes (32 bytes) and branch nodes (16 bytes) live in two slabs of
 * fixed-size objects addressed by 32-bit indices, so a million /24s with one
 * path each cost about 48 bytes of table each (doc/rib.md). The trie gives
 * exact lookup in at most 33 steps and an in-order walk that can resume
 * after any prefix; the slab gives chunked jobs a stable unordered cursor.
 * Knows nothing of paths beyond their storage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "rib/rib_int.h"

#define SLAB_CHUNK	(1u << RIB_SLAB_SHIFT)

static void *
slab_at(const struct rib_slab *s, uint32_t idx)
{
	return s->chunks[idx >> RIB_SLAB_SHIFT] + (idx & (SLAB_CHUNK - 1)) * s->objsize;
}

static int
slab_grow(struct rib_slab *s)
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
slab_alloc(struct rib_slab *s)
{
	uint32_t idx = s->free;

	if (idx != 0) {
		memcpy(&s->free, slab_at(s, idx), sizeof(s->free));
	} else {
		if (s->top == 0)
			s->top = 1;
		if (s->top >= RIB_GLUE)
			return 0;
		if ((s->top >> RIB_SLAB_SHIFT) >= s->nchunks && slab_grow(s) < 0)
			return 0;
		idx = s->top++;
	}
	memset(slab_at(s, idx), 0, s->objsize);
	s->live++;
	return idx;
}

/* The free-list link overwrites child[0]; npaths stays 0, marking it free. */
static void
slab_free(struct rib_slab *s, uint32_t idx)
{
	void *o = slab_at(s, idx);

	memset(o, 0, s->objsize);
	memcpy(o, &s->free, sizeof(s->free));
	s->free = idx;
	s->live--;
}

static void
slab_fini(struct rib_slab *s)
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
	t->glue.objsize = sizeof(struct rib_tnode);
	t->pairs.objsize = 2 * sizeof(struct rib_path);
}

void
rib_table_fini(struct rib_table *t)
{
	slab_fini(&t->routes);
	slab_fini(&t->glue);
	slab_fini(&t->pairs);
	memset(t, 0, sizeof(*t));
}

static struct rib_tnode *
table_node(const struct rib_table *t, uint32_t ref)
{
	return ref & RIB_GLUE ? slab_at(&t->glue, ref & ~RIB_GLUE) : slab_at(&t->routes, ref);
}

/* Bit number 'bit' (0 = most significant) of an address. */
static unsigned
addr_bit(uint32_t addr, uint8_t bit)
{
	return (addr >> (31 - bit)) & 1;
}

static bool
node_covers(const struct rib_tnode *n, const struct prefix *p)
{
	return n->len <= p->len && ((p->addr ^ n->addr) & prefix_mask(n->len)) == 0;
}

struct rib_route *
rib_table_find(const struct rib_table *t, const struct prefix *p)
{
	uint32_t ref = t->root;
	const struct rib_tnode *n;

	while (ref != 0) {
		n = table_node(t, ref);
		if (!node_covers(n, p))
			return NULL;
		if (n->len == p->len)
			return ref & RIB_GLUE || n->npaths == 0 ? NULL : (struct rib_route *)n;
		ref = n->child[addr_bit(p->addr, n->len)];
	}
	return NULL;
}

struct rib_route *
rib_table_match(const struct rib_table *t, const struct prefix *p)
{
	const struct rib_tnode *n, *best = NULL;
	uint32_t ref = t->root;

	while (ref != 0) {
		n = table_node(t, ref);
		if (!node_covers(n, p))
			break;
		if (!(ref & RIB_GLUE) && n->npaths > 0)
			best = n;
		if (n->len == p->len)
			break;
		ref = n->child[addr_bit(p->addr, n->len)];
	}
	return (struct rib_route *)best;
}

static uint8_t
common_len(const struct rib_tnode *n, const struct prefix *p)
{
	uint32_t diff = n->addr ^ p->addr;
	uint8_t len = n->len < p->len ? n->len : p->len;
	uint8_t same = diff == 0 ? 32 : (uint8_t)__builtin_clz(diff);

	return same < len ? same : len;
}

/* A new route for p at *link, taking over the node that was there. */
static struct rib_route *
table_insert_at(struct rib_table *t, uint32_t *link, const struct prefix *p)
{
	uint32_t old = *link, ref, g = 0;
	struct rib_tnode *on = old ? table_node(t, old) : NULL, *n, *gn;
	uint8_t cl = on ? common_len(on, p) : 0;

	if (on != NULL && cl < p->len && (g = slab_alloc(&t->glue)) == 0)
		return NULL;
	if ((ref = slab_alloc(&t->routes)) == 0) {
		if (g != 0)
			slab_free(&t->glue, g);
		return NULL;
	}
	n = slab_at(&t->routes, ref);
	n->addr = p->addr, n->len = p->len;
	*link = ref;
	if (on != NULL && g == 0) {		/* p covers the old node */
		n->child[addr_bit(on->addr, p->len)] = old;
	} else if (g != 0) {			/* they branch at cl < p->len */
		gn = slab_at(&t->glue, g);
		gn->addr = p->addr & prefix_mask(cl), gn->len = cl;
		gn->child[addr_bit(on->addr, cl)] = old;
		gn->child[addr_bit(p->addr, cl)] = ref;
		*link = g | RIB_GLUE;
	}
	return (struct rib_route *)n;
}

/* A glue node at *link becomes a route (same place, same children). */
static struct rib_route *
table_glue_promote(struct rib_table *t, uint32_t *link)
{
	uint32_t ref = slab_alloc(&t->routes), g = *link & ~RIB_GLUE;
	struct rib_tnode *n;

	if (ref == 0)
		return NULL;
	n = slab_at(&t->routes, ref);
	*n = *(struct rib_tnode *)slab_at(&t->glue, g);
	slab_free(&t->glue, g);
	*link = ref;
	return (struct rib_route *)n;
}

struct rib_route *
rib_table_get(struct rib_table *t, const struct prefix *p)
{
	uint32_t *link = &t->root;
	struct rib_tnode *n;

	while (*link != 0) {
		n = table_node(t, *link);
		if (!node_covers(n, p))
			break;
		if (n->len == p->len)
			return *link & RIB_GLUE ? table_glue_promote(t, link) : (struct rib_route *)n;
		link = &n->child[addr_bit(p->addr, n->len)];
	}
	return table_insert_at(t, link, p);
}

/* A route with two children stays as a branch: as a glue node if memory allows. */
static void
table_route_demote(struct rib_table *t, uint32_t *link)
{
	uint32_t g = slab_alloc(&t->glue), ref = *link;

	if (g == 0)
		return;		/* keep the empty route as the branch; find() skips it */
	*(struct rib_tnode *)slab_at(&t->glue, g) = *(struct rib_tnode *)slab_at(&t->routes, ref);
	slab_free(&t->routes, ref);
	*link = g | RIB_GLUE;
}

/* Unlink the node at *link; plink is its parent's link (NULL at the root). */
static void
table_unlink(struct rib_table *t, uint32_t *plink, uint32_t *link)
{
	uint32_t ref = *link;
	struct rib_tnode *n = table_node(t, ref), *pn;

	if (n->child[0] != 0 && n->child[1] != 0) {
		table_route_demote(t, link);
		return;
	}
	*link = n->child[0] | n->child[1];
	slab_free(&t->routes, ref);
	if (*link != 0 || plink == NULL || !(*plink & RIB_GLUE))
		return;
	pn = table_node(t, *plink);	/* a branch left with one child goes too */
	ref = *plink;
	*plink = pn->child[0] | pn->child[1];
	slab_free(&t->glue, ref & ~RIB_GLUE);
}

void
rib_table_del(struct rib_table *t, const struct rib_route *r)
{
	uint32_t *link = &t->root, *plink = NULL;
	struct rib_tnode *n;

	for (;;) {
		if (*link == 0)
			fatalx("rib_table_del: route not in the table");
		n = table_node(t, *link);
		if (n == &r->t)
			break;
		plink = link;
		link = &n->child[addr_bit(r->t.addr, n->len)];
	}
	table_unlink(t, plink, link);
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
	r = slab_at(&t->routes, idx);
	return r->t.npaths == 0 ? NULL : r;
}

struct table_walk {
	const struct rib_table	*t;
	const struct prefix	*after;
	size_t			 max, n;
	rib_walk_fn		*fn;
	void			*arg;
	bool			 stop;
};

static bool
walk_wants(const struct table_walk *w, const struct rib_tnode *n)
{
	struct prefix p = { n->addr, n->len };

	return w->after == NULL || prefix_cmp(&p, w->after) > 0;
}

/* Pre-order is prefix order (address, then length). Depth <= 33. */
static void
walk_node(struct table_walk *w, uint32_t ref)
{
	const struct rib_tnode *n;
	struct prefix p;

	if (ref == 0 || w->stop)
		return;
	n = table_node(w->t, ref);
	if (w->after != NULL && (n->addr | ~prefix_mask(n->len)) < w->after->addr)
		return;		/* the whole subtree sorts before 'after' */
	if (!(ref & RIB_GLUE) && n->npaths > 0 && walk_wants(w, n)) {
		p = (struct prefix){ n->addr, n->len };
		w->n++;
		if (w->fn(w->arg, &p, (const struct rib_route *)n) != 0 || w->n >= w->max)
			w->stop = true;
	}
	walk_node(w, n->child[0]);
	walk_node(w, n->child[1]);
}

size_t
rib_table_walk(const struct rib_table *t, const struct prefix *after, size_t max,
    rib_walk_fn *fn, void *arg)
{
	struct table_walk w = { t, after, max, 0, fn, arg, max == 0 };

	walk_node(&w, t->root);
	return w.n;
}

size_t
rib_table_bytes(const struct rib_table *t)
{
	const struct rib_slab *s[] = { &t->routes, &t->glue, &t->pairs };
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

	*pair = n == 2 ? slab_alloc(&t->pairs) : 0;
	if (*pair != 0)
		return slab_at(&t->pairs, *pair);
	if ((p = malloc(n * sizeof(*p))) != NULL)
		t->many_bytes += n * sizeof(*p);
	return p;
}

/* Release the array of a route with npaths >= 2 (sized exactly npaths). */
static void
paths_release(struct rib_table *t, struct rib_route *r)
{
	if (r->u.many.pair != 0) {
		slab_free(&t->pairs, r->u.many.pair);
	} else {
		free(r->u.many.p);
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
	r->u.many.p = dst;
	r->u.many.pair = pair;
	r->t.npaths++;
	return 0;
}

void
rib_route_path_remove(struct rib_table *t, struct rib_route *r, size_t i)
{
	struct rib_path *m = r->u.many.p, *dst, keep;
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
		r->u.many.p = dst;
		r->u.many.pair = pair;
	}
	r->t.npaths--;
}
