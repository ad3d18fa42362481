/*
 * vtysh/commands_overlay.h - `show overlay [json]`. commands.c puts
 * VTYSH_OVERLAY_COMMANDS into its table, so this block merges apart from others.
 */
#ifndef IPIP_VTYSH_COMMANDS_OVERLAY_H
#define IPIP_VTYSH_COMMANDS_OVERLAY_H

#include "vtysh/cmd.h"

int	cmd_show_overlay(struct vty *, const struct cmd_args *);

#define VTYSH_OVERLAY_COMMANDS \
	{ "show overlay [json]", "Show running system information\n" \
	    "IPIP overlay: the direct-or-tunnel decision per next hop\n" \
	    "JavaScript Object Notation\n", cmd_show_overlay },

#endif
