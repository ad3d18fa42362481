/*
 * bench/bpf_ipip_proto.c - step-1 prototype of the "bpf" tunnel driver:
 * load tunnel/bpf/ipip.bpf.o, make one TUN device (kept open so it has
 * carrier, TSO offered so TCP hands it super-packets), attach ipip_encap to
 * its tc egress and ipip_decap to the underlay's tc ingress, fill the maps,
 * then wait for stdin to close and print the counters.
 *   bpf_ipip_proto OBJ TUNNAME UNDERLAY LOCAL REMOTE   (REMOTE 0.0.0.0: NBMA)
 * Not part of the daemon; the daemon's loader is tunnel/bpfdrv.c.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../tunnel/bpf/ipip_bpf.h"

static int
tun_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0) {
		perror("tun");
		return -1;
	}
	return fd;
}

static int
attach(struct bpf_program *p, unsigned ifindex, enum bpf_tc_attach_point at)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = bpf_program__fd(p));
	int rv = bpf_tc_hook_create(&h);

	if (rv < 0 && rv != -EEXIST)
		return rv;
	return bpf_tc_attach(&h, &o);
}

int
main(int argc, char **argv)
{
	struct ipip_bpf_encap e = { .ttl_default = 64 };
	struct ipip_bpf_key k;
	struct bpf_object *obj;
	unsigned tif, uif, one = 1;
	int fd, ncpu = libbpf_num_possible_cpus(), rv;
	char c;

	if (argc != 6) {
		fprintf(stderr, "usage: %s OBJ TUNNAME UNDERLAY LOCAL REMOTE\n", argv[0]);
		return 2;
	}
	inet_pton(AF_INET, argv[4], &e.local);
	inet_pton(AF_INET, argv[5], &e.remote);
	if ((fd = tun_open(argv[2])) < 0)
		return 1;
	tif = if_nametoindex(argv[2]);
	uif = if_nametoindex(argv[3]);
	obj = bpf_object__open_file(argv[1], NULL);
	if (obj == NULL || (rv = bpf_object__load(obj)) < 0) {
		fprintf(stderr, "load: %s\n", strerror(errno));
		return 1;
	}
	k = (struct ipip_bpf_key){ e.local, e.remote };
	struct ipip_bpf_stats z[ncpu];
	memset(z, 0, sizeof(z));
	if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "ipip_encap_map"), &tif, &e, 0) ||
	    bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "ipip_decap_map"), &k, &tif, 0) ||
	    bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "ipip_local_map"), &e.local, &one, 0) ||
	    bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "ipip_stats_map"), &tif, z, 0)) {
		perror("map");
		return 1;
	}
	if ((rv = attach(bpf_object__find_program_by_name(obj, "ipip_encap"), tif, BPF_TC_EGRESS)) < 0 ||
	    (rv = attach(bpf_object__find_program_by_name(obj, "ipip_decap"), uif, BPF_TC_INGRESS)) < 0) {
		fprintf(stderr, "attach: %s\n", strerror(-rv));
		return 1;
	}
	printf("ok %s ifindex %u\n", argv[2], tif);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "ipip_stats_map"), &tif, z);
	for (int i = 1; i < ncpu; i++) {
		z[0].pkts_in += z[i].pkts_in, z[0].bytes_in += z[i].bytes_in;
		z[0].pkts_out += z[i].pkts_out, z[0].bytes_out += z[i].bytes_out;
		z[0].errors_in += z[i].errors_in, z[0].errors_out += z[i].errors_out;
	}
	printf("in %llu %llu %llu out %llu %llu %llu\n", z[0].pkts_in, z[0].bytes_in,
	    z[0].errors_in, z[0].pkts_out, z[0].bytes_out, z[0].errors_out);
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = uif, .attach_point = BPF_TC_INGRESS);
	bpf_tc_hook_destroy(&h);
	close(fd);
	return 0;
}
