/*
 * tests/unit/test_tunnel_name.c - point-to-point device names fit IFNAMSIZ,
 * decode back to their endpoints, never collide, and decoding refuses
 * anything encode would not make; the ownership alias round-trips strictly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/tunnel.h"
#include "tests/unit/unit.h"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

START_TEST(name_decodes_back_to_both_endpoints)
{
	static const char *const pairs[][2] = {
		{ "198.51.100.1", "198.51.100.2" }, { "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" }, { "10.0.0.1", "255.0.0.0" },
	};
	char name[IFNAMSIZ];
	struct in_addr l, r;

	for (size_t i = 0; i < UNIT_COUNT(pairs); i++) {
		ck_assert_int_eq(tunnel_name_encode("ip", ip(pairs[i][0]), ip(pairs[i][1]), name), 0);
		ck_assert_uint_eq(strlen(name), IFNAMSIZ - 1);
		ck_assert_int_eq(tunnel_name_decode("ip", name, &l, &r), 0);
		ck_assert_uint_eq(l.s_addr, ip(pairs[i][0]).s_addr);
		ck_assert_uint_eq(r.s_addr, ip(pairs[i][1]).s_addr);
	}
}
END_TEST

START_TEST(name_is_deterministic_and_documented)
{
	char name[IFNAMSIZ];

	/* doc/tunnels.md's example: 0xc6336401c6336402 in base32hex. */
	ck_assert_int_eq(tunnel_name_encode("ip", ip("198.51.100.1"), ip("198.51.100.2"), name), 0);
	ck_assert_str_eq(name, "ipcccr407336p02");
	ck_assert_int_eq(tunnel_name_encode("", ip("0.0.0.0"), ip("0.0.0.1"), name), 0);
	ck_assert_str_eq(name, "0000000000001");
}
END_TEST

/* Pairs differing in one bit anywhere, or swapped, get distinct names. */
START_TEST(distinct_pairs_never_share_a_name)
{
	char base[IFNAMSIZ], other[IFNAMSIZ];
	struct in_addr l = ip("198.51.100.1"), r = ip("203.0.113.7"), l2, r2;

	ck_assert_int_eq(tunnel_name_encode("ip", l, r, base), 0);
	for (int bit = 0; bit < 64; bit++) {
		l2 = l, r2 = r;
		if (bit < 32)
			l2.s_addr ^= htonl(1u << bit);
		else
			r2.s_addr ^= htonl(1u << (bit - 32));
		ck_assert_int_eq(tunnel_name_encode("ip", l2, r2, other), 0);
		ck_assert_str_ne(base, other);
	}
	ck_assert_int_eq(tunnel_name_encode("ip", r, l, other), 0);
	ck_assert_str_ne(base, other);
}
END_TEST

START_TEST(many_random_pairs_have_unique_names)
{
	enum { N = 4096 };
	char (*names)[IFNAMSIZ] = calloc(N, IFNAMSIZ);
	struct in_addr l, r, l2, r2;

	srandom(6);
	for (int i = 0; i < N; i++) {
		l.s_addr = (uint32_t)random();
		r.s_addr = i % 2 ? l.s_addr : (uint32_t)random();	/* same remote, many locals too */
		ck_assert_int_eq(tunnel_name_encode("ip", l, r, names[i]), 0);
		ck_assert_int_eq(tunnel_name_decode("ip", names[i], &l2, &r2), 0);
		ck_assert(l2.s_addr == l.s_addr && r2.s_addr == r.s_addr);
	}
	qsort(names, N, IFNAMSIZ, (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < N; i++)
		ck_assert_str_ne(names[i - 1], names[i]);
	free(names);
}
END_TEST

START_TEST(decode_refuses_names_encode_would_not_make)
{
	static const char *const bad[] = {
		"ipcccr407336p0",	/* short */
		"ipcccr407336p022",	/* long */
		"xxcccr407336p02",	/* other prefix */
		"ipCCCR407336P02",	/* upper case */
		"ipcccr407336w02",	/* 'w' is not base32hex */
		"ipvccr407336p02",	/* 65th bit set */
		"ipcccr40-336p02", "eth0", "", "ip",
	};
	struct in_addr l, r;

	for (size_t i = 0; i < UNIT_COUNT(bad); i++)
		ck_assert_msg(tunnel_name_decode("ip", bad[i], &l, &r) == -EINVAL, "%s", bad[i]);
}
END_TEST

START_TEST(prefix_longer_than_two_or_with_slash_is_refused)
{
	char name[IFNAMSIZ];
	struct in_addr a = ip("10.0.0.1"), l, r;

	ck_assert_int_eq(tunnel_name_encode("ipx", a, a, name), -EINVAL);
	ck_assert_int_eq(tunnel_name_encode("i/", a, a, name), -EINVAL);
	ck_assert_int_eq(tunnel_name_decode("ipx", "ipx0000000000000", &l, &r), -EINVAL);
}
END_TEST

START_TEST(alias_round_trips_and_is_strict)
{
	static const char *const bad[] = {
		"ipip-bgpd local 10.0.0.1 remote 10.0.0.2 ",
		"ipip-bgpd local 10.0.0.1 remote 10.0.0.2x",
		"ipip-bgpd local 10.0.0.01 remote 10.0.0.2",
		"ipip-bgpd local 10.0.0.1 remote",
		"ipip-bgpd  local 10.0.0.1 remote 10.0.0.2",
		"my tunnel", "",
	};
	char buf[TUNNEL_ALIAS_MAX];
	struct in_addr l, r;

	ck_assert_int_eq(tunnel_alias_format(ip("10.0.0.1"), ip("10.0.0.2"), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ipip-bgpd local 10.0.0.1 remote 10.0.0.2");
	ck_assert_int_eq(tunnel_alias_parse(buf, &l, &r), 0);
	ck_assert_uint_eq(l.s_addr, ip("10.0.0.1").s_addr);
	ck_assert_uint_eq(r.s_addr, ip("10.0.0.2").s_addr);
	for (size_t i = 0; i < UNIT_COUNT(bad); i++)
		ck_assert_msg(tunnel_alias_parse(bad[i], &l, &r) == -EINVAL, "%s", bad[i]);
	ck_assert_int_eq(tunnel_alias_format(l, r, buf, 10), -ENOSPC);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		name_decodes_back_to_both_endpoints,
		name_is_deterministic_and_documented,
		distinct_pairs_never_share_a_name,
		many_random_pairs_have_unique_names,
		decode_refuses_names_encode_would_not_make,
		prefix_longer_than_two_or_with_slash_is_refused,
		alias_round_trips_and_is_strict,
	};

	return unit_run("tunnel_name", tests, UNIT_COUNT(tests));
}
