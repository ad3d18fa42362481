/*
 * bgpd/peer.h - BGP neighbors: their configuration, the RFC 4271 §8 state
 * machine, the sessions' transport and timers, and the hooks through which
 * the RIB glue learns what the sessions carry.
 *
 * One struct bgp holds the router-wide settings, the listener and the list of
 * peers; it owns every struct peer (peer_new/peer_free through bgp_peer_add/
 * bgp_peer_del). Message bytes are built and parsed by the codec (msg.h);
 * nothing here touches the RIB or the kernel routing table.
 *
 * Files: fsm.c (the transition table, pure), peer.c (peer life, timers,
 * actions), session.c (messages in and out), transport.c (sockets,
 * bufferevents), listen.c (accepting), bgp.c (the instance).
 */
#ifndef IPIP_BGPD_PEER_H
#define IPIP_BGPD_PEER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bgpd/accept.h"
#include "bgpd/msg.h"
#include "bgpd/peer_cfg.h"
#include "lib/compiler.h"
#include "lib/cursor.h"
#include "lib/tcpext.h"
#include "lib/log.h"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;

#define PEER_HOLD_LARGE		240	/* §8: hold timer while waiting for OPEN */
#define PEER_BACKOFF_MAX	600	/* connect-retry and idle-hold never exceed this */
#define PEER_IDLE_HOLD_MIN	1	/* first restart after an error, seconds */
#define PEER_STABLE_SECS	120	/* up this long: the next error is not a flap */
#define PEER_SEND_HOLD_MIN	480	/* RFC 9687 §3: 8 minutes, or 2 x hold time */
#define PEER_IN_MAX		(2 * BGP_EXT_MAX_LEN)	/* bytes read ahead of parsing */
#define PEER_OUT_MAX		(8 * 1024 * 1024)	/* queued for a slow reader */
#define PEER_MSGS_PER_TURN	64	/* messages handled per loop turn (STYLE 7) */

/* RFC 4271 §8.2.2 states. */
enum peer_state {
	PEER_IDLE, PEER_CONNECT, PEER_ACTIVE, PEER_OPENSENT, PEER_OPENCONFIRM,
	PEER_ESTABLISHED, PEER_STATE_MAX
};

/* RFC 4271 §8.1 events, as far as this implementation raises them. */
enum fsm_event {
	FSM_START,		/* ManualStart / AutomaticStart (1, 3) */
	FSM_START_PASSIVE,	/* ..._with_PassiveTcpEstablishment (4, 5) */
	FSM_STOP,		/* ManualStop (2) */
	FSM_CONNRETRY_EXPIRED,	/* 9 */
	FSM_HOLD_EXPIRED,	/* 10 */
	FSM_KEEPALIVE_EXPIRED,	/* 11 */
	FSM_SENDHOLD_EXPIRED,	/* RFC 9687 */
	FSM_TCP_OK,		/* Tcp_CR_Acked / TcpConnectionConfirmed (16, 17) */
	FSM_TCP_FAIL,		/* TcpConnectionFails (18) */
	FSM_OPEN_OK,		/* BGPOpen (19) */
	FSM_MSG_ERR,		/* BGPHeaderErr, BGPOpenMsgErr, UpdateMsgErr (21, 22, 28) */
	FSM_NOTIFY_RCVD,	/* NotifMsg (25) */
	FSM_KEEPALIVE_RCVD,	/* KeepAliveMsg (26) */
	FSM_UPDATE_RCVD,	/* UpdateMsg (27) */
	FSM_REFRESH_RCVD,	/* ROUTE-REFRESH (RFC 2918) */
	FSM_EVENT_MAX
};

