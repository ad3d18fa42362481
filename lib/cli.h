/*
 * lib/cli.h - matching command words against specs: the one matcher used by
 * the shell's command table and by the configuration grammar (conf/), so the
 * file parser, the shell, TAB completion and '?' help cannot disagree.
 *
 * A spec is a line of tokens such as
 *	"ip prefix-list NAME seq (1-4294967295) permit|deny A.B.C.D/M [ge (0-32)] [le (0-32)]"
 * - lower-case words are keywords; abbreviations match while unambiguous;
 *   "a|b|c" is a choice of keywords;
 * - upper-case tokens are arguments: A.B.C.D (IPv4 address), A.B.C.D/M
 *   (prefix), (LOW-HIGH) (decimal range), NAME (starts with a letter or '_'),
 *   LINE (the rest of the line, one or more words), any other (WORD, ASN...):
 *   one word of anything;
 * - brackets make a token or a group of tokens optional: "[json]", "[ge (0-32)]".
 * Nothing here knows BGP; nothing allocates.
 */
#ifndef IPIP_LIB_CLI_H
#define IPIP_LIB_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define CMD_MAX_TOKENS	24
#define CMD_MAX_WORDS	64

struct vty;

struct cmd_arg {
	char		 token[32];	/* the spec's token: "json", "A.B.C.D" */
	int		 index;		/* its position in the spec, from 0 */
	const char	*value;		/* the word the user typed (borrowed) */
	char		 word[32];	/* a keyword in full ("permit" for "perm") */
	int		 nwords;	/* LINE: how many words value starts */
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
/* The argument at spec position index, or NULL. */
const struct cmd_arg *cli_arg_at(const struct cmd_args *, int index);

/* Split a line into words in place; -1 if there are too many. */
int	cmd_split(char *line, char **words, int max);

/* Find the one command the words name and collect its arguments. */
enum cmd_status cmd_lookup(const struct cmd_def *table, size_t n, char **words,
	    int nwords, const struct cmd_def **found, struct cmd_args *args);

/* A candidate for the word being typed: a keyword or an argument token. */
struct cmd_choice {
	char		 token[32];
	char		 help[96];
	char		 after[32];	/* the spec token before this one ("neighbors"):
					   what an argument names, for value completion */
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

/* --- one spec at a time, for tables of other shapes (conf/) --- */

#define CLI_LOOSE	0x1	/* arguments match by shape only: "0" fits (1-10),
				   "10.1.0.300" fits A.B.C.D; the caller validates */

enum cli_status { CLI_NONE, CLI_INCOMPLETE, CLI_FULL };

struct cli_match {
	enum cli_status	 status;
	int		 score;		/* higher: more specific (full keywords, typed args) */
	int		 depth;		/* words matched before the first that did not fit */
	struct cmd_args	 args;
};

void	cli_spec_match(const char *spec, char **words, int nwords, unsigned flags,
	    struct cli_match *out);
/*
 * Add to out[*n..max) the choices spec offers after words[] (see cmd_choices);
 * sets *complete when words[] is a whole command of this spec.
 */
void	cli_spec_choices(const char *spec, const char *help, char **words, int nwords,
	    const char *partial, unsigned flags, struct cmd_choice *out, size_t *n,
	    size_t max, bool *complete);

#endif
