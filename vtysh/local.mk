# vtysh/: ipip-vtysh. Links lib/ only; talks to the daemon over the control socket.
noinst_LIBRARIES += vtysh/libvtysh.a
vtysh_libvtysh_a_SOURCES = \
	vtysh/cmd.h \
	vtysh/client.h vtysh/client.c \
	vtysh/render.h vtysh/render.c \
	vtysh/vty.h vtysh/vty.c vtysh/commands.c \
	vtysh/config.c vtysh/complete.h vtysh/complete.c \
	vtysh/commands_bgp.h vtysh/commands_bgp.c vtysh/render_bgp.h vtysh/render_bgp.c \
	vtysh/commands_rib.h vtysh/commands_rib.c vtysh/render_rib.h vtysh/render_rib.c \
	vtysh/commands_overlay.h vtysh/commands_overlay.c \
	vtysh/render_overlay.h vtysh/render_overlay.c \
	vtysh/commands_fwd.h vtysh/commands_fwd.c vtysh/render_fwd.h vtysh/render_fwd.c \
	vtysh/commands_adj.h vtysh/commands_adj.c vtysh/render_adj.h vtysh/render_adj.c \
	vtysh/commands_debug.h vtysh/commands_debug.c
vtysh_libvtysh_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBYANG_CFLAGS)

bin_PROGRAMS += vtysh/ipip-vtysh
vtysh_ipip_vtysh_SOURCES = vtysh/main.c
vtysh_ipip_vtysh_CFLAGS = $(AM_CFLAGS) $(READLINE_CFLAGS) $(LIBYANG_CFLAGS)
vtysh_ipip_vtysh_LDADD = vtysh/libvtysh.a conf/libconf.a lib/libipip.a $(LIBYANG_LIBS) \
	$(JSONC_LIBS) $(READLINE_LIBS)

check_PROGRAMS += tests/unit/test_vtysh_cmd
TESTS += tests/unit/test_vtysh_cmd
tests_unit_test_vtysh_cmd_SOURCES = tests/unit/test_vtysh_cmd.c
tests_unit_test_vtysh_cmd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS) $(LIBYANG_CFLAGS)
tests_unit_test_vtysh_cmd_LDADD = vtysh/libvtysh.a conf/libconf.a lib/libipip.a $(LIBYANG_LIBS) \
	$(JSONC_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_vtysh_shell
TESTS += tests/unit/test_vtysh_shell
tests_unit_test_vtysh_shell_SOURCES = tests/unit/test_vtysh_shell.c
tests_unit_test_vtysh_shell_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS) $(LIBYANG_CFLAGS)
tests_unit_test_vtysh_shell_LDADD = vtysh/libvtysh.a conf/libconf.a lib/libipip.a $(LIBYANG_LIBS) \
	$(JSONC_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_render_rib
TESTS += tests/unit/test_render_rib
tests_unit_test_render_rib_SOURCES = tests/unit/test_render_rib.c
tests_unit_test_render_rib_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_render_rib_LDADD = vtysh/libvtysh.a lib/libipip.a $(JSONC_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_render_fwd
TESTS += tests/unit/test_render_fwd
tests_unit_test_render_fwd_SOURCES = tests/unit/test_render_fwd.c
tests_unit_test_render_fwd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_render_fwd_LDADD = vtysh/libvtysh.a lib/libipip.a $(JSONC_LIBS) $(UNIT_LIBS)
