/*
 * tests/fuzz/fuzz_nl_link.c - libFuzzer target: rtnetlink link (RTM_NEWLINK/DELLINK),
 * through rtnl_link_parse (see fuzz_nl.h).
 */
#include "tests/fuzz/fuzz_nl.h"

FUZZ_NL_TARGET(rtnl_link, rtnl_link_parse)
