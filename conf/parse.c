/*
 * conf/parse.c - FRR-style text into a libyang candidate tree.
 *
 * Lines are read in FRR's block structure: a statement that opens a block
 * ('router bgp', 'route-map', 'overlay', 'address-family') pushes a frame; a
 * line that is no statement of the current block falls back to the outer
 * ones as FRR does; 'exit', 'exit-address-family' and 'end' pop. Each node a
 * line sets is recorded with the line, so validation errors found later
 * (leafrefs, must) name the line that set the node.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "lib/array.h"
#include "conf/conf_int.h"
#include "conf/conf_yang.h"
#include "lib/log.h"

#define CONF_DEPTH	4

struct conf_line_rec {
	char		*path;
	unsigned	 line;
};

struct conf_parse {
	struct ly_ctx		*ctx;
	struct lyd_node		*tree;
	char			*where;
	conf_err_fn		*err;
	void			*arg;
	unsigned		 line;
	const char		*text;		/* the line being parsed */
	int			 errors;
	int			 depth;		/* frames above the top level */
	struct conf_frame	 stack[CONF_DEPTH + 1];
	struct conf_line_rec	*lines;
	size_t			 nlines, cap;
};

static void
parse_error(struct conf_parse *p, const char *path, const char *msg)
{
	p->errors++;
	p->err(p->arg, p->where, p->line, path, msg);
}

static void
parse_ly_error(struct conf_parse *p, const char *path)
{
	char msg[512];

	conf_ly_msg(p->ctx, msg, sizeof(msg));
	parse_error(p, path, msg);
}

static void
lines_record(struct conf_parse *p, const char *path)
{
	for (size_t i = 0; i < p->nlines; i++)
		if (strcmp(p->lines[i].path, path) == 0) {
			p->lines[i].line = p->line;
			return;
		}
	if (ARRAY_GROW(p->lines, p->nlines, p->cap, 64) < 0)
		fatal("config");
	if ((p->lines[p->nlines].path = strdup(path)) == NULL)
		fatal("config");
	p->lines[p->nlines++].line = p->line;
}

/* The line that set path, else the first line that set a node below it. */
static unsigned
lines_find(const struct conf_parse *p, const char *path)
{
	unsigned best = 0;
	size_t n = strlen(path);

	for (size_t i = 0; i < p->nlines; i++) {
		if (strcmp(p->lines[i].path, path) == 0)
			return p->lines[i].line;
		if (strncmp(p->lines[i].path, path, n) == 0 && p->lines[i].path[n] == '/' &&
		    (best == 0 || p->lines[i].line < best))
			best = p->lines[i].line;
	}
	return best;
}

/* Line of the error's node or of its nearest ancestor any line set. */
unsigned
conf_parse_line_of(const struct conf_parse *p, const char *path)
{
	char buf[CONF_PATH_MAX];
	unsigned line;
	char *cut;

	snprintf(buf, sizeof(buf), "%s", path ? path : "");
	while (buf[0] != '\0') {
		if ((line = lines_find(p, buf)) != 0)
			return line;
		if ((cut = conf_path_last_slash(buf)) == NULL)
			break;
		*cut = '\0';
	}
	return 0;
}

static void
tree_fix_root(struct conf_parse *p, struct lyd_node *made)
{
	if (p->tree == NULL && made != NULL) {
		while (lyd_parent(made) != NULL)
			made = lyd_parent(made);
		p->tree = made;
	}
	if (p->tree != NULL)
		p->tree = lyd_first_sibling(p->tree);
}

/* The node at path under tree, or NULL; a miss leaves no libyang error behind. */
static struct lyd_node *
node_find(struct conf_parse *p, const struct lyd_node *tree, const char *path)
{
	struct lyd_node *n = NULL;

	if (tree == NULL)
		return NULL;
	if (lyd_find_path(tree, path, 0, &n) != LY_SUCCESS) {
		ly_err_clean(p->ctx, NULL);
		return NULL;
	}
	return n;
}

static const char *
node_value(struct conf_parse *p, const struct lyd_node *tree, const char *path)
{
	return lyd_get_value(node_find(p, tree, path));
}

