/*
 * tests/unit/test_render_fwd.c - the shell's `show tunnel`, `show ip
 * route` and `show ip nexthop-group` printers: aligned columns in text, camelCase keys in JSON, from
 * hand-made records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/ctlmsg.h"
#include "vtysh/render_fwd.h"
#include "tests/unit/unit.h"

/* Not inlined: GCC 12 at -O2 takes the memstream's &buf for a dangling local. */
static __attribute__((noinline)) char *
tunnels_print(bool json, bool running, const struct ctl_tunnel_rec *v, size_t n)
{
	struct ctl_tunnel_rec h = { .rec = CTL_FWD_HEAD, .running = running,
	    .drops_no_tunnel = 3 };
	struct fwd_render fr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CTL_STR_SET(h.driver, "userspace");
	render_tunnel_begin(&fr, f, &h, json);
	for (size_t i = 0; i < n; i++)
		render_tunnel_row(&fr, &v[i]);
	render_fwd_end(&fr, "No tunnels");
	fclose(f);
	return buf;
}

static struct ctl_tunnel_rec
tun(const char *name, const char *remote, uint64_t rx)
{
	struct ctl_tunnel_rec r = { .rec = CTL_FWD_ROW, .ifindex = 7, .mtu = 1480, .users = 2,
	    .rx_packets = rx, .rx_bytes = rx * 84, .tx_packets = 5, .tx_bytes = 420 };

	CTL_STR_SET(r.name, name);
	CTL_STR_SET(r.local, "10.0.31.1");
	CTL_STR_SET(r.remote, remote);
	return r;
}

START_TEST(tunnel_table_is_aligned_under_its_header)
{
	struct ctl_tunnel_rec v[2] = { tun("ip0k00v0450e002", "10.7.0.2", 12),
	    tun("ip0k00v0450e003", "10.7.0.3", 1234567) };
	char *out = tunnels_print(false, true, v, 2), *l1, *l2, *l3;

	ck_assert_msg(strstr(out, "Tunnel driver userspace") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "3 for no tunnel") != NULL, "%s", out);
	l1 = strchr(out, '\n') + 1;
	l2 = strchr(l1, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	ck_assert_msg(strncmp(l1, "Name            Local           Remote          Type", 52) == 0,
	    "%s", out);
	ck_assert_msg(strncmp(l2, "ip0k00v0450e002 10.0.31.1       10.7.0.2        p2p   1480     2 no",
	    66) == 0, "%s", out);
	/* every row as long as the header: the columns line up */
	ck_assert_int_eq(strchr(l1, '\n') - l1, strchr(l2, '\n') - l2);
	ck_assert_int_eq(strchr(l2, '\n') - l2, strchr(l3, '\n') - l3);
	free(out);
	out = tunnels_print(false, true, NULL, 0);
	ck_assert_msg(strstr(out, "No tunnels") != NULL, "%s", out);
	free(out);
	out = tunnels_print(false, false, NULL, 0);
	ck_assert_msg(strstr(out, "No tunnel driver running") != NULL && !strstr(out, "No tunnels\n"),
	    "%s", out);
	free(out);
}
END_TEST

START_TEST(tunnel_json_has_camel_case_keys_and_counters)
{
	struct ctl_tunnel_rec v[1] = { tun("ip0k00v0450e002", "10.7.0.2", 12) };
	char *out = tunnels_print(true, true, v, 1);
	json_object *top = json_tokener_parse(out), *arr, *t, *x;

	ck_assert_ptr_nonnull(top);
	ck_assert(json_object_object_get_ex(top, "tunnels", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 1);
	t = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(t, "remote", &x));
	ck_assert_str_eq(json_object_get_string(x), "10.7.0.2");
	ck_assert(json_object_object_get_ex(t, "rxPackets", &x));
	ck_assert_int_eq(json_object_get_int64(x), 12);
	ck_assert(json_object_object_get_ex(t, "txBytes", &x));
	ck_assert_int_eq(json_object_get_int64(x), 420);
	ck_assert(json_object_object_get_ex(t, "type", &x));
	ck_assert_str_eq(json_object_get_string(x), "point-to-point");
	ck_assert(json_object_object_get_ex(top, "dropsNoTunnel", &x));
	ck_assert_int_eq(json_object_get_int64(x), 3);
	json_object_put(top);
	free(out);
}
END_TEST

