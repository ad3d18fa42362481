/*
 * lib/ihash.c - chained hash table of slab objects by index (ihash.h).
 */
#include <stdlib.h>

#include "lib/ihash.h"
#include "lib/log.h"

#define IHASH_MIN	16	/* buckets */
#define IHASH_LOAD	2	/* objects per bucket before doubling */

static uint32_t *
ihash_link(const struct ihash *h, uint32_t idx)
{
	return (uint32_t *)((unsigned char *)slab_at(h->slab, idx) + h->link_off);
}

void
ihash_init(struct ihash *h, const struct slab *s, size_t link_off,
    uint32_t (*hash_of)(const void *obj))
{
	*h = (struct ihash){ .slab = s, .link_off = link_off, .hash_of = hash_of };
	if ((h->b = calloc(IHASH_MIN, sizeof(*h->b))) == NULL)
		fatal("ihash");
	h->mask = IHASH_MIN - 1;
}

void
ihash_fini(struct ihash *h)
{
	free(h->b);
	h->b = NULL;
	h->count = 0;
}

static void
ihash_grow(struct ihash *h)
{
	size_t n = (h->mask + 1) * 2, old = h->mask + 1;
	uint32_t *ob = h->b, i, next, *b;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		fatal("ihash");
	for (size_t k = 0; k < old; k++)
		for (i = ob[k]; i != 0; i = next) {
			size_t nb = h->hash_of(slab_at(h->slab, i)) & (n - 1);

			next = *ihash_link(h, i);
			*ihash_link(h, i) = b[nb];
			b[nb] = i;
		}
	free(ob);
	h->b = b;
	h->mask = n - 1;
}

void
ihash_add(struct ihash *h, uint32_t idx, uint32_t hash)
{
	uint32_t *head;

	if (h->count >= IHASH_LOAD * (h->mask + 1))
		ihash_grow(h);
	head = &h->b[hash & h->mask];
	*ihash_link(h, idx) = *head;
	*head = idx;
	h->count++;
}

void
ihash_del(struct ihash *h, uint32_t idx, uint32_t hash)
{
	uint32_t *link = &h->b[hash & h->mask];

	while (*link != 0 && *link != idx)
		link = ihash_link(h, *link);
	if (*link == 0)
		fatalx("ihash_del: object not in the table");
	*link = *ihash_link(h, idx);
	h->count--;
}

uint32_t
ihash_first(const struct ihash *h, uint32_t hash)
{
	return h->b[hash & h->mask];
}

uint32_t
ihash_next(const struct ihash *h, uint32_t idx)
{
	return *ihash_link(h, idx);
}
