/*
 * bgpd/msg.h - the BGP-4 message codec contract (IPv4 unicast).
 *
 * Bytes in, checked structs out; structs in, bytes out. No sockets, no FSM,
 * no logging: every parser returns what went wrong as a struct bgp_err that
 * is ready to be sent as a NOTIFICATION (RFC 4271 §4.5, §6), and the session
 * code decides what to log. Received bytes are read only through struct
 * cursor (lib/cursor.h); messages are written into a struct wbuf whose
 * maximum is the negotiated message size (4096, or 65535 with RFC 8654).
 *
 * Return convention: 0 on success, -EBADMSG with *err filled when the
 * message is malformed, -EAGAIN where noted (need more bytes).
 */
#ifndef IPIP_BGPD_MSG_H
#define IPIP_BGPD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/cursor.h"
#include "lib/prefix.h"
#include "lib/wbuf.h"
#include "bgpd/attrs.h"

#define BGP_MARKER_LEN	16
#define BGP_HDR_LEN	19
#define BGP_MAX_LEN	4096		/* RFC 4271 §4.1 */
#define BGP_EXT_MAX_LEN	65535		/* RFC 8654 */
#define BGP_PORT	179
#define AS_TRANS	23456		/* RFC 6793 §9 */

enum bgp_type {
	BGP_OPEN = 1, BGP_UPDATE = 2, BGP_NOTIFICATION = 3, BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,		/* RFC 2918 */
};

/* NOTIFICATION error codes and subcodes (RFC 4271 §4.5 and the IANA registry). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1, BGP_ERR_OPEN = 2, BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4, BGP_ERR_FSM = 5, BGP_ERR_CEASE = 6,
	BGP_ERR_REFRESH = 7,		/* RFC 7313 §5 */
	BGP_ERR_SEND_HOLD = 8,		/* RFC 9687 */
};
enum { BGP_HDR_SYNC = 1, BGP_HDR_BAD_LEN = 2, BGP_HDR_BAD_TYPE = 3 };
enum {
	BGP_OPEN_BAD_VERSION = 1, BGP_OPEN_BAD_PEER_AS = 2, BGP_OPEN_BAD_ID = 3,
	BGP_OPEN_BAD_PARAM = 4, BGP_OPEN_BAD_HOLD = 6, BGP_OPEN_BAD_CAPA = 7,
};
enum {
	BGP_UPD_MALFORMED_ATTRS = 1, BGP_UPD_UNKNOWN_WELLKNOWN = 2,
	BGP_UPD_MISSING_WELLKNOWN = 3, BGP_UPD_ATTR_FLAGS = 4,
	BGP_UPD_ATTR_LEN = 5, BGP_UPD_BAD_ORIGIN = 6, BGP_UPD_BAD_NEXTHOP = 8,
	BGP_UPD_OPT_ATTR = 9, BGP_UPD_BAD_NETWORK = 10, BGP_UPD_BAD_ASPATH = 11,
};
enum {
	BGP_CEASE_MAX_PREFIX = 1, BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONF = 3, BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_REJECTED = 5, BGP_CEASE_CONF_CHANGE = 6,
	BGP_CEASE_COLLISION = 7, BGP_CEASE_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,	/* RFC 8538 */
};
enum { BGP_REFRESH_BAD_LEN = 1 };

/* A NOTIFICATION fits a 4096-byte message: 19 header + 2 code bytes. */
#define BGP_ERR_DATA_MAX	(BGP_MAX_LEN - BGP_HDR_LEN - 2)

/* What went wrong, as the NOTIFICATION we send (or received). */
struct bgp_err {
	uint8_t		code, subcode;
	uint16_t	len;			/* bytes used in data */
	uint8_t		data[BGP_ERR_DATA_MAX];
};

/* Fill e with code/subcode and up to BGP_ERR_DATA_MAX bytes of data (truncated). */
void	bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode,
	    const void *data, size_t len);
/* "OPEN Message Error/Bad Peer AS" style text for logs; never NULL. */
const char *bgp_err_name(uint8_t code, uint8_t subcode, char *buf, size_t len);

/* What was negotiated on this session: how UPDATEs are parsed and written. */
struct msg_ctx {
	bool	as4;		/* both sides sent the 4-octet AS capability (RFC 6793) */
	bool	addpath_rx;	/* we receive path IDs for IPv4 unicast (RFC 7911) */
	bool	addpath_tx;	/* we send path IDs */
	bool	extmsg;		/* both sides sent extended message (RFC 8654) */
	bool	ebgp;		/* peer is in another AS (RFC 7606 §7.5, 7.9, 7.10) */
};

