# tests/vm: real-kernel tests. Debian's own kernel boots under qemu with the
# host's / shared read-only, so the just-built binaries run inside (doc/testing-vm.md).
#   make check-vm    builds, then runs each tests/vm/suite-*.sh in its own boot
EXTRA_DIST += tests/vm

check-vm: all
	@st=0; for s in $(abs_top_srcdir)/tests/vm/suite-*.sh; do \
		IPIP_BUILD=$(abs_top_builddir) $(abs_top_srcdir)/tests/vm/vm-run "$$s" || st=1; \
	done; exit $$st
.PHONY: check-vm
