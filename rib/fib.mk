# rib/fib.mk: the kernel FIB (nexthop objects, groups, routes, reconcile) on lib/nl.
# Its own fragment so it merges apart from rib/local.mk (the RIB core).
noinst_LIBRARIES += rib/libfib.a
rib_libfib_a_SOURCES = rib/fib.h rib/fib_int.h rib/fib.c rib/fib_kernel.c rib/fib_sync.c
rib_libfib_a_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS)
FIB_LIBS = rib/libfib.a
# Joins RIB_LIBS as rib/local.mk asks; programs linking it add libmnl and libevent.
RIB_LIBS += $(FIB_LIBS) lib/libnl.a -lpthread

# The netns test driver: reads set/del/settle/quit lines, runs one fib.
check_PROGRAMS += tests/netns/fibctl
tests_netns_fibctl_SOURCES = tests/netns/fibctl.c
tests_netns_fibctl_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)
tests_netns_fibctl_LDADD = $(FIB_LIBS) $(NL_LIBS)

# `ip route show proto ipip-bgpd`: our protocol number's name for iproute2.
rtprotosdir = $(sysconfdir)/iproute2/rt_protos.d
dist_rtprotos_DATA = doc/rt_protos.d/ipip-bgpd.conf
EXTRA_DIST += doc/fib.md bench/fib_insert.sh
