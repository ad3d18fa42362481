/*
 * bgpd/adj_out_rules.c - the export decision for one best path and one
 * peer (adj_out.h): who may receive it, and the attributes it carries.
 * Pure: no state, no I/O; unit-tested table-driven (tests/unit/test_adj_out.c).
 */
#include <string.h>

#include "bgpd/adj_out.h"
#include "bgpd/attrs.h"
#include "bgpd/peer_cfg.h"

/* RFC 4456 §6: which iBGP-learned paths an iBGP peer may get. */
static bool
export_ibgp_allowed(const struct ao_from *f, const struct ao_to *t)
{
	if (f->local || f->ebgp)
		return true;
	/* from a client: to everyone; from a non-client: to clients only */
	return f->rr_client || t->rr_client;
}

bool
adj_out_export_allowed(const struct ao_from *f, const struct ao_to *t, const struct attr_set *in)
{
	if (t->not_activated)
		return false;			/* no neighbor X activate */
	if (!f->local && f->addr == t->addr)
		return false;			/* split horizon */
	if (!t->ebgp)
		return export_ibgp_allowed(f, t);
	if (t->requires_policy)
		return false;			/* RFC 8212 §2 */
	/* RFC 4271 §9.1.3: the peer would drop it as a loop anyway */
	return aspath_has_as(in->aspath, in->aspath_words, t->remote_as) == 0;
}

/* eBGP: our AS in front, our address as next hop, no iBGP-only attributes. */
static bool
export_ebgp(const struct ao_from *f, const struct ao_to *t, struct attr_set *o,
    struct ao_scratch *s)
{
	size_t n = aspath_prepend(o->aspath, o->aspath_words, t->local_as, s->aspath,
	    AO_ASPATH_MAX);

	if (n == 0)
		return false;			/* path too long to extend */
	o->aspath = s->aspath;
	o->aspath_words = (uint16_t)n;
	o->nexthop = t->local_addr;
	o->present &= ~(ATTRF(ATTR_LOCAL_PREF) | ATTRF(ATTR_ORIGINATOR_ID) |
	    ATTRF(ATTR_CLUSTER_LIST));	/* RFC 4271 §5.1.5, RFC 4456 §8 */
	o->ncluster = 0;
	o->cluster = NULL;
	if (!f->local)
		o->present &= ~ATTRF(ATTR_MED);	/* RFC 4271 §5.1.4: not to other ASes */
	return true;
}

/* RFC 4456 §8: reflecting adds ORIGINATOR_ID (if absent) and our cluster-id. */
static bool
export_reflect(const struct ao_from *f, uint32_t cluster_id, struct attr_set *o,
    struct ao_scratch *s)
{
	if (o->ncluster + 1u > AO_CLUSTER_MAX)
		return false;
	if (!(o->present & ATTRF(ATTR_ORIGINATOR_ID))) {
		o->originator_id = f->router_id;
		o->present |= ATTRF(ATTR_ORIGINATOR_ID);
	}
	s->cluster[0] = cluster_id;
	if (o->ncluster > 0)
		memcpy(&s->cluster[1], o->cluster, o->ncluster * sizeof(uint32_t));
	o->cluster = s->cluster;
	o->ncluster++;
	o->present |= ATTRF(ATTR_CLUSTER_LIST);
	return true;
}

static bool
export_ibgp(const struct ao_from *f, const struct ao_to *t, uint32_t cluster_id,
    struct attr_set *o, struct ao_scratch *s)
{
	/* RFC 4271 §5.1.5: LOCAL_PREF on iBGP; what an eBGP peer sent is not ours */
	if (f->local || f->ebgp || !(o->present & ATTRF(ATTR_LOCAL_PREF)))
		o->local_pref = AO_LOCAL_PREF_DEFAULT;
	o->present |= ATTRF(ATTR_LOCAL_PREF);
	/* RFC 4271 §5.1.3: unchanged over iBGP unless next-hop-self or ours */
	if (f->local || o->nexthop == 0 || (t->next_hop_self && (f->local || f->ebgp)))
		o->nexthop = t->local_addr;
	if (!f->local && !f->ebgp)
		return export_reflect(f, cluster_id, o, s);
	return true;
}

/* FRR `no neighbor X send-community [extended|large|all]`: what the policy set goes too. */
void
adj_out_strip_communities(const struct ao_to *t, struct attr_set *o)
{
	if (t->strip & PEER_SEND_STANDARD) {
		o->present &= ~ATTRF(ATTR_COMMUNITIES);
		o->comms = NULL, o->ncomms = 0;
	}
	if (t->strip & PEER_SEND_EXTENDED) {
		o->present &= ~ATTRF(ATTR_EXT_COMMUNITIES);
		o->ext_comms = NULL, o->next_comms = 0;
	}
	if (t->strip & PEER_SEND_LARGE) {
		o->present &= ~ATTRF(ATTR_LARGE_COMMUNITIES);
		o->lcomms = NULL, o->nlcomms = 0;
	}
}

bool
adj_out_export(const struct ao_from *f, const struct ao_to *t, uint32_t cluster_id,
    const struct attr_set *in, struct attr_set *out, struct ao_scratch *s)
{
	if (!adj_out_export_allowed(f, t, in))
		return false;
	attrs_tmpl_from(out, in);
	out->present |= ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) | ATTRF(ATTR_NEXT_HOP);
	return t->ebgp ? export_ebgp(f, t, out, s) : export_ibgp(f, t, cluster_id, out, s);
}
