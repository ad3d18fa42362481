/*
 * tests/unit/unit_log.c - capture the daemon's log lines in a test, to assert
 * what an operator would read. Its own object in libunit.a, so only tests
 * that use it need lib/log.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "tests/unit/unit.h"

static FILE *unit_log;		/* the capture stream between begin and end */

void
unit_log_begin(char *buf, size_t len)
{
	memset(buf, 0, len);
	if ((unit_log = fmemopen(buf, len - 1, "w")) == NULL)
		abort();
	log_init(unit_log, "test", LOG_DEBUG);
}

void
unit_log_end(void)
{
	log_init(stderr, "test", LOG_INFO);
	fclose(unit_log);
	unit_log = NULL;
}
