/*
 * tests/fuzz/fuzz_nl_link.c - libFuzzer target: rtnetlink link (RTM_NEWLINK/DELLINK).
 * Input is a receive buffer as recv() would return it: messages are cut out
 * with rtnl_msg_next and each goes through rtnl_link_parse, as the FIB's dump and
 * monitor handlers do. ACK parsing is exercised on NLMSG_ERROR messages.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/nl.h"
#include "lib/rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtnl_link out;
	struct cursor c = cur_init(data, size);
	struct rtnl_msg m;
	char msg[64];
	int err;

	while (cur_left(&c) > 0 && rtnl_msg_next(&c, &m) == 0) {
		if (m.type == 2 /* NLMSG_ERROR */)
			(void)nl_ack_parse(&m, size & 1, &err, msg, sizeof(msg));
		else
			(void)rtnl_link_parse(&m, &out);
	}
	return 0;
}
