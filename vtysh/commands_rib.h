/*
 * vtysh/commands_rib.h - the shell's BGP RIB commands. commands.c puts
 * VTYSH_RIB_COMMANDS into its table, so this block merges apart from others.
 */
#ifndef IPIP_VTYSH_COMMANDS_RIB_H
#define IPIP_VTYSH_COMMANDS_RIB_H

#include "vtysh/cmd.h"

int	cmd_show_bgp_ipv4(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_ipv4_prefix(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_neighbor_routes(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_longer(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_received(struct vty *, const struct cmd_args *);

#define RIB_SHOW_HELP	"Show running system information\nBGP information\n" \
	"Address Family\nAddress Family modifier\n"
#define RIB_IP_HELP	"Show running system information\nIP information\nBGP information\n"
#define NB_ROUTES_HELP	"Detailed information on TCP and BGP neighbor connections\n" \
	"Neighbor to display information about\n" \
	"Display routes learned from neighbor\nJavaScript Object Notation\n"
#define LONGER_HELP	"Routes of this prefix and more specific ones\nJavaScript Object Notation\n"
#define NB_RECEIVED_HELP	"Detailed information on TCP and BGP neighbor connections\n" \
	"Neighbor to display information about\n" \
	"Routes as received, before inbound policy (needs soft-reconfiguration inbound: " \
	"not kept)\nJavaScript Object Notation\n"
#define VTYSH_RIB_COMMANDS \
	{ "show bgp ipv4 unicast [json]", RIB_SHOW_HELP "JavaScript Object Notation\n", \
	    cmd_show_bgp_ipv4 }, \
	{ "show bgp ipv4 unicast A.B.C.D/M [json]", RIB_SHOW_HELP "Network in the BGP routing table\n" \
	    "JavaScript Object Notation\n", cmd_show_bgp_ipv4_prefix }, \
	{ "show bgp ipv4 unicast A.B.C.D [json]", RIB_SHOW_HELP "Network in the BGP routing " \
	    "table to display (the longest prefix covering it)\nJavaScript Object Notation\n", \
	    cmd_show_bgp_ipv4_prefix }, \
	{ "show ip bgp [json]", RIB_IP_HELP "JavaScript Object Notation\n", cmd_show_bgp_ipv4 }, \
	{ "show ip bgp A.B.C.D/M [json]", RIB_IP_HELP "Network in the BGP routing table\n" \
	    "JavaScript Object Notation\n", cmd_show_bgp_ipv4_prefix }, \
	{ "show ip bgp A.B.C.D [json]", RIB_IP_HELP "Network in the BGP routing table to display " \
	    "(the longest prefix covering it)\nJavaScript Object Notation\n", \
	    cmd_show_bgp_ipv4_prefix }, \
	{ "show bgp ipv4 unicast neighbors A.B.C.D routes [json]", RIB_SHOW_HELP NB_ROUTES_HELP, \
	    cmd_show_bgp_neighbor_routes }, \
	{ "show bgp neighbors A.B.C.D routes [json]", "Show running system information\n" \
	    "BGP information\n" NB_ROUTES_HELP, cmd_show_bgp_neighbor_routes }, \
	{ "show ip bgp neighbors A.B.C.D routes [json]", RIB_IP_HELP NB_ROUTES_HELP, \
	    cmd_show_bgp_neighbor_routes }, \
	{ "show bgp ipv4 unicast A.B.C.D/M longer-prefixes [json]", RIB_SHOW_HELP \
	    "IP prefix\n" LONGER_HELP, cmd_show_bgp_longer }, \
	{ "show ip bgp A.B.C.D/M longer-prefixes [json]", RIB_IP_HELP "IP prefix\n" LONGER_HELP, \
	    cmd_show_bgp_longer }, \
	{ "show bgp neighbors A.B.C.D received-routes [json]", "Show running system information\n" \
	    "BGP information\n" NB_RECEIVED_HELP, cmd_show_bgp_received }, \
	{ "show ip bgp neighbors A.B.C.D received-routes [json]", RIB_IP_HELP NB_RECEIVED_HELP, \
	    cmd_show_bgp_received }, \
	{ "show bgp ipv4 unicast neighbors A.B.C.D received-routes [json]", RIB_SHOW_HELP \
	    NB_RECEIVED_HELP, cmd_show_bgp_received },

#endif
