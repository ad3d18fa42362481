/*
 * rib/fib.c - the desired-state FIB: nexthop, group and route objects, the
 * public API, and the flush job that hands differences to fib_kernel.c.
 *
 * One nexthop object per (gateway, ifindex, onlink) and one group per
 * distinct canonical set of (nexthop, weight); both are reference counted
 * and shared by every route that uses them, so BGP PIC is one group replace
 * (fib_nh_down). Routes always point at a group, even of one next hop.
 * The flush job (STYLE 7) sends at most FIB_CHUNK objects per loop turn in
 * dependency order: nexthops, groups, routes (writes and deletes), then
 * group and nexthop deletes once no route may still use them. Nothing here
 * builds a netlink message.
 */
#include <errno.h>
#include <stddef.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "rib/fib_int.h"

/* ---- lists ---- */

static uint32_t fib_route_idx(struct fib *, const struct fib_route *);

static struct fib_queue *
fib_list_of(struct fib *f, const struct fib_obj *o, enum fib_list l)
{
	switch (l) {
	case FIB_L_DIRTY:
		return &f->dirty[o->kind];
	case FIB_L_DEL:
		return &f->del[o->kind];
	case FIB_L_STALE:
		return &f->stale;
	case FIB_L_RETRY:
		return &f->retry;
	case FIB_L_WAIT:
		return &fib_grp_at(f, ((const struct fib_route *)o)->grp)->wait;
	default:
		return NULL;
	}
}

/* Is the object of handle h (maybe freed since) on q? */
static struct fib_obj *
fib_queue_entry(struct fib *f, const struct fib_queue *q, uint32_t h)
{
	struct fib_obj *o;

	if (!slab_is_live((h & FIB_H_ID) ? &f->slots : &f->route_slab, h & ~FIB_H_ID))
		return NULL;
	o = fib_obj_at(f, h);
	return fib_list_of(f, o, o->list) == q ? o : NULL;
}

/* One object left q: its entry stays, dead (fib_queue_entry skips it). */
static void
fib_queue_remove(struct fib_queue *q)
{
	if (--q->live > 0)
		return;
	q->head = q->len = 0;			/* only dead entries are left */
	if (q->cap > FIB_QUEUE_KEEP) {
		free(q->h);			/* a full load's ring: give it back */
		q->h = NULL, q->cap = 0;
	}
}

static uint32_t
fib_obj_handle(struct fib *f, const struct fib_obj *o)
{
	if (o->kind == FIB_K_ROUTE)
		return fib_route_idx(f, (const struct fib_route *)o);
	return FIB_H_ID | ((const struct fib_idobj *)o)->slot;
}

