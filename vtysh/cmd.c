/*
 * vtysh/cmd.c - matching words against the command table. See cmd.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/prefix.h"
#include "vtysh/cmd.h"

struct tok {
	char	text[32];
	bool	optional;
};

struct spec {
	int		n;
	struct tok	t[CMD_MAX_TOKENS];
};

enum { M_NONE, M_INCOMPLETE, M_FULL };

struct match {
	int		status;
	int		exact;		/* keywords typed in full: breaks ties */
	struct cmd_args	args;
};

static void
spec_parse(const char *s, struct spec *sp)
{
	char buf[256], *save = NULL, *w;
	size_t n;

	snprintf(buf, sizeof(buf), "%s", s);
	sp->n = 0;
	for (w = strtok_r(buf, " ", &save); w && sp->n < CMD_MAX_TOKENS;
	    w = strtok_r(NULL, " ", &save)) {
		struct tok *t = &sp->t[sp->n++];

		n = strlen(w);
		t->optional = n > 2 && w[0] == '[' && w[n - 1] == ']';
		if (t->optional) {
			w[n - 1] = '\0';
			w++;
		}
		snprintf(t->text, sizeof(t->text), "%s", w);
	}
}

static bool
tok_is_keyword(const struct tok *t)
{
	return islower((unsigned char)t->text[0]);
}

/* "(1-65535)" */
static bool
range_match(const char *range, const char *word)
{
	unsigned long lo, hi, v;
	char *end;

	if (sscanf(range, "(%lu-%lu)", &lo, &hi) != 2 || !isdigit((unsigned char)word[0]))
		return false;
	v = strtoul(word, &end, 10);
	return *end == '\0' && v >= lo && v <= hi;
}

/* 0: no, 1: yes, 2: yes and typed in full. */
static int
tok_match(const struct tok *t, const char *w)
{
	struct prefix p;
	uint32_t a;

	if (tok_is_keyword(t)) {
		if (strcmp(t->text, w) == 0)
			return 2;
		return w[0] != '\0' && strncmp(t->text, w, strlen(w)) == 0;
	}
	if (strcmp(t->text, "A.B.C.D") == 0)
		return addr_parse(w, &a) == 0;
	if (strcmp(t->text, "A.B.C.D/M") == 0)
		return prefix_parse(w, &p, true) == 0;
	if (t->text[0] == '(')
		return range_match(t->text, w);
	return 1;	/* WORD, LINE, NAME: anything */
}

static bool
rest_optional(const struct spec *sp, int ti)
{
	for (; ti < sp->n; ti++)
		if (!sp->t[ti].optional)
			return false;
	return true;
}

static void
match_rec(const struct spec *sp, int ti, char **w, int nw, int wi,
    struct match *cur, struct match *best)
{
	int m;

	if (wi == nw) {
		int st = rest_optional(sp, ti) ? M_FULL : M_INCOMPLETE;

		if (st > best->status || (st == best->status && cur->exact > best->exact)) {
			*best = *cur;
			best->status = st;
		}
		return;
	}
	if (ti == sp->n)
		return;
	if ((m = tok_match(&sp->t[ti], w[wi])) > 0) {
		struct cmd_arg *a = &cur->args.v[cur->args.n++];

		memcpy(a->token, sp->t[ti].text, sizeof(a->token));
		a->value = w[wi];
		cur->exact += m == 2;
		match_rec(sp, ti + 1, w, nw, wi + 1, cur, best);
		cur->exact -= m == 2;
		cur->args.n--;
	}
	if (sp->t[ti].optional)
		match_rec(sp, ti + 1, w, nw, wi, cur, best);
}

const char *
cmd_arg(const struct cmd_args *a, const char *token)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i].token, token) == 0)
			return a->v[i].value;
	return NULL;
}

int
cmd_split(char *line, char **words, int max)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

enum cmd_status
cmd_lookup(const struct cmd_def *table, size_t n, char **words, int nwords,
    const struct cmd_def **found, struct cmd_args *args)
{
	struct match best = { 0 }, m, cur;
	const struct cmd_def *def = NULL;
	int tied = 0, incomplete = 0;
	struct spec sp;

	for (size_t i = 0; i < n; i++) {
		spec_parse(table[i].spec, &sp);
		m = (struct match){ 0 };
		cur = (struct match){ 0 };
		match_rec(&sp, 0, words, nwords, 0, &cur, &m);
		if (m.status == M_INCOMPLETE)
			incomplete++;
		if (m.status != M_FULL)
			continue;
		if (def == NULL || m.exact > best.exact) {
			best = m, def = &table[i], tied = 0;
		} else if (m.exact == best.exact) {
			tied++;
		}
	}
	if (def == NULL)
		return incomplete ? CMD_INCOMPLETE : CMD_UNKNOWN;
	if (tied)
		return CMD_AMBIGUOUS;
	*found = def;
	*args = best.args;
	return CMD_OK;
}

/* The i-th line of a command's help text. */
static void
help_line(const char *help, int i, char *out, size_t len)
{
	const char *p = help ? help : "", *nl;

	for (; i > 0 && (nl = strchr(p, '\n')) != NULL; i--)
		p = nl + 1;
	nl = strchr(p, '\n');
	snprintf(out, len, "%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
}

struct choice_walk {
	const struct cmd_def	*def;
	const struct spec	*sp;
	const char		*partial;
	struct cmd_choice	*out;
	size_t			 n, max;
	bool			 complete;
};

static void
choice_add(struct choice_walk *cw, int ti)
{
	const struct tok *t = &cw->sp->t[ti];

	if (tok_is_keyword(t) ? strncmp(t->text, cw->partial, strlen(cw->partial)) != 0 :
	    (cw->partial[0] != '\0' && tok_match(t, cw->partial) == 0))
		return;
	for (size_t i = 0; i < cw->n; i++)
		if (strcmp(cw->out[i].token, t->text) == 0)
			return;
	if (cw->n == cw->max)
		return;
	snprintf(cw->out[cw->n].token, sizeof(cw->out[cw->n].token), "%s", t->text);
	help_line(cw->def->help, ti, cw->out[cw->n].help, sizeof(cw->out[cw->n].help));
	cw->n++;
}

static void
choice_rec(struct choice_walk *cw, int ti, char **w, int nw, int wi)
{
	if (wi == nw) {
		if (cw->partial[0] == '\0' && rest_optional(cw->sp, ti))
			cw->complete = true;
		for (; ti < cw->sp->n; ti++) {
			choice_add(cw, ti);
			if (!cw->sp->t[ti].optional)
				break;
		}
		return;
	}
	if (ti == cw->sp->n)
		return;
	if (tok_match(&cw->sp->t[ti], w[wi]) > 0)
		choice_rec(cw, ti + 1, w, nw, wi + 1);
	if (cw->sp->t[ti].optional)
		choice_rec(cw, ti + 1, w, nw, wi);
}

size_t
cmd_choices(const struct cmd_def *table, size_t n, char **words, int nwords,
    const char *partial, struct cmd_choice *out, size_t max, bool *complete)
{
	struct choice_walk cw = { .partial = partial ? partial : "", .out = out, .max = max };
	struct spec sp;

	for (size_t i = 0; i < n; i++) {
		spec_parse(table[i].spec, &sp);
		cw.def = &table[i];
		cw.sp = &sp;
		choice_rec(&cw, 0, words, nwords, 0);
	}
	*complete = cw.complete;
	return cw.n;
}
