/*
 * tests/unit/test_tcpext.c - the TCP MD5 drop counters come out of
 * /proc/net/netstat text by name, wherever the kernel puts them; a missing
 * counter reads 0; truncated, misaligned or garbled text is refused without
 * reading past what it was given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tcpext.h"
#include "tests/unit/unit.h"

static const char netstat[] =
    "TcpExt: SyncookiesSent TCPMD5NotFound TCPMD5Unexpected TW TCPMD5Failure DelayedACKs\n"
    "TcpExt: 0 7 2 31 5 21\n"
    "IpExt: InNoRoutes TCPMD5Failure\n"
    "IpExt: 0 99\n";

START_TEST(counters_are_found_by_name_in_the_tcpext_pair)
{
	struct tcp_md5_stats st;

	ck_assert_int_eq(tcp_md5_stats_parse(netstat, strlen(netstat), &st), 0);
	ck_assert_uint_eq(st.failure, 5);
	ck_assert_uint_eq(st.not_found, 7);
	ck_assert_uint_eq(st.unexpected, 2);
}
END_TEST

START_TEST(tcpext_after_other_groups_and_missing_counters_read_zero)
{
	static const char t[] = "IpExt: InNoRoutes\nIpExt: 4\n"
	    "TcpExt: SyncookiesSent TCPMD5Failure\nTcpExt: 1 18446744073709551615";
	struct tcp_md5_stats st;

	ck_assert_int_eq(tcp_md5_stats_parse(t, strlen(t), &st), 0);
	ck_assert_uint_eq(st.failure, UINT64_MAX);	/* no newline at the end: still read */
	ck_assert_uint_eq(st.not_found, 0);
	ck_assert_uint_eq(st.unexpected, 0);
}
END_TEST

START_TEST(every_truncation_is_refused_or_reads_only_what_is_there)
{
	struct tcp_md5_stats st;
	size_t n = strlen(netstat);

	for (size_t i = 0; i < n; i++) {
		char *copy = malloc(i ? i : 1);	/* exactly i bytes: ASan sees an overread */

		memcpy(copy, netstat, i);
		if (tcp_md5_stats_parse(copy, i, &st) == 0) {
			ck_assert_uint_le(st.failure, 5);
			ck_assert_uint_le(st.not_found, 7);
			ck_assert_uint_le(st.unexpected, 2);
		}
		free(copy);
	}
}
END_TEST

START_TEST(garbled_text_is_refused)
{
	static const char *bad[] = {
		"",
		"TcpExt: TCPMD5Failure\n",			/* names without values */
		"TcpExt: TCPMD5Failure\nIpExt: 3\n",		/* values of another group */
		"TcpExt: TCPMD5Failure\nTcpExt: 3 4\n",		/* more values than names */
		"TcpExt: TCPMD5Failure\nTcpExt: -3\n",
		"TcpExt: TCPMD5Failure\nTcpExt: 3x\n",
		"TcpExt: TCPMD5Failure\nTcpExt: 18446744073709551616\n",	/* 2^64 */
		"TcpExt: TCPMD5Failure\nTcpExt: 000000000000000000000001\n",
	};
	struct tcp_md5_stats st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(tcp_md5_stats_parse(bad[i], strlen(bad[i]), &st) == -EINVAL, "%s", bad[i]);
}
END_TEST

START_TEST(this_kernel_has_the_counters)
{
	struct tcp_md5_stats st;

	ck_assert_int_eq(tcp_md5_stats_read(&st), 0);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		counters_are_found_by_name_in_the_tcpext_pair,
		tcpext_after_other_groups_and_missing_counters_read_zero,
		every_truncation_is_refused_or_reads_only_what_is_there,
		garbled_text_is_refused,
		this_kernel_has_the_counters,
	};

	return unit_run("tcpext", tests, UNIT_COUNT(tests));
}
