# lib/: knows nothing of BGP. Cursor, write buffer, log, prefixes, control framing.
noinst_LIBRARIES += lib/libipip.a
lib_libipip_a_SOURCES = \
	lib/compiler.h \
	lib/cursor.h lib/cursor.c \
	lib/wbuf.h lib/wbuf.c \
	lib/log.h lib/log.c \
	lib/prefix.h lib/prefix.c \
	lib/ctlmsg.h lib/ctlmsg.c \
	lib/cli.h lib/cli.c \
	lib/pidfile.h lib/pidfile.c \
	lib/sdnotify.h lib/sdnotify.c \
	lib/sockopt.h lib/sockopt.c \
	include/ipip-bgpd/ctl.h
lib_libipip_a_CFLAGS = $(AM_CFLAGS)

check_PROGRAMS += tests/unit/test_cursor tests/unit/test_wbuf tests/unit/test_prefix \
	tests/unit/test_ctlmsg tests/unit/test_log tests/unit/test_cli
TESTS += tests/unit/test_cursor tests/unit/test_wbuf tests/unit/test_prefix \
	tests/unit/test_ctlmsg tests/unit/test_log tests/unit/test_cli
tests_unit_test_cursor_SOURCES = tests/unit/test_cursor.c
tests_unit_test_cursor_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_cursor_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_wbuf_SOURCES = tests/unit/test_wbuf.c
tests_unit_test_wbuf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_wbuf_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_prefix_SOURCES = tests/unit/test_prefix.c
tests_unit_test_prefix_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_prefix_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_ctlmsg_SOURCES = tests/unit/test_ctlmsg.c
tests_unit_test_ctlmsg_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ctlmsg_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_cli_SOURCES = tests/unit/test_cli.c
tests_unit_test_cli_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_cli_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_log_LDADD = lib/libipip.a $(UNIT_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_ctlmsg
tests_fuzz_fuzz_ctlmsg_SOURCES = tests/fuzz/fuzz_ctlmsg.c
tests_fuzz_fuzz_ctlmsg_LDADD = lib/libipip.a
tests_fuzz_fuzz_ctlmsg_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
