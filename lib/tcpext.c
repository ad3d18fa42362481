/*
 * lib/tcpext.c - read the TCP MD5 drop counters from /proc/net/netstat.
 * The file is pairs of lines, "Group: name name ..." then "Group: value
 * value ..."; only TcpExt is read, every token bounded by the buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "lib/tcpext.h"

struct span {
	const char	*p, *end;
};

/* The next line of s (without its newline); false at the end. */
static bool
span_line(struct span *s, struct span *line)
{
	const char *nl;

	if (s->p >= s->end)
		return false;
	nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
	line->p = s->p;
	line->end = nl ? nl : s->end;
	s->p = nl ? nl + 1 : s->end;
	return true;
}

/* The next space-separated token of line; false when none is left. */
static bool
span_token(struct span *line, struct span *tok)
{
	while (line->p < line->end && *line->p == ' ')
		line->p++;
	if (line->p >= line->end)
		return false;
	tok->p = line->p;
	while (line->p < line->end && *line->p != ' ')
		line->p++;
	tok->end = line->p;
	return true;
}

static bool
span_is(const struct span *t, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(t->end - t->p) == n && memcmp(t->p, word, n) == 0;
}

static int
span_u64(const struct span *t, uint64_t *v)
{
	uint64_t x = 0;

	if (t->p == t->end || t->end - t->p > 20)
		return -EINVAL;
	for (const char *c = t->p; c < t->end; c++) {
		if (*c < '0' || *c > '9' || x > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*c - '0');
	}
	*v = x;
	return 0;
}

static uint64_t *
md5_field(struct tcp_md5_stats *st, const struct span *name)
{
	if (span_is(name, "TCPMD5Failure"))
		return &st->failure;
	if (span_is(name, "TCPMD5NotFound"))
		return &st->not_found;
	if (span_is(name, "TCPMD5Unexpected"))
		return &st->unexpected;
	return NULL;
}

/* names and values are the two TcpExt lines, past their "TcpExt:". */
static int
md5_pair(struct span names, struct span values, struct tcp_md5_stats *st)
{
	struct span name, value;
	uint64_t v, *field;

	while (span_token(&values, &value)) {
		if (!span_token(&names, &name) || span_u64(&value, &v) < 0)
			return -EINVAL;
		if ((field = md5_field(st, &name)) != NULL)
			*field = v;
	}
	return 0;
}

int
tcp_md5_stats_parse(const char *text, size_t n, struct tcp_md5_stats *st)
{
	struct span s = { text, text + n }, names, values, tag;

	*st = (struct tcp_md5_stats){ 0 };
	while (span_line(&s, &names)) {
		if (!span_token(&names, &tag) || !span_is(&tag, "TcpExt:"))
			continue;
		if (!span_line(&s, &values) || !span_token(&values, &tag) ||
		    !span_is(&tag, "TcpExt:"))
			return -EINVAL;
		return md5_pair(names, values, st);
	}
	return -EINVAL;
}

int
tcp_md5_stats_read(struct tcp_md5_stats *st)
{
	char buf[16384];
	size_t n = 0;
	ssize_t r = 0;
	int fd = open("/proc/net/netstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	r = r < 0 ? -errno : 0;
	close(fd);
	return r < 0 ? (int)r : tcp_md5_stats_parse(buf, n, st);
}
