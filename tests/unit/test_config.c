/*
 * tests/unit/test_config.c - the YANG-backed configuration (conf/): every
 * good file prints back unchanged (text and JSON), every bad file gives its
 * documented one-line error, the diff says which changes reset a session,
 * and the shell's modes and completion come from the same table.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf.h"
#include "lib/debug.h"
#include "tests/unit/unit.h"

static struct ly_ctx *ctx;
static char errbuf[8192];

static void
collect(void *arg, const char *where, unsigned line, const char *path, const char *msg)
{
	char one[1024];
	size_t n = strlen(errbuf);

	conf_err_format(one, sizeof(one), where, line, path, msg);
	snprintf(errbuf + n, sizeof(errbuf) - n, "%s\n", one);
}

static int
load_text(const char *name, const char *text, struct lyd_node **out)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rv;

	errbuf[0] = '\0';
	*out = NULL;
	rv = conf_load_stream(ctx, f, name, out, collect, NULL);
	fclose(f);
	return rv;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	ck_assert(n >= 0);
	return buf;
}

static char *
print_tree(const struct lyd_node *t, enum conf_fmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(conf_print(t, fmt, f), 0);
	fclose(f);
	return buf;
}

/* Call fn for each DIR/NAME*.ext, sorted. Returns how many. */
static int
each_file(const char *dir, const char *ext, void (*fn)(const char *dir, const char *name))
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), count = 0;

	ck_assert_msg(n >= 0, "cannot read %s", dir);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > strlen(ext) && strcmp(ents[i]->d_name + l - strlen(ext), ext) == 0) {
			fn(dir, ents[i]->d_name);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	return count;
}

static void
good_one(const char *dir, const char *name)
{
	char path[512], *text, *out, *json, *again;
	struct lyd_node *t, *t2 = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = slurp(path);
	ck_assert_msg(load_text(name, text, &t) == 0, "%s: %s", name, errbuf);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_msg(strcmp(out, text) == 0, "%s printed back as:\n%s", name, out);
	json = print_tree(t, CONF_FMT_JSON);
	ck_assert_msg(conf_parse_json(ctx, json, &t2, collect, NULL) == 0, "%s json: %s", name, errbuf);
	again = print_tree(t2, CONF_FMT_TEXT);
	ck_assert_msg(strcmp(again, text) == 0, "%s via JSON printed back as:\n%s", name, again);
	free(again);
	free(json);
	free(out);
	free(text);
	lyd_free_all(t);
	lyd_free_all(t2);
}

START_TEST(every_good_file_prints_back_unchanged_and_round_trips_json)
{
	ck_assert_int_ge(each_file(CONF_TEST_DATA "/good", ".conf", good_one), 3);
}
END_TEST

static void
bad_one(const char *dir, const char *name)
{
	char path[512], *text, *want;
	struct lyd_node *t;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = slurp(path);
	snprintf(path + strlen(path) - 5, 6, ".err");
	want = slurp(path);
	ck_assert_msg(load_text(name, text, &t) > 0, "%s was accepted", name);
	ck_assert_ptr_null(t);
	ck_assert_msg(strcmp(errbuf, want) == 0, "%s: got\n%swant\n%s", name, errbuf, want);
	free(want);
	free(text);
}

START_TEST(every_bad_file_gives_its_documented_error)
{
	ck_assert_int_ge(each_file(CONF_TEST_DATA "/bad", ".conf", bad_one), 8);
}
END_TEST

START_TEST(every_error_of_a_file_is_reported)
{
	struct lyd_node *t;

	ck_assert_int_eq(load_text("t.conf", "hostname a\nfrobnicate\nrouter bgp 1\n neighbor 10.0.0.2 remote-ass 2\n", &t), 2);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:2: /: unknown keyword 'frobnicate'"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:4: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']: unknown keyword 'remote-ass'"));
}
END_TEST

/* `ipip-bgpd -C` shows every error: a typo does not hide what the model finds. */
START_TEST(parse_errors_do_not_hide_the_models_errors)
{
	struct lyd_node *t;

	ck_assert_int_eq(load_text("t.conf", "frobnicate\nrouter bgp 1\n"
	    " neighbor 10.0.0.2 description no remote-as\n neighbor 10.0.0.3 remote-as 3\n"
	    " address-family ipv4 unicast\n  neighbor 10.0.0.3 route-map NOPE in\n", &t), 3);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:1: /: unknown keyword 'frobnicate'"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:3: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']: "
	    "a neighbor needs a remote-as, its own or its peer-group's\n"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:6: /ipip-bgpd:bgp/neighbor[address='10.0.0.3']"
	    "/ipv4-unicast/route-map-in: there is no route-map NOPE\n"));
}
END_TEST

START_TEST(every_missing_reference_is_reported)
{
	struct lyd_node *t;

	ck_assert_int_eq(load_text("t.conf", "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n"
	    " address-family ipv4 unicast\n  neighbor 10.0.0.2 route-map A in\n"
	    "  neighbor 10.0.0.2 prefix-list B out\n  network 10.9.0.0/16 route-map C\n", &t), 3);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:4: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/ipv4-unicast/route-map-in: there is no route-map A\n"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:5: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/ipv4-unicast/prefix-list-out: there is no prefix-list B\n"));
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:6: /ipip-bgpd:bgp/network[prefix='10.9.0.0/16']/route-map: there is no route-map C\n"));
	ck_assert_ptr_null(t);
}
END_TEST

static char changes[2048];

static void
on_change(const struct conf_change *c, void *arg)
{
	static const char *kinds[] = { "none", "daemon", "soft", "reset", "overlay" };
	size_t n = strlen(changes);

	snprintf(changes + n, sizeof(changes) - n, "%s %s %s\n", kinds[c->kind],
	    c->neighbor ? c->neighbor : "-", c->path);
}

