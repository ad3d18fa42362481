/*
 * lib/sockopt.c - TCP MD5, GTSM, TTL and TOS socket options. See sockopt.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/ip.h>
#include <linux/tcp.h>

#include "lib/sockopt.h"

int
sock_md5_set(int fd, struct in_addr addr, const char *key)
{
	struct tcp_md5sig md5;
	struct sockaddr_in *sin = (struct sockaddr_in *)&md5.tcpm_addr;
	size_t n = strlen(key);

	if (n > TCP_MD5SIG_MAXKEYLEN)
		return -EINVAL;
	memset(&md5, 0, sizeof(md5));
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	md5.tcpm_keylen = (uint16_t)n;
	memcpy(md5.tcpm_key, key, n);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) < 0)
		return n == 0 && errno == ENOENT ? 0 : -errno;
	return 0;
}

int
sock_tos_set(int fd, int tos)
{
	return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0 ? -errno : 0;
}

int
sock_ttl_set(int fd, int ttl)
{
	return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ? -errno : 0;
}

int
sock_minttl_set(int fd, int minttl)
{
	return setsockopt(fd, IPPROTO_IP, IP_MINTTL, &minttl, sizeof(minttl)) < 0 ? -errno : 0;
}

int
sock_gtsm_set(int fd, unsigned hops)
{
	int rv;

	if (hops > 254)
		return -EINVAL;
	if ((rv = sock_ttl_set(fd, hops ? 255 : 64)) < 0)
		return rv;
	return sock_minttl_set(fd, hops ? 256 - (int)hops : 0);
}
