/*
 * bgpd/adj_out.c - the Adj-RIB-Out engine and the local `network` routes
 * (adj_out.h). The export rules themselves are in adj_out_rules.c.
 *
 * Per established peer: a hash of sent prefixes (struct ao_ent, the
 * attr_set sent or NULL), a queue of entries to re-decide, and a table dump
 * cursor. Changes only mark entries; one timer flushes every peer in
 * bounded chunks, looking each queued prefix up in the RIB, so a prefix
 * that flapped ten times in an interval is sent once. A peer with an
 * advertisement-interval (MRAI, RFC 4271 §9.2.1.1) waits until that long
 * after its previous flush; the timer then runs at the earliest such time.
 * Its table dumps (session start, route refresh) and End-of-RIB do not wait.
 *
 * A peer with ADD-PATH send negotiated (RFC 7911) gets every usable path of
 * a prefix, not just the best: its entry keeps one struct ao_path per path
 * sent, keyed by the RIB path (source rib_peer, received path id) and
 * carrying the path id we chose for it, so a changed path is re-announced
 * and a vanished one withdrawn under the same id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "lib/array.h"
#include "bgpd/adj_out.h"
#include "bgpd/attrs.h"
#include "bgpd/msg.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "lib/debug.h"
#include "lib/log.h"
#include "rib/rib.h"

#define AO_HASH_MIN	64

/* One path sent to an ADD-PATH peer. */
struct ao_path {
	const struct rib_peer	*src;		/* the RIB path: where it came from, */
	uint32_t		 src_id;	/* the path id it came with */
	uint32_t		 tx_id;		/* ours toward the peer (RFC 7911 §3), 1.. */
	const struct attr_set	*sent;		/* +1 reference */
};

struct ao_ent {
	struct prefix		 pfx;
	const struct attr_set	*sent;		/* +1 reference; NULL: not advertised */
	struct ao_path		*paths;		/* ADD-PATH peer: what was sent, instead */
	size_t			 npaths;
	bool			 queued;
	bool			 force;		/* resend even if unchanged (route refresh) */
	struct ao_ent		*hnext;
};

/* One NLRI decided in a flush, to be sent grouped by attributes. */
struct ao_item {
	struct nlri		 nl;
	const struct attr_set	*want;		/* +1 reference; NULL: withdraw */
};

struct ao_batch {
	struct ao_item		*v;
	size_t			 n, cap;
};

struct ao_peer {
	struct peer		*p;		/* borrowed while Established */
	bool			 addpath;	/* ADD-PATH send negotiated: every path */
	struct ao_ent		**hash;
	size_t			 nbuckets, nents;
	size_t			 nsent;		/* prefixes advertised now (PfxSnt) */
	struct ao_ent		**queue;
	size_t			 qlen, qcap;
	struct prefix		 dump_after;
	bool			 dumping, dump_started, dump_force;
	bool			 eor_pending;	/* RFC 4724 §2: after the first dump */
	bool			 eorr_pending;	/* RFC 7313 §4: EoRR after a refresh's dump */
	bool			 flushing;	/* a flush spans turns: MRAI not asked again */
	uint64_t		 last_flush;	/* ms, monotonic: the MRAI counts from it */
	struct ao_peer		*next;
};

struct adj_out {
	struct bgp		*bgp;
	struct rib		*rib;
	struct attrs_tab	*tab;
	struct peer_hooks	 inner;		/* rde's hooks, called first */
	struct ao_peer		*peers;
	struct event		*ev;
	bool			 scheduled;
	uint32_t		 cluster_id;
	struct rib_peer		 local_rp;	/* the `network` statements' pseudo-peer */
	bool			 local_registered;
	struct prefix		*nets;
	size_t			 nnets;
	struct redist		*redist;	/* made on the first `redistribute` */
	const struct rib_attrs	*local_ra[2];	/* ours: [0] origin IGP, [1] INCOMPLETE */
	char			*redist_rm[REDIST_NSRC];	/* route-map per source, or NULL */
	struct ao_scratch	 scratch;
	struct wbuf		 w;
};

/* ------------------------------------------------------------ the hash */

static size_t
ent_hash(const struct prefix *p, size_t nb)
{
	uint32_t h = p->addr * 2654435761u ^ p->len * 40503u;

	return (h ^ h >> 16) & (nb - 1);
}

static struct ao_ent *
ent_find(const struct ao_peer *ap, const struct prefix *p)
{
	if (ap->nbuckets == 0)
		return NULL;
	for (struct ao_ent *e = ap->hash[ent_hash(p, ap->nbuckets)]; e != NULL; e = e->hnext)
		if (e->pfx.addr == p->addr && e->pfx.len == p->len)
			return e;
	return NULL;
}

