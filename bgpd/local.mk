# bgpd/: the daemon. Everything but main.c goes into a library so unit tests
# can link the pieces they test.
noinst_LIBRARIES += bgpd/libbgpd.a
bgpd_libbgpd_a_SOURCES = \
	bgpd/bgpd.h \
	bgpd/conf.h bgpd/conf.c \
	bgpd/ctl.h bgpd/ctl.c bgpd/ctl_show.c \
	bgpd/ctl_conf.c
bgpd_libbgpd_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBYANG_CFLAGS)

BGPD_LIBS = bgpd/libbgpd.a $(RIB_LIBS) conf/libconf.a lib/libipip.a \
	$(LIBEVENT_LIBS) $(LIBMNL_LIBS) $(LIBYANG_LIBS) $(JSONC_LIBS)

sbin_PROGRAMS += bgpd/ipip-bgpd
bgpd_ipip_bgpd_SOURCES = bgpd/main.c
bgpd_ipip_bgpd_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBYANG_CFLAGS)
bgpd_ipip_bgpd_LDADD = $(BGPD_LIBS)

check_PROGRAMS += tests/unit/test_conf
TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBYANG_CFLAGS)
tests_unit_test_conf_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
