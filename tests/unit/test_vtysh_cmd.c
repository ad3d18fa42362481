/*
 * tests/unit/test_vtysh_cmd.c - the shell's matcher: abbreviations, optional
 * tokens, arguments, ambiguity, and the choices TAB and '?' offer; FRR's
 * debug commands in the shell's own table and `show debugging` text; which
 * arguments TAB fills with the daemon's values (neighbors, tunnels, names).
 */
#include <stdio.h>
#include <string.h>

#include "lib/debug.h"
#include "vtysh/cmd.h"
#include "vtysh/commands_bgp.h"
#include "vtysh/commands_debug.h"
#include "vtysh/commands_rib.h"
#include "vtysh/complete.h"
#include "vtysh/render.h"
#include "vtysh/vty.h"
#include "tests/unit/unit.h"

static int ran;
static int run(struct vty *v, const struct cmd_args *a) { ran++; return 0; }

static const struct cmd_def table[] = {
	{ "show version [json]", "Show\nVersion\nJSON\n", run },
	{ "show daemon [json]", "Show\nDaemon\nJSON\n", run },
	{ "show debugging", "Show\nDebugging\n", run },
	{ "show bgp neighbors [A.B.C.D] [json]", "Show\nBGP\nNeighbors\nAddress\nJSON\n", run },
	{ "clear bgp (1-65535)", "Clear\nBGP\nAS number\n", run },
	{ "show tunnel [NAME] [json]", "Show\nTunnels\nDevice\nJSON\n", run },
};

static enum cmd_status
lookup(const char *line, const struct cmd_def **def, struct cmd_args *a)
{
	static char buf[256];
	char *w[CMD_MAX_WORDS];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = cmd_split(buf, w, CMD_MAX_WORDS);
	return cmd_lookup(table, UNIT_COUNT(table), w, n, def, a);
}

START_TEST(abbreviations_and_optional_tokens)
{
	const struct cmd_def *d;
	struct cmd_args a;

	ck_assert_int_eq(lookup("show version", &d, &a), CMD_OK);
	ck_assert_ptr_eq(d, &table[0]);
	ck_assert(!cmd_has(&a, "json"));
	ck_assert_int_eq(lookup("sh ver j", &d, &a), CMD_OK);
	ck_assert_ptr_eq(d, &table[0]);
	ck_assert(cmd_has(&a, "json"));
	ck_assert_int_eq(lookup("show da", &d, &a), CMD_OK);
	ck_assert_ptr_eq(d, &table[1]);
}
END_TEST

START_TEST(ambiguous_incomplete_unknown)
{
	const struct cmd_def *d;
	struct cmd_args a;

	ck_assert_int_eq(lookup("show d", &d, &a), CMD_AMBIGUOUS);	/* daemon, debugging */
	ck_assert_int_eq(lookup("show", &d, &a), CMD_INCOMPLETE);
	ck_assert_int_eq(lookup("show bogus", &d, &a), CMD_UNKNOWN);
	ck_assert_int_eq(lookup("show version json extra", &d, &a), CMD_UNKNOWN);
	ck_assert_int_eq(lookup("frobnicate", &d, &a), CMD_UNKNOWN);
}
END_TEST

START_TEST(arguments_are_typed)
{
	const struct cmd_def *d;
	struct cmd_args a;

	ck_assert_int_eq(lookup("show bgp neighbors 10.0.0.2 json", &d, &a), CMD_OK);
	ck_assert_str_eq(cmd_arg(&a, "A.B.C.D"), "10.0.0.2");
	ck_assert(cmd_has(&a, "json"));
	ck_assert_int_eq(lookup("show bgp neighbors json", &d, &a), CMD_OK);
	ck_assert_ptr_null(cmd_arg(&a, "A.B.C.D"));
	ck_assert_int_eq(lookup("show bgp neighbors 10.0.0.300", &d, &a), CMD_UNKNOWN);
	ck_assert_int_eq(lookup("clear bgp 65535", &d, &a), CMD_OK);
	ck_assert_int_eq(lookup("clear bgp 65536", &d, &a), CMD_UNKNOWN);
	ck_assert_int_eq(lookup("clear bgp 0", &d, &a), CMD_UNKNOWN);
	ck_assert_int_eq(lookup("clear bgp x1", &d, &a), CMD_UNKNOWN);
	/* show tunnel NAME: a device name; "json" in full stays the keyword */
	ck_assert_int_eq(lookup("show tunnel ipcccr407336p02 json", &d, &a), CMD_OK);
	ck_assert_str_eq(cmd_arg(&a, "NAME"), "ipcccr407336p02");
	ck_assert(cmd_has(&a, "json"));
	ck_assert_int_eq(lookup("show tunnel json", &d, &a), CMD_OK);
	ck_assert_ptr_null(cmd_arg(&a, "NAME"));
	ck_assert(cmd_has(&a, "json"));
	ck_assert_int_eq(lookup("show tunnel ipcccr407336p02", &d, &a), CMD_OK);
	ck_assert(!cmd_has(&a, "json"));
}
END_TEST

