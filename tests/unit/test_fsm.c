/*
 * tests/unit/test_fsm.c - the RFC 4271 §8 table (state x event -> next state
 * + action), the backoff bounds and the §6.8 collision rule. Pure: no
 * sockets, no event loop.
 */
#include <stdint.h>

#include "bgpd/peer.h"
#include "tests/unit/unit.h"

static const struct {
	enum peer_state	 s;
	enum fsm_event	 ev;
	enum peer_state	 next;
	enum fsm_action	 act;
} rfc_cases[] = {
	/* Idle */
	{ PEER_IDLE, FSM_START, PEER_CONNECT, FA_CONNECT },
	{ PEER_IDLE, FSM_START_PASSIVE, PEER_ACTIVE, FA_LISTEN },
	{ PEER_IDLE, FSM_KEEPALIVE_RCVD, PEER_IDLE, FA_NONE },
	{ PEER_IDLE, FSM_TCP_OK, PEER_IDLE, FA_NONE },
	{ PEER_IDLE, FSM_HOLD_EXPIRED, PEER_IDLE, FA_NONE },
	/* Connect */
	{ PEER_CONNECT, FSM_TCP_OK, PEER_OPENSENT, FA_SEND_OPEN },
	{ PEER_CONNECT, FSM_TCP_FAIL, PEER_ACTIVE, FA_RETRY_WAIT },
	{ PEER_CONNECT, FSM_CONNRETRY_EXPIRED, PEER_CONNECT, FA_RETRY },
	{ PEER_CONNECT, FSM_STOP, PEER_IDLE, FA_CLOSE_ADMIN },
	{ PEER_CONNECT, FSM_START, PEER_CONNECT, FA_NONE },
	/* Active */
	{ PEER_ACTIVE, FSM_CONNRETRY_EXPIRED, PEER_CONNECT, FA_RETRY },
	{ PEER_ACTIVE, FSM_TCP_OK, PEER_OPENSENT, FA_SEND_OPEN },
	{ PEER_ACTIVE, FSM_STOP, PEER_IDLE, FA_CLOSE_ADMIN },
	/* OpenSent */
	{ PEER_OPENSENT, FSM_OPEN_OK, PEER_OPENCONFIRM, FA_OPEN_ACCEPT },
	{ PEER_OPENSENT, FSM_HOLD_EXPIRED, PEER_IDLE, FA_NOTIFY_HOLD },
	{ PEER_OPENSENT, FSM_TCP_FAIL, PEER_ACTIVE, FA_RETRY_WAIT },
	{ PEER_OPENSENT, FSM_MSG_ERR, PEER_IDLE, FA_NOTIFY_ERR },
	{ PEER_OPENSENT, FSM_NOTIFY_RCVD, PEER_IDLE, FA_CLOSE_ERR },
	{ PEER_OPENSENT, FSM_KEEPALIVE_RCVD, PEER_IDLE, FA_NOTIFY_FSM },
	{ PEER_OPENSENT, FSM_UPDATE_RCVD, PEER_IDLE, FA_NOTIFY_FSM },
	{ PEER_OPENSENT, FSM_STOP, PEER_IDLE, FA_NOTIFY_CEASE },
	/* OpenConfirm */
	{ PEER_OPENCONFIRM, FSM_KEEPALIVE_RCVD, PEER_ESTABLISHED, FA_ESTABLISH },
	{ PEER_OPENCONFIRM, FSM_KEEPALIVE_EXPIRED, PEER_OPENCONFIRM, FA_KEEPALIVE_SEND },
	{ PEER_OPENCONFIRM, FSM_OPEN_OK, PEER_IDLE, FA_NOTIFY_FSM },
	{ PEER_OPENCONFIRM, FSM_TCP_FAIL, PEER_IDLE, FA_CLOSE_ERR },
	{ PEER_OPENCONFIRM, FSM_HOLD_EXPIRED, PEER_IDLE, FA_NOTIFY_HOLD },
	/* Established */
	{ PEER_ESTABLISHED, FSM_KEEPALIVE_RCVD, PEER_ESTABLISHED, FA_HOLD_RESTART },
	{ PEER_ESTABLISHED, FSM_UPDATE_RCVD, PEER_ESTABLISHED, FA_UPDATE },
	{ PEER_ESTABLISHED, FSM_REFRESH_RCVD, PEER_ESTABLISHED, FA_REFRESH },
	{ PEER_ESTABLISHED, FSM_KEEPALIVE_EXPIRED, PEER_ESTABLISHED, FA_KEEPALIVE_SEND },
	{ PEER_ESTABLISHED, FSM_HOLD_EXPIRED, PEER_IDLE, FA_NOTIFY_HOLD },
	{ PEER_ESTABLISHED, FSM_SENDHOLD_EXPIRED, PEER_IDLE, FA_NOTIFY_SENDHOLD },
	{ PEER_ESTABLISHED, FSM_OPEN_OK, PEER_IDLE, FA_NOTIFY_FSM },
	{ PEER_ESTABLISHED, FSM_MSG_ERR, PEER_IDLE, FA_NOTIFY_ERR },
	{ PEER_ESTABLISHED, FSM_NOTIFY_RCVD, PEER_IDLE, FA_CLOSE_ERR },
	{ PEER_ESTABLISHED, FSM_TCP_FAIL, PEER_IDLE, FA_CLOSE_ERR },
	{ PEER_ESTABLISHED, FSM_STOP, PEER_IDLE, FA_NOTIFY_CEASE },
	{ PEER_ESTABLISHED, FSM_START, PEER_ESTABLISHED, FA_NONE },
};

