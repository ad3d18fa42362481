/*
 * vtysh/complete.c - values for TAB and '?' (complete.h), in the manner of
 * FRR's variable autocompletion. Where they come from, all through the
 * control socket and requests the shell already makes:
 *   neighbors    CTL_SHOW_BGP_NEIGHBORS records (the configured neighbors)
 *   tunnels      CTL_SHOW_TUNNEL rows (the devices the daemon made or adopted)
 *   names        CTL_SHOW_RUNNING, the running config as YANG JSON
 * The grammar has no token naming an interface or a VRF, so none is offered.
 * Asked afresh at each TAB, so what is offered is what the daemon has now.
 * A daemon that is gone, or answers with an error, offers nothing: completion
 * never prints, and never marks the session unreachable.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/complete.h"
#include "vtysh/vty.h"

/* An argument token and the spec token before it: what it names. */
static const struct value_slot {
	const char	*after, *token;
	enum vty_values	 kind;
} value_slots[] = {
	{ "neighbors", "A.B.C.D", VTY_VALUES_NEIGHBOR },	/* show [ip] bgp ... neighbors */
	{ "neighbor", "A.B.C.D", VTY_VALUES_NEIGHBOR },		/* router, address-family, overlay */
	{ "bgp", "WORD", VTY_VALUES_NEIGHBOR },			/* clear [ip] bgp WORD */
	{ "unicast", "WORD", VTY_VALUES_NEIGHBOR },		/* clear bgp ipv4 unicast WORD */
	{ "tunnel", "NAME", VTY_VALUES_TUNNEL },		/* show tunnel NAME */
	{ "neighbor", "NAME", VTY_VALUES_PEER_GROUP },
	{ "peer-group", "NAME", VTY_VALUES_PEER_GROUP },
	{ "route-map", "NAME", VTY_VALUES_ROUTE_MAP },
	{ "prefix-list", "NAME", VTY_VALUES_PREFIX_LIST },
	{ "standard", "NAME", VTY_VALUES_COMMUNITY_LIST },	/* bgp community-list standard */
	{ "community", "NAME", VTY_VALUES_COMMUNITY_LIST },	/* match community */
};

enum vty_values
vty_values_of(const struct cmd_choice *c)
{
	for (size_t i = 0; i < sizeof(value_slots) / sizeof(value_slots[0]); i++)
		if (strcmp(c->token, value_slots[i].token) == 0 &&
		    strcmp(c->after, value_slots[i].after) == 0)
			return value_slots[i].kind;
	return VTY_VALUES_NONE;
}

/* Where the values go: those starting with partial, each once. */
struct value_out {
	const char	*partial;
	char		(*v)[VTY_VALUE_LEN];
	size_t		 n, max;
};

static void
value_put(struct value_out *o, const char *s)
{
	if (s[0] == '\0' || strncmp(s, o->partial, strlen(o->partial)) != 0 || o->n == o->max)
		return;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i], s) == 0)
			return;
	snprintf(o->v[o->n++], VTY_VALUE_LEN, "%s", s);
}

static int
take_neighbor(const struct ctl_frame *f, void *arg)
{
	struct ctl_neighbor nb;

	if (ctl_record_get(f, &nb, sizeof(nb)) < 0)
		return -1;
	CTL_STR_FIX(nb.addr);
	value_put(arg, nb.addr);
	return 0;
}

static int
take_tunnel(const struct ctl_frame *f, void *arg)
{
	struct ctl_tunnel_rec r;

	if (ctl_record_get(f, &r, sizeof(r)) < 0)
		return -1;
	CTL_STR_FIX(r.name);
	if (r.rec == CTL_FWD_ROW)
		value_put(arg, r.name);
	return 0;
}

/* The "name" of each entry of the list at JSON object o's member key. */
static void
json_names(struct json_object *o, const char *key, struct value_out *out)
{
	struct json_object *list, *name;

	if (o == NULL || !json_object_object_get_ex(o, key, &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(list); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(list, i), "name", &name))
			value_put(out, json_object_get_string(name));
}

/* Names from the running config (YANG JSON, top-level nodes carry the module). */
static void
config_names(struct vty *v, enum vty_values kind, struct value_out *out)
{
	static const char *const lists[VTY_VALUES_MAX] = {
		[VTY_VALUES_ROUTE_MAP] = "ipip-bgpd:route-map",
		[VTY_VALUES_PREFIX_LIST] = "ipip-bgpd:prefix-list",
		[VTY_VALUES_COMMUNITY_LIST] = "ipip-bgpd:community-list",
	};
	struct json_object *root, *bgp = NULL;
	char *text = NULL, err[256];

	if (vty_request_text(v, CTL_SHOW_RUNNING, NULL, 0, &text, err, sizeof(err)) == 0 &&
	    (root = json_tokener_parse(text)) != NULL) {
		if (kind == VTY_VALUES_PEER_GROUP && json_object_object_get_ex(root,
		    "ipip-bgpd:bgp", &bgp))
			json_names(bgp, "peer-group", out);
		else if (lists[kind] != NULL)
			json_names(root, lists[kind], out);
		json_object_put(root);
	}
	free(text);
}

static void
values_get(struct vty *v, enum vty_values kind, struct value_out *out)
{
	char err[256];

	switch (kind) {
	case VTY_VALUES_NEIGHBOR:
		(void)ctl_client_request(v->cl, CTL_SHOW_BGP_NEIGHBORS, NULL, 0, take_neighbor,
		    out, err, sizeof(err));
		break;
	case VTY_VALUES_TUNNEL:
		(void)ctl_client_request(v->cl, CTL_SHOW_TUNNEL, NULL, 0, take_tunnel, out, err,
		    sizeof(err));
		break;
	default:
		config_names(v, kind, out);
		break;
	}
}

size_t
vty_values_complete(struct vty *v, const struct cmd_choice *ch, size_t n, const char *partial,
    char (*out)[VTY_VALUE_LEN], size_t max)
{
	struct value_out o = { .partial = partial ? partial : "", .v = out, .max = max };
	bool asked[VTY_VALUES_MAX] = { false };

	for (size_t i = 0; i < n; i++) {
		enum vty_values kind = vty_values_of(&ch[i]);

		if (kind == VTY_VALUES_NONE || asked[kind])
			continue;
		asked[kind] = true;
		if (vty_connect_quiet(v) < 0)
			break;
		values_get(v, kind, &o);
	}
	return o.n;
}
