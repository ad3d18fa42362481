/*
 * vtysh/commands_bgp.h - the shell's BGP session commands. commands.c puts
 * VTYSH_BGP_COMMANDS into its table, so this block merges apart from others.
 */
#ifndef IPIP_VTYSH_COMMANDS_BGP_H
#define IPIP_VTYSH_COMMANDS_BGP_H

#include "vtysh/cmd.h"

int	cmd_show_bgp_summary(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_neighbors(struct vty *, const struct cmd_args *);
int	cmd_clear_bgp(struct vty *, const struct cmd_args *);
int	cmd_show_bgp_statistics(struct vty *, const struct cmd_args *);

#define BGP_SHOW_HELP	"Show running system information\nBGP information\n"
#define CLEAR_HELP	"Neighbor address (A.B.C.D), * for every neighbor, external for every " \
	"eBGP neighbor, or an AS number for its neighbors\n" \
	"No session reset: routes exchanged again\n" \
	"Ask it for its routes (ROUTE-REFRESH); without soft, as FRR: soft in | " \
	"send it ours again: soft out\n"
#define VTYSH_BGP_COMMANDS \
	{ "show bgp summary [json]", BGP_SHOW_HELP "Summary of BGP neighbor status\n" \
	    "JavaScript Object Notation\n", cmd_show_bgp_summary }, \
	{ "show bgp neighbors [A.B.C.D] [json]", BGP_SHOW_HELP "Detailed information on TCP and BGP neighbor connections\n" \
	    "Neighbor to display information about\nJavaScript Object Notation\n", \
	    cmd_show_bgp_neighbors }, \
	{ "show ip bgp summary [json]", "Show running system information\nIP information\n" \
	    "BGP information\nSummary of BGP neighbor status\nJavaScript Object Notation\n", \
	    cmd_show_bgp_summary }, \
	{ "show ip bgp neighbors [A.B.C.D] [json]", "Show running system information\n" \
	    "IP information\nBGP information\n" \
	    "Detailed information on TCP and BGP neighbor connections\n" \
	    "Neighbor to display information about\nJavaScript Object Notation\n", \
	    cmd_show_bgp_neighbors }, \
	{ "show bgp statistics [json]", BGP_SHOW_HELP "Table totals and per-neighbor error counters\n" \
	    "JavaScript Object Notation\n", cmd_show_bgp_statistics }, \
	{ "show bgp ipv4 [unicast] summary [json]", BGP_SHOW_HELP "Address Family\n" \
	    "Address Family modifier\nSummary of BGP neighbor status\n" \
	    "JavaScript Object Notation\n", cmd_show_bgp_summary }, \
	{ "clear bgp WORD [soft] [in|out]", "Reset functions\nBGP information\n" CLEAR_HELP, \
	    cmd_clear_bgp }, \
	{ "clear ip bgp WORD [soft] [in|out]", "Reset functions\nIP information\n" \
	    "BGP information\n" CLEAR_HELP, cmd_clear_bgp }, \
	{ "clear bgp ipv4 unicast WORD [soft] [in|out]", "Reset functions\nBGP information\n" \
	    "Address Family\nAddress Family modifier\n" CLEAR_HELP, cmd_clear_bgp }, \
	{ "clear ip bgp ipv4 unicast WORD [soft] [in|out]", "Reset functions\nIP information\n" \
	    "BGP information\nAddress Family\nAddress Family modifier\n" CLEAR_HELP, \
	    cmd_clear_bgp },

#endif
