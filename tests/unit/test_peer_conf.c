/*
 * tests/unit/test_peer_conf.c - the BGP speaker from the YANG configuration:
 * what `router bgp` and its neighbors become (struct bgp, struct peer_cfg),
 * and what a commit does to the sessions - only the difference (issue 7):
 * a description or timer changes in place, a remote-as restarts that one
 * session, a new neighbor starts, a removed one is de-configured, a new AS
 * restarts all, a bad edit changes nothing.
 *
 * Neighbors are passive and nothing listens (bgp listen-port 0), so no socket
 * is opened; a restart shows as the peer's last_reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <libyang/libyang.h>

#include "bgpd/conf.h"
#include "bgpd/peer.h"
#include "bgpd/session.h"
#include "tests/unit/unit.h"

static char logbuf[16384];

static struct bgpd *
fx_new(void)
{
	struct bgpd *b = calloc(1, sizeof(*b));

	ck_assert_ptr_nonnull(b);
	b->log_level_cli = LOG_DEBUG;
	b->yang = conf_ctx_new();
	b->base = event_base_new();
	ck_assert_ptr_nonnull(b->yang);
	ck_assert_ptr_nonnull(b->base);
	unit_log_begin(logbuf, sizeof(logbuf));
	return b;
}

static void
fx_free(struct bgpd *b)
{
	bgpd_bgp_stop(b);
	lyd_free_all(b->running);
	conf_ctx_free(b->yang);
	event_base_free(b->base);
	free(b);
	unit_log_end();
}

static void
fx_conf_err(void *arg, const char *where, unsigned line, const char *path, const char *msg)
{
	ck_abort_msg("%s:%u: %s: %s", where, line, path, msg);
}

/* The whole file text as the new configuration, as a reload does. */
static void
fx_commit(struct bgpd *b, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct lyd_node *t = NULL;

	ck_assert_int_eq(conf_load_stream(b->yang, in, "t.conf", &t, fx_conf_err, NULL), 0);
	fclose(in);
	bgpd_conf_commit(b, t);
}

static struct bgpd *
fx_start(const char *text)
{
	struct bgpd *b = fx_new();

	fx_commit(b, text);
	ck_assert_int_eq(bgpd_bgp_start(b), 0);
	return b;
}

static struct peer *
peer_at(const struct bgpd *b, const char *addr)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
	return b->bgp ? bgp_peer_find(b->bgp, a) : NULL;
}

static bool
restarted(const struct peer *p)
{
	return strcmp(p->last_reason, "Config change") == 0;
}

#define ROUTER	"router bgp 4200000001\n bgp router-id 10.0.0.1\n bgp listen-port 0\n"

