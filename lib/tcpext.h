/*
 * lib/tcpext.h - the kernel's TCP MD5 drop counters (TcpExt in
 * /proc/net/netstat, per network namespace). A segment with a wrong or
 * missing MD5 signature is dropped by the kernel without a word to the
 * socket, so these are the only trace of a password that differs between
 * the two ends of a BGP session.
 */
#ifndef IPIP_LIB_TCPEXT_H
#define IPIP_LIB_TCPEXT_H

#include <stddef.h>
#include <stdint.h>

struct tcp_md5_stats {
	uint64_t	failure;	/* TCPMD5Failure: signed, but not with our key */
	uint64_t	not_found;	/* TCPMD5NotFound: we have a key, it was not signed */
	uint64_t	unexpected;	/* TCPMD5Unexpected: signed, we have no key */
};

/*
 * Parse the text of /proc/net/netstat (n bytes, need not end in NUL): the
 * "TcpExt:" line of names and the one of values after it. A counter the
 * kernel does not have stays 0. 0, or -EINVAL when there is no well-formed
 * TcpExt pair (more values than names, a value that is not a number).
 */
int	tcp_md5_stats_parse(const char *text, size_t n, struct tcp_md5_stats *);
/* Read this namespace's counters. 0 or -errno. */
int	tcp_md5_stats_read(struct tcp_md5_stats *);

#endif
