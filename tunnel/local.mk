# tunnel/: ipip devices and the user-space dataplane (issue 6). Depends on lib/ only.
noinst_LIBRARIES += tunnel/libtunnel.a
tunnel_libtunnel_a_SOURCES = \
	tunnel/tunnel.h tunnel/driver.h tunnel/ipip.h tunnel/link.h tunnel/gro.h tunnel/gso.h tunnel/csum.h \
	tunnel/host.h \
	tunnel/mgr.c tunnel/name.c tunnel/ipip.c tunnel/link.c tunnel/uspace.c tunnel/gro.c tunnel/gso.c \
	tunnel/kernel.c tunnel/fw.c tunnel/ecmp.c tunnel/icmp.h tunnel/icmp.c tunnel/tun.h tunnel/tun.c \
	tunnel/bpfdrv.c tunnel/bpf/ipip_bpf.h tunnel/bpf/ipip_ecn.h
tunnel_libtunnel_a_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBNFTABLES_CFLAGS) \
	$(LIBBPF_CFLAGS)
TUNNEL_LIBS = tunnel/libtunnel.a

# What a program linking tunnel/ needs besides TUNNEL_LIBS.
TUNNEL_DEPLIBS = lib/libipip.a $(LIBEVENT_LIBS) $(LIBMNL_LIBS) $(LIBNFTABLES_LIBS) $(LIBBPF_LIBS)

# The bpf driver's programs: compiled for the BPF target, embedded as an
# array (tunnel/bpf/ipip_bpf_obj.c) that bpfdrv.c hands to libbpf.
EXTRA_DIST += tunnel/bpf/ipip.bpf.c
if BPF
nodist_tunnel_libtunnel_a_SOURCES = tunnel/bpf/ipip_bpf_obj.c
CLEANFILES += tunnel/bpf/ipip.bpf.o tunnel/bpf/ipip_bpf_obj.c
tunnel/bpf/ipip.bpf.o: $(top_srcdir)/tunnel/bpf/ipip.bpf.c $(top_srcdir)/tunnel/bpf/ipip_bpf.h \
		$(top_srcdir)/tunnel/bpf/ipip_ecn.h
	@$(MKDIR_P) tunnel/bpf
	$(AM_V_GEN)$(BPF_CLANG) -O2 -g -Wall -Werror -target bpf -I/usr/include/$(BPF_MULTIARCH) \
		$(LIBBPF_CFLAGS) -c $(top_srcdir)/tunnel/bpf/ipip.bpf.c -o $@
tunnel/bpf/ipip_bpf_obj.c: tunnel/bpf/ipip.bpf.o
	$(AM_V_GEN){ echo '/* generated from tunnel/bpf/ipip.bpf.c: do not edit */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const unsigned char ipip_bpf_obj[]; extern const size_t ipip_bpf_obj_len;'; \
	  echo 'const unsigned char ipip_bpf_obj[] = {'; \
	  od -An -v -tx1 tunnel/bpf/ipip.bpf.o | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; echo 'const size_t ipip_bpf_obj_len = sizeof(ipip_bpf_obj);'; } >$@.tmp && mv $@.tmp $@

check_PROGRAMS += tests/unit/test_tunnel_bpf
TESTS += tests/unit/test_tunnel_bpf
tests_unit_test_tunnel_bpf_SOURCES = tests/unit/test_tunnel_bpf.c
tests_unit_test_tunnel_bpf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBBPF_CFLAGS)
tests_unit_test_tunnel_bpf_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)
endif

check_PROGRAMS += tests/unit/test_tunnel_name tests/unit/test_tunnel_decap tests/unit/test_tunnel_gro \
	tests/unit/test_tunnel_gso tests/unit/test_tunnel_iptun
TESTS += tests/unit/test_tunnel_name tests/unit/test_tunnel_decap tests/unit/test_tunnel_gro \
	tests/unit/test_tunnel_gso tests/unit/test_tunnel_iptun
tests_unit_test_tunnel_name_SOURCES = tests/unit/test_tunnel_name.c
tests_unit_test_tunnel_name_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tunnel_name_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)
tests_unit_test_tunnel_decap_SOURCES = tests/unit/test_tunnel_decap.c
tests_unit_test_tunnel_decap_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tunnel_decap_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)
tests_unit_test_tunnel_gro_SOURCES = tests/unit/test_tunnel_gro.c
tests_unit_test_tunnel_gro_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tunnel_gro_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)
tests_unit_test_tunnel_gso_SOURCES = tests/unit/test_tunnel_gso.c
tests_unit_test_tunnel_gso_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tunnel_gso_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_tunnel_icmp
TESTS += tests/unit/test_tunnel_icmp
tests_unit_test_tunnel_icmp_SOURCES = tests/unit/test_tunnel_icmp.c
tests_unit_test_tunnel_icmp_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_tunnel_icmp_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)

tests_unit_test_tunnel_iptun_SOURCES = tests/unit/test_tunnel_iptun.c
tests_unit_test_tunnel_iptun_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBMNL_CFLAGS)
tests_unit_test_tunnel_iptun_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS) $(UNIT_LIBS)

# The netns tests drive a tunnel manager through this program (stdin commands).
check_PROGRAMS += tests/netns/tunctl
tests_netns_tunctl_SOURCES = tests/netns/tunctl.c
tests_netns_tunctl_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)
tests_netns_tunctl_LDADD = $(TUNNEL_LIBS) $(TUNNEL_DEPLIBS)

FUZZ_TARGETS += tests/fuzz/fuzz_ipip_decap
tests_fuzz_fuzz_ipip_decap_SOURCES = tests/fuzz/fuzz_ipip_decap.c
tests_fuzz_fuzz_ipip_decap_LDADD = $(TUNNEL_LIBS) lib/libipip.a
tests_fuzz_fuzz_ipip_decap_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

FUZZ_TARGETS += tests/fuzz/fuzz_tun_gso
tests_fuzz_fuzz_tun_gso_SOURCES = tests/fuzz/fuzz_tun_gso.c
tests_fuzz_fuzz_tun_gso_LDADD = $(TUNNEL_LIBS) lib/libipip.a
tests_fuzz_fuzz_tun_gso_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

FUZZ_TARGETS += tests/fuzz/fuzz_nl_iptun
tests_fuzz_fuzz_nl_iptun_SOURCES = tests/fuzz/fuzz_nl_iptun.c
tests_fuzz_fuzz_nl_iptun_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
tests_fuzz_fuzz_nl_iptun_LDADD = $(TUNNEL_LIBS) lib/libipip.a $(LIBMNL_LIBS)
tests_fuzz_fuzz_nl_iptun_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
