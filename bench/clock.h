/*
 * bench/clock.h - the one clock of the benchmark tools: CLOCK_MONOTONIC in
 * nanoseconds, the same in every network namespace, so instants printed by
 * the feeder and by route_count can be subtracted.
 */
#ifndef IPIP_BENCH_CLOCK_H
#define IPIP_BENCH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
