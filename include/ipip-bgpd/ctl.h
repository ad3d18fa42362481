/*
 * include/ipip-bgpd/ctl.h - the control protocol between ipip-bgpd and its
 * clients (ipip-vtysh). This header is the whole contract: the shell links
 * no daemon module.
 *
 * Transport: a unix stream socket. Every message is a frame:
 *
 *	u32 len		whole frame, header included, network byte order
 *	u8  version	CTL_VERSION; a mismatch is refused, never guessed at
 *	u8  flags	0
 *	u16 type	enum ctl_type, network byte order
 *	u32 seq		chosen by the client, echoed in every answer
 *	... payload	len - CTL_HDR_LEN bytes, at most CTL_PAYLOAD_MAX
 *
 * A request is one frame. The daemon answers with zero or more record frames
 * of the request's own type, then CTL_END, or CTL_ERROR (a struct ctl_error)
 * instead of CTL_END. Records are the plain structs below in host byte order
 * (both ends run on one machine and are built from one tree); a record whose
 * payload size differs from its struct is refused. Strings are NUL-padded
 * and the reader terminates them itself. Error texts come without the
 * shell's "% " (the shell adds it). The daemon never prints text for
 * `show` commands: the shell renders records as text or JSON.
 */
#ifndef IPIP_BGPD_CTL_H
#define IPIP_BGPD_CTL_H

#include <stdint.h>

#define CTL_VERSION	1
#define CTL_HDR_LEN	12
#define CTL_FRAME_MAX	(64 * 1024)
#define CTL_PAYLOAD_MAX	(CTL_FRAME_MAX - CTL_HDR_LEN)
/* Group whose members may use the control socket besides root. */
#define CTL_GROUP	"ipipbgpd"

