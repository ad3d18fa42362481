/*
 * lib/ihash.h - chained hash table of slab objects (lib/slab.h), linked by
 * their 32-bit indices.
 *
 * For tables of one record per prefix: a 4-byte link in each object and
 * 4-byte buckets, where lib/hmap.h costs a 16-byte node and 8-byte buckets.
 * The caller embeds a uint32_t link in its objects and says where it is
 * (link_off); it computes hashes and compares keys itself, as with hmap, and
 * gives hash_of(obj), asked again for every object when the buckets double
 * (at two objects per bucket; running out of memory then is fatal). Walk
 * every object with slab_next() on the slab, not through the table.
 */
#ifndef IPIP_LIB_IHASH_H
#define IPIP_LIB_IHASH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/slab.h"

struct ihash {
	const struct slab	*slab;
	size_t			 link_off;
	uint32_t		(*hash_of)(const void *obj);
	uint32_t		*b;		/* bucket heads (indices), 0: empty */
	size_t			 mask, count;
};

void	ihash_init(struct ihash *, const struct slab *, size_t link_off,
	    uint32_t (*hash_of)(const void *obj));
/* The buckets; the objects belong to the caller (and its slab). */
void	ihash_fini(struct ihash *);
/* Link the object of index idx, not in the table yet, under hash. */
void	ihash_add(struct ihash *, uint32_t idx, uint32_t hash);
/* Unlink it (added under hash); fatal if it is not in the table. */
void	ihash_del(struct ihash *, uint32_t idx, uint32_t hash);
/* The objects in hash's bucket, others' too (compare keys): the first, then
 * the next after idx; 0 at the end. */
uint32_t ihash_first(const struct ihash *, uint32_t hash);
uint32_t ihash_next(const struct ihash *, uint32_t idx);

#endif
