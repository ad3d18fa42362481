/*
 * tunnel/gro.h - receive coalescing for the userspace dataplane, internal
 * to tunnel/.
 *
 * Consecutive decapsulated TCP segments of one flow are joined into one
 * super-packet written to the TUN with a virtio_net_hdr asking for GSO
 * (VIRTIO_NET_HDR_GSO_TCPV4) and a partial checksum, so the kernel's TCP
 * sees one 64 KB packet instead of forty-five, as GRO does for a NIC. The
 * rules are the kernel's tcp_gro_receive: same addresses, ports, TOS, TTL,
 * ACK, window and options; contiguous sequence numbers; only ACK/PSH set;
 * every segment but the last of the first one's size. Packets are read only
 * through lib/cursor.h; a run only points into the caller's buffers.
 */
#ifndef IPIP_TUNNEL_GRO_H
#define IPIP_TUNNEL_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define GRO_SEGS_MAX	64
#define GRO_VNET_LEN	10		/* struct virtio_net_hdr */

/* The fields of one IPv4/TCP packet that decide whether runs can join. */
struct gro_tcp {
	uint8_t		ip[20];		/* the whole header (IHL 5 only) */
	uint8_t		tcp[60];	/* header with options */
	size_t		thl, payload;
	uint32_t	seq;
	uint8_t		flags;
};

struct gro_run {
	unsigned	n;
	bool		tcp;		/* the first packet is TCP that could be cut */
	bool		open;		/* a next segment may still join */
	struct gro_tcp	first;
	uint32_t	next_seq;
	uint8_t		flags;		/* OR of all segments' flags */
	size_t		total;		/* IP total length of the merged packet */
	size_t		bytes;		/* sum of the inner packets' lengths */
	uint8_t		hdr[GRO_VNET_LEN + 20 + 60];
	struct iovec	iov[GRO_SEGS_MAX + 1];
};

/* Start a run with one inner packet (any protocol; non-TCP runs stay closed). */
void	gro_run_start(struct gro_run *, const uint8_t *pkt, size_t len);
/* Append if the packet continues the run's TCP flow; false leaves the run as it was. */
bool	gro_run_add(struct gro_run *, const uint8_t *pkt, size_t len);
/*
 * The iovec to writev() to a TUN opened with IFF_VNET_HDR; returns its
 * length. mtu: the tunnel's (0: unknown). A TCP packet bigger than mtu (the
 * underlay NIC's GRO joined the outer packets before our raw socket saw
 * them) goes as a GSO packet cut to fit mtu, as the segments came, and so
 * does a run whose first packet was such a one: written as it came, the
 * stack would forward it only as one oversized packet (DF: dropped, with
 * an ICMP "fragmentation needed" that the sender cannot act on).
 */
int	gro_run_finish(struct gro_run *, struct iovec **iov, size_t mtu);

#endif
