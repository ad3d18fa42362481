/*
 * tests/fuzz/fuzz_nl_iptun.c - libFuzzer target: an RTM_NEWLINK message
 * as the kernel driver reads it (IFLA_LINKINFO / IFLA_INFO_DATA /
 * IFLA_IPTUN_*, IFLA_STATS64). Whatever the bytes, the parser reads only
 * inside them; an accepted message has a terminated name that fits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_ipip li;
	void *copy = malloc(size ? size : 1);	/* aligned, exactly size bytes */

	memcpy(copy, data, size);
	if (tunnel_link_ipip_parse(copy, size, &li) == 0 && strnlen(li.name, IFNAMSIZ) == IFNAMSIZ)
		abort();
	free(copy);
	return 0;
}
