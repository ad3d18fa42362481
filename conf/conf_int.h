/*
 * conf/conf_int.h - what the files of conf/ share: the grammar table and its lookup.
 *
 * One table entry per statement: its FRR spec (lib/cli.h), the YANG node it
 * sets (a path relative to the block's node, "$N" standing for the word at
 * spec position N), the child leaves it sets, and the block it opens. The
 * parser, the printer and completion all read this table.
 */
#ifndef IPIP_CONF_INT_H
#define IPIP_CONF_INT_H

#include "conf/conf.h"

#define CONF_PATH_MAX	512
#define CONF_SETS_MAX	4

#define M(x)		(1u << CONF_MODE_##x)

enum {
	CONF_INLINE	= 0x1,	/* opens its block for the rest of the line only:
				   "neighbor 10.0.0.2 remote-as 1" */
	CONF_NO_ONLY	= 0x2,	/* only as "no ..." (deletes; prints nothing) */
	CONF_WORDS	= 0x4,	/* a leaf-list: each word of LINE is an entry */
	CONF_IF_FILLED	= 0x8,	/* a block printed only when it holds something */
	CONF_NEGATED	= 0x10,	/* a boolean leaf, default true: "no SPEC" sets it
				   false, SPEC deletes it; printed as "no SPEC". With
				   sets ("leaf"), each leaf under path instead */
	CONF_BOOL	= 0x20,	/* a boolean leaf without default: SPEC sets it true,
				   "no SPEC" false; printed as SPEC or "no SPEC" */
	CONF_IGNORED	= 0x40,	/* FRR-only housekeeping: warned about, not stored,
				   never printed; may open a block of its own */
	CONF_NO_PRINT	= 0x80,	/* parsed, but another entry prints what it sets */
	CONF_SEQ_AUTO	= 0x100,	/* path names a list keyed by seq, left out of
				   the statement: FRR's next multiple of 5, an
				   identical entry not added twice, "no" removes it */
	CONF_NO_NAMES	= 0x200,	/* "no SPEC VALUE..." names what it removes: the
				   values must be those set (FRR: `no router bgp
				   65009`, `no bgp router-id X`, a list entry's
				   action); without it a "no" ignores its values,
				   as FRR's `no neighbor X description TEXT` does */
};

struct conf_cmd {
	unsigned	 modes;		/* M(TOP) | ... */
	const char	*spec;
	const char	*help;		/* one line per token */
	const char	*path;		/* "" = the block's own node */
	const char	*sets[CONF_SETS_MAX];	/* "leaf=$N"; "=$N" sets the node itself;
					   "leaf" makes an empty leaf present */
	enum conf_mode	 enter;		/* block opened, or CONF_MODE_TOP for none */
	unsigned	 flags;
	const char	*close;		/* printed after the block: "exit" */
	const char	*dflt;		/* "$N" when its optional argument is left out
					   (FRR's bare `allowas-in` is 3); printed bare */
	const char	*fixed;		/* the value of sets[0] cannot change once made
					   (in the shell; a reload of the file may):
					   this refusal, then the value it has */
};

extern const struct conf_cmd conf_cmds[];
extern const size_t conf_ncmds;

/* A block being parsed or printed: its mode and its node's data path. */
struct conf_frame {
	enum conf_mode	mode;
	char		path[CONF_PATH_MAX];
};

/* The statement words name in a mode, with inline blocks followed. */
struct conf_hit {
	const struct conf_cmd	*cmd;
	struct cli_match	 m;
	const struct conf_cmd	*via;		/* the inline block opener, or NULL */
	struct cli_match	 via_m;
	int			 skip;		/* words taken by via */
};

/* Where the closest statement stopped fitting: for the error message. */
struct conf_miss {
	int			 depth;		/* words that fitted */
	const struct conf_cmd	*via;		/* inside this inline block, or NULL */
	struct cli_match	 via_m;
	int			 skip;		/* words via took */
};

/*
 * Find the statement; no = a "no" form (a prefix naming the node is enough).
 * 0, -EINVAL (nothing fits; *miss says how far it got), -EEXIST (ambiguous).
 */
int	conf_cmd_find(enum conf_mode, char **words, int n, bool no,
	    struct conf_hit *, struct conf_miss *miss);
/* Expand cmd->path with the hit's arguments after frame; -ENAMETOOLONG, -EINVAL. */
int	conf_cmd_path(const struct conf_frame *, const struct conf_cmd *,
	    const struct cli_match *, char *out, size_t len);
/* The value for "$N": a keyword in full, a LINE joined with spaces. NULL if absent. */
const char *conf_arg_value(const struct cli_match *, int index, char *buf, size_t len);

#endif
