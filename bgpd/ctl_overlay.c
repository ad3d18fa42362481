/*
 * bgpd/ctl_overlay.c - `show overlay`: one head record (mode, driver), then
 * one record per next hop in use with its decision and why (rib/overlay.h).
 */
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/bgpd.h"
#include "bgpd/ctl_overlay.h"
#include "bgpd/peer.h"
#include "bgpd/rde.h"
#include "bgpd/rde_fwd.h"
#include "lib/ctlmsg.h"
#include "lib/prefix.h"

struct ov_show {
	struct ctl_conn		*c;
	const struct ctl_frame	*f;
	int			 fd;		/* for SIOCGIFMTU; -1: none */
};

/*
 * A direct next hop's routes carry no MTU of ours: the kernel sends by the
 * device's, which is what `show overlay` gives then; 0 when unknown.
 */
static uint32_t
ov_dev_mtu(const struct ov_show *s, const char *dev)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (s->fd < 0 || dev[0] == '\0' || strlen(dev) >= sizeof(ifr.ifr_name))
		return 0;
	memcpy(ifr.ifr_name, dev, strlen(dev));
	return ioctl(s->fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0 ? (uint32_t)ifr.ifr_mtu : 0;
}

static void
ov_show_nh(void *arg, const struct overlay_nh_view *v)
{
	struct ov_show *s = arg;
	struct ctl_overlay_rec r;
	char ifn[IF_NAMESIZE] = "";

	memset(&r, 0, sizeof(r));
	r.rec = CTL_OVERLAY_NH;
	r.mtu = v->mtu, r.prefixes = v->prefixes, r.ifindex = v->ifindex;
	addr_fmt(v->gateway, r.nexthop);
	addr_fmt(v->local, r.local);
	CTL_STR_SET(r.decision, overlay_kind_name(v->kind));
	if (v->device == NULL && v->ifindex != 0)
		(void)if_indextoname(v->ifindex, ifn);
	CTL_STR_SET(r.device, v->device ? v->device : ifn);
	if (v->kind == OVERLAY_DIRECT && r.mtu == 0)
		r.mtu = ov_dev_mtu(s, r.device);
	CTL_STR_SET(r.reason, v->why);
	CTL_STR_SET(r.mode, overlay_mode_name(v->mode));
	CTL_STR_SET(r.mode_source, v->src);
	ctl_conn_record(s->c, s->f->type, s->f->seq, &r, sizeof(r));
}

void
ctl_overlay_show(struct bgpd *b, struct ctl_conn *c, const struct ctl_frame *f)
{
	const struct rde_fwd *fwd = b->bgp ? rde_forwarding(b->bgp->rde) : NULL;
	const struct overlay *ov = rde_fwd_overlay(fwd);
	struct ov_show s = { c, f, -1 };
	struct ctl_overlay_rec h;

	memset(&h, 0, sizeof(h));
	h.rec = CTL_OVERLAY_HEAD;
	h.running = ov != NULL;
	CTL_STR_SET(h.mode, ov ? overlay_mode_name(overlay_mode_get(ov)) : "");
	CTL_STR_SET(h.driver, rde_fwd_driver(fwd));
	CTL_STR_SET(h.reason, rde_fwd_driver_why(fwd));	/* head: why this driver */
	ctl_conn_record(c, f->type, f->seq, &h, sizeof(h));
	if (ov != NULL) {
		s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		overlay_walk(ov, ov_show_nh, &s);
		if (s.fd >= 0)
			close(s.fd);
	}
	ctl_conn_end(c, f->seq);
}
