/*
 * vtysh/render.h - records from the daemon, as text for people or JSON for
 * programs. Each record type has both printers side by side, over the same
 * struct, so `json` cannot drift from what people read (STYLE 12).
 */
#ifndef IPIP_VTYSH_RENDER_H
#define IPIP_VTYSH_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipip-bgpd/ctl.h"

/* FRR's peer uptime style: "00:01:02", "3d04h05m", "12w3d04h". */
const char *render_uptime(int64_t secs, char *buf, size_t len);

struct json_object;
/* Print o pretty, as every `... json` command does, and drop it. */
void	render_json_print(FILE *, struct json_object *o);

void	render_version(FILE *, const struct ctl_version *, bool json);
void	render_daemon(FILE *, const struct ctl_daemon *, bool json);
/* show debugging: FRR's "BGP debugging status:" lines, or JSON by topic. */
void	render_debugging(FILE *, const struct ctl_debugging *, bool json);

#endif
