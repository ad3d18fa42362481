# bgpd/: the daemon. Everything but main.c goes into a library so unit tests
# can link the pieces they test.
noinst_LIBRARIES += bgpd/libbgpd.a
bgpd_libbgpd_a_SOURCES = \
	bgpd/bgpd.h \
	bgpd/conf.h bgpd/conf.c \
	bgpd/ctl.h bgpd/ctl.c bgpd/ctl_show.c \
	bgpd/ctl_conf.c \
	bgpd/msg.h bgpd/msg_header.c bgpd/msg_open.c bgpd/caps.c \
	bgpd/msg_notify.c bgpd/msg_refresh.c \
	bgpd/msg_update.c bgpd/attr_parse.h bgpd/attr_basic.c bgpd/attr_aspath.c \
	bgpd/attr_comm.c bgpd/attr_mp.c bgpd/attr_write.c bgpd/nlri.c \
	bgpd/attrs.h bgpd/attrs.c \
	bgpd/peer_cfg.h bgpd/peer.h bgpd/session.h bgpd/fsm.c bgpd/peer.c \
	bgpd/session.c bgpd/transport.c bgpd/accept.h bgpd/accept.c bgpd/listen.c bgpd/bgp.c \
	bgpd/md5watch.c \
	bgpd/peer_conf.c bgpd/priv.h bgpd/priv.c \
	bgpd/ctl_bgp.h bgpd/ctl_bgp.c \
	bgpd/rde.h bgpd/rde.c bgpd/ctl_rib.h bgpd/ctl_rib.c \
	bgpd/rde_fwd.h bgpd/rde_fwd.c bgpd/ctl_overlay.h bgpd/ctl_overlay.c \
	bgpd/ctl_fwd.h bgpd/ctl_fwd.c \
	bgpd/adj_out.h bgpd/adj_out.c bgpd/adj_out_rules.c bgpd/redist.h bgpd/redist.c \
	bgpd/policy.h bgpd/policy.c \
	bgpd/ctl_adj.h bgpd/ctl_adj.c
bgpd_libbgpd_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBYANG_CFLAGS)

BGPD_LIBS = bgpd/libbgpd.a $(RIB_LIBS) conf/libconf.a lib/libipip.a \
	$(LIBEVENT_LIBS) $(LIBMNL_LIBS) $(LIBNFTABLES_LIBS) $(LIBBPF_LIBS) $(LIBCAP_LIBS) $(LIBYANG_LIBS) $(JSONC_LIBS)

sbin_PROGRAMS += bgpd/ipip-bgpd
bgpd_ipip_bgpd_SOURCES = bgpd/main.c
bgpd_ipip_bgpd_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBYANG_CFLAGS)
bgpd_ipip_bgpd_LDADD = $(BGPD_LIBS)

check_PROGRAMS += tests/unit/test_conf
TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBYANG_CFLAGS)
tests_unit_test_conf_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

# The message codec (bgpd/msg.h): unit tests and fuzz targets.
BGP_UNIT_TESTS = tests/unit/test_bgp_header tests/unit/test_bgp_open \
	tests/unit/test_bgp_notify tests/unit/test_bgp_update tests/unit/test_bgp_attrs
check_PROGRAMS += $(BGP_UNIT_TESTS)
TESTS += $(BGP_UNIT_TESTS)
tests_unit_test_bgp_header_SOURCES = tests/unit/test_bgp_header.c
tests_unit_test_bgp_header_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bgp_header_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_bgp_open_SOURCES = tests/unit/test_bgp_open.c
tests_unit_test_bgp_open_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bgp_open_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_bgp_notify_SOURCES = tests/unit/test_bgp_notify.c
tests_unit_test_bgp_notify_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bgp_notify_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_bgp_update_SOURCES = tests/unit/test_bgp_update.c
tests_unit_test_bgp_update_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bgp_update_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_bgp_attrs_SOURCES = tests/unit/test_bgp_attrs.c
tests_unit_test_bgp_attrs_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_bgp_attrs_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_bgp_open tests/fuzz/fuzz_bgp_caps \
	tests/fuzz/fuzz_bgp_notify tests/fuzz/fuzz_bgp_refresh tests/fuzz/fuzz_bgp_update