#define BASE(desc, timers, as4, seq10) "ip prefix-list P seq 5 permit 10.0.0.0/8\n" seq10 \
	"router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n" desc \
	" neighbor 10.0.0.3 remote-as 65003\n" timers " neighbor 10.0.0.4 remote-as " as4 "\n"

START_TEST(diff_says_only_a_remote_as_change_resets_a_session)
{
	struct lyd_node *a, *b, *d;

	ck_assert_int_eq(load_text("a", BASE("", "", "65004", ""), &a), 0);
	ck_assert_int_eq(load_text("b", BASE(" neighbor 10.0.0.2 description new text\n",
	    " neighbor 10.0.0.3 timers 10 30\n", "65044",
	    "ip prefix-list P seq 10 deny 192.168.0.0/16\n"), &b), 0);
	ck_assert_int_eq(conf_diff_new(a, b, &d), 0);
	changes[0] = '\0';
	conf_diff_walk(d, on_change, NULL);
	ck_assert_ptr_nonnull(strstr(changes, "none 10.0.0.2 /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/description\n"));
	ck_assert_ptr_nonnull(strstr(changes, "none 10.0.0.3 /ipip-bgpd:bgp/neighbor[address='10.0.0.3']/timers\n"));
	ck_assert_ptr_nonnull(strstr(changes, "reset 10.0.0.4 /ipip-bgpd:bgp/neighbor[address='10.0.0.4']/remote-as\n"));
	ck_assert_ptr_nonnull(strstr(changes, "soft - /ipip-bgpd:prefix-list[name='P']/entry[seq='10']\n"));
	ck_assert_ptr_null(strstr(changes, "reset 10.0.0.2"));
	ck_assert_ptr_null(strstr(changes, "reset 10.0.0.3"));	/* timers: the next session */
	lyd_free_all(a);
	lyd_free_all(b);
	lyd_free_all(d);
}
END_TEST

static struct conf_neighbor seen[4];
static size_t nseen;

static void
on_neighbor(const struct conf_neighbor *n, void *arg)
{
	if (nseen < 4)
		seen[nseen++] = *n;
}

START_TEST(neighbors_inherit_their_peer_group)
{
	struct lyd_node *t;
	struct conf_bgp b;

	ck_assert_int_eq(load_text("t", "router bgp 65001\n neighbor SITES peer-group\n"
	    " neighbor SITES remote-as 65100\n neighbor SITES password s3cret\n"
	    " neighbor 10.0.0.2 peer-group SITES\n neighbor 10.0.0.2 password own\n"
	    " neighbor 10.0.0.2 timers 10 30\n address-family ipv4 unicast\n"
	    "  neighbor SITES next-hop-self\n exit-address-family\n", &t), 0);
	nseen = 0;
	ck_assert_uint_eq(conf_bgp_neighbors(t, on_neighbor, NULL), 1);
	ck_assert_str_eq(seen[0].address, "10.0.0.2");
	ck_assert_uint_eq(seen[0].remote_as, 65100);
	ck_assert_str_eq(seen[0].password, "own");
	ck_assert(seen[0].next_hop_self);
	ck_assert(seen[0].timers.set && seen[0].timers.hold == 30);
	conf_bgp_get(t, &b);
	ck_assert_uint_eq(b.asn, 65001);
	ck_assert_uint_eq(b.listen_port, 179);		/* the model's default */
	ck_assert_uint_eq(b.maximum_paths_ebgp, 1);
	lyd_free_all(t);
}
END_TEST

START_TEST(selection_knobs_and_cluster_id_are_read_from_router_bgp)
{
	struct lyd_node *t;
	struct conf_bgp b;

	ck_assert_int_eq(load_text("t", "router bgp 65001\n bgp cluster-id 10.9.9.9\n"
	    " bgp bestpath as-path multipath-relax\n bgp always-compare-med\n"
	    " bgp bestpath med missing-as-worst\n address-family ipv4 unicast\n"
	    "  maximum-paths 4\n  maximum-paths ibgp 2\n exit-address-family\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert_str_eq(b.cluster_id, "10.9.9.9");
	ck_assert_uint_eq(b.maximum_paths_ebgp, 4);
	ck_assert_uint_eq(b.maximum_paths_ibgp, 2);
	ck_assert(b.multipath_relax && b.always_compare_med && b.med_missing_as_worst);
	ck_assert(!b.as_path_ignore && !b.compare_routerid);
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t", "router bgp 65001\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert_str_eq(b.cluster_id, "");		/* unset: the router-id */
	ck_assert(!b.multipath_relax && !b.always_compare_med);
	lyd_free_all(t);
}
END_TEST

START_TEST(shell_modes_and_completion_come_from_the_grammar)
{
	struct cmd_choice ch[64];
	char buf[128], *w[16];
	bool complete;
	size_t n;
	int nw;

	ck_assert_int_eq(conf_line_mode(CONF_MODE_TOP, "router bgp 65001"), CONF_MODE_ROUTER);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_ROUTER, "neighbor 10.0.0.2 remote-as 1"), CONF_MODE_ROUTER);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_ROUTER, "neighbor 10.0.0.2"), CONF_MODE_NEIGHBOR);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_ROUTER, "address-family ipv4 unicast"), CONF_MODE_AF);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_TOP, "route-map X permit 10"), CONF_MODE_ROUTE_MAP);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_ROUTER, "hostname x"), -1);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_ROUTER, "no neighbor 10.0.0.2"), CONF_MODE_ROUTER);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_TOP, "frobnicate"), -1);
	snprintf(buf, sizeof(buf), "neighbor 10.0.0.2");
	nw = cmd_split(buf, w, 16);
	n = conf_choices(CONF_MODE_ROUTER, w, nw, "re", ch, 64, &complete);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ch[0].token, "remote-as");
}
END_TEST

