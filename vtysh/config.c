/*
 * vtysh/config.c - the shell's configuration commands: 'configure terminal'
 * and its blocks, 'show running-config [json|xml]', 'reload', 'write
 * memory', and -f FILE. Config lines go to the daemon as text (with the
 * lines that opened the current blocks) and take its one path: parse,
 * validate, diff, apply. The grammar table (conf/) gives the modes here and
 * completion in main.c, so they agree with the daemon's parser.
 */
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/vty.h"

struct text_acc {
	char	*buf;
	size_t	 len;
	FILE	*f;
};

static int
take_text(const struct ctl_frame *f, void *arg)
{
	struct text_acc *t = arg;
	struct ctl_text *rec = malloc(sizeof(*rec));
	int rv = -1;

	if (rec != NULL && ctl_record_get(f, rec, sizeof(*rec)) == 0 && rec->len <= CTL_TEXT_MAX) {
		fwrite(rec->text, 1, rec->len, t->f);
		rv = 0;
	}
	free(rec);
	return rv;
}

int
vty_request_text(struct vty *v, uint16_t type, const char *payload, size_t len, char **out,
    char *err, size_t errlen)
{
	struct text_acc t = { 0 };
	int rv;

	*out = NULL;
	if (vty_connect(v) < 0)
		return -2;
	if ((t.f = open_memstream(&t.buf, &t.len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rv = ctl_client_request(v->cl, type, payload, len, take_text, &t, err, errlen);
	fclose(t.f);
	*out = t.buf;
	return rv;
}

static const char *
arg_format(const struct cmd_args *a)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i].word, "json") == 0 || strcmp(a->v[i].word, "xml") == 0)
			return a->v[i].word;
	return "text";
}

static void
vty_conf_err(void *arg, const char *where, unsigned line, const char *path, const char *msg)
{
	vty_error(arg, "%s: %s", path, msg);
}

int
vtysh_show_running(struct vty *v, const struct cmd_args *a)
{
	const char *fmt = arg_format(a);
	struct lyd_node *tree = NULL;
	char *json = NULL, err[256];
	int rv = -1;

	if ((rv = vty_request_text(v, CTL_SHOW_RUNNING, NULL, 0, &json, err, sizeof(err))) < 0) {
		free(json);
		return rv == -2 ? -1 : vty_error(v, "%s", err);
	}
	rv = -1;
	if (strcmp(fmt, "json") == 0) {
		fputs(json, v->out);
		rv = 0;
	} else if (v->yang == NULL && (v->yang = conf_ctx_new()) == NULL) {
		vty_error(v, "cannot load the YANG model");
	} else if (conf_parse_json(v->yang, json, &tree, vty_conf_err, v) == 0) {
		rv = conf_print(tree, strcmp(fmt, "xml") == 0 ? CONF_FMT_XML : CONF_FMT_TEXT, v->out);
	}
	lyd_free_all(tree);
	free(json);
	return rv;
}

/*
 * An error line of CTL_CONFIG: "line N: PATH: reason" names FILE:N when the
 * lines came from a file; typed lines carry their block's context lines, so
 * there N means nothing and only "PATH: reason" is shown.
 */
static void
vty_config_err_line(struct vty *v, const char *l, const char *file)
{
	unsigned n;
	int off = 0;

	if (sscanf(l, "line %u: %n", &n, &off) == 1 && off > 0)
		file != NULL ? vty_error(v, "%s:%u: %s", file, n, l + off) :
		    vty_error(v, "%s", l + off);
	else if (file != NULL)
		vty_error(v, "%s: %s", file, l);
	else
		vty_error(v, "%s", l);
}