/* What the machine does on a transition; peer.c has one function per action. */
enum fsm_action {
	FA_NONE,		/* event ignored in this state */
	FA_CONNECT,		/* arm connect-retry, open a TCP connection */
	FA_LISTEN,		/* passive: wait for the peer to connect */
	FA_RETRY,		/* drop the attempt, connect again */
	FA_RETRY_WAIT,		/* drop the connection, wait connect-retry */
	FA_SEND_OPEN,		/* connected: send OPEN, hold timer large */
	FA_OPEN_ACCEPT,		/* OPEN good: send KEEPALIVE, negotiated timers */
	FA_ESTABLISH,		/* first KEEPALIVE: session up */
	FA_KEEPALIVE_SEND,
	FA_HOLD_RESTART,	/* KEEPALIVE in Established */
	FA_UPDATE,		/* hand the UPDATE to the hook, restart hold */
	FA_REFRESH,		/* hand the ROUTE-REFRESH to the hook */
	FA_NOTIFY_FSM,		/* NOTIFICATION 5/x (RFC 6608), drop, idle-hold */
	FA_NOTIFY_HOLD,		/* NOTIFICATION 4/0, drop, idle-hold */
	FA_NOTIFY_SENDHOLD,	/* NOTIFICATION 8/0 best effort (RFC 9687), drop */
	FA_NOTIFY_ERR,		/* the NOTIFICATION the parser filled, drop, idle-hold */
	FA_NOTIFY_CEASE,	/* Cease with the shutdown communication, drop, stay Idle */
	FA_CLOSE_ERR,		/* drop (peer sent NOTIFICATION or TCP failed), idle-hold */
	FA_CLOSE_ADMIN,		/* drop without NOTIFICATION, stay Idle */
	FA_MAX
};

struct fsm_step {
	uint8_t	next;		/* enum peer_state */
	uint8_t	action;		/* enum fsm_action */
};

/* The §8 table: what happens on ev in state s. Never NULL. */
const struct fsm_step *fsm_step(enum peer_state s, enum fsm_event ev);
const char *peer_state_name(enum peer_state);	/* "Established" */
const char *fsm_event_name(enum fsm_event);
const char *fsm_action_name(enum fsm_action);
/* RFC 6608 FSM error subcode for an unexpected message in s. */
uint8_t	fsm_err_subcode(enum peer_state s);
/*
 * Exponential backoff with RFC 4271 §10 jitter: base * 2^attempts, capped at
 * max(base, PEER_BACKOFF_MAX), then scaled by rnd in [0.75, 1.0] (rnd is
 * 0..UINT32_MAX). Milliseconds, never below 1000 * min(base, 1).
 */
uint64_t fsm_backoff_ms(unsigned base_secs, unsigned attempts, uint32_t rnd);
/* §6.8: keep the connection we opened when our identifier is the higher. */
bool	fsm_collision_keep_ours(uint32_t local_id, uint32_t remote_id);

#define PEER_NOTIFY_CODES	9
#define PEER_NOTIFY_SUBCODES	16

/* Counters for `show bgp neighbors`. */
struct peer_stats {
	uint64_t	msgs_in[6], msgs_out[6];	/* by type; [0] unused */
	/* NOTIFICATIONs by [code][subcode]: code 0 = codes above 8, subcode 15 = 15 and above */
	uint64_t	notify_in[PEER_NOTIFY_CODES][PEER_NOTIFY_SUBCODES];
	uint64_t	notify_out[PEER_NOTIFY_CODES][PEER_NOTIFY_SUBCODES];
	uint64_t	established;	/* transitions to Established */
	uint64_t	dropped;	/* transitions out of Established */
	uint64_t	resets;		/* sessions (OpenSent or later) torn down to start again */
	uint64_t	refused;	/* incoming connections refused */
};

/* Count a NOTIFICATION sent or received in its [code][subcode] slot. */
static inline void
peer_stats_notify(uint64_t t[PEER_NOTIFY_CODES][PEER_NOTIFY_SUBCODES], uint8_t code,
    uint8_t subcode)
{
	t[code < PEER_NOTIFY_CODES ? code : 0][subcode < PEER_NOTIFY_SUBCODES ?
	    subcode : PEER_NOTIFY_SUBCODES - 1]++;
}

struct peer_conn;
struct peer;

