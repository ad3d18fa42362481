# conf/: the configuration model in libyang trees, the FRR grammar table, text
# parser and printer, diff classification. Linked by the daemon AND the shell:
# depends on lib/ and libyang only.
noinst_LIBRARIES += conf/libconf.a
conf_libconf_a_SOURCES = \
	conf/conf.h conf/conf_int.h conf/conf_yang.h \
	conf/grammar.c conf/cmd.c conf/parse.c conf/print.c conf/yang.c \
	conf/diff.c conf/bgp.c conf/policy.c conf/overlay.c
nodist_conf_libconf_a_SOURCES = conf/yang_embed.c
conf_libconf_a_CFLAGS = $(AM_CFLAGS) $(LIBYANG_CFLAGS)
BUILT_SOURCES = conf/yang_embed.c
CLEANFILES += conf/yang_embed.c
EXTRA_DIST += conf/embed.sh

conf/yang_embed.c: $(top_srcdir)/conf/embed.sh $(top_srcdir)/yang/ipip-bgpd-types.yang \
		$(top_srcdir)/yang/ipip-bgpd.yang
	$(AM_V_GEN)mkdir -p conf && $(SHELL) $(top_srcdir)/conf/embed.sh \
	    conf_yang_types $(top_srcdir)/yang/ipip-bgpd-types.yang \
	    conf_yang_main $(top_srcdir)/yang/ipip-bgpd.yang > $@.tmp && mv $@.tmp $@

CONF_LIBS = conf/libconf.a lib/libipip.a $(LIBYANG_LIBS)

check_PROGRAMS += tests/unit/test_config
TESTS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBYANG_CFLAGS) \
	-DCONF_TEST_DATA='"$(abs_top_srcdir)/tests/data/config"'
tests_unit_test_config_LDADD = $(CONF_LIBS) $(UNIT_LIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_conf
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
tests_fuzz_fuzz_conf_CFLAGS = $(AM_CFLAGS) $(LIBYANG_CFLAGS)
tests_fuzz_fuzz_conf_LDADD = $(CONF_LIBS)
tests_fuzz_fuzz_conf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
