/*
 * bgpd/conf_bgp.c - FRR's `router bgp` statements, the subset the sessions
 * need, until the YANG config lands (issue 7):
 *
 *	router bgp ASN
 *	 bgp router-id A.B.C.D
 *	 bgp listen-address A.B.C.D		(ours: default 0.0.0.0)
 *	 bgp listen-port N			(ours: default 179, 0 = do not listen)
 *	 neighbor A.B.C.D remote-as ASN		(first, as in FRR)
 *	 neighbor A.B.C.D description TEXT
 *	 neighbor A.B.C.D local-as ASN
 *	 neighbor A.B.C.D password WORD
 *	 neighbor A.B.C.D passive
 *	 neighbor A.B.C.D port N
 *	 neighbor A.B.C.D timers KEEPALIVE HOLD
 *	 neighbor A.B.C.D timers connect N
 *	 neighbor A.B.C.D update-source A.B.C.D
 *	 neighbor A.B.C.D ttl-security hops N
 *	 neighbor A.B.C.D shutdown [message TEXT]
 *	 neighbor A.B.C.D route-reflector-client | next-hop-self | activate
 *	 neighbor A.B.C.D allowas-in [N]
 *	 neighbor A.B.C.D maximum-prefix N [restart MINUTES]
 *	 neighbor A.B.C.D addpath-tx-all-paths | addpath-rx
 *	 address-family ipv4 unicast / exit-address-family	(accepted, no effect)
 *
 * Only struct bgp_conf is written; nothing touches the running daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpd/conf_bgp.h"
#include "lib/compiler.h"
#include "lib/log.h"

struct cb_line {
	const char	*file;
	unsigned	 lineno;
	int		 argc;
	char *const	*argv;
};

#define CB_ERR(l, ...)	(cb_err((l), __VA_ARGS__), -1)

static void PRINTF_LIKE(2, 3)
cb_err(const struct cb_line *l, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_err("%s:%u: %s", l->file, l->lineno, buf);
}

/* A decimal in [lo, hi]; -1 if not. */
static int
cb_num(const char *s, unsigned long lo, unsigned long hi, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
cb_addr(const char *s, struct in_addr *a)
{
	return inet_pton(AF_INET, s, a) == 1 ? 0 : -1;
}

/* Words from..argc joined by spaces into buf. */
static void
cb_join(const struct cb_line *l, int from, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = from; i < l->argc; i++) {
		if (i > from)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, l->argv[i], len - strlen(buf) - 1);
	}
}

/* ----------------------------------------------------- router-level lines */

static int
cb_router(const struct cb_line *l, struct bgp_conf *c)
{
	uint32_t asn;

	if (l->argc != 3 || strcmp(l->argv[1], "bgp") != 0 ||
	    cb_num(l->argv[2], 1, UINT32_MAX, &asn) < 0)
		return CB_ERR(l, "router: expected 'router bgp ASN' (1-4294967295)");
	if (c->configured && c->asn != asn)
		return CB_ERR(l, "router bgp %u: already configured as AS %u", asn, c->asn);
	c->configured = true;
	c->asn = asn;
	return 0;
}

static int
cb_bgp(const struct cb_line *l, struct bgp_conf *c)
{
	struct in_addr a;
	uint32_t n;

	if (l->argc == 3 && strcmp(l->argv[1], "router-id") == 0) {
		if (cb_addr(l->argv[2], &a) < 0 || a.s_addr == 0)
			return CB_ERR(l, "bgp router-id: expected a non-zero A.B.C.D");
		c->router_id = ntohl(a.s_addr);
		return 0;
	}
	if (l->argc == 3 && strcmp(l->argv[1], "listen-address") == 0) {
		if (cb_addr(l->argv[2], &c->listen_addr) < 0)
			return CB_ERR(l, "bgp listen-address: expected A.B.C.D");
		return 0;
	}
	if (l->argc == 3 && strcmp(l->argv[1], "listen-port") == 0) {
		if (cb_num(l->argv[2], 0, 65535, &n) < 0)
			return CB_ERR(l, "bgp listen-port: expected 0-65535");
		c->listen_port = (uint16_t)n;
		c->no_listen = n == 0;
		return 0;
	}
	return CB_ERR(l, "bgp: expected router-id, listen-address or listen-port");
}

static int
cb_address_family(const struct cb_line *l, struct bgp_conf *c)
{
	if (strcmp(l->argv[0], "exit-address-family") == 0 && l->argc == 1)
		return 0;
	if (l->argc == 3 && strcmp(l->argv[1], "ipv4") == 0 && strcmp(l->argv[2], "unicast") == 0)
		return 0;
	return CB_ERR(l, "address-family: only 'ipv4 unicast' is supported");
}

/* -------------------------------------------------------- neighbor lines */

