/*
 * tests/fuzz/fuzz_nl_nexthop.c - libFuzzer target: rtnetlink nexthop (RTM_NEWNEXTHOP, NHA_GROUP arrays, resilient groups),
 * through rtnl_nexthop_parse (see fuzz_nl.h).
 */
#include "tests/fuzz/fuzz_nl.h"

FUZZ_NL_TARGET(rtnl_nexthop, rtnl_nexthop_parse)