START_TEST(router_bgp_block_becomes_the_peer_settings)
{
	struct bgpd *b = fx_start(ROUTER
	    " timers bgp 20 60\n"
	    " neighbor G peer-group\n"
	    " neighbor G remote-as 4200000001\n"
	    " neighbor G passive\n"
	    " neighbor 10.0.0.2 remote-as 4200000002\n"
	    " neighbor 10.0.0.2 password s3cret\n"
	    " neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.2 timers 3 9\n"
	    " neighbor 10.0.0.2 timers connect 5\n"
	    " neighbor 10.0.0.2 update-source 10.0.0.1\n"
	    " neighbor 10.0.0.2 ttl-security hops 1\n"
	    " neighbor 10.0.0.2 description site b uplink\n"
	    " neighbor 10.0.0.3 peer-group G\n"
	    " neighbor 10.0.0.3 shutdown message planned works\n"
	    " address-family ipv4 unicast\n"
	    "  neighbor 10.0.0.3 route-reflector-client\n"
	    "  neighbor 10.0.0.3 maximum-prefix 1000 restart 5\n"
	    " exit-address-family\n"
	    "exit\n");
	const struct peer *p;

	ck_assert_ptr_nonnull(b->bgp);
	ck_assert_uint_eq(b->bgp->asn, 4200000001u);
	ck_assert_uint_eq(b->bgp->router_id, 0x0a000001);
	ck_assert_uint_eq(b->bgp->port, 0);
	p = peer_at(b, "10.0.0.2");
	ck_assert_uint_eq(p->cfg.remote_as, 4200000002u);
	ck_assert_str_eq(p->cfg.password, "s3cret");
	ck_assert(p->cfg.passive);
	ck_assert_uint_eq(p->cfg.keepalive, 3);
	ck_assert_uint_eq(p->cfg.hold_time, 9);
	ck_assert_uint_eq(p->cfg.connect_retry, 5);
	ck_assert_uint_eq(ntohl(p->cfg.update_source.s_addr), 0x0a000001);
	ck_assert_uint_eq(p->cfg.ttl_security_hops, 1);
	ck_assert_str_eq(p->cfg.description, "site b uplink");
	ck_assert_int_eq(p->state, PEER_ACTIVE);	/* passive: waits for the peer */
	p = peer_at(b, "10.0.0.3");
	ck_assert_uint_eq(p->cfg.remote_as, 4200000001u);	/* from its peer-group */
	ck_assert(p->cfg.passive);
	ck_assert(p->cfg.shutdown);
	ck_assert_str_eq(p->cfg.shutdown_msg, "planned works");
	ck_assert_int_eq(p->state, PEER_IDLE);
	ck_assert(p->cfg.rr_client);
	ck_assert_uint_eq(p->cfg.max_prefix, 1000);
	ck_assert_uint_eq(p->cfg.max_prefix_restart, 5);
	ck_assert_uint_eq(p->cfg.hold_time, 60);	/* timers bgp */
	ck_assert_uint_eq(p->cfg.keepalive, 20);
	ck_assert_uint_eq(p->cfg.connect_retry, PEER_CONNECT_RETRY_DEFAULT);
	fx_free(b);
}
END_TEST

START_TEST(defaults_and_hold_time_zero)
{
	struct bgpd *b = fx_start(ROUTER
	    " neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.2 timers 0 0\n"
	    " neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\nexit\n");

	ck_assert_uint_eq(peer_at(b, "10.0.0.2")->cfg.hold_time, 0);
	ck_assert_uint_eq(peer_at(b, "10.0.0.3")->cfg.hold_time, PEER_HOLD_DEFAULT);
	ck_assert_uint_eq(peer_at(b, "10.0.0.3")->cfg.keepalive, PEER_KEEPALIVE_DEFAULT);
	ck_assert_uint_eq(peer_at(b, "10.0.0.3")->cfg.port, 0);
	fx_free(b);
}
END_TEST

START_TEST(without_router_bgp_there_is_no_instance_until_one_is_added)
{
	struct bgpd *b = fx_start("hostname x\n");

	ck_assert_ptr_null(b->bgp);
	fx_commit(b, ROUTER " neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 passive\nexit\n");
	ck_assert_ptr_nonnull(b->bgp);
	ck_assert_int_eq(peer_at(b, "10.0.0.2")->state, PEER_ACTIVE);
	fx_commit(b, "hostname x\n");
	ck_assert_ptr_null(b->bgp);
	ck_assert_ptr_nonnull(strstr(logbuf, "router bgp removed"));
	fx_free(b);
}
END_TEST

#define NEIGHBORS3 \
	" neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 passive\n" \
	" neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\n" \
	" neighbor 10.0.0.4 remote-as 4\n neighbor 10.0.0.4 passive\n"
#define THREE	ROUTER NEIGHBORS3

