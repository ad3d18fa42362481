# yang/: the configuration model (issue 7). Installed for yanglint and
# automation; the daemon and the shell carry a built-in copy (conf/).
yangdir = $(datadir)/ipip-bgpd/yang
dist_yang_DATA = yang/ipip-bgpd.yang yang/ipip-bgpd-types.yang

TESTS += tests/unit/test_yang.sh
EXTRA_DIST += tests/unit/test_yang.sh
