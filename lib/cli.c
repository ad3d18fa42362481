/*
 * lib/cli.c - matching words against command specs. See cli.h.
 *
 * A spec is parsed into tokens; matching is a small backtracking walk over
 * (token, word) positions, so optional tokens and groups need no special
 * grammar. Specs are short (< CMD_MAX_TOKENS) and lines are short, so the
 * walk is cheap.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/prefix.h"

struct tok {
	char	text[96];
	bool	optional;	/* starts an optional token or group */
	int	skip_to;	/* optional: the token after the group */
};

struct spec {
	int		n;
	struct tok	t[CMD_MAX_TOKENS];
};

/* Strip '[' and ']' off w; returns how many ']' closed. */
static int
tok_unbracket(char **w, bool *open)
{
	size_t n = strlen(*w);
	int closes = 0;

	*open = (*w)[0] == '[';
	if (*open)
		(*w)++, n--;
	while (n > 0 && (*w)[n - 1] == ']') {
		(*w)[--n] = '\0';
		closes++;
	}
	return closes;
}

static void
spec_parse(const char *s, struct spec *sp)
{
	char buf[256], *save = NULL, *w;
	int open[CMD_MAX_TOKENS], depth = 0;
	bool opening;

	snprintf(buf, sizeof(buf), "%s", s);
	sp->n = 0;
	for (w = strtok_r(buf, " ", &save); w && sp->n < CMD_MAX_TOKENS;
	    w = strtok_r(NULL, " ", &save)) {
		struct tok *t = &sp->t[sp->n];
		int closes = tok_unbracket(&w, &opening);

		*t = (struct tok){ .optional = opening };
		if (opening && depth < CMD_MAX_TOKENS)
			open[depth++] = sp->n;
		snprintf(t->text, sizeof(t->text), "%s", w);
		sp->n++;
		for (; closes > 0 && depth > 0; closes--)
			sp->t[open[--depth]].skip_to = sp->n;
	}
	while (depth > 0)
		sp->t[open[--depth]].skip_to = sp->n;
}

static bool
tok_is_keyword(const struct tok *t)
{
	return islower((unsigned char)t->text[0]);
}

static bool
word_is(const char *w, const char *allowed)
{
	return w[0] != '\0' && strspn(w, allowed) == strlen(w);
}

/* "(1-65535)" */
static bool
range_match(const char *range, const char *word, unsigned flags)
{
	unsigned long lo, hi, v;
	char *end;

	if (sscanf(range, "(%lu-%lu)", &lo, &hi) != 2 || !isdigit((unsigned char)word[0]))
		return false;
	if (flags & CLI_LOOSE)
		return word_is(word, "0123456789") && strlen(word) <= 20;
	v = strtoul(word, &end, 10);
	return *end == '\0' && v >= lo && v <= hi;
}

/* One of "a|b|c" that w abbreviates: 2 typed in full, 1 the only prefix, 0 none. */
static int
keyword_match(const char *alts, const char *w, char *full, size_t len)
{
	char buf[96], *save = NULL, *k;
	int prefixes = 0;

	snprintf(buf, sizeof(buf), "%s", alts);
	for (k = strtok_r(buf, "|", &save); k; k = strtok_r(NULL, "|", &save)) {
		if (strcmp(k, w) == 0) {
			snprintf(full, len, "%s", k);
			return 2;
		}
		if (w[0] != '\0' && strncmp(k, w, strlen(w)) == 0 && prefixes++ == 0)
			snprintf(full, len, "%s", k);
	}
	return prefixes == 1;
}

/* 0: no; 1: yes; 2: yes and specific (keyword in full, typed argument). */
static int
tok_match(const struct tok *t, const char *w, unsigned flags, char *full, size_t len)
{
	struct prefix p;
	uint32_t a;

	full[0] = '\0';
	if (tok_is_keyword(t))
		return keyword_match(t->text, w, full, len);
	if (strcmp(t->text, "A.B.C.D") == 0)
		return (flags & CLI_LOOSE ? word_is(w, "0123456789.") : addr_parse(w, &a) == 0) ? 2 : 0;
	if (strcmp(t->text, "A.B.C.D/M") == 0)
		return (flags & CLI_LOOSE ? word_is(w, "0123456789./") :
		    prefix_parse(w, &p, true) == 0) ? 2 : 0;
	if (t->text[0] == '(')
		return range_match(t->text, w, flags) ? 2 : 0;
	if (strcmp(t->text, "NAME") == 0)
		return isalpha((unsigned char)w[0]) || w[0] == '_';
	return 1;	/* WORD, LINE, ...: anything */
}

static bool
rest_optional(const struct spec *sp, int ti)
{
	while (ti < sp->n) {
		if (!sp->t[ti].optional)
			return false;
		ti = sp->t[ti].skip_to;
	}
	return true;
}

struct walk {
	const struct spec	*sp;
	char			**w;
	int			 nw;
	unsigned		 flags;
	struct cli_match	 cur, best;
};

static void
walk_done(struct walk *k, int ti)
{
	enum cli_status st = rest_optional(k->sp, ti) ? CLI_FULL : CLI_INCOMPLETE;

	if (st > k->best.status || (st == k->best.status && k->cur.score > k->best.score)) {
		int depth = k->best.depth;

		k->best = k->cur;
		k->best.status = st;
		k->best.depth = depth;
	}
}

