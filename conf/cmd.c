/*
 * conf/cmd.c - finding the statement a line names in the grammar table, and
 * what the shell needs from it (modes, completion). Knows no libyang.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"
#include "conf/conf_yang.h"

static const char *const mode_prompts[CONF_MODE_MAX] = {
	[CONF_MODE_TOP] = "config",
	[CONF_MODE_ROUTER] = "config-router",
	[CONF_MODE_AF] = "config-router-af",
	[CONF_MODE_NEIGHBOR] = "config-router-neighbor",
	[CONF_MODE_PEER_GROUP] = "config-router-peer-group",
	[CONF_MODE_NEIGHBOR_AF] = "config-router-af-neighbor",
	[CONF_MODE_PEER_GROUP_AF] = "config-router-af-peer-group",
	[CONF_MODE_ROUTE_MAP] = "config-route-map",
	[CONF_MODE_OVERLAY] = "config-overlay",
	[CONF_MODE_LINE] = "config-line",
};

const char *
conf_mode_prompt(enum conf_mode m)
{
	return m < CONF_MODE_MAX ? mode_prompts[m] : "config";
}

static int
spec_words(const char *spec)
{
	int n = 1;

	for (; *spec; spec++)
		n += *spec == ' ';
	return n;
}

/* Every "$N" of the path has an argument. */
static bool
path_args_present(const struct conf_cmd *c, const struct cli_match *m)
{
	for (const char *p = strchr(c->path, '$'); p; p = strchr(p + 1, '$'))
		if (cli_arg_at(&m->args, atoi(p + 1)) == NULL)
			return false;
	return true;
}

static void
cmd_try(const struct conf_cmd *c, char **w, int n, bool no, struct cli_match *m)
{
	cli_spec_match(c->spec, w, n, CLI_LOOSE, m);
	if (m->status == CLI_INCOMPLETE && !(no && path_args_present(c, m)))
		m->status = CLI_NONE;
	if ((c->flags & CONF_NO_ONLY) && !no)
		m->status = CLI_NONE;
}

/* Better: a whole statement beats a prefix, then the higher score. */
static int
hit_cmp(const struct conf_hit *a, const struct conf_hit *b)
{
	int sa = a->m.status, sb = b->m.status;
	int ca = a->m.score + a->via_m.score, cb = b->m.score + b->via_m.score;

	if (sa != sb)
		return sa - sb;
	return ca - cb;
}

struct find {
	struct conf_hit	best;
	int		ties;
	struct conf_miss miss;
};

static void
find_consider(struct find *f, const struct conf_hit *h)
{
	int c;

	if (h->m.status == CLI_NONE)
		return;
	if (f->best.cmd == NULL || (c = hit_cmp(h, &f->best)) > 0) {
		f->best = *h;
		f->ties = 0;
	} else if (c == 0) {
		f->ties++;
	}
}

static void
find_mode(struct find *f, enum conf_mode mode, char **w, int n, bool no,
    const struct conf_cmd *via, const struct cli_match *via_m, int skip)
{
	struct conf_hit h;

	for (size_t i = 0; i < conf_ncmds; i++) {
		const struct conf_cmd *c = &conf_cmds[i];

		if (!(c->modes & (1u << mode)))
			continue;
		h = (struct conf_hit){ .cmd = c, .via = via, .skip = skip };
		if (via_m)
			h.via_m = *via_m;
		cmd_try(c, w, n, no, &h.m);
		if (skip + h.m.depth > f->miss.depth ||		/* inside a block says more */
		    (skip + h.m.depth == f->miss.depth && via != NULL && f->miss.via == NULL))
			f->miss = (struct conf_miss){ skip + h.m.depth, via, h.via_m, skip };
		find_consider(f, &h);
		if (via == NULL && (c->flags & CONF_INLINE) && n > spec_words(c->spec)) {
			int k = spec_words(c->spec);
			struct cli_match vm;

			cli_spec_match(c->spec, w, k, CLI_LOOSE, &vm);
			if (vm.status == CLI_FULL)
				find_mode(f, c->enter, w + k, n - k, no, c, &vm, k);
		}
	}
}

int
conf_cmd_find(enum conf_mode mode, char **words, int n, bool no, struct conf_hit *hit,
    struct conf_miss *miss)
{
	struct find f = { 0 };

	find_mode(&f, mode, words, n, no, NULL, NULL, 0);
	*miss = f.miss;
	if (f.best.cmd == NULL)
		return -EINVAL;
	if (f.ties > 0)
		return -EEXIST;
	*hit = f.best;
	return 0;
}

const char *
conf_arg_value(const struct cli_match *m, int index, char *buf, size_t len)
{
	const struct cmd_arg *a = cli_arg_at(&m->args, index);
	const char *p;
	size_t off = 0;

	if (a == NULL)
		return NULL;
	if (a->word[0] != '\0')
		return a->word;
	if (a->nwords <= 1)
		return a->value;
	p = a->value;		/* LINE: words split in place, NUL after each */
	for (int i = 0; i < a->nwords && off < len; i++) {
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", p);
		p += strlen(p) + 1;
		while (i + 1 < a->nwords && strchr(" \t\r\n", *p) != NULL)
			p++;
	}
	return buf;
}

