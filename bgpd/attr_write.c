/*
 * bgpd/attr_write.c - UPDATE encoding: the attribute block of one set
 * (RFC 4271 §4.3 order, extended length above 255 bytes), AS_TRANS with
 * AS4_PATH/AS4_AGGREGATOR toward 2-octet peers (RFC 6793 §4.2.2), and the
 * packing of as many prefixes as fit the negotiated message size. What to
 * announce (prepend, next hop, LOCAL_PREF for iBGP only) is the caller's
 * set; this file only writes it.
 */
#include "bgpd/attr_parse.h"

#define O	ATTR_OPTIONAL
#define T	ATTR_TRANSITIVE

static void
attr_hdr_put(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255)
		flags |= ATTR_EXTLEN;
	wbuf_put_u8(w, flags);
	wbuf_put_u8(w, type);
	if (flags & ATTR_EXTLEN)
		wbuf_put_u16(w, (uint16_t)len);
	else
		wbuf_put_u8(w, (uint8_t)len);
}

static void
attr_u32_put(struct wbuf *w, uint8_t flags, uint8_t type, uint32_t v)
{
	attr_hdr_put(w, flags, type, 4);
	wbuf_put_u32(w, v);
}

static void
attr_aspaths_put(struct wbuf *w, const struct attr_set *a, bool as4)
{
	attr_hdr_put(w, T, ATTR_AS_PATH, aspath_wire_len(a->aspath, a->aspath_words, as4, false));
	aspath_write(w, a->aspath, a->aspath_words, as4, false);
	if (as4 || !aspath_needs_as4(a->aspath, a->aspath_words))
		return;
	attr_hdr_put(w, O | T, ATTR_AS4_PATH, aspath_wire_len(a->aspath, a->aspath_words, true, true));
	aspath_write(w, a->aspath, a->aspath_words, true, true);	/* no confed (RFC 6793 §3) */
}

static void
attr_aggregator_put(struct wbuf *w, const struct attr_set *a, bool as4)
{
	if (as4) {
		attr_hdr_put(w, O | T, ATTR_AGGREGATOR, 8);
		wbuf_put_u32(w, a->aggr_as);
	} else {
		attr_hdr_put(w, O | T, ATTR_AGGREGATOR, 6);
		wbuf_put_u16(w, a->aggr_as > 0xffff ? AS_TRANS : (uint16_t)a->aggr_as);
	}
	wbuf_put_u32(w, a->aggr_addr);
	if (as4 || a->aggr_as <= 0xffff)
		return;
	attr_hdr_put(w, O | T, ATTR_AS4_AGGREGATOR, 8);
	wbuf_put_u32(w, a->aggr_as);
	wbuf_put_u32(w, a->aggr_addr);
}

static void
attr_u32s_put(struct wbuf *w, uint8_t type, const uint32_t *v, uint16_t n, uint8_t flags)
{
	attr_hdr_put(w, flags, type, n * 4u);
	for (uint16_t i = 0; i < n; i++)
		wbuf_put_u32(w, v[i]);
}

static void
attr_comms_put(struct wbuf *w, const struct attr_set *a)
{
	if (a->ncomms > 0)
		attr_u32s_put(w, ATTR_COMMUNITIES, a->comms, a->ncomms, O | T);
	if (a->next_comms > 0) {
		attr_hdr_put(w, O | T, ATTR_EXT_COMMUNITIES, a->next_comms * 8u);
		for (uint16_t i = 0; i < a->next_comms; i++)
			wbuf_put_u64(w, a->ext_comms[i]);
	}
	if (a->nlcomms > 0) {
		attr_hdr_put(w, O | T, ATTR_LARGE_COMMUNITIES, a->nlcomms * 12u);
		for (uint16_t i = 0; i < a->nlcomms; i++) {
			wbuf_put_u32(w, a->lcomms[i].global);
			wbuf_put_u32(w, a->lcomms[i].local1);
			wbuf_put_u32(w, a->lcomms[i].local2);
		}
	}
}