/* Drop dead and repeated entries, in place, order kept. */
static void
fib_queue_compact(struct fib *f, struct fib_queue *q)
{
	uint32_t n = 0, mask = q->cap - 1;
	struct fib_obj *o;

	for (uint32_t i = 0; i < q->len; i++) {
		uint32_t h = q->h[(q->head + i) & mask];

		if ((o = fib_queue_entry(f, q, h)) != NULL && !o->qmark) {
			o->qmark = true;
			q->h[(q->head + n++) & mask] = h;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		fib_obj_at(f, q->h[(q->head + i) & mask])->qmark = false;
	q->len = n;
}

/* Room for one more entry: compacted if half is dead, else doubled. */
static void
fib_queue_room(struct fib *f, struct fib_queue *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : 16, *h;

	if (q->len < q->cap)
		return;
	if (q->len >= 2 * q->live + 16) {
		fib_queue_compact(f, q);
		if (q->len < q->cap)
			return;
	}
	if (q->cap > UINT32_MAX / 4 || (h = malloc((size_t)cap * sizeof(*h))) == NULL)
		fatal("fib: list");
	for (uint32_t i = 0; i < q->len; i++)	/* unrolled from the ring, head at 0 */
		h[i] = q->h[(q->head + i) & (q->cap - 1)];
	free(q->h);
	q->h = h, q->cap = cap, q->head = 0;
}

static void
fib_queue_append(struct fib *f, struct fib_queue *q, struct fib_obj *o)
{
	fib_queue_room(f, q);
	q->h[(q->head + q->len++) & (q->cap - 1)] = fib_obj_handle(f, o);
	q->live++;
}

struct fib_obj *
fib_queue_first(struct fib *f, struct fib_queue *q)
{
	struct fib_obj *o;

	while (q->len > 0) {
		if ((o = fib_queue_entry(f, q, q->h[q->head])) != NULL)
			return o;
		q->head = (q->head + 1) & (q->cap - 1);
		q->len--;
	}
	return NULL;
}

static void
fib_queue_free(struct fib_queue *q)
{
	free(q->h);
	*q = (struct fib_queue){ 0 };
}

void
fib_obj_queue(struct fib *f, struct fib_obj *o, enum fib_list l)
{
	struct fib_queue *q;

	if (o->list == l)
		return;
	if ((q = fib_list_of(f, o, o->list)) != NULL)
		fib_queue_remove(q);
	o->list = (uint8_t)l;
	if ((q = fib_list_of(f, o, l)) != NULL)
		fib_queue_append(f, q, o);
}

void
fib_obj_dirty(struct fib *f, struct fib_obj *o)
{
	if (o->pending != FIB_OP_NONE)
		o->redo = true;			/* its ACK must not close the matter */
	if (o->list == FIB_L_DIRTY)
		return;
	fib_obj_queue(f, o, FIB_L_DIRTY);	/* from retry too: something changed */
	fib_schedule(f);
}

void
fib_schedule(struct fib *f)
{
	if (f->flush_ev == NULL)
		return;				/* offline: nothing is ever sent */
	if (!event_pending(f->flush_ev, EV_TIMEOUT, NULL))
		event_active(f->flush_ev, EV_TIMEOUT, 0);
}

bool
fib_obj_wanted(const struct fib_obj *o)
{
	if (o->kind == FIB_K_ROUTE)
		return ((const struct fib_route *)o)->grp != 0;
	return ((const struct fib_idobj *)o)->refcnt > 0;
}

bool
fib_obj_needs_write(const struct fib *f, const struct fib_obj *o)
{
	const struct fib_route *r = (const struct fib_route *)o;

	if (o->kind != FIB_K_ROUTE)
		return f->nexthops && (!o->in_kernel || o->kdirty);
	return !o->in_kernel || r->o.r_k_mtu != r->o.r_mtu || !fib_route_k_is_grp(f, r);
}

/* Just adopted from a dump: kept until fib_settle(), then judged. */
static void
fib_obj_adopted(struct fib *f, struct fib_obj *o)
{
	o->in_kernel = o->kind != FIB_K_ROUTE;	/* routes: fib_route_kset counts them */
	o->seen = true;
	f->st.adopted++;
	if (f->settled) {
		fib_obj_dirty(f, o);
		return;
	}
	o->stale = true;
	fib_obj_queue(f, o, FIB_L_STALE);
}

/* Clear the stale mark: something wants this object now. */
static void
fib_obj_unstale(struct fib *f, struct fib_obj *o)
{
	if (!o->stale)
		return;
	o->stale = false;
	if (o->list == FIB_L_STALE)
		fib_obj_queue(f, o, FIB_L_NONE);
}

/* o is wanted (again): no longer stale; queued if the kernel lacks it. */
static void
fib_obj_want(struct fib *f, struct fib_obj *o)
{
	fib_obj_unstale(f, o);
	if (fib_obj_needs_write(f, o))
		fib_obj_dirty(f, o);
}

/* ---- ids ---- */

struct fib_idobj *
fib_id_find(const struct fib *f, uint32_t id)
{
	struct hmap_node *n;

	for (n = hmap_first_hash(&f->ids, hash_u32(id)); n; n = hmap_next_hash(n)) {
		struct fib_idobj *h = (struct fib_idobj *)((char *)n - offsetof(struct fib_idobj, idn));

		if (h->id == id)
			return h;
	}
	return NULL;
}

/* id 0: the next free one of ours. */
void
fib_id_assign(struct fib *f, struct fib_idobj *h, uint32_t id)
{
	if (h->id != 0)
		hmap_del(&f->ids, &h->idn);
	if (id == 0)
		while (fib_id_find(f, id = f->next_id++) != NULL || id == 0)
			;
	h->id = id;
	hmap_add(&f->ids, &h->idn, hash_u32(id));
}

/* ---- slots: nexthops and groups by handle ---- */

static void
fib_slot_new(struct fib *f, struct fib_idobj *h)
{
	struct fib_idobj **s = slab_alloc(&f->slots, &h->slot);

	if (s == NULL || h->slot >= FIB_H_ID)
		fatal("fib slot");
	*s = h;
}

/* ---- nexthops ---- */

int
fib_nh_cmp(const void *a, const void *b)
{
	const struct fib_nh *x = a, *y = b;

	if (x->gateway != y->gateway)
		return x->gateway < y->gateway ? -1 : 1;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return (int)x->onlink - (int)y->onlink;
}

static uint32_t
fib_nh_hash(const struct fib_nh *k)
{
	return hash_add(hash_add(hash_u32(k->gateway), k->ifindex), k->onlink);
}

static struct fib_nhobj *
fib_nhobj_find(const struct fib *f, const struct fib_nh *k)
{
	struct hmap_node *n;

	for (n = hmap_first_hash(&f->nhs, fib_nh_hash(k)); n; n = hmap_next_hash(n)) {
		struct fib_nhobj *nh = fib_nhobj_of(n);

		if (fib_nh_cmp(&nh->key, k) == 0)
			return nh;
	}
	return NULL;
}

static struct fib_nhobj *
fib_nhobj_new(struct fib *f, const struct fib_nh *k, uint32_t id)
{
	struct fib_nhobj *nh = calloc(1, sizeof(*nh));

	if (nh == NULL)
		fatal("fib nexthop");
	nh->h.o.kind = FIB_K_NH;
	nh->key = (struct fib_nh){ k->gateway, k->ifindex, k->onlink, 0 };
	fib_slot_new(f, &nh->h);
	hmap_add(&f->nhs, &nh->h.hn, fib_nh_hash(&nh->key));
	fib_id_assign(f, &nh->h, id);
	return nh;
}

struct fib_nhobj *
fib_nhobj_adopt(struct fib *f, const struct fib_nh *k, uint32_t id)
{
	struct fib_nhobj *nh = fib_nhobj_new(f, k, id);

	fib_obj_adopted(f, &nh->h.o);
	return nh;
}

static struct fib_nhobj *
fib_nhobj_get(struct fib *f, const struct fib_nh *k)
{
	struct fib_nhobj *nh = fib_nhobj_find(f, k);

	if (nh == NULL)
		nh = fib_nhobj_new(f, k, 0);
	if (nh->h.refcnt++ == 0)
		f->st.nexthops++;
	fib_obj_want(f, &nh->h.o);
	return nh;
}

void
fib_nhobj_put(struct fib *f, struct fib_nhobj *nh)
{
	if (--nh->h.refcnt == 0) {
		f->st.nexthops--;
		fib_obj_dirty(f, &nh->h.o);
	}
}

/* ---- groups ---- */

static uint32_t
fib_grp_hash(const struct fib_nh *nhs, size_t n)
{
	uint32_t h = (uint32_t)n;

	for (size_t i = 0; i < n; i++)
		h = hash_add(hash_add(h, fib_nh_hash(&nhs[i])), nhs[i].weight);
	return h;
}

static uint32_t
fib_grp_rehash(struct fib_grp *g)
{
	struct fib_nh k[FIB_NH_MAX];

	for (size_t i = 0; i < g->n; i++) {
		k[i] = g->m[i].nh->key;
		k[i].weight = g->m[i].weight;
	}
	return fib_grp_hash(k, g->n);
}

static bool
fib_grp_is(const struct fib_grp *g, const struct fib_nh *nhs, size_t n)
{
	if (g->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (fib_nh_cmp(&g->m[i].nh->key, &nhs[i]) != 0 || g->m[i].weight != nhs[i].weight)
			return false;
	return true;
}

static struct fib_grp *
fib_grp_find(const struct fib *f, const struct fib_nh *nhs, size_t n)
{
	struct hmap_node *x;

	for (x = hmap_first_hash(&f->grps, fib_grp_hash(nhs, n)); x; x = hmap_next_hash(x)) {
		struct fib_grp *g = fib_grp_of(x);

		if (fib_grp_is(g, nhs, n))
			return g;
	}
	return NULL;
}

/* A new group holds a reference on each member nexthop. */
static struct fib_grp *
fib_grp_new(struct fib *f, const struct fib_nh *nhs, size_t n, uint32_t id, bool adopt)
{
	struct fib_grp *g = calloc(1, sizeof(*g) + n * sizeof(g->m[0]));

	if (g == NULL)
		fatal("fib group");
	g->h.o.kind = FIB_K_GRP;
	g->n = n;
	fib_slot_new(f, &g->h);
	for (size_t i = 0; i < n; i++) {
		g->m[i].nh = adopt ? fib_nhobj_find(f, &nhs[i]) : fib_nhobj_get(f, &nhs[i]);
		if (adopt && g->m[i].nh->h.refcnt++ == 0)	/* adopt: found by the caller */
			f->st.nexthops++;
		g->m[i].weight = nhs[i].weight;
	}
	hmap_add(&f->grps, &g->h.hn, fib_grp_hash(nhs, n));
	fib_id_assign(f, &g->h, id);
	return g;
}

/* nhs: canonical order, members already adopted with fib_nhobj_adopt. */
struct fib_grp *
fib_grp_adopt(struct fib *f, const struct fib_nh *nhs, size_t n, uint32_t id)
{
	struct fib_grp *g = fib_grp_new(f, nhs, n, id, true);

	fib_obj_adopted(f, &g->h.o);
	for (size_t i = 0; i < n; i++)
		fib_obj_unstale(f, &g->m[i].nh->h.o);	/* lives as long as the group */
	return g;
}

static struct fib_grp *
fib_grp_get(struct fib *f, const struct fib_nh *nhs, size_t n)
{
	struct fib_grp *g = fib_grp_find(f, nhs, n);

	if (g == NULL)
		g = fib_grp_new(f, nhs, n, 0, false);
	fib_grp_ref(f, g);
	fib_obj_want(f, &g->h.o);
	return g;
}

void
fib_grp_ref(struct fib *f, struct fib_grp *g)
{
	if (g->h.refcnt++ == 0)
		f->st.groups++;
}

void
fib_grp_put(struct fib *f, struct fib_grp *g)
{
	if (--g->h.refcnt == 0) {
		f->st.groups--;
		fib_obj_dirty(f, &g->h.o);
	}
}

bool
fib_grp_has_nh(const struct fib_grp *g, const struct fib_nhobj *nh)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->m[i].nh == nh)
			return true;
	return false;
}

/* Inline next hops: the signature of g's hops, as fib_hops_sig gives it for
 * a route in a dump; 0 for none. */
uint32_t
fib_grp_hops_sig(const struct fib_grp *g)
{
	struct fib_nh k[FIB_NH_MAX];

	if (g == NULL)
		return 0;
	for (size_t i = 0; i < g->n; i++) {
		k[i] = g->m[i].nh->key;
		k[i].weight = g->m[i].weight;
	}
	return fib_hops_sig(k, g->n);
}

/* ---- routes ---- */

/*
 * Its index in f->route_slab. It is in f->routes from fib_route_new to
 * fib_obj_free, so one bucket's walk finds it (pointers compared). A slab
 * object's address and index are tied for the slab's life (chunks never
 * move), so the last pair known is kept as a hint: fib_route_set asks
 * twice right after its lookup by prefix. The hint is a live route (cleared
 * when it is freed), so fib_route_find tries it first too: a caller that
 * reads a prefix's word and then sets it looks the prefix up once.
 */
static uint32_t
fib_route_idx(struct fib *f, const struct fib_route *r)
{
	if (r == f->hint_r)
		return f->hint_idx;
	for (uint32_t i = ihash_first(&f->routes, hash_prefix(r->addr, r->o.r_plen)); i != 0;
	    i = ihash_next(&f->routes, i))
		if (slab_at(&f->route_slab, i) == r) {
			f->hint_r = r, f->hint_idx = i;
			return i;
		}
	fatalx("fib: a route is missing from its table");
}

/* The group the kernel's route names (nexthop objects), or NULL. */
struct fib_grp *
fib_route_kgrp(const struct fib *f, const struct fib_route *r)
{
	return f->nexthops ? fib_grp_at(f, r->k_grp) : NULL;
}

/* Does the kernel's route name the group r wants, or (inline) its hops? */
bool
fib_route_k_is_grp(const struct fib *f, const struct fib_route *r)
{
	if (f->nexthops)
		return r->k_grp == r->grp;
	return r->k_sig == fib_grp_hops_sig(fib_grp_at(f, r->grp));
}

static uint32_t
fib_route_hash_of(const void *obj)
{
	const struct fib_route *r = obj;

	return hash_prefix(r->addr, r->o.r_plen);
}

struct fib_route *
fib_route_find(struct fib *f, const struct prefix *p)
{
	struct fib_route *r = (struct fib_route *)f->hint_r;

	if (r != NULL && r->addr == p->addr && r->o.r_plen == p->len)
		return r;			/* asked again: fib_route_word, then set */
	for (uint32_t i = ihash_first(&f->routes, hash_prefix(p->addr, p->len)); i != 0;
	    i = ihash_next(&f->routes, i)) {
		r = slab_at(&f->route_slab, i);
		if (r->addr == p->addr && r->o.r_plen == p->len) {
			f->hint_r = r, f->hint_idx = i;
			return r;
		}
	}
	return NULL;
}

static struct fib_route *
fib_route_new(struct fib *f, const struct prefix *p)
{
	uint32_t idx;
	struct fib_route *r = slab_alloc(&f->route_slab, &idx);

	if (r == NULL || idx >= FIB_H_ID)
		fatal("fib route");
	r->o.kind = FIB_K_ROUTE;
	f->hint_r = r, f->hint_idx = idx;
	r->addr = p->addr;
	r->o.r_plen = p->len;
	ihash_add(&f->routes, idx, hash_prefix(p->addr, p->len));
	return r;
}

struct fib_route *
fib_route_adopt(struct fib *f, const struct prefix *p)
{
	struct fib_route *r = fib_route_new(f, p);

	fib_obj_adopted(f, &r->o);
	return r;
}

/* Point r at g (a reference the caller passes on), or at nothing. */
static void
fib_route_point(struct fib *f, struct fib_route *r, struct fib_grp *g)
{
	struct fib_grp *old = fib_grp_at(f, r->grp);

	if (old == g) {
		if (g != NULL)
			fib_grp_put(f, g);	/* already held */
		return;
	}
	if (r->o.list == FIB_L_WAIT)
		fib_obj_queue(f, &r->o, FIB_L_NONE);	/* old's list; the caller steps it */
	if (old != NULL) {
		old->nroutes--;
		fib_grp_put(f, old);
	} else
		f->st.routes++;
	r->grp = fib_grp_slot(g);
	if (g != NULL)
		g->nroutes++;
	else
		f->st.routes--;
}

/*
 * The route for p, about to change: if a message of it is in flight, every
 * ACK is read first (fib_int.h), which may free it, so it is looked up again.
 */
static struct fib_route *
fib_route_find_settled(struct fib *f, const struct prefix *p)
{
	struct fib_route *r = fib_route_find(f, p);

	if (r == NULL || r->o.pending == FIB_OP_NONE)
		return r;
	f->st.settles++;
	fib_kernel_settle(f);
	return fib_route_find(f, p);
}

/* Copy, sort and check next hops; the canonical order keys the group. */
static int
fib_nhs_canon(const struct fib_nh *in, size_t n, struct fib_nh *out)
{
	if (n == 0 || n > FIB_NH_MAX)
		return -EINVAL;
	memcpy(out, in, n * sizeof(*in));
	qsort(out, n, sizeof(*out), fib_nh_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out[i].weight == 0 || out[i].weight > 256 || out[i].ifindex == 0)
			return -EINVAL;
		if (i > 0 && fib_nh_cmp(&out[i - 1], &out[i]) == 0)
			return -EINVAL;
	}
	return 0;
}

