/*
 * lib/slab.c - fixed-size objects in chunks that never move (slab.h).
 */
#include <errno.h>
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

#define SLAB_ALIGN	8u

void
slab_init(struct slab *s, size_t objsize, size_t per_chunk)
{
	memset(s, 0, sizeof(*s));
	if (objsize < sizeof(void *))
		objsize = sizeof(void *);	/* room for the free-list link */
	s->objsize = (objsize + SLAB_ALIGN - 1) & ~(size_t)(SLAB_ALIGN - 1);
	s->per_chunk = per_chunk ? per_chunk : 1;
	s->used = s->per_chunk;			/* no chunk yet: the "last" one is full */
}

/* A new chunk, poisoned until its objects are handed out; -ENOMEM. */
static int
slab_grow(struct slab *s)
{
	unsigned char **c, *chunk;

	if (s->per_chunk > SIZE_MAX / s->objsize)
		return -ENOMEM;
	if ((c = realloc(s->chunks, (s->nchunks + 1) * sizeof(*c))) == NULL)
		return -ENOMEM;
	s->chunks = c;
	/* malloc, not calloc: pages are touched only as objects are handed out */
	if ((chunk = malloc(s->per_chunk * s->objsize)) == NULL)
		return -ENOMEM;
	slab_poison(chunk, s->per_chunk * s->objsize);
	c[s->nchunks++] = chunk;
	s->used = 0;
	return 0;
}

/* A never used object (its index in *idx), or NULL. */
static void *
slab_carve(struct slab *s, uint32_t *idx)
{
	void *o;

	if (s->used == s->per_chunk &&
	    ((s->nchunks + 1) * s->per_chunk >= UINT32_MAX || slab_grow(s) < 0)) {
		errno = ENOMEM;
		return NULL;
	}
	*idx = (uint32_t)((s->nchunks - 1) * s->per_chunk + s->used + 1);
	o = s->chunks[s->nchunks - 1] + s->used++ * s->objsize;
	slab_unpoison(o, s->objsize);
	return o;
}

static void *
slab_hand_out(struct slab *s, void *o)
{
	memset(o, 0, s->objsize);
	s->live++;
	return o;
}

void *
slab_alloc(struct slab *s)
{
	void *o = s->free;
	uint32_t idx;

	if (o != NULL) {
		slab_unpoison(o, s->objsize);
		memcpy(&s->free, o, sizeof(s->free));
	} else if ((o = slab_carve(s, &idx)) == NULL)
		return NULL;
	return slab_hand_out(s, o);
}

void *
slab_at(const struct slab *s, uint32_t idx)
{
	size_t i = (size_t)idx - 1;

	return s->chunks[i / s->per_chunk] + i % s->per_chunk * s->objsize;
}

void *
slab_alloc_at(struct slab *s, uint32_t *idx)
{
	void *o;

	if (s->free_at != 0) {
		*idx = s->free_at;
		o = slab_at(s, *idx);
		slab_unpoison(o, s->objsize);
		memcpy(&s->free_at, o, sizeof(s->free_at));
	} else if ((o = slab_carve(s, idx)) == NULL)
		return NULL;
	return slab_hand_out(s, o);
}

void
slab_free_at(struct slab *s, uint32_t idx)
{
	void *o;

	if (idx == 0)
		return;
	o = slab_at(s, idx);
	memcpy(o, &s->free_at, sizeof(s->free_at));
	s->free_at = idx;
	s->live--;
	slab_poison(o, s->objsize);
}

void
slab_free(struct slab *s, void *o)
{
	if (o == NULL)
		return;
	memcpy(o, &s->free, sizeof(s->free));
	s->free = o;
	s->live--;
	slab_poison(o, s->objsize);
}

void
slab_fini(struct slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++) {
		slab_unpoison(s->chunks[i], s->per_chunk * s->objsize);
		free(s->chunks[i]);
	}
	free(s->chunks);
	slab_init(s, s->objsize, s->per_chunk);
}

size_t
slab_live(const struct slab *s)
{
	return s->live;
}

size_t
slab_bytes(const struct slab *s)
{
	return s->nchunks * s->per_chunk * s->objsize;
}
