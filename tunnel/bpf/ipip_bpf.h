/*
 * tunnel/bpf/ipip_bpf.h - the maps shared by the BPF dataplane
 * (ipip.bpf.c) and the daemon's loader (tunnel/bpfdrv.c). Addresses are in
 * network byte order; every struct is padded to 8 bytes explicitly, so
 * both compilers lay it out the same.
 */
#ifndef IPIP_TUNNEL_BPF_H
#define IPIP_TUNNEL_BPF_H

#include <linux/types.h>

#define IPIP_BPF_TUN_MAX	1024

struct ipip_bpf_encap {			/* key: the tunnel's ifindex */
	__u32	local, remote;		/* remote 0: NBMA, the route's gateway */
	__u8	ttl_default;		/* outer TTL when the inner one is 0 */
	__u8	pad[7];
};

struct ipip_bpf_key {			/* decap: outer (destination, source) */
	__u32	local, remote;
};

struct ipip_bpf_stats {			/* per CPU, key: the tunnel's ifindex */
	__u64	pkts_in, bytes_in, errors_in;
	__u64	pkts_out, bytes_out, errors_out;
};

struct ipip_bpf_drops {			/* per CPU, one slot */
	__u64	no_tunnel, malformed;
};

#endif