/*
 * Does leaf n hold value as the model reads it (libyang canonizes both:
 * 10.0.0.1/8 is 10.0.0.0/8, 065000 is 65000)? A value its type refuses is
 * not the one held, and leaves no error behind.
 */
static bool
node_holds(struct conf_parse *p, const struct lyd_node *n, const char *value)
{
	bool same;

	if (n == NULL || !(n->schema->nodetype & LYD_NODE_TERM))
		return false;
	same = lyd_value_compare((const struct lyd_node_term *)n, value, strlen(value)) ==
	    LY_SUCCESS;
	ly_err_clean(p->ctx, NULL);
	return same;
}

/* Do a and b sit in different cases of one choice? */
static bool
schema_other_case(const struct lysc_node *a, const struct lysc_node *b)
{
	return a != NULL && b != NULL && a->parent != NULL && b->parent != NULL &&
	    a->parent->nodetype == LYS_CASE && b->parent->nodetype == LYS_CASE &&
	    a->parent != b->parent && a->parent->parent == b->parent->parent;
}

/*
 * RFC 7950 §7.9: creating a node of one case of a choice deletes the nodes
 * of its other cases (`remote-as 65002`, then `remote-as external` from the
 * shell). Both from this one text is refused, as a leaf set twice is.
 */
static int
parse_choice_settle(struct conf_parse *p, const char *path)
{
	struct lyd_node *n = node_find(p, p->tree, path), *s, *next;
	char other[CONF_PATH_MAX], msg[CONF_PATH_MAX + 64];
	unsigned prev;

	if (n == NULL)
		return 0;
	LY_LIST_FOR_SAFE(lyd_first_sibling(n), next, s) {
		if (!schema_other_case(n->schema, s->schema) ||
		    lyd_path(s, LYD_PATH_STD, other, sizeof(other)) == NULL)
			continue;
		if ((prev = lines_find(p, other)) != 0) {
			snprintf(msg, sizeof(msg), "conflicts with %s set on line %u",
			    s->schema->name, prev);
			parse_error(p, path, msg);
			return -1;
		}
		lyd_free_tree(s);	/* never the top: a child of n's parent */
	}
	return 0;
}

/* Set one node; a leaf another line of this text set otherwise is refused. */
static int
parse_set(struct conf_parse *p, const char *path, const char *value)
{
	struct lyd_node *made = NULL;
	unsigned prev = lines_find(p, path);
	const char *old = value ? node_value(p, p->tree, path) : NULL;
	char msg[256];
	LY_ERR rv;

	if (prev != 0 && old != NULL && strcmp(old, value) != 0) {
		snprintf(msg, sizeof(msg), "already set to %s on line %u", old, prev);
		parse_error(p, path, msg);
		return -1;
	}
	rv = lyd_new_path(p->tree, p->ctx, path, value, LYD_NEW_PATH_UPDATE, &made);
	if (rv != LY_SUCCESS && rv != LY_EEXIST) {
		parse_ly_error(p, path);
		return -1;
	}
	ly_err_clean(p->ctx, NULL);
	tree_fix_root(p, made);
	if (parse_choice_settle(p, path) < 0)
		return -1;
	lines_record(p, path);
	return 0;
}

/* A list entry that holds only its keys goes with its last setting. */
static bool
node_is_bare_entry(const struct lyd_node *n)
{
	const struct lyd_node *c;

	if (n == NULL || n->schema == NULL || n->schema->nodetype != LYS_LIST)
		return false;
	LY_LIST_FOR(lyd_child(n), c)
		if (!lysc_is_key(c->schema))
			return false;
	return true;
}

static void
tree_unlink_free(struct conf_parse *p, struct lyd_node *n)
{
	if (n == p->tree)
		p->tree = n->next;
	lyd_free_tree(n);
}

static void
parse_delete(struct conf_parse *p, const char *path)
{
	struct lyd_node *n = node_find(p, p->tree, path), *parent;

	if (n == NULL)
		return;
	do {
		parent = lyd_parent(n);
		tree_unlink_free(p, n);
		n = parent;
	} while (node_is_bare_entry(n));
}

