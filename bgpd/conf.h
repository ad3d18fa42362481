/*
 * bgpd/conf.h - read the configuration file.
 *
 * Today the file holds the daemon-wide statements only (hostname, log);
 * the YANG-backed parser of issue 7 replaces this loader behind the same
 * contract: every error is logged as "FILE:LINE: message", the whole file is
 * refused when any line is bad, and *out is written only on success.
 */
#ifndef IPIP_BGPD_CONF_H
#define IPIP_BGPD_CONF_H

#include <stdio.h>

#include "bgpd/bgpd.h"
#include "lib/compiler.h"

/* 0, or -1 after logging each error. */
MUST_USE int conf_load(const char *path, struct bgpd_conf *out);
/* Same, from an open stream; name is used in messages. */
MUST_USE int conf_load_stream(FILE *, const char *name, struct bgpd_conf *out);

#endif
