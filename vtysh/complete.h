/*
 * vtysh/complete.h - the values TAB and '?' offer for an argument the daemon
 * knows: neighbor addresses, tunnel names, peer-group, route-map,
 * prefix-list and community-list names. Keywords come from the matcher
 * (lib/cli.h); this adds what fills an argument token.
 */
#ifndef IPIP_VTYSH_COMPLETE_H
#define IPIP_VTYSH_COMPLETE_H

#include <stddef.h>

#include "lib/cli.h"

struct vty;

enum vty_values {
	VTY_VALUES_NONE,
	VTY_VALUES_NEIGHBOR,		/* show bgp neighbors A.B.C.D, clear bgp WORD, ... */
	VTY_VALUES_TUNNEL,		/* show tunnel NAME */
	VTY_VALUES_PEER_GROUP,
	VTY_VALUES_ROUTE_MAP,
	VTY_VALUES_PREFIX_LIST,
	VTY_VALUES_COMMUNITY_LIST,
	VTY_VALUES_MAX
};

#define VTY_VALUE_LEN	64

/* What values the argument choice takes, by its token and the one before it. */
enum vty_values vty_values_of(const struct cmd_choice *);

/*
 * Write to out[0..max) the values the argument choices ch[0..n) take that
 * start with partial, each once; returns how many. Asks the daemon over the
 * session's connection (connecting if need be): when it cannot be reached or
 * refuses, that kind offers nothing and nothing is printed.
 */
size_t	vty_values_complete(struct vty *, const struct cmd_choice *ch, size_t n,
	    const char *partial, char (*out)[VTY_VALUE_LEN], size_t max);

#endif