static size_t
choices(const char *line, const char *partial, struct cmd_choice *ch, bool *complete)
{
	static char buf[256];
	char *w[CMD_MAX_WORDS];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = cmd_split(buf, w, CMD_MAX_WORDS);
	return cmd_choices(table, UNIT_COUNT(table), w, n, partial, ch, 16, complete);
}

static bool
has_choice(const struct cmd_choice *ch, size_t n, const char *tok, const char *help)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ch[i].token, tok) == 0)
			return help == NULL || strcmp(ch[i].help, help) == 0;
	return false;
}

START_TEST(choices_complete_keywords_and_carry_help)
{
	struct cmd_choice ch[16];
	bool complete;
	size_t n;

	n = choices("", "sh", ch, &complete);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ch[0].token, "show");
	ck_assert(!complete);
	n = choices("show", "d", ch, &complete);
	ck_assert_uint_eq(n, 2);
	ck_assert(has_choice(ch, n, "daemon", "Daemon"));
	ck_assert(has_choice(ch, n, "debugging", "Debugging"));
	n = choices("sh bgp neighbors", "", ch, &complete);
	ck_assert(complete);				/* <cr> is offered */
	ck_assert(has_choice(ch, n, "A.B.C.D", "Address"));
	ck_assert(has_choice(ch, n, "json", "JSON"));
	n = choices("show version json", "", ch, &complete);
	ck_assert_uint_eq(n, 0);
	ck_assert(complete);
}
END_TEST

/* The values an argument takes after words in the shell's table (conf mode when >= 0). */
static enum vty_values
values_after(int mode, const char *line, const char *partial, const char *token)
{
	struct cmd_choice ch[64];
	char buf[256], *w[CMD_MAX_WORDS];
	bool complete;
	size_t n;
	int nw;

	snprintf(buf, sizeof(buf), "%s", line);
	nw = cmd_split(buf, w, CMD_MAX_WORDS);
	n = mode >= 0 ? conf_choices(mode, w, nw, partial, ch, UNIT_COUNT(ch), &complete) :
	    cmd_choices(vtysh_commands, vtysh_ncommands, w, nw, partial, ch, UNIT_COUNT(ch),
	    &complete);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ch[i].token, token) == 0)
			return vty_values_of(&ch[i]);
	return -1;	/* the token is not offered at all */
}

