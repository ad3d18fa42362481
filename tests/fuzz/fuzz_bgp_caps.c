/*
 * tests/fuzz/fuzz_bgp_caps.c - libFuzzer target: one Capabilities optional
 * parameter value (RFC 5492 list), then negotiation against ours.
 */
#include <string.h>

#include "bgpd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	struct bgp_caps caps = {0}, ours = { .mp_ipv4u = true, .as4 = true,
		.addpath_ipv4u = ADDPATH_RX | ADDPATH_TX, .extmsg = true };
	struct bgp_err e;
	struct msg_ctx ctx;

	if (caps_parse(&c, &caps, &e) == 0) {
		caps_negotiate(&ours, &caps, true, &ctx);
		if (strlen(caps.hostname) > CAPS_NAME_MAX)
			__builtin_trap();
	}
	return 0;
}
