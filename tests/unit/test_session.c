/*
 * tests/unit/test_session.c - sessions over a fake transport: a libevent
 * bufferevent pair stands in for the TCP connection, the test plays the
 * remote speaker with the codec, and asserts what an operator would see
 * (state, NOTIFICATION code/subcode on the wire, hooks called, counters).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/session.h"
#include "tests/unit/unit.h"

#define LOCAL_ID	0x0a000001	/* 10.0.0.1 */
#define REMOTE_ID	0x0a000002	/* 10.0.0.2 */

struct fx {
	struct event_base	*base;
	struct bgp		*b;
	struct peer		*p;
	struct bufferevent	*pair[2];	/* [0] the peer's end, [1] the remote's */
	int			 up, down, updates, eors, refreshes;
	size_t			 update_len;
	int			 reject;	/* update hook fails with 3/1 */
};

static int
hook_update(struct peer *p, struct cursor *body, struct bgp_err *e, void *arg)
{
	struct fx *f = arg;

	f->updates++;
	f->update_len = body->len;
	if (f->reject) {
		bgp_err_set(e, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTRS, NULL, 0);
		return -1;
	}
	return 0;
}

static void hook_up(struct peer *p, void *arg) { ((struct fx *)arg)->up++; }
static void hook_down(struct peer *p, void *arg) { ((struct fx *)arg)->down++; }
static void hook_eor(struct peer *p, void *arg) { ((struct fx *)arg)->eors++; }
static void hook_refresh(struct peer *p, uint8_t st, void *arg) { ((struct fx *)arg)->refreshes++; }

static void
fx_run(struct fx *f)
{
	for (int i = 0; i < 50; i++)
		event_base_loop(f->base, EVLOOP_NONBLOCK);
}

/* A connection from the remote side on a fresh pair. */
static struct peer_conn *
fx_pair(struct fx *f, struct bufferevent **pair, bool incoming)
{
	if (bufferevent_pair_new(f->base, 0, pair) < 0)
		ck_abort_msg("bufferevent_pair_new");
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	return conn_new(f->p, pair[0], incoming);
}

static void
fx_setup(struct fx *f, uint32_t local_id)
{
	struct peer_hooks h = { hook_update, hook_up, hook_down, hook_eor, hook_refresh, f };
	struct peer_cfg cfg;
	struct in_addr a = { htonl(REMOTE_ID) };

	memset(f, 0, sizeof(*f));
	log_init(stderr, "test", LOG_ERR);
	f->base = event_base_new();
	f->b = bgp_new(f->base, 4200000001u, local_id);
	f->b->port = 0;				/* no listener: the test connects */
	bgp_set_hooks(f->b, &h);
	peer_cfg_init(&cfg, a, 4200000002u);
	cfg.passive = true;
	ck_assert_int_eq(bgp_peer_add(f->b, &cfg, &f->p), 0);
	ck_assert_int_eq(bgp_start(f->b), 0);
	ck_assert_int_eq(f->p->state, PEER_ACTIVE);
	peer_conn_accept(f->p, fx_pair(f, f->pair, true));
	fx_run(f);
}

static void
fx_teardown(struct fx *f)
{
	bgp_free(f->b);
	fx_run(f);		/* deferred pair callbacks hold references */
	if (f->pair[1] != NULL)
		bufferevent_free(f->pair[1]);
	fx_run(f);
	event_base_free(f->base);
}

static void
fx_send_raw(struct bufferevent *to, const void *buf, size_t len)
{
	bufferevent_write(to, buf, len);
}

static void
fx_send(struct fx *f, struct wbuf *w)
{
	ck_assert_int_eq(wbuf_error(w), 0);
	fx_send_raw(f->pair[1], wbuf_data(w), wbuf_len(w));
	wbuf_reset(w);
	fx_run(f);
}

static void
remote_open(struct wbuf *w, uint32_t as, uint16_t hold, uint32_t id)
{
	struct bgp_caps caps = { .mp_ipv4u = true, .as4 = true, .as4_asn = as,
	    .route_refresh = true };

	ck_assert_int_eq(msg_open_write(w, as, hold, id, &caps), 0);
}

/*
 * Read every whole message the peer wrote on bev: their types in order into
 * types[], the last NOTIFICATION into *n. Returns the count.
 */
