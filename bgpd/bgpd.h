/*
 * bgpd/bgpd.h - the daemon's top-level state, shared by main.c, ctl*.c and
 * conf.c. One struct bgpd exists, owned by main(); everything else borrows it.
 */
#ifndef IPIP_BGPD_BGPD_H
#define IPIP_BGPD_BGPD_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "bgpd/conf_bgp.h"

struct event_base;
struct ctl_server;
struct bgp;

/* What the config file sets today. Grows with the YANG model (issue 7). */
struct bgpd_conf {
	char	hostname[64];	/* "" = the system's */
	int	log_level;	/* -1 = not set in the file */
	bool	log_syslog;	/* "log syslog": log there even in the foreground */
	struct bgp_conf bgp;	/* `router bgp` (conf_bgp.c) */
};

struct bgpd {
	struct event_base	*base;
	struct ctl_server	*ctl;
	const char		*conf_file;	/* NULL: none */
	const char		*ctl_path;
	const char		*pid_file;
	struct bgpd_conf	 conf;
	int			 log_level_cli;	/* -d, or -1 */
	time_t			 started;	/* wall clock */
	struct timespec		 started_mono;
	struct bgp		*bgp;		/* owned; NULL without `router bgp` */
};

/* The running hostname: the configured one, else the system's. */
const char *bgpd_hostname(const struct bgpd *, char *buf, size_t len);

/*
 * BGP sessions from conf.bgp (bgpd/peer_conf.c): listen and start the peers.
 * 0, or -1 after logging why. Stop sends every session a Cease and frees all.
 */
int	bgpd_bgp_start(struct bgpd *);
void	bgpd_bgp_stop(struct bgpd *);

#endif
