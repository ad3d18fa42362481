/*
 * tunnel/host.h - host settings the manager keeps, internal to tunnel/:
 * the nftables table that admits IP protocol 4 only from our endpoints
 * (fw.c) and the multipath hash sysctl (ecmp.c). Nothing here logs.
 */
#ifndef IPIP_TUNNEL_HOST_H
#define IPIP_TUNNEL_HOST_H

#include <netinet/in.h>
#include <stdbool.h>

#include "lib/compiler.h"

#define TUNNEL_FW_TABLE	"ipip_bgpd"

struct tunnel_fw;

/* Replace any table of ours by an empty one (atomically); NULL, *err and a message on failure. */
struct tunnel_fw *tunnel_fw_new(int *err, char *why, size_t whylen);
/* Remove the table unless keep; free. NULL is fine. */
void	tunnel_fw_free(struct tunnel_fw *, bool keep);
/* Admit protocol 4 from remote to local (add), or stop (del). */
MUST_USE int tunnel_fw_endpoint_add(struct tunnel_fw *, struct in_addr local, struct in_addr remote);
MUST_USE int tunnel_fw_endpoint_del(struct tunnel_fw *, struct in_addr local, struct in_addr remote);
/* The last error's text from libnftables ("" when none). */
const char *tunnel_fw_error(const struct tunnel_fw *);

/* net.ipv4.fib_multipath_hash_policy of this namespace: >= 0, or -errno. */
int	tunnel_ecmp_policy_read(void);
MUST_USE int tunnel_ecmp_policy_write(int policy);

#endif
