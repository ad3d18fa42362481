/*
 * bench/ipip_ceiling.c - what the kernel lets a user-space IPIP dataplane do
 * (a benchmark tool, not a test; see doc/tunnels.md "Measured").
 *
 *   ipip_ceiling recv SECONDS
 *   ipip_ceiling send SRC DST SECONDS
 *   ipip_ceiling gso IFNAME DSTMAC SRC DST
 *
 * recv/send: the raw-socket ceiling. send writes prebuilt 1500-byte IPIP
 * packets (20-byte outer header, DF, 1480-byte inner packet) from SRC to DST
 * on a raw IPPROTO_IPIP socket with IP_HDRINCL, 64 per sendmmsg(), for
 * SECONDS, as the userspace driver does; recv drains them on a raw socket
 * with recvmmsg() until SECONDS pass. Each prints "send|recv PKTS PPS
 * INNER_GBITS"; recv counts what came after its first batch, over the time
 * from that batch to the last.
 * No TUN, no TCP, no copy: the best any TUN + raw socket design can carry.
 *
 * gso: offers the kernel one IPIP packet carrying a 30,000-byte TCP segment
 * through an AF_PACKET socket with a virtio-net header (GSO TCPV4, MSS
 * 1440), the only way user space has to hand the stack a packet to segment,
 * after two controls: the same headers as a 1,000-byte packet without GSO,
 * and the inner TCP super-packet alone (no outer header) with GSO. Prints
 * one line per frame, "NAME accepted" or "NAME refused: ERROR", and exits 0
 * when the controls pass (whatever the IPIP answer), 1 when a control fails
 * (the probe itself is broken). Checksums of the outer and inner IP headers
 * are filled; the TCP checksum is left to the stack (NEEDS_CSUM).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/clock.h"

#define BATCH		64
#define INNER		1480
#define SOCKBUF		(8 << 20)
#define GSO_PAYLOAD	30000
#define GSO_MSS		1440

static uint16_t
ip_csum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void
ip_fill(struct iphdr *ip, uint8_t proto, size_t len, in_addr_t src, in_addr_t dst)
{
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)len);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = proto;
	ip->saddr = src;
	ip->daddr = dst;
	ip->check = ip_csum(ip, sizeof(*ip));
}

static int
raw_socket(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_IPIP), v = SOCKBUF;

	if (s < 0) {
		perror("ipip_ceiling: socket");
		exit(1);
	}
	(void)setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
	(void)setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	return s;
}

static void
report(const char *what, unsigned long pkts, double secs)
{
	printf("%s %lu %.0f %.2f\n", what, pkts, pkts / secs, pkts * INNER * 8.0 / secs / 1e9);
}

static int
ceiling_recv(double secs)
{
	static uint8_t buf[BATCH][INNER + 20];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct timeval tv = { 0, 100000 };
	uint64_t end = bench_now_ns() + (uint64_t)(secs * 1e9), first = 0, last = 0;
	unsigned long n = 0;
	int s = raw_socket(), r;

	(void)setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (bench_now_ns() < end) {
		memset(m, 0, sizeof(m));
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		if ((r = recvmmsg(s, m, BATCH, 0, NULL)) <= 0)
			continue;
		if (first == 0) {	/* the clock starts once the first batch is in */
			first = bench_now_ns();
			continue;
		}
		last = bench_now_ns();
		n += (unsigned long)r;
	}
	report("recv", n, n > 0 && last > first ? (double)(last - first) / 1e9 : 1);
	return 0;
}

