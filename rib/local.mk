# rib/: paths, best path, multipath, next-hop tracking, FIB (issue 5).
# Depends on tunnel/ and lib/ only. The FIB half adds its own library to
# RIB_LIBS in a fragment of its own.
noinst_LIBRARIES += rib/librib.a
rib_librib_a_SOURCES = \
	rib/rib.h rib/rib_int.h \
	rib/rib.c rib/table.c rib/attrs.c rib/bestpath.c rib/multipath.c rib/nexthops.c \
	rib/overlay.h rib/overlay.c
rib_librib_a_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS)

RIB_LIBS = rib/librib.a $(TUNNEL_LIBS)

RIB_TEST_LIBS = $(RIB_LIBS) lib/libipip.a $(UNIT_LIBS)
check_PROGRAMS += tests/unit/test_rib_bestpath tests/unit/test_rib_multipath \
	tests/unit/test_rib_table tests/unit/test_rib_nexthops tests/unit/test_rib_refresh
TESTS += tests/unit/test_rib_bestpath tests/unit/test_rib_multipath \
	tests/unit/test_rib_table tests/unit/test_rib_nexthops tests/unit/test_rib_refresh
tests_unit_test_rib_bestpath_SOURCES = tests/unit/test_rib_bestpath.c tests/unit/rib_fixture.h
tests_unit_test_rib_bestpath_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_bestpath_LDADD = $(RIB_TEST_LIBS)
tests_unit_test_rib_multipath_SOURCES = tests/unit/test_rib_multipath.c tests/unit/rib_fixture.h
tests_unit_test_rib_multipath_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_multipath_LDADD = $(RIB_TEST_LIBS)
tests_unit_test_rib_table_SOURCES = tests/unit/test_rib_table.c tests/unit/rib_fixture.h
tests_unit_test_rib_table_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_table_LDADD = $(RIB_TEST_LIBS)
tests_unit_test_rib_nexthops_SOURCES = tests/unit/test_rib_nexthops.c tests/unit/rib_fixture.h
tests_unit_test_rib_nexthops_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_nexthops_LDADD = $(RIB_TEST_LIBS)
tests_unit_test_rib_refresh_SOURCES = tests/unit/test_rib_refresh.c tests/unit/rib_fixture.h
tests_unit_test_rib_refresh_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_refresh_LDADD = $(RIB_TEST_LIBS)

# bench/rib_mem: memory and insert/withdraw rate of the prefix table
# (not a test). `make bench-rib` runs it; BENCH_RIB_N sets the prefix count.
noinst_PROGRAMS += bench/rib_mem
bench_rib_mem_SOURCES = bench/rib_mem.c
bench_rib_mem_LDADD = $(RIB_LIBS) lib/libipip.a
BENCH_RIB_N = 1000000
.PHONY: bench-rib
bench-rib: bench/rib_mem$(EXEEXT)
	bench/rib_mem$(EXEEXT) $(BENCH_RIB_N)

# The direct-or-tunnel decision (rib/overlay.c): the decision table, counting, loop guard.
check_PROGRAMS += tests/unit/test_rib_overlay
TESTS += tests/unit/test_rib_overlay
tests_unit_test_rib_overlay_SOURCES = tests/unit/test_rib_overlay.c
tests_unit_test_rib_overlay_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rib_overlay_LDADD = $(RIB_TEST_LIBS) $(TUNNEL_DEPLIBS)

# The FIB's lists (rings of handles, rib/fib_int.h), on an offline FIB.
check_PROGRAMS += tests/unit/test_fib_queue
TESTS += tests/unit/test_fib_queue
tests_unit_test_fib_queue_SOURCES = tests/unit/test_fib_queue.c
tests_unit_test_fib_queue_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_fib_queue_LDADD = $(RIB_TEST_LIBS) $(TUNNEL_DEPLIBS)

EXTRA_DIST += doc/overlay.md
