/*
 * bgpd/policy.c - prefix-lists, community-lists and route-maps: compiled
 * from the config (policy_from_conf), evaluated on one route (policy.h).
 * Objects are few and small: arrays searched by name, entries sorted by
 * sequence number once in policy_finish.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpd/attrs.h"
#include "bgpd/policy.h"
#include "lib/array.h"
#include "lib/log.h"

struct pl_entry {
	uint32_t	seq;
	bool		permit;
	struct prefix	pfx;
	uint8_t		ge, le;		/* 0: unset */
};

struct prefix_list {
	char		 name[POLICY_NAME_MAX];
	struct pl_entry	*v;
	size_t		 n, cap;
};

struct cl_entry {
	uint32_t	seq;
	bool		permit;
	bool		any;		/* "internet": every route carrying communities */
	uint32_t	comm;
};

struct community_list {
	char		 name[POLICY_NAME_MAX];
	struct cl_entry	*v;
	size_t		 n, cap;
};

struct rm_entry {
	uint16_t	seq;
	bool		permit;
	char		m_pl[POLICY_NAME_MAX], m_cl[POLICY_NAME_MAX];	/* "" unset */
	const struct prefix_list *m_pl_ref;	/* NULL: missing (no match) */
	const struct community_list *m_cl_ref;
	bool		m_aspath_set;
	uint16_t	m_aspath_len;
	struct policy_sets s;
	uint32_t	s_local_pref, s_med, s_nexthop;
	uint32_t	s_comms[POLICY_COMM_MAX];
	uint16_t	s_ncomms;
};

struct route_map {
	char		 name[POLICY_NAME_MAX];
	struct rm_entry	*v;
	size_t		 n, cap;
};

struct pol_net {
	struct prefix	pfx;
	char		route_map[POLICY_NAME_MAX];
};

struct policy {
	struct prefix_list	*pl;
	size_t			 npl, plcap;
	struct community_list	*cl;
	size_t			 ncl, clcap;
	struct route_map	*rm;
	size_t			 nrm, rmcap;
	struct pol_net		*nets;
	size_t			 nnets, netcap;
};

/* ------------------------------------------------------------ building */

struct policy *
policy_new(void)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		fatal("policy");
	return p;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->npl; i++)
		free(p->pl[i].v);
	for (size_t i = 0; i < p->ncl; i++)
		free(p->cl[i].v);
	for (size_t i = 0; i < p->nrm; i++)
		free(p->rm[i].v);
	free(p->pl);
	free(p->cl);
	free(p->rm);
	free(p->nets);
	free(p);
}

static struct prefix_list *
pl_get(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->npl; i++)
		if (strcmp(p->pl[i].name, name) == 0)
			return &p->pl[i];
	if (ARRAY_GROW(p->pl, p->npl, p->plcap, 8) < 0)
		fatal("policy");
	p->pl[p->npl] = (struct prefix_list){ 0 };
	snprintf(p->pl[p->npl].name, sizeof(p->pl[p->npl].name), "%s", name);
	return &p->pl[p->npl++];
}

static struct community_list *
cl_get(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->ncl; i++)
		if (strcmp(p->cl[i].name, name) == 0)
			return &p->cl[i];
	if (ARRAY_GROW(p->cl, p->ncl, p->clcap, 8) < 0)
		fatal("policy");
	p->cl[p->ncl] = (struct community_list){ 0 };
	snprintf(p->cl[p->ncl].name, sizeof(p->cl[p->ncl].name), "%s", name);
	return &p->cl[p->ncl++];
}

static struct route_map *
rm_get(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrm; i++)
		if (strcmp(p->rm[i].name, name) == 0)
			return &p->rm[i];
	if (ARRAY_GROW(p->rm, p->nrm, p->rmcap, 8) < 0)
		fatal("policy");
	p->rm[p->nrm] = (struct route_map){ 0 };
	snprintf(p->rm[p->nrm].name, sizeof(p->rm[p->nrm].name), "%s", name);
	return &p->rm[p->nrm++];
}

