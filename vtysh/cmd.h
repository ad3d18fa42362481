/*
 * vtysh/cmd.h - the shell's command table: matching, arguments, completion.
 *
 * A command is a spec such as "show bgp neighbors [A.B.C.D] [json]": words are
 * keywords (abbreviations allowed while unambiguous), upper-case tokens are
 * arguments (A.B.C.D, A.B.C.D/M, WORD, (LOW-HIGH)), and a token in brackets
 * may be left out. Matching, TAB completion and '?' help all walk the same
 * table, so they cannot disagree.
 */
#ifndef IPIP_VTYSH_CMD_H
#define IPIP_VTYSH_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define CMD_MAX_TOKENS	16
#define CMD_MAX_WORDS	32

struct vty;

struct cmd_arg {
	char		 token[32];	/* the spec's token: "json", "A.B.C.D" */
	const char	*value;		/* the word the user typed (borrowed) */
};

struct cmd_args {
	int		 n;
	struct cmd_arg	 v[CMD_MAX_TOKENS];
};

struct cmd_def {
	const char	*spec;
	const char	*help;		/* one line per token, each ending in \n */
	int		(*run)(struct vty *, const struct cmd_args *);
};

enum cmd_status {
	CMD_OK = 0,
	CMD_UNKNOWN,		/* "% Unknown command" */
	CMD_AMBIGUOUS,		/* "% Ambiguous command" */
	CMD_INCOMPLETE,		/* "% Command incomplete" */
};

/* The word's value for token, or NULL when the token was not given. */
const char *cmd_arg(const struct cmd_args *, const char *token);
static inline bool
cmd_has(const struct cmd_args *a, const char *token)
{
	return cmd_arg(a, token) != NULL;
}

/* Split a line into words in place; -1 if there are too many. */
int	cmd_split(char *line, char **words, int max);

/* Find the one command the words name and collect its arguments. */
enum cmd_status cmd_lookup(const struct cmd_def *table, size_t n, char **words,
	    int nwords, const struct cmd_def **found, struct cmd_args *args);

/* A candidate for the word being typed: a keyword or an argument token. */
struct cmd_choice {
	char		 token[32];
	char		 help[96];
};
/*
 * Everything that may follow words[0..nwords) and starts with partial
 * (a keyword matches by prefix; argument tokens are always listed).
 * *complete says whether words[] already is a whole command (<cr>).
 * Returns the number of distinct choices written (at most max).
 */
size_t	cmd_choices(const struct cmd_def *table, size_t n, char **words,
	    int nwords, const char *partial, struct cmd_choice *out, size_t max,
	    bool *complete);

#endif