int
fib_route_set(struct fib *f, const struct prefix *p, const struct fib_nh *nhs,
    size_t n, uint32_t mtu, uint32_t word)
{
	struct fib_nh k[FIB_NH_MAX];
	struct fib_route *r;

	if (p->len > 32 || mtu > UINT16_MAX || fib_nhs_canon(nhs, n, k) < 0)
		return -EINVAL;
	if ((r = fib_route_find_settled(f, p)) == NULL)
		r = fib_route_new(f, p);
	fib_route_point(f, r, fib_grp_get(f, k, n));
	r->o.r_mtu = (uint16_t)mtu;
	r->word = word;
	fib_obj_want(f, &r->o);
	return 0;
}

void
fib_route_del(struct fib *f, const struct prefix *p, uint32_t word)
{
	struct fib_route *r = fib_route_find_settled(f, p);

	if (r == NULL && word == 0)
		return;
	if (r == NULL)
		r = fib_route_new(f, p);	/* held by its word, never wanted */
	r->word = word;
	fib_route_point(f, r, NULL);
	fib_obj_unstale(f, &r->o);	/* asked for by name: no need to wait */
	fib_obj_dirty(f, &r->o);
}

uint32_t
fib_route_word(struct fib *f, const struct prefix *p)
{
	const struct fib_route *r = fib_route_find(f, p);

	return r != NULL ? r->word : 0;
}