START_TEST(no_form_removes_and_prunes)
{
	struct lyd_node *t;
	char *out;

	ck_assert_int_eq(load_text("t", "ip prefix-list P seq 5 permit 10.0.0.0/8\n"
	    "ip prefix-list Q seq 5 permit 10.0.0.0/8\nno ip prefix-list P seq 5\n"
	    "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 description x\n"
	    " no neighbor 10.0.0.2 description\n", &t), 0);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "ip prefix-list Q seq 5 permit 10.0.0.0/8\n!\nrouter bgp 1\n"
	    " neighbor 10.0.0.2 remote-as 2\nexit\n!\n");
	free(out);
	lyd_free_all(t);
}
END_TEST

/* The shell's lines on top of base (as bgpd_conf_edit): errors, *out only without. */
static int
edit_text(const struct lyd_node *base, const char *text, struct lyd_node **out)
{
	struct conf_parse *p = conf_parse_new(ctx, base, "command", collect, NULL);
	char *copy = strdup(text), *save = NULL;
	int errors;

	errbuf[0] = '\0';
	*out = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		(void)conf_parse_line(p, l);
	free(copy);
	errors = conf_parse_finish(p, out);
	conf_parse_free(p);
	return errors;
}

#define AS65000 "ip prefix-list P seq 5 permit 10.0.0.0/8\nroute-map RM permit 10\nexit\n" \
	"router bgp 65000\n bgp router-id 192.0.2.1\n neighbor 10.0.0.2 remote-as 65002\n" \
	" neighbor 10.0.0.2 description to B\n"

/* FRR: `no router bgp 65009` under AS 65000 is "Can't find BGP instance". */
START_TEST(no_form_naming_another_value_removes_nothing)
{
	static const struct { const char *line, *err; } refused[] = {
		{ "no router bgp 65009",
		  "command:1: /ipip-bgpd:bgp/asn: it is 65000, not 65009: nothing removed\n" },
		{ "router bgp 65000\n no neighbor 10.0.0.2 remote-as 65001",
		  "command:2: /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/remote-as: "
		  "it is 65002, not 65001: nothing removed\n" },
		{ "router bgp 65000\n no bgp router-id 192.0.2.9",
		  "command:2: /ipip-bgpd:bgp/router-id: it is 192.0.2.1, not 192.0.2.9: nothing removed\n" },
		{ "no route-map RM deny 10",
		  "command:1: /ipip-bgpd:route-map[name='RM']/entry[seq='10']/action: "
		  "it is permit, not deny: nothing removed\n" },
		{ "no ip prefix-list P seq 5 deny 10.0.0.0/8",
		  "command:1: /ipip-bgpd:prefix-list[name='P']/entry[seq='5']/action: "
		  "it is permit, not deny: nothing removed\n" },
	};
	struct lyd_node *base, *t;
	char *out;

	ck_assert_int_eq(load_text("base", AS65000, &base), 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_int_eq(edit_text(base, refused[i].line, &t), 1);
		ck_assert_ptr_null(t);
		ck_assert_str_eq(errbuf, refused[i].err);
	}
	/* the values it has, or none named: removed as before; a setting's
	 * "no" ignores its values, as FRR's (the description is "to B") */
	ck_assert_int_eq(edit_text(base, "router bgp 65000\n no neighbor 10.0.0.2 description to C\n"
	    " no bgp router-id 192.0.2.1\nno route-map RM permit 10\n", &t), 0);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "ip prefix-list P seq 5 permit 10.0.0.0/8\n!\nrouter bgp 65000\n"
	    " neighbor 10.0.0.2 remote-as 65002\nexit\n!\n");
	free(out);
	lyd_free_all(t);
	ck_assert_int_eq(edit_text(base, "no router bgp 65000\n", &t), 0);
	ck_assert_ptr_null(strstr(out = print_tree(t, CONF_FMT_TEXT), "router bgp"));
	free(out);
	lyd_free_all(t);
	ck_assert_int_eq(edit_text(base, "no router bgp\n", &t), 0);
	ck_assert_ptr_null(strstr(out = print_tree(t, CONF_FMT_TEXT), "router bgp"));
	free(out);
	lyd_free_all(t);
	lyd_free_all(base);
}
END_TEST

/*
 * A value is compared as the model reads it, not as typed: the line that set
 * 10.0.0.1/8 (kept as 10.0.0.0/8) or port 0179 must be able to undo itself,
 * and `router bgp 065000` is the AS running.
 */
START_TEST(no_form_and_router_bgp_compare_values_as_the_model_reads_them)
{
	struct lyd_node *base, *t;
	char *out;

	ck_assert_int_eq(load_text("base", AS65000, &base), 0);
	ck_assert_msg(edit_text(base, "no ip prefix-list P seq 5 permit 10.0.0.1/8\n"
	    "router bgp 065000\n neighbor 10.0.0.2 port 0179\n no neighbor 10.0.0.2 port 0179\n",
	    &t) == 0, "%s", errbuf);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_ptr_null(strstr(out, "prefix-list P"));
	ck_assert_ptr_null(strstr(out, "port"));
	ck_assert_ptr_nonnull(strstr(out, "router bgp 65000\n"));
	free(out);
	lyd_free_all(t);
	ck_assert_int_eq(edit_text(base, "no ip prefix-list P seq 5 permit 10.1.0.0/16\n", &t), 1);
	ck_assert_str_eq(errbuf, "command:1: /ipip-bgpd:prefix-list[name='P']/entry[seq='5']/prefix: "
	    "it is 10.0.0.0/8, not 10.1.0.0/16: nothing removed\n");
	lyd_free_all(base);
}
END_TEST