tests_fuzz_fuzz_bgp_update_SOURCES = tests/fuzz/fuzz_bgp_update.c
tests_fuzz_fuzz_bgp_update_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_update_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_bgp_open_SOURCES = tests/fuzz/fuzz_bgp_open.c
tests_fuzz_fuzz_bgp_open_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_open_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_bgp_caps_SOURCES = tests/fuzz/fuzz_bgp_caps.c
tests_fuzz_fuzz_bgp_caps_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_caps_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_bgp_notify_SOURCES = tests/fuzz/fuzz_bgp_notify.c
tests_fuzz_fuzz_bgp_notify_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_notify_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_bgp_refresh_SOURCES = tests/fuzz/fuzz_bgp_refresh.c
tests_fuzz_fuzz_bgp_refresh_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_refresh_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

check_PROGRAMS += tests/unit/test_fsm tests/unit/test_session tests/unit/test_peer_conf
TESTS += tests/unit/test_fsm tests/unit/test_session tests/unit/test_peer_conf
tests_unit_test_fsm_SOURCES = tests/unit/test_fsm.c
tests_unit_test_fsm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_fsm_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_session_SOURCES = tests/unit/test_session.c
tests_unit_test_session_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_session_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
tests_unit_test_peer_conf_SOURCES = tests/unit/test_peer_conf.c
tests_unit_test_peer_conf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBYANG_CFLAGS)
tests_unit_test_peer_conf_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_bgp_session
tests_fuzz_fuzz_bgp_session_SOURCES = tests/fuzz/fuzz_bgp_session.c
tests_fuzz_fuzz_bgp_session_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)
tests_fuzz_fuzz_bgp_session_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_session_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# The RIB glue (bgpd/rde.c): verdicts and session-context checks into the RIB.
check_PROGRAMS += tests/unit/test_rde
TESTS += tests/unit/test_rde
tests_unit_test_rde_SOURCES = tests/unit/test_rde.c
tests_unit_test_rde_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_rde_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
FUZZ_TARGETS += tests/fuzz/fuzz_bgp_rde
tests_fuzz_fuzz_bgp_rde_SOURCES = tests/fuzz/fuzz_bgp_rde.c
tests_fuzz_fuzz_bgp_rde_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)
tests_fuzz_fuzz_bgp_rde_LDADD = $(BGPD_LIBS)
tests_fuzz_fuzz_bgp_rde_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

# What we announce (bgpd/adj_out*.c): the export rules, table-driven.
check_PROGRAMS += tests/unit/test_adj_out
TESTS += tests/unit/test_adj_out
tests_unit_test_adj_out_SOURCES = tests/unit/test_adj_out.c
tests_unit_test_adj_out_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_adj_out_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

# The policy engine (bgpd/policy.c) and where bgpd applies it (rde.c, adj_out.c).
check_PROGRAMS += tests/unit/test_policy
TESTS += tests/unit/test_policy
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c
tests_unit_test_policy_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_policy_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_redist
TESTS += tests/unit/test_redist
tests_unit_test_redist_SOURCES = tests/unit/test_redist.c
tests_unit_test_redist_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBMNL_CFLAGS)
tests_unit_test_redist_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_rde_fwd_mode
TESTS += tests/unit/test_rde_fwd_mode
tests_unit_test_rde_fwd_mode_SOURCES = tests/unit/test_rde_fwd_mode.c
tests_unit_test_rde_fwd_mode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBEVENT_CFLAGS)
tests_unit_test_rde_fwd_mode_LDADD = $(BGPD_LIBS) $(UNIT_LIBS)
