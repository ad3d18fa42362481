/*
 * bgpd/ctl_rib.c - answers to `show bgp ipv4 unicast [A.B.C.D/M]`: one
 * struct ctl_rib_rec per path, filled from the RIB (rib_lookup, rib_walk)
 * and the interned attribute set each path points at (rib_attrs.cookie).
 * The whole table goes out in chunks of CTL_RIB_CHUNK prefixes, resumed
 * with rib_walk's `after` cursor when the client has read the last chunk,
 * so a 1M-prefix table does not stop the daemon. No text here (STYLE 12).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpd/adj_out.h"
#include "bgpd/bgpd.h"
#include "bgpd/ctl_rib.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "lib/ctlmsg.h"
#include "rib/rib.h"

/* Append to a fixed buffer; text beyond it is cut (the record says so with "..."). */
static void PRINTF_LIKE(3, 4)
str_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	if ((size_t)vsnprintf(buf + used, len - used, fmt, ap) >= len - used && len > 4)
		memcpy(buf + len - 4, "...", 4);
	va_end(ap);
}

/* FRR's AS path text: SEQUENCE "a b", SET "{a,b}", CONFED_SEQ "(a b)", CONFED_SET "[a b]". */
static void
aspath_text(const struct attr_set *a, char *buf, size_t len)
{
	static const char open[] = " {{([", close[] = " }})]";
	uint16_t i = 0;

	buf[0] = '\0';
	while (i < a->aspath_words) {
		uint32_t type = a->aspath[i] >> 16, n = a->aspath[i] & 0xffff;
		bool set = type == AS_SET || type == AS_CONFED_SET;

		if (type > AS_CONFED_SET || i + 1u + n > a->aspath_words)
			break;
		if (type != AS_SEQUENCE)
			str_add(buf, len, "%s%c", buf[0] ? " " : "", open[type]);
		for (uint32_t k = 0; k < n; k++)
			str_add(buf, len, "%s%u", k == 0 ? (type == AS_SEQUENCE && buf[0] ? " " : "") :
			    set ? "," : " ", a->aspath[i + 1 + k]);
		if (type != AS_SEQUENCE)
			str_add(buf, len, "%c", close[type]);
		i += (uint16_t)(1 + n);
	}
}

static void
comms_text(const struct attr_set *a, struct ctl_path *o)
{
	for (uint16_t i = 0; i < a->ncomms; i++)
		str_add(o->comms, sizeof(o->comms), "%s%u:%u", i ? " " : "",
		    a->comms[i] >> 16, a->comms[i] & 0xffff);
	for (uint16_t i = 0; i < a->nlcomms; i++)
		str_add(o->lcomms, sizeof(o->lcomms), "%s%u:%u:%u", i ? " " : "",
		    a->lcomms[i].global, a->lcomms[i].local1, a->lcomms[i].local2);
	for (uint16_t i = 0; i < a->next_comms; i++)
		str_add(o->ext_comms, sizeof(o->ext_comms), "%s0x%016llx", i ? " " : "",
		    (unsigned long long)a->ext_comms[i]);
}

void
ctl_rib_attrs_text(const struct attr_set *a, struct ctl_path *o)
{
	aspath_text(a, o->aspath, sizeof(o->aspath));
	comms_text(a, o);
}

static void
addr_str(uint32_t a, char *buf)
{
	addr_fmt(a, buf);
}

static void
path_attrs_fill(const struct rib_attrs *ra, struct ctl_path *o)
{
	const struct attr_set *a = ra->cookie;

	addr_str(ra->nexthop, o->nexthop);
	o->med = ra->med;
	o->has_med = (ra->flags & RIB_ATTR_MED) != 0;
	o->local_pref = ra->local_pref;
	o->has_local_pref = a != NULL && (a->present & ATTRF(ATTR_LOCAL_PREF)) != 0;
	o->weight = ra->weight;
	o->aspath_len = ra->aspath_len;
	o->cluster_len = ra->cluster_len;
	o->origin = ra->origin;
	o->has_originator = (ra->flags & RIB_ATTR_ORIGINATOR) != 0;
	if (o->has_originator)
		addr_str(ra->originator_id, o->originator);
	o->has_link_bw = (ra->flags & RIB_ATTR_LINK_BW) != 0;
	o->link_bw = ra->link_bw;
	if (a != NULL)
		ctl_rib_attrs_text(a, o);
}