/* show tunnel NAME: the head, the device's tunnels, then the routes through it. */
static __attribute__((noinline)) char *
tunnel_one_print(bool json, const struct ctl_tunnel_rec *v, size_t n,
    const struct ctl_tunnel_rec *rt, size_t nrt)
{
	struct ctl_tunnel_rec h = { .rec = CTL_FWD_HEAD, .running = 1 };
	struct fwd_render fr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CTL_STR_SET(h.driver, "kernel");
	render_tunnel_one_begin(&fr, f, &h, json);
	for (size_t i = 0; i < n; i++)
		render_tunnel_row(&fr, &v[i]);
	for (size_t i = 0; i < nrt; i++)
		render_tunnel_route(&fr, &rt[i]);
	render_fwd_end(&fr, NULL);
	fclose(f);
	return buf;
}

static struct ctl_tunnel_rec
tun_route(const char *prefix, const char *via, uint32_t nexthops)
{
	struct ctl_tunnel_rec r = { .rec = CTL_FWD_ROUTE, .ifindex = 7, .nexthops = nexthops };

	CTL_STR_SET(r.name, "ip0k00v0450e002");
	CTL_STR_SET(r.prefix, prefix);
	CTL_STR_SET(r.via, via);
	CTL_STR_SET(r.state, "installed");
	return r;
}

START_TEST(one_tunnel_text_names_device_counters_and_routes)
{
	struct ctl_tunnel_rec v[1] = { tun("ip0k00v0450e002", "10.7.0.2", 12) };
	struct ctl_tunnel_rec rt[2] = { tun_route("10.10.3.0/24", "", 3),
	    tun_route("10.10.9.0/24", "", 1) };
	char *out = tunnel_one_print(false, v, 1, rt, 2);

	ck_assert_msg(strstr(out, "Tunnel ip0k00v0450e002, ifindex 7, driver kernel\n"
	    "  Style point-to-point, local 10.0.31.1, MTU 1480, adopted no\n"
	    "  RX: 12 packets, 1008 bytes, 0 errors\n"
	    "  TX: 5 packets, 420 bytes, 0 errors\n"
	    "  Remote 10.7.0.2, 2 users\n"
	    "  Routes through it:\n"
	    "    10.10.3.0/24, installed, ECMP: 1 of 3 next hops\n"
	    "    10.10.9.0/24, installed\n") == out, "%s", out);
	ck_assert_msg(strstr(out, "Name ") == NULL, "no list header in the detail: %s", out);
	free(out);
	out = tunnel_one_print(false, v, 1, NULL, 0);
	ck_assert_msg(strstr(out, "  No routes through it\n") != NULL, "%s", out);
	free(out);
}
END_TEST