void
fib_route_word_walk(struct fib *f, fib_word_fn *fn, void *arg)
{
	const struct fib_route *r;

	for (uint32_t i = 0; (r = slab_next(&f->route_slab, &i)) != NULL;)
		if (r->word != 0) {
			struct prefix p = fib_route_pfx(r);

			fn(arg, &p, r->word);	/* may free r: read before */
		}
}

size_t
fib_routes_of_marked(struct fib *f, bool by_kernel, fib_marked_fn *fn)
{
	struct fib_route *r;
	struct fib_grp *g;
	size_t n = 0;

	if (by_kernel && !f->nexthops)
		fatalx("fib_routes_of_marked: k_sig names no group");
	f->st.walks++;
	for (uint32_t i = 0; (r = slab_next(&f->route_slab, &i)) != NULL;)
		if ((g = fib_grp_at(f, by_kernel ? r->k_grp : r->grp)) != NULL && g->mark)
			n += fn(f, r);
	for (g = fib_grp_next(f, NULL); g != NULL; g = fib_grp_next(f, g))
		g->mark = false;
	return n;
}

/* ---- freeing ---- */

static void
fib_route_free(struct fib *f, struct fib_route *r)
{
	uint32_t idx = fib_route_idx(f, r);

	if (f->hint_r == r)
		f->hint_r = NULL;		/* fib_route_find trusts it */
	ihash_del(&f->routes, idx, hash_prefix(r->addr, r->o.r_plen));
	slab_free(&f->route_slab, idx);
}

