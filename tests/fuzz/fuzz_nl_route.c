/*
 * tests/fuzz/fuzz_nl_route.c - libFuzzer target: rtnetlink route (RTM_NEWROUTE/DELROUTE, RTA_MULTIPATH, RTA_METRICS),
 * through rtnl_route_parse (see fuzz_nl.h).
 */
#include "tests/fuzz/fuzz_nl.h"

FUZZ_NL_TARGET(rtnl_route, rtnl_route_parse)
