/*
 * tunnel/tun.h - the persistent TUN device the userspace and bpf drivers
 * both put a tunnel on, and the per-device sysctls they set. Internal to
 * tunnel/.
 */
#ifndef IPIP_TUNNEL_TUN_H
#define IPIP_TUNNEL_TUN_H

#include <stdbool.h>

/*
 * Make or attach to the persistent TUN device name (IFF_TUN | IFF_NO_PI,
 * with a little-endian virtio-net header first when vnet_hdr), TSO offered,
 * IPv6 off (an IPIP device carries IPv4 only; best effort). The open file
 * descriptor (non-blocking), or -errno; *ifindex out.
 */
int	tun_open(const char *name, bool vnet_hdr, unsigned *ifindex);
/* net.IPV.conf.NAME.KEY = 1 (IPV "ipv4" or "ipv6"). 0 or -errno. */
int	tun_conf_set(const char *ipv, const char *name, const char *key);

#endif