enum ctl_type {
	CTL_ERROR = 1,		/* answer: struct ctl_error; ends the request */
	CTL_END = 2,		/* answer: no payload; ends the request */
	CTL_SHOW_VERSION = 3,	/* request: no payload; answer: struct ctl_version */
	CTL_SHOW_DAEMON = 4,	/* request: no payload; answer: struct ctl_daemon */
	/* Configuration (issue 7); numbered apart so other requests can grow below. */
	CTL_SHOW_RUNNING = 32,	/* request: no payload; answer: struct ctl_text records
				   whose concatenation is the running config as YANG JSON */
	CTL_CONFIG = 33,	/* request: text lines, the shell's block context then the
				   command; answer: CTL_END when applied, else ctl_text
				   records (one error per line, "line N: PATH: reason"
				   where N counts the request's lines, or "PATH:
				   reason") then CTL_ERROR */
	CTL_RELOAD = 34,	/* request: no payload; reload the config file as SIGHUP
				   does; answer: CTL_END, or ctl_text records (the
				   file's errors, "FILE:LINE: PATH: reason" a line)
				   then CTL_ERROR */
	CTL_WRITE = 35,		/* request: no payload; write the running config to the
				   file (temp file + rename); answer: a ctl_text, CTL_END */
	CTL_GRACEFUL_RESTART = 36,	/* request: no payload; stop gracefully (RFC 4724):
				   a ctl_text saying what stays, CTL_END, then the
				   daemon exits; CTL_ERROR without bgp graceful-restart */
	/* BGP sessions (bgpd/ctl_bgp.c); numbered apart so other blocks merge cleanly */
	CTL_SHOW_BGP = 48,		/* request: none; answer: struct ctl_bgp */
	CTL_SHOW_BGP_NEIGHBORS = 49,	/* request: none (all) or struct ctl_neighbor_req;
					 * answer: a struct ctl_neighbor per peer; none
					 * for an address that is no neighbor */
	CTL_CLEAR_BGP = 50,		/* request: struct ctl_neighbor_req, addr "*" for all;
					 * answer: CTL_END once every session was reset */
	CTL_SHOW_BGP_STATISTICS = 51,	/* request: none; answer: a struct ctl_bgp_stats
					 * CTL_STATS_HEAD, then one CTL_STATS_PEER per peer */
	CTL_CLEAR_BGP_SOFT = 52,	/* request: struct ctl_clear_req; answer: CTL_END,
					 * or an error naming what could not be done */
	/* The BGP RIB (bgpd/ctl_rib.c) */
	CTL_SHOW_BGP_IPV4 = 64,		/* request: none (whole table) or struct ctl_rib_req;
					 * answer: a struct ctl_rib_rec per path, prefixes in
					 * order, streamed in chunks; none for a prefix
					 * not in the table */
	/* The overlay decision (bgpd/ctl_overlay.c) */
	CTL_SHOW_OVERLAY = 80,		/* request: none; answer: a struct ctl_overlay_rec
					 * head, then one per next hop in use */
	/* What we announce (bgpd/ctl_adj.c) */
	CTL_SHOW_BGP_ADVERTISED = 96,	/* request: struct ctl_neighbor_req; answer: a
					 * struct ctl_rib_rec per path sent to it (path
					 * = the attributes as sent; one per prefix unless
					 * ADD-PATH send), prefixes in order */
	/* Tunnels and kernel routes (bgpd/ctl_fwd.c) */
	CTL_SHOW_TUNNEL = 112,		/* request: none (all) or struct ctl_tunnel_req (one
					 * device); answer: a struct ctl_tunnel_rec head, then
					 * one per tunnel, streamed in chunks; with a name,
					 * then one CTL_FWD_ROUTE per next hop of ours through
					 * the device, or CTL_ERROR "no tunnel NAME" */
	CTL_SHOW_IP_ROUTE = 113,	/* request: none; answer: a struct ctl_kroute_rec
					 * head, then one per route we install, streamed */
	CTL_SHOW_IP_NEXTHOP_GROUP = 114,	/* request: none; answer: a struct ctl_nhg_rec
					 * head, then one per kernel nexthop group, streamed */
	CTL_SHOW_IP_FIB = 115,		/* request: none; answer: one struct ctl_fib_stats */
	/* Debug topics (bgpd/ctl_show.c); bit t is topic t of lib/debug.h */
	CTL_SHOW_DEBUGGING = 128,	/* request: none; answer: struct ctl_debugging */
	CTL_DEBUG = 129,		/* request: struct ctl_debug_req; turns topics on or
					 * off at once, config untouched; answer: struct
					 * ctl_debugging, the new state */
	CTL_TYPE_MAX
};

struct ctl_error {
	char	msg[256];
};

/* A piece of text; len bytes of text[] are meaningful. */
#define CTL_TEXT_MAX	8192
struct ctl_text {
	uint32_t	len;
	char		text[CTL_TEXT_MAX];
};

struct ctl_version {
	char	version[32];	/* "0.1.0" */
	char	git_rev[64];	/* git describe at build time */
	char	features[128];	/* space-separated build features */
};

struct ctl_daemon {
	int64_t	pid;
	int64_t	started;	/* unix time the daemon started */
	int64_t	uptime;		/* seconds, monotonic */
	int32_t	log_level;	/* syslog level */
	char	log_level_name[16];
	char	hostname[64];
	char	config_file[256];	/* "" when none */
	char	ctl_socket[108];
	char	pid_file[256];
	uint64_t nofile;		/* open files limit (RLIMIT_NOFILE, soft) */
	uint64_t ctl_accept_paused;	/* times the control socket stopped accepting
					 * for a while: accept() failed (EMFILE...) */
};

/* Debug topics: DEBUG_BIT()s of lib/debug.h. */
struct ctl_debug_req {
	uint32_t	on, off;	/* turned on, then off */
};
struct ctl_debugging {
	uint32_t	on;		/* topics logging now */
	uint32_t	configured;	/* topics the running config's `debug` lines name */
	int32_t		log_level;	/* syslog level, for the note that topics ignore it */
	char		log_level_name[16];
};

