/*
 * bgpd/fsm.c - the RFC 4271 §8.2.2 state machine as a table: for each state
 * and event, the next state and one action. Pure: no sockets, timers or
 * logging; peer.c performs the actions. Also the backoff and the §6.8
 * collision rule, so both can be tested without a network.
 *
 * Simplifications, each allowed by §8: no DelayOpen, no DampPeerOscillations
 * flag (idle-hold damping is always on, peer.c), collisions are resolved on
 * a second connection (peer.c) so an OPEN on the session's own connection in
 * OpenConfirm or Established is an FSM error.
 */
#include "bgpd/peer.h"

#define S(n, a)	{ PEER_##n, FA_##a }

/* Connection-less states: an unexpected event drops back to Idle quietly. */
#define QUIET_IDLE	S(IDLE, CLOSE_ERR)
#define FSM_ERR		S(IDLE, NOTIFY_FSM)

/*
 * Connect and Active (waiting for a connection, ours or the peer's) react
 * alike: a connection goes to OpenSent, a failure waits in Active, the timer
 * tries again from Connect, anything else quietly back to Idle.
 */
#define WAITING(self) \
	[FSM_START]		= S(self, NONE), \
	[FSM_START_PASSIVE]	= S(self, NONE), \
	[FSM_STOP]		= S(IDLE, CLOSE_ADMIN), \
	[FSM_CONNRETRY_EXPIRED]	= S(CONNECT, RETRY), \
	[FSM_HOLD_EXPIRED]	= QUIET_IDLE, \
	[FSM_KEEPALIVE_EXPIRED]	= QUIET_IDLE, \
	[FSM_SENDHOLD_EXPIRED]	= QUIET_IDLE, \
	[FSM_TCP_OK]		= S(OPENSENT, SEND_OPEN), \
	[FSM_TCP_FAIL]		= S(ACTIVE, RETRY_WAIT), \
	[FSM_OPEN_OK]		= QUIET_IDLE, \
	[FSM_MSG_ERR]		= QUIET_IDLE, \
	[FSM_NOTIFY_RCVD]	= QUIET_IDLE, \
	[FSM_KEEPALIVE_RCVD]	= QUIET_IDLE, \
	[FSM_UPDATE_RCVD]	= QUIET_IDLE, \
	[FSM_REFRESH_RCVD]	= QUIET_IDLE

static const struct fsm_step fsm_table[PEER_STATE_MAX][FSM_EVENT_MAX] = {
	[PEER_IDLE] = {
		[FSM_START]		= S(CONNECT, CONNECT),
		[FSM_START_PASSIVE]	= S(ACTIVE, LISTEN),
		[FSM_STOP]		= S(IDLE, CLOSE_ADMIN),
		/* every other event in Idle is ignored (§8.2.2 Idle state) */
	},
	[PEER_CONNECT] = { WAITING(CONNECT) },
	[PEER_ACTIVE] = { WAITING(ACTIVE) },
	[PEER_OPENSENT] = {
		[FSM_START]		= S(OPENSENT, NONE),
		[FSM_START_PASSIVE]	= S(OPENSENT, NONE),
		[FSM_STOP]		= S(IDLE, NOTIFY_CEASE),
		[FSM_CONNRETRY_EXPIRED]	= FSM_ERR,
		[FSM_HOLD_EXPIRED]	= S(IDLE, NOTIFY_HOLD),
		[FSM_KEEPALIVE_EXPIRED]	= FSM_ERR,
		[FSM_SENDHOLD_EXPIRED]	= S(IDLE, NOTIFY_SENDHOLD),
		[FSM_TCP_OK]		= S(OPENSENT, NONE),
		[FSM_TCP_FAIL]		= S(ACTIVE, RETRY_WAIT),
		[FSM_OPEN_OK]		= S(OPENCONFIRM, OPEN_ACCEPT),
		[FSM_MSG_ERR]		= S(IDLE, NOTIFY_ERR),
		[FSM_NOTIFY_RCVD]	= S(IDLE, CLOSE_ERR),
		[FSM_KEEPALIVE_RCVD]	= FSM_ERR,
		[FSM_UPDATE_RCVD]	= FSM_ERR,
		[FSM_REFRESH_RCVD]	= FSM_ERR,
	},
	[PEER_OPENCONFIRM] = {
		[FSM_START]		= S(OPENCONFIRM, NONE),
		[FSM_START_PASSIVE]	= S(OPENCONFIRM, NONE),
		[FSM_STOP]		= S(IDLE, NOTIFY_CEASE),
		[FSM_CONNRETRY_EXPIRED]	= FSM_ERR,
		[FSM_HOLD_EXPIRED]	= S(IDLE, NOTIFY_HOLD),
		[FSM_KEEPALIVE_EXPIRED]	= S(OPENCONFIRM, KEEPALIVE_SEND),
		[FSM_SENDHOLD_EXPIRED]	= S(IDLE, NOTIFY_SENDHOLD),
		[FSM_TCP_OK]		= S(OPENCONFIRM, NONE),
		[FSM_TCP_FAIL]		= S(IDLE, CLOSE_ERR),
		[FSM_OPEN_OK]		= FSM_ERR,
		[FSM_MSG_ERR]		= S(IDLE, NOTIFY_ERR),
		[FSM_NOTIFY_RCVD]	= S(IDLE, CLOSE_ERR),
		[FSM_KEEPALIVE_RCVD]	= S(ESTABLISHED, ESTABLISH),
		[FSM_UPDATE_RCVD]	= FSM_ERR,
		[FSM_REFRESH_RCVD]	= FSM_ERR,
	},
	[PEER_ESTABLISHED] = {
		[FSM_START]		= S(ESTABLISHED, NONE),
		[FSM_START_PASSIVE]	= S(ESTABLISHED, NONE),
		[FSM_STOP]		= S(IDLE, NOTIFY_CEASE),
		[FSM_CONNRETRY_EXPIRED]	= FSM_ERR,
		[FSM_HOLD_EXPIRED]	= S(IDLE, NOTIFY_HOLD),
		[FSM_KEEPALIVE_EXPIRED]	= S(ESTABLISHED, KEEPALIVE_SEND),
		[FSM_SENDHOLD_EXPIRED]	= S(IDLE, NOTIFY_SENDHOLD),
		[FSM_TCP_OK]		= S(ESTABLISHED, NONE),
		[FSM_TCP_FAIL]		= S(IDLE, CLOSE_ERR),
		[FSM_OPEN_OK]		= FSM_ERR,
		[FSM_MSG_ERR]		= S(IDLE, NOTIFY_ERR),
		[FSM_NOTIFY_RCVD]	= S(IDLE, CLOSE_ERR),
		[FSM_KEEPALIVE_RCVD]	= S(ESTABLISHED, HOLD_RESTART),
		[FSM_UPDATE_RCVD]	= S(ESTABLISHED, UPDATE),
		[FSM_REFRESH_RCVD]	= S(ESTABLISHED, REFRESH),
	},
};