static int
nb_remote_as(const struct cb_line *l, struct peer_cfg *p)
{
	return cb_num(l->argv[3], 1, UINT32_MAX, &p->remote_as) < 0 ?
	    CB_ERR(l, "neighbor %s remote-as: expected 1-4294967295", l->argv[1]) : 0;
}

static int
nb_local_as(const struct cb_line *l, struct peer_cfg *p)
{
	return cb_num(l->argv[3], 1, UINT32_MAX, &p->local_as) < 0 ?
	    CB_ERR(l, "neighbor %s local-as: expected 1-4294967295", l->argv[1]) : 0;
}

static int
nb_description(const struct cb_line *l, struct peer_cfg *p)
{
	cb_join(l, 3, p->description, sizeof(p->description));
	return 0;
}

static int
nb_password(const struct cb_line *l, struct peer_cfg *p)
{
	if (strlen(l->argv[3]) > PEER_PASSWORD_MAX)
		return CB_ERR(l, "neighbor %s password: at most %d characters (RFC 2385 key)",
		    l->argv[1], PEER_PASSWORD_MAX);
	snprintf(p->password, sizeof(p->password), "%s", l->argv[3]);
	return 0;
}

static int
nb_passive(const struct cb_line *l, struct peer_cfg *p)
{
	p->passive = true;
	return 0;
}

static int
nb_port(const struct cb_line *l, struct peer_cfg *p)
{
	uint32_t n;

	if (cb_num(l->argv[3], 1, 65535, &n) < 0)
		return CB_ERR(l, "neighbor %s port: expected 1-65535", l->argv[1]);
	p->port = (uint16_t)n;
	return 0;
}

static int
nb_timers(const struct cb_line *l, struct peer_cfg *p)
{
	uint32_t ka, hold;

	if (l->argc == 5 && strcmp(l->argv[3], "connect") == 0) {
		if (cb_num(l->argv[4], 1, 65535, &ka) < 0)
			return CB_ERR(l, "neighbor %s timers connect: expected 1-65535", l->argv[1]);
		p->connect_retry = (uint16_t)ka;
		return 0;
	}
	/* RFC 4271 §4.2: hold time 0 or at least 3 seconds */
	if (l->argc != 5 || cb_num(l->argv[3], 0, 65535, &ka) < 0 ||
	    cb_num(l->argv[4], 0, 65535, &hold) < 0 || (hold > 0 && hold < 3))
		return CB_ERR(l, "neighbor %s timers: expected KEEPALIVE HOLD (hold 0 or 3-65535)",
		    l->argv[1]);
	p->keepalive = (uint16_t)ka;
	p->hold_time = (uint16_t)hold;
	return 0;
}

static int
nb_update_source(const struct cb_line *l, struct peer_cfg *p)
{
	return cb_addr(l->argv[3], &p->update_source) < 0 ?
	    CB_ERR(l, "neighbor %s update-source: expected A.B.C.D", l->argv[1]) : 0;
}

static int
nb_ttl_security(const struct cb_line *l, struct peer_cfg *p)
{
	uint32_t n;

	if (l->argc != 5 || strcmp(l->argv[3], "hops") != 0 || cb_num(l->argv[4], 1, 254, &n) < 0)
		return CB_ERR(l, "neighbor %s ttl-security: expected 'hops 1-254'", l->argv[1]);
	p->ttl_security_hops = (uint8_t)n;
	return 0;
}

static int
nb_shutdown(const struct cb_line *l, struct peer_cfg *p)
{
	p->shutdown = true;
	if (l->argc == 3)
		return 0;
	if (strcmp(l->argv[3], "message") != 0 || l->argc < 5)
		return CB_ERR(l, "neighbor %s shutdown: expected 'message TEXT'", l->argv[1]);
	cb_join(l, 4, p->shutdown_msg, sizeof(p->shutdown_msg));
	return 0;
}

static int
nb_flag(const struct cb_line *l, struct peer_cfg *p)
{
	const char *w = l->argv[2];

	if (strcmp(w, "route-reflector-client") == 0)
		p->rr_client = true;
	else if (strcmp(w, "next-hop-self") == 0)
		p->next_hop_self = true;
	else if (strcmp(w, "addpath-tx-all-paths") == 0)
		p->addpath_tx = true;
	else if (strcmp(w, "addpath-rx") == 0)
		p->addpath_rx = true;
	return 0;				/* "activate": IPv4 unicast is always on */
}

static int
nb_allowas_in(const struct cb_line *l, struct peer_cfg *p)
{
	uint32_t n = 3;				/* FRR's default */

	if (l->argc == 4 && cb_num(l->argv[3], 1, 10, &n) < 0)
		return CB_ERR(l, "neighbor %s allowas-in: expected 1-10", l->argv[1]);
	p->allowas_in = (uint8_t)n;
	return 0;
}