int
policy_add_prefix_list(struct policy *p, const char *name, const struct conf_pl_entry *c)
{
	struct prefix_list *l = pl_get(p, name);
	struct pl_entry e = { .seq = c ? c->seq : 0 };

	if (c == NULL)
		return 0;
	if (prefix_parse(c->prefix, &e.pfx, true) < 0 || c->ge > 32 || c->le > 32)
		return -EINVAL;
	e.permit = c->permit, e.ge = c->ge, e.le = c->le;
	if (ARRAY_GROW(l->v, l->n, l->cap, 8) < 0)
		fatal("policy");
	l->v[l->n++] = e;
	return 0;
}

int
policy_community_parse(const char *s, uint32_t *out)
{
	static const struct { const char *name; uint32_t v; } wk[] = {
		{ "internet", 0 }, { "no-export", 0xffffff01 },		/* RFC 1997 */
		{ "no-advertise", 0xffffff02 }, { "local-AS", 0xffffff03 },
	};
	unsigned long a, b;
	char *end;

	for (size_t i = 0; i < ARRAY_SIZE(wk); i++)
		if (strcmp(s, wk[i].name) == 0) {
			*out = wk[i].v;
			return 0;
		}
	a = strtoul(s, &end, 10);
	if (end == s || *end != ':' || a > 65535)
		return -EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || b > 65535)
		return -EINVAL;
	*out = (uint32_t)(a << 16 | b);
	return 0;
}

int
policy_add_community_list(struct policy *p, const char *name, const struct conf_cl_entry *c)
{
	struct community_list *l = cl_get(p, name);
	struct cl_entry e = { 0 };

	if (c == NULL)
		return 0;
	if (policy_community_parse(c->community, &e.comm) < 0)
		return -EINVAL;
	e.seq = c->seq, e.permit = c->permit;
	e.any = strcmp(c->community, "internet") == 0;
	if (ARRAY_GROW(l->v, l->n, l->cap, 8) < 0)
		fatal("policy");
	l->v[l->n++] = e;
	return 0;
}

/* `set community W...`: each word a community. */
static int
rm_comms_parse(struct rm_entry *e, const char *line)
{
	char buf[512], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		if (e->s_ncomms >= POLICY_COMM_MAX ||
		    policy_community_parse(w, &e->s_comms[e->s_ncomms]) < 0)
			return -EINVAL;
		e->s_ncomms++;
	}
	return 0;
}

int
policy_add_route_map(struct policy *p, const char *name, const struct conf_rm_entry *c)
{
	struct route_map *m = rm_get(p, name);
	struct rm_entry e = { 0 };
	struct in_addr nh;

	if (c == NULL)
		return 0;
	e.seq = c->seq, e.permit = c->permit;
	snprintf(e.m_pl, sizeof(e.m_pl), "%s", c->match_prefix_list);
	snprintf(e.m_cl, sizeof(e.m_cl), "%s", c->match_community_list);
	e.m_aspath_set = c->match_aspath_len_set, e.m_aspath_len = c->match_aspath_len;
	e.s.local_pref = c->set_local_pref_set, e.s_local_pref = c->set_local_pref;
	e.s.med = c->set_metric_set, e.s_med = c->set_metric;
	if ((e.s.communities = c->set_community_set) && rm_comms_parse(&e, c->set_community) < 0)
		return -EINVAL;
	if ((e.s.nexthop = c->set_next_hop[0] != '\0')) {
		if (inet_pton(AF_INET, c->set_next_hop, &nh) != 1)
			return -EINVAL;
		e.s_nexthop = ntohl(nh.s_addr);
	}
	if (ARRAY_GROW(m->v, m->n, m->cap, 8) < 0)
		fatal("policy");
	m->v[m->n++] = e;
	return 0;
}

