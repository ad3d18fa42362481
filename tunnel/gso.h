/*
 * tunnel/gso.h - transmit segmentation for the userspace dataplane,
 * internal to tunnel/.
 *
 * With TSO offered on a TUN (TUNSETOFFLOAD), the kernel hands us TCP
 * super-packets of up to 64 KB behind a virtio_net_hdr, and packets whose
 * checksum is left partial. gso_vnet_parse() reads that header, gso_csum_
 * finish() completes a partial checksum, and gso_tcp_next() cuts a
 * super-packet into MSS-sized segments as tcp_gso_segment does: per-segment
 * IP length, ID and checksum; sequence numbers; FIN/PSH only on the last,
 * CWR only on the first; a full TCP checksum (RFC 9293 section 3.1). Reads
 * go through lib/cursor.h; segments point into the caller's buffer.
 */
#ifndef IPIP_TUNNEL_GSO_H
#define IPIP_TUNNEL_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "lib/compiler.h"

#define GSO_VNET_LEN	10		/* struct virtio_net_hdr */
#define GSO_HDR_MAX	120		/* IPv4 (60) + TCP (60) headers */

struct gso_vnet {
	uint8_t		flags, gso_type;
	uint16_t	hdr_len, gso_size, csum_start, csum_offset;
};

/* 0, or -EBADMSG if fewer than GSO_VNET_LEN bytes. Little-endian (TUNSETVNETLE). */
MUST_USE int gso_vnet_parse(const uint8_t *buf, size_t len, struct gso_vnet *);
/* Fill the checksum a NEEDS_CSUM packet left partial; -EBADMSG if out of bounds. */
MUST_USE int gso_csum_finish(uint8_t *pkt, size_t len, uint16_t start, uint16_t offset);

struct gso_tcp {
	const uint8_t	*pkt;
	size_t		 len, ihl, hlen, mss, off;
	uint32_t	 seq;
	uint16_t	 id;
	unsigned	 i;
};

/* 0 to start cutting pkt (IPv4 + TCP + data, mss > 0); -EBADMSG if the headers do not fit. */
MUST_USE int gso_tcp_init(struct gso_tcp *, const uint8_t *pkt, size_t len, uint16_t mss);
/* The next segment: its headers written to hdr (GSO_HDR_MAX), its payload in *payload. */
bool	gso_tcp_next(struct gso_tcp *, uint8_t *hdr, size_t *hdr_len, struct iovec *payload);

/*
 * Write an inner IPv4 packet to fd (a TUN without a vnet header): a TCP
 * packet longer than mtu (one the underlay's GRO joined before a raw socket
 * read it) as segments that fit mtu, one write each, like
 * gso_tcp_next(); anything else as it is. The number of packets written,
 * or -errno of the write that failed.
 */
MUST_USE int gso_tcp_cut_write(int fd, const uint8_t *pkt, size_t len, size_t mtu);

#endif