static void
hash_grow(struct ao_peer *ap)
{
	size_t nb = ap->nbuckets ? ap->nbuckets * 2 : AO_HASH_MIN;
	struct ao_ent **h = calloc(nb, sizeof(*h)), *e, *next;

	if (h == NULL)
		fatal("adj_out: hash");
	for (size_t i = 0; i < ap->nbuckets; i++)
		for (e = ap->hash[i]; e != NULL; e = next) {
			next = e->hnext;
			e->hnext = h[ent_hash(&e->pfx, nb)];
			h[ent_hash(&e->pfx, nb)] = e;
		}
	free(ap->hash);
	ap->hash = h;
	ap->nbuckets = nb;
}

static struct ao_ent *
ent_get(struct ao_peer *ap, const struct prefix *p)
{
	struct ao_ent *e = ent_find(ap, p);
	size_t b;

	if (e != NULL)
		return e;
	if (ap->nents + 1 > ap->nbuckets)
		hash_grow(ap);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("adj_out: entry");
	e->pfx = *p;
	b = ent_hash(p, ap->nbuckets);
	e->hnext = ap->hash[b];
	ap->hash[b] = e;
	ap->nents++;
	return e;
}

static void
ent_free(struct ao_ent *e)
{
	attrs_put(e->sent);
	for (size_t i = 0; i < e->npaths; i++)
		attrs_put(e->paths[i].sent);
	free(e->paths);
	free(e);
}

