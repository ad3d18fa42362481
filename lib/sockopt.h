/*
 * lib/sockopt.h - TCP/IP socket options a routing daemon sets on its
 * sessions: TCP MD5 signatures (RFC 2385), the TTL pair of GTSM (RFC 5082)
 * and the TOS byte. IPv4 only. Each returns 0 or -errno and logs nothing.
 */
#ifndef IPIP_LIB_SOCKOPT_H
#define IPIP_LIB_SOCKOPT_H

#include <netinet/in.h>

#include "lib/compiler.h"

#define SOCK_MD5_KEY_MAX	80	/* TCP_MD5SIG_MAXKEYLEN */
#define SOCK_TOS_CONTROL	0xc0	/* CS6, IPTOS_PREC_INTERNETCONTROL: routing protocols */

/* Sign segments to/from addr with key; key "" removes the key. -EINVAL if too long. */
MUST_USE int sock_md5_set(int fd, struct in_addr addr, const char *key);
/* TOS byte of what the socket sends, SYN-ACKs of a listener included (IP_TOS). */
MUST_USE int sock_tos_set(int fd, int tos);
/* Outgoing TTL (IP_TTL), 1..255. */
MUST_USE int sock_ttl_set(int fd, int ttl);
/* Drop received segments with a TTL below minttl (IP_MINTTL); 0 turns it off. */
MUST_USE int sock_minttl_set(int fd, int minttl);
/*
 * GTSM for a peer hops away (RFC 5082 §3): send with TTL 255, accept only
 * TTL >= 256 - hops. hops 0 turns it off (TTL back to the default 64).
 */
MUST_USE int sock_gtsm_set(int fd, unsigned hops);

#endif
