/*
 * vtysh/vty.c - running one command line against the command table.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/vty.h"

int
vty_error(struct vty *v, const char *fmt, ...)
{
	va_list ap;

	fflush(v->out);
	fputs("% ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int
vty_connect(struct vty *v)
{
	char why[256];

	if (v->cl != NULL)
		return 0;
	if (ctl_client_connect(v->sock, &v->cl, why, sizeof(why)) < 0) {
		v->unreachable = true;
		return vty_error(v, "%s", why);
	}
	return 0;
}

int
vty_connect_quiet(struct vty *v)
{
	char why[256];

	if (v->cl != NULL)
		return 0;
	return ctl_client_connect(v->sock, &v->cl, why, sizeof(why)) < 0 ? -1 : 0;
}

struct one_rec {
	void	*rec;
	size_t	 size;
	int	 n;
};

static int
take_one(const struct ctl_frame *f, void *arg)
{
	struct one_rec *o = arg;

	if (o->n++ > 0)
		return -1;
	return ctl_record_get(f, o->rec, o->size) < 0 ? -1 : 0;
}

int
vty_request_one(struct vty *v, uint16_t type, void *rec, size_t size)
{
	return vty_request_one_with(v, type, NULL, 0, rec, size);
}

int
vty_request_one_with(struct vty *v, uint16_t type, const void *req, size_t len, void *rec,
    size_t size)
{
	struct one_rec o = { rec, size, 0 };
	char err[256];

	if (vty_connect(v) < 0)
		return -1;
	if (ctl_client_request(v->cl, type, req, len, take_one, &o, err, sizeof(err)) < 0)
		return vty_error(v, "%s", err);
	if (o.n != 1)
		return vty_error(v, "the daemon sent no answer");
	return 0;
}

int
vty_run_words(struct vty *v, const char *line, char **words, int n)
{
	const struct cmd_def *def;
	struct cmd_args args;

	switch (cmd_lookup(vtysh_commands, vtysh_ncommands, words, n, &def, &args)) {
	case CMD_OK:
		return def->run(v, &args);
	case CMD_AMBIGUOUS:
		return vty_error(v, "Ambiguous command: %s", line);
	case CMD_INCOMPLETE:
		return vty_error(v, "Command incomplete: %s", line);
	default:
		return vty_error(v, "Unknown command: %s", line);
	}
}

int
vty_execute(struct vty *v, const char *line)
{
	char *buf, *words[CMD_MAX_WORDS];
	int n, rv = -1;

	if ((buf = strdup(line)) == NULL)
		return vty_error(v, "out of memory");
	if ((n = cmd_split(buf, words, CMD_MAX_WORDS)) < 0)
		vty_error(v, "Too many words: %s", line);
	else if (n == 0 || words[0][0] == '!' || words[0][0] == '#')
		rv = 0;
	else if (v->config)
		rv = vty_config_execute(v, line, words, n);
	else
		rv = vty_run_words(v, line, words, n);
	free(buf);
	fflush(v->out);
	return rv;
}
