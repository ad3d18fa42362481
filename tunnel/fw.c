/*
 * tunnel/fw.c - the nftables table "ip ipip_bgpd" (libnftables, nft syntax):
 * IPIP has no authentication (RFC 2003 section 6), so the input hook admits
 * IP protocol 4 only from the (remote . local) pairs of our current tunnels
 * and drops every other protocol-4 packet, before any ipip device or raw
 * socket sees it. Each rule counts. The table is ours alone: made afresh at
 * start (replacing one a killed run left), removed on exit. Never logs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/host.h"

struct tunnel_fw {
	struct nft_ctx	*nft;
	char		 err[256];
};

/* "add table; delete table; table {...}" is one transaction: no window without rules. */
static const char fw_table[] =
	"add table ip " TUNNEL_FW_TABLE "\n"
	"delete table ip " TUNNEL_FW_TABLE "\n"
	"table ip " TUNNEL_FW_TABLE " {\n"
	"	set endpoints { type ipv4_addr . ipv4_addr; }\n"
	"	chain input {\n"
	"		type filter hook input priority filter - 10; policy accept;\n"
	"		ip protocol 4 ip saddr . ip daddr @endpoints counter accept\n"
	"		ip protocol 4 counter drop\n"
	"	}\n"
	"}\n";

static int
fw_run(struct tunnel_fw *fw, const char *cmd)
{
	const char *e;
	size_t n;

	if (nft_run_cmd_from_buffer(fw->nft, cmd) == 0)
		return 0;
	e = nft_ctx_get_error_buffer(fw->nft);
	snprintf(fw->err, sizeof(fw->err), "%s", e ? e : "");
	n = strlen(fw->err);
	while (n > 0 && fw->err[n - 1] == '\n')
		fw->err[--n] = '\0';
	return -EINVAL;
}

struct tunnel_fw *
tunnel_fw_new(int *err, char *why, size_t whylen)
{
	struct tunnel_fw *fw = calloc(1, sizeof(*fw));

	if (fw == NULL || (fw->nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		free(fw);
		*err = -ENOMEM;
		snprintf(why, whylen, "nft_ctx_new failed");
		return NULL;
	}
	nft_ctx_buffer_output(fw->nft);
	nft_ctx_buffer_error(fw->nft);
	if ((*err = fw_run(fw, fw_table)) < 0) {
		snprintf(why, whylen, "%s", fw->err);
		nft_ctx_free(fw->nft);
		free(fw);
		return NULL;
	}
	return fw;
}

void
tunnel_fw_free(struct tunnel_fw *fw, bool keep)
{
	if (fw == NULL)
		return;
	if (!keep)
		(void)fw_run(fw, "delete table ip " TUNNEL_FW_TABLE "\n");
	nft_ctx_free(fw->nft);
	free(fw);
}

static int
fw_element(struct tunnel_fw *fw, const char *verb, struct in_addr local, struct in_addr remote)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN], cmd[160];

	inet_ntop(AF_INET, &local, l, sizeof(l));
	inet_ntop(AF_INET, &remote, r, sizeof(r));
	snprintf(cmd, sizeof(cmd), "%s element ip " TUNNEL_FW_TABLE " endpoints { %s . %s }\n",
	    verb, r, l);			/* outer source . outer destination */
	return fw_run(fw, cmd);
}

int
tunnel_fw_endpoint_add(struct tunnel_fw *fw, struct in_addr local, struct in_addr remote)
{
	return fw_element(fw, "add", local, remote);
}

int
tunnel_fw_endpoint_del(struct tunnel_fw *fw, struct in_addr local, struct in_addr remote)
{
	return fw_element(fw, "delete", local, remote);
}

const char *
tunnel_fw_error(const struct tunnel_fw *fw)
{
	return fw->err;
}
