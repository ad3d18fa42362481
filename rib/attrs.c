/*
 * rib/attrs.c - interned best-path attributes (hash-consed, refcounted).
 *
 * Paths share one struct rib_attrs; a full table typically has a few
 * hundred distinct sets for a million prefixes. Entries live in a slab
 * (lib/slab.h) and a path names its set by the entry's slab index, a 32-bit
 * handle (rib_path_attrs), half a pointer in every path; bgpd still sees
 * const pointers, which stay valid while a reference is held. The entry holds
 * one reference on bgpd's cookie (opts.cookie_hold/release) for its lifetime.
 * OpenBGPD does the same with attr_lookup/attr_put (rde_attr.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "rib/rib_int.h"

struct rib_attrs_entry {
	struct rib_attrs	 a;		/* first: the public pointer (rib_path_attrs) */
	uint32_t		 next;		/* hash chain (an index), 0 ends it */
	uint32_t		 hash;
	uint32_t		 refcnt;
	uint32_t		 idx;		/* its own index: the paths' handle */
};

_Static_assert(offsetof(struct rib_attrs_entry, a) == 0, "rib_path_attrs casts an entry");

#define ATTRS_BUCKETS_MIN	64
#define ATTRS_PER_CHUNK		256

static struct rib_attrs_entry *
attrs_entry_at(const struct rib_attrs_table *t, uint32_t idx)
{
	return slab_at(&t->entries, idx);
}

static struct rib_attrs_entry *
attrs_entry_of(const struct rib_attrs *a)
{
	return (struct rib_attrs_entry *)(uintptr_t)a;
}

/* Field by field, so padding never enters the hash or the comparison. */
static uint32_t
attrs_hash(const struct rib_attrs *a)
{
	const uint64_t words[] = {
		(uint64_t)a->weight << 32 | a->local_pref,
		(uint64_t)a->med << 32 | a->originator_id,
		(uint64_t)a->nexthop << 32 | a->neighbor_as,
		(uint64_t)a->link_bw << 32 | (uint32_t)a->aspath_len << 16 | a->cluster_len,
		(uint64_t)a->origin << 8 | a->flags,
		(uint64_t)(uintptr_t)a->cookie,
	};
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		h ^= words[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ h >> 32);
}

static bool
attrs_equal(const struct rib_attrs *a, const struct rib_attrs *b)
{
	return a->weight == b->weight && a->local_pref == b->local_pref &&
	    a->med == b->med && a->originator_id == b->originator_id &&
	    a->nexthop == b->nexthop && a->neighbor_as == b->neighbor_as &&
	    a->link_bw == b->link_bw && a->aspath_len == b->aspath_len &&
	    a->cluster_len == b->cluster_len && a->origin == b->origin &&
	    a->flags == b->flags && a->cookie == b->cookie;
}

void
rib_attrs_init(struct rib_attrs_table *t)
{
	memset(t, 0, sizeof(*t));
	slab_init(&t->entries, sizeof(struct rib_attrs_entry), ATTRS_PER_CHUNK);
}

static int
attrs_table_grow(struct rib_attrs_table *t)
{
	size_t n = t->nbuckets ? t->nbuckets * 2 : ATTRS_BUCKETS_MIN;
	uint32_t *b = calloc(n, sizeof(*b)), x, next;
	struct rib_attrs_entry *e;

	if (b == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < t->nbuckets; i++)
		for (x = t->buckets[i]; x != 0; x = next) {
			e = attrs_entry_at(t, x);
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = x;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

static struct rib_attrs_entry *
attrs_table_find(const struct rib_attrs_table *t, const struct rib_attrs *a, uint32_t h)
{
	struct rib_attrs_entry *e;

	if (t->nbuckets == 0)
		return NULL;
	for (uint32_t x = t->buckets[h & (t->nbuckets - 1)]; x != 0; x = e->next)
		if ((e = attrs_entry_at(t, x))->hash == h && attrs_equal(&e->a, a))
			return e;
	return NULL;
}

const struct rib_attrs *
rib_attrs_get(struct rib *rib, const struct rib_attrs *tmpl)
{
	struct rib_attrs_table *t = &rib->attrs;
	uint32_t h = attrs_hash(tmpl);
	struct rib_attrs_entry *e = attrs_table_find(t, tmpl, h);
	uint32_t idx;

	if (e != NULL) {
		e->refcnt++;
		return &e->a;
	}
	if (t->count >= t->nbuckets && attrs_table_grow(t) < 0)
		return NULL;
	if ((e = slab_alloc(&t->entries, &idx)) == NULL)
		return NULL;
	e->a = *tmpl;
	e->hash = h;
	e->refcnt = 1;
	e->idx = idx;
	e->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = idx;
	t->count++;
	if (rib->opts.cookie_hold != NULL && e->a.cookie != NULL)
		rib->opts.cookie_hold(rib->opts.cookie_arg, e->a.cookie);
	return &e->a;
}

void
rib_attrs_ref(const struct rib_attrs *a)
{
	attrs_entry_of(a)->refcnt++;
}

uint32_t
rib_attrs_handle(const struct rib_attrs *a)
{
	return attrs_entry_of(a)->idx;
}

static void
attrs_table_unlink(struct rib_attrs_table *t, struct rib_attrs_entry *e)
{
	uint32_t *px = &t->buckets[e->hash & (t->nbuckets - 1)];

	while (*px != e->idx)
		px = &attrs_entry_at(t, *px)->next;
	*px = e->next;
	t->count--;
}

void
rib_attrs_put(struct rib *rib, const struct rib_attrs *a)
{
	struct rib_attrs_entry *e;

	if (a == NULL)
		return;
	e = attrs_entry_of(a);
	if (e->refcnt == 0)
		fatalx("rib_attrs_put: attrs %p has no reference", (const void *)a);
	if (--e->refcnt > 0)
		return;
	attrs_table_unlink(&rib->attrs, e);
	if (rib->opts.cookie_release != NULL && e->a.cookie != NULL)
		rib->opts.cookie_release(rib->opts.cookie_arg, e->a.cookie);
	slab_free(&rib->attrs.entries, e->idx);
}

size_t
rib_attrs_count(const struct rib *rib)
{
	return rib->attrs.count;
}

size_t
rib_attrs_fini(struct rib_attrs_table *t)
{
	size_t leaked = t->count;

	slab_fini(&t->entries);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
	return leaked;
}