int
conf_cmd_path(const struct conf_frame *fr, const struct conf_cmd *c,
    const struct cli_match *m, char *out, size_t len)
{
	const char *sep = fr->path[0] == '\0' || c->path[0] != '\0' ? "/" : "";
	size_t off = (size_t)snprintf(out, len, "%s%s", fr->path, sep);	/* "" = the block's node */
	char vbuf[256];
	const char *v;

	for (const char *p = c->path; *p && off < len; p++) {
		if (*p != '$') {
			out[off++] = *p;
			continue;
		}
		if ((v = conf_arg_value(m, atoi(p + 1), vbuf, sizeof(vbuf))) == NULL ||
		    strpbrk(v, "'\"") != NULL)
			return -EINVAL;
		off += (size_t)snprintf(out + off, len - off, "%s", v);
		while (p[1] >= '0' && p[1] <= '9')
			p++;
	}
	if (off >= len)
		return -ENAMETOOLONG;
	out[off] = '\0';
	return 0;
}

/* --- the shell --- */

static void
choices_mode(enum conf_mode mode, char **w, int n, const char *partial,
    struct cmd_choice *out, size_t *nout, size_t max, bool *complete, bool inl)
{
	for (size_t i = 0; i < conf_ncmds; i++) {
		const struct conf_cmd *c = &conf_cmds[i];
		struct cli_match vm;
		int k;

		if (!(c->modes & (1u << mode)) || (c->flags & CONF_NO_ONLY))
			continue;
		cli_spec_choices(c->spec, c->help, w, n, partial, CLI_LOOSE, out, nout, max,
		    complete);
		if (!inl && (c->flags & CONF_INLINE) && n >= (k = spec_words(c->spec))) {
			cli_spec_match(c->spec, w, k, CLI_LOOSE, &vm);
			if (vm.status == CLI_FULL)
				choices_mode(c->enter, w + k, n - k, partial, out, nout, max,
				    complete, true);
		}
	}
}

size_t
conf_choices(enum conf_mode mode, char **words, int nwords, const char *partial,
    struct cmd_choice *out, size_t max, bool *complete)
{
	size_t n = 0;
	bool no = nwords > 0 && strcmp(words[0], "no") == 0;

	*complete = false;
	if (nwords == 0 && strncmp("no", partial ? partial : "", strlen(partial ? partial : "")) == 0 &&
	    max > 0) {
		snprintf(out[n].token, sizeof(out[n].token), "no");
		snprintf(out[n].help, sizeof(out[n].help), "Negate a command or set its defaults");
		out[n].after[0] = '\0';
		n++;
	}
	choices_mode(mode, words + no, nwords - no, partial, out, &n, max, complete, false);
	if (no && nwords > 1)
		*complete = true;	/* a "no" form may stop after the node's name */
	return n;
}

/* The mode after line, a statement of mode itself; -1 if it is none. */
int
conf_line_mode(enum conf_mode mode, const char *line)
{
	char buf[1024], *w[CMD_MAX_WORDS];
	struct conf_miss miss;
	struct conf_hit h;
	int n;
	bool no;

	snprintf(buf, sizeof(buf), "%s", line);
	if ((n = cmd_split(buf, w, CMD_MAX_WORDS)) <= 0)
		return n == 0 ? (int)mode : -1;
	no = strcmp(w[0], "no") == 0;
	if (conf_cmd_find(mode, w + no, n - no, no, &h, &miss) < 0)
		return -1;
	return !no && h.cmd->enter != CONF_MODE_TOP && h.via == NULL ? (int)h.cmd->enter : (int)mode;
}

void
conf_explain(enum conf_mode mode, char **w, int n, int depth, char *msg, size_t len)
{
	struct cmd_choice ch[24];
	size_t nc = 0, off;
	bool complete = false, keywords = true;

	choices_mode(mode, w, depth, "", ch, &nc, 24, &complete, false);
	for (size_t i = 0; i < nc; i++)
		keywords &= ch[i].token[0] >= 'a' && ch[i].token[0] <= 'z';
	if (depth >= n)
		off = (size_t)snprintf(msg, len, "incomplete command");
	else if (keywords)
		off = (size_t)snprintf(msg, len, "unknown keyword '%s'", w[depth]);
	else
		off = (size_t)snprintf(msg, len, "'%s' is not valid here", w[depth]);
	for (size_t i = 0; i < nc && i < 8 && off < len; i++)
		off += (size_t)snprintf(msg + off, len - off, "%s%s", i ? ", " : "; expected ",
		    ch[i].token);
	if (nc > 8 && off < len)
		snprintf(msg + off, len - off, ", ...");
}