int
policy_add_network(struct policy *p, const char *prefix, const char *route_map)
{
	struct pol_net n = { 0 };

	if (route_map == NULL || route_map[0] == '\0')
		return 0;
	if (prefix_parse(prefix, &n.pfx, true) < 0)
		return -EINVAL;
	snprintf(n.route_map, sizeof(n.route_map), "%s", route_map);
	if (ARRAY_GROW(p->nets, p->nnets, p->netcap, 8) < 0)
		fatal("policy");
	p->nets[p->nnets++] = n;
	return 0;
}

static int
pl_cmp(const void *a, const void *b)
{
	const struct pl_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cl_cmp(const void *a, const void *b)
{
	const struct cl_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
rm_cmp(const void *a, const void *b)
{
	const struct rm_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct prefix_list *
pl_find(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->npl; i++)
		if (strcmp(p->pl[i].name, name) == 0)
			return &p->pl[i];
	return NULL;
}

static const struct community_list *
cl_find(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->ncl; i++)
		if (strcmp(p->cl[i].name, name) == 0)
			return &p->cl[i];
	return NULL;
}

static struct route_map *
rm_find(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrm; i++)
		if (strcmp(p->rm[i].name, name) == 0)
			return &p->rm[i];
	return NULL;
}

void
policy_finish(struct policy *p)
{
	for (size_t i = 0; i < p->npl; i++)
		if (p->pl[i].n > 1)
			qsort(p->pl[i].v, p->pl[i].n, sizeof(*p->pl[i].v), pl_cmp);
	for (size_t i = 0; i < p->ncl; i++)
		if (p->cl[i].n > 1)
			qsort(p->cl[i].v, p->cl[i].n, sizeof(*p->cl[i].v), cl_cmp);
	for (size_t i = 0; i < p->nrm; i++) {
		struct route_map *m = &p->rm[i];

		if (m->n > 1)
			qsort(m->v, m->n, sizeof(*m->v), rm_cmp);
		for (size_t j = 0; j < m->n; j++) {
			m->v[j].m_pl_ref = m->v[j].m_pl[0] ? pl_find(p, m->v[j].m_pl) : NULL;
			m->v[j].m_cl_ref = m->v[j].m_cl[0] ? cl_find(p, m->v[j].m_cl) : NULL;
		}
	}
}

/* ------------------------------------------------------------ from the config */

static void
conf_pl_cb(const char *name, const struct conf_pl_entry *e, void *arg)
{
	if (policy_add_prefix_list(arg, name, e) < 0)
		log_warnx("policy: ip prefix-list %s seq %u: bad entry; ignored", name, e->seq);
}

static void
conf_cl_cb(const char *name, const struct conf_cl_entry *e, void *arg)
{
	if (policy_add_community_list(arg, name, e) < 0)
		log_warnx("policy: bgp community-list %s seq %u: bad entry; ignored", name, e->seq);
}

static void
conf_rm_cb(const char *name, const struct conf_rm_entry *e, void *arg)
{
	if (policy_add_route_map(arg, name, e) < 0)
		log_warnx("policy: route-map %s %u: bad entry; ignored", name, e->seq);
}

static void
conf_net_cb(const char *prefix, const char *route_map, void *arg)
{
	(void)policy_add_network(arg, prefix, route_map);	/* the model checked it */
}

struct policy *
policy_from_conf(const struct lyd_node *tree)
{
	struct policy *p = policy_new();

	conf_prefix_lists(tree, conf_pl_cb, p);
	conf_community_lists(tree, conf_cl_cb, p);
	conf_route_maps(tree, conf_rm_cb, p);
	conf_bgp_networks(tree, conf_net_cb, p);
	policy_finish(p);
	return p;
}

/* ------------------------------------------------------------ evaluating */

/* FRR lib/plist.c: without ge/le the exact prefix; else inside it, length in [ge, le]. */
static bool
pl_entry_matches(const struct pl_entry *e, const struct prefix *pfx)
{
	if (!prefix_contains(&e->pfx, pfx))
		return false;
	if (e->ge == 0 && e->le == 0)
		return pfx->len == e->pfx.len;
	if (e->le != 0 && pfx->len > e->le)
		return false;
	return e->ge == 0 || pfx->len >= e->ge;
}

