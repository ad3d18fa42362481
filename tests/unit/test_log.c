/*
 * tests/unit/test_log.c - level names, filtering, line format, rate limit,
 * and the debug topics (lib/debug.h) that gate lines whatever the level.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/debug.h"
#include "lib/log.h"
#include "tests/unit/unit.h"

START_TEST(level_names_follow_frr)
{
	ck_assert_int_eq(log_level_parse("debugging"), LOG_DEBUG);
	ck_assert_int_eq(log_level_parse("informational"), LOG_INFO);
	ck_assert_int_eq(log_level_parse("info"), LOG_INFO);
	ck_assert_int_eq(log_level_parse("WARNINGS"), LOG_WARNING);
	ck_assert_int_eq(log_level_parse("loud"), -1);
	ck_assert_str_eq(log_level_name(LOG_NOTICE), "notifications");
	ck_assert_ptr_null(log_level_name(99));
	ck_assert_ptr_null(log_level_name(-1));
}
END_TEST

START_TEST(lines_below_the_level_are_dropped)
{
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	log_init(f, "test", LOG_INFO);
	log_debug("hidden %d", 1);
	log_info("neighbor %s: shown", "10.0.0.2");
	errno = ENOENT;
	log_warn("open %s", "x.conf");
	log_warnx("plain");
	fclose(f);
	ck_assert_ptr_null(strstr(buf, "hidden"));
	ck_assert_ptr_nonnull(strstr(buf, "info: neighbor 10.0.0.2: shown\n"));
	ck_assert_ptr_nonnull(strstr(buf, "warning: open x.conf: No such file or directory\n"));
	ck_assert_ptr_nonnull(strstr(buf, "warning: plain\n"));
	log_init(stderr, "test", LOG_INFO);
}
END_TEST

START_TEST(rate_limit_counts_what_it_drops)
{
	struct log_ratelimit rl = { 0 };
	unsigned dropped, ok = 0;

	for (int i = 0; i < 100; i++)
		ok += log_ratelimit_ok(&rl, 1000, 5, 60, &dropped);
	ck_assert_uint_eq(ok, 5);
	ck_assert(!log_ratelimit_ok(&rl, 1059, 5, 60, &dropped));	/* same window */
	ck_assert(log_ratelimit_ok(&rl, 1060, 5, 60, &dropped));	/* next window */
	ck_assert_uint_eq(dropped, 96);
	ck_assert(log_ratelimit_ok(&rl, 10, 5, 60, &dropped));	/* clock went back */
}
END_TEST

static int evaluated;

static const char *
costly(void)
{
	evaluated++;
	return "formatted";
}

START_TEST(topic_lines_follow_their_topic_not_the_level)
{
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	log_init(f, "test", LOG_WARNING);
	debug_set(DEBUG_BIT(DEBUG_BGP_UPDATES_IN));
	debugf(DEBUG_BGP_UPDATES_IN, "UPDATE in: %s", "shown below the level");
	debugf(DEBUG_BGP_UPDATES_OUT, "UPDATE out: %s", costly());
	log_set_level(LOG_DEBUG);
	debug_set(0);
	debugf(DEBUG_BGP_UPDATES_IN, "UPDATE in: %s", costly());	/* off, even at debugging */
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "debug: UPDATE in: shown below the level\n"));
	ck_assert_ptr_null(strstr(buf, "UPDATE out"));
	ck_assert_ptr_null(strstr(buf, "formatted"));
	ck_assert_int_eq(evaluated, 0);			/* arguments of an off topic not built */
	log_init(stderr, "test", LOG_INFO);
}
END_TEST