/* The best path's peer (NULL if none) and how many paths forward (multipath). */
static const struct rib_peer *
route_best_peer(const struct rib *rib, const struct rib_route *rt, size_t *nmp)
{
	const struct rib_peer *best = NULL;
	struct rib_path_info pi;

	*nmp = 0;
	for (size_t i = 0; i < rib_route_npaths(rt); i++) {
		rib_route_path(rib, rt, i, &pi);
		if (pi.best)
			best = pi.peer;
		if (pi.multipath)
			(*nmp)++;
	}
	return best;
}

/* Where the records come from: the RIB, and who originates locally. */
struct rib_src {
	const struct rib	*rib;
	const struct adj_out	*ao;
};

static void
rec_fill(const struct rib_src *src, const struct prefix *pfx, const struct rib_route *rt,
    size_t i, struct ctl_rib_rec *r)
{
	const struct rib *rib = src->rib;
	struct ctl_path *o = &r->path;
	const struct rib_peer *best;
	struct rib_path_info pi;
	size_t nmp;

	memset(r, 0, sizeof(*r));
	best = route_best_peer(rib, rt, &nmp);
	prefix_fmt(pfx, r->route.prefix);
	r->route.npaths = (uint32_t)rib_route_npaths(rt);
	r->route.index = (uint32_t)i;
	rib_route_path(rib, rt, i, &pi);
	addr_str(pi.peer->addr, o->peer);
	addr_str(pi.peer->router_id, o->peer_id);
	o->ebgp = pi.peer->ebgp;
	o->local = adj_out_is_local(src->ao, pi.peer);
	o->path_id = pi.path_id;
	o->best = pi.best;
	o->multipath = pi.multipath && nmp > 1;		/* FRR: only when paths share */
	o->lost_at = (uint8_t)pi.lost_at;
	o->valid = pi.lost_at != RIB_STEP_UNREACHABLE;	/* RFC 4271 9.1.2.1 */
	if (!pi.best) {
		CTL_STR_SET(o->lost_reason, rib_step_reason(pi.lost_at));
		if (best != NULL)
			addr_str(best->addr, o->lost_to);
	}
	path_attrs_fill(pi.attrs, o);
}

struct rib_stream {
	struct bgpd		*bgpd;		/* the RIB is looked up per chunk: config may change it */
	struct rib_src		 src;		/* for the current chunk */
	struct ctl_conn		*conn;
	uint32_t		 seq;
	uint32_t		 peer;		/* only that neighbor's paths; 0: all */
	struct prefix		 after;		/* the last prefix sent */
	bool			 started;	/* after is valid */
};

/* The route's paths (those of peer only, unless 0) as records, numbered from 0. */
static void
route_send(const struct rib_src *src, struct ctl_conn *c, uint16_t type, uint32_t seq,
    const struct prefix *pfx, const struct rib_route *rt, uint32_t peer)
{
	const struct rib *rib = src->rib;
	struct ctl_rib_rec r;
	struct rib_path_info pi;
	uint32_t sent = 0;

	for (size_t i = 0; i < rib_route_npaths(rt); i++) {
		if (peer != 0) {
			rib_route_path(rib, rt, i, &pi);
			if (pi.peer->addr != peer)
				continue;
		}
		rec_fill(src, pfx, rt, i, &r);
		r.route.index = sent++;
		ctl_conn_record(c, type, seq, &r, sizeof(r));
	}
}

static int
stream_route(void *arg, const struct prefix *pfx, const struct rib_route *rt)
{
	struct rib_stream *s = arg;

	route_send(&s->src, s->conn, CTL_SHOW_BGP_IPV4, s->seq, pfx, rt, s->peer);
	s->after = *pfx;
	s->started = true;
	return 0;
}