/* "leaf=$N": the statement's argument N, or NULL (no "$N", or left out). */
static const char *
set_value(const char *set, const struct cli_match *m, char *buf, size_t len)
{
	const char *d = strchr(set, '$');

	return d ? conf_arg_value(m, atoi(d + 1), buf, len) : NULL;
}

/* "leaf=$N": the path of the leaf under node path. */
static void
set_target(const char *path, const char *set, char *out, size_t len)
{
	size_t leaflen = strcspn(set, "=");
	char leaf[64];

	snprintf(leaf, sizeof(leaf), "%.*s", (int)(leaflen < sizeof(leaf) ? leaflen : 0), set);
	if (snprintf(out, len, "%s%s%s", path, leaf[0] ? "/" : "", leaf) >= (int)len)
		out[0] = '\0';
}

static int
parse_set_words(struct conf_parse *p, const char *path, const char *line)
{
	char buf[512], *w[CMD_MAX_WORDS];
	int n;

	parse_delete(p, path);
	snprintf(buf, sizeof(buf), "%s", line);
	n = cmd_split(buf, w, CMD_MAX_WORDS);
	for (int i = 0; i < n; i++)
		if (parse_set(p, path, w[i]) < 0)
			return -1;
	return 0;
}

/* A set without "=": a leaf the statement makes present ("debug bgp updates"). */
static bool
set_is_presence(const char *set)
{
	return strchr(set, '=') == NULL;
}

/*
 * "no SPEC VALUE..." of a statement that names what it removes
 * (CONF_NO_NAMES): each value must be the one the node holds, else the
 * statement removes nothing and is an error (FRR: `no router bgp 65009`
 * under AS 65000 is "Can't find BGP instance"; `no bgp router-id X`
 * "doesn't match"). Other "no" forms ignore their values, as FRR's do. A
 * node that does not exist is no error: nothing to do.
 */
static int
parse_no_values_match(struct conf_parse *p, const char *path, const struct conf_cmd *c,
    const struct cli_match *m)
{
	char leaf[CONF_PATH_MAX], vbuf[512], msg[1200];
	const char *given, *now;
	struct lyd_node *have;

	if (!(c->flags & CONF_NO_NAMES) || node_find(p, p->tree, path) == NULL)
		return 0;
	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		if ((given = set_value(c->sets[i], m, vbuf, sizeof(vbuf))) == NULL)
			continue;
		set_target(path, c->sets[i], leaf, sizeof(leaf));
		if (node_holds(p, have = node_find(p, p->tree, leaf), given))
			continue;
		if ((now = lyd_get_value(have)) != NULL)
			snprintf(msg, sizeof(msg), "it is %s, not %s: nothing removed", now, given);
		else
			snprintf(msg, sizeof(msg), "it is not set, so not %s: nothing removed", given);
		parse_error(p, leaf, msg);
		return -1;
	}
	return 0;
}

/* "no SPEC": the node goes, or only the leaves the statement makes present. */
static int
parse_no(struct conf_parse *p, const char *path, const struct conf_cmd *c,
    const struct cli_match *m)
{
	char leaf[CONF_PATH_MAX];

	if (parse_no_values_match(p, path, c, m) < 0)
		return -1;
	if (c->sets[0] == NULL || !set_is_presence(c->sets[0])) {
		parse_delete(p, path);
		return 0;
	}
	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		set_target(path, c->sets[i], leaf, sizeof(leaf));
		parse_delete(p, leaf);
	}
	return 0;
}

/*
 * A value fixed once made (`router bgp ASN`): when the base (the running
 * tree the shell edits) holds another one, refused with c->fixed and the
 * value, as FRR's "BGP is already running; AS is 65000". A file starts
 * from nothing, so a reload may renumber; `no router bgp` first may too.
 */
static int
parse_fixed_kept(struct conf_parse *p, const struct conf_cmd *c, const char *leaf,
    const char *v)
{
	struct lyd_node *have = lines_find(p, leaf) == 0 ? node_find(p, p->tree, leaf) : NULL;
	char msg[512];

	if (lyd_get_value(have) == NULL || node_holds(p, have, v))
		return 0;
	snprintf(msg, sizeof(msg), "%s%s", c->fixed, lyd_get_value(have));
	parse_error(p, leaf, msg);
	return -1;
}