START_TEST(debug_names_match_whole_words_as_frr_types_them)
{
	const uint32_t upd = DEBUG_BIT(DEBUG_BGP_UPDATES_IN) | DEBUG_BIT(DEBUG_BGP_UPDATES_OUT);
	char buf[128];

	ck_assert_uint_eq(debug_match("bgp updates in"), DEBUG_BIT(DEBUG_BGP_UPDATES_IN));
	ck_assert_uint_eq(debug_match("bgp updates"), upd);
	ck_assert_uint_eq(debug_match("bgp"), upd | DEBUG_BIT(DEBUG_BGP_NEIGHBOR_EVENTS) |
	    DEBUG_BIT(DEBUG_BGP_KEEPALIVES));
	ck_assert_uint_eq(debug_match("all"), DEBUG_ALL);
	ck_assert_uint_eq(debug_match("fib"), DEBUG_BIT(DEBUG_FIB));
	ck_assert_uint_eq(debug_match("bgp up"), 0);	/* whole words only */
	ck_assert_uint_eq(debug_match(""), 0);
	ck_assert_uint_eq(debug_match("zebra"), 0);
	ck_assert_str_eq(debug_mask_fmt(upd | DEBUG_BIT(DEBUG_TUNNEL), buf, sizeof(buf)),
	    "bgp updates in, bgp updates out, tunnel");
	ck_assert_str_eq(debug_mask_fmt(0, buf, sizeof(buf)), "none");
	debug_set(0xffffffffu);				/* bits past the table are dropped */
	ck_assert_uint_eq(debug_get(), DEBUG_ALL);
	debug_set(0);
	ck_assert_ptr_null(debug_topic(DEBUG_NTOPICS));
	ck_assert_str_eq(debug_topic(DEBUG_BGP_KEEPALIVES)->yang, "bgp/keepalives");
}
END_TEST

/* Log two lines to a temporary file with JOURNAL_STREAM set to env; its text. */
static void
log_to_file_with_env(const char *env, bool plain, char *out, size_t len)
{
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	if (env != NULL)
		setenv("JOURNAL_STREAM", env, 1);
	else
		unsetenv("JOURNAL_STREAM");
	log_init(f, "test", LOG_INFO);
	if (plain)
		log_set_plain();
	log_notice("neighbor %s: up", "10.0.0.2");
	errno = EACCES;
	log_warn("cannot open %s", "a.conf");
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	unsetenv("JOURNAL_STREAM");
	log_init(stderr, "test", LOG_INFO);
}

/* The stream systemd names in $JOURNAL_STREAM: sd-daemon's "<N>", no time of our own. */
static char *
journal_env_of(FILE *f, char *buf, size_t len)
{
	struct stat st;

	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	snprintf(buf, len, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	return buf;
}

START_TEST(lines_to_the_journal_carry_the_priority_not_a_time)
{
	char out[512], env[64];
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	setenv("JOURNAL_STREAM", journal_env_of(f, env, sizeof(env)), 1);
	log_init(f, "test", LOG_INFO);
	ck_assert_int_eq(log_get_style(), LOG_STYLE_JOURNAL);
	log_set_plain();				/* -C under systemd: still the journal's */
	log_notice("neighbor %s: up", "10.0.0.2");
	errno = EACCES;
	log_warn("cannot open %s", "a.conf");
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	unsetenv("JOURNAL_STREAM");
	log_init(stderr, "test", LOG_INFO);
	ck_assert_str_eq(out, "<5>neighbor 10.0.0.2: up\n<4>cannot open a.conf: Permission denied\n");
}
END_TEST

START_TEST(another_stream_keeps_its_timestamps)
{
	char out[512];

	log_to_file_with_env(NULL, false, out, sizeof(out));
	ck_assert_ptr_null(strchr(out, '<'));
	ck_assert_ptr_nonnull(strstr(out, " notice: neighbor 10.0.0.2: up\n"));
	ck_assert_int_eq(out[4], '-');			/* 2026-... */
	log_to_file_with_env("1:1", false, out, sizeof(out));	/* not this file */
	ck_assert_ptr_nonnull(strstr(out, " notice: neighbor 10.0.0.2: up\n"));
	log_to_file_with_env("garbage", false, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, " warning: cannot open a.conf: Permission denied\n"));
}
END_TEST

START_TEST(plain_lines_are_just_the_message)
{
	char out[512];

	log_to_file_with_env(NULL, true, out, sizeof(out));
	ck_assert_str_eq(out, "neighbor 10.0.0.2: up\ncannot open a.conf: Permission denied\n");
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		level_names_follow_frr,
		lines_below_the_level_are_dropped,
		rate_limit_counts_what_it_drops,
		topic_lines_follow_their_topic_not_the_level,
		debug_names_match_whole_words_as_frr_types_them,
		lines_to_the_journal_carry_the_priority_not_a_time,
		another_stream_keeps_its_timestamps,
		plain_lines_are_just_the_message,
	};

	return unit_run("log", tests, UNIT_COUNT(tests));
}
