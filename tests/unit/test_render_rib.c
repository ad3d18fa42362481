/*
 * tests/unit/test_render_rib.c - the shell's `show bgp ipv4 unicast`
 * printers: FRR's columns and status codes in text, FRR's keys in JSON, and
 * the "not best" line, from hand-made records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/ctlmsg.h"
#include "vtysh/render_rib.h"
#include "tests/unit/unit.h"

static const struct ctl_bgp bgp = { .configured = 1, .asn = 65000, .router_id = "10.0.0.1" };

static struct ctl_rib_rec
rec(const char *pfx, uint32_t idx, uint32_t n, const char *nh, bool best, bool mp, bool ebgp)
{
	struct ctl_rib_rec r;

	memset(&r, 0, sizeof(r));
	CTL_STR_SET(r.route.prefix, pfx);
	r.route.index = idx, r.route.npaths = n;
	CTL_STR_SET(r.path.peer, nh);
	CTL_STR_SET(r.path.peer_id, nh);
	CTL_STR_SET(r.path.nexthop, nh);
	CTL_STR_SET(r.path.aspath, ebgp ? "65001 65002" : "");
	r.path.best = best, r.path.multipath = mp, r.path.ebgp = ebgp, r.path.valid = 1;
	r.path.local_pref = 100;
	if (!best) {
		CTL_STR_SET(r.path.lost_to, "10.0.0.2");
		CTL_STR_SET(r.path.lost_reason, "higher local-pref");
	}
	return r;
}

static char *
table_print(bool json, const struct ctl_rib_rec *v, size_t n)
{
	struct rib_render rr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_rib_begin(&rr, f, &bgp, json);
	for (size_t i = 0; i < n; i++)
		render_rib_row(&rr, &v[i]);
	render_rib_end(&rr);
	fclose(f);
	return buf;
}

START_TEST(table_text_has_frr_columns_and_status_codes)
{
	struct ctl_rib_rec v[2] = {
		rec("10.1.0.0/24", 0, 2, "10.0.0.2", true, true, true),
		rec("10.1.0.0/24", 1, 2, "10.0.0.3", false, true, false),
	};
	char *out;

	v[0].path.has_med = 1, v[0].path.med = 5;
	out = table_print(false, v, 2);
	ck_assert_ptr_nonnull(strstr(out,
	    "   Network          Next Hop            Metric LocPrf Weight Path\n"
	    "*> 10.1.0.0/24      10.0.0.2                 5             0 65001 65002 i\n"
	    "*=i                 10.0.0.3                      100      0 i\n"));
	ck_assert_ptr_nonnull(strstr(out, "Displayed  1 routes and 2 total paths"));
	free(out);
}
END_TEST

START_TEST(table_json_uses_frr_keys)
{
	struct ctl_rib_rec v[1] = { rec("10.1.0.0/24", 0, 1, "10.0.0.2", true, false, true) };
	char *out = table_print(true, v, 1);
	json_object *top = json_tokener_parse(out), *routes, *arr, *p, *x;

	ck_assert_ptr_nonnull(top);
	ck_assert(json_object_object_get_ex(top, "routes", &routes));
	ck_assert(json_object_object_get_ex(routes, "10.1.0.0/24", &arr));
	p = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(p, "bestpath", &x) && json_object_get_boolean(x));
	ck_assert(!json_object_object_get_ex(p, "multipath", &x));
	ck_assert(json_object_object_get_ex(p, "prefixLen", &x) && json_object_get_int(x) == 24);
	ck_assert(json_object_object_get_ex(p, "path", &x));
	ck_assert_str_eq(json_object_get_string(x), "65001 65002");
	ck_assert(json_object_object_get_ex(p, "pathFrom", &x));
	ck_assert_str_eq(json_object_get_string(x), "external");
	ck_assert(!json_object_object_get_ex(p, "locPrf", &x));	/* eBGP: FRR prints none */
	ck_assert(json_object_object_get_ex(top, "totalPaths", &x) && json_object_get_int(x) == 1);
	json_object_put(top);
	free(out);
}
END_TEST

/* A `network` route as the daemon sends it: the local pseudo-peer, iBGP-like. */
static struct ctl_rib_rec
local_rec(void)
{
	struct ctl_rib_rec r = rec("192.168.91.0/24", 0, 1, "0.0.0.0", true, false, false);

	r.path.local = 1, r.path.weight = 32768;
	return r;
}

START_TEST(own_routes_look_like_frrs_not_internal)
{
	struct ctl_rib_rec v[1] = { local_rec() };
	char *out = table_print(false, v, 1);
	json_object *top, *routes, *arr, *p, *x;

	/* FRR: no 'i' status, no LocPrf, weight 32768 */
	ck_assert_msg(strstr(out, "*> 192.168.91.0/24  0.0.0.0                            32768 i\n")
	    != NULL, "%s", out);
	free(out);
	out = table_print(true, v, 1);
	ck_assert_ptr_nonnull(top = json_tokener_parse(out));
	ck_assert(json_object_object_get_ex(top, "routes", &routes));
	ck_assert(json_object_object_get_ex(routes, "192.168.91.0/24", &arr));
	p = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(p, "pathFrom", &x));
	ck_assert_str_eq(json_object_get_string(x), "external");
	ck_assert(json_object_object_get_ex(p, "peerId", &x));
	ck_assert_str_eq(json_object_get_string(x), "(unspec)");
	ck_assert(!json_object_object_get_ex(p, "locPrf", &x));
	ck_assert(json_object_object_get_ex(p, "weight", &x) && json_object_get_int(x) == 32768);
	json_object_put(top);
	free(out);
}
END_TEST

START_TEST(own_route_detail_says_sourced_local)
{
	struct ctl_rib_rec v[1] = { local_rec() };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_rib_detail(f, v, 1, false);
	fclose(f);
	ck_assert_msg(strstr(buf, "Origin IGP, weight 32768, valid, sourced, local, best\n") != NULL,
	    "%s", buf);
	free(buf);
}
END_TEST

START_TEST(detail_says_why_a_path_is_not_best)
{
	struct ctl_rib_rec v[2] = {
		rec("10.1.0.0/24", 0, 2, "10.0.0.2", true, false, true),
		rec("10.1.0.0/24", 1, 2, "10.0.0.3", false, false, true),
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	render_rib_detail(f, v, 2, false);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "Paths: (2 available, best #1)"));
	ck_assert_ptr_nonnull(strstr(buf, "      Not best: lost to 10.0.0.2 on higher local-pref\n"));
	free(buf);
}
END_TEST

int
main(void)
{
	const TTest *const tests[] = {
		table_text_has_frr_columns_and_status_codes,
		table_json_uses_frr_keys,
		detail_says_why_a_path_is_not_best,
		own_routes_look_like_frrs_not_internal,
		own_route_detail_says_sourced_local,
	};

	return unit_run("render_rib", tests, UNIT_COUNT(tests));
}
