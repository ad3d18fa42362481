/*
 * conf/policy.c - the policy objects of the running tree (prefix-lists,
 * community-lists, route-maps) read into plain structs, entry by entry, for
 * bgpd/policy.c to compile. Nothing here decides what they mean.
 */
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf_int.h"

static const struct lyd_node *
child(const struct lyd_node *n, const char *path)
{
	struct lyd_node *c = NULL;

	if (lyd_find_path(n, path, 0, &c) != LY_SUCCESS)
		return NULL;
	return c;
}

static const char *
child_value(const struct lyd_node *n, const char *path)
{
	const struct lyd_node *c = child(n, path);
	const char *v = c ? lyd_get_value(c) : NULL;

	return v ? v : "";
}

static bool
child_u32(const struct lyd_node *n, const char *path, uint32_t *out)
{
	const struct lyd_node *c = child(n, path);

	if (c == NULL)
		return false;
	*out = (uint32_t)strtoul(lyd_get_value(c), NULL, 10);
	return true;
}

/* The caller's function and argument. */
struct walk {
	conf_pl_fn	*pl;
	conf_cl_fn	*cl;
	conf_rm_fn	*rm;
	void		*arg;
};

/* Call one(name, entry node or NULL) for every entry of every list at xpath. */
static size_t
lists_walk(const struct lyd_node *tree, const char *xpath,
    void (*one)(const char *, const struct lyd_node *, const struct walk *),
    const struct walk *w)
{
	struct ly_set *set = NULL, *ents = NULL;
	size_t n = 0;

	if (tree == NULL || lyd_find_xpath(tree, xpath, &set) != LY_SUCCESS)
		return 0;
	for (uint32_t i = 0; i < set->count; i++, n++) {
		const char *name = child_value(set->dnodes[i], "name");

		if (lyd_find_xpath(set->dnodes[i], "entry", &ents) != LY_SUCCESS ||
		    ents->count == 0)
			one(name, NULL, w);
		else
			for (uint32_t j = 0; j < ents->count; j++)
				one(name, ents->dnodes[j], w);
		ly_set_free(ents, NULL);
		ents = NULL;
	}
	ly_set_free(set, NULL);
	return n;
}

static void
pl_one(const char *name, const struct lyd_node *e, const struct walk *w)
{
	struct conf_pl_entry c = { 0 };
	uint32_t v;

	if (e == NULL) {
		w->pl(name, NULL, w->arg);
		return;
	}
	(void)child_u32(e, "seq", &c.seq);
	c.permit = strcmp(child_value(e, "action"), "permit") == 0;
	snprintf(c.prefix, sizeof(c.prefix), "%s", child_value(e, "prefix"));
	if (child_u32(e, "ge", &v))
		c.ge = (uint8_t)v;
	if (child_u32(e, "le", &v))
		c.le = (uint8_t)v;
	w->pl(name, &c, w->arg);
}

size_t
conf_prefix_lists(const struct lyd_node *tree, conf_pl_fn *fn, void *arg)
{
	struct walk w = { .pl = fn, .arg = arg };

	return lists_walk(tree, "/ipip-bgpd:prefix-list", pl_one, &w);
}

static void
cl_one(const char *name, const struct lyd_node *e, const struct walk *w)
{
	struct conf_cl_entry c = { 0 };

	if (e == NULL) {
		w->cl(name, NULL, w->arg);
		return;
	}
	(void)child_u32(e, "seq", &c.seq);
	c.permit = strcmp(child_value(e, "action"), "permit") == 0;
	snprintf(c.community, sizeof(c.community), "%s", child_value(e, "community"));
	w->cl(name, &c, w->arg);
}

size_t
conf_community_lists(const struct lyd_node *tree, conf_cl_fn *fn, void *arg)
{
	struct walk w = { .cl = fn, .arg = arg };

	return lists_walk(tree, "/ipip-bgpd:community-list", cl_one, &w);
}

/* The set community leaf-list, words joined by spaces. */
static bool
rm_communities(const struct lyd_node *e, char *out, size_t len)
{
	struct ly_set *set = NULL;
	size_t o = 0;
	bool any;

	out[0] = '\0';
	if (lyd_find_xpath(e, "set/community", &set) != LY_SUCCESS)
		return false;
	any = set->count > 0;
	for (uint32_t i = 0; i < set->count && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "",
		    lyd_get_value(set->dnodes[i]));
	ly_set_free(set, NULL);
	return any;
}

static void
rm_one(const char *name, const struct lyd_node *e, const struct walk *w)
{
	struct conf_rm_entry c = { 0 };
	uint32_t v;

	if (e == NULL) {
		w->rm(name, NULL, w->arg);
		return;
	}
	if (child_u32(e, "seq", &v))
		c.seq = (uint16_t)v;
	c.permit = strcmp(child_value(e, "action"), "permit") == 0;
	snprintf(c.match_prefix_list, sizeof(c.match_prefix_list), "%s",
	    child_value(e, "match/prefix-list"));
	snprintf(c.match_community_list, sizeof(c.match_community_list), "%s",
	    child_value(e, "match/community-list"));
	if ((c.match_aspath_len_set = child_u32(e, "match/as-path-length", &v)))
		c.match_aspath_len = (uint16_t)v;
	c.set_local_pref_set = child_u32(e, "set/local-preference", &c.set_local_pref);
	c.set_metric_set = child_u32(e, "set/metric", &c.set_metric);
	c.set_community_set = rm_communities(e, c.set_community, sizeof(c.set_community));
	snprintf(c.set_next_hop, sizeof(c.set_next_hop), "%s", child_value(e, "set/ip-next-hop"));
	w->rm(name, &c, w->arg);
}

size_t
conf_route_maps(const struct lyd_node *tree, conf_rm_fn *fn, void *arg)
{
	struct walk w = { .rm = fn, .arg = arg };

	return lists_walk(tree, "/ipip-bgpd:route-map", rm_one, &w);
}