static void
walk_rec(struct walk *k, int ti, int wi)
{
	struct cmd_arg *a;
	char full[32];
	int m;

	if (wi > k->best.depth)
		k->best.depth = wi;
	if (wi == k->nw) {
		walk_done(k, ti);
		return;
	}
	if (ti == k->sp->n)
		return;
	if ((m = tok_match(&k->sp->t[ti], k->w[wi], k->flags, full, sizeof(full))) > 0) {
		bool line = strcmp(k->sp->t[ti].text, "LINE") == 0;

		a = &k->cur.args.v[k->cur.args.n++];
		*a = (struct cmd_arg){ .index = ti, .value = k->w[wi], .nwords = line ? k->nw - wi : 1 };
		snprintf(a->token, sizeof(a->token), "%s", k->sp->t[ti].text);
		memcpy(a->word, full, sizeof(a->word));
		k->cur.score += m;
		walk_rec(k, ti + 1, line ? k->nw : wi + 1);
		k->cur.score -= m;
		k->cur.args.n--;
	}
	if (k->sp->t[ti].optional)
		walk_rec(k, k->sp->t[ti].skip_to, wi);
}

void
cli_spec_match(const char *spec, char **words, int nwords, unsigned flags,
    struct cli_match *out)
{
	struct spec sp;
	struct walk k = { .sp = &sp, .w = words, .nw = nwords, .flags = flags };

	spec_parse(spec, &sp);
	walk_rec(&k, 0, 0);
	*out = k.best;
}

const char *
cmd_arg(const struct cmd_args *a, const char *token)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i].token, token) == 0)
			return a->v[i].value;
	return NULL;
}

const struct cmd_arg *
cli_arg_at(const struct cmd_args *a, int index)
{
	for (int i = 0; i < a->n; i++)
		if (a->v[i].index == index)
			return &a->v[i];
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
	const struct cmd_def *def = NULL;
	int tied = 0, incomplete = 0, best = -1;
	struct cli_match m;

	for (size_t i = 0; i < n; i++) {
		cli_spec_match(table[i].spec, words, nwords, 0, &m);
		if (m.status == CLI_INCOMPLETE)
			incomplete++;
		if (m.status != CLI_FULL)
			continue;
		if (m.score > best) {
			best = m.score, def = &table[i], tied = 0;
			*args = m.args;
		} else if (m.score == best) {
			tied++;
		}
	}
	if (def == NULL)
		return incomplete ? CMD_INCOMPLETE : CMD_UNKNOWN;
	if (tied)
		return CMD_AMBIGUOUS;
	*found = def;
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
	const char		*help;
	const struct spec	*sp;
	const char		*partial;
	unsigned		 flags;
	struct cmd_choice	*out;
	size_t			*n, max;
	bool			*complete;
};

static void
choice_put(struct choice_walk *cw, const char *token, int ti)
{
	for (size_t i = 0; i < *cw->n; i++)
		if (strcmp(cw->out[i].token, token) == 0)
			return;
	if (*cw->n == cw->max)
		return;
	snprintf(cw->out[*cw->n].token, sizeof(cw->out[*cw->n].token), "%s", token);
	snprintf(cw->out[*cw->n].after, sizeof(cw->out[*cw->n].after), "%s",
	    ti > 0 ? cw->sp->t[ti - 1].text : "");
	help_line(cw->help, ti, cw->out[*cw->n].help, sizeof(cw->out[*cw->n].help));
	(*cw->n)++;
}

static void
choice_add(struct choice_walk *cw, int ti)
{
	const struct tok *t = &cw->sp->t[ti];
	char buf[96], *save = NULL, *k, full[32];

	if (!tok_is_keyword(t)) {	/* by shape: "192.0.2." may grow into an A.B.C.D */
		if (cw->partial[0] == '\0' ||
		    tok_match(t, cw->partial, cw->flags | CLI_LOOSE, full, sizeof(full)))
			choice_put(cw, t->text, ti);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", t->text);
	for (k = strtok_r(buf, "|", &save); k; k = strtok_r(NULL, "|", &save))
		if (strncmp(k, cw->partial, strlen(cw->partial)) == 0)
			choice_put(cw, k, ti);
}

static void
choice_rec(struct choice_walk *cw, int ti, char **w, int nw, int wi)
{
	char full[32];

	if (wi == nw) {
		if (cw->partial[0] == '\0' && rest_optional(cw->sp, ti))
			*cw->complete = true;
		while (ti < cw->sp->n) {
			choice_add(cw, ti);
			if (!cw->sp->t[ti].optional)
				break;
			ti = cw->sp->t[ti].skip_to;
		}
		return;
	}
	if (ti == cw->sp->n)
		return;
	if (tok_match(&cw->sp->t[ti], w[wi], cw->flags, full, sizeof(full)) > 0) {
		bool line = strcmp(cw->sp->t[ti].text, "LINE") == 0;

		choice_rec(cw, ti + 1, w, nw, line ? nw : wi + 1);	/* LINE takes the rest */
	}
	if (cw->sp->t[ti].optional)
		choice_rec(cw, cw->sp->t[ti].skip_to, w, nw, wi);
}

void
cli_spec_choices(const char *spec, const char *help, char **words, int nwords,
    const char *partial, unsigned flags, struct cmd_choice *out, size_t *n,
    size_t max, bool *complete)
{
	struct spec sp;
	struct choice_walk cw = { .help = help, .sp = &sp, .partial = partial ? partial : "",
	    .flags = flags, .out = out, .n = n, .max = max, .complete = complete };

	spec_parse(spec, &sp);
	choice_rec(&cw, 0, words, nwords, 0);
}

size_t
cmd_choices(const struct cmd_def *table, size_t n, char **words, int nwords,
    const char *partial, struct cmd_choice *out, size_t max, bool *complete)
{
	size_t nout = 0;

	*complete = false;
	for (size_t i = 0; i < n; i++)
		cli_spec_choices(table[i].spec, table[i].help, words, nwords, partial, 0,
		    out, &nout, max, complete);
	return nout;
}