static int
remote_recv(struct bufferevent *bev, uint8_t *types, int max, struct bgp_err *n)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct bgp_hdr h;
	struct bgp_err e;
	struct cursor c;
	int k = 0;

	while (evbuffer_get_length(in) >= BGP_HDR_LEN && k < max) {
		c = cur_init(evbuffer_pullup(in, -1), evbuffer_get_length(in));
		ck_assert_int_eq(msg_header_parse(&c, true, &h, &e), 0);
		c.len = h.len - BGP_HDR_LEN;
		if (h.type == BGP_NOTIFICATION && n != NULL)
			ck_assert_int_eq(msg_notify_parse(&c, n), 0);
		types[k++] = h.type;
		evbuffer_drain(in, h.len);
	}
	return k;
}

/* The last message the peer wrote on bev is a NOTIFICATION code/subcode; returns it. */
static struct bgp_err
expect_notify(struct bufferevent *bev, uint8_t code, uint8_t subcode)
{
	struct bgp_err n;
	uint8_t t[64];
	int k;

	memset(&n, 0, sizeof(n));
	k = remote_recv(bev, t, 64, &n);
	ck_assert_int_gt(k, 0);
	ck_assert_uint_eq(t[k - 1], BGP_NOTIFICATION);
	ck_assert_uint_eq(n.code, code);
	ck_assert_uint_eq(n.subcode, subcode);
	return n;
}

static void
fx_establish(struct fx *f)
{
	struct wbuf w;

	wbuf_init(&w, BGP_MAX_LEN);
	remote_open(&w, 4200000002u, 9, REMOTE_ID);
	ck_assert_int_eq(msg_keepalive_write(&w), 0);
	fx_send(f, &w);
	wbuf_free(&w);
}

