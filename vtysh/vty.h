/*
 * vtysh/vty.h - one shell session: where it writes, its link to the daemon.
 */
#ifndef IPIP_VTYSH_VTY_H
#define IPIP_VTYSH_VTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/compiler.h"
#include "vtysh/cmd.h"

struct ctl_client;

struct vty {
	const char		*sock;
	struct ctl_client	*cl;		/* connected on first use */
	FILE			*out;
	bool			 quit;		/* "exit" was typed */
	bool			 unreachable;	/* the daemon could not be reached */
};

/* The shell's commands (commands.c). */
extern const struct cmd_def vtysh_commands[];
extern const size_t vtysh_ncommands;

/* Print "% message" on stderr; returns -1 for `return vty_error(...)`. */
int	vty_error(struct vty *, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Connect if not yet connected; 0 or -1 after saying why. */
int	vty_connect(struct vty *);
/* A request answered by exactly one record of size bytes. 0 or -1 (said). */
int	vty_request_one(struct vty *, uint16_t type, void *rec, size_t size);
/* Parse and run one line; 0 when it ran (or was empty), -1 when it failed. */
int	vty_execute(struct vty *, const char *line);

#endif
