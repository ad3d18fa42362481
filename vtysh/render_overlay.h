/*
 * vtysh/render_overlay.h - `show overlay` as text or JSON from the records.
 */
#ifndef IPIP_VTYSH_RENDER_OVERLAY_H
#define IPIP_VTYSH_RENDER_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

/* head: the CTL_OVERLAY_HEAD record; nhs[0..n-1]: the next hops. */
void	render_overlay(FILE *, const struct ctl_overlay_rec *head,
	    const struct ctl_overlay_rec *nhs, size_t n, bool json);

#endif