/* FRR: "BGP is already running; AS is 65000". A file (reload) may renumber. */
START_TEST(the_shell_cannot_renumber_router_bgp_but_a_file_can)
{
	struct lyd_node *base, *t;
	struct conf_bgp g;

	ck_assert_int_eq(load_text("base", AS65000, &base), 0);
	ck_assert_int_eq(edit_text(base, "router bgp 65001\n", &t), 1);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(errbuf, "command:1: /ipip-bgpd:bgp/asn: BGP is already running; AS is 65000\n");
	ck_assert_int_eq(edit_text(base, "router bgp 65000\n neighbor 10.0.0.3 remote-as 3\n", &t), 0);
	lyd_free_all(t);
	/* removed first, then made again: as FRR allows */
	ck_assert_int_eq(edit_text(base, "no router bgp 65000\nrouter bgp 65001\n", &t), 0);
	conf_bgp_get(t, &g);
	ck_assert_uint_eq(g.asn, 65001);
	lyd_free_all(t);
	ck_assert_int_eq(load_text("file", "router bgp 65001\n", &t), 0);
	conf_bgp_get(t, &g);
	ck_assert_uint_eq(g.asn, 65001);
	lyd_free_all(t);
	lyd_free_all(base);
}
END_TEST

START_TEST(ebgp_requires_policy_is_on_unless_the_no_form_says_so)
{
	struct lyd_node *t;
	struct conf_bgp b;
	char *out;

	ck_assert_int_eq(load_text("t", "router bgp 1\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert(b.ebgp_requires_policy);		/* RFC 8212, FRR's default */
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t", "router bgp 1\n no bgp ebgp-requires-policy\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert(!b.ebgp_requires_policy);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "router bgp 1\n no bgp ebgp-requires-policy\nexit\n!\n");
	free(out);
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t", "router bgp 1\n no bgp ebgp-requires-policy\n"
	    " bgp ebgp-requires-policy\n", &t), 0);	/* back to the default */
	conf_bgp_get(t, &b);
	ck_assert(b.ebgp_requires_policy);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "router bgp 1\nexit\n!\n");
	free(out);
	lyd_free_all(t);
}
END_TEST

static char got[1024];

static void
on_pl(const char *name, const struct conf_pl_entry *e, void *arg)
{
	size_t n = strlen(got);

	snprintf(got + n, sizeof(got) - n, "pl %s %u %d %s %u %u\n", name, e ? e->seq : 0,
	    e ? e->permit : -1, e ? e->prefix : "-", e ? e->ge : 0, e ? e->le : 0);
}

static void
on_rm(const char *name, const struct conf_rm_entry *e, void *arg)
{
	size_t n = strlen(got);

	snprintf(got + n, sizeof(got) - n, "rm %s %u %d pl=%s cl=%s len=%d lp=%d:%u med=%d:%u "
	    "comm=%s nh=%s\n", name, e->seq, e->permit, e->match_prefix_list,
	    e->match_community_list, e->match_aspath_len_set ? e->match_aspath_len : -1,
	    e->set_local_pref_set, e->set_local_pref, e->set_metric_set, e->set_metric,
	    e->set_community, e->set_next_hop);
}

static void
on_net(const char *prefix, const char *route_map, void *arg)
{
	size_t n = strlen(got);

	snprintf(got + n, sizeof(got) - n, "net %s %s\n", prefix, route_map);
}

START_TEST(policy_objects_are_read_entry_by_entry)
{
	struct lyd_node *t;

	ck_assert_int_eq(load_text("t", "ip prefix-list P seq 5 permit 10.0.0.0/8 ge 16 le 24\n"
	    "bgp community-list standard C seq 5 permit 65000:1\n"
	    "route-map M deny 10\n match ip address prefix-list P\n match community C\n"
	    " match as-path length 3\nexit\nroute-map M permit 20\n set local-preference 200\n"
	    " set metric 7\n set community 65000:1 no-export\n set ip next-hop 10.0.0.1\nexit\n"
	    "router bgp 1\n address-family ipv4 unicast\n  network 10.9.0.0/24 route-map M\n"
	    "  network 10.9.1.0/24\n exit-address-family\n", &t), 0);
	got[0] = '\0';
	ck_assert_uint_eq(conf_prefix_lists(t, on_pl, NULL), 1);
	ck_assert_str_eq(got, "pl P 5 1 10.0.0.0/8 16 24\n");
	got[0] = '\0';
	ck_assert_uint_eq(conf_route_maps(t, on_rm, NULL), 1);
	ck_assert_ptr_nonnull(strstr(got, "rm M 10 0 pl=P cl=C len=3 lp=0:0 med=0:0 comm= nh=\n"));
	ck_assert_ptr_nonnull(strstr(got, "rm M 20 1 pl= cl= len=-1 lp=1:200 med=1:7 "
	    "comm=65000:1 no-export nh=10.0.0.1\n"));
	got[0] = '\0';
	ck_assert_uint_eq(conf_bgp_networks(t, on_net, NULL), 2);
	ck_assert_ptr_nonnull(strstr(got, "net 10.9.0.0/24 M\n"));
	ck_assert_ptr_nonnull(strstr(got, "net 10.9.1.0/24 \n"));
	lyd_free_all(t);
}
END_TEST

/* ------------------------------------------------ what FRR users paste */

static const char frr_file[] =
	"frr version 8.4.4\nfrr defaults traditional\nhostname site-a\n"
	"log syslog informational\nservice integrated-vtysh-config\n!\n"
	"ip prefix-list LAN seq 5 permit 10.1.0.0/24\n!\n"
	"route-map OUT permit 10\n match ip address prefix-list LAN\nexit\n!\n"
	"router bgp 65001\n bgp router-id 192.0.2.1\n no bgp ebgp-requires-policy\n"
	" no bgp default ipv4-unicast\n bgp log-neighbor-changes\n bgp deterministic-med\n"
	" bgp bestpath as-path multipath-relax\n bgp bestpath bandwidth ignore\n"
	" neighbor 192.0.2.2 remote-as 65002\n neighbor 192.0.2.2 description b\n"
	" neighbor 192.0.2.2 advertisement-interval 0\n !\n address-family ipv4 unicast\n"
	"  network 10.1.0.0/24\n  neighbor 192.0.2.2 activate\n"
	"  neighbor 192.0.2.2 soft-reconfiguration inbound\n  neighbor 192.0.2.2 send-community\n"
	"  neighbor 192.0.2.2 route-map OUT out\n  neighbor 192.0.2.2 allowas-in\n"
	"  maximum-paths 4\n exit-address-family\nexit\n!\nline vty\n exec-timeout 0 0\n!\n"
	"debug bgp zebra\ndebug zebra kernel msgdump\ndebug bgp nht\ndebug bgp neighbor-events\n"
	"log file /var/log/frr/bgpd.log informational\n";

