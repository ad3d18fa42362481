/*
 * bgpd/attrs.h - path attribute sets, interned (hash-consed) and
 * reference-counted.
 *
 * A route carries a pointer to one shared, immutable struct attr_set; a
 * million prefixes with a few hundred distinct sets cost a few hundred sets.
 * AS paths, community lists and the rest live inside the set's one
 * allocation. attrs_get() takes a template whose arrays may point anywhere
 * (a parser's scratch) and returns the shared copy with one more reference.
 * The table is owned by its creator (bgpd main); sets know their table, so
 * attrs_put() needs none. Single-threaded.
 */
#ifndef IPIP_BGPD_ATTRS_H
#define IPIP_BGPD_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Attribute type codes (IANA). */
enum {
	ATTR_ORIGIN = 1, ATTR_AS_PATH = 2, ATTR_NEXT_HOP = 3, ATTR_MED = 4,
	ATTR_LOCAL_PREF = 5, ATTR_ATOMIC_AGGR = 6, ATTR_AGGREGATOR = 7,
	ATTR_COMMUNITIES = 8, ATTR_ORIGINATOR_ID = 9, ATTR_CLUSTER_LIST = 10,
	ATTR_MP_REACH = 14, ATTR_MP_UNREACH = 15, ATTR_EXT_COMMUNITIES = 16,
	ATTR_AS4_PATH = 17, ATTR_AS4_AGGREGATOR = 18, ATTR_LARGE_COMMUNITIES = 32,
};
/* Attribute flag bits (RFC 4271 §4.3). */
#define ATTR_OPTIONAL	0x80
#define ATTR_TRANSITIVE	0x40
#define ATTR_PARTIAL	0x20
#define ATTR_EXTLEN	0x10

enum { ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2 };
/* AS path segment types (RFC 4271, RFC 5065). */
enum { AS_SET = 1, AS_SEQUENCE = 2, AS_CONFED_SEQUENCE = 3, AS_CONFED_SET = 4 };

/* Which fields of a set are present (bit = 1 << type, types < 64). */
#define ATTRF(t)	(1ull << (t))

struct lcomm {
	uint32_t	global, local1, local2;		/* RFC 8092 */
};

struct attr_set {
	uint64_t	 present;	/* ATTRF(ATTR_*) of what was received/set */
	uint8_t		 origin;
	uint32_t	 nexthop;	/* host byte order */
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 aggr_as, aggr_addr;
	uint32_t	 originator_id;
	/*
	 * AS path, always 4-octet: each segment is a header word
	 * (type << 16 | count) followed by count ASNs. Empty for iBGP-local.
	 */
	const uint32_t	*aspath;
	uint16_t	 aspath_words;
	const uint32_t	*comms;		/* RFC 1997, host order */
	uint16_t	 ncomms;
	const uint64_t	*ext_comms;	/* RFC 4360, the 8 bytes as a big-endian number */
	uint16_t	 next_comms;
	const struct lcomm *lcomms;
	uint16_t	 nlcomms;
	const uint32_t	*cluster;	/* RFC 4456 */
	uint16_t	 ncluster;
	/* Unknown optional transitive attributes, wire form (flags|PARTIAL, type, len, value). */
	const uint8_t	*unknown;
	uint16_t	 unknown_len;
	/* Interning: set by attrs_get, ignored in templates. */
	uint32_t	 hash;
	uint32_t	 refcnt;
	struct attrs_tab *tab;
	struct attr_set	*next;
};

struct attrs_tab;

struct attrs_tab *attrs_tab_new(void);
/* Frees the table; sets still referenced are a caller bug (reported by count). */
size_t	attrs_tab_free(struct attrs_tab *);
size_t	attrs_tab_count(const struct attrs_tab *);	/* distinct sets */
size_t	attrs_tab_bytes(const struct attrs_tab *);	/* memory held by sets */

/* The shared copy of tmpl, +1 reference. Content compared, not pointers. */
const struct attr_set *attrs_get(struct attrs_tab *, const struct attr_set *tmpl);

/* A template from an interned set, to change and attrs_get() again. */
static inline void
attrs_tmpl_from(struct attr_set *out, const struct attr_set *in)
{
	*out = *in;
	out->hash = 0, out->refcnt = 0, out->tab = NULL, out->next = NULL;
}
/* +1 reference on a set already held. */
const struct attr_set *attrs_ref(const struct attr_set *);
/* -1 reference; freed at zero. NULL is fine. */
void	attrs_put(const struct attr_set *);
/* Same content (what interning compares). */
bool	attrs_equal(const struct attr_set *, const struct attr_set *);

/* AS path helpers (bgpd/attr_aspath.c). */
/* Length for best-path selection: RFC 4271 §9.1.2.2 (SET counts 1, confed 0). */
unsigned aspath_count(const uint32_t *words, uint16_t nwords);
/* The neighbor AS: first ASN of a leading AS_SEQUENCE, else 0. */
uint32_t aspath_first_as(const uint32_t *words, uint16_t nwords);
/* Does asn occur anywhere in the path (loop detection)? Returns how often. */
unsigned aspath_has_as(const uint32_t *words, uint16_t nwords, uint32_t asn);
/* asn in front (eBGP advertisement): out gets the new path, returns its words or 0 if cap too small. */
size_t	aspath_prepend(const uint32_t *in, uint16_t n, uint32_t asn, uint32_t *out, size_t cap);

/* Link bandwidth extended community (draft-ietf-idr-link-bandwidth): bytes/s, or -1. */
float	attrs_link_bw(const struct attr_set *);

#endif
