/*
 * tests/fuzz/fuzz_bgp_notify.c - libFuzzer target: a NOTIFICATION body and
 * the shutdown communication shown to the operator.
 */
#include <string.h>

#include "bgpd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	static struct bgp_err n;
	char buf[4 * SHUTDOWN_COMM_MAX + 8], small[7];

	if (msg_notify_parse(&c, &n) != 0)
		return 0;
	if (notify_shutdown_text(&n, buf, sizeof(buf)) == 0 && strlen(buf) >= sizeof(buf))
		__builtin_trap();
	(void)notify_shutdown_text(&n, small, sizeof(small));
	return 0;
}
