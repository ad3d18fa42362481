/*
 * tunnel/ecmp.c - read and set net.ipv4.fib_multipath_hash_policy (per
 * network namespace): 0 hashes addresses only, so all flows between two
 * hosts take one tunnel; 1 adds the ports (doc/tunnels.md "Flow spreading").
 */
#include <errno.h>
#include <stdio.h>

#include "tunnel/host.h"

#define ECMP_SYSCTL	"/proc/sys/net/ipv4/fib_multipath_hash_policy"

int
tunnel_ecmp_policy_read(void)
{
	FILE *f = fopen(ECMP_SYSCTL, "re");
	int v, rv;

	if (f == NULL)
		return -errno;
	rv = fscanf(f, "%d", &v) == 1 && v >= 0 ? v : -EINVAL;
	fclose(f);
	return rv;
}

int
tunnel_ecmp_policy_write(int policy)
{
	FILE *f = fopen(ECMP_SYSCTL, "we");
	int rv = 0;

	if (f == NULL)
		return -errno;
	if (fprintf(f, "%d\n", policy) < 0)
		rv = -EIO;
	if (fclose(f) != 0 && rv == 0)
		rv = -errno;
	return rv;
}
