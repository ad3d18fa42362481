/*
 * bgpd/ctl_rib.h - control requests about the BGP RIB (CTL_SHOW_BGP_IPV4),
 * registered in ctl_show.c's handler table.
 */
#ifndef IPIP_BGPD_CTL_RIB_H
#define IPIP_BGPD_CTL_RIB_H

#include "bgpd/ctl.h"

#define CTL_RIB_CHUNK	512	/* prefixes per loop turn when streaming the table */

ctl_handler_fn ctl_rib_show;

struct attr_set;
struct ctl_path;
/* The AS path and community texts of a set into o (also for advertised routes). */
void	ctl_rib_attrs_text(const struct attr_set *, struct ctl_path *o);

#endif