/* An NBMA device carries one tunnel per remote: each gets the routes via it. */
START_TEST(one_tunnel_json_has_list_keys_and_routes_per_remote)
{
	struct ctl_tunnel_rec v[2] = { tun("ip0k00v0450e000", "10.7.0.2", 12),
	    tun("ip0k00v0450e000", "10.7.0.3", 12) };
	struct ctl_tunnel_rec rt[3] = { tun_route("10.10.3.0/24", "10.7.0.3", 2),
	    tun_route("10.10.2.0/24", "10.7.0.2", 1), tun_route("10.10.4.0/24", "10.7.0.3", 1) };
	char *out, *list;
	json_object *top, *ltop, *arr, *t, *l, *routes, *r, *x;

	v[0].nbma = v[1].nbma = 1;
	out = tunnel_one_print(true, v, 2, rt, 3);
	list = tunnels_print(true, true, v, 2);
	top = json_tokener_parse(out), ltop = json_tokener_parse(list);
	ck_assert_ptr_nonnull(top);
	ck_assert(json_object_object_get_ex(top, "tunnels", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 2);
	ck_assert(json_object_object_get_ex(top, "driver", &x));
	ck_assert_str_eq(json_object_get_string(x), "kernel");
	/* every key of the list form's entry, with the same value */
	ck_assert(json_object_object_get_ex(ltop, "tunnels", &l));
	t = json_object_array_get_idx(arr, 1), l = json_object_array_get_idx(l, 1);
	json_object_object_foreach(l, key, val) {
		ck_assert_msg(json_object_object_get_ex(t, key, &x), "missing %s", key);
		ck_assert_str_eq(json_object_get_string(x), json_object_get_string(val));
	}
	ck_assert(json_object_object_get_ex(t, "type", &x));
	ck_assert_str_eq(json_object_get_string(x), "nbma");
	/* routes go to the remote they are via */
	ck_assert(json_object_object_get_ex(t, "routes", &routes));
	ck_assert_int_eq(json_object_array_length(routes), 2);
	r = json_object_array_get_idx(routes, 0);
	ck_assert(json_object_object_get_ex(r, "prefix", &x));
	ck_assert_str_eq(json_object_get_string(x), "10.10.3.0/24");
	ck_assert(json_object_object_get_ex(r, "via", &x));
	ck_assert_str_eq(json_object_get_string(x), "10.7.0.3");
	ck_assert(json_object_object_get_ex(r, "nexthops", &x));
	ck_assert_int_eq(json_object_get_int(x), 2);
	ck_assert(json_object_object_get_ex(r, "state", &x));
	ck_assert_str_eq(json_object_get_string(x), "installed");
	t = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(t, "routes", &routes));
	ck_assert_int_eq(json_object_array_length(routes), 1);
	json_object_put(top);
	json_object_put(ltop);
	free(out);
	free(list);
}
END_TEST

static char *
routes_print(bool json, const struct ctl_kroute_rec *v, size_t n)
{
	struct ctl_kroute_rec h = { .rec = CTL_FWD_HEAD, .running = 1, .protocol = 44,
	    .table = 254 };
	struct fwd_render fr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_kroute_begin(&fr, f, &h, json);
	for (size_t i = 0; i < n; i++)
		render_kroute_row(&fr, &v[i]);
	render_fwd_end(&fr, "No routes");
	fclose(f);
	return buf;
}

static struct ctl_kroute_rec *
routes_make(void)
{
	static struct ctl_kroute_rec v[2];

	memset(v, 0, sizeof(v));
	v[0] = (struct ctl_kroute_rec){ .rec = CTL_FWD_ROW, .mtu = 1480, .nhg_id = 738197505,
	    .nnh = 1 };
	CTL_STR_SET(v[0].prefix, "192.168.2.0/24");
	CTL_STR_SET(v[0].state, "installed");
	CTL_STR_SET(v[0].nh[0].dev, "ip0k00v0450e002");
	v[0].nh[0].weight = 1;
	v[1] = (struct ctl_kroute_rec){ .rec = CTL_FWD_ROW, .nnh = 2 };
	CTL_STR_SET(v[1].prefix, "192.168.1.0/24");
	CTL_STR_SET(v[1].state, "failed");
	CTL_STR_SET(v[1].nh[0].via, "10.0.31.2");
	CTL_STR_SET(v[1].nh[0].dev, "ovA");
	v[1].nh[0].weight = 1;
	CTL_STR_SET(v[1].nh[1].via, "10.7.0.3");
	CTL_STR_SET(v[1].nh[1].dev, "ipn");
	v[1].nh[1].onlink = 1, v[1].nh[1].weight = 3;
	return v;
}

START_TEST(route_table_lists_next_hops_one_per_line)
{
	char *out = routes_print(false, routes_make(), 2);

	ck_assert_msg(strstr(out, "Routes installed by ipip-bgpd (protocol 44, table 254)\n"
	    "Prefix             State            NHG   MTU  Next Hops\n"
	    "192.168.2.0/24     installed  738197505  1480  dev ip0k00v0450e002 weight 1\n"
	    "192.168.1.0/24     failed             -     -  via 10.0.31.2 dev ovA weight 1\n"
	    "                                               via 10.7.0.3 dev ipn onlink weight 3\n")
	    != NULL, "%s", out);
	free(out);
}
END_TEST

