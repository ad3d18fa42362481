/*
 * tests/fuzz/fuzz_conf.c - libFuzzer target: configuration text, as a file
 * or as the shell's CTL_CONFIG payload reaches the daemon. Whatever parses
 * and validates must print back as text that parses to the same text again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ly_ctx *ctx;

static void
ignore(void *arg, const char *where, unsigned line, const char *path, const char *msg)
{
}

/* Text -> tree -> text; NULL when the text is refused. */
static char *
round_trip(const char *text, size_t len)
{
	FILE *in = fmemopen((void *)text, len, "r"), *out;
	struct lyd_node *t = NULL;
	char *buf = NULL;
	size_t blen = 0;

	if (in == NULL)
		return NULL;
	if (conf_load_stream(ctx, in, "fuzz.conf", &t, ignore, NULL) == 0 &&
	    (out = open_memstream(&buf, &blen)) != NULL) {
		if (conf_print(t, CONF_FMT_TEXT, out) < 0)
			abort();
		fclose(out);
	}
	fclose(in);
	lyd_free_all(t);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice;

	if (ctx == NULL && (ctx = conf_ctx_new()) == NULL)
		abort();
	if (size == 0 || (once = round_trip((const char *)data, size)) == NULL)
		return 0;
	twice = round_trip(once, strlen(once));
	if (twice == NULL || strcmp(once, twice) != 0)
		abort();		/* what we print must read back the same */
	free(once);
	free(twice);
	return 0;
}
