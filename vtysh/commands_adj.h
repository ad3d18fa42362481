/*
 * vtysh/commands_adj.h - `show bgp neighbors A.B.C.D advertised-routes [json]`
 * (and `show ip bgp ...`). commands.c puts VTYSH_ADJ_COMMANDS into its table.
 */
#ifndef IPIP_VTYSH_COMMANDS_ADJ_H
#define IPIP_VTYSH_COMMANDS_ADJ_H

#include "vtysh/cmd.h"

int	cmd_show_bgp_advertised(struct vty *, const struct cmd_args *);

#define ADJ_HELP	"BGP information\nDetailed information on TCP and BGP neighbor connections\n" \
	"Neighbor to display information about\nDisplay the routes advertised to a BGP neighbor\n" \
	"JavaScript Object Notation\n"
#define VTYSH_ADJ_COMMANDS \
	{ "show bgp neighbors A.B.C.D advertised-routes [json]", \
	    "Show running system information\n" ADJ_HELP, cmd_show_bgp_advertised }, \
	{ "show ip bgp neighbors A.B.C.D advertised-routes [json]", \
	    "Show running system information\nIP information\n" ADJ_HELP, cmd_show_bgp_advertised },

#endif