START_TEST(an_frr_file_loads_with_one_warning_per_frr_only_line)
{
	static char logs[4096];
	struct lyd_node *t;
	char *out;

	unit_log_begin(logs, sizeof(logs));
	ck_assert_msg(load_text("frr.conf", frr_file, &t) == 0, "%s", errbuf);
	unit_log_end();
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:1: FRR-only statement ignored: frr version 8.4.4\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:2: FRR-only statement ignored: frr defaults traditional\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:5: FRR-only statement ignored: service integrated-vtysh-config\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:36: FRR-only statement ignored: line vty\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:37: FRR-only statement ignored: exec-timeout 0 0\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:39: FRR-only statement ignored: debug bgp zebra\n"));
	ck_assert_ptr_nonnull(strstr(logs,
	    "frr.conf:40: FRR-only statement ignored: debug zebra kernel msgdump\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:41: FRR-only statement ignored: debug bgp nht\n"));
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:43: FRR-only statement ignored: "
	    "log file /var/log/frr/bgpd.log informational\n"));
	out = print_tree(t, CONF_FMT_TEXT);		/* none of them is stored */
	ck_assert_str_eq(out, "hostname site-a\nlog syslog informational\n"
	    "debug bgp neighbor-events\nip prefix-list LAN seq 5 permit 10.1.0.0/24\n!\nroute-map OUT permit 10\n"
	    " match ip address prefix-list LAN\nexit\n!\nrouter bgp 65001\n"
	    " bgp router-id 192.0.2.1\n no bgp ebgp-requires-policy\n no bgp default ipv4-unicast\n"
	    " bgp deterministic-med\n bgp bestpath as-path multipath-relax\n"
	    " bgp bestpath bandwidth ignore\n neighbor 192.0.2.2 remote-as 65002\n"
	    " neighbor 192.0.2.2 description b\n neighbor 192.0.2.2 advertisement-interval 0\n"
	    " address-family ipv4 unicast\n  network 10.1.0.0/24\n  maximum-paths 4\n"
	    "  neighbor 192.0.2.2 activate\n  neighbor 192.0.2.2 allowas-in\n"
	    "  neighbor 192.0.2.2 soft-reconfiguration inbound\n"
	    "  neighbor 192.0.2.2 route-map OUT out\n exit-address-family\nexit\n!\n");
	free(out);
	lyd_free_all(t);
}
END_TEST

/* One statement in its block -> what prints back (the block's lines only). */
static const struct {
	const char	*in;		/* lines under "router bgp 1" */
	const char	*out;		/* "" : prints nothing (a default) */
} frr_rows[] = {
	{ " bgp log-neighbor-changes\n", "" },
	{ " no bgp log-neighbor-changes\n", " no bgp log-neighbor-changes\n" },
	{ " no bgp log-neighbor-changes\n bgp log-neighbor-changes\n", "" },
	{ " bgp default ipv4-unicast\n", "" },
	{ " no bgp default ipv4-unicast\n", " no bgp default ipv4-unicast\n" },
	{ " bgp deterministic-med\n", " bgp deterministic-med\n" },
	{ " bgp bestpath bandwidth default-weight-for-missing\n",
	  " bgp bestpath bandwidth default-weight-for-missing\n" },
	{ " neighbor 10.0.0.2 advertisement-interval 600\n", " neighbor 10.0.0.2 advertisement-interval 600\n" },
	{ " neighbor 10.0.0.2 ebgp-multihop\n", " neighbor 10.0.0.2 ebgp-multihop\n" },
	{ " neighbor 10.0.0.3 remote-as external\n", " neighbor 10.0.0.3 remote-as external\n" },
	{ " neighbor 10.0.0.3 remote-as internal\n", " neighbor 10.0.0.3 remote-as internal\n" },
	{ " neighbor 10.0.0.2 ebgp-multihop 255\n", " neighbor 10.0.0.2 ebgp-multihop\n" },
	{ " neighbor 10.0.0.2 ebgp-multihop 2\n", " neighbor 10.0.0.2 ebgp-multihop 2\n" },
	{ " neighbor 10.0.0.2 ebgp-multihop 2\n no neighbor 10.0.0.2 ebgp-multihop\n", "" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 activate\n",
	  "  neighbor 10.0.0.2 activate\n" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 activate\n",
	  "  no neighbor 10.0.0.2 activate\n" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 allowas-in\n",
	  "  neighbor 10.0.0.2 allowas-in\n" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 allowas-in 3\n",
	  "  neighbor 10.0.0.2 allowas-in\n" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 allowas-in 4\n",
	  "  neighbor 10.0.0.2 allowas-in 4\n" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 soft-reconfiguration inbound\n",
	  "  neighbor 10.0.0.2 soft-reconfiguration inbound\n" },
	{ " address-family ipv4 unicast\n  neighbor 10.0.0.2 send-community all\n", "" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 send-community\n",
	  "  no neighbor 10.0.0.2 send-community\n" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 send-community standard\n",
	  "  no neighbor 10.0.0.2 send-community\n" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 send-community both\n",
	  "  no neighbor 10.0.0.2 send-community\n  no neighbor 10.0.0.2 send-community extended\n" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 send-community all\n",
	  "  no neighbor 10.0.0.2 send-community\n  no neighbor 10.0.0.2 send-community extended\n"
	  "  no neighbor 10.0.0.2 send-community large\n" },
	{ " address-family ipv4 unicast\n  no neighbor 10.0.0.2 send-community all\n"
	  "  neighbor 10.0.0.2 send-community extended\n",
	  "  no neighbor 10.0.0.2 send-community\n  no neighbor 10.0.0.2 send-community large\n" },
};