/* The RIB glue's view of the sessions. Every hook may be NULL. */
struct peer_hooks {
	/* A whole UPDATE body (header checked). Non-zero with *err filled resets the session. */
	int	(*update)(struct peer *, struct cursor *body, struct bgp_err *err, void *arg);
	void	(*up)(struct peer *, void *arg);	/* entered Established */
	void	(*down)(struct peer *, void *arg);	/* left Established */
	void	(*eor)(struct peer *, void *arg);	/* End-of-RIB, IPv4 unicast (RFC 4724 §2) */
	/* ROUTE-REFRESH for IPv4 unicast; subtype RR_NORMAL/BORR/EORR (RFC 7313). */
	void	(*refresh)(struct peer *, uint8_t subtype, void *arg);
	void	*arg;
};

struct bgp;
struct rde;

struct peer {
	struct peer_cfg		 cfg;
	struct bgp		*bgp;		/* borrowed: the instance that owns this peer */
	struct peer		*next;
	char			 name[INET_ADDRSTRLEN];	/* "10.0.0.2" for log lines */
	enum peer_state		 state;
	struct peer_conn	*conn;		/* the session's connection, or NULL */
	struct peer_conn	*coll;		/* an incoming one racing it (§6.8), or NULL */
	struct event		*t_connect, *t_hold, *t_keepalive, *t_idle_hold, *t_send_hold;
	struct event		*ev_input;	/* more messages wait in the input buffer */
	unsigned		 connect_attempts;	/* failures since the last OPEN, for backoff */
	int			 connect_err;	/* errno of the last connect() logged; 0 none */
	bool			 md5_hinted;	/* md5watch.c warned; until Established */
	bool			 ttl_hinted;	/* peer_ttl_hint() warned; until Established */
	unsigned		 flaps;		/* errors since the session was last stable */
	uint16_t		 hold;		/* negotiated, seconds (0: no hold timer) */
	uint16_t		 keepalive;
	uint32_t		 remote_id;	/* the peer's BGP Identifier, host order */
	uint32_t		 open_as;	/* the AS in its last OPEN accepted; 0 none */
	struct bgp_caps		 caps_rx;	/* what the peer announced */
	struct bgp_caps		 caps_tx;	/* what we announced */
	struct msg_ctx		 ctx;		/* negotiated: parse/write UPDATEs with it */
	struct sockaddr_in	 local, remote;	/* of the session's connection */
	struct timespec		 since;		/* monotonic: entered the current state */
	struct timespec		 last_read, last_write;
	struct peer_stats	 stats;
	struct bgp_err		 last_err;	/* last NOTIFICATION sent or received */
	bool			 last_err_sent;
	bool			 notified;	/* this session sent or got a NOTIFICATION */
	uint8_t			 notify_rcvd_level;	/* LOG_NOTICE (Cease) or LOG_WARNING:
						   last_reason is a received NOTIFICATION
						   that peer_drop() logs once; 0 none */
	char			 last_reason[256];	/* why the last attempt or session ended */
	/*
	 * What `show bgp neighbors` prints as the last reset: last_reason as it
	 * was when a session ended that was Established or exchanged a
	 * NOTIFICATION. A TCP failure afterwards (a neighbor that is shut down
	 * refuses or resets our attempts) does not replace it, so its RFC 9003
	 * shutdown communication stays visible (FRR's lastResetDueTo).
	 */
	char			 reset_reason[256];
	struct peer_hooks	 hooks;
	struct log_ratelimit	 refused_rl;	/* its extra connections, logged */
	struct log_ratelimit	 fail_rl;	/* sessions ending before Established, logged */
	/* Scratch for the event being handled (valid during peer_fsm_event only). */
	struct bgp_err		 pending_err;	/* what FA_NOTIFY_ERR / _CEASE send */
	struct cursor		 rx_body;	/* the UPDATE body for FA_UPDATE */
	struct refresh_msg	 rx_refresh;	/* for FA_REFRESH */
	unsigned		 conn_gen;	/* bumped whenever conn changes */
};

