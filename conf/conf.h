/*
 * conf/conf.h - the configuration: one YANG model (yang/ipip-bgpd.yang), held
 * in libyang trees, read from and written to FRR-style text, YANG JSON or XML.
 *
 * Linked by the daemon and by the shell; depends on lib/ and libyang only.
 * Every change takes one path (STYLE 2, 11): text lines -> a candidate tree
 * (each node's line recorded) -> validate -> the caller diffs the candidate
 * against its running tree (conf_diff_new) and applies the difference.
 * Nothing here touches the daemon's state.
 *
 * Errors go to a conf_err_fn as (where, line, YANG path, reason); the
 * standard printer makes "FILE:LINE: PATH: reason" (conf_err_format).
 */
#ifndef IPIP_CONF_CONF_H
#define IPIP_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/cli.h"
#include "lib/compiler.h"

struct ly_ctx;
struct lyd_node;

/* Blocks of the file and sub-modes of the shell. */
enum conf_mode {
	CONF_MODE_TOP,
	CONF_MODE_ROUTER,		/* router bgp ASN */
	CONF_MODE_AF,			/*  address-family ipv4 unicast */
	CONF_MODE_NEIGHBOR,		/*  neighbor A.B.C.D ... */
	CONF_MODE_PEER_GROUP,		/*  neighbor NAME ... */
	CONF_MODE_NEIGHBOR_AF,		/*   neighbor A.B.C.D ... (in address-family) */
	CONF_MODE_PEER_GROUP_AF,
	CONF_MODE_ROUTE_MAP,		/* route-map NAME permit|deny N */
	CONF_MODE_OVERLAY,		/* overlay */
	CONF_MODE_LINE,			/* line vty (FRR only: ignored) */
	CONF_MODE_MAX
};

/* One error: where is the file name or "command"; line 0 when unknown. */
typedef void conf_err_fn(void *arg, const char *where, unsigned line,
    const char *path, const char *msg);
/* "FILE:LINE: PATH: reason" (": LINE" left out when 0). */
void	conf_err_format(char *buf, size_t len, const char *where, unsigned line,
	    const char *path, const char *msg);

/* A context with the built-in model loaded; NULL on failure (logged). */
struct ly_ctx *conf_ctx_new(void);
void	conf_ctx_free(struct ly_ctx *);

/*
 * Text parsing. base (may be NULL) is copied: the candidate starts from it,
 * so the shell's lines edit a copy of the running tree. Lines are counted
 * from 1 by conf_parse_line. conf_parse_finish validates and hands the
 * candidate to *out (the caller frees it with lyd_free_all) when there was
 * no error; it returns the number of errors.
 */
struct conf_parse;
struct conf_parse *conf_parse_new(struct ly_ctx *, const struct lyd_node *base,
	    const char *where, conf_err_fn *, void *arg);
/* 0, or -1 after reporting the error. */
int	conf_parse_line(struct conf_parse *, const char *line);
MUST_USE int conf_parse_finish(struct conf_parse *, struct lyd_node **out);
void	conf_parse_free(struct conf_parse *);
/* The mode the parser is in after the lines so far (the shell's prompt). */
enum conf_mode conf_parse_mode(const struct conf_parse *);

/*
 * A whole file into a validated tree: *.json and *.xml are YANG data, anything
 * else FRR text. Returns the number of errors (each reported); *out is set
 * (possibly NULL: an empty configuration) only when there are none.
 */
MUST_USE int conf_load_file(struct ly_ctx *, const char *path, struct lyd_node **out,
    conf_err_fn *, void *arg);
/* Same from a stream; fmt from the name. */
MUST_USE int conf_load_stream(struct ly_ctx *, FILE *, const char *name,
    struct lyd_node **out, conf_err_fn *, void *arg);

/* The tree as FRR text, JSON or XML (YANG encodings). 0 or -1. */
enum conf_fmt { CONF_FMT_TEXT, CONF_FMT_JSON, CONF_FMT_XML };
int	conf_print(const struct lyd_node *tree, enum conf_fmt, FILE *out);
/* Parse YANG JSON text (as conf_print wrote it) into a validated tree. */
MUST_USE int conf_parse_json(struct ly_ctx *, const char *json, struct lyd_node **out,
    conf_err_fn *, void *arg);

/* --- the shell: modes, completion --- */
const char *conf_mode_prompt(enum conf_mode);	/* "config-router" */
/*
 * What line does in mode: the mode it leaves the shell in (the block it
 * opens, or mode itself), or -1 when it is no statement of mode. The shell
 * tries the outer blocks itself, as the file parser does.
 */