/* ------------------------------------------------------------ BGP sessions */

struct ctl_bgp {
	uint8_t		configured;	/* 0: no `router bgp`; nothing else is set */
	uint8_t		pad[3];
	uint32_t	asn;
	uint32_t	npeers;
	uint16_t	listen_port;	/* 0: not listening */
	char		router_id[16];	/* dotted quad */
	char		listen_addr[16];
};

struct ctl_neighbor_req {
	char		addr[16];	/* dotted quad */
};

enum { CTL_SOFT_IN = 1, CTL_SOFT_OUT = 2 };
struct ctl_clear_req {
	char		addr[16];	/* dotted quad, or "*" */
	uint32_t	dir;		/* CTL_SOFT_IN | CTL_SOFT_OUT */
};

/* Capability bits in ctl_neighbor.caps_adv / caps_rcv. */
enum {
	CTL_CAP_MP = 1 << 0, CTL_CAP_AS4 = 1 << 1, CTL_CAP_RR = 1 << 2,
	CTL_CAP_ENH_RR = 1 << 3, CTL_CAP_EXTMSG = 1 << 4, CTL_CAP_ADDPATH_RX = 1 << 5,
	CTL_CAP_ADDPATH_TX = 1 << 6, CTL_CAP_GR = 1 << 7, CTL_CAP_FQDN = 1 << 8,
};

/* UPDATEs bent or refused, indexing ctl_neighbor.upd_events (= enum rde_event). */
enum {
	CTL_UPD_TREAT_AS_WITHDRAW, CTL_UPD_ATTR_DISCARD, CTL_UPD_FIRST_AS,
	CTL_UPD_AS_LOOP, CTL_UPD_ORIGINATOR, CTL_UPD_CLUSTER_LOOP,
	CTL_UPD_NEXTHOP_SELF, CTL_UPD_POLICY, CTL_UPD_EVENTS
};

#define CTL_NOTIFY_CODES	9
#define CTL_NOTIFY_SUBCODES	16

/* Message types indexing msgs_in/msgs_out: 1 OPEN ... 5 ROUTE-REFRESH. */
#define CTL_MSG_TYPES	6

struct ctl_neighbor {
	char		addr[16];
	char		desc[81];		/* 80 characters at most */
	char		state[16];		/* "Established", RFC 4271 §8 names */
	char		hostname[65];		/* from the peer's hostname capability */
	uint8_t		passive, shutdown, md5, ttl_hops;	/* ttl_hops: GTSM, 0 off */
	uint8_t		ebgp;
	uint8_t		hops_max;		/* how far it may be: GTSM hops, else the TTL sent */
	uint8_t		last_err_sent;		/* 1: we sent the last NOTIFICATION */
	uint8_t		last_err_code, last_err_subcode;
	uint32_t	remote_as, local_as;
	char		remote_id[16], local_id[16];
	int64_t		state_msecs;		/* time in this state (uptime when Established) */
	int64_t		last_read_msecs, last_write_msecs;	/* ago; -1 never */
	uint64_t	msgs_in[CTL_MSG_TYPES], msgs_out[CTL_MSG_TYPES];
	uint64_t	established, dropped, refused;
	uint64_t	pfx_rcvd, pfx_sent;	/* paths in our RIB; prefixes in its Adj-RIB-Out */
	uint32_t	hold_cfg, keepalive_cfg, hold, keepalive, connect_retry;
	uint32_t	caps_adv, caps_rcv;	/* CTL_CAP_* */
	uint32_t	out_queued;		/* bytes waiting to be written */
	char		local_addr[16], remote_addr[16];	/* of the connection; "" none */
	uint16_t	local_port, remote_port;
	char		last_err_name[96];	/* "Cease/Administrative Shutdown" */
	char		last_reason[256];	/* why the last session ended */
	/* UPDATE handling (bgpd/rde.c), kept across sessions */
	uint64_t	upd_rcvd;		/* UPDATEs handled, End-of-RIB excluded */
	uint64_t	upd_events[CTL_UPD_EVENTS];	/* by CTL_UPD_* */
	/* Errors (issue 9), kept across sessions. NOTIFICATIONs by [code][subcode]:
	 * code 0 counts codes above 8, subcode 15 counts 15 and above. */
	uint64_t	notify_in[CTL_NOTIFY_CODES][CTL_NOTIFY_SUBCODES];
	uint64_t	notify_out[CTL_NOTIFY_CODES][CTL_NOTIFY_SUBCODES];
	uint64_t	attrs_discarded;	/* attributes dropped, RFC 7606 attribute discard */
	uint64_t	upd_session_resets;	/* UPDATEs that reset the session (RFC 7606 §2) */
	uint64_t	resets;			/* sessions (OpenSent or later) torn down and
						 * started again: errors either way, clear bgp */
	uint64_t	refresh_swept;		/* stale paths withdrawn after EoRR (RFC 7313) */
	uint8_t		in_refresh;		/* 1: between the peer's BoRR and EoRR */
};

