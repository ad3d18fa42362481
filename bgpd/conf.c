/*
 * bgpd/conf.c - the daemon-wide part of the FRR-style config file.
 *
 *	! comment			(also '#')
 *	hostname NAME
 *	log stdout|syslog [LEVEL]	LEVEL as FRR names it: debugging, informational, ...
 *
 * Nothing here touches the running daemon: the caller applies *out.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "bgpd/conf.h"
#include "bgpd/conf_bgp.h"
#include "lib/log.h"

#define CONF_MAX_WORDS	8

struct conf_line {
	const char	*file;
	unsigned	 lineno;
	int		 argc;
	char		*argv[CONF_MAX_WORDS];
};

/* Split a line into words in place; -1 if it has too many. */
static int
conf_split(char *s, struct conf_line *l)
{
	char *save = NULL, *w;

	l->argc = 0;
	for (w = strtok_r(s, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (l->argc == CONF_MAX_WORDS)
			return -1;
		l->argv[l->argc++] = w;
	}
	return 0;
}

static bool
hostname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
			return false;
	return true;
}

static int
conf_hostname(const struct conf_line *l, struct bgpd_conf *c)
{
	if (l->argc != 2 || !hostname_valid(l->argv[1])) {
		log_err("%s:%u: hostname: expected one name of letters, digits, '-', '.', '_' (at most 63)",
		    l->file, l->lineno);
		return -1;
	}
	snprintf(c->hostname, sizeof(c->hostname), "%s", l->argv[1]);
	return 0;
}

static int
conf_log(const struct conf_line *l, struct bgpd_conf *c)
{
	int level = LOG_DEBUG;

	if (l->argc < 2 || l->argc > 3 ||
	    (strcmp(l->argv[1], "stdout") != 0 && strcmp(l->argv[1], "syslog") != 0)) {
		log_err("%s:%u: log: expected 'log stdout|syslog [LEVEL]'", l->file, l->lineno);
		return -1;
	}
	if (l->argc == 3 && (level = log_level_parse(l->argv[2])) < 0) {
		log_err("%s:%u: log: unknown level '%s' (debugging, informational, notifications, warnings, errors, ...)",
		    l->file, l->lineno, l->argv[2]);
		return -1;
	}
	c->log_level = level;
	c->log_syslog = strcmp(l->argv[1], "syslog") == 0;
	return 0;
}

static const struct {
	const char *word;
	int (*fn)(const struct conf_line *, struct bgpd_conf *);
} conf_statements[] = {
	{ "hostname", conf_hostname },
	{ "log", conf_log },
};

static int
conf_statement(const struct conf_line *l, struct bgpd_conf *c)
{
	int rv;

	for (size_t i = 0; i < ARRAY_SIZE(conf_statements); i++)
		if (strcmp(l->argv[0], conf_statements[i].word) == 0)
			return conf_statements[i].fn(l, c);
	if ((rv = conf_bgp_line(l->file, l->lineno, l->argc, l->argv, &c->bgp)) != CONF_BGP_NOT_MINE)
		return rv;
	log_err("%s:%u: unknown statement '%s'", l->file, l->lineno, l->argv[0]);
	return -1;
}

int
conf_load_stream(FILE *f, const char *name, struct bgpd_conf *out)
{
	struct bgpd_conf c = { .log_level = -1 };
	struct conf_line l = { .file = name };
	char buf[1024];
	int errors = 0;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		l.lineno++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			log_err("%s:%u: line longer than %zu bytes", name, l.lineno, sizeof(buf) - 2);
			errors++;
			while (fgets(buf, sizeof(buf), f) != NULL && strchr(buf, '\n') == NULL)
				;
			continue;
		}
		if (conf_split(buf, &l) < 0) {
			log_err("%s:%u: too many words", name, l.lineno);
			errors++;
			continue;
		}
		if (l.argc == 0 || l.argv[0][0] == '!' || l.argv[0][0] == '#')
			continue;
		if (conf_statement(&l, &c) < 0)
			errors++;
	}
	if (ferror(f)) {
		log_err("%s: read error", name);
		errors++;
	}
	if (errors > 0)
		return -1;
	*out = c;
	return 0;
}

int
conf_load(const char *path, struct bgpd_conf *out)
{
	FILE *f;
	int rv;

	if ((f = fopen(path, "r")) == NULL) {
		log_err("cannot open config file %s: %s", path, strerror(errno));
		return -1;
	}
	rv = conf_load_stream(f, path, out);
	fclose(f);
	return rv;
}
