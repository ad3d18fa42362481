#!/bin/bash
# bench/dut/ipip-bgpd.sh - PLACEHOLDER adapter for ipip-bgpd as the device
# under test. The speaker has not landed yet, so this adapter only exits 77
# (skipped) and fib_bench.sh reports no figure for it: it is not a result.
# When the speaker lands, fill it like bird.sh: start (write BN_DIR/pids,
# return once the daemon answers on its control socket, passive peers
# BN_PEERS of AS BN_PEER_AS, maximum-paths 2), stop, proto (its route
# protocol number).
echo "ipip-bgpd: not yet: the speaker has not landed" >&2
exit 77