/* show bgp statistics: one CTL_STATS_HEAD (table totals), one CTL_STATS_PEER each. */
enum { CTL_STATS_HEAD = 0, CTL_STATS_PEER = 1 };
struct ctl_bgp_stats {
	uint8_t		rec;		/* CTL_STATS_HEAD / CTL_STATS_PEER */
	uint8_t		pad[7];
	char		addr[16];	/* peer */
	char		state[16];	/* peer */
	/* head: the table; peer: its paths in the RIB (prefixes = paths = pfx_rcvd) */
	uint64_t	prefixes, paths;
	uint64_t	attr_sets, attr_bytes;	/* head: interned UPDATE attribute sets, bytes */
	uint64_t	rib_attr_sets;		/* head: distinct attribute sets in the RIB */
	uint64_t	table_bytes;		/* head: RIB nodes, path arrays, index */
	uint64_t	npeers, established;	/* head */
	/* head: sums over peers; peer: its own */
	uint64_t	updates, notify_in, notify_out;
	uint64_t	treat_as_withdraw, attr_discard, attrs_discarded;
	uint64_t	upd_session_resets, resets, dropped;
	uint64_t	accept_paused;	/* head: times the BGP listener stopped accepting
					 * for a while: accept() failed (EMFILE...) */
	/* head: TCP segments the kernel dropped for their MD5 signature in this
	 * network namespace (TcpExt TCPMD5Failure, NotFound, Unexpected) */
	uint64_t	md5_failure, md5_not_found, md5_unexpected;
};

/* ---------------------------------------------------------------- BGP RIB */

struct ctl_rib_req {
	char		prefix[20];	/* "A.B.C.D/M": that prefix only; "A.B.C.D": the
					 * longest prefix that covers it; "": the table */
	char		neighbor[16];	/* "A.B.C.D": only the paths it sent; "": all */
};

/* The prefix a path belongs to. */
struct ctl_route {
	char		prefix[20];	/* "10.0.0.0/24" */
	uint32_t	npaths;		/* paths of this prefix */
	uint32_t	index;		/* this path's position, 0.. */
};

#define CTL_ASPATH_MAX	256
#define CTL_COMMS_MAX	256

