/*
 * vtysh/vty.h - one shell session: where it writes, its link to the daemon.
 */
#ifndef IPIP_VTYSH_VTY_H
#define IPIP_VTYSH_VTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"
#include "lib/compiler.h"
#include "vtysh/cmd.h"

struct ctl_client;
struct ly_ctx;

#define VTY_DEPTH	4

/* An open configuration block: its mode and the line that opened it. */
struct vty_frame {
	enum conf_mode	mode;
	char		line[256];
};

struct vty {
	const char		*sock;
	struct ctl_client	*cl;		/* connected on first use */
	FILE			*out;
	bool			 quit;		/* "exit" was typed */
	bool			 unreachable;	/* the daemon could not be reached */
	/* A `... json` command that fails prints JSON on stdout too (vty_run_def). */
	bool			 json;		/* the command running asked for json */
	const char		*json_fail;	/* FRR's JSON for this failure (static), or NULL */
	char			 json_msg[512];	/* else the first message: {"warning": msg} */
	/* configure terminal (config.c) */
	bool			 config;	/* in configuration mode */
	int			 depth;		/* frames[0] is the top level */
	struct vty_frame	 frames[VTY_DEPTH];
	struct ly_ctx		*yang;		/* loaded on first use (show running-config) */
};

/* The shell's commands (commands.c). */
extern const struct cmd_def vtysh_commands[];
extern const size_t vtysh_ncommands;

/*
 * Print "% message" on stderr; returns -1 for `return vty_error(...)`. The
 * one place that adds "% ": messages (the daemon's too) come without it.
 * In a json command, the first message becomes {"warning": message}, which
 * vty_run_def prints on stdout when the command fails.
 */
int	vty_error(struct vty *, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The same, with the JSON a json command prints instead (FRR's: "{}" ...; static). */
int	vty_error_json(struct vty *, const char *json, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Connect if not yet connected; 0 or -1 after saying why. */
int	vty_connect(struct vty *);
/* The same, silent, leaving unreachable alone (for TAB); 0 or -1. */
int	vty_connect_quiet(struct vty *);
/*
 * The daemon could not be reached: the first connect failed, or it went
 * away and connecting again failed (ipip-vtysh then exits 2).
 */
bool	vty_unreachable(const struct vty *);
/* A request answered by exactly one record of size bytes. 0 or -1 (said). */
int	vty_request_one(struct vty *, uint16_t type, void *rec, size_t size);
/* The same with a request payload (req, len). */
int	vty_request_one_with(struct vty *, uint16_t type, const void *req, size_t len,
	    void *rec, size_t size);
/*
 * A request answered by text records; *out (caller frees, may be set on
 * failure) gets their concatenation. 0; -1 with err; -2 when not connected (said).
 */
int	vty_request_text(struct vty *, uint16_t type, const char *payload, size_t len,
	    char **out, char *err, size_t errlen);
/* Parse and run one line; 0 when it ran (or was empty), -1 when it failed. */
int	vty_execute(struct vty *, const char *line);
/* Run split words as a (non-configuration) command. */
int	vty_run_words(struct vty *, const char *line, char **words, int n);
/* Run a found command; a failed json command still prints JSON on v->out. */
int	vty_run_def(struct vty *, const struct cmd_def *, const struct cmd_args *);

/* Configuration (config.c). */
int	vty_config_execute(struct vty *, const char *line, char **words, int n);
/*
 * Send text lines as one change; print the daemon's errors, as FILE:LINE
 * when the lines are file's (NULL: typed lines). 0 when applied.
 */
int	vty_config_send(struct vty *, const char *text, const char *file);
/* -f FILE: the whole file as one change. */
int	vty_config_file(struct vty *, const char *path);
/* The prompt's mode part: "" or "(config-router)". */
const char *vty_prompt_mode(const struct vty *, char *buf, size_t len);
/* Release what the session holds. */
void	vty_free(struct vty *);
int	vtysh_show_running(struct vty *, const struct cmd_args *);
int	vtysh_configure(struct vty *, const struct cmd_args *);
int	vtysh_reload(struct vty *, const struct cmd_args *);
int	vtysh_write(struct vty *, const struct cmd_args *);
int	vtysh_graceful_restart(struct vty *, const struct cmd_args *);

#endif
