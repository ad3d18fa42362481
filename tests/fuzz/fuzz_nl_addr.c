/*
 * tests/fuzz/fuzz_nl_addr.c - libFuzzer target: rtnetlink address (RTM_NEWADDR/DELADDR),
 * through rtnl_addr_parse (see fuzz_nl.h).
 */
#include "tests/fuzz/fuzz_nl.h"

FUZZ_NL_TARGET(rtnl_addr, rtnl_addr_parse)