/* An instance: the router's settings, the listener, its peers. */
struct bgp {
	struct event_base	*base;		/* borrowed */
	uint32_t		 asn;
	uint32_t		 router_id;	/* host order */
	struct in_addr		 listen_addr;	/* INADDR_ANY by default */
	uint16_t		 port;		/* 179 by default; 0: do not listen */
	struct evconnlistener	*listener;
	struct accept_guard	 listen_guard;	/* pauses it when accept() fails */
	uint64_t		 accept_paused;	/* times that happened, across listeners */
	int			 listen_fd;
	struct peer		*peers;
	struct peer_hooks	 hooks;		/* given to every peer */
	struct rde		*rde;		/* owned: UPDATEs into the RIB (rde.h) */
	struct log_ratelimit	 refused_rl;
	bool			 started;	/* bgp_start ran: new peers start at once */
	bool			 stopping;	/* no automatic restarts */
	/* Graceful restart, restarting side (RFC 4724), for `bgp graceful-restart` */
	bool			 gr_restarting;	/* our routes of an earlier run were in the kernel */
	time_t			 gr_since;	/* monotonic seconds: the R bit's window starts */
	bool			 gr_stop;	/* graceful stop: no NOTIFICATION, routes stay */
	/* md5watch.c: the kernel's TCP MD5 drop counters while a peer is down */
	struct event		*md5_ev;
	struct tcp_md5_stats	 md5_last;
	bool			 md5_have;	/* md5_last is a baseline */
};

/* ------------------------------------------------------------ md5watch.c */
/* Watch the TCP MD5 drop counters while a peer is down; warn each such peer once. */
void	bgp_md5watch_start(struct bgp *);
void	bgp_md5watch_stop(struct bgp *);

/* ----------------------------------------------------------------- bgp.c */
/* A stopped instance on base; nothing listens until bgp_start. */
struct bgp *bgp_new(struct event_base *base, uint32_t asn, uint32_t router_id);
/*
 * Cease every session (RFC 4486 2: administrative shutdown), free all. NULL ok.
 * After bgp_graceful_stop(): close them without a NOTIFICATION instead and leave
 * our routes and tunnels in the kernel, so peers and forwarding keep going
 * until we are back (RFC 4724).
 */
void	bgp_free(struct bgp *);
void	bgp_graceful_stop(struct bgp *);
/* Whether OPENs say we restarted (R bit): within the restart time after a start
 * that found our routes still in the kernel. */
bool	bgp_gr_restart_bit(const struct bgp *, uint16_t restart_time);
/* Listen (unless port 0) and start every peer not shut down. 0 or -errno (logged). */
MUST_USE int bgp_start(struct bgp *);
/* Add a peer made from cfg (copied); -EEXIST if the address is taken. */
MUST_USE int bgp_peer_add(struct bgp *, const struct peer_cfg *, struct peer **out);
/* Stop (Cease 3, peer de-configured) and free. */
void	bgp_peer_del(struct bgp *, struct peer *);
/*
 * New settings for a peer (cfg copied; same address). reset: what its session
 * was opened with changed, so it restarts with Cease 6 (Other Configuration
 * Change, RFC 4486); otherwise it keeps running and the new values apply at
 * once (description, policy) or from its next session (timers). A change of
 * shutdown stops it (Cease 2 with the message, RFC 9003) or starts it.
 */
void	bgp_peer_update(struct bgp *, struct peer *, const struct peer_cfg *, bool reset);
/*
 * Listen on addr:port instead (port 0: not at all); sessions are untouched.
 * 0, or -errno (logged) with the old listener kept when it can be reopened.
 */
int	bgp_listen_set(struct bgp *, struct in_addr addr, uint16_t port);
struct peer *bgp_peer_find(const struct bgp *, struct in_addr addr);
void	bgp_set_hooks(struct bgp *, const struct peer_hooks *);

/* ---------------------------------------------------------------- peer.c */
/* Owned by the caller (bgp_peer_add keeps it). Idle, no timers running. */
struct peer *peer_new(struct bgp *, const struct peer_cfg *);
void	peer_free(struct peer *);
/* Feed one event to the machine: the table says the next state and the action. */
void	peer_fsm_event(struct peer *, enum fsm_event);
/* Start the peer (active or passive, per its config); shut-down peers stay Idle. */
void	peer_start(struct peer *);
/* The same for an operator's action (config change, clear bgp): the connect
 * backoff starts over, so a fixed password or address is tried at once. */