/* One path with what `show bgp ipv4 unicast` prints of it. */
struct ctl_path {
	char		peer[16];	/* neighbor address */
	char		peer_id[16];	/* its BGP identifier */
	char		nexthop[16];
	char		originator[16];	/* "" unless reflected */
	char		lost_to[16];	/* the best path's neighbor, when not best */
	char		lost_reason[48];	/* "higher local-pref" (rib_step_reason) */
	uint32_t	path_id;
	uint32_t	med, local_pref, weight;
	uint32_t	aspath_len, cluster_len;
	uint32_t	link_bw;	/* kbit/s, with has_link_bw */
	uint8_t		has_med, has_originator, has_link_bw;
	uint8_t		origin;		/* 0 IGP, 1 EGP, 2 incomplete */
	uint8_t		best, multipath, ebgp;
	uint8_t		valid;		/* next hop usable: a candidate for best */
	uint8_t		lost_at;	/* rib step number; 0 for the best */
	uint8_t		addpath_tx;	/* advertised-routes: path_id is our ADD-PATH id */
	uint8_t		has_local_pref;	/* LOCAL_PREF carried: iBGP, or set by our policy */
	char		aspath[CTL_ASPATH_MAX];	/* "65001 {65002,65003}" */
	char		comms[CTL_COMMS_MAX];	/* "65000:1 65000:2" */
	char		lcomms[CTL_COMMS_MAX];	/* "65000:1:2" */
	char		ext_comms[CTL_COMMS_MAX];	/* "rt 65000:1" style */
	/* Appended in the struct's tail padding: its size is unchanged. */
	uint8_t		local;		/* originated here (`network`, redistribute):
					 * peer, peer_id, ebgp mean nothing */
};

struct ctl_rib_rec {
	struct ctl_route	route;
	struct ctl_path		path;
};

/* show overlay: rec CTL_OVERLAY_HEAD (mode, driver) then CTL_OVERLAY_NH records. */
enum { CTL_OVERLAY_HEAD = 0, CTL_OVERLAY_NH = 1 };
struct ctl_overlay_rec {
	uint8_t		rec;		/* CTL_OVERLAY_HEAD / CTL_OVERLAY_NH */
	uint8_t		running;	/* head: 0 when nothing is installed (no BGP, or fib failed) */
	uint8_t		pad[2];
	uint32_t	mtu;		/* tunnel: its MTU (the routes'); direct: the device's; 0 none */
	uint32_t	prefixes;	/* prefixes using this next hop */
	uint32_t	ifindex;
	char		mode[16];	/* always | cross-subnet | never: head global, nh its own */
	char		driver[16];	/* head: userspace | bpf | kernel | none */
	char		nexthop[16];
	char		local[16];	/* our end of the session (tunnel source) */
	char		decision[8];	/* direct | tunnel | none */
	char		device[16];	/* IFNAMSIZ */
	char		reason[128];	/* nh: why direct or tunnel; head: why this driver */
	char		mode_source[80];	/* nh: "global", "neighbor A.B.C.D", "prefix-list NAME" */
};

/*
 * show tunnel: rec CTL_FWD_HEAD (driver, drops) then CTL_FWD_ROW per tunnel;
 * show tunnel NAME: the same for the tunnels on device NAME (an NBMA device:
 * one per remote), then CTL_FWD_ROUTE per route next hop through the device.
 */
enum { CTL_FWD_HEAD = 0, CTL_FWD_ROW = 1, CTL_FWD_ROUTE = 2 };
struct ctl_tunnel_req {
	char		name[16];	/* IFNAMSIZ: the device */
};
struct ctl_tunnel_rec {
	uint8_t		rec;		/* CTL_FWD_HEAD / CTL_FWD_ROW / CTL_FWD_ROUTE */
	uint8_t		running;	/* head: 0 without a tunnel manager */
	uint8_t		adopted;	/* found from an earlier run */
	uint8_t		nbma;		/* device shared per local: routes name the remote */
	uint32_t	ifindex, mtu, users;
	uint32_t	nexthops;	/* route: how many next hops the route has in all */
	char		name[16];	/* IFNAMSIZ */
	char		local[16], remote[16];
	char		driver[16];	/* head: userspace | bpf | kernel | none */
	char		prefix[20];	/* route: the prefix */
	char		via[16];	/* route: its gateway (NBMA: the remote); "" p2p */
	char		state[12];	/* route: installed | pending | failed | stale */
	uint64_t	rx_packets, rx_bytes, rx_errors;
	uint64_t	tx_packets, tx_bytes, tx_errors;
	uint64_t	drops_malformed, drops_no_tunnel;	/* head: before any tunnel */
};

