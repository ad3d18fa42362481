/*
 * tests/unit/unit.c - shared runner for the Check unit tests.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"

int
unit_run(const char *suite, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(suite);
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

void *
unit_heap(const void *src, size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	if (n)
		memcpy(p, src, n);
	return p;
}

unsigned
unit_csum16(const unsigned char *p, size_t n)
{
	unsigned long sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (unsigned long)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}