START_TEST(tab_knows_which_arguments_name_neighbors_tunnels_and_lists)
{
	ck_assert_int_eq(values_after(-1, "show bgp neighbors", "", "A.B.C.D"), VTY_VALUES_NEIGHBOR);
	/* a partial address still offers the token, so its values can narrow */
	ck_assert_int_eq(values_after(-1, "show bgp neighbors", "192.0.2.", "A.B.C.D"),
	    VTY_VALUES_NEIGHBOR);
	ck_assert_int_eq(values_after(-1, "show ip bgp neighbors", "1", "A.B.C.D"),
	    VTY_VALUES_NEIGHBOR);
	ck_assert_int_eq(values_after(-1, "clear bgp", "", "WORD"), VTY_VALUES_NEIGHBOR);
	ck_assert_int_eq(values_after(-1, "show tunnel", "ip", "NAME"), VTY_VALUES_TUNNEL);
	ck_assert_int_eq(values_after(-1, "show ip bgp", "", "A.B.C.D"), VTY_VALUES_NONE);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTER, "neighbor", "", "A.B.C.D"),
	    VTY_VALUES_NEIGHBOR);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTER, "neighbor", "", "NAME"),
	    VTY_VALUES_PEER_GROUP);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTER, "neighbor 10.0.0.2 peer-group", "", "NAME"),
	    VTY_VALUES_PEER_GROUP);
	ck_assert_int_eq(values_after(CONF_MODE_AF, "neighbor 10.0.0.2 route-map", "", "NAME"),
	    VTY_VALUES_ROUTE_MAP);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTE_MAP, "match ip address prefix-list", "",
	    "NAME"), VTY_VALUES_PREFIX_LIST);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTE_MAP, "match community", "", "NAME"),
	    VTY_VALUES_COMMUNITY_LIST);
	ck_assert_int_eq(values_after(CONF_MODE_OVERLAY, "neighbor", "", "A.B.C.D"),
	    VTY_VALUES_NEIGHBOR);
	ck_assert_int_eq(values_after(CONF_MODE_ROUTER, "bgp router-id", "", "A.B.C.D"),
	    VTY_VALUES_NONE);
}
END_TEST

/* No daemon: no values, nothing said, the session not marked unreachable. */
START_TEST(tab_without_a_daemon_offers_nothing_quietly)
{
	struct vty v = { .sock = "/nonexistent/ipip-bgpd.sock", .out = stdout };
	struct cmd_choice c = { .token = "A.B.C.D", .after = "neighbors" };
	char out[4][VTY_VALUE_LEN];
	char err[256] = "";
	FILE *saved = stderr, *f = fmemopen(err, sizeof(err), "w");

	stderr = f;
	ck_assert_uint_eq(vty_values_complete(&v, &c, 1, "", out, 4), 0);
	stderr = saved;
	fclose(f);
	ck_assert_str_eq(err, "");
	ck_assert(!v.unreachable);
	ck_assert_ptr_null(v.cl);
}
END_TEST

/* The shell's own table: FRR's debug commands reach cmd_debug, abbreviated or not. */
START_TEST(frr_debug_commands_are_in_the_shell)
{
	static const char *const lines[] = {
		"debug bgp updates", "debug bgp updates in", "deb bgp upd out",
		"debug bgp neighbor-events", "debug bgp keepalives", "debug fib", "debug tunnel",
		"no debug bgp", "no debug bgp updates out", "no debug all", "undebug all",
	};
	const struct cmd_def *def;
	struct cmd_args a;
	char buf[128], *w[16];
	int n;

	for (size_t i = 0; i < UNIT_COUNT(lines); i++) {
		snprintf(buf, sizeof(buf), "%s", lines[i]);
		n = cmd_split(buf, w, 16);
		ck_assert_msg(cmd_lookup(vtysh_commands, vtysh_ncommands, w, n, &def, &a) == CMD_OK,
		    "%s", lines[i]);
		ck_assert_msg(def->run == cmd_debug, "%s", lines[i]);
	}
	snprintf(buf, sizeof(buf), "show debugging json");
	n = cmd_split(buf, w, 16);
	ck_assert_int_eq(cmd_lookup(vtysh_commands, vtysh_ncommands, w, n, &def, &a), CMD_OK);
	ck_assert(def->run == cmd_show_debugging);
}
END_TEST

