dist_man_MANS += doc/ipip-bgpd.8 doc/ipip-vtysh.8
dist_man_MANS += doc/ipip-bgpd.conf.5

# The systemd unit, with this build's sbindir and bindir; the config file is the daemon's
# default, /etc/ipip-bgpd/ipip-bgpd.conf (issue 7).
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = contrib/ipip-bgpd.service
EXTRA_DIST += contrib/ipip-bgpd.service.in doc/config.md
CLEANFILES += contrib/ipip-bgpd.service
contrib/ipip-bgpd.service: $(top_srcdir)/contrib/ipip-bgpd.service.in Makefile
	$(AM_V_GEN)mkdir -p contrib && sed -e 's|%sbindir%|$(sbindir)|g' -e 's|%bindir%|$(bindir)|g' $(top_srcdir)/contrib/ipip-bgpd.service.in > $@.tmp && mv $@.tmp $@
