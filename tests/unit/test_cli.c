/*
 * tests/unit/test_cli.c - the matcher's grammar beyond the shell's own
 * commands: keyword choices, optional groups, LINE and NAME tokens, loose
 * matching that leaves value checks to the caller, argument positions.
 */
#include <stdio.h>
#include <string.h>

#include "lib/cli.h"
#include "tests/unit/unit.h"

#define PL "ip prefix-list NAME seq (1-4294967295) permit|deny A.B.C.D/M [ge (0-32)] [le (0-32)]"

static struct cli_match
match(const char *spec, const char *line, unsigned flags)
{
	static char buf[256];
	char *w[CMD_MAX_WORDS];
	struct cli_match m;
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = cmd_split(buf, w, CMD_MAX_WORDS);
	cli_spec_match(spec, w, n, flags, &m);
	return m;
}

START_TEST(keyword_choice_is_taken_in_full_from_an_abbreviation)
{
	struct cli_match m = match(PL, "ip prefix-list P seq 5 perm 10.0.0.0/8", 0);

	ck_assert_int_eq(m.status, CLI_FULL);
	ck_assert_str_eq(cli_arg_at(&m.args, 5)->word, "permit");
	ck_assert_str_eq(cli_arg_at(&m.args, 6)->value, "10.0.0.0/8");
	ck_assert_ptr_null(cli_arg_at(&m.args, 8));
}
END_TEST

START_TEST(optional_groups_go_whole_and_keep_their_positions)
{
	struct cli_match m = match(PL, "ip prefix-list P seq 5 deny 10.0.0.0/8 le 24", 0);

	ck_assert_int_eq(m.status, CLI_FULL);
	ck_assert_ptr_null(cli_arg_at(&m.args, 8));
	ck_assert_str_eq(cli_arg_at(&m.args, 10)->value, "24");
	ck_assert_int_eq(match(PL, "ip prefix-list P seq 5 deny 10.0.0.0/8 ge", 0).status, CLI_INCOMPLETE);
	ck_assert_int_eq(match(PL, "ip prefix-list P seq 5 deny 10.0.0.0/8 24", 0).status, CLI_NONE);
}
END_TEST

START_TEST(line_takes_the_rest_and_name_starts_with_a_letter)
{
	struct cli_match m = match("neighbor NAME description LINE", "neighbor PG description two words", 0);

	ck_assert_int_eq(m.status, CLI_FULL);
	ck_assert_int_eq(cli_arg_at(&m.args, 3)->nwords, 2);
	ck_assert_int_eq(match("neighbor NAME description LINE", "neighbor 10.0.0.1 description x", 0).status,
	    CLI_NONE);
}
END_TEST

START_TEST(loose_matching_leaves_values_to_the_caller)
{
	ck_assert_int_eq(match("router bgp (1-4294967295)", "router bgp 0", 0).status, CLI_NONE);
	ck_assert_int_eq(match("router bgp (1-4294967295)", "router bgp 0", CLI_LOOSE).status, CLI_FULL);
	ck_assert_int_eq(match("neighbor A.B.C.D", "neighbor 10.0.0.300", CLI_LOOSE).status, CLI_FULL);
	ck_assert_int_eq(match("neighbor A.B.C.D", "neighbor ten", CLI_LOOSE).status, CLI_NONE);
	ck_assert_int_eq(match("neighbor A.B.C.D remote-as (1-10)", "neighbor 10.0.0.1 bogus", 0).depth, 2);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		keyword_choice_is_taken_in_full_from_an_abbreviation,
		optional_groups_go_whole_and_keep_their_positions,
		line_takes_the_rest_and_name_starts_with_a_letter,
		loose_matching_leaves_values_to_the_caller,
	};

	return unit_run("cli", tests, UNIT_COUNT(tests));
}
