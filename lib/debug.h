/*
 * lib/debug.h - FRR-style debug topics: `debug bgp updates in`, `debug fib`.
 *
 * A topic gates its own debug lines, one per event where it matters (each
 * FSM transition, each UPDATE in or out, each KEEPALIVE, each netlink route
 * or nexthop write, each tunnel made or removed). A line of a topic that is
 * on is logged, at debug severity, whatever the log level: the operator asked
 * for it by name, so `debug bgp updates` works without `log ... debugging`
 * (FRR reaches the same result by logging at debugging by default). A topic
 * that is off logs nothing, even at level debugging.
 *
 * The set of topics on is part of the logger's process-wide state (log.h):
 * the daemon sets it from the configuration and the shell; modules read it.
 * Names are written out here only: the grammar, the shell and the control
 * protocol all go through this table.
 */
#ifndef IPIP_LIB_DEBUG_H
#define IPIP_LIB_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/log.h"

enum debug_topic {
	DEBUG_BGP_NEIGHBOR_EVENTS,	/* session FSM: events and transitions */
	DEBUG_BGP_UPDATES_IN,		/* each UPDATE received, one line */
	DEBUG_BGP_UPDATES_OUT,		/* each UPDATE sent, one line */
	DEBUG_BGP_KEEPALIVES,		/* each KEEPALIVE sent or received */
	DEBUG_FIB,			/* each kernel route / nexthop write and delete */
	DEBUG_TUNNEL,			/* each tunnel device made, adopted or removed */
	DEBUG_NTOPICS
};

#define DEBUG_BIT(t)	(UINT32_C(1) << (t))
#define DEBUG_ALL	(DEBUG_BIT(DEBUG_NTOPICS) - 1)

struct debug_desc {
	const char	*words;		/* the statement after "debug": "bgp updates in" */
	const char	*yang;		/* the leaf under /ipip-bgpd:debug: "bgp/updates-in" */
	const char	*json;		/* key in `show debugging json`: "bgpUpdatesIn" */
};
/* The topic's names; NULL when t is out of range. */
const struct debug_desc *debug_topic(unsigned t);

/*
 * The topics a statement names: "bgp updates in" one, "bgp updates" both
 * directions, "bgp" every BGP topic, "all" every topic (whole words only).
 * 0 when it names none.
 */
uint32_t debug_match(const char *words);

/* "bgp updates in, fib" for a mask ("none" when empty), into buf; returns buf. */
const char *debug_mask_fmt(uint32_t mask, char *buf, size_t len);

/* The topics on, as DEBUG_BIT()s; set replaces them (bits past the table ignored). */
uint32_t debug_get(void);
void	debug_set(uint32_t mask);
bool	debug_on(enum debug_topic);

/* Log one line of a topic that is on: use debugf(), which checks first. */
void	log_topic(const char *, ...) PRINTF_LIKE(1, 2);
/* The arguments are evaluated only when the topic is on. */
#define debugf(topic, ...)						\
	do {								\
		if (debug_on(topic))					\
			log_topic(__VA_ARGS__);				\
	} while (0)

#endif