static void
ent_del(struct ao_peer *ap, struct ao_ent *e)
{
	struct ao_ent **pp = &ap->hash[ent_hash(&e->pfx, ap->nbuckets)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	ap->nents--;
	ent_free(e);
}

static void
ent_enqueue(struct ao_peer *ap, const struct prefix *p, bool force)
{
	struct ao_ent *e = ent_get(ap, p);

	e->force |= force;
	if (e->queued)
		return;
	if (ARRAY_GROW(ap->queue, ap->qlen, ap->qcap, 256) < 0)
		fatal("adj_out: queue");
	ap->queue[ap->qlen++] = e;
	e->queued = true;
}

/* ------------------------------------------------------------ peers */

static struct ao_peer *
ao_peer_find(const struct adj_out *ao, const struct peer *p)
{
	for (struct ao_peer *ap = ao->peers; ap != NULL; ap = ap->next)
		if (ap->p == p)
			return ap;
	return NULL;
}

static void
ao_peer_free(struct ao_peer *ap)
{
	struct ao_ent *e, *next;

	for (size_t i = 0; i < ap->nbuckets; i++)
		for (e = ap->hash[i]; e != NULL; e = next) {
			next = e->hnext;
			ent_free(e);
		}
	free(ap->hash);
	free(ap->queue);
	free(ap);
}

static void
ao_schedule(struct adj_out *ao, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (ao->scheduled && ms != 0)
		return;
	ao->scheduled = true;
	evtimer_add(ao->ev, &tv);
}

static uint64_t
ao_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* RFC 4271 §9.2.1.1: ms until ap's queued changes may go; 0: now. */
static uint64_t
ao_mrai_wait(const struct ao_peer *ap, uint64_t now)
{
	uint64_t due = ap->last_flush + ap->p->cfg.mrai * 1000ull;

	if (ap->p->cfg.mrai == 0 || ap->flushing || ap->dumping || ap->eor_pending ||
	    ap->eorr_pending)
		return 0;
	return now < due ? due - now : 0;
}

static void
ao_dump_start(struct adj_out *ao, struct ao_peer *ap, bool force)
{
	ap->dumping = true;
	ap->dump_started = false;
	/* an RFC 7313 answer under way must send everything before its EoRR */
	ap->dump_force = force || ap->eorr_pending;
	ao_schedule(ao, 0);
}

/* ------------------------------------------------------------ deciding */

static bool
ao_is_local(const struct adj_out *ao, const struct rib_peer *rp)
{
	return rp == &ao->local_rp;
}

bool
adj_out_is_local(const struct adj_out *ao, const struct rib_peer *rp)
{
	return ao != NULL && ao_is_local(ao, rp);
}

static void
ao_to_fill(const struct peer *p, struct ao_to *t)
{
	*t = (struct ao_to){
		.ebgp = p->ctx.ebgp, .rr_client = p->cfg.rr_client,
		.next_hop_self = p->cfg.next_hop_self,
		.requires_policy = p->cfg.ebgp_requires_policy && !peer_cfg_has_policy_out(&p->cfg),
		.not_activated = !p->cfg.ipv4_unicast,
		.strip = (uint8_t)(~p->cfg.send_community & PEER_SEND_ALL),
		.addr = ntohl(p->cfg.remote_addr.s_addr), .remote_as = peer_remote_as(p),
		.local_as = peer_local_as(p), .local_addr = ntohl(p->local.sin_addr.s_addr),
	};
}

static void
ao_from_fill(const struct adj_out *ao, const struct rib_peer *rp, struct ao_from *f)
{
	*f = (struct ao_from){ .local = ao_is_local(ao, rp), .ebgp = rp->ebgp,
	    .rr_client = rp->rr_client, .addr = rp->addr, .router_id = rp->router_id };
}

/* May this RIB path go to p at all (adj_out_export_allowed; no policy asked)? */
static bool
ao_path_allowed(const struct adj_out *ao, const struct peer *p, const struct rib_peer *rp,
    const struct rib_attrs *ra)
{
	struct ao_from f;
	struct ao_to t;

	if (ra->cookie == NULL)
		return false;
	ao_from_fill(ao, rp, &f);
	ao_to_fill(p, &t);
	return adj_out_export_allowed(&f, &t, ra->cookie);
}

/* Could any path of r that the flush would consider (the best one, or every
 * usable one toward an ADD-PATH peer) go to ap? */
static bool
ao_route_allowed(const struct adj_out *ao, const struct ao_peer *ap, const struct rib_route *r)
{
	struct rib_path_info pi;

	for (size_t i = 0; i < rib_route_npaths(r); i++) {
		rib_route_path(ao->rib, r, i, &pi);
		if ((ap->addpath ? pi.lost_at != RIB_STEP_UNREACHABLE : pi.best) &&
		    ao_path_allowed(ao, ap->p, pi.peer, pi.attrs))
			return true;
	}
	return false;
}

/*
 * Does a change to pfx need an entry in ap's Adj-RIB-Out? Yes when it has
 * one (sent, or queued: what was sent must be replaced or withdrawn). Else
 * only when some path may go to the peer at all: for a prefix never sent that
 * the export rules refuse (the feeder's own routes, split horizon) the flush
 * would decide "nothing to withdraw", and enqueueing it anyway cost an entry
 * per prefix per such peer, briefly, but as a heap high-water mark for good.
 * The outbound policy is left to the flush. sel: the best now (NULL: none).
 */
static bool
ao_wants(const struct adj_out *ao, const struct ao_peer *ap, const struct prefix *pfx,
    const struct rib_selection *sel)
{
	const struct rib_route *r;

	if (ent_find(ap, pfx) != NULL)
		return true;
	if (!ap->addpath)
		return sel != NULL && sel->n > 0 &&
		    ao_path_allowed(ao, ap->p, sel->best.peer, sel->best.attrs);
	return (r = rib_lookup(ao->rib, pfx)) != NULL && ao_route_allowed(ao, ap, r);
}

/* The interned set to send for one RIB path (+1 reference), or NULL: not to p. */
static const struct attr_set *
ao_export_path(struct adj_out *ao, const struct peer *p, const struct prefix *pfx,
    const struct rib_peer *rp, const struct rib_attrs *ra)
{
	struct ao_from f;
	struct ao_to t;
	struct attr_set tmpl;
	uint32_t cid = ao->cluster_id ? ao->cluster_id : p->bgp->router_id;

	if (ra->cookie == NULL)
		return NULL;
	ao_from_fill(ao, rp, &f);
	ao_to_fill(p, &t);
	if (!adj_out_export(&f, &t, cid, ra->cookie, &tmpl, &ao->scratch) ||
	    !rde_policy_out(ao->bgp->rde, p, pfx, ra, &tmpl))	/* policy.h */
		return NULL;
	adj_out_strip_communities(&t, &tmpl);
	return attrs_get(ao->tab, &tmpl);
}

/* The interned set to send for pfx now (+1 reference), or NULL: withdraw. */
static const struct attr_set *
ao_decide(struct adj_out *ao, const struct peer *p, const struct prefix *pfx)
{
	const struct rib_route *r = rib_lookup(ao->rib, pfx);
	struct rib_selection sel;

	if (r == NULL)
		return NULL;
	rib_route_selection(ao->rib, r, &sel);
	if (sel.n == 0)
		return NULL;
	return ao_export_path(ao, p, pfx, sel.best.peer, sel.best.attrs);
}

/* Every usable path of pfx as it goes to p, tx_id 0; *n of them (may be 0). */
static struct ao_path *
ao_decide_paths(struct adj_out *ao, const struct peer *p, const struct prefix *pfx, size_t *n)
{
	const struct rib_route *r = rib_lookup(ao->rib, pfx);
	size_t np = r != NULL ? rib_route_npaths(r) : 0;
	struct ao_path *v;
	struct rib_path_info pi;
	const struct attr_set *a;

	*n = 0;
	if (np == 0)
		return NULL;
	if ((v = calloc(np, sizeof(*v))) == NULL)
		fatal("adj_out: paths");
	for (size_t i = 0; i < np; i++) {
		rib_route_path(ao->rib, r, i, &pi);
		if (pi.lost_at == RIB_STEP_UNREACHABLE)
			continue;	/* not a candidate here: not one for the peer either */
		if ((a = ao_export_path(ao, p, pfx, pi.peer, pi.attrs)) != NULL)
			v[(*n)++] = (struct ao_path){ pi.peer, pi.path_id, 0, a };
	}
	if (*n == 0) {
		free(v);
		v = NULL;
	}
	return v;
}

/* ------------------------------------------------------------ sending */

static int
ao_send_wbuf(struct adj_out *ao, struct peer *p)
{
	int rv = wbuf_error(&ao->w);

	if (rv == 0 && wbuf_len(&ao->w) > 0)
		rv = peer_send(p, wbuf_data(&ao->w), wbuf_len(&ao->w));
	wbuf_reset(&ao->w);
	return rv;
}

/* UPDATEs for n prefixes sharing attrs (NULL: withdrawals). */
static int
ao_send_group(struct adj_out *ao, struct peer *p, const struct attr_set *attrs,
    const struct nlri *v, size_t n)
{
	struct update_out o = { .attrs = attrs, .nlri = v, .n = n };
	int rv;

	while (o.done < o.n) {
		size_t from = o.done;

		wbuf_init(&ao->w, msg_max_len(&p->ctx));
		if ((rv = msg_update_write(&ao->w, &p->ctx, &o)) < 0 ||
		    (rv = ao_send_wbuf(ao, p)) < 0) {
			wbuf_free(&ao->w);
			return rv;
		}
		wbuf_free(&ao->w);
		if (debug_on(DEBUG_BGP_UPDATES_OUT))
			peer_update_log(p, "out", attrs ? v + from : NULL, attrs ? o.done - from : 0,
			    attrs ? NULL : v + from, attrs ? 0 : o.done - from, attrs);
	}
	return 0;
}

/* Queue one NLRI for this flush; takes its own reference to want. */
static void
batch_add(struct ao_batch *b, const struct prefix *pfx, uint32_t path_id,
    const struct attr_set *want)
{
	if (ARRAY_GROW(b->v, b->n, b->cap, 256) < 0)
		fatal("adj_out: batch");
	b->v[b->n++] = (struct ao_item){ { *pfx, path_id }, want ? attrs_ref(want) : NULL };
}

static void
batch_free(struct ao_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		attrs_put(b->v[i].want);
	free(b->v);
}

static int
item_cmp_want(const void *a, const void *b)
{
	const struct ao_item *x = a, *y = b;

	return x->want == y->want ? 0 : (uintptr_t)x->want < (uintptr_t)y->want ? -1 : 1;
}

/* Send the batch grouped by attributes (withdrawals, NULL, first). */
static int
ao_send_batch(struct adj_out *ao, struct ao_peer *ap, struct ao_batch *b)
{
	struct nlri *nl = calloc(b->n ? b->n : 1, sizeof(*nl));
	size_t i = 0, j, k;
	int rv = 0;

	if (nl == NULL)
		fatal("adj_out: batch");
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), item_cmp_want);
	while (i < b->n && rv == 0) {
		for (j = i, k = 0; j < b->n && b->v[j].want == b->v[i].want; j++)
			nl[k++] = b->v[j].nl;
		rv = ao_send_group(ao, ap->p, b->v[i].want, nl, k);
		i = j;
	}
	free(nl);
	return rv;
}