/* One chunk of the table; false once the answer is complete. */
static bool
stream_more(struct ctl_conn *c, void *arg)
{
	struct rib_stream *s = arg;
	size_t n;

	if (s->bgpd->bgp == NULL) {
		ctl_conn_error(c, s->seq, "BGP was unconfigured while the table was sent");
		return false;
	}
	s->conn = c;
	s->src = (struct rib_src){ rde_rib(s->bgpd->bgp->rde), rde_adj_out(s->bgpd->bgp->rde) };
	n = rib_walk(s->src.rib, s->started ? &s->after : NULL, CTL_RIB_CHUNK, stream_route, s);
	if (n == CTL_RIB_CHUNK)
		return true;
	ctl_conn_end(c, s->seq);
	return false;
}

/* What a request asks for: the table, one prefix, or a longest match; of one peer. */
struct rib_query {
	enum { Q_TABLE, Q_EXACT, Q_MATCH } what;
	struct prefix	 pfx;
	uint32_t	 peer;		/* host order; 0: every neighbor */
};

static void
show_one(const struct rib_src *src, struct ctl_conn *c, const struct ctl_frame *f,
    const struct rib_query *q)
{
	const struct rib *rib = src->rib;
	struct prefix found = q->pfx;
	const struct rib_route *rt = q->what == Q_MATCH ? rib_match(rib, &q->pfx, &found) :
	    rib_lookup(rib, &q->pfx);

	if (rt != NULL)		/* none: no record, the shell says "Network not in table" */
		route_send(src, c, f->type, f->seq, &found, rt, q->peer);
	ctl_conn_end(c, f->seq);
}

/* req's prefix: "" (the table), "A.B.C.D/M" or "A.B.C.D" (longest match). */
static int
query_prefix(const char *text, struct rib_query *q)
{
	char buf[24];

	if (text[0] == '\0') {
		q->what = Q_TABLE;
		return 0;
	}
	q->what = strchr(text, '/') ? Q_EXACT : Q_MATCH;
	snprintf(buf, sizeof(buf), "%s%s", text, q->what == Q_MATCH ? "/32" : "");
	return prefix_parse(buf, &q->pfx, true);
}

/* The request; 0, or -1 after answering the error. */
static int
req_query(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f, struct rib_query *q)
{
	struct ctl_rib_req req;
	struct in_addr a;

	memset(q, 0, sizeof(*q));
	if (cur_left(&f->payload) == 0)
		return 0;
	if (ctl_record_get(f, &req, sizeof(req)) < 0) {
		ctl_conn_error(c, f->seq, "malformed RIB request");
		return -1;
	}
	CTL_STR_FIX(req.prefix);
	CTL_STR_FIX(req.neighbor);
	if (query_prefix(req.prefix, q) < 0) {
		ctl_conn_error(c, f->seq, "malformed prefix '%s' (A.B.C.D/M or A.B.C.D)", req.prefix);
		return -1;
	}
	if (req.neighbor[0] == '\0')
		return 0;
	if (inet_pton(AF_INET, req.neighbor, &a) != 1 || b->bgp == NULL ||
	    bgp_peer_find(b->bgp, a) == NULL) {
		ctl_conn_error(c, f->seq, "No such neighbor or address family");
		return -1;
	}
	q->peer = ntohl(a.s_addr);
	return 0;
}

void
ctl_rib_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct rib_stream *s;
	struct rib_query q;

	if (req_query(b, c, f, &q) < 0)
		return;
	if (b->bgp == NULL) {
		ctl_conn_error(c, f->seq, "BGP is not configured (no 'router bgp')");
		return;
	}
	if (q.what != Q_TABLE) {
		struct rib_src src = { rde_rib(b->bgp->rde), rde_adj_out(b->bgp->rde) };

		show_one(&src, c, f, &q);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("control: show bgp");
	s->bgpd = b;
	s->seq = f->seq;
	s->peer = q.peer;
	if (stream_more(c, s))
		ctl_conn_defer(c, stream_more, s);
	else
		free(s);
}
