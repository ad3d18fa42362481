/*
 * tests/fuzz/fuzz_ipip_decap.c - libFuzzer target: what a raw protocol-4
 * socket can hand the decap thread. The inner window must lie inside the
 * input and start with an IPv4 header whose total length is the window.
 * The inner packet then goes through receive coalescing twice (a packet
 * joining a run of itself), as the decap thread would. The input as an
 * inner packet too big for the path: the ICMP owed for it stays in bounds.
 * On a writable copy, RFC 6040's decapsulation edits only the inner header.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <endian.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "tunnel/gro.h"
#include "tunnel/icmp.h"
#include "tunnel/ipip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GSO write asks for segments that fit mtu, and none of size 0. */
static void
gro_finish_check(struct gro_run *g, size_t mtu)
{
	struct virtio_net_hdr v;
	struct iovec *iov;

	if (gro_run_finish(g, &iov, mtu) < 2 || iov[0].iov_len < sizeof(v))
		abort();
	memcpy(&v, iov[0].iov_base, sizeof(v));
	if (v.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return;
	if (le16toh(v.gso_size) == 0 || (mtu != 0 && (size_t)le16toh(v.gso_size) + le16toh(v.hdr_len) > mtu))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipip_decap d;
	struct ipip_encap e;
	static struct gro_run g;
	uint16_t tot;

	if (ipip_decap_parse(data, size, &d) == 0) {
		if (d.inner.p < data || d.inner.p + d.inner.len > data + size ||
		    cur_peek_u16(&d.inner, 2, &tot) < 0 || tot != d.inner.len ||
		    ipip_encap_parse(d.inner.p, d.inner.len, &e) < 0)
			abort();
		gro_run_start(&g, d.inner.p, d.inner.len);
		(void)gro_run_add(&g, d.inner.p, d.inner.len);
		gro_finish_check(&g, data[size - 1] ? 576 + data[size - 1] * 4u : 0);
	}
	(void)ipip_encap_parse(data, size, &e);
	{
		uint8_t *w = malloc(size + 1);

		if (w == NULL)
			return 0;
		memcpy(w, data, size);
		if (ipip_decap_parse(w, size, &d) == 0 && ipip_ecn_decap(&d) == 0 &&
		    (memcmp(w, data, (size_t)(d.inner.p - w)) != 0 ||
		    ipip_encap_parse(d.inner.p, d.inner.len, &e) < 0))
			abort();
		free(w);
	}
	{
		uint8_t out[ICMP_FRAG_NEEDED_MAX];
		int n = icmp_frag_needed(data, size, 1400, out);

		if (n > (int)sizeof(out) || (n >= 0 && n < 36))
			abort();
	}
	return 0;
}