/* What a statement sets: its node, or the leaves its "sets" name. */
static int
parse_apply(struct conf_parse *p, const char *path, const struct conf_cmd *c,
    const struct cli_match *m)
{
	char leaf[CONF_PATH_MAX], vbuf[512];
	const char *v;
	bool any = false;

	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		set_target(path, c->sets[i], leaf, sizeof(leaf));
		if (set_is_presence(c->sets[i])) {
			any = true;
			if (parse_set(p, leaf, NULL) < 0)
				return -1;
			continue;
		}
		v = set_value(c->sets[i], m, vbuf, sizeof(vbuf));
		if (v == NULL && c->dflt == NULL) {
			parse_delete(p, leaf);		/* the statement sets the whole node */
			continue;
		}
		any = true;
		if (v == NULL)
			v = c->dflt;		/* bare `allowas-in`: FRR's 3 */
		if (i == 0 && c->fixed != NULL && parse_fixed_kept(p, c, leaf, v) < 0)
			return -1;
		if (c->flags & CONF_WORDS ? parse_set_words(p, leaf, v) < 0 : parse_set(p, leaf, v) < 0)
			return -1;
	}
	return any ? 0 : parse_set(p, path, NULL);
}

/*
 * A statement sets all of its node or, when one of its values is refused,
 * nothing: `timers 1 2` leaves no keepalive without a hold behind, which
 * validation would report as a second error of the same line.
 */
static int
parse_statement(struct conf_parse *p, const char *path, const struct conf_cmd *c,
    const struct cli_match *m)
{
	bool had = node_find(p, p->tree, path) != NULL;

	if (parse_apply(p, path, c, m) == 0)
		return 0;
	if (!had)
		parse_delete(p, path);
	return -1;
}

struct conf_parse *
conf_parse_new(struct ly_ctx *ctx, const struct lyd_node *base, const char *where,
    conf_err_fn *fn, void *arg)
{
	struct conf_parse *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->where = strdup(where)) == NULL)
		fatal("config");
	p->ctx = ctx;
	p->err = fn;
	p->arg = arg;
	if (base != NULL && lyd_dup_siblings(base, NULL, LYD_DUP_RECURSIVE, &p->tree) != LY_SUCCESS)
		fatal("config");
	return p;
}

void
conf_parse_free(struct conf_parse *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nlines; i++)
		free(p->lines[i].path);
	free(p->lines);
	lyd_free_all(p->tree);
	free(p->where);
	free(p);
}

enum conf_mode
conf_parse_mode(const struct conf_parse *p)
{
	return p->stack[p->depth].mode;
}

/*
 * FRR-only housekeeping (`frr version`, `service ...`, `line vty`): one
 * warning naming the line, nothing stored. A block it opens (line vty) is
 * entered so its own lines are recognised, and ignored in turn.
 */
static int
parse_ignore(struct conf_parse *p, const struct conf_cmd *c, bool no)
{
	const char *t = p->text + strspn(p->text, " \t");

	log_warnx("%s:%u: FRR-only statement ignored: %.*s", p->where, p->line,
	    (int)strcspn(t, "\r\n"), t);
	if (!no && c->enter != CONF_MODE_TOP && p->depth < CONF_DEPTH) {
		p->stack[++p->depth].mode = c->enter;
		p->stack[p->depth].path[0] = '\0';
	}
	return 0;
}

/* A boolean defaulting to true: "no SPEC" sets false, SPEC deletes (each leaf of sets). */
static int
parse_negated(struct conf_parse *p, const char *path, const struct conf_cmd *c, bool no)
{
	char leaf[CONF_PATH_MAX];

	if (c->sets[0] == NULL) {
		if (!no)
			parse_delete(p, path);
		return no ? parse_set(p, path, "false") : 0;
	}
	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		set_target(path, c->sets[i], leaf, sizeof(leaf));
		if (!no)
			parse_delete(p, leaf);
		else if (parse_set(p, leaf, "false") < 0)
			return -1;
	}
	return 0;
}

