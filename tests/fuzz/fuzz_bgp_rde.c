/*
 * tests/fuzz/fuzz_bgp_rde.c - libFuzzer target: the RIB glue (bgpd/rde.c)
 * with an Established fake peer fed a sequence of UPDATE bodies, then the
 * session going down and its chunked withdraw job run to the end. Input:
 * byte 0 flags (bit 0 eBGP, 1 ADD-PATH, 2 maximum-prefix 4, 3 allowas-in 1,
 * 4 RFC 8212 on), then records of [u16 length, body]. Afterwards the RIB
 * must be empty and every attribute set released (bgp_free checks, ASan
 * reports leaks).
 */
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "rib/rib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct peer *
peer_up(struct bgp *b, uint8_t flags)
{
	struct in_addr a = { htonl(0x0a000001) };
	struct peer_cfg cfg;
	struct peer *p;

	peer_cfg_init(&cfg, a, (flags & 1) ? 65001 : 65000);
	cfg.max_prefix = (flags & 4) ? 4 : 0;
	cfg.allowas_in = (flags & 8) ? 1 : 0;
	cfg.ebgp_requires_policy = (flags & 16) != 0;
	if (bgp_peer_add(b, &cfg, &p) < 0)
		__builtin_trap();
	p->state = PEER_ESTABLISHED;
	p->ctx = (struct msg_ctx){ .as4 = true, .ebgp = flags & 1, .addpath_rx = (flags & 2) != 0 };
	p->local.sin_addr.s_addr = htonl(0x0a000009);
	p->hooks.up(p, p->hooks.arg);
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_base *base;
	struct rib_stats st;
	struct bgp_err e;
	struct peer *p;
	struct bgp *b;
	size_t off = 1;

	if (size < 1)
		return 0;
	log_init(stderr, "fuzz", LOG_EMERG);
	base = event_base_new();
	b = bgp_new(base, 65000, 0x01010101);
	p = peer_up(b, data[0]);
	while (off + 2 <= size && peer_is_established(p)) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		struct cursor c;

		off += 2;
		n = n < size - off ? n : size - off;
		c = cur_init(data + off, n);
		if (p->hooks.update(p, &c, &e, p->hooks.arg) != 0)
			peer_stop(p, BGP_CEASE_ADMIN_RESET, NULL);
		off += n;
	}
	peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
	while (rde_jobs_run(b->rde, 7))
		;
	rib_stats_get(rde_rib(b->rde), &st);
	if (st.prefixes != 0 || st.paths != 0 || st.attrs != 0)
		__builtin_trap();
	bgp_free(b);
	event_base_free(base);
	return 0;
}