START_TEST(frr_statements_print_back_as_written)
{
	char in[512], want[512], *out, *json, *again;
	struct lyd_node *t, *t2;
	const char *af;
	bool in_af;

	for (size_t i = 0; i < UNIT_COUNT(frr_rows); i++) {
		in_af = strstr(frr_rows[i].in, "address-family") != NULL;
		snprintf(in, sizeof(in), "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n%s",
		    frr_rows[i].in);
		af = frr_rows[i].out[0] && in_af ? " address-family ipv4 unicast\n" : "";
		snprintf(want, sizeof(want), "router bgp 1\n%s neighbor 10.0.0.2 remote-as 2\n%s%s%s"
		    "exit\n!\n", in_af ? "" : frr_rows[i].out, af, in_af ? frr_rows[i].out : "",
		    *af ? " exit-address-family\n" : "");
		if (!in_af && strncmp(frr_rows[i].out, " neighbor", 9) == 0)	/* after remote-as */
			snprintf(want, sizeof(want), "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n%s"
			    "exit\n!\n", frr_rows[i].out);
		ck_assert_msg(load_text("t", in, &t) == 0, "%s: %s", frr_rows[i].in, errbuf);
		out = print_tree(t, CONF_FMT_TEXT);
		ck_assert_msg(strcmp(out, want) == 0, "%s printed as:\n%s", frr_rows[i].in, out);
		json = print_tree(t, CONF_FMT_JSON);
		ck_assert_int_eq(conf_parse_json(ctx, json, &t2, collect, NULL), 0);
		again = print_tree(t2, CONF_FMT_TEXT);
		ck_assert_msg(strcmp(again, want) == 0, "%s via JSON:\n%s", frr_rows[i].in, again);
		free(again);
		free(json);
		free(out);
		lyd_free_all(t);
		lyd_free_all(t2);
	}
}
END_TEST

/* FRR numbers entries written without `seq` in steps of 5 after the highest. */
START_TEST(prefix_and_community_lists_without_seq_number_as_frr)
{
	struct lyd_node *t;
	char *out;

	ck_assert_msg(load_text("t", "ip prefix-list P permit 10.0.0.0/8 le 24\n"
	    "ip prefix-list P seq 12 deny 192.168.0.0/16\n"
	    "ip prefix-list P permit 172.16.0.0/12\n"
	    "ip prefix-list P permit 10.0.0.0/8 le 24\n"		/* the same again: not added */
	    "ip prefix-list P permit 10.0.0.0/8\n"			/* differs by le: added */
	    "no ip prefix-list P permit 172.16.0.0/12\n"
	    "ip prefix-list P deny 0.0.0.0/0 le 32\n"
	    "bgp community-list standard C permit 65000:1\n"
	    "bgp community-list standard C deny no-export\n", &t) == 0, "%s", errbuf);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "ip prefix-list P seq 5 permit 10.0.0.0/8 le 24\n"
	    "ip prefix-list P seq 12 deny 192.168.0.0/16\n"
	    "ip prefix-list P seq 20 permit 10.0.0.0/8\n"
	    "ip prefix-list P seq 25 deny 0.0.0.0/0 le 32\n"
	    "bgp community-list standard C seq 5 permit 65000:1\n"
	    "bgp community-list standard C seq 10 deny no-export\n");
	free(out);
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t.conf", "no ip prefix-list P permit 10.0.0.0/8\n", &t), 1);
	ck_assert_ptr_nonnull(strstr(errbuf, "t.conf:1: /ipip-bgpd:prefix-list[name='P']/entry: "
	    "no such entry"));
}
END_TEST


/* A prefix written with host bits is stored without them: it is the same entry. */
START_TEST(seq_less_entry_with_host_bits_is_not_added_twice)
{
	struct lyd_node *t;
	char *out;

	ck_assert_msg(load_text("t", "ip prefix-list P permit 10.0.0.1/8\n"
	    "ip prefix-list P permit 10.0.0.1/8\n", &t) == 0, "%s", errbuf);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "ip prefix-list P seq 5 permit 10.0.0.0/8\n");
	free(out);
	lyd_free_all(t);
	ck_assert_msg(load_text("t", "ip prefix-list P permit 10.0.0.0/8\n"
	    "ip prefix-list P permit 172.16.0.0/12\n"
	    "no ip prefix-list P permit 10.1.2.3/8\n", &t) == 0, "%s", errbuf);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "ip prefix-list P seq 10 permit 172.16.0.0/12\n");
	free(out);
	lyd_free_all(t);
}
END_TEST

START_TEST(disable_connected_check_is_warned_about_and_not_stored)
{
	static char logs[1024];
	struct lyd_node *t;
	char *out;

	unit_log_begin(logs, sizeof(logs));
	ck_assert_msg(load_text("frr.conf", "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n"
	    " neighbor 10.0.0.2 disable-connected-check\n", &t) == 0, "%s", errbuf);
	unit_log_end();
	ck_assert_ptr_nonnull(strstr(logs, "frr.conf:3: FRR-only statement ignored: "
	    "neighbor 10.0.0.2 disable-connected-check\n"));
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "router bgp 1\n neighbor 10.0.0.2 remote-as 2\nexit\n!\n");
	free(out);
	lyd_free_all(t);
}
END_TEST

