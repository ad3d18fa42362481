/*
 * vtysh/commands_bgp.c - `show bgp summary|neighbors|statistics`: ask the
 * daemon for struct ctl_bgp / struct ctl_neighbor records, render them
 * (render_bgp.c). Knows only include/ipip-bgpd/ctl.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>

#include "lib/array.h"
#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/commands_bgp.h"
#include "vtysh/render_bgp.h"
#include "vtysh/vty.h"

#define NEIGHBORS_MAX	4096	/* records taken per answer */

struct nb_list {
	struct ctl_neighbor	*v;
	size_t			 n, cap;
};

static void
neighbor_fix(struct ctl_neighbor *n)
{
	CTL_STR_FIX(n->addr);
	CTL_STR_FIX(n->desc);
	CTL_STR_FIX(n->state);
	CTL_STR_FIX(n->hostname);
	CTL_STR_FIX(n->remote_id);
	CTL_STR_FIX(n->local_id);
	CTL_STR_FIX(n->local_addr);
	CTL_STR_FIX(n->remote_addr);
	CTL_STR_FIX(n->last_err_name);
	CTL_STR_FIX(n->last_reason);
}

static int
take_neighbor(const struct ctl_frame *f, void *arg)
{
	struct nb_list *l = arg;

	if (l->n == l->cap && l->cap == NEIGHBORS_MAX)
		return -1;
	if (ARRAY_GROW(l->v, l->n, l->cap, 16) < 0)
		return -1;
	if (ctl_record_get(f, &l->v[l->n], sizeof(l->v[0])) < 0)
		return -1;
	neighbor_fix(&l->v[l->n++]);
	return 0;
}

/* All neighbors, or the one at addr (NULL: all). 0 or -1 (said). */
static int
neighbors_get(struct vty *v, const char *addr, struct nb_list *l)
{
	struct ctl_neighbor_req req;
	char err[256];

	memset(&req, 0, sizeof(req));
	if (addr != NULL)
		CTL_STR_SET(req.addr, addr);
	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_NEIGHBORS, addr ? &req : NULL,
	    addr ? sizeof(req) : 0, take_neighbor, l, err, sizeof(err)) < 0)
		return vty_error(v, "%s", err);
	return 0;
}

int
cmd_show_bgp_summary(struct vty *v, const struct cmd_args *a)
{
	struct nb_list l = { 0 };
	struct ctl_bgp b;

	if (vty_request_one(v, CTL_SHOW_BGP, &b, sizeof(b)) < 0)
		return -1;
	CTL_STR_FIX(b.router_id);
	CTL_STR_FIX(b.listen_addr);
	if (b.configured && neighbors_get(v, NULL, &l) < 0) {
		free(l.v);
		return -1;
	}
	render_bgp_summary(v->out, &b, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return 0;
}

/* FRR's JSON for an address that is no neighbor. */
#define JSON_NO_SUCH_NEIGHBOR	"{\n  \"bgpNoSuchNeighbor\":true\n}"

int
cmd_show_bgp_neighbors(struct vty *v, const struct cmd_args *a)
{
	const char *addr = cmd_arg(a, "A.B.C.D");
	struct nb_list l = { 0 };
	int rv = 0;

	if (neighbors_get(v, addr, &l) < 0)
		rv = -1;
	else if (addr != NULL && l.n == 0)	/* the daemon sends none for it */
		rv = vty_error_json(v, JSON_NO_SUCH_NEIGHBOR, "No such neighbor %s", addr);
	else
		render_bgp_neighbors(v->out, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return rv;
}

static int
take_none(const struct ctl_frame *f, void *arg)
{
	return -1;		/* CTL_CLEAR_BGP answers with CTL_END only */
}

/* The keyword chosen for a choice token ("in" for "i"), or NULL. */
static const char *
arg_word(const struct cmd_args *a, const char *token)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i].token, token) == 0)
			return a->v[i].word[0] ? a->v[i].word : a->v[i].value;
	return NULL;
}

/* Reset one neighbor (addr "*": all), hard or soft (dir CTL_SOFT_*, 0: hard). */
static int
clear_one(struct vty *v, const char *addr, uint32_t dir)
{
	struct ctl_neighbor_req req;
	struct ctl_clear_req soft;
	char err[256];
	int rv;

	if (dir != 0) {
		memset(&soft, 0, sizeof(soft));
		CTL_STR_SET(soft.addr, addr);
		soft.dir = dir;
		rv = ctl_client_request(v->cl, CTL_CLEAR_BGP_SOFT, &soft, sizeof(soft), take_none,
		    NULL, err, sizeof(err));
	} else {
		memset(&req, 0, sizeof(req));
		CTL_STR_SET(req.addr, addr);
		rv = ctl_client_request(v->cl, CTL_CLEAR_BGP, &req, sizeof(req), take_none, NULL,
		    err, sizeof(err));
	}
	return rv < 0 ? vty_error(v, "%s", err) : 0;
}