/* Without ADD-PATH: the best path or nothing, path id 0. */
static void
ao_decide_best(struct adj_out *ao, struct ao_peer *ap, struct ao_ent *e, struct ao_batch *b)
{
	const struct attr_set *want = ao_decide(ao, ap->p, &e->pfx);

	if (want == e->sent && !(e->force && want != NULL)) {
		attrs_put(want);
		return;
	}
	batch_add(b, &e->pfx, 0, want);
	attrs_put(e->sent);
	e->sent = want;			/* the reference moves */
}

static const struct ao_path *
path_find(const struct ao_path *v, size_t n, const struct rib_peer *src, uint32_t src_id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].src == src && v[i].src_id == src_id)
			return &v[i];
	return NULL;
}

static bool
path_id_used(const struct ao_path *v, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].tx_id == id)
			return true;
	return false;
}

/*
 * The smallest path id in use neither before nor after this decision: an id
 * withdrawn in this flush is not reused in it (RFC 7911 §3: the pair
 * prefix, path id names one path).
 */
static uint32_t
path_id_new(const struct ao_path *old, size_t nold, const struct ao_path *nv, size_t nn)
{
	uint32_t id = 1;

	while (path_id_used(old, nold, id) || path_id_used(nv, nn, id))
		id++;
	return id;
}