/* Send lines (from file, or typed if NULL); print each error the daemon found. 0 when applied. */
int
vty_config_send(struct vty *v, const char *text, const char *file)
{
	char *errs = NULL, err[256], *save = NULL, *l;
	int rv = vty_request_text(v, CTL_CONFIG, text, strlen(text), &errs, err, sizeof(err));

	if (rv == -2)
		return -1;
	if (rv < 0) {
		for (l = errs ? strtok_r(errs, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
			vty_config_err_line(v, l, file);
		vty_error(v, "%s", err);
	}
	free(errs);
	return rv < 0 ? -1 : 0;
}

/* A request answered by text: printed when it succeeds; on failure each of its lines is an error. */
static int
vty_simple(struct vty *v, uint16_t type)
{
	char *text = NULL, err[256], *save = NULL, *l;
	int rv = vty_request_text(v, type, NULL, 0, &text, err, sizeof(err));

	if (rv == 0 && text && text[0]) {
		fprintf(v->out, "%s\n", text);
	} else if (rv == -1) {
		for (l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
			vty_error(v, "%s", l);
		vty_error(v, "%s", err);
	}
	free(text);
	return rv < 0 ? -1 : 0;
}

int
vtysh_reload(struct vty *v, const struct cmd_args *a)
{
	return vty_simple(v, CTL_RELOAD);
}

int
vtysh_graceful_restart(struct vty *v, const struct cmd_args *a)
{
	return vty_simple(v, CTL_GRACEFUL_RESTART);
}

int
vtysh_write(struct vty *v, const struct cmd_args *a)
{
	return vty_simple(v, CTL_WRITE);
}

int
vtysh_configure(struct vty *v, const struct cmd_args *a)
{
	v->config = true;
	v->depth = 0;
	v->frames[0].mode = CONF_MODE_TOP;
	return 0;
}

/* The context lines of frames 1..upto, then line. */
static char *
config_payload(const struct vty *v, int upto, const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	for (int i = 1; i <= upto; i++)
		fprintf(f, "%s\n", v->frames[i].line);
	fprintf(f, "%s\n", line);
	fclose(f);
	return buf;
}

/* exit, exit-address-family, end: 1 when line was one of them. */
static int
config_block_end(struct vty *v, char **w, int n)
{
	if (n != 1)
		return 0;
	if (strcmp(w[0], "end") == 0)
		v->config = false;
	else if (strcmp(w[0], "exit") == 0 || strcmp(w[0], "exit-address-family") == 0)
		v->depth > 0 ? v->depth-- : (v->config = false);
	else
		return 0;
	return 1;
}

/* Which open block takes the line (as the daemon's parser falls back). */
static int
config_frame_for(const struct vty *v, const char *line, int *mode)
{
	for (int i = v->depth; i >= 0; i--)
		if ((*mode = conf_line_mode(v->frames[i].mode, line)) >= 0)
			return i;
	return v->depth;	/* none: the daemon says why */
}

int
vty_config_execute(struct vty *v, const char *line, char **w, int n)
{
	const struct cmd_def *def;
	struct cmd_args args;
	char *payload;
	int i, mode = -1, rv;

	if (config_block_end(v, w, n))
		return 0;
	if (strcmp(w[0], "do") == 0 && n > 1)
		return vty_run_words(v, line, w + 1, n - 1);
	i = config_frame_for(v, line, &mode);
	if (mode < 0 && cmd_lookup(vtysh_commands, vtysh_ncommands, w, n, &def, &args) == CMD_OK)
		return vty_run_def(v, def, &args);	/* show, write: as FRR's vtysh allows */
	if ((payload = config_payload(v, i, line)) == NULL)
		return vty_error(v, "out of memory");
	rv = vty_config_send(v, payload, NULL);
	free(payload);
	if (rv < 0)
		return -1;
	v->depth = i;
	if (mode >= 0 && mode != (int)v->frames[i].mode && i + 1 < VTY_DEPTH) {
		v->depth = i + 1;
		v->frames[v->depth].mode = (enum conf_mode)mode;
		snprintf(v->frames[v->depth].line, sizeof(v->frames[v->depth].line), "%s", line);
	}
	return 0;
}

int
vty_config_file(struct vty *v, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	int rv;

	if (f == NULL)
		return vty_error(v, "cannot open %s", path);
	rv = getdelim(&text, &cap, '\0', f) < 0 ? 0 : 1;
	fclose(f);
	rv = rv ? vty_config_send(v, text, path) : 0;
	free(text);
	return rv;
}

const char *
vty_prompt_mode(const struct vty *v, char *buf, size_t len)
{
	if (!v->config)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "(%s)", conf_mode_prompt(v->frames[v->depth].mode));
	return buf;
}

void
vty_free(struct vty *v)
{
	ctl_client_free(v->cl);
	v->cl = NULL;
	conf_ctx_free(v->yang);
	v->yang = NULL;
}