static void
fib_idobj_free(struct fib *f, struct fib_idobj *h)
{
	hmap_del(h->o.kind == FIB_K_NH ? &f->nhs : &f->grps, &h->hn);
	hmap_del(&f->ids, &h->idn);
	slab_free(&f->slots, h->slot);
	if (h->o.kind == FIB_K_GRP) {
		struct fib_grp *g = (struct fib_grp *)h;

		for (size_t i = 0; i < g->n; i++)
			fib_nhobj_put(f, g->m[i].nh);
		fib_queue_free(&g->wait);	/* no route waits: they hold g */
	}
	free(h);
}

static void
fib_obj_free(struct fib *f, struct fib_obj *o)
{
	fib_obj_queue(f, o, FIB_L_NONE);
	if (o->kind == FIB_K_ROUTE)
		fib_route_free(f, (struct fib_route *)o);
	else
		fib_idobj_free(f, (struct fib_idobj *)o);
}

/* Free o if nobody wants it and the kernel does not have it. */
void
fib_obj_release(struct fib *f, struct fib_obj *o)
{
	if (fib_obj_wanted(o) || o->in_kernel || o->maybe_in || o->pending != FIB_OP_NONE ||
	    o->stale)
		return;
	if (o->kind == FIB_K_ROUTE && (fib_route_kgrp(f, (struct fib_route *)o) != NULL ||
	    ((struct fib_route *)o)->word != 0))
		return;			/* the kernel's names a group; the caller holds it */
	fib_obj_free(f, o);
}

/* ---- PIC ---- */

static size_t fib_flush_list(struct fib *, struct fib_queue *, size_t budget, bool del);