/* Largest message we may send or accept on this session. */
static inline size_t
msg_max_len(const struct msg_ctx *ctx)
{
	return ctx->extmsg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

/* ------------------------------------------------------------------ header */

struct bgp_hdr {
	uint16_t	len;		/* whole message, header included */
	uint8_t		type;
};

/*
 * Read a header (RFC 4271 §4.1, §6.1) and advance past it. -EAGAIN (cursor
 * untouched) if fewer than 19 bytes are there; -EBADMSG with 1/1 (marker),
 * 1/2 (length, data = the 2 length bytes) or 1/3 (type, data = the type).
 * Per-type minimum lengths are checked here; OPEN and KEEPALIVE never exceed
 * 4096 even with extended messages (RFC 8654 §3).
 */
MUST_USE int msg_header_parse(struct cursor *c, bool extmsg, struct bgp_hdr *h,
	    struct bgp_err *err);
/* Start a message: marker, length placeholder, type; returns its offset. */
size_t	msg_header_write(struct wbuf *w, uint8_t type);
/* Patch the length of the message started at off; 0 or the wbuf error. */
MUST_USE int msg_header_close(struct wbuf *w, size_t off);
/* A whole KEEPALIVE (19 bytes). */
MUST_USE int msg_keepalive_write(struct wbuf *w);

/* ------------------------------------------------------------ capabilities */

enum { CAPA_MP = 1, CAPA_ROUTE_REFRESH = 2, CAPA_EXTMSG = 6,
	CAPA_GR = 64, CAPA_AS4 = 65, CAPA_ADDPATH = 69, CAPA_ENH_RR = 70,
	CAPA_FQDN = 73 };
#define AFI_IPV4	1
#define SAFI_UNICAST	1
#define ADDPATH_RX	0x1		/* RFC 7911 §4: "receive" */
#define ADDPATH_TX	0x2		/* "send" */
#define GR_FLAG_RESTART	0x8		/* RFC 4724 §3: R bit (top of 4 flag bits) */
#define GR_FLAG_NOTIFY	0x4		/* RFC 8538 N bit */
#define GR_TIME_MAX	4095
#define BGP_GR_RESTART_TIME	120	/* what we announce (FRR's default) */
#define BGP_GR_STALEPATH_TIME	360	/* stale paths kept at most after the peer is back */
#define BGP_ERR_STALE_TIME	360	/* RFC 7313 §4: EoRR awaited at most (FRR's default) */
#define CAPS_NAME_MAX	64

/* What one side announces. Only IPv4 unicast is kept in detail. */
struct bgp_caps {
	bool		mp_ipv4u;	/* MP IPv4 unicast (RFC 4760) */
	uint16_t	mp_other;	/* other AFI/SAFIs announced */
	bool		as4;		/* 4-octet AS (RFC 6793) */
	uint32_t	as4_asn;
	bool		route_refresh;	/* RFC 2918 (also the pre-standard code 128) */
	bool		enhanced_rr;	/* RFC 7313 */
	bool		extmsg;		/* RFC 8654 */
	uint8_t		addpath_ipv4u;	/* ADDPATH_RX | ADDPATH_TX (RFC 7911) */
	bool		gr;		/* graceful restart (RFC 4724) */
	uint8_t		gr_flags;	/* GR_FLAG_* */
	uint16_t	gr_time;	/* seconds, 0..4095 */
	bool		gr_ipv4u;	/* IPv4 unicast is in the GR tuples */
	bool		gr_ipv4u_fwd;	/* its forwarding state was preserved */
	bool		fqdn;		/* hostname capability (draft, as FRR sends it) */
	char		hostname[CAPS_NAME_MAX + 1];	/* printable, NUL-terminated */
	char		domainname[CAPS_NAME_MAX + 1];
	uint16_t	unknown;	/* capabilities we ignored (RFC 5492 §5) */
};

/*
 * Parse one Capabilities optional parameter's value (RFC 5492 §4): a list of
 * (code, length, value), added into *caps. A capability overrunning the list,
 * or a known one with a wrong length, is -EBADMSG with OPEN Message Error
 * subcode 0 (unspecific; RFC 5492 names none), as BIRD and FRR answer.
 */
MUST_USE int caps_parse(struct cursor *c, struct bgp_caps *caps, struct bgp_err *err);
/* Write caps as one Capabilities parameter body (list of code/len/value). */
void	caps_write(struct wbuf *w, const struct bgp_caps *caps);
/* What holds on the session when we sent `local` and the peer sent `peer`. */
void	caps_negotiate(const struct bgp_caps *local, const struct bgp_caps *peer,
	    bool ebgp, struct msg_ctx *ctx);

/* -------------------------------------------------------------------- OPEN */

struct open_msg {
	uint8_t		version;
	uint16_t	my_as;		/* as on the wire: AS_TRANS for 4-octet ASNs */
	uint16_t	hold;		/* seconds: 0 or >= 3 */
	uint32_t	bgp_id;		/* host byte order, never 0 */
	struct bgp_caps	caps;
	bool		ext_params;	/* RFC 9072 extended parameters length used */
};

/* The peer's AS: the 4-octet capability's value if present, else my_as. */
static inline uint32_t
open_peer_as(const struct open_msg *m)
{
	return m->caps.as4 ? m->caps.as4_asn : m->my_as;
}

/*
 * Parse an OPEN body (after the header): RFC 4271 §4.2 and the syntactic
 * part of §6.2: version 4 else 2/1 (data: 2-byte version we speak), AS 0
 * 2/2 (RFC 7607), BGP Identifier 0 2/3, hold time 1 or 2 2/6, unsupported
 * optional parameter 2/4, parameters length not matching the message 1/2,
 * a parameter or capability overrunning its container 2/0. RFC 9072
 * extended optional parameters are accepted.
 */
MUST_USE int msg_open_parse(struct cursor *c, struct open_msg *m, struct bgp_err *err);

/* What the session expects of the peer's OPEN (filled from config). */
struct open_expect {
	uint32_t	remote_as;	/* 0: any (not for production use) */
	bool		external;	/* remote-as external: any AS but local_as */
	uint32_t	local_as;
	uint32_t	local_id;	/* our BGP Identifier, host order */
	bool		require_as4;	/* peer must send 4-octet AS capability */
	bool		require_mp;	/* peer must announce MP IPv4 unicast */
	bool		require_extmsg;
	bool		require_addpath_tx;	/* peer must be able to send path IDs */
	uint16_t	min_hold;	/* 0: any; else hold below it (and != 0) is 2/6 */
};

/*
 * Match a parsed OPEN against what the session expects: remote-as mismatch
 * 2/2, same BGP Identifier as ours on iBGP 2/3 (RFC 6286 §2.2), hold time
 * below min_hold 2/6, a required capability missing 2/7 with the missing
 * capability as data (RFC 5492 §5).
 */
MUST_USE int open_check(const struct open_msg *m, const struct open_expect *x,
	    struct bgp_err *err);

/* A whole OPEN; my_as is derived from local_as (AS_TRANS above 65535). */
MUST_USE int msg_open_write(struct wbuf *w, uint32_t local_as, uint16_t hold,
	    uint32_t bgp_id, const struct bgp_caps *caps);

/* ------------------------------------------------------------ NOTIFICATION */

#define SHUTDOWN_COMM_MAX	255	/* RFC 9003 §2 */

/* Parse a NOTIFICATION body into n (RFC 4271 §4.5). -EBADMSG if shorter than 2. */
MUST_USE int msg_notify_parse(struct cursor *c, struct bgp_err *n);
/* A whole NOTIFICATION; data beyond what fits the 4096-byte message is cut. */
MUST_USE int msg_notify_write(struct wbuf *w, const struct bgp_err *n);
/*
 * Cease 2 or 4 with a shutdown communication (RFC 9003): text is cut to 255
 * bytes at a UTF-8 character boundary.
 */
void	notify_shutdown_set(struct bgp_err *n, uint8_t subcode, const char *text);
/*
 * If n carries a valid shutdown communication (Cease 2/4, length byte within
 * data, valid UTF-8), write it printable (controls and non-ASCII escaped as
 * \xNN) into buf and return 0; else -ENOENT (none) or -EBADMSG (malformed).
 */
int	notify_shutdown_text(const struct bgp_err *n, char *buf, size_t len);

/* ----------------------------------------------------------- ROUTE-REFRESH */

enum { RR_NORMAL = 0, RR_BORR = 1, RR_EORR = 2 };	/* RFC 7313 §3.2 */

struct refresh_msg {
	uint16_t	afi;
	uint8_t		subtype;	/* RR_*; other values must be ignored (RFC 7313 §5) */
	uint8_t		safi;
};

/*
 * Parse a ROUTE-REFRESH body. A body other than 4 bytes is 7/1 with the whole
 * message as data (RFC 7313 §5). The caller ignores unknown subtypes and
 * AFI/SAFIs it did not negotiate (RFC 2918 §4).
 */
MUST_USE int msg_refresh_parse(struct cursor *c, struct refresh_msg *r, struct bgp_err *err);
MUST_USE int msg_refresh_write(struct wbuf *w, const struct refresh_msg *r);

static inline bool
refresh_is_ipv4u(const struct refresh_msg *r)
{
	return r->afi == AFI_IPV4 && r->safi == SAFI_UNICAST;
}

/* ------------------------------------------------------------------ UPDATE */

/* RFC 7606 §2 outcomes, ordered by severity so the worst wins. */
enum verdict { V_OK, V_ATTR_DISCARD, V_TREAT_AS_WITHDRAW, V_SESSION_RESET };

struct nlri {
	struct prefix	pfx;
	uint32_t	path_id;	/* 0 without ADD-PATH */
};

/*
 * One decoded UPDATE. Owned by the session and reused from message to
 * message (msg_update_init/fini); arrays are valid until the next parse.
 */
struct update_msg {
	enum verdict	 verdict;
	struct bgp_err	 err;		/* the NOTIFICATION when V_SESSION_RESET */
	struct nlri	*withdrawn;	/* withdrawn routes + MP_UNREACH (IPv4 unicast) */
	size_t		 nwithdrawn;
	struct nlri	*announced;	/* NLRI + MP_REACH; empty after treat-as-withdraw */
	size_t		 nannounced;
	/* Interned, one reference owned by this struct (dropped at the next parse
	 * or fini): take your own with attrs_ref(). NULL when nothing is announced. */
	const struct attr_set *attrs;
	bool		 eor;		/* End-of-RIB for IPv4 unicast (RFC 4724 §2) */
	uint64_t	 discarded;	/* ATTRF() of attributes discarded (RFC 7606 §2) */
	uint16_t	 unknown_skipped;	/* unknown non-transitive optional dropped */
	/* scratch */
	size_t		 cap_w, cap_a, cap_scratch;
	uint32_t	*scratch;
};

void	msg_update_init(struct update_msg *u);
void	msg_update_fini(struct update_msg *u);

/*
 * Parse an UPDATE body (RFC 4271 §4.3, RFC 7606). Returns the verdict (also
 * in u->verdict). V_SESSION_RESET: u->err is the NOTIFICATION; nothing else
 * in u may be used. V_TREAT_AS_WITHDRAW: every announced prefix was moved to
 * u->withdrawn. V_ATTR_DISCARD: the offending attributes are not in u->attrs.
 * Allocation failure is fatal() (STYLE 3).
 */
enum verdict msg_update_parse(struct cursor *c, const struct msg_ctx *ctx,
	    struct attrs_tab *tab, struct update_msg *u);

/* Encoder: prefixes sharing one attribute set, packed into few messages. */
struct update_out {
	const struct attr_set *attrs;	/* NULL: withdrawals only */
	const struct nlri *nlri;	/* announced, or withdrawn when attrs == NULL */
	size_t		 n;
	size_t		 done;		/* in/out: how many were written so far */
};

/*
 * Append one UPDATE to w carrying as many of o->nlri[o->done..] as fit in
 * msg_max_len(ctx); advances o->done. Toward a 2-octet peer (!ctx->as4) the
 * AS_PATH is written with AS_TRANS and an AS4_PATH/AS4_AGGREGATOR added
 * (RFC 6793 §4.2.2). Path IDs when ctx->addpath_tx. 0 or -errno (-ENOBUFS
 * if not even one prefix fits).
 */
MUST_USE int msg_update_write(struct wbuf *w, const struct msg_ctx *ctx,
	    struct update_out *o);
/* End-of-RIB for IPv4 unicast: an UPDATE with no withdrawn routes and no attributes. */
MUST_USE int msg_eor_write(struct wbuf *w);

/* NLRI (bgpd/nlri.c): one prefix, optionally with a path ID (RFC 7911 §3). */
MUST_USE int nlri_parse(struct cursor *c, bool addpath, struct nlri *n);
void	nlri_write(struct wbuf *w, bool addpath, const struct nlri *n);
static inline size_t
nlri_wire_len(const struct nlri *n, bool addpath)
{
	return (addpath ? 4u : 0u) + 1u + (n->pfx.len + 7u) / 8u;
}

#endif