/* Does entry hold exactly the values the statement gives (an absent one absent)? */
static bool
seq_entry_same(struct conf_parse *p, const struct lyd_node *entry, const struct conf_cmd *c,
    const struct cli_match *m)
{
	char leaf[64], vbuf[256];
	struct lyd_node *n;
	const char *v;

	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		snprintf(leaf, sizeof(leaf), "%.*s", (int)strcspn(c->sets[i], "="), c->sets[i]);
		v = set_value(c->sets[i], m, vbuf, sizeof(vbuf));
		n = node_find(p, entry, leaf);
		if (v == NULL ? n != NULL : !node_holds(p, n, v))	/* as stored: 10.0.0.1/8 is 10.0.0.0/8 */
			return false;
	}
	return true;
}

/*
 * The entries of list (".../entry", keyed by seq): the highest seq, and the
 * entry identical to what the statement gives, or NULL.
 */
static uint32_t
seq_scan(struct conf_parse *p, const char *list, const struct conf_cmd *c,
    const struct cli_match *m, struct lyd_node **same)
{
	struct ly_set *set = NULL;
	uint32_t max = 0, seq;

	*same = NULL;
	if (p->tree == NULL || lyd_find_xpath(p->tree, list, &set) != LY_SUCCESS) {
		ly_err_clean(p->ctx, NULL);
		return 0;
	}
	for (uint32_t i = 0; i < set->count; i++) {
		seq = (uint32_t)strtoul(node_value(p, set->dnodes[i], "seq") ?: "0", NULL, 10);
		max = seq > max ? seq : max;
		if (*same == NULL && seq_entry_same(p, set->dnodes[i], c, m))
			*same = set->dnodes[i];
	}
	ly_set_free(set, NULL);
	return max;
}

/*
 * FRR's `ip prefix-list P permit X` and `bgp community-list standard C
 * permit X` without `seq`: the next multiple of 5 above the highest seq
 * (FRR's choice); an identical entry is not added again, and the "no" form
 * removes the identical one.
 */