const struct fsm_step *
fsm_step(enum peer_state s, enum fsm_event ev)
{
	static const struct fsm_step idle = S(IDLE, NONE);

	if ((unsigned)s >= PEER_STATE_MAX || (unsigned)ev >= FSM_EVENT_MAX)
		return &idle;
	return &fsm_table[s][ev];
}

const char *
peer_state_name(enum peer_state s)
{
	static const char *const names[PEER_STATE_MAX] = {
		"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
	};

	return (unsigned)s < PEER_STATE_MAX ? names[s] : "?";
}

const char *
fsm_event_name(enum fsm_event ev)
{
	static const char *const names[FSM_EVENT_MAX] = {
		"Start", "StartPassive", "Stop", "ConnectRetryTimerExpires",
		"HoldTimerExpires", "KeepaliveTimerExpires", "SendHoldTimerExpires",
		"TcpConnectionConfirmed", "TcpConnectionFails", "BGPOpen", "MessageError",
		"NotifMsg", "KeepAliveMsg", "UpdateMsg", "RouteRefreshMsg",
	};

	return (unsigned)ev < FSM_EVENT_MAX ? names[ev] : "?";
}

const char *
fsm_action_name(enum fsm_action a)
{
	static const char *const names[FA_MAX] = {
		"none", "connect", "listen", "retry", "retry-wait", "send-open",
		"open-accept", "establish", "keepalive-send", "hold-restart", "update",
		"refresh", "notify-fsm", "notify-hold", "notify-sendhold", "notify-err",
		"notify-cease", "close-err", "close-admin",
	};

	return (unsigned)a < FA_MAX ? names[a] : "?";
}

uint8_t
fsm_err_subcode(enum peer_state s)
{
	switch (s) {
	case PEER_OPENSENT: return 1;		/* RFC 6608 §3 */
	case PEER_OPENCONFIRM: return 2;
	case PEER_ESTABLISHED: return 3;
	default: return 0;
	}
}

uint64_t
fsm_backoff_ms(unsigned base, unsigned attempts, uint32_t rnd)
{
	uint64_t cap = base > PEER_BACKOFF_MAX ? base : PEER_BACKOFF_MAX;
	uint64_t secs = base ? base : 1;
	uint64_t ms;

	for (unsigned i = 0; i < attempts && secs < cap; i++)
		secs *= 2;
	if (secs > cap)
		secs = cap;
	/* §10: jitter by a factor between 0.75 and 1.0 */
	ms = secs * 750 + (secs * 250 * (uint64_t)rnd) / UINT32_MAX;
	return ms < 1000 ? 1000 : ms;
}

bool
fsm_collision_keep_ours(uint32_t local_id, uint32_t remote_id)
{
	/* §6.8: the higher identifier's connection survives; compared as
	 * 4-octet unsigned integers in host order. */
	return local_id > remote_id;
}
