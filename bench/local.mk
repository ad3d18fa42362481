# bench/: the BGP-to-FIB benchmark harness (not tests; see doc/benchmarks.md).
# feeder pre-encodes UPDATEs and replays them; route_count counts and waits
# on the kernel table; kernel_insert measures the kernel-alone insert limit;
# ipip_ceiling measures what the kernel allows a user-space IPIP dataplane.
# `make bench` runs bench/fib_bench.sh with BENCH_ARGS (default: N = 100k,
# BIRD, FRR and the kernel, one run). Build without sanitizers for figures.
noinst_PROGRAMS += bench/feeder bench/route_count bench/kernel_insert bench/ipip_ceiling
bench_feeder_SOURCES = bench/feeder.c bench/bgpmsg.h bench/bgpmsg.c bench/clock.h
bench_feeder_LDADD = lib/libipip.a
bench_route_count_SOURCES = bench/route_count.c bench/clock.h
bench_route_count_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
bench_route_count_LDADD = $(LIBMNL_LIBS)
bench_kernel_insert_SOURCES = bench/kernel_insert.c bench/clock.h
bench_kernel_insert_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
bench_kernel_insert_LDADD = $(LIBMNL_LIBS)
bench_ipip_ceiling_SOURCES = bench/ipip_ceiling.c bench/clock.h
EXTRA_DIST += bench/fib_bench.sh bench/dut bench/uspace_throughput.sh

BENCH_ARGS =
.PHONY: bench
bench: bench/feeder$(EXEEXT) bench/route_count$(EXEEXT) bench/kernel_insert$(EXEEXT)
	BENCH_BUILD=$(abs_top_builddir) $(top_srcdir)/bench/fib_bench.sh $(BENCH_ARGS)

# The feeder's BGP read path: unit tests and a fuzz target (it reads a peer's bytes).
check_PROGRAMS += tests/unit/test_bench_bgpmsg
TESTS += tests/unit/test_bench_bgpmsg
tests_unit_test_bench_bgpmsg_SOURCES = tests/unit/test_bench_bgpmsg.c bench/bgpmsg.h bench/bgpmsg.c
tests_unit_test_bench_bgpmsg_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bench_bgpmsg_LDADD = lib/libipip.a $(UNIT_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz_bench_bgpmsg
tests_fuzz_fuzz_bench_bgpmsg_SOURCES = tests/fuzz/fuzz_bench_bgpmsg.c bench/bgpmsg.h bench/bgpmsg.c
tests_fuzz_fuzz_bench_bgpmsg_LDADD = lib/libipip.a
tests_fuzz_fuzz_bench_bgpmsg_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
