/*
 * conf/print.c - a tree back to FRR text with the grammar table, so what
 * 'show running-config' prints parses back to the same tree; and the YANG
 * JSON/XML printers. Blocks come in table order; within a block, nodes in
 * tree order.
 */
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "conf/conf_int.h"
#include "conf/conf_yang.h"
#include "lib/log.h"

#define SLOTS	CMD_MAX_TOKENS

struct printer {
	const struct lyd_node	*tree;
	FILE			*out;
	bool			 top_sep;	/* a '!' is due before the next top-level block */
};

static void print_block(struct printer *, const char *path, enum conf_mode, int indent,
    const char *prefix);

/* Template "/a[k='$1']/b" against "/a[k='x']/b": slot[1] = "x". */
static bool
template_match(const char *t, const char *d, char slot[SLOTS][256])
{
	while (*t && *d) {
		if (*t == '$') {
			int n = atoi(t + 1);
			size_t len = strcspn(d, "'");

			while (t[1] >= '0' && t[1] <= '9')
				t++;
			t++;
			if (n >= 0 && n < SLOTS)
				snprintf(slot[n], 256, "%.*s", (int)len, d);
			d += len;
			continue;
		}
		if (*t++ != *d++)
			return false;
	}
	return *t == '\0' && *d == '\0';
}

/* "/a[k='$1']/b" -> "/a/b" */
static void
strip_predicates(const char *s, char *out, size_t len)
{
	size_t o = 0;
	int depth = 0;

	for (; *s && o + 1 < len; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']')
			depth--;
		else if (depth == 0)
			out[o++] = *s;
	}
	out[o] = '\0';
}

static void
join_path(const char *frame, const char *rel, char *out, size_t len)
{
	if (snprintf(out, len, "%s%s%s", frame, rel[0] ? "/" : "", rel) >= (int)len)
		out[0] = '\0';		/* too long: matches nothing */
}

/* The values "leaf=$N" take from the node's children. */
static void
slots_from_sets(const struct conf_cmd *c, const struct lyd_node *node, char slot[SLOTS][256])
{
	for (int i = 0; i < CONF_SETS_MAX && c->sets[i]; i++) {
		const char *set = c->sets[i], *d = strchr(set, '$');
		size_t leaflen = strcspn(set, "=");
		const struct lyd_node *v = node;
		char leaf[64];
		int n = d ? atoi(d + 1) : -1;

		if (leaflen > 0) {
			snprintf(leaf, sizeof(leaf), "%.*s", (int)leaflen, set);
			if (lyd_find_path(node, leaf, 0, (struct lyd_node **)&v) != LY_SUCCESS)
				continue;
		}
		if (c->dflt != NULL && lyd_get_value(v) != NULL &&
		    strcmp(lyd_get_value(v), c->dflt) == 0)
			continue;		/* the bare form says it */
		if (n >= 0 && n < SLOTS && lyd_get_value(v) != NULL)
			snprintf(slot[n], 256, "%s", lyd_get_value(v));
	}
}

/* Does the optional group of tokens from..to hold a filled slot? */
static bool
group_filled(char **tok, int from, int to, char slot[SLOTS][256])
{
	for (int i = from; i <= to; i++)
		if (i < SLOTS && slot[i][0] != '\0')
			return true;
	return false;
}

static void
render_spec(const char *spec, char slot[SLOTS][256], char *out, size_t len)
{
	char buf[256], *tok[SLOTS], *save = NULL;
	int n = 0;
	size_t o = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *w = strtok_r(buf, " ", &save); w && n < SLOTS; w = strtok_r(NULL, " ", &save))
		tok[n++] = w;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int end = i;

		if (tok[i][0] == '[') {
			while (end < n - 1 && tok[end][strlen(tok[end]) - 1] != ']')
				end++;
			if (!group_filled(tok, i, end, slot)) {
				i = end;
				continue;
			}
		}
		for (; i <= end; i++) {
			char t[96];

			snprintf(t, sizeof(t), "%s", tok[i] + (tok[i][0] == '['));
			t[strcspn(t, "]")] = '\0';
			o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s", o ? " " : "",
			    slot[i][0] ? slot[i] : t);
		}
		i = end;
	}
}

static void
print_line(struct printer *p, int indent, const char *prefix, const char *line)
{
	fprintf(p->out, "%*s%s%s\n", indent, "", prefix, line);
	if (indent == 0)
		p->top_sep = true;
}

/* A block: header, its statements one space deeper, the closing line. */
static void
print_opened(struct printer *p, const struct conf_cmd *c, const char *path, int indent,
    const char *line)
{
	struct printer sub = *p;
	char *body = NULL;
	size_t len = 0;

	if ((sub.out = open_memstream(&body, &len)) == NULL)
		fatal("config");
	print_block(&sub, path, c->enter, indent + 1, "");
	fclose(sub.out);
	if (len > 0 || !(c->flags & CONF_IF_FILLED)) {
		if (indent == 0 && p->top_sep)
			fputs("!\n", p->out);
		fprintf(p->out, "%*s%s\n%s%*s%s\n", indent, "", line, body, indent, "", c->close);
		if (indent == 0)
			fputs("!\n", p->out), p->top_sep = false;
	}
	free(body);
}