void	peer_start_now(struct peer *);
/* Administrative stop: Cease (subcode, RFC 9003 text may be NULL), stay Idle. */
void	peer_stop(struct peer *, uint8_t subcode, const char *text);
/* `clear bgp`: Cease 4 (administrative reset, RFC 4486), then start again. */
void	peer_reset(struct peer *);
/* Why the last session went down, for `show` (reset_reason, else last_reason). */
const char *peer_reset_reason(const struct peer *);
/* last_reason now says why a session ended: keep it as the reset reason. */
void	peer_reason_keep(struct peer *);
/*
 * The RIB counted more prefixes than maximum-prefix allows: Cease 1 with
 * AFI/SAFI and the limit (RFC 4486 §4), then stay down, or restart after
 * max_prefix_restart minutes.
 */
void	peer_max_prefix_exceeded(struct peer *);
void	peer_set_update_cb(struct peer *,
	    int (*fn)(struct peer *, struct cursor *, struct bgp_err *, void *), void *arg);
static inline bool
peer_is_established(const struct peer *p)
{
	return p->state == PEER_ESTABLISHED;
}
/* The AS we speak as toward this peer. */
static inline uint32_t
peer_local_as(const struct peer *p)
{
	return p->cfg.local_as ? p->cfg.local_as : p->bgp->asn;
}
/* Its AS: configured, or with `remote-as external` the one its OPEN gave (0 before). */
static inline uint32_t
peer_remote_as(const struct peer *p)
{
	return p->cfg.remote_as_external ? p->open_as : p->cfg.remote_as;
}
static inline bool
peer_is_ebgp(const struct peer *p)
{
	return p->cfg.remote_as_external || p->cfg.remote_as != peer_local_as(p);
}
/*
 * How many hops away the peer may be, the TTL we send with: GTSM's 255
 * aside (peer_cfg.ttl_security_hops), FRR's choice: 255 for iBGP, for eBGP
 * `ebgp-multihop N`, else 1, so an eBGP session to a router one hop further
 * does not come up by accident (RFC 4271 leaves it to the implementation).
 */
static inline int
peer_ttl(const struct peer *p)
{
	if (!peer_is_ebgp(p))
		return PEER_TTL_MAX;
	return p->cfg.ebgp_multihop ? p->cfg.ebgp_multihop : 1;
}
/* Milliseconds in the current state (uptime when Established). */
int64_t	peer_state_msecs(const struct peer *);
/* log at level with "neighbor A.B.C.D: " in front. */
void	log_peer(const struct peer *, int level, const char *fmt, ...) PRINTF_LIKE(3, 4);
/*
 * The one line of `debug bgp updates in|out` for an UPDATE (session.c): dir
 * "in" or "out", how many prefixes it announces (the first named, with the
 * next hop) and withdraws. The caller checked that the topic is on.
 */
void	peer_update_log(const struct peer *, const char *dir, const struct nlri *ann,
	    size_t nann, const struct nlri *wd, size_t nwd, const struct attr_set *attrs);

/* -------------------------------------------------------------- session.c */
/* Queue a whole message (header included) for the peer; -ENOBUFS over PEER_OUT_MAX. */
MUST_USE int peer_send(struct peer *, const void *msg, size_t len);
/*
 * ROUTE-REFRESH for IPv4 unicast: RR_NORMAL asks the peer to send its table
 * again (RFC 2918); RR_BORR/RR_EORR frame our answer (RFC 7313). 0 or -errno.
 */
MUST_USE int peer_refresh_send(struct peer *, uint8_t subtype);
/* Close the session without a NOTIFICATION (graceful restart: the peer keeps our routes). */
void	peer_stop_graceful(struct peer *);

/* Both sides announced enhanced route refresh (RFC 7313 §3.1). */
static inline bool
peer_enhanced_rr(const struct peer *p)
{
	return p->caps_tx.enhanced_rr && p->caps_rx.enhanced_rr;
}
/* Bytes queued and not yet written. */
size_t	peer_out_queued(const struct peer *);

#endif
