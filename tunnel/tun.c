/*
 * tunnel/tun.c - open a persistent TUN device for a tunnel (tunnel/tun.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/sysctl.h"
#include "tunnel/tun.h"

int
tun_conf_set(const char *ipv, const char *name, const char *key)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", ipv, name, key);
	return sysctl_write(path, 1);
}

int
tun_open(const char *name, bool vnet_hdr, unsigned *ifindex)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0) };
	int le = 1;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), rv;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || (vnet_hdr && ioctl(fd, TUNSETVNETLE, &le) < 0) ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN) < 0 ||
	    ioctl(fd, TUNSETPERSIST, 1) < 0 || (*ifindex = if_nametoindex(name)) == 0) {
		rv = -errno;
		close(fd);
		return rv;
	}
	(void)tun_conf_set("ipv6", name, "disable_ipv6");
	return fd;
}