START_TEST(route_json_has_state_group_and_next_hops)
{
	char *out = routes_print(true, routes_make(), 2);
	json_object *top = json_tokener_parse(out), *arr, *r, *x, *nhs;

	ck_assert_ptr_nonnull(top);
	ck_assert(json_object_object_get_ex(top, "routes", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 2);
	r = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(r, "nexthopGroupId", &x));
	ck_assert_int_eq(json_object_get_int64(x), 738197505);
	ck_assert(json_object_object_get_ex(r, "installed", &x) && json_object_get_boolean(x));
	r = json_object_array_get_idx(arr, 1);
	ck_assert(json_object_object_get_ex(r, "installed", &x) && !json_object_get_boolean(x));
	ck_assert(json_object_object_get_ex(r, "nexthops", &nhs));
	ck_assert_int_eq(json_object_array_length(nhs), 2);
	x = json_object_array_get_idx(nhs, 1);
	ck_assert(json_object_object_get_ex(x, "onlink", &r) && json_object_get_boolean(r));
	ck_assert(json_object_object_get_ex(x, "via", &r));
	ck_assert_str_eq(json_object_get_string(r), "10.7.0.3");
	ck_assert(json_object_object_get_ex(top, "protocol", &x));
	ck_assert_int_eq(json_object_get_int(x), 44);
	json_object_put(top);
	free(out);
}
END_TEST

static char *
nhgs_print(bool json, bool nexthop_objects, const struct ctl_nhg_rec *v, size_t n)
{
	struct ctl_nhg_rec h = { .rec = CTL_FWD_HEAD, .running = 1,
	    .nexthop_objects = nexthop_objects, .nexthops = 3, .groups = (uint32_t)n };
	struct fwd_render fr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_nhg_begin(&fr, f, &h, json);
	for (size_t i = 0; i < n; i++)
		render_nhg_row(&fr, &v[i]);
	render_fwd_end(&fr, "No nexthop groups");
	fclose(f);
	return buf;
}

static struct ctl_nhg_rec *
nhgs_make(void)
{
	static struct ctl_nhg_rec v[2];

	memset(v, 0, sizeof(v));
	v[0] = (struct ctl_nhg_rec){ .rec = CTL_FWD_ROW, .id = 738197507, .refcnt = 1000,
	    .nnh = 2 };
	CTL_STR_SET(v[0].type, "mpath");
	CTL_STR_SET(v[0].state, "installed");
	v[0].nh[0] = (struct ctl_nhg_nh){ .id = 738197505, .ifindex = 4, .weight = 1,
	    .installed = 1 };
	CTL_STR_SET(v[0].nh[0].gateway, "10.0.9.2");
	CTL_STR_SET(v[0].nh[0].dev, "rdA");
	v[0].nh[1] = (struct ctl_nhg_nh){ .id = 738197506, .ifindex = 9, .weight = 3,
	    .onlink = 1 };
	CTL_STR_SET(v[0].nh[1].gateway, "10.7.0.3");	/* its device vanished: dev "" */
	v[1] = (struct ctl_nhg_rec){ .rec = CTL_FWD_ROW, .id = 738197509, .refcnt = 1,
	    .nnh = 1 };
	CTL_STR_SET(v[1].type, "resilient");
	CTL_STR_SET(v[1].state, "pending");
	v[1].nh[0] = (struct ctl_nhg_nh){ .id = 738197508, .ifindex = 7, .weight = 1,
	    .installed = 1 };
	CTL_STR_SET(v[1].nh[0].dev, "ip0k00v0450e002");
	return v;
}

START_TEST(nexthop_group_table_lists_members_one_per_line)
{
	char *out = nhgs_print(false, true, nhgs_make(), 2);

	ck_assert_msg(strstr(out,
	    "Nexthop groups installed by ipip-bgpd (2 groups, 3 nexthop objects)\n"
	    "        ID Type      State     RefCnt     Nexthop Member\n"
	    " 738197507 mpath     installed   1000   738197505 via 10.0.9.2 dev rdA weight 1\n"
	    "                                        738197506 via 10.7.0.3 dev ? onlink weight 3"
	    " (not installed)\n"
	    " 738197509 resilient pending        1   738197508 dev ip0k00v0450e002 weight 1\n")
	    != NULL, "%s", out);
	free(out);
	out = nhgs_print(false, true, NULL, 0);
	ck_assert_msg(strstr(out, "No nexthop groups\n") != NULL, "%s", out);
	free(out);
	out = nhgs_print(false, false, NULL, 0);
	ck_assert_msg(strstr(out, "routes carry their next hops inline") != NULL &&
	    strstr(out, "No nexthop groups\n") == NULL, "%s", out);
	free(out);
}
END_TEST

