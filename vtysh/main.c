/*
 * vtysh/main.c - ipip-vtysh: options, the interactive loop (readline: history,
 * TAB completion of keywords and of the daemon's values (complete.h), '?'
 * help), and -c for scripts. Exit status: 0 when every
 * command ran, 1 when one failed, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "config.h"
#include "lib/ctlmsg.h"
#include "vtysh/client.h"
#include "vtysh/complete.h"
#include "vtysh/vty.h"

#define MAX_C_OPTS	64


static void
usage(FILE *to)
{
	fprintf(to,
	    "Usage: ipip-vtysh [-S SOCKET] [-c COMMAND]... [-f FILE]\n"
	    "Shell for ipip-bgpd, in the manner of FRR's vtysh.\n\n"
	    "  -c, --command CMD   run CMD and exit (repeatable; stops at the first failure)\n"
	    "  -f, --file FILE     apply FILE's configuration statements as one change\n"
	    "  -S, --socket PATH   daemon's control socket (default " IPIP_CTLSOCK ")\n"
	    "  -V, --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n\n"
	    "Without -c, commands are read from the terminal (TAB completes keywords and\n"
	    "the neighbors, tunnels and config names the daemon knows, '?' lists choices)\n"
	    "or, when standard input is not a terminal, one per line from it.\n"
	    "A failed '... json' command still prints JSON on stdout (the reason on stderr).\n"
	    "Exit status: 0 success, 1 a command failed, 2 usage or connection error.\n");
}

/* Split the line before the cursor into whole words and the word being typed. */
static int
line_words(const char *line, int upto, char *buf, size_t len, char **words,
    const char **partial)
{
	int n;

	snprintf(buf, len, "%.*s", upto, line);
	*partial = "";
	if (upto > 0 && buf[upto - 1] != ' ') {
		char *sp = strrchr(buf, ' ');

		*partial = sp ? sp + 1 : buf;
		if (sp)
			*sp = '\0';
		else
			buf[0] = '\0';
	}
	n = cmd_split(buf, words, CMD_MAX_WORDS);
	return n;
}

static struct cmd_choice shell_choice[64];
static size_t shell_nchoice;
static char shell_value[1024][VTY_VALUE_LEN];	/* the daemon's values; typing narrows */
static size_t shell_nvalue;
static struct vty *shell_vty;		/* the session readline's callbacks serve */

/* Choices in the shell's current mode: commands, or config statements. */
static size_t
shell_choices(char **words, int n, const char *partial, struct cmd_choice *out, size_t max,
    bool *complete)
{
	static const struct cmd_def config_extra[] = {
		{ "end", "Leave configuration mode\n", NULL },
		{ "exit", "Leave this block\n", NULL },
		{ "do LINE", "Run a shell command\nCommand\n", NULL },
	};
	size_t nc;
	bool more;

	if (shell_vty == NULL || !shell_vty->config)
		return cmd_choices(vtysh_commands, vtysh_ncommands, words, n, partial, out, max,
		    complete);
	nc = conf_choices(shell_vty->frames[shell_vty->depth].mode, words, n, partial, out, max,
	    complete);
	nc += cmd_choices(config_extra, sizeof(config_extra) / sizeof(config_extra[0]), words, n,
	    partial, out + nc, max - nc, &more);
	*complete |= more;
	return nc;
}

/* Keywords, then the values the daemon knows for the arguments (complete.h). */
static char *
shell_generator(const char *text, int state)
{
	static size_t i, j;

	if (state == 0)
		i = j = 0;
	while (i < shell_nchoice) {
		const char *t = shell_choice[i++].token;

		if (t[0] >= 'a' && t[0] <= 'z')		/* keywords; A.B.C.D is a placeholder */
			return strdup(t);
	}
	if (j < shell_nvalue)
		return strdup(shell_value[j++]);
	return NULL;
}

static char **
shell_complete(const char *text, int start, int end)
{
	char buf[1024], *words[CMD_MAX_WORDS];
	const char *partial;
	bool complete;
	int n;

	rl_attempted_completion_over = 1;
	if ((n = line_words(rl_line_buffer, start, buf, sizeof(buf), words, &partial)) < 0)
		return NULL;
	shell_nchoice = shell_choices(words, n, text, shell_choice,
	    sizeof(shell_choice) / sizeof(shell_choice[0]), &complete);
	shell_nvalue = vty_values_complete(shell_vty, shell_choice, shell_nchoice, text,
	    shell_value, sizeof(shell_value) / sizeof(shell_value[0]));
	return rl_completion_matches(text, shell_generator);
}