static void
fib_grp_drop_member(struct fib *f, struct fib_grp *g, size_t i)
{
	struct fib_nhobj *nh = g->m[i].nh;

	memmove(&g->m[i], &g->m[i + 1], (g->n - i - 1) * sizeof(g->m[0]));
	g->n--;
	hmap_del(&f->grps, &g->h.hn);
	hmap_add(&f->grps, &g->h.hn, fib_grp_rehash(g));
	fib_nhobj_put(f, nh);
	g->h.o.kdirty = true;
	fib_obj_dirty(f, &g->h.o);
	if (!f->nexthops)
		g->mark = true;			/* inline next hops: its routes change */
}

static bool
fib_route_dirty(struct fib *f, struct fib_route *r)
{
	fib_obj_dirty(f, &r->o);
	return true;
}

size_t
fib_nh_down(struct fib *f, const struct fib_nh *k)
{
	struct fib_nhobj *nh = fib_nhobj_find(f, k);
	struct fib_grp **hit, *g;
	size_t n = 0;

	if (nh == NULL || (hit = calloc(f->grps.count + 1, sizeof(*hit))) == NULL)
		return 0;
	if (!f->nexthops && f->nl != NULL && nl_inflight(f->nl) > 0) {	/* inline hops: routes change */
		f->st.settles++;
		fib_kernel_settle(f);
	}
	for (g = fib_grp_next(f, NULL); g != NULL; g = fib_grp_next(f, g))
		if (g->n > 1 && fib_grp_has_nh(g, nh))
			hit[n++] = g;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < hit[i]->n; j++)
			if (hit[i]->m[j].nh == nh) {
				fib_grp_drop_member(f, hit[i], j);
				break;
			}
	free(hit);
	if (n > 0 && !f->nexthops)
		fib_routes_of_marked(f, false, fib_route_dirty);
	/* Failover is about time: the group replaces go now, ahead of whatever
	 * else this loop turn does (a session down also frees its Adj-RIB-Out).
	 * Nexthops first, as the flush job orders them; routes wait for it. */
	if (n > 0 && f->nexthops) {
		f->urgent = true;		/* not behind the writer's queue of routes */
		(void)fib_flush_list(f, &f->dirty[FIB_K_NH], FIB_CHUNK, false);
		(void)fib_flush_list(f, &f->dirty[FIB_K_GRP], FIB_CHUNK, false);
		f->urgent = false;
	}
	return n;
}

/* ---- flush job ---- */

/* Is the route's group in the kernel (nexthop objects), so it can be used? */
static bool
fib_route_ready(const struct fib *f, const struct fib_route *r)
{
	return !f->nexthops || fib_obj_usable(&fib_grp_at(f, r->grp)->h.o);
}

static bool
fib_grp_ready(const struct fib_grp *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (fib_obj_usable(&g->m[i].nh->h.o))
			return true;
	return false;
}

/* Compare want with kernel; send a write, a delete, or nothing. */
static void
fib_obj_step(struct fib *f, struct fib_obj *o)
{
	if (fib_obj_wanted(o)) {
		if (o->kind == FIB_K_ROUTE && !fib_route_ready(f, (struct fib_route *)o)) {
			fib_obj_queue(f, o, FIB_L_WAIT);	/* fib_grp_wake wakes it */
			return;
		}
		if (o->kind == FIB_K_GRP && f->nexthops && !fib_grp_ready((struct fib_grp *)o))
			return;			/* woken when a member is in */
		if (fib_obj_needs_write(f, o))
			fib_kernel_write(f, o);
		return;
	}
	if (o->stale && !f->settled)
		fib_obj_queue(f, o, FIB_L_STALE);	/* settling frees it if it left the kernel */
	else if (!o->in_kernel && !o->maybe_in)
		fib_obj_release(f, o);
	else if (o->kind == FIB_K_ROUTE)
		fib_kernel_del(f, o);
	else
		fib_obj_queue(f, o, FIB_L_DEL);
}

static size_t
fib_flush_list(struct fib *f, struct fib_queue *q, size_t budget, bool del)
{
	struct fib_obj *o;
	size_t n = 0;

	while (n < budget && (o = fib_queue_first(f, q)) != NULL) {
		fib_obj_queue(f, o, FIB_L_NONE);
		if (o->pending != FIB_OP_NONE)
			o->redo = true;		/* one message in flight at a time */
		else if (del && !fib_obj_wanted(o))
			fib_kernel_del(f, o);
		else
			fib_obj_step(f, o);
		n++;
	}
	fib_kernel_flush(f);			/* a phase ends with its batch sent */
	return n;
}

static bool
fib_dirty_empty(const struct fib *f)
{
	for (int k = 0; k < FIB_K_COUNT; k++)
		if (!fib_queue_empty(&f->dirty[k]))
			return false;
	return true;
}

static void
fib_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;
	size_t b = FIB_CHUNK;

	(void)fd, (void)what;
	fib_grps_gone_walk(f);			/* groups the monitor saw go */
	for (int k = FIB_K_NH; k <= FIB_K_ROUTE; k++)
		b -= fib_flush_list(f, &f->dirty[k], b, false);
	if (fib_dirty_empty(f)) {
		b -= fib_flush_list(f, &f->del[FIB_K_GRP], b, true);
		if (fib_queue_empty(&f->del[FIB_K_GRP]))
			(void)fib_flush_list(f, &f->del[FIB_K_NH], b, true);
	}
	if (!fib_dirty_empty(f) || !fib_queue_empty(&f->del[FIB_K_GRP]) ||
	    !fib_queue_empty(&f->del[FIB_K_NH]))
		fib_schedule(f);		/* the rest next turn */
}