/* With ADD-PATH: every usable path; changed ones announced, gone ones withdrawn by id. */
static void
ao_decide_all(struct adj_out *ao, struct ao_peer *ap, struct ao_ent *e, struct ao_batch *b)
{
	size_t nn;
	struct ao_path *nv = ao_decide_paths(ao, ap->p, &e->pfx, &nn);
	const struct ao_path *o;

	for (size_t i = 0; i < e->npaths; i++)
		if (path_find(nv, nn, e->paths[i].src, e->paths[i].src_id) == NULL)
			batch_add(b, &e->pfx, e->paths[i].tx_id, NULL);
	for (size_t i = 0; i < nn; i++)
		if ((o = path_find(e->paths, e->npaths, nv[i].src, nv[i].src_id)) != NULL) {
			nv[i].tx_id = o->tx_id;
			if (o->sent != nv[i].sent || e->force)
				batch_add(b, &e->pfx, nv[i].tx_id, nv[i].sent);
		}
	for (size_t i = 0; i < nn; i++)
		if (nv[i].tx_id == 0) {
			nv[i].tx_id = path_id_new(e->paths, e->npaths, nv, nn);
			batch_add(b, &e->pfx, nv[i].tx_id, nv[i].sent);
		}
	for (size_t i = 0; i < e->npaths; i++)
		attrs_put(e->paths[i].sent);
	free(e->paths);
	e->paths = nv;
	e->npaths = nn;
}

/* Decide up to budget queued prefixes; the NLRI that changed go into b. */
static void
ao_decide_batch(struct adj_out *ao, struct ao_peer *ap, struct ao_batch *b, size_t budget)
{
	while (ap->qlen > 0 && budget-- > 0) {
		struct ao_ent *e = ap->queue[--ap->qlen];

		bool was = e->sent != NULL || e->npaths > 0;

		e->queued = false;
		if (ap->addpath)
			ao_decide_all(ao, ap, e, b);
		else
			ao_decide_best(ao, ap, e, b);
		e->force = false;
		if (e->sent == NULL && e->npaths == 0) {
			ap->nsent -= was;
			ent_del(ap, e);
		} else
			ap->nsent += !was;
	}
}

/* One chunk of the queue; true while the peer has more to do. */
static bool
ao_flush(struct adj_out *ao, struct ao_peer *ap)
{
	struct ao_batch b = { 0 };
	int rv;

	ao_decide_batch(ao, ap, &b, AO_FLUSH_CHUNK);
	rv = ao_send_batch(ao, ap, &b);	/* a send error resets the session anyway */
	batch_free(&b);
	if (rv < 0)
		log_peer(ap->p, LOG_WARNING, "UPDATE not queued: %s", strerror(-rv));
	return ap->qlen > 0;
}

struct ao_dump_arg {
	const struct adj_out	*ao;
	struct ao_peer		*ap;
};

/* A prefix the peer may not get and never got is skipped, as in ao_wants. */
static int
ao_dump_one(void *arg, const struct prefix *pfx, const struct rib_route *r)
{
	struct ao_dump_arg *d = arg;
	struct ao_peer *ap = d->ap;

	if (ent_find(ap, pfx) != NULL || ao_route_allowed(d->ao, ap, r))
		ent_enqueue(ap, pfx, ap->dump_force);
	ap->dump_after = *pfx;
	return 0;
}

static void
ao_dump_step(struct adj_out *ao, struct ao_peer *ap)
{
	struct ao_dump_arg d = { ao, ap };
	size_t n = rib_walk(ao->rib, ap->dump_started ? &ap->dump_after : NULL,
	    AO_DUMP_CHUNK, ao_dump_one, &d);

	ap->dump_started = true;
	if (n < AO_DUMP_CHUNK)
		ap->dumping = false;
}

static void
ao_eor_send(struct adj_out *ao, struct ao_peer *ap)
{
	wbuf_init(&ao->w, BGP_MAX_LEN);
	if (msg_eor_write(&ao->w) == 0 && ao_send_wbuf(ao, ap->p) == 0) {
		if (debug_on(DEBUG_BGP_UPDATES_OUT))
			peer_update_log(ap->p, "out", NULL, 0, NULL, 0, NULL);
		ap->eor_pending = false;
		ap->last_flush = ao_now_ms();	/* the MRAI counts from the table */
	}
	wbuf_free(&ao->w);
}

/* The refresh's table is out: End-of-RIB-Refresh (RFC 7313 §4). */
static void
ao_eorr_send(struct ao_peer *ap)
{
	if (peer_refresh_send(ap->p, RR_EORR) == 0)
		ap->eorr_pending = false;
}

/*
 * One turn for one peer; returns 1 more work, 2 paused on its output queue,
 * 3 waiting for its MRAI (*wait ms), 0 done.
 */
static int
ao_peer_step(struct adj_out *ao, struct ao_peer *ap, uint64_t now, uint64_t *wait)
{
	if (peer_out_queued(ap->p) > AO_OUT_HIGH)
		return 2;		/* resume when it drained */
	if (ap->dumping)
		ao_dump_step(ao, ap);
	if (ap->qlen > 0 && (*wait = ao_mrai_wait(ap, now)) > 0)
		return 3;
	if (ap->qlen > 0) {
		ap->last_flush = now;
		if ((ap->flushing = ao_flush(ao, ap)))
			return 1;
	}
	if (ap->dumping)
		return 1;
	if (ap->eor_pending)
		ao_eor_send(ao, ap);
	if (ap->eorr_pending && !ap->eor_pending)
		ao_eorr_send(ap);
	return 0;
}