static int
ceiling_send(in_addr_t src, in_addr_t dst, double secs)
{
	static uint8_t buf[BATCH][INNER + 20];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = dst };
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	uint64_t t0 = bench_now_ns(), end = t0 + (uint64_t)(secs * 1e9);
	unsigned long n = 0, refused = 0;
	int s = raw_socket(), one = 1, r;

	if (setsockopt(s, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("ipip_ceiling: IP_HDRINCL");
		return 1;
	}
	memset(m, 0, sizeof(m));
	for (int i = 0; i < BATCH; i++) {
		ip_fill((struct iphdr *)buf[i], IPPROTO_IPIP, INNER + 20, src, dst);
		ip_fill((struct iphdr *)(buf[i] + 20), IPPROTO_UDP, INNER,
		    inet_addr("10.1.0.1"), inet_addr("10.2.0.1"));
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		m[i].msg_hdr = (struct msghdr){ .msg_name = &to, .msg_namelen = sizeof(to),
		    .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	while (bench_now_ns() < end)
		if ((r = sendmmsg(s, m, BATCH, 0)) > 0)
			n += (unsigned long)r;
		else
			refused++;
	report("send", n, (double)(bench_now_ns() - t0) / 1e9);
	if (refused)
		fprintf(stderr, "ipip_ceiling: %lu sendmmsg calls refused\n", refused);
	return 0;
}

/* One frame: virtio-net header, Ethernet, [outer IPv4,] inner IPv4, TCP, payload. */
static int
gso_offer(int s, const char *name, const uint8_t mac[6], in_addr_t src, in_addr_t dst,
    int outer, size_t payload)
{
	static uint8_t f[sizeof(struct virtio_net_hdr) + 14 + 60 + GSO_PAYLOAD];
	struct virtio_net_hdr *v = (void *)f;
	uint8_t *eth = f + sizeof(*v), *ip = eth + 14;
	size_t l3 = (outer ? 20u : 0u) + 20 + 20 + payload, ih = outer ? 20 : 0;
	struct tcphdr *t = (void *)(ip + ih + 20);

	memset(f, 0, sizeof(f));
	memcpy(eth, mac, 6);
	eth[12] = 0x08;
	if (outer)
		ip_fill((struct iphdr *)ip, IPPROTO_IPIP, l3, src, dst);
	ip_fill((struct iphdr *)(ip + ih), IPPROTO_TCP, l3 - ih,
	    outer ? inet_addr("10.1.0.1") : src, outer ? inet_addr("10.2.0.1") : dst);
	t->source = htons(40000);
	t->dest = htons(5201);
	t->doff = 5;
	t->ack = 1;
	if (payload > GSO_MSS) {
		v->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		v->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		v->gso_size = GSO_MSS;
		v->hdr_len = (uint16_t)(14 + ih + 40);
		v->csum_start = (uint16_t)(14 + ih + 20);
		v->csum_offset = offsetof(struct tcphdr, check);
	}
	if (send(s, f, sizeof(*v) + 14 + l3, 0) < 0) {
		printf("%s refused: %s\n", name, strerror(errno));
		return -1;
	}
	printf("%s accepted\n", name);
	return 0;
}

static int
gso_probe(const char *ifname, const char *macstr, in_addr_t src, in_addr_t dst)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	unsigned m[6];
	uint8_t mac[6];
	int s, one = 1, bad = 0;

	if (sscanf(macstr, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "ipip_ceiling: bad MAC %s\n", macstr);
		return 1;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	if ((ll.sll_ifindex = (int)if_nametoindex(ifname)) == 0 ||
	    (s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP))) < 0 ||
	    setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		perror("ipip_ceiling: packet socket");
		return 1;
	}
	bad |= gso_offer(s, "control-ipip-1000", mac, src, dst, 1, 1000);
	bad |= gso_offer(s, "control-tcp-gso-30000", mac, src, dst, 0, GSO_PAYLOAD);
	(void)gso_offer(s, "ipip-gso-30000", mac, src, dst, 1, GSO_PAYLOAD);
	close(s);
	return bad ? 1 : 0;
}

static in_addr_t
addr(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "ipip_ceiling: bad address %s\n", s);
		exit(2);
	}
	return a.s_addr;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "recv") == 0)
		return ceiling_recv(atof(argv[2]));
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return ceiling_send(addr(argv[2]), addr(argv[3]), atof(argv[4]));
	if (argc == 6 && strcmp(argv[1], "gso") == 0)
		return gso_probe(argv[2], argv[3], addr(argv[4]), addr(argv[5]));
	fprintf(stderr, "usage: ipip_ceiling recv SECONDS | send SRC DST SECONDS |"
	    " gso IFNAME DSTMAC SRC DST\n");
	return 2;
}