START_TEST(only_the_remote_as_change_restarts_its_session)
{
	struct bgpd *b = fx_start("ip prefix-list P seq 5 permit 10.0.0.0/8\n" THREE "exit\n");
	struct peer *p2 = peer_at(b, "10.0.0.2"), *p3 = peer_at(b, "10.0.0.3"),
	    *p4 = peer_at(b, "10.0.0.4");

	fx_commit(b, "ip prefix-list P seq 5 permit 10.0.0.0/8\n"
	    "ip prefix-list P seq 10 deny 192.168.0.0/16\n" ROUTER
	    " neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.2 description now described\n"
	    " neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\n"
	    " neighbor 10.0.0.3 timers 10 30\n neighbor 10.0.0.3 timers connect 7\n"
	    " neighbor 10.0.0.4 remote-as 44\n neighbor 10.0.0.4 passive\n"
	    " neighbor 10.0.0.4 description and its AS\n"
	    " address-family ipv4 unicast\n  neighbor 10.0.0.2 prefix-list P in\n"
	    " exit-address-family\nexit\n");
	ck_assert_ptr_eq(peer_at(b, "10.0.0.2"), p2);		/* same peers, updated */
	ck_assert_ptr_eq(peer_at(b, "10.0.0.3"), p3);
	ck_assert_ptr_eq(peer_at(b, "10.0.0.4"), p4);
	ck_assert_str_eq(p2->cfg.description, "now described");
	ck_assert_uint_eq(p3->cfg.hold_time, 30);		/* offered in the next OPEN */
	ck_assert_uint_eq(p3->cfg.connect_retry, 7);
	ck_assert_uint_eq(p4->cfg.remote_as, 44);
	ck_assert(!restarted(p2));
	ck_assert(!restarted(p3));
	ck_assert(restarted(p4));				/* once, for two changes */
	ck_assert_ptr_nonnull(strstr(logbuf, "neighbor 10.0.0.4: configuration changed; session restarts"));
	ck_assert_ptr_null(strstr(strstr(logbuf, "session restarts") + 1, "session restarts"));
	ck_assert_int_eq(p4->state, PEER_ACTIVE);		/* started again */
	fx_free(b);
}
END_TEST

START_TEST(added_neighbor_starts_and_removed_one_is_deconfigured)
{
	struct bgpd *b = fx_start(THREE "exit\n");
	struct peer *p3 = peer_at(b, "10.0.0.3");

	fx_commit(b, ROUTER
	    " neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\n"
	    " neighbor 10.0.0.4 remote-as 4\n neighbor 10.0.0.4 passive\n"
	    " neighbor 10.0.0.5 remote-as 5\n neighbor 10.0.0.5 passive\nexit\n");
	ck_assert_ptr_null(peer_at(b, "10.0.0.2"));
	ck_assert_ptr_nonnull(strstr(logbuf, "neighbor 10.0.0.2: de-configured"));
	ck_assert_ptr_eq(peer_at(b, "10.0.0.3"), p3);
	ck_assert(!restarted(p3));
	ck_assert_int_eq(peer_at(b, "10.0.0.5")->state, PEER_ACTIVE);
	ck_assert_ptr_nonnull(strstr(logbuf, "neighbor 10.0.0.5: configured (AS 5)"));
	fx_free(b);
}
END_TEST

START_TEST(new_asn_or_router_id_restarts_every_session)
{
	struct bgpd *b = fx_start(THREE "exit\n");

	fx_commit(b, "router bgp 65009\n bgp router-id 10.0.0.1\n bgp listen-port 0\n"
	    NEIGHBORS3 "exit\n");
	ck_assert_uint_eq(b->bgp->asn, 65009);
	ck_assert(restarted(peer_at(b, "10.0.0.2")) && restarted(peer_at(b, "10.0.0.3")) &&
	    restarted(peer_at(b, "10.0.0.4")));
	for (struct peer *p = b->bgp->peers; p != NULL; p = p->next)
		p->last_reason[0] = '\0';
	fx_commit(b, "router bgp 65009\n bgp router-id 10.0.0.9\n bgp listen-port 0\n"
	    NEIGHBORS3 "exit\n");
	ck_assert_uint_eq(b->bgp->router_id, 0x0a000009);
	ck_assert(restarted(peer_at(b, "10.0.0.2")) && restarted(peer_at(b, "10.0.0.4")));
	fx_free(b);
}
END_TEST

START_TEST(peer_group_change_restarts_its_members_only)
{
	struct bgpd *b = fx_start(ROUTER " neighbor G peer-group\n neighbor G remote-as 7\n"
	    " neighbor 10.0.0.2 peer-group G\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\nexit\n");

	fx_commit(b, ROUTER " neighbor G peer-group\n neighbor G remote-as 8\n"
	    " neighbor 10.0.0.2 peer-group G\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.3 remote-as 3\n neighbor 10.0.0.3 passive\nexit\n");
	ck_assert_uint_eq(peer_at(b, "10.0.0.2")->cfg.remote_as, 8);
	ck_assert(restarted(peer_at(b, "10.0.0.2")));
	ck_assert(!restarted(peer_at(b, "10.0.0.3")));
	fx_free(b);
}
END_TEST