/*
 * FRR's `clear bgp external|ASN`: every eBGP neighbor, or every one in that
 * AS. Soft, a neighbor that is down is passed over, as `clear bgp * soft`
 * does: asked by name, the daemon would refuse it and the rest be skipped.
 */
static int
clear_group(struct vty *v, const char *w, uint32_t dir)
{
	bool external = strcmp(w, "external") == 0;
	uint32_t as = external ? 0 : (uint32_t)strtoul(w, NULL, 10);
	struct nb_list l = { 0 };
	size_t hit = 0;
	int rv = 0;

	if (neighbors_get(v, NULL, &l) < 0)
		return -1;
	for (size_t i = 0; i < l.n && rv == 0; i++)
		if (external ? l.v[i].ebgp : l.v[i].remote_as == as) {
			hit++;
			if (dir == 0 || strcmp(l.v[i].state, "Established") == 0)
				rv = clear_one(v, l.v[i].addr, dir);
		}
	free(l.v);
	if (rv == 0 && hit == 0 && !external)
		return vty_error(v, "No neighbor is configured with AS %s", w);
	return rv;
}

/* An AS number 1..4294967295 in decimal. */
static bool
is_asn(const char *w)
{
	char *end;
	unsigned long long n;

	if (w[0] < '0' || w[0] > '9')
		return false;
	n = strtoull(w, &end, 10);
	return *end == '\0' && n >= 1 && n <= 4294967295ull;
}

/*
 * `clear bgp *|A.B.C.D|external|ASN`: a hard reset (Cease 4). `... soft
 * [in|out]`: no reset; in asks the neighbor for its routes again
 * (ROUTE-REFRESH), out sends ours again; both without in or out. As in FRR,
 * `in` or `out` without soft is soft too (we keep no Adj-RIB-In, so `in`
 * always asks for a ROUTE-REFRESH).
 */
int
cmd_clear_bgp(struct vty *v, const struct cmd_args *a)
{
	const char *w = cmd_arg(a, "WORD"), *dir = arg_word(a, "in|out");
	bool group = strcmp(w, "external") == 0 || is_asn(w);
	struct in_addr addr;
	uint32_t soft = 0;

	if (cmd_has(a, "soft") || dir != NULL)
		soft = dir == NULL ? CTL_SOFT_IN | CTL_SOFT_OUT :
		    strcmp(dir, "in") == 0 ? CTL_SOFT_IN : CTL_SOFT_OUT;
	if (!group && strcmp(w, "*") != 0 && inet_pton(AF_INET, w, &addr) != 1)
		return vty_error(v, "Malformed neighbor address: %s (A.B.C.D, *, external or an "
		    "AS number)", w);
	if (vty_connect(v) < 0)
		return -1;
	return group ? clear_group(v, w, soft) : clear_one(v, w, soft);
}

struct stats_list {
	struct ctl_bgp_stats	 head;
	bool			 have_head;
	struct ctl_bgp_stats	*v;
	size_t			 n, cap;
};

static int
take_stats(const struct ctl_frame *f, void *arg)
{
	struct stats_list *l = arg;
	struct ctl_bgp_stats s;

	if (ctl_record_get(f, &s, sizeof(s)) < 0)
		return -1;
	CTL_STR_FIX(s.addr);
	CTL_STR_FIX(s.state);
	if (s.rec == CTL_STATS_HEAD) {
		l->head = s;
		l->have_head = true;
		return 0;
	}
	if (s.rec != CTL_STATS_PEER || (l->n == l->cap && l->cap == NEIGHBORS_MAX) ||
	    ARRAY_GROW(l->v, l->n, l->cap, 16) < 0)
		return -1;
	l->v[l->n++] = s;
	return 0;
}

int
cmd_show_bgp_statistics(struct vty *v, const struct cmd_args *a)
{
	struct stats_list l = { 0 };
	char err[256];
	int rv = 0;

	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, CTL_SHOW_BGP_STATISTICS, NULL, 0, take_stats, &l, err,
	    sizeof(err)) < 0)
		rv = vty_error(v, "%s", err);
	else if (!l.have_head)
		rv = vty_error(v, "the daemon sent no statistics");
	else
		render_bgp_statistics(v->out, &l.head, l.v, l.n, cmd_has(a, "json"));
	free(l.v);
	return rv;
}
