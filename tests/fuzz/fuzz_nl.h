/*
 * tests/fuzz/fuzz_nl.h - the body shared by the rtnetlink fuzz targets.
 * Input is a receive buffer as recv() returns it: messages are cut out with
 * rtnl_msg_next and each goes through one parser, as the FIB's dump and
 * monitor handlers do; NLMSG_ERROR messages go through nl_ack_parse.
 */
#ifndef IPIP_TESTS_FUZZ_NL_H
#define IPIP_TESTS_FUZZ_NL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/nl.h"
#include "lib/rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NL_TARGET(OUT, PARSE)						\
int										\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)			\
{										\
	static struct OUT out;							\
	struct cursor c = cur_init(data, size);					\
	struct rtnl_msg m;							\
	char msg[64];								\
	int err;								\
										\
	while (cur_left(&c) > 0 && rtnl_msg_next(&c, &m) == 0) {		\
		if (m.type == 2 /* NLMSG_ERROR */)				\
			(void)nl_ack_parse(&m, size & 1, &err, msg, sizeof(msg)); \
		else								\
			(void)PARSE(&m, &out);					\
	}									\
	return 0;								\
}

#endif