START_TEST(shutdown_stops_and_no_shutdown_starts)
{
	struct bgpd *b = fx_start(THREE "exit\n");
	struct peer *p = peer_at(b, "10.0.0.3");
	char errs[512];
	const char *down = "router bgp 4200000001\nneighbor 10.0.0.3 shutdown message works\n";
	const char *up = "router bgp 4200000001\nno neighbor 10.0.0.3 shutdown\n";

	ck_assert_int_eq(bgpd_conf_edit(b, down, strlen(down), errs, sizeof(errs)), 0);
	ck_assert_int_eq(p->state, PEER_IDLE);
	ck_assert_str_eq(p->last_reason, "Admin. shutdown: works");
	ck_assert_int_eq(bgpd_conf_edit(b, up, strlen(up), errs, sizeof(errs)), 0);
	ck_assert_int_eq(p->state, PEER_ACTIVE);
	ck_assert(!restarted(peer_at(b, "10.0.0.2")));
	fx_free(b);
}
END_TEST

START_TEST(bad_edit_changes_no_peer)
{
	struct bgpd *b = fx_start(THREE "exit\n");
	struct peer *p = peer_at(b, "10.0.0.2");
	const char *bad = "router bgp 4200000001\nneighbor 10.0.0.2 remote-as 9\n"
	    "neighbor 10.0.0.2 timers 1 2\n";
	char errs[512];

	ck_assert_int_eq(bgpd_conf_edit(b, bad, strlen(bad), errs, sizeof(errs)), 1);
	ck_assert_ptr_eq(peer_at(b, "10.0.0.2"), p);
	ck_assert_uint_eq(p->cfg.remote_as, 2);
	ck_assert_uint_eq(p->cfg.hold_time, PEER_HOLD_DEFAULT);
	ck_assert(!restarted(p));
	fx_free(b);
}
END_TEST

static int
ip_opt(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(getsockopt(fd, IPPROTO_IP, opt, &v, &len), 0);
	return v;
}

/* The TTL and TOS a session's socket gets, as tcpdump would show them. */
static void
sock_check(const struct peer *p, int ttl, int minttl)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(conn_sockopts_set(fd, p), 0);
	ck_assert_msg(ip_opt(fd, IP_TTL) == ttl, "%s: TTL %d, want %d", p->name,
	    ip_opt(fd, IP_TTL), ttl);
	ck_assert_int_eq(ip_opt(fd, IP_MINTTL), minttl);
	ck_assert_int_eq(ip_opt(fd, IP_TOS), 0xc0);		/* CS6 */
	close(fd);
}

/* FRR's choice: eBGP TTL 1 unless ebgp-multihop [N] (bare: 255), iBGP 255, GTSM 255. */
START_TEST(ebgp_sends_ttl_1_unless_multihop_ibgp_255_all_cs6)
{
	struct bgpd *b = fx_start(ROUTER
	    " neighbor 10.0.0.2 remote-as 4200000002\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.3 remote-as 4200000003\n neighbor 10.0.0.3 passive\n"
	    " neighbor 10.0.0.3 ebgp-multihop 2\n"
	    " neighbor 10.0.0.4 remote-as 4200000004\n neighbor 10.0.0.4 passive\n"
	    " neighbor 10.0.0.4 ebgp-multihop\n"
	    " neighbor 10.0.0.5 remote-as 4200000001\n neighbor 10.0.0.5 passive\n"
	    " neighbor 10.0.0.6 remote-as 4200000006\n neighbor 10.0.0.6 passive\n"
	    " neighbor 10.0.0.6 ttl-security hops 2\n"
	    " neighbor 10.0.0.7 remote-as 4200000007\n neighbor 10.0.0.7 passive\n"
	    " neighbor 10.0.0.7 local-as 4200000007\n"
	    "exit\n");

	ck_assert(peer_is_ebgp(peer_at(b, "10.0.0.2")));
	sock_check(peer_at(b, "10.0.0.2"), 1, 0);
	ck_assert_uint_eq(peer_at(b, "10.0.0.3")->cfg.ebgp_multihop, 2);
	sock_check(peer_at(b, "10.0.0.3"), 2, 0);
	sock_check(peer_at(b, "10.0.0.4"), 255, 0);
	ck_assert(!peer_is_ebgp(peer_at(b, "10.0.0.5")));
	sock_check(peer_at(b, "10.0.0.5"), 255, 0);		/* iBGP */
	sock_check(peer_at(b, "10.0.0.6"), 255, 254);		/* GTSM: TTL >= 256 - 2 */
	ck_assert(!peer_is_ebgp(peer_at(b, "10.0.0.7")));	/* local-as = remote-as */
	sock_check(peer_at(b, "10.0.0.7"), 255, 0);
	fx_free(b);
}
END_TEST

