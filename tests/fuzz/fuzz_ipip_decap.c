/*
 * tests/fuzz/fuzz_ipip_decap.c - libFuzzer target: what a raw protocol-4
 * socket can hand the decap thread. The inner window must lie inside the
 * input and start with an IPv4 header whose total length is the window.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tunnel/ipip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipip_decap d;
	struct ipip_encap e;
	uint16_t tot;

	if (ipip_decap_parse(data, size, &d) == 0) {
		if (d.inner.p < data || d.inner.p + d.inner.len > data + size ||
		    cur_peek_u16(&d.inner, 2, &tot) < 0 || tot != d.inner.len ||
		    ipip_encap_parse(d.inner.p, d.inner.len, &e) < 0)
			abort();
	}
	(void)ipip_encap_parse(data, size, &e);
	return 0;
}
