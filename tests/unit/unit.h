/*
 * tests/unit/unit.h - shared runner for the Check unit tests.
 */
#ifndef IPIP_TESTS_UNIT_H
#define IPIP_TESTS_UNIT_H

#include <check.h>
#include <stddef.h>

#define UNIT_COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* Run the tests as one suite; exit status 0 when all passed. */
int	unit_run(const char *suite, const TTest *const *tests, size_t n);
/* A heap copy of exactly n bytes, so ASan catches any read past them. */
void	*unit_heap(const void *src, size_t n);
/* The Internet checksum of n (even) bytes, computed plainly: 0 over a header whose own is right. */
unsigned unit_csum16(const unsigned char *p, size_t n);

/* Send log lines into buf (zeroed, always NUL-terminated) until unit_log_end(). */
void	unit_log_begin(char *buf, size_t len);
/* Back to stderr at LOG_INFO. */
void	unit_log_end(void);

#endif
