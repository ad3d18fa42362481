/*
 * bgpd/attr_aspath.c - AS_PATH and AS4_PATH (RFC 4271 §4.3, RFC 6793, RFC
 * 5065 segment types): parse 2- or 4-octet paths into the set's word form
 * (segment header word type << 16 | count, then count ASNs), merge AS4_PATH
 * from a 2-octet peer (RFC 6793 §4.2.3), count/search/prepend for the rest
 * of bgpd, and write paths back in either width.
 */
#include "bgpd/attr_parse.h"

#define SEG_MAX		255
#define SEG_HDR(t, n)	((uint32_t)(t) << 16 | (uint32_t)(n))
#define SEG_TYPE(h)	((uint8_t)((h) >> 16))
#define SEG_COUNT(h)	((uint16_t)((h) & 0xffff))

static bool
seg_is_confed(uint8_t type)
{
	return type == AS_CONFED_SEQUENCE || type == AS_CONFED_SET;
}

/* One segment into out[*k..]; RFC 7606 §7.2: bad type, count 0 or overrun are malformed. */
static int
aspath_seg_parse(struct cursor *c, bool as4, uint32_t *out, size_t *k)
{
	uint8_t type, cnt;
	uint16_t a2;

	if (cur_u8(c, &type) < 0 || cur_u8(c, &cnt) < 0)
		return -EBADMSG;
	if (type < AS_SET || type > AS_CONFED_SET || cnt == 0)
		return -EBADMSG;
	out[(*k)++] = SEG_HDR(type, cnt);
	for (unsigned i = 0; i < cnt; i++) {
		if (as4 ? cur_u32(c, &out[*k]) < 0 : cur_u16(c, &a2) < 0)
			return -EBADMSG;
		if (!as4)
			out[*k] = a2;
		(*k)++;
	}
	return 0;
}

/* A whole path; words never exceed wire bytes / 2 (2 bytes of wire per word at least). */
static int
aspath_words_parse(struct cursor *c, struct upd_state *s, bool as4,
    const uint32_t **out, uint16_t *nwords)
{
	uint32_t *w = upd_alloc(s, (cur_left(c) / 2 + 1) * 4);
	size_t k = 0;

	while (cur_left(c) > 0)
		if (aspath_seg_parse(c, as4, w, &k) < 0)
			return -EBADMSG;
	*out = w;
	*nwords = (uint16_t)k;
	return 0;
}

static bool
aspath_has_confed(const uint32_t *w, uint16_t n)
{
	for (uint16_t i = 0; i < n; i += 1 + SEG_COUNT(w[i]))
		if (seg_is_confed(SEG_TYPE(w[i])))
			return true;
	return false;
}

int
attr_aspath_parse(struct cursor *c, struct upd_state *s)
{
	if (aspath_words_parse(c, s, s->ctx->as4, &s->tmpl.aspath, &s->tmpl.aspath_words) < 0)
		return -EBADMSG;
	/* We are not in a confederation: confed segments from outside are malformed (RFC 5065 §5.3). */
	if (s->ctx->ebgp && aspath_has_confed(s->tmpl.aspath, s->tmpl.aspath_words))
		return -EBADMSG;
	return 0;
}

/* RFC 6793 §6: AS4_PATH that is malformed or carries confed segments is discarded. */
int
attr_as4path_parse(struct cursor *c, struct upd_state *s)
{
	if (aspath_words_parse(c, s, true, &s->as4path, &s->as4path_words) < 0 ||
	    aspath_has_confed(s->as4path, s->as4path_words))
		return -EBADMSG;
	s->has_as4path = true;
	return 0;
}

unsigned
aspath_count(const uint32_t *w, uint16_t n)
{
	unsigned total = 0;

	for (size_t i = 0; i < n; i += 1u + SEG_COUNT(w[i])) {
		uint8_t t = SEG_TYPE(w[i]);

		if (t == AS_SEQUENCE)
			total += SEG_COUNT(w[i]);
		else if (t == AS_SET)
			total += 1;
	}
	return total;
}

uint32_t
aspath_first_as(const uint32_t *w, uint16_t n)
{
	if (n >= 2 && SEG_TYPE(w[0]) == AS_SEQUENCE && SEG_COUNT(w[0]) >= 1)
		return w[1];
	return 0;
}

unsigned
aspath_has_as(const uint32_t *w, uint16_t n, uint32_t asn)
{
	unsigned hits = 0;

	for (size_t i = 0; i < n; i += 1u + SEG_COUNT(w[i]))
		for (size_t j = 1; j <= SEG_COUNT(w[i]) && i + j < n; j++)
			hits += w[i + j] == asn;
	return hits;
}