void
attr_set_write(struct wbuf *w, const struct attr_set *a, const struct msg_ctx *ctx)
{
	attr_hdr_put(w, T, ATTR_ORIGIN, 1);
	wbuf_put_u8(w, a->origin);
	attr_aspaths_put(w, a, ctx->as4);
	attr_u32_put(w, T, ATTR_NEXT_HOP, a->nexthop);
	if (a->present & ATTRF(ATTR_MED))
		attr_u32_put(w, O, ATTR_MED, a->med);
	if (a->present & ATTRF(ATTR_LOCAL_PREF))
		attr_u32_put(w, T, ATTR_LOCAL_PREF, a->local_pref);
	if (a->present & ATTRF(ATTR_ATOMIC_AGGR))
		attr_hdr_put(w, T, ATTR_ATOMIC_AGGR, 0);
	if (a->present & ATTRF(ATTR_AGGREGATOR))
		attr_aggregator_put(w, a, ctx->as4);
	if (a->present & ATTRF(ATTR_ORIGINATOR_ID))
		attr_u32_put(w, O, ATTR_ORIGINATOR_ID, a->originator_id);
	if (a->ncluster > 0)
		attr_u32s_put(w, ATTR_CLUSTER_LIST, a->cluster, a->ncluster, O);
	attr_comms_put(w, a);
	wbuf_put(w, a->unknown, a->unknown_len);	/* already marked Partial */
}

/* Prefixes from o->done on while the message stays within max; returns how many. */
static size_t
update_nlri_fill(struct wbuf *w, size_t msg_off, size_t max, size_t tail, bool addpath,
    struct update_out *o)
{
	size_t n = 0;

	while (o->done < o->n) {
		size_t l = nlri_wire_len(&o->nlri[o->done], addpath);

		if (wbuf_len(w) - msg_off + l + tail > max)
			break;
		nlri_write(w, addpath, &o->nlri[o->done]);
		o->done++, n++;
	}
	return n;
}

static int
update_withdraw_write(struct wbuf *w, const struct msg_ctx *ctx, struct update_out *o,
    size_t off)
{
	size_t lenoff, n;

	wbuf_reserve(w, 2, &lenoff);
	n = update_nlri_fill(w, off, msg_max_len(ctx), 2, ctx->addpath_tx, o);
	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if (wbuf_set_u16_at(w, lenoff, (uint16_t)(wbuf_len(w) - lenoff - 2)) < 0)
		return -EINVAL;
	wbuf_put_u16(w, 0);
	return n > 0 ? 0 : -ENOBUFS;
}

static int
update_announce_write(struct wbuf *w, const struct msg_ctx *ctx, struct update_out *o,
    size_t off)
{
	size_t lenoff, n;

	wbuf_put_u16(w, 0);
	wbuf_reserve(w, 2, &lenoff);
	attr_set_write(w, o->attrs, ctx);
	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if (wbuf_len(w) - lenoff - 2 > 0xffff ||
	    wbuf_set_u16_at(w, lenoff, (uint16_t)(wbuf_len(w) - lenoff - 2)) < 0)
		return -EMSGSIZE;
	n = update_nlri_fill(w, off, msg_max_len(ctx), 0, ctx->addpath_tx, o);
	return n > 0 ? 0 : -ENOBUFS;
}

int
msg_update_write(struct wbuf *w, const struct msg_ctx *ctx, struct update_out *o)
{
	size_t off, done = o->done;
	int rv;

	if (o->done >= o->n)
		return -EINVAL;
	off = msg_header_write(w, BGP_UPDATE);
	if (o->attrs == NULL)
		rv = update_withdraw_write(w, ctx, o, off);
	else
		rv = update_announce_write(w, ctx, o, off);
	if (rv == 0)
		rv = msg_header_close(w, off);
	if (rv != 0) {
		o->done = done;
		if (wbuf_error(w) == 0)
			wbuf_truncate(w, off);	/* drop the partial message */
	}
	return rv;
}

int
msg_eor_write(struct wbuf *w)
{
	size_t off = msg_header_write(w, BGP_UPDATE);

	wbuf_put_u16(w, 0);
	wbuf_put_u16(w, 0);
	return msg_header_close(w, off);
}
