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

/* Where chunk c's live bits start: after its objects, 8-byte aligned
 * (objects of 4-byte records may end on 4). */
static size_t
slab_bits_off(const struct slab *s)
{
	return (s->per_chunk * s->objsize + 7) & ~(size_t)7;
}

static uint64_t *
slab_bits(const struct slab *s, size_t c)
{
	return (uint64_t *)(void *)(s->chunks[c] + slab_bits_off(s));
}

/* Room for one more chunk pointer: the array doubles, so it moves
 * O(log chunks) times, not once per chunk. */
static int
slab_reserve(struct slab *s)
{
	size_t cap = s->cap ? s->cap * 2 : 8;
	unsigned char **c;

	if (s->nchunks < s->cap)
		return 0;
	if ((c = reallocarray(s->chunks, cap, sizeof(*c))) == NULL)
		return -ENOMEM;
	s->chunks = c;
	s->cap = cap;
	return 0;
}

/* A new chunk, poisoned until its objects are handed out; -ENOMEM. */
static int
slab_grow(struct slab *s)
{
	size_t n = s->nchunks + 1, obytes, wbytes = slab_words(s->per_chunk) * sizeof(uint64_t);
	unsigned char *chunk;

	if (s->per_chunk > (SIZE_MAX - wbytes - 8) / s->objsize || n * s->per_chunk >= UINT32_MAX)
		return -ENOMEM;
	obytes = slab_bits_off(s);
	if (slab_reserve(s) < 0)
		return -ENOMEM;
	/* malloc, not calloc: pages are touched only as objects are handed out */
	if ((chunk = malloc(obytes + wbytes)) == NULL)
		return -ENOMEM;
	memset(chunk + obytes, 0, wbytes);
	slab_poison(chunk, obytes);
	s->chunks[s->nchunks++] = chunk;
	s->used = 0;
	return 0;
}

/* The word of live bits that holds index idx's, and its bit in *bit. */
static uint64_t *
slab_live_word(const struct slab *s, uint32_t idx, uint64_t *bit)
{
	size_t i = (size_t)idx - 1, off = i % s->per_chunk;

	*bit = 1ull << (off % 64);
	return &slab_bits(s, i / s->per_chunk)[off / 64];
}

static void
slab_mark(struct slab *s, uint32_t idx, bool live)
{
	uint64_t bit, *w = slab_live_word(s, idx, &bit);

	if (live)
		*w |= bit;
	else
		*w &= ~bit;
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

bool
slab_is_live(const struct slab *s, uint32_t idx)
{
	uint64_t bit;

	if (idx == 0 || (size_t)idx - 1 >= s->nchunks * s->per_chunk)
		return false;
	return (*slab_live_word(s, idx, &bit) & bit) != 0;
}

void *
slab_next(const struct slab *s, uint32_t *idx)
{
	size_t end = s->nchunks ? (s->nchunks - 1) * s->per_chunk + s->used : 0;
	size_t pos = *idx;			/* the bit of index *idx + 1 */
	size_t c, off, next;
	uint64_t w;

	while (pos < end) {
		c = pos / s->per_chunk, off = pos % s->per_chunk;
		w = slab_bits(s, c)[off / 64] >> (off % 64);
		if (w == 0) {			/* the rest of this word is free */
			next = (off / 64 + 1) * 64;
			pos = c * s->per_chunk + (next < s->per_chunk ? next : s->per_chunk);
			continue;
		}
		pos += (size_t)__builtin_ctzll(w);	/* bits past per_chunk are never set */
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
		slab_unpoison(s->chunks[i], slab_bits_off(s));
		free(s->chunks[i]);
	}
	free(s->chunks);
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
