/*
 * bgpd/ctl_conf.c - configuration requests on the control socket: the
 * running config as YANG JSON records (the shell renders text, JSON or XML
 * from them, STYLE 12), config commands from the shell, reload, write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/bgpd.h"
#include "bgpd/conf.h"
#include "bgpd/ctl.h"
#include "bgpd/peer.h"
#include "lib/log.h"

#include <event2/event.h>

/* Send text in ctl_text records of at most CTL_TEXT_MAX bytes. */
static void
ctl_conf_send_text(struct ctl_conn *c, const struct ctl_frame *f, const char *s, size_t len)
{
	struct ctl_text *t = calloc(1, sizeof(*t));

	if (t == NULL)
		fatal("control");
	while (len > 0) {
		t->len = (uint32_t)(len < CTL_TEXT_MAX ? len : CTL_TEXT_MAX);
		memset(t->text, 0, sizeof(t->text));
		memcpy(t->text, s, t->len);
		ctl_conn_record(c, f->type, f->seq, t, sizeof(*t));
		s += t->len;
		len -= t->len;
	}
	free(t);
}

static void
ctl_show_running(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	char *json = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&json, &len);

	if (m == NULL)
		fatal("control");
	if (conf_print(b->running, CONF_FMT_JSON, m) < 0) {
		fclose(m);
		free(json);
		ctl_conn_error(c, f->seq, "cannot print the running configuration");
		return;
	}
	fclose(m);
	ctl_conf_send_text(c, f, json, len);
	free(json);
	ctl_conn_end(c, f->seq);
}

static void
ctl_config(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	char errs[4096];
	int n;

	n = bgpd_conf_edit(b, (const char *)f->payload.p, f->payload.len, errs, sizeof(errs));
	if (n == 0) {
		ctl_conn_end(c, f->seq);
		return;
	}
	ctl_conf_send_text(c, f, errs, strlen(errs));
	ctl_conn_error(c, f->seq, "%d error%s; nothing changed", n, n == 1 ? "" : "s");
}

/* The file's errors as text records, as `ipip-bgpd -C` prints them, then the verdict. */
static void
ctl_reload(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	char errs[4096];
	int rv;

	if ((rv = bgpd_conf_reload(b, "reload", errs, sizeof(errs))) == -EINVAL) {
		ctl_conf_send_text(c, f, errs, strlen(errs));
		ctl_conn_error(c, f->seq, "%s has errors; the running configuration stays",
		    b->conf_file);
		return;
	}
	if (rv < 0) {
		errs[strcspn(errs, "\n")] = '\0';
		ctl_conn_error(c, f->seq, "%s; the running configuration stays", errs);
		return;
	}
	ctl_conn_end(c, f->seq);
}

static void
ctl_write(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	char msg[512];

	if (bgpd_conf_write(b, msg, sizeof(msg)) < 0) {
		ctl_conn_error(c, f->seq, "%s", msg);
		return;
	}
	ctl_conf_send_text(c, f, msg, strlen(msg));
	ctl_conn_end(c, f->seq);
}

/*
 * Graceful stop (RFC 4724, restarting side): sessions end without a
 * NOTIFICATION, routes and tunnels stay in the kernel; the peers told our
 * restart time keep our routes that long. Without `bgp graceful-restart`
 * peers would drop our routes at once: refused.
 */
static void
ctl_graceful_restart(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	static const struct timeval flush = { 0, 200000 };	/* the answer gets out */
	struct conf_bgp g;
	size_t told = 0, up = 0;
	uint16_t secs = 0;
	char msg[512];

	if (b->bgp == NULL) {
		ctl_conn_error(c, f->seq, "no router bgp");
		return;
	}
	conf_bgp_get(b->running, &g);
	secs = g.graceful_restart ? g.graceful_restart_time : 0;
	for (struct peer *p = b->bgp->peers; p != NULL; p = p->next) {
		if (!peer_is_established(p))
			continue;
		up++;
		told += p->caps_tx.gr_ipv4u && p->caps_rx.gr;	/* it keeps our routes */
	}
	if (secs == 0) {
		ctl_conn_error(c, f->seq, "bgp graceful-restart is not configured: peers would "
		    "withdraw our routes at once (SIGTERM is the clean stop)");
		return;
	}
	snprintf(msg, sizeof(msg), "graceful restart: stopping; %zu of %zu established peers "
	    "keep our routes for %u s; our routes and tunnels stay in the kernel until "
	    "ipip-bgpd starts again", told, up, secs);
	log_notice("%s (by the operator)", msg);
	bgp_graceful_stop(b->bgp);
	ctl_conf_send_text(c, f, msg, strlen(msg));
	ctl_conn_end(c, f->seq);
	event_base_loopexit(b->base, &flush);
}

ctl_handler_fn *
ctl_conf_handler_for(uint16_t type)
{
	switch (type) {
	case CTL_SHOW_RUNNING: return ctl_show_running;
	case CTL_CONFIG: return ctl_config;
	case CTL_RELOAD: return ctl_reload;
	case CTL_WRITE: return ctl_write;
	case CTL_GRACEFUL_RESTART: return ctl_graceful_restart;
	default: return NULL;
	}
}
