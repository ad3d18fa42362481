# tests/vm: real-kernel tests. Debian's own kernel boots under qemu with the
# host's / shared read-only, so the just-built binaries run inside (doc/testing-vm.md).
#   make check-vm    builds, then runs tests/vm/suite-ipip.sh in one boot (~25 s)
EXTRA_DIST += tests/vm/vm-run tests/vm/suite-ipip.sh

check-vm: all
	IPIP_BUILD=$(abs_top_builddir) $(abs_top_srcdir)/tests/vm/vm-run $(abs_top_srcdir)/tests/vm/suite-ipip.sh
.PHONY: check-vm
