# lib/: knows nothing of BGP. Cursor, write buffer, log, prefixes, control framing.
noinst_LIBRARIES += lib/libipip.a
lib_libipip_a_SOURCES = \
	lib/compiler.h \
	lib/cursor.h lib/cursor.c \
	lib/wbuf.h lib/wbuf.c \
	lib/log.h lib/log.c \
	lib/debug.h lib/debug.c \
	lib/prefix.h lib/prefix.c \
	lib/ctlmsg.h lib/ctlmsg.c \
	lib/array.h lib/array.c \
	lib/cli.h lib/cli.c \
	lib/pidfile.h lib/pidfile.c \
	lib/sdnotify.h lib/sdnotify.c \
	lib/sockopt.h lib/sockopt.c \
	lib/hmap.h lib/hmap.c \
	lib/slab.h lib/slab.c \
	lib/ihash.h lib/ihash.c \
	lib/tcpext.h lib/tcpext.c \
	lib/sysctl.h lib/sysctl.c \
	include/ipip-bgpd/ctl.h
lib_libipip_a_CFLAGS = $(AM_CFLAGS)

check_PROGRAMS += tests/unit/test_array tests/unit/test_slab tests/unit/test_ihash tests/unit/test_tcpext
TESTS += tests/unit/test_array tests/unit/test_slab tests/unit/test_ihash tests/unit/test_tcpext
tests_unit_test_tcpext_SOURCES = tests/unit/test_tcpext.c
tests_unit_test_tcpext_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tcpext_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_ihash_SOURCES = tests/unit/test_ihash.c
tests_unit_test_ihash_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ihash_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_slab_SOURCES = tests/unit/test_slab.c
tests_unit_test_slab_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_slab_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_array_SOURCES = tests/unit/test_array.c
tests_unit_test_array_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_array_LDADD = lib/libipip.a $(UNIT_LIBS)

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

# lib/nl, lib/rtnl: rtnetlink sockets (libmnl, libevent) and message parsers.
noinst_LIBRARIES += lib/libnl.a
lib_libnl_a_SOURCES = lib/nl.h lib/nl.c lib/nl_writer.h lib/nl_writer.c lib/rtnl.h lib/rtnl.c
lib_libnl_a_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS)
NL_LIBS = lib/libnl.a lib/libipip.a $(LIBMNL_LIBS) $(LIBEVENT_LIBS) -lpthread

check_PROGRAMS += tests/unit/test_rtnl tests/unit/test_hmap tests/unit/test_nl \
	tests/unit/test_nl_writer
TESTS += tests/unit/test_rtnl tests/unit/test_hmap tests/unit/test_nl tests/unit/test_nl_writer
tests_unit_test_nl_writer_SOURCES = tests/unit/test_nl_writer.c
tests_unit_test_nl_writer_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_nl_writer_LDADD = $(NL_LIBS) $(UNIT_LIBS)
tests_unit_test_nl_SOURCES = tests/unit/test_nl.c
tests_unit_test_nl_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_nl_LDADD = $(NL_LIBS) $(UNIT_LIBS)
tests_unit_test_hmap_SOURCES = tests/unit/test_hmap.c
tests_unit_test_hmap_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_hmap_LDADD = lib/libipip.a $(UNIT_LIBS)
tests_unit_test_rtnl_SOURCES = tests/unit/test_rtnl.c tests/unit/nlbuild.h
tests_unit_test_rtnl_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBMNL_CFLAGS)
tests_unit_test_rtnl_LDADD = $(NL_LIBS) $(UNIT_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_nl_route tests/fuzz/fuzz_nl_nexthop \
	tests/fuzz/fuzz_nl_link tests/fuzz/fuzz_nl_addr
tests_fuzz_fuzz_nl_route_SOURCES = tests/fuzz/fuzz_nl_route.c tests/fuzz/fuzz_nl.h
tests_fuzz_fuzz_nl_route_LDADD = $(NL_LIBS)
tests_fuzz_fuzz_nl_route_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_nl_nexthop_SOURCES = tests/fuzz/fuzz_nl_nexthop.c
tests_fuzz_fuzz_nl_nexthop_LDADD = $(NL_LIBS)
tests_fuzz_fuzz_nl_nexthop_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_nl_link_SOURCES = tests/fuzz/fuzz_nl_link.c
tests_fuzz_fuzz_nl_link_LDADD = $(NL_LIBS)
tests_fuzz_fuzz_nl_link_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_nl_addr_SOURCES = tests/fuzz/fuzz_nl_addr.c
tests_fuzz_fuzz_nl_addr_LDADD = $(NL_LIBS)
tests_fuzz_fuzz_nl_addr_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