START_TEST(table_follows_rfc4271_section_8)
{
	for (size_t i = 0; i < UNIT_COUNT(rfc_cases); i++) {
		const struct fsm_step *st = fsm_step(rfc_cases[i].s, rfc_cases[i].ev);

		ck_assert_msg(st->next == rfc_cases[i].next && st->action == rfc_cases[i].act,
		    "%s in %s: got %s/%s, want %s/%s", fsm_event_name(rfc_cases[i].ev),
		    peer_state_name(rfc_cases[i].s), peer_state_name(st->next),
		    fsm_action_name(st->action), peer_state_name(rfc_cases[i].next),
		    fsm_action_name(rfc_cases[i].act));
	}
}
END_TEST

/* An event that drops to Idle must also close whatever connection there is. */
static bool
action_closes(enum fsm_action a)
{
	return a == FA_NOTIFY_FSM || a == FA_NOTIFY_HOLD || a == FA_NOTIFY_SENDHOLD ||
	    a == FA_NOTIFY_ERR || a == FA_NOTIFY_CEASE || a == FA_CLOSE_ERR ||
	    a == FA_CLOSE_ADMIN;
}

START_TEST(no_event_leaves_a_connection_open_in_idle)
{
	for (int s = PEER_CONNECT; s < PEER_STATE_MAX; s++)
		for (int ev = 0; ev < FSM_EVENT_MAX; ev++) {
			const struct fsm_step *st = fsm_step(s, ev);

			if (st->next == PEER_IDLE)
				ck_assert_msg(action_closes(st->action), "%s in %s -> Idle/%s",
				    fsm_event_name(ev), peer_state_name(s),
				    fsm_action_name(st->action));
		}
}
END_TEST

START_TEST(messages_in_the_wrong_state_are_fsm_errors_with_rfc6608_subcodes)
{
	ck_assert_uint_eq(fsm_step(PEER_OPENSENT, FSM_KEEPALIVE_RCVD)->action, FA_NOTIFY_FSM);
	ck_assert_uint_eq(fsm_step(PEER_OPENCONFIRM, FSM_UPDATE_RCVD)->action, FA_NOTIFY_FSM);
	ck_assert_uint_eq(fsm_step(PEER_ESTABLISHED, FSM_OPEN_OK)->action, FA_NOTIFY_FSM);
	ck_assert_uint_eq(fsm_err_subcode(PEER_OPENSENT), 1);
	ck_assert_uint_eq(fsm_err_subcode(PEER_OPENCONFIRM), 2);
	ck_assert_uint_eq(fsm_err_subcode(PEER_ESTABLISHED), 3);
	ck_assert_uint_eq(fsm_err_subcode(PEER_IDLE), 0);
}
END_TEST

START_TEST(out_of_range_state_or_event_is_ignored)
{
	const struct fsm_step *st = fsm_step(PEER_STATE_MAX, FSM_START);

	ck_assert_uint_eq(st->next, PEER_IDLE);
	ck_assert_uint_eq(st->action, FA_NONE);
	st = fsm_step(PEER_ESTABLISHED, FSM_EVENT_MAX);
	ck_assert_uint_eq(st->action, FA_NONE);
	ck_assert_str_eq(peer_state_name(PEER_STATE_MAX), "?");
}
END_TEST

START_TEST(backoff_doubles_with_jitter_between_75_and_100_percent)
{
	for (unsigned a = 0; a < 6; a++) {
		uint64_t full = 10000ULL << a;

		ck_assert_uint_eq(fsm_backoff_ms(10, a, UINT32_MAX), full);
		ck_assert_uint_eq(fsm_backoff_ms(10, a, 0), full * 3 / 4);
		ck_assert_uint_ge(fsm_backoff_ms(10, a, 0x80000000u), full * 3 / 4);
		ck_assert_uint_le(fsm_backoff_ms(10, a, 0x80000000u), full);
	}
}
END_TEST

START_TEST(backoff_is_capped_and_never_overflows)
{
	ck_assert_uint_eq(fsm_backoff_ms(120, 40, UINT32_MAX), PEER_BACKOFF_MAX * 1000ULL);
	ck_assert_uint_eq(fsm_backoff_ms(1, 1000000, UINT32_MAX), PEER_BACKOFF_MAX * 1000ULL);
	/* a configured base above the cap is honoured, not cut */
	ck_assert_uint_eq(fsm_backoff_ms(1000, 3, UINT32_MAX), 1000 * 1000ULL);
	/* never below one second, even with base 0 and the lowest jitter */
	ck_assert_uint_eq(fsm_backoff_ms(0, 0, 0), 1000);
	ck_assert_uint_eq(fsm_backoff_ms(1, 0, 0), 1000);
}
END_TEST

START_TEST(collision_keeps_the_higher_identifiers_connection)
{
	ck_assert(fsm_collision_keep_ours(0x0a000002, 0x0a000001));
	ck_assert(!fsm_collision_keep_ours(0x0a000001, 0x0a000002));
	/* compared as unsigned 32-bit integers (§6.8) */
	ck_assert(fsm_collision_keep_ours(0x80000000u, 0x7fffffffu));
	ck_assert(!fsm_collision_keep_ours(0x7fffffffu, 0x80000000u));
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		table_follows_rfc4271_section_8,
		no_event_leaves_a_connection_open_in_idle,
		messages_in_the_wrong_state_are_fsm_errors_with_rfc6608_subcodes,
		out_of_range_state_or_event_is_ignored,
		backoff_doubles_with_jitter_between_75_and_100_percent,
		backoff_is_capped_and_never_overflows,
		collision_keeps_the_higher_identifiers_connection,
	};

	return unit_run("fsm", tests, UNIT_COUNT(tests));
}