static void
ao_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct adj_out *ao = arg;
	bool more = false, paused = false;
	uint64_t now = ao_now_ms(), wait, soonest = UINT64_MAX;
	int st;

	ao->scheduled = false;
	for (struct ao_peer *ap = ao->peers; ap != NULL; ap = ap->next) {
		st = ao_peer_step(ao, ap, now, &wait);
		more |= st == 1;
		paused |= st == 2;
		if (st == 3 && wait < soonest)
			soonest = wait;
	}
	if (more)
		ao_schedule(ao, 0);
	else if (paused)
		ao_schedule(ao, AO_PAUSE_MS);
	else if (soonest != UINT64_MAX)
		ao_schedule(ao, (unsigned)soonest);	/* the first MRAI to expire */
}

/* ------------------------------------------------------------ hooks */

static void
ao_up_cb(struct peer *p, void *arg)
{
	struct adj_out *ao = arg;
	struct ao_peer *ap;

	if (ao->inner.up)
		ao->inner.up(p, ao->inner.arg);
	if (ao_peer_find(ao, p) != NULL)
		return;
	if ((ap = calloc(1, sizeof(*ap))) == NULL)
		fatal("adj_out: peer");
	ap->p = p;
	ap->addpath = p->ctx.addpath_tx;
	ap->eor_pending = true;
	ap->next = ao->peers;
	ao->peers = ap;
	if (!p->cfg.ipv4_unicast)
		log_peer(p, LOG_NOTICE, "IPv4 unicast not activated (no neighbor %s activate): "
		    "nothing accepted from it, nothing announced to it", p->name);
	else if (p->ctx.ebgp && p->cfg.ebgp_requires_policy && !peer_cfg_has_policy_out(&p->cfg))
		log_peer(p, LOG_NOTICE, "nothing announced: eBGP peer without outbound policy "
		    "(RFC 8212)");
	ao_dump_start(ao, ap, false);
}

static void
ao_down_cb(struct peer *p, void *arg)
{
	struct adj_out *ao = arg;
	struct ao_peer **pp;

	/* rde first: BGP PIC fixes the kernel's groups before anything O(prefixes),
	 * such as freeing this peer's Adj-RIB-Out below (140 ms at 500k) */
	if (ao->inner.down)
		ao->inner.down(p, ao->inner.arg);
	for (pp = &ao->peers; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->p == p) {
			struct ao_peer *ap = *pp;

			*pp = ap->next;
			ao_peer_free(ap);
			break;
		}
}

static void
ao_refresh_cb(struct peer *p, uint8_t subtype, void *arg)
{
	struct adj_out *ao = arg;
	struct ao_peer *ap = ao_peer_find(ao, p);

	if (ao->inner.refresh)
		ao->inner.refresh(p, subtype, ao->inner.arg);
	if (ap == NULL || subtype != RR_NORMAL)
		return;
	/* RFC 2918 §4: re-advertise the Adj-RIB-Out; RFC 7313 §4: between BoRR
	 * and EoRR, so the peer can drop what it does not hear again */
	if (peer_enhanced_rr(p) && !ap->eorr_pending) {
		if (peer_refresh_send(p, RR_BORR) == 0)
			ap->eorr_pending = true;
	}
	ao_dump_start(ao, ap, true);
}

void
adj_out_resend(struct adj_out *ao, struct peer *p)
{
	struct ao_peer *ap = ao_peer_find(ao, p);

	if (ap != NULL)
		ao_dump_start(ao, ap, false);	/* decided again; the difference is sent */
}

void
adj_out_resend_all(struct adj_out *ao, struct peer *p)
{
	struct ao_peer *ap = ao_peer_find(ao, p);

	if (ap != NULL)
		ao_dump_start(ao, ap, true);	/* everything, as for a ROUTE-REFRESH */
}

static int
ao_update_cb(struct peer *p, struct cursor *body, struct bgp_err *err, void *arg)
{
	struct adj_out *ao = arg;

	return ao->inner.update ? ao->inner.update(p, body, err, ao->inner.arg) : 0;
}

static void
ao_eor_cb(struct peer *p, void *arg)
{
	struct adj_out *ao = arg;

	if (ao->inner.eor)
		ao->inner.eor(p, ao->inner.arg);
}

void
adj_out_rib_change(struct adj_out *ao, const struct prefix *pfx, const struct rib_selection *sel)
{
	bool any = false;

	if (ao == NULL)
		return;
	for (struct ao_peer *ap = ao->peers; ap != NULL; ap = ap->next)
		if (ao_wants(ao, ap, pfx, sel)) {
			ent_enqueue(ap, pfx, false);
			any = true;
		}
	if (any)
		ao_schedule(ao, 0);
}