START_TEST(ebgp_multihop_change_restarts_that_session_only)
{
	struct bgpd *b = fx_start(THREE "exit\n");

	fx_commit(b, THREE " neighbor 10.0.0.2 ebgp-multihop 2\nexit\n");
	ck_assert(restarted(peer_at(b, "10.0.0.2")));
	ck_assert(!restarted(peer_at(b, "10.0.0.3")));
	ck_assert_int_eq(peer_ttl(peer_at(b, "10.0.0.2")), 2);
	ck_assert_int_eq(peer_ttl(peer_at(b, "10.0.0.3")), 1);
	fx_free(b);
}
END_TEST

/* FRR's remote-as internal|external: our AS; any AS but ours, learned from the OPEN. */
START_TEST(remote_as_internal_and_external)
{
	struct bgpd *b = fx_start(ROUTER
	    " neighbor 10.0.0.2 remote-as external\n neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.3 remote-as internal\n neighbor 10.0.0.3 passive\n"
	    " neighbor 10.0.0.4 remote-as 4200000004\n neighbor 10.0.0.4 passive\n"
	    " neighbor G peer-group\n neighbor G remote-as external\n neighbor G passive\n"
	    " neighbor 10.0.0.5 peer-group G\n neighbor 10.0.0.5 remote-as 4200000005\n"
	    " neighbor 10.0.0.6 peer-group G\n"
	    "exit\n");
	const char *edit = "router bgp 4200000001\nneighbor 10.0.0.4 remote-as external\n";
	struct peer *p = peer_at(b, "10.0.0.2");
	char errs[512];

	ck_assert(p->cfg.remote_as_external && peer_is_ebgp(p));
	ck_assert_uint_eq(peer_remote_as(p), 0);		/* until its OPEN */
	p->open_as = 4200000009u;
	ck_assert_uint_eq(peer_remote_as(p), 4200000009u);
	p = peer_at(b, "10.0.0.3");
	ck_assert(!p->cfg.remote_as_external && !peer_is_ebgp(p));
	ck_assert_uint_eq(p->cfg.remote_as, 4200000001u);
	ck_assert_int_eq(peer_ttl(p), 255);
	p = peer_at(b, "10.0.0.5");				/* its own wins over G's */
	ck_assert(!p->cfg.remote_as_external && p->cfg.remote_as == 4200000005u);
	ck_assert(peer_at(b, "10.0.0.6")->cfg.remote_as_external);	/* G's */
	/* the shell replaces a number by external: that session restarts */
	ck_assert_int_eq(bgpd_conf_edit(b, edit, strlen(edit), errs, sizeof(errs)), 0);
	p = peer_at(b, "10.0.0.4");
	ck_assert(p->cfg.remote_as_external && restarted(p));
	fx_free(b);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		router_bgp_block_becomes_the_peer_settings,
		defaults_and_hold_time_zero,
		without_router_bgp_there_is_no_instance_until_one_is_added,
		only_the_remote_as_change_restarts_its_session,
		added_neighbor_starts_and_removed_one_is_deconfigured,
		new_asn_or_router_id_restarts_every_session,
		peer_group_change_restarts_its_members_only,
		shutdown_stops_and_no_shutdown_starts,
		bad_edit_changes_no_peer,
		ebgp_sends_ttl_1_unless_multihop_ibgp_255_all_cs6,
		ebgp_multihop_change_restarts_that_session_only,
		remote_as_internal_and_external,
	};

	return unit_run("peer_conf", tests, UNIT_COUNT(tests));
}