/* FRR's spellings an operator types by habit reach the command that does it. */
START_TEST(frr_shell_spellings_are_in_the_shell)
{
	static const struct {
		const char *line;
		int (*run)(struct vty *, const struct cmd_args *);
		const char *word, *dir;		/* clear: the WORD, the in|out keyword */
	} want[] = {
		{ "clear ip bgp 10.0.0.2", cmd_clear_bgp, "10.0.0.2", NULL },
		{ "clear ip bgp * soft", cmd_clear_bgp, "*", NULL },
		{ "clear bgp ipv4 unicast 10.0.0.2", cmd_clear_bgp, "10.0.0.2", NULL },
		{ "clear bgp ipv4 unicast *", cmd_clear_bgp, "*", NULL },
		{ "clear ip bgp ipv4 unicast 10.0.0.2 soft in", cmd_clear_bgp, "10.0.0.2", "in" },
		{ "clear bgp 10.0.0.2 out", cmd_clear_bgp, "10.0.0.2", "out" },
		{ "clear bgp 10.0.0.2 soft i", cmd_clear_bgp, "10.0.0.2", "in" },
		{ "clear bgp external", cmd_clear_bgp, "external", NULL },
		{ "clear bgp 65002 soft out", cmd_clear_bgp, "65002", "out" },
		{ "show bgp ipv4 summary", cmd_show_bgp_summary, NULL, NULL },
		{ "show bgp ipv4 unicast summary json", cmd_show_bgp_summary, NULL, NULL },
		{ "sh ip bgp sum", cmd_show_bgp_summary, NULL, NULL },
		{ "show bgp ipv4 unicast 10.0.0.0/8 longer-prefixes", cmd_show_bgp_longer, NULL, NULL },
		{ "show ip bgp 10.0.0.0/8 longer-prefixes json", cmd_show_bgp_longer, NULL, NULL },
		{ "show bgp neighbors 10.0.0.2 received-routes", cmd_show_bgp_received, NULL, NULL },
		{ "show ip bgp neighbors 10.0.0.2 received-routes json", cmd_show_bgp_received, NULL,
		    NULL },
		{ "write", vtysh_write, NULL, NULL },
		{ "wr", vtysh_write, NULL, NULL },
		{ "write memory", vtysh_write, NULL, NULL },
		{ "copy running-config startup-config", vtysh_write, NULL, NULL },
		{ "write terminal", vtysh_show_running, NULL, NULL },
	};
	const struct cmd_def *def;
	struct cmd_args a;
	char buf[128], *w[16];
	int n;

	for (size_t i = 0; i < UNIT_COUNT(want); i++) {
		snprintf(buf, sizeof(buf), "%s", want[i].line);
		n = cmd_split(buf, w, 16);
		ck_assert_msg(cmd_lookup(vtysh_commands, vtysh_ncommands, w, n, &def, &a) == CMD_OK,
		    "%s", want[i].line);
		ck_assert_msg(def->run == want[i].run, "%s", want[i].line);
		if (want[i].word != NULL)
			ck_assert_str_eq(cmd_arg(&a, "WORD"), want[i].word);
		if (want[i].dir != NULL)
			for (int k = 0; k < a.n; k++)
				if (strcmp(a.v[k].token, "in|out") == 0)
					ck_assert_str_eq(a.v[k].word, want[i].dir);
	}
}
END_TEST

static char *
render_text(uint32_t on)
{
	static char buf[1024];
	struct ctl_debugging d = { .on = on, .log_level = LOG_INFO, .log_level_name = "informational" };
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	render_debugging(f, &d, false);
	fclose(f);
	return buf;
}

START_TEST(show_debugging_speaks_frr)
{
	ck_assert_str_eq(render_text(0), "BGP debugging status:\nFIB debugging status:\n"
	    "Tunnel debugging status:\n");
	ck_assert_ptr_nonnull(strstr(render_text(DEBUG_BIT(DEBUG_BGP_UPDATES_IN)),
	    "BGP debugging status:\n  BGP updates debugging is on (inbound)\n"));
	ck_assert_ptr_nonnull(strstr(render_text(DEBUG_BIT(DEBUG_BGP_UPDATES_OUT)),
	    "  BGP updates debugging is on (outbound)\n"));
	ck_assert_ptr_nonnull(strstr(render_text(DEBUG_BIT(DEBUG_BGP_UPDATES_IN) |
	    DEBUG_BIT(DEBUG_BGP_UPDATES_OUT)), "  BGP updates debugging is on\n"));
	ck_assert_ptr_nonnull(strstr(render_text(DEBUG_BIT(DEBUG_FIB)),
	    "logged although the log level is informational"));
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		abbreviations_and_optional_tokens,
		ambiguous_incomplete_unknown,
		arguments_are_typed,
		choices_complete_keywords_and_carry_help,
		frr_debug_commands_are_in_the_shell,
		frr_shell_spellings_are_in_the_shell,
		tab_knows_which_arguments_name_neighbors_tunnels_and_lists,
		tab_without_a_daemon_offers_nothing_quietly,
		show_debugging_speaks_frr,
	};

	return unit_run("vtysh_cmd", tests, UNIT_COUNT(tests));
}