void
adj_out_rib_paths(struct adj_out *ao, const struct prefix *pfx)
{
	bool any = false;

	if (ao == NULL)
		return;
	for (struct ao_peer *ap = ao->peers; ap != NULL; ap = ap->next)
		if (ap->addpath && ao_wants(ao, ap, pfx, NULL)) {
			ent_enqueue(ap, pfx, false);
			any = true;
		}
	if (any)
		ao_schedule(ao, 0);
}

/* ------------------------------------------------------------ networks */

static int
pfx_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* v sorted: O(log n) so a config with many networks reloads quickly. */
static bool
nets_has(const struct prefix *v, size_t n, const struct prefix *p)
{
	return n > 0 && bsearch(p, v, n, sizeof(*v), pfx_cmp) != NULL;
}

/* What our own routes carry: origin IGP for `network`, INCOMPLETE when redistributed. */
static const struct rib_attrs *
ao_local_attrs(struct adj_out *ao, bool incomplete)
{
	struct attr_set tmpl = { .present = ATTRF(ATTR_ORIGIN) | ATTRF(ATTR_AS_PATH) |
	    ATTRF(ATTR_NEXT_HOP), .origin = incomplete ? ORIGIN_INCOMPLETE : ORIGIN_IGP };
	const struct attr_set *a;
	struct rib_attrs ra = { .weight = AO_WEIGHT_LOCAL, .local_pref = AO_LOCAL_PREF_DEFAULT,
	    .origin = incomplete ? RIB_ORIGIN_INCOMPLETE : RIB_ORIGIN_IGP };
	const struct rib_attrs **r = &ao->local_ra[incomplete];

	if (*r != NULL)			/* the same for every prefix: made once */
		return *r;
	if ((ra.cookie = a = attrs_get(ao->tab, &tmpl)) == NULL ||
	    (*r = rib_attrs_get(ao->rib, &ra)) == NULL)
		fatal("adj_out: local attributes");
	attrs_put(a);			/* the RIB holds it through cookie_hold */
	return *r;
}

static void
ao_local_register(struct adj_out *ao)
{
	int rv;

	if (ao->local_registered)
		return;
	ao->local_rp = (struct rib_peer){ .router_id = ao->bgp->router_id,
	    .remote_as = ao->bgp->asn, .local_as = ao->bgp->asn };
	if ((rv = rib_peer_add(ao->rib, &ao->local_rp)) < 0)
		fatalx("adj_out: local pseudo-peer: %s", strerror(-rv));
	ao->local_registered = true;
}

void
adj_out_networks_set(struct adj_out *ao, const struct prefix *in, size_t n)
{
	const struct rib_attrs *ra;
	char buf[PREFIX_STRLEN];
	struct prefix *v = n ? calloc(n, sizeof(*v)) : NULL;
	int rv;

	if (n > 0 && v == NULL)
		fatal("adj_out: networks");
	if (n > 0)
		memcpy(v, in, n * sizeof(*v));
	if (n > 0)
		qsort(v, n, sizeof(*v), pfx_cmp);
	ao_local_register(ao);
	for (size_t i = 0; i < ao->nnets; i++)
		if (!nets_has(v, n, &ao->nets[i]))
			(void)rib_path_del(ao->rib, &ao->nets[i], &ao->local_rp, 0);
	ra = ao_local_attrs(ao, false);
	for (size_t i = 0; i < n; i++) {	/* all: a route-map may have changed */
		const struct rib_attrs *nra = rde_network_attrs(ao->bgp->rde, &v[i], ra);

		if (nra == NULL)		/* its route-map denies it */
			(void)rib_path_del(ao->rib, &v[i], &ao->local_rp, 0);
		else if ((rv = rib_path_add(ao->rib, &v[i], &ao->local_rp, 0, nra)) < 0)
			log_warnx("BGP: network %s not added: %s", prefix_fmt(&v[i], buf),
			    strerror(-rv));
		rib_attrs_put(ao->rib, nra);
	}
	free(ao->nets);
	ao->nets = v;			/* sorted */
	ao->nnets = n;
}

/* ------------------------------------------------------------ life */

/* Path ids of the local pseudo-peer: 0 for `network`, these for each source. */
#define AO_REDIST_PATH_ID(src)	(1u + (uint32_t)(src))