/* ---- retry with backoff ---- */

static void
fib_retry_move(struct fib *f)
{
	struct fib_obj *o;

	while ((o = fib_queue_first(f, &f->retry)) != NULL) {
		fib_obj_queue(f, o, FIB_L_NONE);
		fib_obj_dirty(f, o);
		f->st.retries++;
	}
}

static void
fib_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fib *f = arg;

	(void)fd, (void)what;
	fib_retry_move(f);
	f->retry_ms = f->retry_ms * 2 > FIB_RETRY_MAX_MS ? FIB_RETRY_MAX_MS : f->retry_ms * 2;
}

void
fib_retry_arm(struct fib *f)
{
	struct timeval tv = { f->retry_ms / 1000, (f->retry_ms % 1000) * 1000 };

	if (f->retry_ev != NULL && !event_pending(f->retry_ev, EV_TIMEOUT, NULL))
		(void)event_add(f->retry_ev, &tv);
}

/* Something changed (link up, address added): retry failures now. */
void
fib_retry_now(struct fib *f)
{
	if (f->retry_ev != NULL)
		(void)event_del(f->retry_ev);
	f->retry_ms = FIB_RETRY_MIN_MS;
	fib_retry_move(f);
}

/* ---- life cycle ---- */

static int
fib_init(struct fib *f, struct event_base *base, const struct fib_opts *o)
{
	f->opts = *o;
	f->opts.protocol = o->protocol ? o->protocol : FIB_RTPROT_DEFAULT;
	f->opts.table = o->table ? o->table : 254;
	f->opts.metric = o->metric ? o->metric : FIB_METRIC_DEFAULT;
	f->opts.buckets = o->buckets ? o->buckets : 128;
	f->base = base;
	f->next_id = (uint32_t)f->opts.protocol << 24;
	f->retry_ms = FIB_RETRY_MIN_MS;
	hmap_init(&f->nhs);
	hmap_init(&f->grps);
	hmap_init(&f->ids);
	slab_init_align(&f->route_slab, sizeof(struct fib_route), _Alignof(struct fib_route),
	    SLAB_PER_CHUNK);
	ihash_init(&f->routes, &f->route_slab, offsetof(struct fib_route, next),
	    fib_route_hash_of);
	slab_init(&f->slots, sizeof(struct fib_idobj *), 256);
	if (base == NULL)
		return 0;		/* offline: no job, nothing sent */
	f->flush_ev = event_new(base, -1, 0, fib_flush_cb, f);
	f->retry_ev = event_new(base, -1, 0, fib_retry_cb, f);
	return f->flush_ev && f->retry_ev ? 0 : -ENOMEM;
}

struct fib *
fib_new(struct event_base *base, const struct fib_opts *o)
{
	struct fib *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	if (fib_init(f, base, o) < 0 || fib_kernel_open(f) < 0) {
		fib_free(f, true);
		return NULL;
	}
	return f;
}

struct fib *
fib_new_offline(const struct fib_opts *o)
{
	struct fib *f = calloc(1, sizeof(*f));

	if (f == NULL || fib_init(f, NULL, o) < 0)
		fatal("fib_new_offline");
	f->settled = true;		/* nothing to adopt */
	return f;
}

static void
fib_map_free(struct hmap *m, size_t off)
{
	struct hmap_node *n, *next;

	for (n = hmap_next(m, NULL); n != NULL; n = next) {
		struct fib_idobj *h = (struct fib_idobj *)((char *)n - off);

		next = hmap_next(m, n);
		if (h->o.kind == FIB_K_GRP)
			fib_queue_free(&((struct fib_grp *)h)->wait);
		free(h);
	}
	hmap_destroy(m);
}

void
fib_free(struct fib *f, bool keep_routes)
{
	if (f == NULL)
		return;
	if (f->nl != NULL)
		fib_kernel_settle(f);		/* what was sent is acknowledged */
	if (!keep_routes && f->nl != NULL)
		fib_kernel_purge(f);
	fib_kernel_close(f);
	if (f->flush_ev)
		event_free(f->flush_ev);
	if (f->retry_ev)
		event_free(f->retry_ev);
	for (int k = 0; k < FIB_K_COUNT; k++) {
		fib_queue_free(&f->dirty[k]);
		fib_queue_free(&f->del[k]);
	}
	fib_queue_free(&f->stale);
	fib_queue_free(&f->retry);
	ihash_fini(&f->routes);
	slab_fini(&f->route_slab);		/* and with it every route */
	fib_map_free(&f->grps, offsetof(struct fib_grp, h.hn));
	fib_map_free(&f->nhs, offsetof(struct fib_nhobj, h.hn));
	hmap_destroy(&f->ids);
	slab_fini(&f->slots);
	free(f);
}