START_TEST(frr_statements_are_read_into_the_plain_structs)
{
	struct lyd_node *t;
	struct conf_bgp b;

	ck_assert_int_eq(load_text("t", "router bgp 1\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert(b.log_neighbor_changes && b.default_ipv4_unicast && !b.deterministic_med);
	ck_assert_str_eq(b.bandwidth, "");
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t", "router bgp 1\n no bgp log-neighbor-changes\n"
	    " no bgp default ipv4-unicast\n bgp deterministic-med\n bgp bestpath bandwidth ignore\n"
	    " neighbor PG peer-group\n neighbor PG remote-as 2\n neighbor PG advertisement-interval 7\n"
	    " neighbor PG ebgp-multihop 3\n"
	    " neighbor 10.0.0.2 peer-group PG\n neighbor 10.0.0.3 remote-as 3\n"
	    " address-family ipv4 unicast\n  no neighbor PG send-community extended\n"
	    "  neighbor PG activate\n  no neighbor 10.0.0.3 send-community large\n"
	    "  neighbor 10.0.0.3 allowas-in\n  neighbor 10.0.0.3 soft-reconfiguration inbound\n"
	    " exit-address-family\n", &t), 0);
	conf_bgp_get(t, &b);
	ck_assert(!b.log_neighbor_changes && !b.default_ipv4_unicast && b.deterministic_med);
	ck_assert_str_eq(b.bandwidth, "ignore");
	nseen = 0;
	ck_assert_uint_eq(conf_bgp_neighbors(t, on_neighbor, NULL), 2);
	ck_assert_str_eq(seen[0].address, "10.0.0.2");		/* all from its group */
	ck_assert_uint_eq(seen[0].advertisement_interval, 7);
	ck_assert_uint_eq(seen[0].ebgp_multihop, 3);
	ck_assert_uint_eq(seen[1].ebgp_multihop, 0);		/* unset: eBGP TTL 1 */
	ck_assert(seen[0].activate_set && seen[0].activate);
	ck_assert(seen[0].send_standard && !seen[0].send_extended && seen[0].send_large);
	ck_assert(!seen[1].activate_set);			/* bgp default ipv4-unicast decides */
	ck_assert_uint_eq(seen[1].advertisement_interval, 0);
	ck_assert(seen[1].send_standard && seen[1].send_extended && !seen[1].send_large);
	ck_assert_uint_eq(seen[1].allowas_in, 3);
	ck_assert(seen[1].soft_reconfig_in);
	lyd_free_all(t);
}
END_TEST

START_TEST(diff_classifies_the_frr_statements)
{
	struct lyd_node *a, *b, *d;

	ck_assert_int_eq(load_text("a", "router bgp 1\n neighbor 10.0.0.2 remote-as 2\n"
	    " address-family ipv4 unicast\n  neighbor 10.0.0.2 next-hop-self\n", &a), 0);
	ck_assert_int_eq(load_text("b", "router bgp 1\n no bgp log-neighbor-changes\n"
	    " no bgp default ipv4-unicast\n bgp deterministic-med\n bgp bestpath bandwidth ignore\n"
	    " neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 advertisement-interval 5\n"
	    " address-family ipv4 unicast\n  neighbor 10.0.0.2 activate\n"
	    "  neighbor 10.0.0.2 next-hop-self\n  neighbor 10.0.0.2 soft-reconfiguration inbound\n"
	    "  no neighbor 10.0.0.2 send-community\n", &b), 0);
	ck_assert_int_eq(conf_diff_new(a, b, &d), 0);
	changes[0] = '\0';
	conf_diff_walk(d, on_change, NULL);
	ck_assert_ptr_nonnull(strstr(changes, "none - /ipip-bgpd:bgp/log-neighbor-changes\n"));
	ck_assert_ptr_nonnull(strstr(changes, "soft - /ipip-bgpd:bgp/default-ipv4-unicast\n"));
	ck_assert_ptr_nonnull(strstr(changes, "soft - /ipip-bgpd:bgp/bestpath\n"));	/* both leaves */
	ck_assert_ptr_nonnull(strstr(changes, "none 10.0.0.2 /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/advertisement-interval\n"));
	ck_assert_ptr_nonnull(strstr(changes, "soft 10.0.0.2 /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/ipv4-unicast/activate\n"));
	ck_assert_ptr_nonnull(strstr(changes, "none 10.0.0.2 /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/ipv4-unicast/soft-reconfiguration-inbound\n"));
	ck_assert_ptr_nonnull(strstr(changes, "soft 10.0.0.2 /ipip-bgpd:bgp/neighbor[address='10.0.0.2']/ipv4-unicast/send-community\n"));
	ck_assert_ptr_null(strstr(changes, "reset"));
	lyd_free_all(a);
	lyd_free_all(b);
	lyd_free_all(d);
}
END_TEST