static void
print_node(struct printer *p, const struct conf_cmd *c, const char *tmpl,
    const struct lyd_node *node, int indent, const char *prefix)
{
	char slot[SLOTS][256] = { { 0 } }, line[512], sub[600];
	char *dpath = lyd_path(node, LYD_PATH_STD, NULL, 0);

	if (dpath == NULL || !template_match(tmpl, dpath, slot)) {
		free(dpath);
		return;
	}
	slots_from_sets(c, node, slot);
	render_spec(c->spec, slot, line, sizeof(line));
	if (c->flags & (CONF_NEGATED | CONF_BOOL)) {
		if (strcmp(lyd_get_value(node), "false") == 0) {
			snprintf(sub, sizeof(sub), "no %s", prefix);	/* no neighbor X ... */
			print_line(p, indent, sub, line);
		} else if (c->flags & CONF_BOOL)
			print_line(p, indent, prefix, line);
	} else if (c->enter != CONF_MODE_TOP && (c->flags & CONF_INLINE)) {
		snprintf(sub, sizeof(sub), "%s%s ", prefix, line);
		print_block(p, dpath, c->enter, indent, sub);
	} else if (c->enter != CONF_MODE_TOP) {
		print_opened(p, c, dpath, indent, line);
	} else {
		print_line(p, indent, prefix, line);
	}
	free(dpath);
}

/* A leaf-list statement: every entry on one line. */
static void
print_words(struct printer *p, const struct conf_cmd *c, const struct ly_set *set,
    int indent, const char *prefix)
{
	char slot[SLOTS][256] = { { 0 } }, line[512];
	size_t o = 0;
	int n = atoi(strchr(c->sets[0], '$') + 1);

	for (uint32_t i = 0; i < set->count && n < SLOTS; i++)
		o += (size_t)snprintf(slot[n] + o, o < 256 ? 256 - o : 0, "%s%s", i ? " " : "",
		    lyd_get_value(set->dnodes[i]));
	render_spec(c->spec, slot, line, sizeof(line));
	print_line(p, indent, prefix, line);
}

static void
print_cmd(struct printer *p, const struct conf_cmd *c, const char *path, int indent,
    const char *prefix)
{
	char tmpl[CONF_PATH_MAX], xpath[CONF_PATH_MAX];
	struct ly_set *set = NULL;
	uint32_t i;

	char rel[CONF_PATH_MAX];

	join_path(path, c->path, tmpl, sizeof(tmpl));
	strip_predicates(c->path, rel, sizeof(rel));		/* every instance in this block */
	join_path(path, rel, xpath, sizeof(xpath));
	if (xpath[0] == '\0' || lyd_find_xpath(p->tree, xpath, &set) != LY_SUCCESS) {
		ly_set_free(set, NULL);
		return;
	}
	for (i = 0; i < set->count; i++)
		if (set->dnodes[i]->flags & LYD_DEFAULT)
			ly_set_rm_index(set, i--, NULL);
	if ((c->flags & CONF_WORDS) && set->count > 0)
		print_words(p, c, set, indent, prefix);
	else
		for (i = 0; i < set->count; i++)
			print_node(p, c, tmpl, set->dnodes[i], indent, prefix);
	ly_set_free(set, NULL);
}

static void
print_block(struct printer *p, const char *path, enum conf_mode mode, int indent,
    const char *prefix)
{
	for (size_t i = 0; i < conf_ncmds; i++) {
		const struct conf_cmd *c = &conf_cmds[i];

		if (!(c->modes & (1u << mode)) ||
		    (c->flags & (CONF_NO_ONLY | CONF_IGNORED | CONF_NO_PRINT)))
			continue;
		if (c->path[0] == '\0' && c->enter != CONF_MODE_TOP)
			print_opened(p, c, path, indent, c->spec);	/* address-family */
		else if (c->path[0] == '\0')
			print_line(p, indent, prefix, c->spec);		/* neighbor PG peer-group */
		else
			print_cmd(p, c, path, indent, prefix);
	}
}

int
conf_print(const struct lyd_node *tree, enum conf_fmt fmt, FILE *out)
{
	struct printer p = { .tree = tree, .out = out };

	if (fmt == CONF_FMT_TEXT) {
		if (tree != NULL)
			print_block(&p, "", CONF_MODE_TOP, 0, "");
	} else if (tree == NULL) {
		fputs(fmt == CONF_FMT_JSON ? "{\n}\n" : "", out);
	} else if (lyd_print_file(out, tree, fmt == CONF_FMT_JSON ? LYD_JSON : LYD_XML,
	    LYD_PRINT_WITHSIBLINGS) != LY_SUCCESS) {
		return -1;
	}
	return ferror(out) ? -1 : 0;
}
