/*
 * lib/hmap.c - intrusive chained hash table (see hmap.h).
 */
#include <stdlib.h>

#include "lib/hmap.h"
#include "lib/log.h"

#define HMAP_MIN	16
#define HMAP_LOAD	2	/* nodes per bucket before doubling (hmap.h) */

void
hmap_init(struct hmap *m)
{
	m->b = calloc(HMAP_MIN, sizeof(*m->b));
	if (m->b == NULL)
		fatal("hmap");
	m->mask = HMAP_MIN - 1;
	m->count = 0;
}

void
hmap_destroy(struct hmap *m)
{
	free(m->b);
	m->b = NULL;
	m->count = 0;
}

static void
hmap_grow(struct hmap *m)
{
	size_t n = (m->mask + 1) * 2;
	struct hmap_node **b = calloc(n, sizeof(*b)), *x, *next;

	if (b == NULL)
		fatal("hmap");
	for (size_t i = 0; i <= m->mask; i++)
		for (x = m->b[i]; x != NULL; x = next) {
			next = x->next;
			x->next = b[x->hash & (n - 1)];
			b[x->hash & (n - 1)] = x;
		}
	free(m->b);
	m->b = b;
	m->mask = n - 1;
}

void
hmap_add(struct hmap *m, struct hmap_node *n, uint32_t hash)
{
	if (m->count >= HMAP_LOAD * (m->mask + 1))
		hmap_grow(m);
	n->hash = hash;
	n->next = m->b[hash & m->mask];
	m->b[hash & m->mask] = n;
	m->count++;
}

void
hmap_del(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **pp = &m->b[n->hash & m->mask];

	while (*pp != NULL && *pp != n)
		pp = &(*pp)->next;
	if (*pp == NULL)
		fatalx("hmap_del: node not in table");
	*pp = n->next;
	m->count--;
}

struct hmap_node *
hmap_first_hash(const struct hmap *m, uint32_t hash)
{
	struct hmap_node *n = m->b[hash & m->mask];

	while (n != NULL && n->hash != hash)
		n = n->next;
	return n;
}

struct hmap_node *
hmap_next_hash(const struct hmap_node *prev)
{
	struct hmap_node *n = prev->next;

	while (n != NULL && n->hash != prev->hash)
		n = n->next;
	return n;
}

struct hmap_node *
hmap_next(const struct hmap *m, const struct hmap_node *prev)
{
	size_t i = 0;

	if (prev != NULL) {
		if (prev->next != NULL)
			return prev->next;
		i = (prev->hash & m->mask) + 1;
	}
	for (; i <= m->mask; i++)
		if (m->b[i] != NULL)
			return m->b[i];
	return NULL;
}

static uint32_t
bits_reverse(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
	v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
	return (v >> 16) | (v << 16);
}

bool
hmap_scan(const struct hmap *m, uint32_t *cursor, size_t max,
    void (*fn)(void *, struct hmap_node *), void *arg)
{
	uint32_t v = *cursor, mask = (uint32_t)m->mask;
	size_t n = 0;

	do {
		for (struct hmap_node *x = m->b[v & mask], *next; x != NULL; x = next) {
			next = x->next;
			fn(arg, x);
			n++;
		}
		v |= ~mask;		/* the next bucket in reverse-binary order */
		v = bits_reverse(v);
		v++;
		v = bits_reverse(v);
	} while (v != 0 && n < max);
	*cursor = v;
	return v != 0;
}
