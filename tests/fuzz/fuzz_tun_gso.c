/*
 * tests/fuzz/fuzz_tun_gso.c - libFuzzer target: what a TSO-enabled TUN read
 * can hand the encap thread (virtio_net_hdr + packet). Segments must lie
 * inside the input, be at most gso_size long and cover the payload once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/gso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_segments(const uint8_t *pkt, size_t len, uint16_t mss)
{
	uint8_t hdr[GSO_HDR_MAX];
	struct gso_tcp g;
	struct iovec pl;
	size_t hl = 0, covered = 0;

	if (gso_tcp_init(&g, pkt, len, mss) < 0)
		return;
	while (gso_tcp_next(&g, hdr, &hl, &pl)) {
		if (hl > GSO_HDR_MAX || pl.iov_len == 0 || pl.iov_len > mss ||
		    (const uint8_t *)pl.iov_base < pkt ||
		    (const uint8_t *)pl.iov_base + pl.iov_len > pkt + len)
			abort();
		covered += pl.iov_len;
	}
	if (covered + hl != len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gso_vnet v;
	uint8_t *copy;

	if (gso_vnet_parse(data, size, &v) < 0)
		return 0;
	data += GSO_VNET_LEN, size -= GSO_VNET_LEN;
	fuzz_segments(data, size, v.gso_size);
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)gso_csum_finish(copy, size, v.csum_start, v.csum_offset);
	free(copy);
	return 0;
}
