/*
 * lib/slab.c - fixed-size objects in chunks that never move, by index (slab.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/slab.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_ASAN 1
#endif
#endif

#ifdef SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define slab_poison(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define slab_unpoison(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define slab_poison(p, n)	((void)(p), (void)(n))
#define slab_unpoison(p, n)	((void)(p), (void)(n))
#endif

void
slab_init_align(struct slab *s, size_t objsize, size_t align, size_t per_chunk)
{
	if (align < sizeof(uint32_t) || align > 8 || (align & (align - 1)) != 0)
		align = 8;			/* the free-list link needs 4 */
	memset(s, 0, sizeof(*s));
	if (objsize < sizeof(uint32_t))
		objsize = sizeof(uint32_t);	/* room for the free-list link */
	s->objsize = (objsize + align - 1) & ~(align - 1);
	s->per_chunk = per_chunk ? per_chunk : 1;
	s->used = s->per_chunk;			/* no chunk yet: the "last" one is full */
}

void
slab_init(struct slab *s, size_t objsize, size_t per_chunk)
{
	slab_init_align(s, objsize, 8, per_chunk);
}

static size_t
slab_words(size_t nobjs)
{
	return (nobjs + 63) / 64;
}

/* A new chunk, poisoned until its objects are handed out; -ENOMEM. */
static int
slab_grow(struct slab *s)
{
	size_t n = s->nchunks + 1, w0 = slab_words(s->nchunks * s->per_chunk),
	    w1 = slab_words(n * s->per_chunk);
	unsigned char **c, *chunk;
	uint64_t *live;

	if (s->per_chunk > SIZE_MAX / s->objsize || n * s->per_chunk >= UINT32_MAX)
		return -ENOMEM;
	if ((c = realloc(s->chunks, n * sizeof(*c))) == NULL)
		return -ENOMEM;
	s->chunks = c;
	if ((live = realloc(s->live, w1 * sizeof(*live))) == NULL)
		return -ENOMEM;
	memset(live + w0, 0, (w1 - w0) * sizeof(*live));
	s->live = live;
	/* malloc, not calloc: pages are touched only as objects are handed out */
	if ((chunk = malloc(s->per_chunk * s->objsize)) == NULL)
		return -ENOMEM;
	slab_poison(chunk, s->per_chunk * s->objsize);
	c[s->nchunks++] = chunk;
	s->used = 0;
	return 0;
}

static void
slab_mark(struct slab *s, uint32_t idx, bool live)
{
	uint64_t bit = 1ull << ((idx - 1) % 64);

	if (live)
		s->live[(idx - 1) / 64] |= bit;
	else
		s->live[(idx - 1) / 64] &= ~bit;
}

void *
slab_alloc(struct slab *s, uint32_t *idx)
{
	void *o;

	if (s->free != 0) {
		*idx = s->free;
		o = slab_at(s, *idx);
		slab_unpoison(o, s->objsize);
		memcpy(&s->free, o, sizeof(s->free));
	} else {
		if (s->used == s->per_chunk && slab_grow(s) < 0) {
			errno = ENOMEM;
			return NULL;
		}
		*idx = (uint32_t)((s->nchunks - 1) * s->per_chunk + s->used + 1);
		o = s->chunks[s->nchunks - 1] + s->used++ * s->objsize;
		slab_unpoison(o, s->objsize);
	}
	memset(o, 0, s->objsize);
	slab_mark(s, *idx, true);
	s->nlive++;
	return o;
}

void
slab_free(struct slab *s, uint32_t idx)
{
	void *o;

	if (idx == 0)
		return;
	o = slab_at(s, idx);
	memcpy(o, &s->free, sizeof(s->free));
	s->free = idx;
	slab_mark(s, idx, false);
	s->nlive--;
	slab_poison(o, s->objsize);
}

void *
slab_next(const struct slab *s, uint32_t *idx)
{
	size_t end = s->nchunks ? (s->nchunks - 1) * s->per_chunk + s->used : 0;
	size_t pos = *idx;			/* the bit of index *idx + 1 */
	uint64_t w;

	while (pos < end) {
		w = s->live[pos / 64] >> (pos % 64);
		if (w == 0) {
			pos = (pos / 64 + 1) * 64;	/* the rest of this word is free */
			continue;
		}
		pos += (size_t)__builtin_ctzll(w);
		if (pos >= end)
			break;
		*idx = (uint32_t)(pos + 1);
		return slab_at(s, *idx);
	}
	return NULL;
}

void
slab_fini(struct slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++) {
		slab_unpoison(s->chunks[i], s->per_chunk * s->objsize);
		free(s->chunks[i]);
	}
	free(s->chunks);
	free(s->live);
	slab_init_align(s, s->objsize, sizeof(uint32_t), s->per_chunk);	/* already a multiple */
}

size_t
slab_live(const struct slab *s)
{
	return s->nlive;
}

size_t
slab_bytes(const struct slab *s)
{
	return s->nchunks * s->per_chunk * s->objsize;
}
