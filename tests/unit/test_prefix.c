/*
 * tests/unit/test_prefix.c - strict parsing and containment of IPv4 prefixes.
 */
#include <errno.h>
#include <string.h>

#include "lib/prefix.h"
#include "tests/unit/unit.h"

static const struct {
	const char	*in;
	int		 rv;		/* strict */
	int		 rv_norm;	/* normalize */
	const char	*out;		/* normalized form */
} vectors[] = {
	{ "10.0.0.0/8", 0, 0, "10.0.0.0/8" },
	{ "0.0.0.0/0", 0, 0, "0.0.0.0/0" },
	{ "192.0.2.1/32", 0, 0, "192.0.2.1/32" },
	{ "255.255.255.255/32", 0, 0, "255.255.255.255/32" },
	{ "10.1.0.1/16", -EINVAL, 0, "10.1.0.0/16" },	/* host bits */
	{ "10.0.0.0/33", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0/", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0", -EINVAL, -EINVAL, NULL },
	{ "/8", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0/08x", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0/-1", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0/100", -EINVAL, -EINVAL, NULL },
	{ "256.0.0.0/8", -EINVAL, -EINVAL, NULL },
	{ "10.0.0/8", -EINVAL, -EINVAL, NULL },
	{ "10.0.0.0.0/8", -EINVAL, -EINVAL, NULL },
	{ "1111111111111111111111/8", -EINVAL, -EINVAL, NULL },
	{ "", -EINVAL, -EINVAL, NULL },
};

START_TEST(parse_vectors)
{
	char buf[PREFIX_STRLEN];
	struct prefix p;

	for (size_t i = 0; i < UNIT_COUNT(vectors); i++) {
		ck_assert_msg(prefix_parse(vectors[i].in, &p, false) == vectors[i].rv,
		    "strict %s", vectors[i].in);
		ck_assert_msg(prefix_parse(vectors[i].in, &p, true) == vectors[i].rv_norm,
		    "normalize %s", vectors[i].in);
		if (vectors[i].out)
			ck_assert_str_eq(prefix_fmt(&p, buf), vectors[i].out);
	}
}
END_TEST

START_TEST(address_round_trip)
{
	char buf[ADDR_STRLEN];
	uint32_t a;

	ck_assert_int_eq(addr_parse("192.0.2.255", &a), 0);
	ck_assert_uint_eq(a, 0xc00002ff);
	ck_assert_str_eq(addr_fmt(a, buf), "192.0.2.255");
	ck_assert_str_eq(addr_fmt(0xffffffff, buf), "255.255.255.255");
	ck_assert_int_eq(addr_parse("192.0.2", &a), -EINVAL);
	ck_assert_int_eq(addr_parse("192.0.2.1 ", &a), -EINVAL);
	ck_assert_uint_eq(addr_from_in(addr_to_in(0x0a000001)), 0x0a000001);
}
END_TEST

START_TEST(containment)
{
	struct prefix p8, p16, other, all;

	ck_assert_int_eq(prefix_parse("10.0.0.0/8", &p8, false), 0);
	ck_assert_int_eq(prefix_parse("10.1.0.0/16", &p16, false), 0);
	ck_assert_int_eq(prefix_parse("11.0.0.0/8", &other, false), 0);
	ck_assert_int_eq(prefix_parse("0.0.0.0/0", &all, false), 0);
	ck_assert(prefix_contains(&p8, &p16));
	ck_assert(!prefix_contains(&p16, &p8));
	ck_assert(prefix_contains(&p8, &p8));
	ck_assert(!prefix_contains(&p8, &other));
	ck_assert(prefix_contains(&all, &other));
	ck_assert(prefix_has_addr(&p16, 0x0a01ffff));
	ck_assert(!prefix_has_addr(&p16, 0x0a020000));
	ck_assert(prefix_has_addr(&all, 0xffffffff));
	ck_assert_int_lt(prefix_cmp(&p8, &p16), 0);
	ck_assert_int_lt(prefix_cmp(&all, &p8), 0);
	ck_assert_int_eq(prefix_cmp(&p8, &p8), 0);
	ck_assert_uint_eq(prefix_mask(0), 0);
	ck_assert_uint_eq(prefix_mask(32), 0xffffffff);
	ck_assert_uint_eq(prefix_mask(1), 0x80000000);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = { parse_vectors, address_round_trip, containment };

	return unit_run("prefix", tests, UNIT_COUNT(tests));
}