void
fib_settle(struct fib *f)
{
	struct fib_obj *o;

	f->settled = true;
	while ((o = fib_queue_first(f, &f->stale)) != NULL) {
		fib_obj_queue(f, o, FIB_L_NONE);
		o->stale = false;
		fib_obj_dirty(f, o);
	}
}

bool
fib_is_idle(const struct fib *f)
{
	return fib_dirty_empty(f) && fib_queue_empty(&f->del[FIB_K_GRP]) &&
	    fib_queue_empty(&f->del[FIB_K_NH]) && (f->nl == NULL || nl_inflight(f->nl) == 0);
}

void
fib_stats_get(const struct fib *f, struct fib_stats *st)
{
	*st = f->st;
	st->msgs = f->nl != NULL ? nl_stat_msgs(f->nl) : 0;
	st->batches = f->nl != NULL ? nl_stat_sends(f->nl) : 0;
	st->notified = f->mon != NULL ? nl_stat_notified(f->mon) : 0;
	st->nexthop_objects = f->nexthops;
	st->settled = f->settled;
}

/* ---- show ---- */

static const char *const route_state_names[] = {
	[FIB_ROUTE_INSTALLED] = "installed", [FIB_ROUTE_PENDING] = "pending",
	[FIB_ROUTE_FAILED] = "failed", [FIB_ROUTE_STALE] = "stale",
};

const char *
fib_route_state_name(enum fib_route_state s)
{
	return (unsigned)s <= FIB_ROUTE_STALE ? route_state_names[s] : "?";
}

struct fib_scan {
	const struct fib	*f;
	fib_route_fn		*fn;
	void			*arg;
};

/* Routes and groups alike: stale, failed (retry), pending, or installed. */
static enum fib_route_state
fib_obj_state_of(const struct fib *f, const struct fib_obj *o)
{
	if (o->stale)
		return FIB_ROUTE_STALE;
	if (o->list == FIB_L_RETRY)
		return FIB_ROUTE_FAILED;
	if (o->pending != FIB_OP_NONE || fib_obj_needs_write(f, o))
		return FIB_ROUTE_PENDING;
	return FIB_ROUTE_INSTALLED;
}

static void
fib_scan_one(const struct fib_scan *s, const struct fib_route *r)
{
	const struct fib_grp *g = r->grp ? fib_grp_at(s->f, r->grp) :
	    r->o.stale ? fib_route_kgrp(s->f, r) : NULL;
	struct fib_route_view v;

	if (g == NULL)
		return;			/* being deleted: no longer ours to show */
	v.pfx = fib_route_pfx(r);
	v.state = fib_obj_state_of(s->f, &r->o);
	v.mtu = r->grp ? r->o.r_mtu : r->o.r_k_mtu;
	v.nhg_id = s->f->nexthops ? g->h.id : 0;
	v.n = g->n < FIB_NH_MAX ? g->n : FIB_NH_MAX;
	for (size_t i = 0; i < v.n; i++) {
		v.nhs[i] = g->m[i].nh->key;
		v.nhs[i].weight = g->m[i].weight;
	}
	s->fn(s->arg, &v);
}

bool
fib_route_scan(const struct fib *f, uint32_t *cursor, size_t max, fib_route_fn *fn, void *arg)
{
	struct fib_scan s = { f, fn, arg };
	const struct fib_route *r;

	for (size_t n = 0; n < max; n++) {
		if ((r = slab_next(&f->route_slab, cursor)) == NULL)
			return false;
		fib_scan_one(&s, r);
	}
	return true;
}

struct fib_nhg_scan {
	const struct fib	*f;
	fib_nhg_fn		*fn;
	void			*arg;
};

static void
fib_nhg_scan_one(void *arg, struct hmap_node *x)
{
	const struct fib_nhg_scan *s = arg;
	const struct fib_grp *g = fib_grp_of(x);
	struct fib_nhg_view v;

	if (!fib_obj_wanted(&g->h.o) && !g->h.o.stale)
		return;			/* being deleted: no longer ours to show */
	v.id = g->h.id;
	v.resilient = s->f->opts.resilient;
	v.state = fib_obj_state_of(s->f, &g->h.o);
	v.routes = g->nroutes;
	v.n = g->n < FIB_NH_MAX ? g->n : FIB_NH_MAX;
	for (size_t i = 0; i < v.n; i++) {
		const struct fib_nhobj *nh = g->m[i].nh;

		v.m[i].id = nh->h.id;
		v.m[i].nh = nh->key;
		v.m[i].nh.weight = g->m[i].weight;
		v.m[i].installed = nh->h.o.in_kernel;
	}
	s->fn(s->arg, &v);
}

bool
fib_nhg_scan(const struct fib *f, uint32_t *cursor, size_t max, fib_nhg_fn *fn, void *arg)
{
	struct fib_nhg_scan s = { f, fn, arg };

	if (!f->nexthops)
		return false;		/* inline next hops: no kernel groups */
	return hmap_scan(&f->grps, cursor, max, fib_nhg_scan_one, &s);
}

uint8_t
fib_protocol(const struct fib *f)
{
	return f->opts.protocol;
}

uint32_t
fib_table(const struct fib *f)
{
	return f->opts.table;
}
