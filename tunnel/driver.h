/*
 * tunnel/driver.h - the boundary between the manager and a dataplane driver,
 * internal to tunnel/.
 *
 * A driver makes and unmakes one device per tunnel and keeps its counters.
 * The manager does the rest the same way for every driver: naming, the
 * ownership alias, MTU and up (link.c), reference counts, adoption.
 * All ops run on the manager's thread and return 0 or -errno; none logs.
 */
#ifndef IPIP_TUNNEL_DRIVER_H
#define IPIP_TUNNEL_DRIVER_H

#include <stdbool.h>

#include "tunnel/tunnel.h"

struct event_base;

struct tunnel_spec {
	char		name[IFNAMSIZ];
	struct in_addr	local, remote;
	uint32_t	mtu;
};

struct tunnel_driver {
	const char *name;
	/* Start the dataplane; *drv is the driver's state; base: the manager's loop. */
	int	(*open)(struct event_base *base, void **drv);
	/*
	 * Stop it. Tunnels still present are destroyed, devices removed. keep:
	 * a graceful stop, what the driver put on devices not its own (bpf:
	 * filters on underlay devices) stays; else that goes too.
	 */
	void	(*close)(void *drv, bool keep);
	/* Make the device (or attach to ours of that name); *ifindex, *tun out. */
	int	(*create)(void *drv, const struct tunnel_spec *, unsigned *ifindex, void **tun);
	/* Stop carrying traffic; remove the device unless keep. */
	void	(*destroy)(void *drv, void *tun, bool keep);
	int	(*set_mtu)(void *drv, void *tun, uint32_t mtu);
	void	(*counters)(void *drv, const void *tun, struct tunnel_counters *);
	void	(*drops)(void *drv, struct tunnel_drops *);
	/*
	 * Optional: one tunnel more (or fewer) whose remote's packets arrive on
	 * underlay device ifindex - per (local, remote), so NBMA tunnels sharing
	 * a device may name several. put with keep: a graceful stop.
	 */
	int	(*underlay_get)(void *drv, unsigned ifindex);
	void	(*underlay_put)(void *drv, unsigned ifindex, bool keep);
};

/* TUN device per tunnel + one raw IP-protocol-4 socket (uspace.c). */
extern const struct tunnel_driver tunnel_driver_uspace;
/* TUN device per tunnel + tc BPF programs doing IPIP in the kernel (bpfdrv.c). */
extern const struct tunnel_driver tunnel_driver_bpf;
/*
 * Take the ipip_decap filters of any earlier run off every device here, and
 * the clsact each leaves empty; how many filters. Needs CAP_BPF (to read a
 * program's name); 0 in a build without the bpf driver.
 */
struct link_nl;
unsigned tunnel_bpf_sweep(struct link_nl *);
/* rtnetlink ipip devices; the spec's remote 0.0.0.0 makes an NBMA device (kernel.c). */
extern const struct tunnel_driver tunnel_driver_kernel;
/* 0 if this kernel can make ipip devices, else why not (-EOPNOTSUPP: no ipip). */
int	tunnel_kernel_probe(const char *prefix);

#endif
