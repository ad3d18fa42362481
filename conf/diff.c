/*
 * conf/diff.c - what changed between the running tree and a candidate, and
 * what each change means for the BGP speaker: nothing (a description), a
 * soft refresh (policy, RFC 2918 / RFC 7313), or a session reset (what the
 * OPEN or the TCP session carries: remote-as, local-as, password, ...).
 */
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf_int.h"

/* First match wins: most specific first. Paths are schema paths. */
static const struct {
	const char		*prefix;
	enum conf_change_kind	 kind;
} change_kinds[] = {
	{ "/ipip-bgpd:hostname", CONF_CHANGE_DAEMON },
	{ "/ipip-bgpd:log", CONF_CHANGE_DAEMON },
	{ "/ipip-bgpd:debug", CONF_CHANGE_DAEMON },
	{ "/ipip-bgpd:bgp/neighbor/description", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/peer-group/description", CONF_CHANGE_NONE },
	/* Timers are offered in the next OPEN (RFC 4271 4.2) or used for the next
	 * connection: the running session keeps what it negotiated. */
	{ "/ipip-bgpd:bgp/neighbor/timers", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/peer-group/timers", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/neighbor/connect-retry", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/peer-group/connect-retry", CONF_CHANGE_NONE },
	/* MRAI: from the next UPDATE on; stored only (ROUTE-REFRESH does its job) */
	{ "/ipip-bgpd:bgp/neighbor/advertisement-interval", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/peer-group/advertisement-interval", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/neighbor/ipv4-unicast/soft-reconfiguration-inbound", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/peer-group/ipv4-unicast/soft-reconfiguration-inbound", CONF_CHANGE_NONE },
	{ "/ipip-bgpd:bgp/neighbor/ipv4-unicast/addpath", CONF_CHANGE_RESET },	/* capability */
	{ "/ipip-bgpd:bgp/peer-group/ipv4-unicast/addpath", CONF_CHANGE_RESET },
	{ "/ipip-bgpd:bgp/neighbor/ipv4-unicast", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/peer-group/ipv4-unicast", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/neighbor", CONF_CHANGE_RESET },	/* remote-as, password, timers ... */
	{ "/ipip-bgpd:bgp/peer-group", CONF_CHANGE_RESET },
	{ "/ipip-bgpd:bgp/network", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/redistribute", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/bestpath", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/maximum-paths", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/cluster-id", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:bgp/ebgp-requires-policy", CONF_CHANGE_SOFT },	/* RFC 8212 */	/* reflected routes re-sent */
	{ "/ipip-bgpd:bgp/default-ipv4-unicast", CONF_CHANGE_SOFT },	/* who is activated */
	{ "/ipip-bgpd:bgp/log-neighbor-changes", CONF_CHANGE_NONE },	/* the next up or down */
	{ "/ipip-bgpd:bgp/graceful-restart", CONF_CHANGE_NONE },	/* the next OPEN, and the stop */
	{ "/ipip-bgpd:bgp/timers", CONF_CHANGE_NONE },		/* next sessions */
	{ "/ipip-bgpd:bgp/listen-", CONF_CHANGE_DAEMON },	/* the listener moves */
	{ "/ipip-bgpd:bgp", CONF_CHANGE_RESET },		/* asn, router-id: all sessions */
	{ "/ipip-bgpd:prefix-list", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:route-map", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:community-list", CONF_CHANGE_SOFT },
	{ "/ipip-bgpd:overlay", CONF_CHANGE_OVERLAY },
};

static enum conf_change_kind
change_kind(const struct lyd_node *n)
{
	char path[CONF_PATH_MAX];

	if (lysc_path(n->schema, LYSC_PATH_DATA, path, sizeof(path)) == NULL)
		return CONF_CHANGE_RESET;
	for (size_t i = 0; i < sizeof(change_kinds) / sizeof(change_kinds[0]); i++)
		if (strncmp(path, change_kinds[i].prefix, strlen(change_kinds[i].prefix)) == 0)
			return change_kinds[i].kind;
	return CONF_CHANGE_RESET;
}

int
conf_diff_new(const struct lyd_node *running, const struct lyd_node *candidate,
    struct lyd_node **diff)
{
	*diff = NULL;
	return lyd_diff_siblings(running, candidate, 0, diff) == LY_SUCCESS ? 0 : -1;
}

static const char *
diff_op(const struct lyd_node *n)
{
	struct lyd_meta *m = lyd_find_meta(n->meta, NULL, "yang:operation");

	return m ? lyd_get_meta_value(m) : NULL;
}

/* "...neighbor[address='10.0.0.2']..." -> "10.0.0.2" */
static const char *
path_neighbor(const char *path, char *buf, size_t len)
{
	const char *s = strstr(path, "/neighbor[address='");

	if (s == NULL || strncmp(path, "/ipip-bgpd:bgp/", 15) != 0)
		return NULL;
	s += strlen("/neighbor[address='");
	snprintf(buf, len, "%.*s", (int)strcspn(s, "'"), s);
	return buf;
}

static void
diff_report(const struct lyd_node *n, const char *op, conf_change_fn *fn, void *arg)
{
	char *path = lyd_path(n, LYD_PATH_STD, NULL, 0), nb[64];
	struct conf_change c = {
		.op = strcmp(op, "create") == 0 ? CONF_OP_CREATE :
		    strcmp(op, "delete") == 0 ? CONF_OP_DELETE : CONF_OP_REPLACE,
		.kind = change_kind(n),
		.value = n->schema->nodetype & LYD_NODE_TERM ? lyd_get_value(n) : NULL,
	};

	c.path = path ? path : "/";
	c.neighbor = path ? path_neighbor(path, nb, sizeof(nb)) : NULL;
	fn(&c, arg);
	free(path);
}

size_t
conf_diff_walk(const struct lyd_node *diff, conf_change_fn *fn, void *arg)
{
	struct lyd_node *top, *n;
	size_t count = 0;
	const char *op;

	LY_LIST_FOR((struct lyd_node *)diff, top) {
		LYD_TREE_DFS_BEGIN(top, n) {
			op = diff_op(n);
			if (op != NULL && strcmp(op, "none") != 0) {
				diff_report(n, op, fn, arg);
				count++;
				LYD_TREE_DFS_continue = 1;	/* the subtree goes with it */
			}
			LYD_TREE_DFS_END(top, n);
		}
	}
	return count;
}
