/*
 * tests/unit/test_hmap.c - the hash table finds what was added, forgets what
 * was deleted, and keeps every node through growth.
 */
#include <stdlib.h>

#include "lib/hmap.h"
#include "tests/unit/unit.h"

struct item {
	struct hmap_node	hn;
	uint32_t		key;
};

static struct item *
find(const struct hmap *m, uint32_t key)
{
	for (struct hmap_node *n = hmap_first_hash(m, hash_u32(key)); n; n = hmap_next_hash(n))
		if (((struct item *)n)->key == key)
			return (struct item *)n;
	return NULL;
}

START_TEST(finds_every_item_through_growth_and_forgets_deleted_ones)
{
	enum { N = 5000 };
	struct item *it = calloc(N, sizeof(*it));
	struct hmap m;
	size_t walked = 0;

	hmap_init(&m);
	for (uint32_t i = 0; i < N; i++) {
		it[i].key = i * 7919u;
		hmap_add(&m, &it[i].hn, hash_u32(it[i].key));
	}
	ck_assert_uint_eq(m.count, N);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(find(&m, i * 7919u), &it[i]);
	for (uint32_t i = 0; i < N; i += 2)
		hmap_del(&m, &it[i].hn);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(find(&m, i * 7919u), i % 2 ? &it[i] : NULL);
	for (struct hmap_node *n = hmap_next(&m, NULL); n; n = hmap_next(&m, n))
		walked++;
	ck_assert_uint_eq(walked, N / 2);
	hmap_destroy(&m);
	free(it);
}
END_TEST

/* Tables of one node per prefix are the daemon's biggest: a bucket pointer
 * per node at most (issue 5), and still every node found. */
START_TEST(buckets_cost_at_most_one_pointer_per_node)
{
	enum { N = 5000 };
	struct item *it = calloc(N, sizeof(*it));
	struct hmap m;

	hmap_init(&m);
	for (uint32_t i = 0; i < N; i++) {
		it[i].key = i;
		hmap_add(&m, &it[i].hn, hash_u32(i));
		if (i >= 64)
			ck_assert_uint_le(m.mask + 1, m.count);
	}
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(find(&m, i), &it[i]);
	hmap_destroy(&m);
	free(it);
}
END_TEST

START_TEST(equal_hashes_are_told_apart_by_the_caller)
{
	struct item a = { .key = 1 }, b = { .key = 2 };
	struct hmap m;

	hmap_init(&m);
	hmap_add(&m, &a.hn, 42);
	hmap_add(&m, &b.hn, 42);
	ck_assert_ptr_nonnull(hmap_first_hash(&m, 42));
	ck_assert_ptr_nonnull(hmap_next_hash(hmap_first_hash(&m, 42)));
	ck_assert_ptr_null(hmap_first_hash(&m, 43));
	hmap_del(&m, &a.hn);
	ck_assert_ptr_eq(hmap_first_hash(&m, 42), &b.hn);
	ck_assert_ptr_null(hmap_next_hash(&b.hn));
	hmap_destroy(&m);
}
END_TEST

static void
count_seen(void *arg, struct hmap_node *n)
{
	unsigned *seen = arg;

	seen[((struct item *)n)->key]++;
}

START_TEST(a_chunked_scan_sees_every_item_once_though_the_table_grows_between_chunks)
{
	enum { OLD = 300, NEW = 700 };
	static struct item it[OLD + NEW];
	static unsigned seen[OLD + NEW];
	struct hmap m;
	uint32_t cursor = 0;
	size_t chunks = 0;
	bool more;

	hmap_init(&m);
	for (uint32_t i = 0; i < OLD; i++) {
		it[i].key = i;
		hmap_add(&m, &it[i].hn, hash_u32(i));
	}
	do {
		more = hmap_scan(&m, &cursor, 40, count_seen, seen);
		if (++chunks == 3)		/* grows twice over, mid-walk */
			for (uint32_t i = OLD; i < OLD + NEW; i++) {
				it[i].key = i;
				hmap_add(&m, &it[i].hn, hash_u32(i));
			}
	} while (more);
	ck_assert_uint_gt(chunks, 3);
	for (uint32_t i = 0; i < OLD; i++)
		ck_assert_msg(seen[i] == 1, "item %u seen %u times", i, seen[i]);
	for (uint32_t i = OLD; i < OLD + NEW; i++)
		ck_assert_uint_le(seen[i], 1);
	hmap_destroy(&m);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		finds_every_item_through_growth_and_forgets_deleted_ones,
		buckets_cost_at_most_one_pointer_per_node,
		equal_hashes_are_told_apart_by_the_caller,
		a_chunked_scan_sees_every_item_once_though_the_table_grows_between_chunks,
	};

	return unit_run("hmap", tests, UNIT_COUNT(tests));
}