/* show ip route: rec CTL_FWD_HEAD (protocol, table) then CTL_FWD_ROW per route. */
#define CTL_KROUTE_NH_MAX	64	/* FIB_NH_MAX */
struct ctl_kroute_nh {
	char		via[16];	/* "" for a point-to-point tunnel device */
	char		dev[16];	/* interface name; "" if gone */
	uint32_t	ifindex;
	uint16_t	weight;
	uint8_t		onlink;
	uint8_t		pad;
};
struct ctl_kroute_rec {
	uint8_t		rec;		/* CTL_FWD_HEAD / CTL_FWD_ROW */
	uint8_t		running;	/* head: 0 without a kernel FIB */
	uint8_t		protocol;	/* head: rtm_protocol of ours */
	uint8_t		pad;
	uint32_t	table;		/* head */
	char		prefix[20];
	char		state[12];	/* installed | pending | failed | stale */
	uint32_t	mtu;		/* 0: none */
	uint32_t	nhg_id;		/* kernel nexthop group id; 0: inline next hops */
	uint32_t	nnh;
	struct ctl_kroute_nh nh[CTL_KROUTE_NH_MAX];
};

/* show ip nexthop-group: rec CTL_FWD_HEAD (counts) then CTL_FWD_ROW per group. */
#define CTL_NHG_NH_MAX		64	/* FIB_NH_MAX */
struct ctl_nhg_nh {
	uint32_t	id;		/* kernel nexthop object id */
	uint32_t	ifindex;
	char		gateway[16];	/* "" for a point-to-point tunnel device */
	char		dev[16];	/* interface name; "" if gone */
	uint16_t	weight;
	uint8_t		onlink;
	uint8_t		installed;	/* the nexthop object is in the kernel now */
};
/* `show ip fib`: the kernel FIB's work and its repairs (rib/fib.h fib_stats). */
enum {
	CTL_FIB_ROUTES, CTL_FIB_ROUTES_KERNEL, CTL_FIB_GROUPS, CTL_FIB_NEXTHOPS,
	CTL_FIB_ROUTE_WRITES, CTL_FIB_ROUTE_DELS, CTL_FIB_GROUP_WRITES, CTL_FIB_GROUP_DELS,
	CTL_FIB_NH_WRITES, CTL_FIB_NH_DELS, CTL_FIB_MSGS, CTL_FIB_BATCHES,
	CTL_FIB_FAILURES, CTL_FIB_RETRIES, CTL_FIB_REPAIRED, CTL_FIB_NH_LOST,
	CTL_FIB_RESYNCS, CTL_FIB_ADOPTED, CTL_FIB_STALE_REMOVED, CTL_FIB_TUNNELS_REMADE,
	CTL_FIB_NCOUNTERS
};
struct ctl_fib_stats {
	uint8_t		running;	/* 0 without a kernel FIB */
	uint8_t		nexthop_objects;	/* 0: routes carry next hops inline */
	uint8_t		settled;	/* stale routes of an earlier run handled */
	uint8_t		pad;
	uint64_t	v[CTL_FIB_NCOUNTERS];
};

struct ctl_nhg_rec {
	uint8_t		rec;		/* CTL_FWD_HEAD / CTL_FWD_ROW */
	uint8_t		running;	/* head: 0 without a kernel FIB */
	uint8_t		nexthop_objects;	/* head: 0: routes carry next hops inline */
	uint8_t		pad;
	uint32_t	nexthops;	/* head: nexthop objects wanted */
	uint32_t	groups;		/* head: groups wanted */
	uint32_t	id;		/* kernel group id */
	char		type[12];	/* mpath | resilient */
	char		state[12];	/* installed | pending | failed | stale */
	uint32_t	refcnt;		/* routes that want this group */
	uint32_t	nnh;
	struct ctl_nhg_nh nh[CTL_NHG_NH_MAX];
};

#endif