/*
 * RFC 6793 §4.2.3: keep the leading (count(AS_PATH) - count(AS4_PATH)) ASes of
 * AS_PATH, then append AS4_PATH. Confed segments count 0 and are kept while
 * they lead (AS4_PATH never carries them); a SET counts 1 and is taken whole.
 */
static uint16_t
aspath_as4_fold(const uint32_t *p, uint16_t np, const uint32_t *p4, uint16_t np4,
    unsigned need, uint32_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < np; i += 1u + SEG_COUNT(p[i])) {
		uint8_t t = SEG_TYPE(p[i]);
		unsigned cnt = SEG_COUNT(p[i]);

		if (need == 0 && !seg_is_confed(t))
			break;

		if (t == AS_SEQUENCE && cnt > need)
			cnt = need;
		out[k++] = SEG_HDR(t, cnt);
		for (unsigned j = 1; j <= cnt; j++)
			out[k++] = p[i + j];
		if (t == AS_SEQUENCE)
			need -= cnt;
		else if (t == AS_SET)
			need -= 1;
	}
	for (size_t i = 0; i < np4; i++)
		out[k++] = p4[i];
	return (uint16_t)k;
}

void
attr_as4_merge(struct upd_state *s)
{
	struct attr_set *t = &s->tmpl;
	unsigned n, n4;
	uint32_t *out;

	if (s->ctx->as4)
		return;
	if (t->present & ATTRF(ATTR_AGGREGATOR)) {
		if (t->aggr_as != AS_TRANS)	/* aggregated by an OLD speaker: AS4_* are stale */
			return;
		if (s->has_as4_aggr)
			t->aggr_as = s->as4_aggr_as, t->aggr_addr = s->as4_aggr_addr;
	}
	if (!s->has_as4path || !(t->present & ATTRF(ATTR_AS_PATH)))
		return;
	n = aspath_count(t->aspath, t->aspath_words);
	n4 = aspath_count(s->as4path, s->as4path_words);
	if (n < n4)			/* AS4_PATH is ignored */
		return;
	out = upd_alloc(s, ((size_t)t->aspath_words + s->as4path_words) * 4);
	t->aspath_words = aspath_as4_fold(t->aspath, t->aspath_words, s->as4path,
	    s->as4path_words, n - n4, out);
	t->aspath = out;
}

size_t
aspath_prepend(const uint32_t *in, uint16_t n, uint32_t asn, uint32_t *out, size_t cap)
{
	bool join = n >= 1 && SEG_TYPE(in[0]) == AS_SEQUENCE && SEG_COUNT(in[0]) < SEG_MAX;
	size_t need = (size_t)n + (join ? 1 : 2);

	if (need > cap)
		return 0;
	if (join) {
		out[0] = SEG_HDR(AS_SEQUENCE, SEG_COUNT(in[0]) + 1);
		out[1] = asn;
		for (size_t i = 1; i < n; i++)
			out[i + 1] = in[i];
	} else {
		out[0] = SEG_HDR(AS_SEQUENCE, 1);
		out[1] = asn;
		for (size_t i = 0; i < n; i++)
			out[i + 2] = in[i];
	}
	return need;
}

static bool
aspath_seg_skip(uint8_t type, bool strip_confed)
{
	return strip_confed && seg_is_confed(type);
}

size_t
aspath_wire_len(const uint32_t *w, uint16_t n, bool as4, bool strip_confed)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i += 1u + SEG_COUNT(w[i]))
		if (!aspath_seg_skip(SEG_TYPE(w[i]), strip_confed))
			len += 2 + (size_t)SEG_COUNT(w[i]) * (as4 ? 4 : 2);
	return len;
}

void
aspath_write(struct wbuf *b, const uint32_t *w, uint16_t n, bool as4, bool strip_confed)
{
	for (size_t i = 0; i < n; i += 1u + SEG_COUNT(w[i])) {
		if (aspath_seg_skip(SEG_TYPE(w[i]), strip_confed))
			continue;
		wbuf_put_u8(b, SEG_TYPE(w[i]));
		wbuf_put_u8(b, (uint8_t)SEG_COUNT(w[i]));
		for (size_t j = 1; j <= SEG_COUNT(w[i]) && i + j < n; j++) {
			if (as4)
				wbuf_put_u32(b, w[i + j]);
			else
				wbuf_put_u16(b, w[i + j] > 0xffff ? AS_TRANS : (uint16_t)w[i + j]);
		}
	}
}

bool
aspath_needs_as4(const uint32_t *w, uint16_t n)
{
	for (size_t i = 0; i < n; i += 1u + SEG_COUNT(w[i]))
		for (size_t j = 1; j <= SEG_COUNT(w[i]) && i + j < n; j++)
			if (w[i + j] > 0xffff)
				return true;
	return false;
}