int	conf_line_mode(enum conf_mode, const char *line);
/* Choices for TAB and '?' after words[] in mode, as cmd_choices. */
size_t	conf_choices(enum conf_mode, char **words, int nwords, const char *partial,
	    struct cmd_choice *out, size_t max, bool *complete);

/* --- reload: what changed, and what that means for sessions --- */
enum conf_change_kind {
	CONF_CHANGE_NONE = 0,		/* no session touched: description; timers (next session) */
	CONF_CHANGE_DAEMON,		/* hostname, log, listener: applied by the daemon */
	CONF_CHANGE_SOFT,		/* policy: re-run it (soft refresh, RFC 2918) */
	CONF_CHANGE_RESET,		/* the session must restart: remote-as, password, ... */
	CONF_CHANGE_OVERLAY,		/* tunnels/routes re-decided */
};
enum conf_op { CONF_OP_CREATE, CONF_OP_DELETE, CONF_OP_REPLACE };

struct conf_change {
	enum conf_op		 op;
	enum conf_change_kind	 kind;
	const char		*path;		/* "/ipip-bgpd:bgp/neighbor[address='10.0.0.2']/remote-as" */
	const char		*neighbor;	/* "10.0.0.2" when under a neighbor or NULL */
	const char		*value;		/* new value (or old for delete); may be NULL */
};
typedef void conf_change_fn(const struct conf_change *, void *arg);

/* The difference running -> candidate (either may be NULL); NULL when none. */
MUST_USE int conf_diff_new(const struct lyd_node *running, const struct lyd_node *candidate,
    struct lyd_node **diff);
/* Call fn for every changed node of the diff, each classified. Returns the count. */
size_t	conf_diff_walk(const struct lyd_node *diff, conf_change_fn *fn, void *arg);

/* --- plain structs for the BGP speaker --- */
#define CONF_NAME_MAX	64

struct conf_timers {
	bool		set;
	uint16_t	keepalive, hold;
};

struct conf_neighbor {
	char		address[16];		/* "10.0.0.2" */
	char		peer_group[CONF_NAME_MAX];
	uint32_t	remote_as, local_as;	/* 0: unset */
	char		remote_as_type[9];	/* "internal", "external"; "" unset */
	char		description[81];
	char		password[81];
	char		update_source[16];	/* "" unset */
	bool		passive;
	uint8_t		ttl_security;		/* 0: off */
	uint8_t		ebgp_multihop;		/* 0: unset, eBGP TTL 1 */
	struct conf_timers timers;
	uint16_t	connect_retry;		/* seconds, 0: default */
	uint16_t	port;			/* 0: 179 */
	uint16_t	advertisement_interval;	/* MRAI seconds; 0: at once */
	bool		shutdown;
	char		shutdown_msg[129];
	bool		rr_client, next_hop_self;
	uint8_t		allowas_in;		/* 0: off */
	uint32_t	max_prefix;		/* 0: no limit */
	uint16_t	max_prefix_restart;	/* minutes, 0: stay down */
	bool		addpath_tx, addpath_rx;
	bool		activate_set, activate;	/* unset: bgp default ipv4-unicast */
	bool		soft_reconfig_in;	/* stored only: ROUTE-REFRESH is used */
	bool		send_standard, send_extended, send_large;	/* true unless `no send-community` */
	char		route_map_in[CONF_NAME_MAX], route_map_out[CONF_NAME_MAX];
	char		prefix_list_in[CONF_NAME_MAX], prefix_list_out[CONF_NAME_MAX];
};

struct conf_bgp {
	uint32_t	asn;			/* 0: no 'router bgp' */
	char		router_id[16];
	char		listen_address[16];
	uint16_t	listen_port;		/* 0: do not listen */
	struct conf_timers timers;
	uint8_t		maximum_paths_ebgp, maximum_paths_ibgp;
	char		cluster_id[16];		/* "" unset: the router-id */
	/* bgp bestpath ... and bgp always-compare-med */
	bool		as_path_ignore, multipath_relax, compare_routerid;
	bool		always_compare_med, med_missing_as_worst;
	bool		deterministic_med;
	char		bandwidth[32];		/* bgp bestpath bandwidth ...; "" unset */
	bool		ebgp_requires_policy;	/* RFC 8212; true unless `no bgp ebgp-requires-policy` */
	bool		log_neighbor_changes;	/* true unless `no bgp log-neighbor-changes` */
	bool		default_ipv4_unicast;	/* true unless `no bgp default ipv4-unicast` */
	bool		graceful_restart;	/* bgp graceful-restart (restarting side) */
	uint16_t	graceful_restart_time;	/* seconds, 1..4095 (120) */
};

