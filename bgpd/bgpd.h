/*
 * bgpd/bgpd.h - the daemon's top-level state, shared by main.c, ctl*.c and
 * conf.c. One struct bgpd exists, owned by main(); everything else borrows it.
 */
#ifndef IPIP_BGPD_BGPD_H
#define IPIP_BGPD_BGPD_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct event_base;
struct ctl_server;
struct ly_ctx;
struct lyd_node;
struct conf_change;

/* The daemon-wide settings, derived from the running tree (bgpd/conf.c). */
struct bgpd_conf {
	char	hostname[64];	/* "" = the system's */
	int	log_level;	/* -1 = not set in the file */
	bool	log_syslog;	/* "log syslog": log there even in the foreground */
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
	void			*conf_watch_arg;	/* bgpd_conf_watch() */
	int			 log_level_cli;	/* -d, or -1 */
	time_t			 started;	/* wall clock */
	struct timespec		 started_mono;
};

/* The running hostname: the configured one, else the system's. */
const char *bgpd_hostname(const struct bgpd *, char *buf, size_t len);

#endif
