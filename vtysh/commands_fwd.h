/*
 * vtysh/commands_fwd.h - `show tunnel [NAME] [json]`, `show ip route [json]` and
 * `show ip nexthop-group [json]`.
 * commands.c puts VTYSH_FWD_COMMANDS into its table, so this block merges
 * apart from others.
 */
#ifndef IPIP_VTYSH_COMMANDS_FWD_H
#define IPIP_VTYSH_COMMANDS_FWD_H

#include "vtysh/cmd.h"

int	cmd_show_tunnel(struct vty *, const struct cmd_args *);
int	cmd_show_ip_route(struct vty *, const struct cmd_args *);
int	cmd_show_ip_nexthop_group(struct vty *, const struct cmd_args *);
int	cmd_show_ip_fib(struct vty *, const struct cmd_args *);

#define VTYSH_FWD_COMMANDS \
	{ "show tunnel [NAME] [json]", "Show running system information\n" \
	    "IPIP tunnel devices of ipip-bgpd, with counters\n" \
	    "One device: its endpoints, counters and the routes through it\n" \
	    "JavaScript Object Notation\n", cmd_show_tunnel }, \
	{ "show ip route [json]", "Show running system information\nIP information\n" \
	    "Routes ipip-bgpd installs, with their kernel state\n" \
	    "JavaScript Object Notation\n", cmd_show_ip_route }, \
	{ "show ip nexthop-group [json]", "Show running system information\nIP information\n" \
	    "Kernel nexthop groups ipip-bgpd installs, with their members\n" \
	    "JavaScript Object Notation\n", cmd_show_ip_nexthop_group }, \
	{ "show ip fib [json]", "Show running system information\nIP information\n" \
	    "What the kernel FIB wrote, refused, retried and repaired\n" \
	    "JavaScript Object Notation\n", cmd_show_ip_fib },

#endif