static int
nb_maximum_prefix(const struct cb_line *l, struct peer_cfg *p)
{
	uint32_t n, r = 0;

	if (cb_num(l->argv[3], 1, UINT32_MAX, &n) < 0 ||
	    (l->argc == 6 && (strcmp(l->argv[4], "restart") != 0 ||
	    cb_num(l->argv[5], 1, 65535, &r) < 0)) || l->argc == 5)
		return CB_ERR(l, "neighbor %s maximum-prefix: expected N [restart MINUTES]",
		    l->argv[1]);
	p->max_prefix = n;
	p->max_prefix_restart = (uint16_t)r;
	return 0;
}

static const struct {
	const char	*word;
	int		 min, max;	/* argc, "neighbor A word" included */
	int		(*fn)(const struct cb_line *, struct peer_cfg *);
} nb_table[] = {
	{ "remote-as", 4, 4, nb_remote_as },
	{ "local-as", 4, 4, nb_local_as },
	{ "description", 4, 8, nb_description },
	{ "password", 4, 4, nb_password },
	{ "passive", 3, 3, nb_passive },
	{ "port", 4, 4, nb_port },
	{ "timers", 5, 5, nb_timers },
	{ "update-source", 4, 4, nb_update_source },
	{ "ttl-security", 5, 5, nb_ttl_security },
	{ "shutdown", 3, 8, nb_shutdown },
	{ "route-reflector-client", 3, 3, nb_flag },
	{ "next-hop-self", 3, 3, nb_flag },
	{ "activate", 3, 3, nb_flag },
	{ "addpath-tx-all-paths", 3, 3, nb_flag },
	{ "addpath-rx", 3, 3, nb_flag },
	{ "allowas-in", 3, 4, nb_allowas_in },
	{ "maximum-prefix", 4, 6, nb_maximum_prefix },
};

static struct peer_cfg *
cb_peer_find(struct bgp_conf *c, struct in_addr a)
{
	for (size_t i = 0; i < c->npeers; i++)
		if (c->peers[i].remote_addr.s_addr == a.s_addr)
			return &c->peers[i];
	return NULL;
}

/* The neighbor a line names; remote-as creates it (FRR: it must come first). */
static struct peer_cfg *
cb_peer_get(const struct cb_line *l, struct bgp_conf *c, struct in_addr a)
{
	struct peer_cfg *p = cb_peer_find(c, a);

	if (p != NULL || strcmp(l->argv[2], "remote-as") != 0) {
		if (p == NULL)
			cb_err(l, "neighbor %s: set its remote-as first", l->argv[1]);
		return p;
	}
	if (c->npeers == BGP_CONF_PEERS_MAX) {
		cb_err(l, "neighbor %s: more than %d neighbors", l->argv[1], BGP_CONF_PEERS_MAX);
		return NULL;
	}
	p = &c->peers[c->npeers++];
	peer_cfg_init(p, a, 0);
	return p;
}

static int
cb_neighbor(const struct cb_line *l, struct bgp_conf *c)
{
	struct peer_cfg *p;
	struct in_addr a;

	if (l->argc < 3 || cb_addr(l->argv[1], &a) < 0)
		return CB_ERR(l, "neighbor: expected 'neighbor A.B.C.D ...'");
	for (size_t i = 0; i < ARRAY_SIZE(nb_table); i++) {
		if (strcmp(l->argv[2], nb_table[i].word) != 0)
			continue;
		if (l->argc < nb_table[i].min || l->argc > nb_table[i].max)
			return CB_ERR(l, "neighbor %s %s: wrong number of words", l->argv[1],
			    l->argv[2]);
		if ((p = cb_peer_get(l, c, a)) == NULL)
			return -1;
		return nb_table[i].fn(l, p);
	}
	return CB_ERR(l, "neighbor %s: unknown setting '%s'", l->argv[1], l->argv[2]);
}

static const struct {
	const char	*word;
	bool		 in_router;	/* only after `router bgp` */
	int		(*fn)(const struct cb_line *, struct bgp_conf *);
} cb_table[] = {
	{ "router", false, cb_router },
	{ "bgp", true, cb_bgp },
	{ "neighbor", true, cb_neighbor },
	{ "address-family", true, cb_address_family },
	{ "exit-address-family", true, cb_address_family },
};

int
conf_bgp_line(const char *file, unsigned lineno, int argc, char *const *argv, struct bgp_conf *c)
{
	const struct cb_line l = { file, lineno, argc, argv };

	for (size_t i = 0; i < ARRAY_SIZE(cb_table); i++) {
		if (strcmp(argv[0], cb_table[i].word) != 0)
			continue;
		if (cb_table[i].in_router && !c->configured)
			return CB_ERR(&l, "%s: only inside 'router bgp ASN'", argv[0]);
		return cb_table[i].fn(&l, c);
	}
	return CONF_BGP_NOT_MINE;
}
