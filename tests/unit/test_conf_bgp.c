/*
 * tests/unit/test_conf_bgp.c - FRR's `router bgp` lines through the config
 * loader: what loads, and that each mistake names file, line and neighbor.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpd/conf.h"
#include "lib/log.h"
#include "tests/unit/unit.h"

static char logbuf[8192];

static int
load(const char *text, struct bgpd_conf *c)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rv;

	unit_log_begin(logbuf, sizeof(logbuf));
	rv = conf_load_stream(in, "t.conf", c);
	unit_log_end();
	fclose(in);
	return rv;
}

static struct bgpd_conf c;	/* large: keep it off the test's stack */

START_TEST(frr_router_bgp_block_loads)
{
	const struct peer_cfg *p;

	ck_assert_int_eq(load(
	    "hostname a\n"
	    "router bgp 4200000001\n"
	    " bgp router-id 10.0.0.1\n"
	    " neighbor 10.0.0.2 remote-as 4200000002\n"
	    " neighbor 10.0.0.2 password s3cret\n"
	    " neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.2 timers 3 9\n"
	    " neighbor 10.0.0.2 timers connect 5\n"
	    " neighbor 10.0.0.2 update-source 10.0.0.1\n"
	    " neighbor 10.0.0.2 ttl-security hops 1\n"
	    " neighbor 10.0.0.2 description site b uplink\n"
	    " neighbor 10.0.0.3 remote-as 4200000001\n"
	    " neighbor 10.0.0.3 shutdown message planned works\n"
	    " address-family ipv4 unicast\n"
	    "  neighbor 10.0.0.3 route-reflector-client\n"
	    "  neighbor 10.0.0.3 maximum-prefix 1000 restart 5\n"
	    " exit-address-family\n", &c), 0);
	ck_assert(c.bgp.configured);
	ck_assert_uint_eq(c.bgp.asn, 4200000001u);
	ck_assert_uint_eq(c.bgp.router_id, 0x0a000001);
	ck_assert_uint_eq(c.bgp.npeers, 2);
	p = &c.bgp.peers[0];
	ck_assert_uint_eq(ntohl(p->remote_addr.s_addr), 0x0a000002);
	ck_assert_uint_eq(p->remote_as, 4200000002u);
	ck_assert_str_eq(p->password, "s3cret");
	ck_assert(p->passive);
	ck_assert_uint_eq(p->keepalive, 3);
	ck_assert_uint_eq(p->hold_time, 9);
	ck_assert_uint_eq(p->connect_retry, 5);
	ck_assert_uint_eq(ntohl(p->update_source.s_addr), 0x0a000001);
	ck_assert_uint_eq(p->ttl_security_hops, 1);
	ck_assert_str_eq(p->description, "site b uplink");
	p = &c.bgp.peers[1];
	ck_assert(p->shutdown);
	ck_assert_str_eq(p->shutdown_msg, "planned works");
	ck_assert(p->rr_client);
	ck_assert_uint_eq(p->max_prefix, 1000);
	ck_assert_uint_eq(p->max_prefix_restart, 5);
	ck_assert_uint_eq(p->hold_time, PEER_HOLD_DEFAULT);	/* defaults kept */
}
END_TEST

START_TEST(each_bgp_mistake_names_file_line_and_neighbor)
{
	ck_assert_int_eq(load(
	    "neighbor 10.0.0.9 remote-as 65001\n"
	    "router bgp 65001\n"
	    " neighbor 10.0.0.2 passive\n"
	    " neighbor 10.0.0.3 remote-as 65002\n"
	    " neighbor 10.0.0.3 timers 1 2\n"
	    " neighbor 10.0.0.3 ttl-security hops 255\n"
	    " neighbor 10.0.0.3 password 123456789012345678901234567890123456789012345678901234567890123456789012345678901\n"
	    " neighbor 10.0.0.3 frobnicate\n"
	    " neighbor 10.0.0.x remote-as 1\n"
	    "router bgp 65009\n"
	    " bgp router-id 0.0.0.0\n"
	    " neighbor 10.0.0.4 remote-as 0\n", &c), -1);
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:1: neighbor: only inside 'router bgp ASN'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:3: neighbor 10.0.0.2: set its remote-as first"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:5: neighbor 10.0.0.3 timers:"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:6: neighbor 10.0.0.3 ttl-security:"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:7: neighbor 10.0.0.3 password: at most 80"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:8: neighbor 10.0.0.3: unknown setting 'frobnicate'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:9: neighbor: expected"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:10: router bgp 65009: already configured as AS 65001"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:11: bgp router-id:"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:12: neighbor 10.0.0.4 remote-as:"));
}
END_TEST

START_TEST(hold_time_zero_is_allowed)
{
	ck_assert_int_eq(load("router bgp 1\n neighbor 10.0.0.2 remote-as 2\n"
	    " neighbor 10.0.0.2 timers 0 0\n", &c), 0);
	ck_assert_uint_eq(c.bgp.peers[0].hold_time, 0);
}
END_TEST

START_TEST(without_router_bgp_there_is_no_instance)
{
	ck_assert_int_eq(load("hostname x\n", &c), 0);
	ck_assert(!c.bgp.configured);
	ck_assert_uint_eq(c.bgp.npeers, 0);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		frr_router_bgp_block_loads,
		each_bgp_mistake_names_file_line_and_neighbor,
		hold_time_zero_is_allowed,
		without_router_bgp_there_is_no_instance,
	};

	return unit_run("conf_bgp", tests, UNIT_COUNT(tests));
}
