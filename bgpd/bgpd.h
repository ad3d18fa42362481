/*
 * bgpd/bgpd.h - the daemon's top-level state, shared by main.c, ctl*.c and
 * conf.c. One struct bgpd exists, owned by main(); everything else borrows it.
 */
#ifndef IPIP_BGPD_BGPD_H
#define IPIP_BGPD_BGPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct event_base;
struct ctl_server;
struct ly_ctx;
struct lyd_node;
struct conf_change;
struct bgp;

/*
 * What one commit changed for the BGP speaker, gathered change by change and
 * applied once the commit's last change is told (bgpd/peer_conf.c).
 */
struct bgpd_bgp_mark {
	char		key[64];	/* neighbor address or peer-group name */
	bool		group;
	uint8_t		kind;		/* enum conf_change_kind, the strongest seen */
};
struct bgpd_bgp_pending {
	struct bgpd_bgp_mark	*marks;		/* owned */
	size_t			 n, cap;
	bool			 identity;	/* asn or router-id touched */
	bool			 policy;	/* a policy object or ebgp-requires-policy */
};

/* The daemon-wide settings, derived from the running tree (bgpd/conf.c). */
struct bgpd_conf {
	char	hostname[64];	/* "" = the system's */
	int	log_level;	/* -1 = not set in the file */
	bool	log_syslog;	/* "log syslog": log there even in the foreground */
	uint32_t debug;		/* `debug ...` statements: DEBUG_BIT()s (lib/debug.h) */
};

struct bgpd {
	struct event_base	*base;
	struct ctl_server	*ctl;
	const char		*conf_file;	/* NULL: none */
	const char		*ctl_path;
	const char		*pid_file;
	struct bgpd_conf	 conf;
	struct ly_ctx		*yang;		/* the configuration model (conf/) */
	struct lyd_node		*running;	/* running configuration; NULL = empty */
	void			(*conf_watch)(const struct conf_change *, void *);
	void			(*conf_watch_done)(void *);	/* after a commit's last change */
	void			*conf_watch_arg;	/* bgpd_conf_watch() */
	int			(*conf_check)(const struct lyd_node *, const struct lyd_node *,
				    char *, size_t, void *);	/* bgpd_conf_check_set() */
	void			*conf_check_arg;
	int			 log_level_cli;	/* -d, or -1 */
	uint64_t		 nofile;	/* RLIMIT_NOFILE soft limit after start */
	time_t			 started;	/* wall clock */
	struct timespec		 started_mono;
	struct bgp		*bgp;		/* owned; NULL without `router bgp` */
	struct bgpd_bgp_pending	 bgp_pending;	/* bgpd/peer_conf.c */
};

/* The running hostname: the configured one, else the system's. */
const char *bgpd_hostname(const struct bgpd *, char *buf, size_t len);

/*
 * The BGP speaker from the running tree (bgpd/peer_conf.c): `router bgp` and
 * its neighbors; listen and start the peers, and from then on apply what each
 * commit changes (bgpd_conf_watch). 0 (also without `router bgp`), or -1
 * after logging why. Stop sends every session a Cease and frees all.
 */
int	bgpd_bgp_start(struct bgpd *);
void	bgpd_bgp_stop(struct bgpd *);

#endif
