/*
 * tests/fuzz/fuzz_bgp_session.c - libFuzzer target: a passive session in
 * OpenSent (AS 65001, expecting AS 65002) fed arbitrary bytes from the peer
 * over a bufferevent pair, through framing, the state machine and the
 * NOTIFICATION paths. The first byte sets the chunk size the bytes arrive in.
 * The seed corpus starts with a valid OPEN + KEEPALIVE so mutations reach
 * Established.
 */
#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgpd/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
loop(struct event_base *base)
{
	for (int i = 0; i < 8; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static int
update_ok(struct peer *p, struct cursor *body, struct bgp_err *e, void *arg)
{
	return body->len > 0 && body->p[0] == 0xee ? (bgp_err_set(e, 3, 1, NULL, 0), -1) : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct peer_hooks hooks = { .update = update_ok };
	struct event_base *base;
	struct bufferevent *pair[2];
	struct peer_cfg cfg;
	struct in_addr a = { htonl(0x0a000002) };
	struct peer *p;
	struct bgp *b;
	size_t chunk;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 97 + 1;
	log_init(stderr, "fuzz", LOG_EMERG);
	base = event_base_new();
	b = bgp_new(base, 65001, 0x0a000001);
	b->port = 0;
	bgp_set_hooks(b, &hooks);
	peer_cfg_init(&cfg, a, 65002);
	cfg.passive = true;
	if (bgp_peer_add(b, &cfg, &p) < 0 || bgp_start(b) < 0 ||
	    bufferevent_pair_new(base, 0, pair) < 0)
		__builtin_trap();
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	peer_conn_accept(p, conn_new(p, pair[0], true));
	for (size_t off = 1; off < size; off += chunk) {
		bufferevent_write(pair[1], data + off, size - off < chunk ? size - off : chunk);
		loop(base);
	}
	bgp_free(b);
	loop(base);
	bufferevent_free(pair[1]);
	loop(base);
	event_base_free(base);
	return 0;
}