/* Global BGP settings; asn 0 when BGP is not configured. */
void	conf_bgp_get(const struct lyd_node *tree, struct conf_bgp *);
typedef void conf_neighbor_fn(const struct conf_neighbor *, void *arg);
/*
 * Every neighbor, its peer-group's settings filled in where it sets none
 * itself. The struct is borrowed for the call. Returns the count.
 */
size_t	conf_bgp_neighbors(const struct lyd_node *tree, conf_neighbor_fn *, void *arg);

/*
 * Every `network A.B.C.D/M [route-map NAME]` (prefix text, "10.9.1.0/24";
 * route_map "" when none), borrowed for the call. Returns the count.
 */
typedef void conf_network_fn(const char *prefix, const char *route_map, void *arg);
size_t	conf_bgp_networks(const struct lyd_node *tree, conf_network_fn *, void *arg);
/* `redistribute PROTOCOL [route-map NAME]`: protocol "connected", "static" or "kernel". */
typedef void conf_redist_fn(const char *protocol, const char *route_map, void *arg);
size_t	conf_bgp_redistribute(const struct lyd_node *tree, conf_redist_fn *, void *arg);

/*
 * Policy objects (conf/policy.c), entry by entry in no particular order (the
 * caller sorts by seq). A list or route-map without entries is told once
 * with entry NULL, so it exists. Everything is borrowed for the call.
 */
struct conf_pl_entry {			/* ip prefix-list NAME seq N ... */
	uint32_t	seq;
	bool		permit;
	char		prefix[19];		/* "10.0.0.0/8" */
	uint8_t		ge, le;			/* 0: unset */
};
typedef void conf_pl_fn(const char *name, const struct conf_pl_entry *, void *arg);
size_t	conf_prefix_lists(const struct lyd_node *tree, conf_pl_fn *, void *arg);

struct conf_cl_entry {			/* bgp community-list standard NAME seq N ... */
	uint32_t	seq;
	bool		permit;
	char		community[16];		/* "65000:1", "no-export", ... */
};
typedef void conf_cl_fn(const char *name, const struct conf_cl_entry *, void *arg);
size_t	conf_community_lists(const struct lyd_node *tree, conf_cl_fn *, void *arg);

struct conf_rm_entry {			/* route-map NAME permit|deny N */
	uint16_t	seq;
	bool		permit;
	char		match_prefix_list[CONF_NAME_MAX];	/* "" unset */
	char		match_community_list[CONF_NAME_MAX];
	bool		match_aspath_len_set;
	uint16_t	match_aspath_len;
	bool		set_local_pref_set, set_metric_set, set_community_set;
	uint32_t	set_local_pref, set_metric;
	char		set_community[512];	/* the words, space separated */
	char		set_next_hop[16];	/* "" unset */
};
typedef void conf_rm_fn(const char *name, const struct conf_rm_entry *, void *arg);
size_t	conf_route_maps(const struct lyd_node *tree, conf_rm_fn *, void *arg);

/* Daemon-wide settings. level is a syslog level or -1 when unset. */
struct conf_daemon {
	char	hostname[64];
	int	log_level;
	bool	log_syslog;
	uint32_t debug;		/* `debug ...` statements: DEBUG_BIT()s of lib/debug.h */
};
void	conf_daemon_get(const struct lyd_node *tree, struct conf_daemon *);
/* The debug topics the tree turns on, as DEBUG_BIT()s. */
uint32_t conf_debug_get(const struct lyd_node *tree);

/* The `overlay` block (YANG defaults where unset): enumerations as their names. */
struct conf_overlay {
	char		mode[16];		/* always | cross-subnet | never */
	char		tunnel_style[16];	/* nbma | point-to-point */
	bool		tunnel_style_set;	/* configured, not the default */
	char		driver[16];		/* auto | kernel | bpf | userspace */
	char		ecmp_hash[8];		/* layer3 | layer4 */
	char		firewall[16];		/* none | nftables */
	uint16_t	mtu;			/* 0: underlay - 20 */
	uint8_t		route_protocol;
	uint32_t	table;
};
void	conf_overlay_get(const struct lyd_node *tree, struct conf_overlay *);
/*
 * The mode overrides of the `overlay` block: `neighbor A.B.C.D mode M`
 * (neighbor true, key the address) and `prefix-list NAME mode M` (key the
 * name). Returns how many.
 */
typedef void conf_overlay_override_fn(bool neighbor, const char *key, const char *mode,
    void *arg);
size_t	conf_overlay_overrides(const struct lyd_node *tree, conf_overlay_override_fn *,
	    void *arg);

#endif