/* Under an argument's help line, the values the daemon knows for it. */
static void
shell_help_values(const struct cmd_choice *c, const char *partial)
{
	size_t nv = vty_values_complete(shell_vty, c, 1, partial, shell_value,
	    sizeof(shell_value) / sizeof(shell_value[0]));

	for (size_t i = 0; i < nv; i++)			/* four to a line */
		printf("%s%-16s", i % 4 ? " " : i ? "\n    " : "    ", shell_value[i]);
	if (nv > 0)
		printf("\n");
}

/* '?': list what may come next, with help, then redraw the line. */
static int
shell_help(int count, int key)
{
	char buf[1024], *words[CMD_MAX_WORDS];
	struct cmd_choice ch[64];
	const char *partial;
	bool complete;
	size_t nc;
	int n;

	if ((n = line_words(rl_line_buffer, rl_point, buf, sizeof(buf), words, &partial)) < 0)
		return 0;
	nc = shell_choices(words, n, partial, ch, sizeof(ch) / sizeof(ch[0]), &complete);
	printf("\n");
	for (size_t i = 0; i < nc; i++) {
		printf("  %-16s %s\n", ch[i].token, ch[i].help);
		shell_help_values(&ch[i], partial);
	}
	if (complete)
		printf("  %-16s\n", "<cr>");
	if (nc == 0 && !complete)
		printf("%% There is no matched command.\n");
	rl_on_new_line();
	return 0;
}

static const char *
history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");

	if (home == NULL)
		return NULL;
	snprintf(buf, len, "%s/.history_ipip-vtysh", home);
	return buf;
}

/* "host# ", "host(config-router)# "; ask asks the daemon for the host name. */
static int
shell_prompt(struct vty *v, bool ask, char *prompt, size_t len)
{
	static struct ctl_daemon d;
	char mode[64];

	if (ask && vty_request_one(v, CTL_SHOW_DAEMON, &d, sizeof(d)) < 0)
		return -1;
	CTL_STR_FIX(d.hostname);
	snprintf(prompt, len, "%s%s# ", d.hostname, vty_prompt_mode(v, mode, sizeof(mode)));
	return 0;
}

static int
interactive(struct vty *v)
{
	char prompt[160], hist[512];
	const char *hp = history_path(hist, sizeof(hist));
	bool edits;
	char *line;

	if (shell_prompt(v, true, prompt, sizeof(prompt)) < 0)
		return 2;
	shell_vty = v;
	rl_readline_name = "ipip-vtysh";
	rl_attempted_completion_function = shell_complete;
	rl_bind_key('?', shell_help);
	if (hp)
		read_history(hp);
	while (!v->quit && (line = readline(prompt)) != NULL) {
		if (line[0] != '\0')
			add_history(line);
		edits = v->config;
		vty_execute(v, line);
		free(line);
		(void)shell_prompt(v, edits && !v->unreachable, prompt, sizeof(prompt));
	}
	if (hp)
		write_history(hp);
	return 0;
}

/* Commands one per line from a pipe: stop at the first failure. */
static int
from_stdin(struct vty *v)
{
	char *line = NULL;
	size_t cap = 0;
	int rv = 0;

	while (!v->quit && getline(&line, &cap, stdin) > 0)
		if (vty_execute(v, line) < 0) {
			rv = 1;
			break;
		}
	free(line);
	return rv;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmds[MAX_C_OPTS], *file = NULL;
	struct vty v = { .sock = IPIP_CTLSOCK, .out = stdout };
	int ch, ncmds = 0, rv = 0;

	while ((ch = getopt_long(argc, argv, "c:f:S:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (ncmds == MAX_C_OPTS) {
				fprintf(stderr, "ipip-vtysh: at most %d -c commands\n", MAX_C_OPTS);
				return 2;
			}
			cmds[ncmds++] = optarg;
			break;
		case 'f': file = optarg; break;
		case 'S': v.sock = optarg; break;
		case 'V': printf("ipip-vtysh %s (%s)\n", PACKAGE_VERSION, IPIP_GIT_REV); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipip-vtysh: unexpected argument '%s' (commands go after -c)\n",
		    argv[optind]);
		return 2;
	}
	if (file != NULL) {
		rv = vty_config_file(&v, file) < 0 ? 1 : 0;
	} else if (ncmds > 0) {
		for (int i = 0; i < ncmds && rv == 0 && !v.quit; i++)
			rv = vty_execute(&v, cmds[i]) < 0 ? 1 : 0;
	} else if (isatty(STDIN_FILENO)) {
		rv = interactive(&v);
	} else {
		rv = from_stdin(&v);
	}
	if (vty_unreachable(&v))
		rv = 2;
	vty_free(&v);
	return rv;
}