static int
parse_seq_auto(struct conf_parse *p, const char *list, const struct conf_cmd *c,
    const struct cli_match *m, bool no)
{
	char path[CONF_PATH_MAX];
	struct lyd_node *same;
	uint32_t max = seq_scan(p, list, c, m, &same);

	if (no) {
		if (same == NULL) {
			parse_error(p, list, "no such entry");
			return -1;
		}
		if (snprintf(path, sizeof(path), "%s[seq='%s']", list, node_value(p, same, "seq")) <
		    (int)sizeof(path))
			parse_delete(p, path);
		return 0;
	}
	if (same != NULL)
		return 0;
	if (max > UINT32_MAX - 5) {
		parse_error(p, list, "no sequence number left after the highest; give 'seq N'");
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s[seq='%u']", list, max / 5 * 5 + 5) >= (int)sizeof(path))
		return -1;
	return parse_statement(p, path, c, m);
}

/* Run the statement found in frame fr (index i of the stack). */
static int
parse_run(struct conf_parse *p, int i, const struct conf_hit *h, bool no)
{
	struct conf_frame via = { 0 }, *fr = &p->stack[i];
	char path[CONF_PATH_MAX];

	p->depth = i;			/* a fallback closes the inner blocks */
	if (h->via != NULL) {
		via.mode = h->via->enter;
		if (conf_cmd_path(fr, h->via, &h->via_m, via.path, sizeof(via.path)) < 0)
			goto bad;
		fr = &via;
	}
	if (conf_cmd_path(fr, h->cmd, &h->m, path, sizeof(path)) < 0)
		goto bad;
	if (h->cmd->flags & CONF_IGNORED)
		return parse_ignore(p, h->cmd, no);
	if (h->cmd->flags & CONF_NEGATED)	/* "no SPEC" is the setting */
		return parse_negated(p, path, h->cmd, no);
	if (h->cmd->flags & CONF_BOOL)
		return parse_set(p, path, no ? "false" : "true");
	if (h->cmd->flags & CONF_SEQ_AUTO)
		return parse_seq_auto(p, path, h->cmd, &h->m, no);
	if (no)
		return parse_no(p, path, h->cmd, &h->m);
	if (!(h->cmd->flags & CONF_INLINE) && parse_statement(p, path, h->cmd, &h->m) < 0)
		return -1;
	if (h->cmd->enter != CONF_MODE_TOP && h->via == NULL && p->depth < CONF_DEPTH) {
		p->stack[++p->depth].mode = h->cmd->enter;
		snprintf(p->stack[p->depth].path, sizeof(p->stack[p->depth].path), "%s", path);
	}
	return 0;
bad:
	parse_error(p, fr->path[0] ? fr->path : "/", "a name or value holds a quote or is too long");
	return -1;
}

static bool
parse_block_end(struct conf_parse *p, char **w, int n)
{
	if (n != 1)
		return false;
	if (strcmp(w[0], "end") == 0)
		p->depth = 0;
	else if (strcmp(w[0], "exit") == 0 || strcmp(w[0], "exit-address-family") == 0)
		p->depth -= p->depth > 0;
	else
		return false;
	return true;
}

/* No statement fits: name the block (or inline neighbor) and say why. */
static void
parse_explain(struct conf_parse *p, int at, const struct conf_miss *miss, char **w, int n)
{
	struct conf_frame via = p->stack[at];
	char msg[512];

	if (miss->via != NULL && conf_cmd_path(&p->stack[at], miss->via, &miss->via_m,
	    via.path, sizeof(via.path)) == 0)
		via.mode = miss->via->enter;
	else
		via = p->stack[at];
	if (miss->via != NULL && via.mode == miss->via->enter)
		conf_explain(via.mode, w + miss->skip, n - miss->skip, miss->depth - miss->skip,
		    msg, sizeof(msg));
	else
		conf_explain(via.mode, w, n, miss->depth, msg, sizeof(msg));
	parse_error(p, via.path[0] ? via.path : "/", msg);
}

/* Split; 0 words for blank lines, comments and block ends; -1 on error. */
static int
parse_words(struct conf_parse *p, const char *line, char *buf, size_t len, char **w)
{
	int n;

	if (strlen(line) >= len - 1) {
		parse_error(p, "/", "line longer than 1022 bytes");
		return -1;
	}
	snprintf(buf, len, "%s", line);
	if ((n = cmd_split(buf, w, CMD_MAX_WORDS)) < 0) {
		parse_error(p, "/", "too many words");
		return -1;
	}
	if (n == 0 || w[0][0] == '!' || w[0][0] == '#' || parse_block_end(p, w, n))
		return 0;
	return n;
}

int
conf_parse_line(struct conf_parse *p, const char *line)
{
	char buf[1024], *w[CMD_MAX_WORDS];
	struct conf_miss miss, best = { 0 };
	int n, at = p->depth, rv;
	struct conf_hit h;
	bool no;

	p->line++;
	p->text = line;
	if ((n = parse_words(p, line, buf, sizeof(buf), w)) <= 0)
		return n;
	no = strcmp(w[0], "no") == 0;
	for (int i = p->depth; i >= 0; i--) {	/* this block, then the enclosing ones */
		rv = conf_cmd_find(p->stack[i].mode, w + no, n - no, no, &h, &miss);
		if (rv == 0)
			return parse_run(p, i, &h, no);
		if (rv == -EEXIST) {
			parse_error(p, p->stack[i].path[0] ? p->stack[i].path : "/", "ambiguous command");
			return -1;
		}
		if (miss.depth > best.depth)
			best = miss, at = i;
	}
	parse_explain(p, at, &best, w + no, n - no);
	return -1;
}

/*
 * The lines that parsed are validated even when others did not, so one run
 * reports both kinds (`ipip-bgpd -C`: a typo and a missing remote-as). A
 * line that failed set nothing: what depends on it is reported too.
 */
int
conf_parse_finish(struct conf_parse *p, struct lyd_node **out)
{
	conf_validate(p->ctx, &p->tree, p, p->where, p->err, p->arg, &p->errors);
	if (p->errors > 0)
		return p->errors;
	*out = p->tree;
	p->tree = NULL;
	return 0;
}
