/*
 * bench/rib_mem.c - memory per prefix and insert/withdraw rates of the RIB
 * core (a benchmark, not a test).
 *
 *   rib_mem [N [ATTR_SETS]]     defaults: 1000000 prefixes, 300 attribute sets
 *
 * Inserts N /24s (in a scrambled order) with one path each from one eBGP
 * peer, then a second path for every prefix from another peer of the same
 * neighbor AS (maximum-paths 2: each prefix becomes a 2-way ECMP set), then
 * withdraws the second peer and the first with the chunked job. Memory is the
 * malloc heap delta (mallinfo2: in use + mmapped), so allocator overhead is
 * counted; RSS delta is printed beside it. Build without sanitizers for
 * figures (scripts/build.sh bench; make -C build/bench bench-rib).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "rib/rib.h"

struct bench {
	struct rib		*rib;
	struct rib_peer		 peer[2];
	const struct rib_attrs	**attrs[2];
	size_t			 nattrs, n, changes;
	unsigned		 bits;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static size_t
rss_bytes(void)
{
	unsigned long size, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f != NULL) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

static void
on_change(void *arg, const struct prefix *p, const struct rib_selection *sel)
{
	((struct bench *)arg)->changes++;
}

/* The i-th prefix of a scrambled order: 16.0.0.0/24 upwards. */
static struct prefix
bench_prefix(const struct bench *b, size_t i)
{
	uint32_t mask = (1u << b->bits) - 1, k = (uint32_t)i;

	do
		k = (k * 2654435761u + 12345u) & mask;	/* a permutation of 0..mask */
	while (k >= b->n);
	return (struct prefix){ 0x10000000u + (k << 8), 24 };
}

static void
bench_setup(struct bench *b)
{
	struct rib_opts o = { .maximum_paths_ebgp = 2 };
	struct rib_attrs a = { .local_pref = 100, .neighbor_as = 65001 };

	b->rib = rib_new(&o);
	rib_set_change_cb(b->rib, on_change, b);
	for (int p = 0; p < 2; p++) {
		b->peer[p] = (struct rib_peer){ .addr = 0x0a000001u + (uint32_t)p,
			.router_id = 0x01010101u * (uint32_t)(p + 1), .remote_as = 65001,
			.local_as = 65000, .ebgp = true };
		if (rib_peer_add(b->rib, &b->peer[p]) != 0)
			abort();
		b->attrs[p] = calloc(b->nattrs, sizeof(*b->attrs[p]));
		for (size_t i = 0; i < b->nattrs; i++) {
			a.nexthop = b->peer[p].addr;
			a.aspath_len = (uint16_t)(2 + i % 5);	/* equal per index on both peers */
			a.med = (uint32_t)(i / 5), a.flags = RIB_ATTR_MED;
			b->attrs[p][i] = rib_attrs_get(b->rib, &a);
		}
	}
}

static double
bench_insert(struct bench *b, int p)
{
	double t0 = now();
	struct prefix pfx;

	for (size_t i = 0; i < b->n; i++) {
		pfx = bench_prefix(b, i);
		if (rib_path_add(b->rib, &pfx, &b->peer[p], 0, b->attrs[p][i % b->nattrs]) != 0)
			abort();
	}
	return now() - t0;
}

static double
bench_withdraw(struct bench *b, int p)
{
	double t0 = now();

	while (rib_peer_withdraw_all(b->rib, &b->peer[p], 4096))
		;
	return now() - t0;
}

static void
report(const char *what, const struct bench *b, double secs, size_t heap0, size_t rss0)
{
	struct rib_stats st;

	rib_stats_get(b->rib, &st);
	printf("%-28s %8.3f s %9.0f /s  heap %6.1f B/prefix  rss %6.1f B/prefix  "
	    "table %5.1f B/prefix  changes %zu\n", what, secs, (double)b->n / secs,
	    (double)(heap_bytes() - heap0) / (double)b->n,
	    (double)(rss_bytes() - rss0) / (double)b->n,
	    st.prefixes ? (double)st.table_bytes / (double)st.prefixes : 0.0, b->changes);
}

int
main(int argc, char **argv)
{
	struct bench b = { .n = 1000000, .nattrs = 300 };
	size_t heap0, rss0;
	double t;

	if (argc > 1)
		b.n = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		b.nattrs = strtoul(argv[2], NULL, 10);
	if (b.n == 0 || b.n > (1u << 24) || b.nattrs == 0)
		return fprintf(stderr, "usage: rib_mem [N (1..16777216) [ATTR_SETS]]\n"), 2;
	while ((1ul << b.bits) < b.n)
		b.bits++;
	bench_setup(&b);
	heap0 = heap_bytes(), rss0 = rss_bytes();
	printf("rib_mem: %zu prefixes, %zu attribute sets per peer\n", b.n, b.nattrs);
	t = bench_insert(&b, 0);
	report("insert, 1 path each", &b, t, heap0, rss0);
	t = bench_insert(&b, 1);
	report("add 2nd path (2-way ECMP)", &b, t, heap0, rss0);
	t = bench_withdraw(&b, 1);
	report("peer 2 down (back to 1)", &b, t, heap0, rss0);
	t = bench_withdraw(&b, 0);
	report("peer 1 down (all gone)", &b, t, heap0, rss0);
	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < b.nattrs; i++)
			rib_attrs_put(b.rib, b.attrs[p][i]);
		free(b.attrs[p]);
		if (rib_peer_del(b.rib, &b.peer[p]) != 0)
			abort();
	}
	return rib_free(b.rib) == 0 ? 0 : 1;
}