START_TEST(passive_peer_reaches_established_with_4byte_asns)
{
	uint8_t t[8];
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	ck_assert_int_eq(f.p->state, PEER_OPENSENT);
	fx_establish(&f);
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	ck_assert_int_eq(f.up, 1);
	ck_assert(f.p->ctx.as4);
	ck_assert_uint_eq(f.p->hold, 9);		/* the smaller hold time (§4.2) */
	ck_assert_uint_eq(f.p->keepalive, 3);		/* a third of it */
	ck_assert_uint_eq(f.p->remote_id, REMOTE_ID);
	/* on the wire: our OPEN, then our KEEPALIVE */
	ck_assert_int_eq(remote_recv(f.pair[1], t, 8, NULL), 2);
	ck_assert_uint_eq(t[0], BGP_OPEN);
	ck_assert_uint_eq(t[1], BGP_KEEPALIVE);
	ck_assert_uint_eq(f.p->stats.msgs_in[BGP_OPEN], 1);
	ck_assert_uint_eq(f.p->stats.msgs_out[BGP_KEEPALIVE], 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(our_open_announces_4byte_as_and_route_refresh)
{
	struct evbuffer *in;
	struct open_msg m;
	struct bgp_hdr h;
	struct bgp_err e;
	struct cursor c;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	in = bufferevent_get_input(f.pair[1]);
	c = cur_init(evbuffer_pullup(in, -1), evbuffer_get_length(in));
	ck_assert_int_eq(msg_header_parse(&c, false, &h, &e), 0);
	ck_assert_uint_eq(h.type, BGP_OPEN);
	c.len = h.len - BGP_HDR_LEN;
	ck_assert_int_eq(msg_open_parse(&c, &m, &e), 0);
	ck_assert_uint_eq(m.my_as, AS_TRANS);		/* RFC 6793 §4.1 */
	ck_assert_uint_eq(open_peer_as(&m), 4200000001u);
	ck_assert_uint_eq(m.bgp_id, LOCAL_ID);
	ck_assert_uint_eq(m.hold, PEER_HOLD_DEFAULT);
	ck_assert(m.caps.route_refresh && m.caps.mp_ipv4u);
	fx_teardown(&f);
}
END_TEST

START_TEST(wrong_remote_as_gets_notification_2_2_and_idle_hold)
{
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	wbuf_init(&w, BGP_MAX_LEN);
	remote_open(&w, 4200000003u, 9, REMOTE_ID);
	fx_send(&f, &w);
	wbuf_free(&w);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	expect_notify(f.pair[1], BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS);
	ck_assert_uint_eq(f.p->stats.notify_out[BGP_ERR_OPEN][BGP_OPEN_BAD_PEER_AS], 1);
	ck_assert_uint_eq(f.p->stats.resets, 1);		/* OpenSent, torn down, will retry */
	ck_assert(evtimer_pending(f.p->t_idle_hold, NULL));	/* it will try again */
	ck_assert_int_eq(f.up, 0);
	ck_assert_ptr_null(f.p->conn);
	fx_teardown(&f);
}
END_TEST

START_TEST(keepalive_before_open_is_fsm_error_5_1)
{
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_keepalive_write(&w), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	expect_notify(f.pair[1], BGP_ERR_FSM, 1);		/* RFC 6608: in OpenSent */
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	fx_teardown(&f);
}
END_TEST

START_TEST(bad_marker_is_header_error_1_1)
{
	uint8_t junk[BGP_HDR_LEN];
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	memset(junk, 0xfe, sizeof(junk));
	fx_send_raw(f.pair[1], junk, sizeof(junk));
	fx_run(&f);
	expect_notify(f.pair[1], BGP_ERR_HEADER, BGP_HDR_SYNC);
	ck_assert_uint_eq(f.p->stats.notify_out[BGP_ERR_HEADER][BGP_HDR_SYNC], 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(messages_split_into_single_bytes_still_establish)
{
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	wbuf_init(&w, BGP_MAX_LEN);
	remote_open(&w, 4200000002u, 9, REMOTE_ID);
	ck_assert_int_eq(msg_keepalive_write(&w), 0);
	for (size_t i = 0; i < wbuf_len(&w); i++) {
		fx_send_raw(f.pair[1], wbuf_data(&w) + i, 1);
		fx_run(&f);
	}
	wbuf_free(&w);
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	fx_teardown(&f);
}
END_TEST

START_TEST(update_goes_to_the_hook_and_empty_update_is_end_of_rib)
{
	static const uint8_t body[] = { 0, 0, 0, 0 };
	static const uint8_t body2[] = { 0, 1, 0, 0, 0 };	/* withdrawn 0/0, as bytes */
	struct wbuf w;
	size_t off;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	wbuf_init(&w, BGP_MAX_LEN);
	off = msg_header_write(&w, BGP_UPDATE);
	wbuf_put(&w, body, sizeof(body));
	ck_assert_int_eq(msg_header_close(&w, off), 0);
	off = msg_header_write(&w, BGP_UPDATE);
	wbuf_put(&w, body2, sizeof(body2));
	ck_assert_int_eq(msg_header_close(&w, off), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	ck_assert_int_eq(f.eors, 1);
	ck_assert_int_eq(f.updates, 1);
	ck_assert_uint_eq(f.update_len, sizeof(body2));
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	fx_teardown(&f);
}
END_TEST

START_TEST(update_rejected_by_the_rib_resets_with_its_notification)
{
	static const uint8_t body[] = { 0, 1, 0, 0, 0 };
	struct wbuf w;
	size_t off;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	f.reject = 1;
	wbuf_init(&w, BGP_MAX_LEN);
	off = msg_header_write(&w, BGP_UPDATE);
	wbuf_put(&w, body, sizeof(body));
	ck_assert_int_eq(msg_header_close(&w, off), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	expect_notify(f.pair[1], BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTRS);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert_int_eq(f.down, 1);
	ck_assert_uint_eq(f.p->stats.dropped, 1);
	ck_assert_uint_eq(f.p->stats.resets, 1);
	ck_assert_uint_eq(f.p->stats.notify_out[BGP_ERR_UPDATE][BGP_UPD_MALFORMED_ATTRS], 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(received_notification_is_counted_by_code_and_subcode)
{
	struct bgp_err e;
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	bgp_err_set(&e, BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, NULL, 0);
	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_notify_write(&w, &e), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert_uint_eq(f.p->stats.notify_in[BGP_ERR_CEASE][BGP_CEASE_ADMIN_RESET], 1);
	ck_assert_uint_eq(f.p->stats.notify_out[BGP_ERR_CEASE][BGP_CEASE_ADMIN_RESET], 0);
	ck_assert_uint_eq(f.p->stats.resets, 1);
	ck_assert_uint_eq(f.p->stats.dropped, 1);
	fx_teardown(&f);
}
END_TEST

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *at = hay; (at = strstr(at, needle)) != NULL; at++)
		n++;
	return n;
}

/* The neighbor's NOTIFICATION code/subcode arrives; the log while it is handled. */
static void
fx_notify_rcvd(struct fx *f, uint8_t code, uint8_t subcode, char *logs, size_t len)
{
	struct bgp_err e;
	struct wbuf w;

	bgp_err_set(&e, code, subcode, NULL, 0);
	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_notify_write(&w, &e), 0);
	unit_log_begin(logs, len);
	fx_send(f, &w);
	unit_log_end();
	log_init(stderr, "test", LOG_ERR);
	wbuf_free(&w);
	ck_assert_int_eq(f->p->state, PEER_IDLE);
}

/*
 * One line per received NOTIFICATION, at its level: an error the peer found
 * is a warning even with log-neighbor-changes off; a Cease a notice.
 */
START_TEST(received_notification_is_logged_once_at_its_level)
{
	static char logs[4096];
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	f.p->cfg.log_neighbor_changes = false;
	fx_establish(&f);
	fx_notify_rcvd(&f, 3, 1, logs, sizeof(logs));
	ck_assert_msg(count_of(logs, "received NOTIFICATION") == 1, "%s", logs);
	ck_assert_msg(strstr(logs, "warning: neighbor 10.0.0.2: session down: received "
	    "NOTIFICATION 3/1 (") != NULL, "%s", logs);
	fx_teardown(&f);

	fx_setup(&f, LOCAL_ID);				/* OpenSent: our OPEN refused */
	fx_notify_rcvd(&f, 2, 7, logs, sizeof(logs));
	ck_assert_msg(count_of(logs, "received NOTIFICATION") == 1, "%s", logs);
	ck_assert_msg(strstr(logs, "warning: neighbor 10.0.0.2: session not established: "
	    "received NOTIFICATION 2/7 (") != NULL, "%s", logs);
	fx_teardown(&f);

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);				/* log-neighbor-changes on */
	fx_notify_rcvd(&f, BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, logs, sizeof(logs));
	ck_assert_msg(count_of(logs, "received NOTIFICATION") == 1, "%s", logs);
	ck_assert_msg(strstr(logs, "notice: neighbor 10.0.0.2: session down: received "
	    "NOTIFICATION 6/4 (") != NULL, "%s", logs);
	fx_teardown(&f);
}
END_TEST

START_TEST(route_refresh_for_ipv4_unicast_reaches_the_hook)
{
	struct refresh_msg r = { AFI_IPV4, RR_NORMAL, SAFI_UNICAST };
	struct refresh_msg other = { 2, RR_NORMAL, SAFI_UNICAST };	/* IPv6: ignored */
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	wbuf_init(&w, BGP_MAX_LEN);
	ck_assert_int_eq(msg_refresh_write(&w, &r), 0);
	ck_assert_int_eq(msg_refresh_write(&w, &other), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	ck_assert_int_eq(f.refreshes, 1);
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	fx_teardown(&f);
}
END_TEST

START_TEST(hold_timer_expiry_sends_4_0)
{
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	ck_assert(evtimer_pending(f.p->t_hold, NULL));
	event_active(f.p->t_hold, EV_TIMEOUT, 1);
	fx_run(&f);
	expect_notify(f.pair[1], BGP_ERR_HOLD, 0);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	fx_teardown(&f);
}
END_TEST

START_TEST(peer_that_stops_reading_is_dropped_by_send_hold_timer)
{
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	bufferevent_disable(f.pair[1], EV_READ);	/* the remote stops reading */
	fx_run(&f);
	session_keepalive_send(f.p);
	fx_run(&f);
	ck_assert_uint_gt(peer_out_queued(f.p), 0);
	ck_assert(evtimer_pending(f.p->t_send_hold, NULL));	/* RFC 9687 */
	event_active(f.p->t_send_hold, EV_TIMEOUT, 1);
	fx_run(&f);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert_uint_eq(f.p->stats.notify_out[BGP_ERR_SEND_HOLD][0], 1);
	ck_assert_int_eq(f.down, 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(send_hold_timer_stops_when_output_drains)
{
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	fx_run(&f);
	ck_assert_uint_eq(peer_out_queued(f.p), 0);
	ck_assert(!evtimer_pending(f.p->t_send_hold, NULL));
	fx_teardown(&f);
}
END_TEST

START_TEST(admin_stop_sends_cease_with_shutdown_communication)
{
	char text[64];
	struct bgp_err n;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	peer_stop(f.p, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance 42");
	fx_run(&f);
	n = expect_notify(f.pair[1], BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN);
	ck_assert_int_eq(notify_shutdown_text(&n, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "maintenance 42");
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert(!evtimer_pending(f.p->t_idle_hold, NULL));	/* stays down */
	fx_teardown(&f);
}
END_TEST

/* bgp log-neighbor-changes (FRR's default) and its no form: the same lines, another level. */
START_TEST(session_up_and_down_are_notices_unless_log_neighbor_changes_is_off)
{
	static char logs[4096];
	struct fx f;

	for (int on = 1; on >= 0; on--) {
		fx_setup(&f, LOCAL_ID);
		f.p->cfg.log_neighbor_changes = on;
		unit_log_begin(logs, sizeof(logs));
		fx_establish(&f);
		peer_stop(f.p, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
		fx_run(&f);
		unit_log_end();
		log_init(stderr, "test", LOG_ERR);
		ck_assert_msg(strstr(logs, on ? "notice: neighbor 10.0.0.2: session established" :
		    "debug: neighbor 10.0.0.2: session established") != NULL, "%s", logs);
		ck_assert_msg(strstr(logs, on ? "notice: neighbor 10.0.0.2: session down" :
		    "debug: neighbor 10.0.0.2: session down") != NULL, "%s", logs);
		fx_teardown(&f);
	}
}
END_TEST

/*
 * FRR 8.4 `neighbor X shutdown message maintenance window 42`: Cease 6/2 with
 * an RFC 9003 text, these bytes; then FRR resets every connection we make
 * while it stays shut. The reset reason `show` prints keeps the text.
 */
START_TEST(peers_shutdown_communication_survives_later_connection_resets)
{
	static const char want[] =
	    "received NOTIFICATION 6/2 (Cease/Administrative Shutdown): \"maintenance window 42\"";
	static const uint8_t frr_notify[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x2b, 0x03, 0x06, 0x02, 0x15,
		'm', 'a', 'i', 'n', 't', 'e', 'n', 'a', 'n', 'c', 'e', ' ',
		'w', 'i', 'n', 'd', 'o', 'w', ' ', '4', '2',
	};
	struct bufferevent *again[2];
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	fx_send_raw(f.pair[1], frr_notify, sizeof(frr_notify));
	fx_run(&f);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert_int_eq(f.down, 1);
	ck_assert_str_eq(peer_reset_reason(f.p), want);
	/* the next attempt: TCP up, our OPEN out, and the neighbor resets it */
	peer_start(f.p);
	peer_conn_accept(f.p, fx_pair(&f, again, true));
	fx_run(&f);
	ck_assert_int_eq(f.p->state, PEER_OPENSENT);
	bufferevent_flush(again[1], EV_WRITE, BEV_FINISHED);	/* EOF on our end */
	fx_run(&f);
	bufferevent_free(again[1]);
	ck_assert_int_ne(f.p->state, PEER_OPENSENT);
	ck_assert_str_eq(f.p->last_reason, "connection closed by the peer");
	ck_assert_str_eq(peer_reset_reason(f.p), want);
	ck_assert_uint_eq(f.p->last_err.code, BGP_ERR_CEASE);
	fx_teardown(&f);
}
END_TEST

/*
 * A neighbor (or whoever holds its address) that connects and closes before
 * its OPEN, over and over: each is RFC 4271 §8.2.2 OpenSent ->
 * TcpConnectionFails -> Active, no idle hold, so nothing slows it down. The
 * log must not grow by a line or two per connection (what a peer can
 * trigger is rate-limited): at most 5 a minute, the rest counted.
 */
START_TEST(connections_closed_before_open_are_logged_sparingly)
{
	static char logs[16384];
	struct bufferevent *again[2];
	const char *at;
	int lines = 0;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	unit_log_begin(logs, sizeof(logs));
	bufferevent_flush(f.pair[1], EV_WRITE, BEV_FINISHED);	/* EOF in OpenSent */
	fx_run(&f);
	bufferevent_free(f.pair[1]);
	f.pair[1] = NULL;
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(f.p->state, PEER_ACTIVE);
		peer_conn_accept(f.p, fx_pair(&f, again, true));
		fx_run(&f);
		ck_assert_int_eq(f.p->state, PEER_OPENSENT);
		bufferevent_flush(again[1], EV_WRITE, BEV_FINISHED);
		fx_run(&f);
		bufferevent_free(again[1]);
	}
	unit_log_end();
	log_init(stderr, "test", LOG_ERR);
	for (const char *l = logs; *l != '\0'; l = at + 1) {	/* lines above debug */
		size_t n = (at = strchr(l, '\n')) ? (size_t)(at - l) : strlen(l);

		if (memmem(l, n, "closed by the peer", 18) && !memmem(l, n, "debug:", 6))
			lines++;
		if (at == NULL)
			break;
	}
	ck_assert_msg(lines <= 5, "%d lines:\n%.400s", lines, logs);
	ck_assert_int_eq(f.p->state, PEER_ACTIVE);
	fx_teardown(&f);
}
END_TEST

/* The connect-retry timer tries again; each cause is a warning once, not per retry. */
START_TEST(connect_failures_are_logged_once_per_cause_and_retried)
{
	static char logs[8192];
	struct event_base *base = event_base_new();
	struct bgp *b = bgp_new(base, 4200000001u, LOCAL_ID);
	struct in_addr a = { htonl(0x7f000002) };	/* 127.0.0.2 */
	struct rlimit saved, low;
	struct peer_cfg cfg;
	struct peer *p;
	int fds = 0;

	unit_log_begin(logs, sizeof(logs));
	b->port = 0;
	peer_cfg_init(&cfg, a, 4200000002u);
	inet_pton(AF_INET, "192.0.2.77", &cfg.update_source);	/* not on this host */
	ck_assert_int_eq(bgp_peer_add(b, &cfg, &p), 0);
	ck_assert_int_eq(bgp_start(b), 0);
	for (int i = 0; i < 4; i++)
		peer_fsm_event(p, FSM_CONNRETRY_EXPIRED);
	ck_assert_int_eq(p->state, PEER_ACTIVE);
	ck_assert_int_eq(count_of(logs, "warning: neighbor 127.0.0.2: cannot connect: "
	    "Cannot assign requested address; retrying with the connect-retry timer\n"), 1);
	ck_assert(evtimer_pending(p->t_connect, NULL));

	/* out of descriptors: socket() fails with EMFILE, a new cause */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	while (fcntl(fds, F_GETFD) >= 0)	/* the lowest free descriptor: the next socket's */
		fds++;
	low = (struct rlimit){ (rlim_t)fds, saved.rlim_max };
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	for (int i = 0; i < 4; i++)
		peer_fsm_event(p, FSM_CONNRETRY_EXPIRED);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
	unit_log_end();
	ck_assert_int_eq(count_of(logs, "cannot connect: Too many open files; retrying with the "
	    "connect-retry timer (out of file descriptors)\n"), 1);
	ck_assert_int_eq(count_of(logs, "warning:"), 2);
	ck_assert_int_eq(p->state, PEER_ACTIVE);
	bgp_free(b);
	event_base_free(base);
}
END_TEST

/* After failed connects the backoff has grown; the operator fixing the
 * neighbor's config (or clear bgp) makes the next attempt come at once. */
START_TEST(an_operators_change_starts_the_connect_backoff_over)
{
	static char logs[8192];
	struct event_base *base = event_base_new();
	struct bgp *b = bgp_new(base, 4200000001u, LOCAL_ID);
	struct in_addr a = { htonl(0x7f000002) };
	struct timeval tv, now;
	struct peer_cfg cfg;
	struct peer *p;

	unit_log_begin(logs, sizeof(logs));
	b->port = 0;
	peer_cfg_init(&cfg, a, 4200000002u);
	cfg.connect_retry = 5;
	inet_pton(AF_INET, "192.0.2.77", &cfg.update_source);	/* not here: connect fails */
	ck_assert_int_eq(bgp_peer_add(b, &cfg, &p), 0);
	ck_assert_int_eq(bgp_start(b), 0);
	for (int i = 0; i < 6; i++)
		peer_fsm_event(p, FSM_CONNRETRY_EXPIRED);
	ck_assert_uint_ge(p->connect_attempts, 6);
	ck_assert(evtimer_pending(p->t_connect, &tv));
	event_base_gettimeofday_cached(base, &now);
	ck_assert_int_gt(tv.tv_sec - now.tv_sec, 60);		/* 5 s doubled many times */
	snprintf(cfg.password, sizeof(cfg.password), "fixed");
	bgp_peer_update(b, p, &cfg, true);
	ck_assert_str_eq(peer_reset_reason(p), "Config change");	/* FRR's words */
	ck_assert_uint_le(p->connect_attempts, 1);		/* the attempt just made */
	ck_assert(evtimer_pending(p->t_connect, &tv));
	ck_assert_int_le(tv.tv_sec - now.tv_sec, 11);
	for (int i = 0; i < 6; i++)
		peer_fsm_event(p, FSM_CONNRETRY_EXPIRED);
	peer_reset(p);						/* clear bgp */
	ck_assert_str_eq(peer_reset_reason(p), "User reset");
	ck_assert_uint_le(p->connect_attempts, 1);
	unit_log_end();
	bgp_free(b);
	event_base_free(base);
}
END_TEST

START_TEST(many_messages_in_one_read_are_all_handled)
{
	struct wbuf w;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	wbuf_init(&w, 1000 * BGP_HDR_LEN);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(msg_keepalive_write(&w), 0);
	fx_send(&f, &w);
	wbuf_free(&w);
	ck_assert_uint_eq(f.p->stats.msgs_in[BGP_KEEPALIVE], 1001);
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	fx_teardown(&f);
}
END_TEST

/* Our OPEN went out on our own connection; the peer's connection races it. */
static struct peer_conn *
fx_collide(struct fx *f, struct bufferevent **ours, struct bufferevent **theirs)
{
	struct peer_conn *c = fx_pair(f, ours, false);
	struct wbuf w;

	conn_free(f->p->conn);
	peer_conn_set(f->p, NULL);
	f->p->state = PEER_ACTIVE;
	peer_conn_accept(f->p, c);			/* ours: OpenSent */
	ck_assert_int_eq(f->p->state, PEER_OPENSENT);
	peer_conn_accept(f->p, fx_pair(f, theirs, true));
	ck_assert_ptr_nonnull(f->p->coll);
	wbuf_init(&w, BGP_MAX_LEN);
	remote_open(&w, 4200000002u, 9, REMOTE_ID);
	fx_send_raw(theirs[1], wbuf_data(&w), wbuf_len(&w));
	wbuf_free(&w);
	fx_run(f);
	return c;
}

START_TEST(collision_higher_remote_id_keeps_the_peers_connection)
{
	struct bufferevent *ours[2], *theirs[2];
	uint8_t t[16];
	struct fx f;
	int k;

	fx_setup(&f, LOCAL_ID);				/* 10.0.0.1 < 10.0.0.2 */
	bufferevent_free(f.pair[1]);
	f.pair[1] = NULL;
	fx_collide(&f, ours, theirs);
	ck_assert_ptr_null(f.p->coll);
	ck_assert_int_eq(f.p->state, PEER_OPENCONFIRM);
	expect_notify(ours[1], BGP_ERR_CEASE, BGP_CEASE_COLLISION);	/* ours loses */
	k = remote_recv(theirs[1], t, 16, NULL);	/* theirs: OPEN, KEEPALIVE */
	ck_assert_int_eq(k, 2);
	ck_assert_uint_eq(t[1], BGP_KEEPALIVE);
	bufferevent_free(ours[1]);
	f.pair[1] = theirs[1];
	fx_teardown(&f);
}
END_TEST

START_TEST(collision_higher_local_id_keeps_our_connection)
{
	struct bufferevent *ours[2], *theirs[2];
	struct peer_conn *c;
	struct fx f;

	fx_setup(&f, 0x0a000003);			/* 10.0.0.3 > 10.0.0.2 */
	bufferevent_free(f.pair[1]);
	f.pair[1] = NULL;
	c = fx_collide(&f, ours, theirs);
	ck_assert_ptr_null(f.p->coll);
	ck_assert_ptr_eq(f.p->conn, c);
	ck_assert_int_eq(f.p->state, PEER_OPENSENT);
	expect_notify(theirs[1], BGP_ERR_CEASE, BGP_CEASE_COLLISION);
	bufferevent_free(theirs[1]);
	f.pair[1] = ours[1];
	fx_teardown(&f);
}
END_TEST

START_TEST(connection_in_established_is_refused)
{
	struct bufferevent *other[2];
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	peer_conn_accept(f.p, fx_pair(&f, other, true));
	ck_assert_ptr_null(f.p->coll);
	ck_assert_uint_eq(f.p->stats.refused, 1);
	ck_assert_int_eq(f.p->state, PEER_ESTABLISHED);
	bufferevent_free(other[1]);
	fx_teardown(&f);
}
END_TEST

START_TEST(repeated_flaps_double_the_idle_hold_time)
{
	struct timeval tv1, now;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	fx_establish(&f);
	f.p->flaps = 3;
	event_active(f.p->t_hold, EV_TIMEOUT, 1);
	fx_run(&f);
	ck_assert(evtimer_pending(f.p->t_idle_hold, &tv1));
	event_base_gettimeofday_cached(f.base, &now);
	/* 1 s << 3 = 8 s, jittered to 6..8 s (§8.1.1 DampPeerOscillations) */
	ck_assert_int_ge(tv1.tv_sec - now.tv_sec, 5);
	ck_assert_int_le(tv1.tv_sec - now.tv_sec, 9);
	ck_assert_uint_eq(f.p->flaps, 4);
	fx_teardown(&f);
}
END_TEST

START_TEST(maximum_prefix_sends_cease_1_and_restarts_later)
{
	struct timeval tv, now;
	struct bgp_err n;
	struct fx f;

	fx_setup(&f, LOCAL_ID);
	f.p->cfg.max_prefix = 1000;
	f.p->cfg.max_prefix_restart = 5;
	fx_establish(&f);
	peer_max_prefix_exceeded(f.p);
	fx_run(&f);
	n = expect_notify(f.pair[1], BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
	ck_assert_uint_eq(n.len, 7);			/* AFI, SAFI, limit (RFC 4486 §4) */
	ck_assert_uint_eq(n.data[1], AFI_IPV4);
	ck_assert_uint_eq((n.data[5] << 8) | n.data[6], 1000);
	ck_assert_int_eq(f.p->state, PEER_IDLE);
	ck_assert(evtimer_pending(f.p->t_idle_hold, &tv));
	event_base_gettimeofday_cached(f.base, &now);
	ck_assert_int_ge(tv.tv_sec - now.tv_sec, 299);	/* 5 minutes */
	fx_teardown(&f);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		passive_peer_reaches_established_with_4byte_asns,
		session_up_and_down_are_notices_unless_log_neighbor_changes_is_off,
		our_open_announces_4byte_as_and_route_refresh,
		wrong_remote_as_gets_notification_2_2_and_idle_hold,
		keepalive_before_open_is_fsm_error_5_1,
		bad_marker_is_header_error_1_1,
		messages_split_into_single_bytes_still_establish,
		update_goes_to_the_hook_and_empty_update_is_end_of_rib,
		update_rejected_by_the_rib_resets_with_its_notification,
		route_refresh_for_ipv4_unicast_reaches_the_hook,
		hold_timer_expiry_sends_4_0,
		peer_that_stops_reading_is_dropped_by_send_hold_timer,
		send_hold_timer_stops_when_output_drains,
		admin_stop_sends_cease_with_shutdown_communication,
		peers_shutdown_communication_survives_later_connection_resets,
		many_messages_in_one_read_are_all_handled,
		connect_failures_are_logged_once_per_cause_and_retried,
		an_operators_change_starts_the_connect_backoff_over,
		connections_closed_before_open_are_logged_sparingly,
		received_notification_is_counted_by_code_and_subcode,
		received_notification_is_logged_once_at_its_level,
		collision_higher_remote_id_keeps_the_peers_connection,
		collision_higher_local_id_keeps_our_connection,
		connection_in_established_is_refused,
		repeated_flaps_double_the_idle_hold_time,
		maximum_prefix_sends_cease_1_and_restarts_later,
	};

	return unit_run("session", tests, UNIT_COUNT(tests));
}
