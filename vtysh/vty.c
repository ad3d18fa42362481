/*
 * vtysh/vty.c - running one command line against the command table.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/compiler.h"
#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/render.h"
#include "vtysh/vty.h"

static void PRINTF_LIKE(2, 0)
say(struct vty *v, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(v->out);
	fprintf(stderr, "%% %s\n", msg);
	if (v->json && v->json_msg[0] == '\0')		/* cut, if need be, as text */
		snprintf(v->json_msg, sizeof(v->json_msg), "%.*s", (int)sizeof(v->json_msg) - 1,
		    msg);
}

int
vty_error(struct vty *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(v, fmt, ap);
	va_end(ap);
	return -1;
}

int
vty_error_json(struct vty *v, const char *json, const char *fmt, ...)
{
	va_list ap;

	if (v->json && v->json_fail == NULL)
		v->json_fail = json;
	va_start(ap, fmt);
	say(v, fmt, ap);
	va_end(ap);
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

bool
vty_unreachable(const struct vty *v)
{
	return v->unreachable || ctl_client_lost(v->cl);
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

/* The words ask for JSON: a "json" token, or json picked in a choice ("json|xml"). */
static bool
wants_json(const struct cmd_args *a)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i].token, "json") == 0 || strcmp(a->v[i].word, "json") == 0)
			return true;
	return false;
}

/*
 * A json command that fails says why on stderr, as any other, and prints
 * JSON on stdout: FRR's answer where it has one, else {"warning": why}.
 * The exit status stays 1, so scripts see the failure either way.
 */
int
vty_run_def(struct vty *v, const struct cmd_def *def, const struct cmd_args *args)
{
	json_object *o;
	int rv;

	v->json = wants_json(args);
	v->json_fail = NULL;
	v->json_msg[0] = '\0';
	rv = def->run(v, args);
	if (rv < 0 && v->json && v->json_fail != NULL) {
		fprintf(v->out, "%s\n", v->json_fail);
	} else if (rv < 0 && v->json) {
		o = json_object_new_object();
		if (v->json_msg[0] != '\0')
			json_object_object_add(o, "warning", json_object_new_string(v->json_msg));
		render_json_print(v->out, o);
	}
	v->json = false;
	return rv;
}

int
vty_run_words(struct vty *v, const char *line, char **words, int n)
{
	const struct cmd_def *def;
	struct cmd_args args;

	switch (cmd_lookup(vtysh_commands, vtysh_ncommands, words, n, &def, &args)) {
	case CMD_OK:
		return vty_run_def(v, def, &args);
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
