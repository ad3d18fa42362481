/*
 * tunnel/ecmp.c - read and set net.ipv4.fib_multipath_hash_policy (per
 * network namespace): 0 hashes addresses only, so all flows between two
 * hosts take one tunnel; 1 adds the ports (doc/tunnels.md "Flow spreading").
 */
#include "lib/sysctl.h"
#include "tunnel/host.h"

#define ECMP_SYSCTL	"/proc/sys/net/ipv4/fib_multipath_hash_policy"

int
tunnel_ecmp_policy_read(void)
{
	return sysctl_read(ECMP_SYSCTL);
}

int
tunnel_ecmp_policy_write(int policy)
{
	return sysctl_write(ECMP_SYSCTL, policy);
}
