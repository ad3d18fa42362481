/*
 * bgpd/policy.h - the policy engine (issue 4): prefix-lists, standard
 * community-lists and route-maps compiled from the configuration into plain
 * structs, and their evaluation on one route. FRR semantics:
 *
 *  - prefix-list: entries by sequence number, the first that matches
 *    decides; no match is deny. A list that exists but is empty permits; a
 *    name that names no list denies (lib/plist.c prefix_list_apply).
 *  - route-map: entries by sequence number; an entry matches when all its
 *    match clauses hold (none: always). permit applies its sets and accepts,
 *    deny rejects; no entry matching rejects; a missing route-map rejects.
 *    A match clause naming a missing list does not match.
 *
 * Pure: no I/O, no state beyond the compiled objects and one scratch
 * buffer; bgpd/rde.c applies it to routes received, sent and originated.
 */
#ifndef IPIP_BGPD_POLICY_H
#define IPIP_BGPD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "lib/prefix.h"

struct attr_set;
struct lyd_node;

#define POLICY_NAME_MAX		CONF_NAME_MAX
#define POLICY_COMM_MAX		64	/* communities one `set community` holds */

struct policy;

/* What a route-map's sets changed (so the caller knows LOCAL_PREF was set). */
struct policy_sets {
	bool	local_pref, med, communities, nexthop;
};

/* An empty policy: no lists, no route-maps, no networks. fatal() on ENOMEM. */
struct policy *policy_new(void);
void	policy_free(struct policy *);		/* NULL ok */
/*
 * Add what the config holds, entry by entry (entry NULL: the object exists,
 * empty), then policy_finish() once: entries sorted, names resolved.
 * -EINVAL for a value that does not parse (the model checked them all).
 */
int	policy_add_prefix_list(struct policy *, const char *name, const struct conf_pl_entry *);
int	policy_add_community_list(struct policy *, const char *name, const struct conf_cl_entry *);
int	policy_add_route_map(struct policy *, const char *name, const struct conf_rm_entry *);
/* `network P route-map NAME`: the route-map for a locally originated prefix. */
int	policy_add_network(struct policy *, const char *prefix, const char *route_map);
void	policy_finish(struct policy *);
/* All of the above from a running tree (NULL: empty). */
struct policy *policy_from_conf(const struct lyd_node *tree);

/* Is pfx permitted by the prefix-list of that name (FRR: missing = deny, empty = permit)? */
bool	policy_prefix_list_permits(const struct policy *, const char *name, const struct prefix *);
/* The same in two steps, so a caller with many prefixes looks the name up once:
 * the list (NULL: no such list, which denies) and the test itself. */
struct prefix_list;
const struct prefix_list *policy_prefix_list(const struct policy *, const char *name);
bool	policy_pl_permits(const struct prefix_list *, const struct prefix *);
/*
 * Run the route-map of that name on a route: match clauses look at match
 * (the route as it was), sets write into *out (a template; its community
 * array may point into the policy until the next call). true: permitted.
 */
bool	policy_route_map_apply(struct policy *, const char *name, const struct prefix *,
	    const struct attr_set *match, struct attr_set *out, struct policy_sets *done);
/*
 * A neighbor's policy in one direction: prefix-list (name "" = none), then
 * route-map ("" = none), as FRR does. true: permitted, *out changed.
 */
bool	policy_filter(struct policy *, const char *prefix_list, const char *route_map,
	    const struct prefix *, const struct attr_set *match, struct attr_set *out,
	    struct policy_sets *done);
/* The route-map name of `network pfx`, or NULL when it has none. */
const char *policy_network_route_map(const struct policy *, const struct prefix *);

/* "65000:1", "no-export", ... as the 32-bit community (RFC 1997); -EINVAL. */
int	policy_community_parse(const char *, uint32_t *out);

#endif
