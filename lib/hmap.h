/*
 * lib/hmap.h - intrusive chained hash table.
 *
 * The caller embeds a struct hmap_node in its object and computes the hash;
 * the table only links nodes (it never allocates objects or compares keys).
 * Lookup: walk hmap_first_hash()/hmap_next_hash() and compare keys yourself.
 * Buckets double when the table holds twice as many nodes as buckets, so
 * they cost 4 to 8 bytes per node (tables of one node per prefix are big:
 * doc/benchmarks.md) for chains of 1 to 2 nodes on average; running out of
 * memory while growing is fatal (lib/log.h).
 */
#ifndef IPIP_LIB_HMAP_H
#define IPIP_LIB_HMAP_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node	*next;
	uint32_t		 hash;
};

struct hmap {
	struct hmap_node	**b;
	size_t			  mask;		/* buckets - 1 */
	size_t			  count;
};

void	hmap_init(struct hmap *);
void	hmap_destroy(struct hmap *);	/* the buckets; nodes belong to the caller */
void	hmap_add(struct hmap *, struct hmap_node *, uint32_t hash);
void	hmap_del(struct hmap *, struct hmap_node *);
/* Nodes with this hash (and, rarely, others in the same bucket: check n->hash). */
struct hmap_node *hmap_first_hash(const struct hmap *, uint32_t hash);
struct hmap_node *hmap_next_hash(const struct hmap_node *);
/* Every node, in no order; prev NULL starts. Do not add or delete while walking. */
struct hmap_node *hmap_next(const struct hmap *, const struct hmap_node *prev);
/*
 * A walk in chunks across event-loop turns, with adds and deletes in between
 * (Redis's SCAN: buckets in reverse-binary order, so a table that grew between
 * calls still yields every node present throughout exactly once; nodes added
 * or deleted meanwhile may or may not be seen). Start with *cursor = 0; each
 * call visits whole buckets until at least max nodes were given to fn, and
 * returns false once the walk is complete. fn must not add or delete.
 */
bool	hmap_scan(const struct hmap *, uint32_t *cursor, size_t max,
	    void (*fn)(void *arg, struct hmap_node *), void *arg);

/* Good enough mixing for addresses and ids (murmur3 finalizer). */
static inline uint32_t
hash_u32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static inline uint32_t
hash_add(uint32_t h, uint32_t v)
{
	return hash_u32(h ^ (v + 0x9e3779b9u + (h << 6) + (h >> 2)));
}

/* An IPv4 prefix (address, length), for the tables keyed by prefix. */
static inline uint32_t
hash_prefix(uint32_t addr, uint8_t len)
{
	return hash_add(hash_u32(addr), len);
}

#endif