bool
policy_pl_permits(const struct prefix_list *l, const struct prefix *pfx)
{
	if (l == NULL)
		return false;		/* FRR: a missing list denies */
	if (l->n == 0)
		return true;		/* an empty one permits */
	for (size_t i = 0; i < l->n; i++)
		if (pl_entry_matches(&l->v[i], pfx))
			return l->v[i].permit;
	return false;			/* implicit deny */
}

const struct prefix_list *
policy_prefix_list(const struct policy *p, const char *name)
{
	return p ? pl_find(p, name) : NULL;
}

bool
policy_prefix_list_permits(const struct policy *p, const char *name, const struct prefix *pfx)
{
	return policy_pl_permits(policy_prefix_list(p, name), pfx);
}

static bool
comms_have(const struct attr_set *a, uint32_t c)
{
	for (uint16_t i = 0; i < a->ncomms; i++)
		if (a->comms[i] == c)
			return true;
	return false;
}

/* FRR community_list_match: the first entry whose community the route carries decides. */
static bool
cl_matches(const struct community_list *l, const struct attr_set *a)
{
	if (l == NULL || a->ncomms == 0)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].any || comms_have(a, l->v[i].comm))
			return l->v[i].permit;
	return false;
}

static bool
rm_entry_matches(const struct rm_entry *e, const struct prefix *pfx, const struct attr_set *a)
{
	if (e->m_pl[0] && !policy_pl_permits(e->m_pl_ref, pfx))
		return false;
	if (e->m_cl[0] && !cl_matches(e->m_cl_ref, a))
		return false;
	if (e->m_aspath_set && aspath_count(a->aspath, a->aspath_words) > e->m_aspath_len)
		return false;
	return true;
}

static void
rm_entry_set(const struct rm_entry *e, struct attr_set *o, struct policy_sets *done)
{
	if (e->s.local_pref) {
		o->local_pref = e->s_local_pref;
		o->present |= ATTRF(ATTR_LOCAL_PREF);
	}
	if (e->s.med) {
		o->med = e->s_med;
		o->present |= ATTRF(ATTR_MED);
	}
	if (e->s.communities) {			/* replaces them all */
		o->comms = e->s_comms;
		o->ncomms = e->s_ncomms;
		o->present |= ATTRF(ATTR_COMMUNITIES);
	}
	if (e->s.nexthop) {
		o->nexthop = e->s_nexthop;
		o->present |= ATTRF(ATTR_NEXT_HOP);
	}
	done->local_pref |= e->s.local_pref, done->med |= e->s.med;
	done->communities |= e->s.communities, done->nexthop |= e->s.nexthop;
}

bool
policy_route_map_apply(struct policy *p, const char *name, const struct prefix *pfx,
    const struct attr_set *match, struct attr_set *out, struct policy_sets *done)
{
	const struct route_map *m = p ? rm_find(p, name) : NULL;

	if (m == NULL)
		return false;		/* FRR: a missing route-map denies */
	for (size_t i = 0; i < m->n; i++) {
		if (!rm_entry_matches(&m->v[i], pfx, match))
			continue;
		if (!m->v[i].permit)
			return false;
		rm_entry_set(&m->v[i], out, done);
		return true;
	}
	return false;			/* no entry matched: implicit deny */
}

bool
policy_filter(struct policy *p, const char *prefix_list, const char *route_map,
    const struct prefix *pfx, const struct attr_set *match, struct attr_set *out,
    struct policy_sets *done)
{
	if (prefix_list[0] != '\0' && !policy_prefix_list_permits(p, prefix_list, pfx))
		return false;
	if (route_map[0] != '\0' && !policy_route_map_apply(p, route_map, pfx, match, out, done))
		return false;
	return true;
}

const char *
policy_network_route_map(const struct policy *p, const struct prefix *pfx)
{
	for (size_t i = 0; p != NULL && i < p->nnets; i++)
		if (p->nets[i].pfx.addr == pfx->addr && p->nets[i].pfx.len == pfx->len)
			return p->nets[i].route_map;
	return NULL;
}
