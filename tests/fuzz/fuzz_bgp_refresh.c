/*
 * tests/fuzz/fuzz_bgp_refresh.c - libFuzzer target: a ROUTE-REFRESH body;
 * an accepted one must write back to the same bytes.
 */
#include <string.h>

#include "bgpd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	static struct bgp_err e;
	struct refresh_msg r;
	struct wbuf w;

	if (msg_refresh_parse(&c, &r, &e) != 0)
		return 0;
	wbuf_init(&w, BGP_MAX_LEN);
	if (msg_refresh_write(&w, &r) != 0 || memcmp(wbuf_data(&w) + BGP_HDR_LEN, data, 4) != 0)
		__builtin_trap();
	wbuf_free(&w);
	return 0;
}