static void
ao_redist_cb(void *arg, enum redist_src src, const struct prefix *p, bool on)
{
	struct adj_out *ao = arg;
	const struct rib_attrs *ra, *nra = NULL;
	char buf[PREFIX_STRLEN];
	int rv;

	ao_local_register(ao);
	if (on) {
		ra = ao_local_attrs(ao, true);
		nra = rde_local_attrs(ao->bgp->rde, p, ra, ao->redist_rm[src]);
	}
	if (nra == NULL)		/* withdrawn, or its route-map denies it */
		(void)rib_path_del(ao->rib, p, &ao->local_rp, AO_REDIST_PATH_ID(src));
	else if ((rv = rib_path_add(ao->rib, p, &ao->local_rp, AO_REDIST_PATH_ID(src), nra)) < 0)
		log_warnx("BGP: redistribute %s: %s not added: %s", redist_src_name(src),
		    prefix_fmt(p, buf), strerror(-rv));
	if (nra != NULL)
		rib_attrs_put(ao->rib, nra);
}

void
adj_out_redistribute(struct adj_out *ao, enum redist_src src, bool on, const char *route_map,
    uint8_t own_protocol)
{
	free(ao->redist_rm[src]);
	ao->redist_rm[src] = NULL;
	if (on && route_map != NULL && (ao->redist_rm[src] = strdup(route_map)) == NULL)
		fatal("adj_out: redistribute");
	if (ao->redist == NULL && !on)
		return;
	if (ao->redist == NULL)
		ao->redist = redist_new(ao->bgp->base, own_protocol, ao_redist_cb, ao);
	redist_enable(ao->redist, src, on);
}

size_t
adj_out_redistributed(const struct adj_out *ao, enum redist_src src)
{
	return ao->redist ? redist_count(ao->redist, src) : 0;
}

struct adj_out *
adj_out_new(struct bgp *b, struct rib *rib, struct attrs_tab *tab)
{
	struct adj_out *ao = calloc(1, sizeof(*ao));
	struct peer_hooks h = { .update = ao_update_cb, .up = ao_up_cb, .down = ao_down_cb,
	    .eor = ao_eor_cb, .refresh = ao_refresh_cb };

	if (ao == NULL)
		fatal("adj_out_new");
	ao->bgp = b;
	ao->rib = rib;
	ao->tab = tab;
	ao->inner = b->hooks;
	if ((ao->ev = evtimer_new(b->base, ao_timer_cb, ao)) == NULL)
		fatalx("adj_out_new: event");
	h.arg = ao;
	bgp_set_hooks(b, &h);
	return ao;
}

void
adj_out_set_cluster_id(struct adj_out *ao, uint32_t cluster_id)
{
	ao->cluster_id = cluster_id;
}

void
adj_out_free(struct adj_out *ao)
{
	struct ao_peer *ap;

	if (ao == NULL)
		return;
	while ((ap = ao->peers) != NULL) {
		ao->peers = ap->next;
		ao_peer_free(ap);
	}
	redist_free(ao->redist);
	for (size_t i = 0; i < REDIST_NSRC; i++)
		free(ao->redist_rm[i]);
	for (size_t i = 0; i < 2; i++)
		if (ao->local_ra[i] != NULL)
			rib_attrs_put(ao->rib, ao->local_ra[i]);
	if (ao->local_registered) {
		while (rib_peer_withdraw_all(ao->rib, &ao->local_rp, SIZE_MAX))
			;
		if (rib_peer_del(ao->rib, &ao->local_rp) < 0)
			fatalx("adj_out: local routes still in the RIB");
	}
	free(ao->nets);
	event_free(ao->ev);
	free(ao);
}

/* The paths sent of one entry; non-zero when fn asked to stop. */
static int
ent_walk(const struct ao_ent *e, adj_out_walk_fn *fn, void *arg, int *n)
{
	if (e->sent != NULL) {
		(*n)++;
		if (fn(arg, &e->pfx, 0, e->sent) != 0)
			return 1;
	}
	for (size_t j = 0; j < e->npaths; j++) {
		(*n)++;
		if (fn(arg, &e->pfx, e->paths[j].tx_id, e->paths[j].sent) != 0)
			return 1;
	}
	return 0;
}

/* How many prefixes p has from us now (PfxSnt); 0 when it is not Established. */
size_t
adj_out_prefixes_sent(const struct adj_out *ao, const struct peer *p)
{
	const struct ao_peer *ap = ao ? ao_peer_find(ao, p) : NULL;

	return ap ? ap->nsent : 0;
}

size_t
adj_out_entries(const struct adj_out *ao, const struct peer *p)
{
	const struct ao_peer *ap = ao ? ao_peer_find(ao, p) : NULL;

	return ap ? ap->nents : 0;
}

int
adj_out_walk(const struct adj_out *ao, const struct peer *p, adj_out_walk_fn *fn, void *arg)
{
	const struct ao_peer *ap = ao_peer_find(ao, p);
	int n = 0;

	if (ap == NULL)
		return -ENOENT;
	for (size_t i = 0; i < ap->nbuckets; i++)
		for (const struct ao_ent *e = ap->hash[i]; e != NULL; e = e->hnext)
			if (ent_walk(e, fn, arg, &n) != 0)
				return n;
	return n;
}
