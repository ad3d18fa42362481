/*
 * lib/debug.c - the debug topics: their names and which are on. See debug.h.
 */
#include <stdio.h>
#include <string.h>

#include "lib/debug.h"

static uint32_t debug_mask;

static const struct debug_desc topics[DEBUG_NTOPICS] = {
	[DEBUG_BGP_NEIGHBOR_EVENTS] = { "bgp neighbor-events", "bgp/neighbor-events",
	    "bgpNeighborEvents" },
	[DEBUG_BGP_UPDATES_IN] = { "bgp updates in", "bgp/updates-in", "bgpUpdatesIn" },
	[DEBUG_BGP_UPDATES_OUT] = { "bgp updates out", "bgp/updates-out", "bgpUpdatesOut" },
	[DEBUG_BGP_KEEPALIVES] = { "bgp keepalives", "bgp/keepalives", "bgpKeepalives" },
	[DEBUG_FIB] = { "fib", "fib", "fib" },
	[DEBUG_TUNNEL] = { "tunnel", "tunnel", "tunnel" },
};

const struct debug_desc *
debug_topic(unsigned t)
{
	return t < DEBUG_NTOPICS ? &topics[t] : NULL;
}

uint32_t
debug_match(const char *words)
{
	size_t n = strlen(words);
	uint32_t mask = 0;

	if (strcmp(words, "all") == 0)
		return DEBUG_ALL;
	for (unsigned t = 0; n > 0 && t < DEBUG_NTOPICS; t++)
		if (strncmp(topics[t].words, words, n) == 0 &&
		    (topics[t].words[n] == '\0' || topics[t].words[n] == ' '))
			mask |= DEBUG_BIT(t);
	return mask;
}

const char *
debug_mask_fmt(uint32_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned t = 0; t < DEBUG_NTOPICS && off < len; t++)
		if (mask & DEBUG_BIT(t))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			    topics[t].words);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
	return buf;
}

uint32_t
debug_get(void)
{
	return debug_mask;
}

void
debug_set(uint32_t mask)
{
	debug_mask = mask & DEBUG_ALL;
}

bool
debug_on(enum debug_topic t)
{
	return (unsigned)t < DEBUG_NTOPICS && (debug_mask & DEBUG_BIT(t)) != 0;
}
