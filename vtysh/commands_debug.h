/*
 * vtysh/commands_debug.h - FRR's debug commands outside configuration mode:
 * `debug ...`, `no debug ...`, `undebug all`, `show debugging [json]`. They
 * turn topics (lib/debug.h) on and off in the running daemon at once and
 * leave the configuration alone; in `configure terminal` the same `debug`
 * lines are statements of the configuration instead. commands.c puts
 * VTYSH_DEBUG_COMMANDS into its table, so this block merges apart from others.
 */
#ifndef IPIP_VTYSH_COMMANDS_DEBUG_H
#define IPIP_VTYSH_COMMANDS_DEBUG_H

#include "vtysh/cmd.h"

int	cmd_debug(struct vty *, const struct cmd_args *);
int	cmd_show_debugging(struct vty *, const struct cmd_args *);

#define DEBUG_HELP	"Debugging functions: log one line per event (not saved)\n"
#define NO_HELP		"Negate a command or set its defaults\n"
#define DBG_BGP_HELP	"BGP information\n"
#define DBG_BGP_TOPICS	"neighbor-events: session state changes | keepalives: KEEPALIVEs\n"
#define DBG_UPD_HELP	"UPDATEs, one line each\nReceived (in) or sent (out) only\n"
#define DBG_OTHER	"fib: kernel routes and nexthops | tunnel: tunnels made and removed\n"
#define VTYSH_DEBUG_COMMANDS \
	{ "debug bgp neighbor-events|keepalives", DEBUG_HELP DBG_BGP_HELP DBG_BGP_TOPICS, \
	    cmd_debug }, \
	{ "debug bgp updates [in|out]", DEBUG_HELP DBG_BGP_HELP DBG_UPD_HELP, cmd_debug }, \
	{ "debug fib|tunnel", DEBUG_HELP DBG_OTHER, cmd_debug }, \
	{ "no debug bgp [neighbor-events|keepalives]", NO_HELP DEBUG_HELP DBG_BGP_HELP \
	    DBG_BGP_TOPICS, cmd_debug }, \
	{ "no debug bgp updates [in|out]", NO_HELP DEBUG_HELP DBG_BGP_HELP DBG_UPD_HELP, \
	    cmd_debug }, \
	{ "no debug fib|tunnel|all", NO_HELP DEBUG_HELP DBG_OTHER, cmd_debug }, \
	{ "undebug all", "Disable debugging\nEvery topic\n", cmd_debug }, \
	{ "show debugging [json]", "Show running system information\n" \
	    "Debug topics on\nJavaScript Object Notation\n", cmd_show_debugging },

#endif