START_TEST(nexthop_group_json_has_ref_count_and_members)
{
	char *out = nhgs_print(true, true, nhgs_make(), 2);
	json_object *top = json_tokener_parse(out), *arr, *g, *x, *nhs, *m;

	ck_assert_ptr_nonnull(top);
	ck_assert(json_object_object_get_ex(top, "nexthopGroups", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 2);
	ck_assert(json_object_object_get_ex(top, "nexthopCount", &x));
	ck_assert_int_eq(json_object_get_int64(x), 3);
	ck_assert(json_object_object_get_ex(top, "nexthopObjects", &x) &&
	    json_object_get_boolean(x));
	g = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(g, "id", &x));
	ck_assert_int_eq(json_object_get_int64(x), 738197507);
	ck_assert(json_object_object_get_ex(g, "type", &x));
	ck_assert_str_eq(json_object_get_string(x), "mpath");
	ck_assert(json_object_object_get_ex(g, "state", &x));
	ck_assert_str_eq(json_object_get_string(x), "installed");
	ck_assert(json_object_object_get_ex(g, "refCount", &x));
	ck_assert_int_eq(json_object_get_int64(x), 1000);
	ck_assert(json_object_object_get_ex(g, "nexthops", &nhs));
	ck_assert_int_eq(json_object_array_length(nhs), 2);
	m = json_object_array_get_idx(nhs, 0);
	ck_assert(json_object_object_get_ex(m, "id", &x));
	ck_assert_int_eq(json_object_get_int64(x), 738197505);
	ck_assert(json_object_object_get_ex(m, "gateway", &x));
	ck_assert_str_eq(json_object_get_string(x), "10.0.9.2");
	ck_assert(json_object_object_get_ex(m, "interface", &x));
	ck_assert_str_eq(json_object_get_string(x), "rdA");
	ck_assert(json_object_object_get_ex(m, "installed", &x) && json_object_get_boolean(x));
	m = json_object_array_get_idx(nhs, 1);
	ck_assert(json_object_object_get_ex(m, "interface", &x) && x == NULL);	/* vanished */
	ck_assert(json_object_object_get_ex(m, "onlink", &x) && json_object_get_boolean(x));
	ck_assert(json_object_object_get_ex(m, "weight", &x));
	ck_assert_int_eq(json_object_get_int64(x), 3);
	ck_assert(json_object_object_get_ex(m, "installed", &x) && !json_object_get_boolean(x));
	g = json_object_array_get_idx(arr, 1);
	ck_assert(json_object_object_get_ex(g, "type", &x));
	ck_assert_str_eq(json_object_get_string(x), "resilient");
	ck_assert(json_object_object_get_ex(g, "nexthops", &nhs));
	m = json_object_array_get_idx(nhs, 0);
	ck_assert(json_object_object_get_ex(m, "gateway", &x) && x == NULL);	/* none */
	ck_assert(json_object_object_get_ex(top, "total", &x));
	ck_assert_int_eq(json_object_get_int64(x), 2);
	json_object_put(top);
	free(out);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		tunnel_table_is_aligned_under_its_header,
		tunnel_json_has_camel_case_keys_and_counters,
		one_tunnel_text_names_device_counters_and_routes,
		one_tunnel_json_has_list_keys_and_routes_per_remote,
		route_table_lists_next_hops_one_per_line,
		route_json_has_state_group_and_next_hops,
		nexthop_group_table_lists_members_one_per_line,
		nexthop_group_json_has_ref_count_and_members,
	};

	return unit_run("render_fwd", tests, UNIT_COUNT(tests));
}
