/*
 * lib/slab.h - many objects of one size, named by 32-bit index, without
 * malloc's header per object.
 *
 * Objects are carved from chunks of `per_chunk` objects that never move, so
 * an object's address stays valid until it is freed. Each has an index
 * (1.., 0 is never one), half the size of a pointer, for tables that link
 * many small records (lib/ihash.h). A freed object goes on a free list
 * (threaded through its first bytes) and is handed out again before any new
 * one: last freed, first reused. A bitmap of live objects (one bit each, at
 * the end of each chunk) lets slab_next walk them in index order, in chunks
 * across event-loop turns. Growing allocates one chunk and, now and then, a
 * doubled array of chunk pointers: nothing that grows by a little on every
 * chunk and so moves on every chunk, leaving holes in the heap behind it.
 * Chunks are given back only by slab_fini (as the RIB's slabs, doc/rib.md:
 * a table that shrinks keeps its memory for when it grows again).
 * Single-threaded; knows nothing of what it holds. Under AddressSanitizer a
 * freed object is poisoned, so a use after slab_free is reported as for free().
 */
#ifndef IPIP_LIB_SLAB_H
#define IPIP_LIB_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

struct slab {
	size_t		 objsize;	/* rounded up to the alignment (8, or 4: slab_init_align) */
	size_t		 per_chunk;
	unsigned char	**chunks;	/* each: per_chunk objects, then their live bits */
	size_t		 nchunks, cap;	/* chunks, and room in the array (doubles) */
	size_t		 used;		/* objects ever carved from the last chunk */
	uint32_t	 free;		/* free list (an index), 0: empty */
	size_t		 nlive;		/* allocated, not freed */
};

#define SLAB_PER_CHUNK	1024	/* a good default: ~100 KB chunks for ~100-byte objects */

/* An empty slab of objects of objsize (> 0) bytes, per_chunk (> 0) to a chunk.
 * Objects are 8-byte aligned: nothing that needs more belongs here. */
void	slab_init(struct slab *, size_t objsize, size_t per_chunk);
/* The same for objects that need only align (4 or 8) bytes, e.g. records
 * of 32-bit fields: a 36-byte one then takes 36, not 40. */
void	slab_init_align(struct slab *, size_t objsize, size_t align, size_t per_chunk);
/* A zeroed object and its index in *idx, or NULL (errno ENOMEM; also past
 * UINT32_MAX - 1 objects). */
MUST_USE void *slab_alloc(struct slab *, uint32_t *idx);
/* The object of an index slab_alloc gave and slab_free did not take back.
 * Inline: the FIB and the overlay follow index links with it per prefix. */
static inline void *
slab_at(const struct slab *s, uint32_t idx)
{
	size_t i = (size_t)idx - 1;

	return s->chunks[i / s->per_chunk] + i % s->per_chunk * s->objsize;
}
/* Is idx an object slab_alloc gave and slab_free did not take back? Any
 * idx may be asked (0 and past the end: no); the object is not touched. */
bool	slab_is_live(const struct slab *, uint32_t idx);
/* Give back the object of index idx; 0 is ignored. */
void	slab_free(struct slab *, uint32_t idx);
/*
 * The first live object with an index above *idx (0: from the start), its
 * index in *idx; NULL when there is none. Objects may be allocated and
 * freed between calls, the current one included: one live throughout the
 * walk is visited exactly once, one freed before its turn is not.
 */
void	*slab_next(const struct slab *, uint32_t *idx);
/* Every chunk back to the system; objects still live are gone with them. */
void	slab_fini(struct slab *);
/* Objects allocated now. */
size_t	slab_live(const struct slab *);
/* Bytes of the objects in the chunks (free slots included; not the live
 * bits, one per object, nor the array of chunk pointers). */
size_t	slab_bytes(const struct slab *);

#endif
