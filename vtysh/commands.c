/*
 * vtysh/commands.c - what the shell can do. Each command asks the daemon for
 * records and hands them to a renderer; nothing here knows the daemon's
 * internals, only include/ipip-bgpd/ctl.h.
 */
#include <string.h>

#include "lib/ctlmsg.h"
#include "vtysh/commands_bgp.h"
#include "vtysh/commands_debug.h"
#include "vtysh/commands_fwd.h"
#include "vtysh/commands_overlay.h"
#include "vtysh/commands_rib.h"
#include "vtysh/commands_adj.h"
#include "vtysh/render.h"
#include "vtysh/vty.h"

#define SHOW_HELP	"Show running system information\n"
#define JSON_HELP	"JavaScript Object Notation\n"

static int
show_version(struct vty *v, const struct cmd_args *a)
{
	struct ctl_version ver;

	if (vty_request_one(v, CTL_SHOW_VERSION, &ver, sizeof(ver)) < 0)
		return -1;
	CTL_STR_FIX(ver.version);
	CTL_STR_FIX(ver.git_rev);
	CTL_STR_FIX(ver.features);
	render_version(v->out, &ver, cmd_has(a, "json"));
	return 0;
}

static int
show_daemon(struct vty *v, const struct cmd_args *a)
{
	struct ctl_daemon d;

	if (vty_request_one(v, CTL_SHOW_DAEMON, &d, sizeof(d)) < 0)
		return -1;
	CTL_STR_FIX(d.log_level_name);
	CTL_STR_FIX(d.hostname);
	CTL_STR_FIX(d.config_file);
	CTL_STR_FIX(d.ctl_socket);
	CTL_STR_FIX(d.pid_file);
	render_daemon(v->out, &d, cmd_has(a, "json"));
	return 0;
}

static int
list_commands(struct vty *v, const struct cmd_args *a)
{
	for (size_t i = 0; i < vtysh_ncommands; i++)
		fprintf(v->out, "  %s\n", vtysh_commands[i].spec);
	return 0;
}

static int
quit(struct vty *v, const struct cmd_args *a)
{
	v->quit = true;
	return 0;
}

const struct cmd_def vtysh_commands[] = {
	{ "show version [json]", SHOW_HELP "Version of the daemon\n" JSON_HELP, show_version },
	{ "show daemon [json]", SHOW_HELP "Daemon state: PID, uptime, config file, log level\n"
	    JSON_HELP, show_daemon },
	/* Configuration (config.c) */
	{ "show running-config [json|xml]", SHOW_HELP "The running configuration\n"
	    "As YANG JSON | as YANG XML\n", vtysh_show_running },
	{ "configure terminal", "Configuration mode\nFrom the terminal\n", vtysh_configure },
	{ "reload", "Re-read the config file; apply what changed\n", vtysh_reload },
	{ "write [memory]", "Save the running configuration\nTo the config file\n", vtysh_write },
	{ "write terminal", "Write the running configuration\nTo the terminal (show running-config)\n",
	    vtysh_show_running },
	{ "copy running-config startup-config", "Copy a configuration\nThe running configuration\n"
	    "To the config file (write memory)\n", vtysh_write },
	{ "graceful restart", "Graceful restart (RFC 4724; needs bgp graceful-restart)\n"
	    "Stop the daemon; peers and the kernel keep our routes until it is back\n",
	    vtysh_graceful_restart },
	VTYSH_BGP_COMMANDS
	VTYSH_RIB_COMMANDS
	VTYSH_OVERLAY_COMMANDS
	VTYSH_FWD_COMMANDS
	VTYSH_ADJ_COMMANDS
	VTYSH_DEBUG_COMMANDS
	{ "list", "Print every command\n", list_commands },
	{ "exit", "Leave the shell\n", quit },
	{ "quit", "Leave the shell\n", quit },
};
const size_t vtysh_ncommands = sizeof(vtysh_commands) / sizeof(vtysh_commands[0]);
