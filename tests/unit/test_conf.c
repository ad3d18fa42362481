/*
 * tests/unit/test_conf.c - the config loader: what it accepts, and that a bad
 * file is refused whole with FILE:LINE errors and *out left alone.
 */
#include <stdio.h>
#include <string.h>

#include "bgpd/conf.h"
#include "lib/log.h"
#include "tests/unit/unit.h"

static char logbuf[8192];

/* Load text as a config named "t.conf"; the log lines land in logbuf. */
static int
load(const char *text, struct bgpd_conf *c)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *log = fmemopen(logbuf, sizeof(logbuf) - 1, "w");
	int rv;

	memset(logbuf, 0, sizeof(logbuf));
	log_init(log, "test", LOG_DEBUG);
	rv = conf_load_stream(in, "t.conf", c);
	fclose(in);
	fclose(log);
	log_init(stderr, "test", LOG_INFO);
	return rv;
}

START_TEST(frr_style_daemon_statements_load)
{
	struct bgpd_conf c;

	ck_assert_int_eq(load("! site A\nhostname site-a\n\nlog syslog informational\n", &c), 0);
	ck_assert_str_eq(c.hostname, "site-a");
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert(c.log_syslog);
}
END_TEST

START_TEST(empty_file_is_an_empty_config)
{
	struct bgpd_conf c;

	ck_assert_int_eq(load("", &c), 0);
	ck_assert_str_eq(c.hostname, "");
	ck_assert_int_eq(c.log_level, -1);
}
END_TEST

START_TEST(every_bad_line_is_reported_and_nothing_is_applied)
{
	struct bgpd_conf c = { .hostname = "keep" };

	ck_assert_int_eq(load("hostname ok\nfrobnicate 65001\nlog stdout loud\nhostname a b\n", &c), -1);
	ck_assert_str_eq(c.hostname, "keep");
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:2: unknown statement 'frobnicate'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:3: log: unknown level 'loud'"));
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:4: hostname:"));
}
END_TEST

START_TEST(overlong_line_is_an_error_not_a_split)
{
	char text[3000];
	struct bgpd_conf c;

	memset(text, 'a', sizeof(text));
	memcpy(text, "hostname ", 9);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	ck_assert_int_eq(load(text, &c), -1);
	ck_assert_ptr_nonnull(strstr(logbuf, "t.conf:1: line longer than"));
}
END_TEST

START_TEST(missing_file_names_the_file)
{
	struct bgpd_conf c;
	FILE *log = fmemopen(logbuf, sizeof(logbuf) - 1, "w");

	memset(logbuf, 0, sizeof(logbuf));
	log_init(log, "test", LOG_DEBUG);
	ck_assert_int_eq(conf_load("/nonexistent/ipip-bgpd.conf", &c), -1);
	fclose(log);
	log_init(stderr, "test", LOG_INFO);
	ck_assert_ptr_nonnull(strstr(logbuf,
	    "cannot open config file /nonexistent/ipip-bgpd.conf: No such file or directory"));
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		frr_style_daemon_statements_load,
		empty_file_is_an_empty_config,
		every_bad_line_is_reported_and_nothing_is_applied,
		overlong_line_is_an_error_not_a_split,
		missing_file_names_the_file,
	};

	return unit_run("conf", tests, UNIT_COUNT(tests));
}
