/*
 * tests/fuzz/fuzz_bench_bgpmsg.c - libFuzzer target: the benchmark feeder's
 * read path. Frames arbitrary bytes into BGP messages as the feeder's session
 * loop does and reads each OPEN's hold time and each UPDATE's prefix count.
 */
#include <stddef.h>
#include <stdint.h>

#include "bench/bgpmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size), body;
	uint64_t prefixes = 0;
	uint16_t hold;
	uint8_t type;

	while (bgpmsg_next(&c, &type, &body) == 0) {
		if (type == BGPMSG_OPEN && bgpmsg_open_hold(body, &hold) < 0)
			continue;
		if (type == BGPMSG_UPDATE && bgpmsg_update_count(body, &prefixes) < 0)
			continue;
	}
	return 0;
}