/* `debug ...` statements (lib/debug.h topics): FRR's words in, FRR's words out. */
START_TEST(debug_statements_round_trip_and_no_forms_remove_only_theirs)
{
	struct lyd_node *t, *t2;
	char *out, *json;

	ck_assert_int_eq(load_text("t", "debug bgp updates\ndebug tunnel\n"
	    "debug bgp neighbor-events\n", &t), 0);
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "debug bgp neighbor-events\ndebug bgp updates in\n"
	    "debug bgp updates out\ndebug tunnel\n");
	ck_assert_uint_eq(conf_debug_get(t), DEBUG_BIT(DEBUG_BGP_NEIGHBOR_EVENTS) |
	    DEBUG_BIT(DEBUG_BGP_UPDATES_IN) | DEBUG_BIT(DEBUG_BGP_UPDATES_OUT) |
	    DEBUG_BIT(DEBUG_TUNNEL));
	json = print_tree(t, CONF_FMT_JSON);
	ck_assert_int_eq(conf_parse_json(ctx, json, &t2, collect, NULL), 0);
	ck_assert_uint_eq(conf_debug_get(t2), conf_debug_get(t));
	free(json);
	free(out);
	lyd_free_all(t);
	lyd_free_all(t2);

	/* "no debug bgp updates" takes both directions and leaves neighbor-events */
	ck_assert_int_eq(load_text("t", "debug bgp updates\ndebug bgp neighbor-events\n"
	    "no debug bgp updates\n", &t), 0);
	ck_assert_uint_eq(conf_debug_get(t), DEBUG_BIT(DEBUG_BGP_NEIGHBOR_EVENTS));
	lyd_free_all(t);
	ck_assert_int_eq(load_text("t", "debug bgp updates\nno debug bgp updates in\n", &t), 0);
	ck_assert_uint_eq(conf_debug_get(t), DEBUG_BIT(DEBUG_BGP_UPDATES_OUT));
	out = print_tree(t, CONF_FMT_TEXT);
	ck_assert_str_eq(out, "debug bgp updates out\n");
	free(out);
	lyd_free_all(t);

	ck_assert_int_eq(load_text("t", "debug bgp updates\ndebug bgp keepalives\ndebug fib\n"
	    "no debug bgp\n", &t), 0);
	ck_assert_uint_eq(conf_debug_get(t), DEBUG_BIT(DEBUG_FIB));
	lyd_free_all(t);

	ck_assert_int_gt(load_text("t", "debug bgp zebrafish\n", &t), 0);	/* no such topic */
	ck_assert_ptr_nonnull(strstr(errbuf, "t:1: "));
	ck_assert_int_eq(load_text("t", "debug bgp zebra\n", &t), 0);	/* FRR's: warned, not kept */
	ck_assert_uint_eq(conf_debug_get(t), 0);
	lyd_free_all(t);
}
END_TEST

START_TEST(debug_changes_are_daemon_changes)
{
	struct lyd_node *a, *b, *d;

	ck_assert_int_eq(load_text("a", "debug fib\n", &a), 0);
	ck_assert_int_eq(load_text("b", "debug bgp keepalives\n", &b), 0);
	ck_assert_int_eq(conf_diff_new(a, b, &d), 0);
	changes[0] = '\0';
	conf_diff_walk(d, on_change, NULL);
	ck_assert_ptr_nonnull(strstr(changes, "daemon - /ipip-bgpd:debug/fib\n"));
	ck_assert_ptr_nonnull(strstr(changes, "daemon - /ipip-bgpd:debug/bgp\n"));
	ck_assert_ptr_null(strstr(changes, "reset"));
	lyd_free_all(a);
	lyd_free_all(b);
	lyd_free_all(d);
}
END_TEST

START_TEST(the_shell_completes_the_frr_statements)
{
	struct cmd_choice ch[64];
	char buf[128], *w[16];
	bool complete;
	size_t n;
	int nw;

	ck_assert_int_eq(conf_line_mode(CONF_MODE_TOP, "line vty"), CONF_MODE_LINE);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_LINE, "exec-timeout 0 0"), CONF_MODE_LINE);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_TOP, "frr version 8.4.4"), CONF_MODE_TOP);
	ck_assert_int_eq(conf_line_mode(CONF_MODE_AF, "no neighbor 10.0.0.2 activate"), CONF_MODE_AF);
	snprintf(buf, sizeof(buf), "neighbor 10.0.0.2 send-community");
	nw = cmd_split(buf, w, 16);
	n = conf_choices(CONF_MODE_AF, w, nw, "", ch, 64, &complete);
	ck_assert_uint_eq(n, 5);	/* standard extended large both all */
	ck_assert(complete);		/* bare: standard */
	snprintf(buf, sizeof(buf), "bgp bestpath bandwidth");
	nw = cmd_split(buf, w, 16);
	n = conf_choices(CONF_MODE_ROUTER, w, nw, "s", ch, 64, &complete);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ch[0].token, "skip-missing");
	snprintf(buf, sizeof(buf), "neighbor 10.0.0.2");
	nw = cmd_split(buf, w, 16);
	n = conf_choices(CONF_MODE_ROUTER, w, nw, "adv", ch, 64, &complete);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ch[0].token, "advertisement-interval");
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		every_good_file_prints_back_unchanged_and_round_trips_json,
		every_bad_file_gives_its_documented_error,
		every_error_of_a_file_is_reported,
		every_missing_reference_is_reported,
		parse_errors_do_not_hide_the_models_errors,
		diff_says_only_a_remote_as_change_resets_a_session,
		an_frr_file_loads_with_one_warning_per_frr_only_line,
		frr_statements_print_back_as_written,
		frr_statements_are_read_into_the_plain_structs,
		prefix_and_community_lists_without_seq_number_as_frr,
		disable_connected_check_is_warned_about_and_not_stored,
		seq_less_entry_with_host_bits_is_not_added_twice,
		diff_classifies_the_frr_statements,
		the_shell_completes_the_frr_statements,
		debug_statements_round_trip_and_no_forms_remove_only_theirs,
		debug_changes_are_daemon_changes,
		neighbors_inherit_their_peer_group,
		selection_knobs_and_cluster_id_are_read_from_router_bgp,
		shell_modes_and_completion_come_from_the_grammar,
		no_form_removes_and_prunes,
		no_form_naming_another_value_removes_nothing,
		no_form_and_router_bgp_compare_values_as_the_model_reads_them,
		the_shell_cannot_renumber_router_bgp_but_a_file_can,
		ebgp_requires_policy_is_on_unless_the_no_form_says_so,
		policy_objects_are_read_entry_by_entry,
	};
	int rv;

	if ((ctx = conf_ctx_new()) == NULL) {
		fprintf(stderr, "cannot load the YANG model\n");
		return 1;
	}
	rv = unit_run("config", tests, UNIT_COUNT(tests));
	conf_ctx_free(ctx);
	return rv;
}
