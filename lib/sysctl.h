/*
 * lib/sysctl.h - read and write one integer under /proc/sys (the calling
 * thread's network namespace for net.*). The daemon's three knobs
 * (nexthop_compat_mode, fib_multipath_hash_policy, a device's conf/ keys)
 * go through here.
 */
#ifndef IPIP_LIB_SYSCTL_H
#define IPIP_LIB_SYSCTL_H

#include "lib/compiler.h"

/* The value (>= 0), or -errno (-EINVAL: not a non-negative integer). */
MUST_USE int	sysctl_read(const char *path);
/* 0, or -errno. */
MUST_USE int	sysctl_write(const char *path, int value);

#endif
