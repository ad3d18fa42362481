/*
 * bgpd/ctl_show.c - answers to control requests: fills records from the
 * daemon's state. No text is made here; the shell renders (STYLE 12).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "bgpd/bgpd.h"
#include "bgpd/ctl.h"
#include "bgpd/ctl_bgp.h"
#include "bgpd/ctl_fwd.h"
#include "bgpd/ctl_overlay.h"
#include "bgpd/ctl_rib.h"
#include "bgpd/ctl_adj.h"
#include "lib/debug.h"
#include "lib/log.h"

static void
show_version(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_version v;

	memset(&v, 0, sizeof(v));
	CTL_STR_SET(v.version, PACKAGE_VERSION);
	CTL_STR_SET(v.git_rev, IPIP_GIT_REV);
#ifdef IPIP_SANITIZERS
	CTL_STR_SET(v.features, "libevent libmnl libyang json-c sanitizers");
#else
	CTL_STR_SET(v.features, "libevent libmnl libyang json-c");
#endif
	ctl_conn_record(c, f->type, f->seq, &v, sizeof(v));
	ctl_conn_end(c, f->seq);
}

static void
show_daemon(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_daemon d;
	struct timespec now;
	char host[64];

	memset(&d, 0, sizeof(d));
	clock_gettime(CLOCK_MONOTONIC, &now);
	d.pid = getpid();
	d.started = b->started;
	d.uptime = now.tv_sec - b->started_mono.tv_sec;
	d.log_level = log_get_level();
	CTL_STR_SET(d.log_level_name, log_level_name(d.log_level));
	CTL_STR_SET(d.hostname, bgpd_hostname(b, host, sizeof(host)));
	CTL_STR_SET(d.config_file, b->conf_file ? b->conf_file : "");
	CTL_STR_SET(d.ctl_socket, b->ctl_path);
	CTL_STR_SET(d.pid_file, b->pid_file);
	d.nofile = b->nofile;
	d.ctl_accept_paused = ctl_server_accept_paused(b->ctl);
	ctl_conn_record(c, f->type, f->seq, &d, sizeof(d));
	ctl_conn_end(c, f->seq);
}

static void
debugging_answer(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_debugging d;

	memset(&d, 0, sizeof(d));
	d.on = debug_get();
	d.configured = b->conf.debug;
	d.log_level = log_get_level();
	CTL_STR_SET(d.log_level_name, log_level_name(d.log_level));
	ctl_conn_record(c, f->type, f->seq, &d, sizeof(d));
	ctl_conn_end(c, f->seq);
}

static void
show_debugging(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	debugging_answer(b, c, f);
}

static void
debug_change_log(uint32_t was, uint32_t now)
{
	char buf[256];

	if (now & ~was)
		log_notice("debugging turned on from the shell: %s",
		    debug_mask_fmt(now & ~was, buf, sizeof(buf)));
	if (was & ~now)
		log_notice("debugging turned off from the shell: %s",
		    debug_mask_fmt(was & ~now, buf, sizeof(buf)));
}

/* `debug ...` / `no debug ...` from the shell: now, and not in the config. */
static void
debug_change(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	struct ctl_debug_req req;
	uint32_t was = debug_get();

	if (ctl_record_get(f, &req, sizeof(req)) < 0 || ((req.on | req.off) & ~DEBUG_ALL)) {
		ctl_conn_error(c, f->seq, "malformed debug request");
		return;
	}
	debug_set((was | req.on) & ~req.off);
	debug_change_log(was, debug_get());
	debugging_answer(b, c, f);
}

static ctl_handler_fn *const handlers[CTL_TYPE_MAX] = {
	[CTL_SHOW_VERSION] = show_version,
	[CTL_SHOW_DAEMON] = show_daemon,
	[CTL_SHOW_BGP] = ctl_bgp_show,
	[CTL_SHOW_BGP_NEIGHBORS] = ctl_bgp_show_neighbors,
	[CTL_CLEAR_BGP] = ctl_bgp_clear,
	[CTL_CLEAR_BGP_SOFT] = ctl_bgp_clear_soft,
	[CTL_SHOW_BGP_STATISTICS] = ctl_bgp_show_statistics,
	[CTL_SHOW_BGP_IPV4] = ctl_rib_show,
	[CTL_SHOW_OVERLAY] = ctl_overlay_show,
	[CTL_SHOW_TUNNEL] = ctl_tunnel_show,
	[CTL_SHOW_IP_ROUTE] = ctl_kroute_show,
	[CTL_SHOW_IP_NEXTHOP_GROUP] = ctl_nhg_show,
	[CTL_SHOW_IP_FIB] = ctl_fib_show,
	[CTL_SHOW_BGP_ADVERTISED] = ctl_adj_show,
	[CTL_SHOW_DEBUGGING] = show_debugging,
	[CTL_DEBUG] = debug_change,
};

ctl_handler_fn *
ctl_handler_for(uint16_t type)
{
	if (type < CTL_TYPE_MAX && handlers[type] != NULL)
		return handlers[type];
	return ctl_conf_handler_for(type);
}
