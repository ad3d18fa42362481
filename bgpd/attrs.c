/*
 * bgpd/attrs.c - interned attribute sets (see attrs.h). A chained hash table
 * keyed by content; each set is one allocation holding the struct and copies
 * of its arrays (AS path, communities, cluster list, unknown attributes), so
 * N routes sharing a set cost one set. Grows at load factor 1.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/attrs.h"
#include "lib/compiler.h"
#include "lib/log.h"

struct attrs_tab {
	struct attr_set	**b;
	size_t		  nb;		/* power of two */
	size_t		  count;
	size_t		  bytes;
};

struct attrs_tab *
attrs_tab_new(void)
{
	struct attrs_tab *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->b = calloc(64, sizeof(*t->b))) == NULL)
		fatal("attrs table");
	t->nb = 64;
	return t;
}

size_t
attrs_tab_free(struct attrs_tab *t)
{
	size_t left;

	if (t == NULL)
		return 0;
	left = t->count;
	for (size_t i = 0; i < t->nb; i++)
		for (struct attr_set *a = t->b[i], *n; a != NULL; a = n) {
			n = a->next;
			free(a);
		}
	free(t->b);
	free(t);
	return left;
}

size_t
attrs_tab_count(const struct attrs_tab *t)
{
	return t->count;
}

size_t
attrs_tab_bytes(const struct attrs_tab *t)
{
	return t->bytes;
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t
mix_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = mix(h, w);
	}
	for (w = n; i < n; i++)
		w = w << 8 | b[i];
	return mix(h, w);
}

static uint32_t
attrs_hash(const struct attr_set *a)
{
	uint64_t h = mix(a->present, a->origin);

	h = mix(h, (uint64_t)a->nexthop << 32 | a->med);
	h = mix(h, (uint64_t)a->local_pref << 32 | a->aggr_as);
	h = mix(h, (uint64_t)a->aggr_addr << 32 | a->originator_id);
	h = mix_bytes(h, a->aspath, a->aspath_words * 4u);
	h = mix_bytes(h, a->comms, a->ncomms * 4u);
	h = mix_bytes(h, a->ext_comms, a->next_comms * 8u);
	h = mix_bytes(h, a->lcomms, a->nlcomms * sizeof(struct lcomm));
	h = mix_bytes(h, a->cluster, a->ncluster * 4u);
	h = mix_bytes(h, a->unknown, a->unknown_len);
	return (uint32_t)(h ^ h >> 32);
}

static bool
same(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

bool
attrs_equal(const struct attr_set *a, const struct attr_set *b)
{
	return a->present == b->present && a->origin == b->origin &&
	    a->nexthop == b->nexthop && a->med == b->med && a->local_pref == b->local_pref &&
	    a->aggr_as == b->aggr_as && a->aggr_addr == b->aggr_addr &&
	    a->originator_id == b->originator_id &&
	    a->aspath_words == b->aspath_words && same(a->aspath, b->aspath, a->aspath_words * 4u) &&
	    a->ncomms == b->ncomms && same(a->comms, b->comms, a->ncomms * 4u) &&
	    a->next_comms == b->next_comms && same(a->ext_comms, b->ext_comms, a->next_comms * 8u) &&
	    a->nlcomms == b->nlcomms && same(a->lcomms, b->lcomms, a->nlcomms * sizeof(struct lcomm)) &&
	    a->ncluster == b->ncluster && same(a->cluster, b->cluster, a->ncluster * 4u) &&
	    a->unknown_len == b->unknown_len && same(a->unknown, b->unknown, a->unknown_len);
}

/* Copy n bytes from src to the 8-aligned cursor *at in the new block. */
static const void *
copy_into(uint8_t *base, size_t *at, const void *src, size_t n)
{
	void *dst = base + *at;

	if (n == 0)
		return NULL;
	memcpy(dst, src, n);
	*at += (n + 7) & ~(size_t)7;
	return dst;
}

static size_t
attrs_arrays_len(const struct attr_set *a)
{
	size_t n[] = { a->aspath_words * 4u, a->ncomms * 4u, a->next_comms * 8u,
		a->nlcomms * sizeof(struct lcomm), a->ncluster * 4u, a->unknown_len };
	size_t total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(n); i++)
		total += (n[i] + 7) & ~(size_t)7;
	return total;
}

static struct attr_set *
attrs_copy(const struct attr_set *tmpl, size_t *bytes)
{
	size_t head = (sizeof(*tmpl) + 7) & ~(size_t)7, at = head;
	struct attr_set *a;
	uint8_t *base;

	*bytes = head + attrs_arrays_len(tmpl);
	if ((base = malloc(*bytes)) == NULL)
		fatal("attrs");
	a = (struct attr_set *)base;
	*a = *tmpl;
	a->aspath = copy_into(base, &at, tmpl->aspath, tmpl->aspath_words * 4u);
	a->comms = copy_into(base, &at, tmpl->comms, tmpl->ncomms * 4u);
	a->ext_comms = copy_into(base, &at, tmpl->ext_comms, tmpl->next_comms * 8u);
	a->lcomms = copy_into(base, &at, tmpl->lcomms, tmpl->nlcomms * sizeof(struct lcomm));
	a->cluster = copy_into(base, &at, tmpl->cluster, tmpl->ncluster * 4u);
	a->unknown = copy_into(base, &at, tmpl->unknown, tmpl->unknown_len);
	return a;
}

static void
attrs_tab_grow(struct attrs_tab *t)
{
	size_t nb = t->nb * 2;
	struct attr_set **b = calloc(nb, sizeof(*b));

	if (b == NULL)
		fatal("attrs table");
	for (size_t i = 0; i < t->nb; i++)
		for (struct attr_set *a = t->b[i], *n; a != NULL; a = n) {
			n = a->next;
			a->next = b[a->hash & (nb - 1)];
			b[a->hash & (nb - 1)] = a;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

const struct attr_set *
attrs_get(struct attrs_tab *t, const struct attr_set *tmpl)
{
	uint32_t h = attrs_hash(tmpl);
	struct attr_set *a;
	size_t bytes;

	for (a = t->b[h & (t->nb - 1)]; a != NULL; a = a->next)
		if (a->hash == h && attrs_equal(a, tmpl)) {
			a->refcnt++;
			return a;
		}
	if (t->count >= t->nb)
		attrs_tab_grow(t);
	a = attrs_copy(tmpl, &bytes);
	a->hash = h;
	a->refcnt = 1;
	a->tab = t;
	a->next = t->b[h & (t->nb - 1)];
	t->b[h & (t->nb - 1)] = a;
	t->count++;
	t->bytes += bytes;
	return a;
}

const struct attr_set *
attrs_ref(const struct attr_set *ca)
{
	struct attr_set *a = (struct attr_set *)(uintptr_t)ca;

	a->refcnt++;
	return a;
}

void
attrs_put(const struct attr_set *ca)
{
	struct attr_set *a = (struct attr_set *)(uintptr_t)ca, **pp;
	struct attrs_tab *t;

	if (a == NULL || --a->refcnt > 0)
		return;
	t = a->tab;
	for (pp = &t->b[a->hash & (t->nb - 1)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	t->count--;
	t->bytes -= ((sizeof(*a) + 7) & ~(size_t)7) + attrs_arrays_len(a);
	free(a);
}
