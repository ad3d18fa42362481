/*
 * conf/overlay.c - the `overlay` block of the running tree as a plain struct
 * (conf_overlay_get), YANG defaults filled in where a leaf is absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf_int.h"

static const struct lyd_node *
leaf_node(const struct lyd_node *tree, const char *name)
{
	char path[96];
	struct lyd_node *n = NULL;

	snprintf(path, sizeof(path), "/ipip-bgpd:overlay/%s", name);
	if (tree == NULL || lyd_find_path(tree, path, 0, &n) != LY_SUCCESS)
		return NULL;
	return n;
}

static const char *
leaf(const struct lyd_node *tree, const char *name)
{
	const struct lyd_node *n = leaf_node(tree, name);

	return n ? lyd_get_value(n) : NULL;
}

/* Written by the operator, not a default libyang filled in. */
static bool
leaf_is_set(const struct lyd_node *tree, const char *name)
{
	const struct lyd_node *n = leaf_node(tree, name);

	return n != NULL && !(n->flags & LYD_DEFAULT);
}

static void
copy(char *dst, size_t len, const char *v, const char *dflt)
{
	snprintf(dst, len, "%s", v ? v : dflt);
}

void
conf_overlay_get(const struct lyd_node *tree, struct conf_overlay *o)
{
	const char *v;

	*o = (struct conf_overlay){ .route_protocol = 44, .table = 254 };
	copy(o->mode, sizeof(o->mode), leaf(tree, "mode"), "cross-subnet");
	copy(o->tunnel_style, sizeof(o->tunnel_style), leaf(tree, "tunnel-style"), "nbma");
	o->tunnel_style_set = leaf_is_set(tree, "tunnel-style");
	copy(o->driver, sizeof(o->driver), leaf(tree, "driver"), "auto");
	copy(o->ecmp_hash, sizeof(o->ecmp_hash), leaf(tree, "ecmp-hash"), "layer3");
	copy(o->firewall, sizeof(o->firewall), leaf(tree, "firewall"), "none");
	if ((v = leaf(tree, "mtu")) != NULL)
		o->mtu = (uint16_t)strtoul(v, NULL, 10);
	if ((v = leaf(tree, "route-protocol")) != NULL)
		o->route_protocol = (uint8_t)strtoul(v, NULL, 10);
	if ((v = leaf(tree, "table")) != NULL)
		o->table = (uint32_t)strtoul(v, NULL, 10);
}

/* One list of overrides: key leaf `key`, leaf `mode`. */
static size_t
overrides_walk(const struct lyd_node *tree, const char *xpath, const char *key,
    bool neighbor, conf_overlay_override_fn *fn, void *arg)
{
	struct ly_set *set = NULL;
	size_t n = 0;

	if (tree == NULL || lyd_find_xpath(tree, xpath, &set) != LY_SUCCESS)
		return 0;
	for (uint32_t i = 0; i < set->count; i++) {
		struct lyd_node *k = NULL, *m = NULL;

		if (lyd_find_path(set->dnodes[i], key, 0, &k) != LY_SUCCESS ||
		    lyd_find_path(set->dnodes[i], "mode", 0, &m) != LY_SUCCESS)
			continue;		/* the model makes both mandatory */
		fn(neighbor, lyd_get_value(k), lyd_get_value(m), arg);
		n++;
	}
	ly_set_free(set, NULL);
	return n;
}

size_t
conf_overlay_overrides(const struct lyd_node *tree, conf_overlay_override_fn *fn, void *arg)
{
	return overrides_walk(tree, "/ipip-bgpd:overlay/neighbor", "address", true, fn, arg) +
	    overrides_walk(tree, "/ipip-bgpd:overlay/prefix-list", "name", false, fn, arg);
}
