/*
 * conf/conf_yang.h - libyang glue shared inside conf/: the context, error
 * text in plain words, validation with errors mapped to lines.
 */
#ifndef IPIP_CONF_YANG_H
#define IPIP_CONF_YANG_H

#include "conf/conf_int.h"

struct conf_parse;

/* The last libyang error in plain words (never empty). */
void	conf_ly_msg(const struct ly_ctx *, char *buf, size_t len);
/* The '/' starting the last step of a data path (quotes respected), or NULL. */
char	*conf_path_last_slash(char *path);
/* The line that set the node at path (or an ancestor), 0 if none (parse.c). */
unsigned conf_parse_line_of(const struct conf_parse *, const char *path);
/*
 * Validate *tree (libyang may add default nodes); on failure report the
 * error, its line found through p (may be NULL), and add one to *errors.
 */
void	conf_validate(struct ly_ctx *, struct lyd_node **tree, const struct conf_parse *p,
	    const char *where, conf_err_fn *, void *arg, int *errors);
/* Why no statement fits words (depth of them did): one line. */
void	conf_explain(enum conf_mode, char **words, int n, int depth, char *msg, size_t len);

/* The modules, built from yang/ipip-bgpd*.yang (yang_embed.c). */
extern const char conf_yang_types[];
extern const char conf_yang_main[];

#endif
