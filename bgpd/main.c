/*
 * bgpd/main.c - ipip-bgpd: options, start-up, the event loop, shutdown.
 *
 * Start-up does everything that can fail for a reason the operator must see
 * (config, PID file, control socket) while still attached to the terminal,
 * then detaches unless -n. The one struct bgpd lives here.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>
#include <libyang/libyang.h>

#include "config.h"
#include "bgpd/bgpd.h"
#include "bgpd/conf.h"
#include "bgpd/ctl.h"
#include "bgpd/priv.h"
#include "lib/log.h"
#include "lib/pidfile.h"
#include "lib/sdnotify.h"

struct opts {
	const char	*conf_file;
	bool		 conf_explicit;	/* -f given: a missing file is an error */
	const char	*ctl_path;
	const char	*pid_file;
	char		*pid_file_derived;	/* owned: from -S */
	char		*abs[3];	/* owned: the three paths made absolute */
	bool		 foreground;
	bool		 check_only;
	int		 log_level;	/* -1: default */
	const char	*user;		/* -u; NULL: IPIP_USER if it exists */
};

static void
usage(FILE *to)
{
	fprintf(to,
	    "Usage: ipip-bgpd [-C] [-d] [-n] [-f CONFIG] [-S SOCKET] [-P PIDFILE]\n"
	    "                 [-u USER]\n"
	    "BGP routing daemon that builds IPIP overlays.\n\n"
	    "  -f, --config FILE    configuration file (default " IPIP_CONFFILE ";\n"
	    "                       without -f a missing default file means an empty config)\n"
	    "  -n, --foreground     stay in the foreground and log to stderr (for systemd:\n"
	    "                       <N>message lines when stderr is $JOURNAL_STREAM)\n"
	    "  -S, --socket PATH    control socket (default " IPIP_CTLSOCK ")\n"
	    "  -P, --pidfile PATH   PID file (default " IPIP_PIDFILE ", or SOCKET's\n"
	    "                       name with .pid when -S is given)\n"
	    "  -u, --user USER      when started as root, become USER once started, keeping\n"
	    "                       only CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, CAP_NET_RAW\n"
	    "                       (default " IPIP_USER " if it exists; -u root stays root)\n"
	    "  -d, --debug          log at level debugging\n"
	    "  -C, --check          check the configuration file, print every error as\n"
	    "                       FILE:LINE: message, exit 1 if any (0 if none)\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           print this help and exit\n\n"
	    "Signals: SIGTERM/SIGINT stop cleanly, SIGHUP reloads the configuration.\n"
	    "Talk to a running daemon with ipip-vtysh(8).\n");
}

/* SOCKET "/x/y.sock" -> "/x/y.pid"; the caller frees. */
static char *
pidfile_beside(const char *sock)
{
	size_t n = strlen(sock);
	char *p;

	if (n > 5 && strcmp(sock + n - 5, ".sock") == 0)
		n -= 5;
	if ((p = malloc(n + 5)) == NULL)
		fatal("pidfile");
	memcpy(p, sock, n);
	memcpy(p + n, ".pid", 5);
	return p;
}

/*
 * path made absolute against the directory the daemon starts in: it moves
 * to / when it detaches, and reload, `write memory`, `show daemon` and the
 * clean-up at exit must still mean the same files. The directory is
 * resolved (realpath); the last name is kept as given, so a file not made
 * yet (socket, PID file, a config `write memory` will create) works and a
 * symlinked config keeps its name. The caller frees.
 */
static char *
path_absolute(const char *path)
{
	char *copy = strdup(path), *name = strdup(path), dir[PATH_MAX], cwd[PATH_MAX], *out;
	int rv;

	if (copy == NULL || name == NULL)
		fatal("path");
	if (path[0] == '/')
		rv = asprintf(&out, "%s", path);
	else if (realpath(dirname(copy), dir) != NULL)
		rv = asprintf(&out, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, basename(name));
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		rv = asprintf(&out, "%s/%s", cwd, path);	/* its directory is missing: start fails */
	else
		rv = asprintf(&out, "%s", path);
	free(copy);
	free(name);
	if (rv < 0)
		fatal("path");
	return out;
}

/* The config, socket and PID file as absolute paths (not for -C: its errors name the file as given). */
static void
opts_absolute(struct opts *o)
{
	const char **paths[] = { &o->conf_file, &o->ctl_path, &o->pid_file };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		*paths[i] = o->abs[i] = path_absolute(*paths[i]);
}

static void
opts_free(struct opts *o)
{
	free(o->pid_file_derived);
	for (size_t i = 0; i < ARRAY_SIZE(o->abs); i++)
		free(o->abs[i]);
}

static int
opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*o = (struct opts){ .conf_file = IPIP_CONFFILE, .ctl_path = IPIP_CTLSOCK,
	    .log_level = -1 };
	while ((ch = getopt_long(argc, argv, "f:nS:P:u:dCVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': o->conf_file = optarg; o->conf_explicit = true; break;
		case 'n': o->foreground = true; break;
		case 'S': o->ctl_path = optarg; break;
		case 'P': o->pid_file = optarg; break;
		case 'u': o->user = optarg; break;
		case 'd': o->log_level = LOG_DEBUG; break;
		case 'C': o->check_only = true; o->foreground = true; break;
		case 'V': printf("ipip-bgpd %s (%s)\n", PACKAGE_VERSION, IPIP_GIT_REV); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipip-bgpd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->pid_file == NULL && strcmp(o->ctl_path, IPIP_CTLSOCK) != 0)
		o->pid_file = o->pid_file_derived = pidfile_beside(o->ctl_path);
	else if (o->pid_file == NULL)
		o->pid_file = IPIP_PIDFILE;
	if (!o->check_only)
		opts_absolute(o);
	return 0;
}

const char *
bgpd_hostname(const struct bgpd *b, char *buf, size_t len)
{
	if (b->conf.hostname[0] != '\0') {
		snprintf(buf, len, "%s", b->conf.hostname);
	} else if (gethostname(buf, len) < 0 || buf[0] == '\0') {
		snprintf(buf, len, "ipip-bgpd");
	}
	buf[len - 1] = '\0';
	return buf;
}

/* Read the config file into *tree; a missing default file is an empty config. */
static int
bgpd_conf_read(const struct opts *o, struct ly_ctx *ctx, struct lyd_node **tree,
    const char **used)
{
	*tree = NULL;
	*used = NULL;
	if (!o->conf_explicit && access(o->conf_file, F_OK) < 0 && errno == ENOENT) {
		log_notice("no config file %s; starting with an empty configuration", o->conf_file);
		return 0;
	}
	*used = o->conf_file;
	return bgpd_conf_load(ctx, o->conf_file, tree);
}

static void
on_signal_stop(evutil_socket_t sig, short what, void *arg)
{
	struct bgpd *b = arg;

	log_notice("ipip-bgpd terminating on signal %d (%s)", (int)sig, strsignal((int)sig));
	event_base_loopexit(b->base, NULL);
}

static void
on_signal_reload(evutil_socket_t sig, short what, void *arg)
{
	(void)bgpd_conf_reload(arg, "SIGHUP", NULL, 0);	/* logs why when it keeps the old one */
}

/* PID file and control socket: the two "already running" checks. */
static int
bgpd_claim(struct bgpd *b, struct pidfile **pf)
{
	char why[256];
	pid_t holder;
	int rv;

	if ((rv = pidfile_open(b->pid_file, pf, &holder)) < 0) {
		if (rv == -EWOULDBLOCK)
			log_err("another ipip-bgpd (pid %ld) holds the PID file %s",
			    (long)holder, b->pid_file);
		else
			log_err("cannot create PID file %s: %s", b->pid_file, strerror(-rv));
		return -1;
	}
	if (ctl_server_new(b, b->ctl_path, &b->ctl, why, sizeof(why)) < 0) {
		log_err("%s", why);
		pidfile_remove(*pf);
		*pf = NULL;
		return -1;
	}
	return 0;
}

static void
bgpd_run(struct bgpd *b)
{
	struct event *sigs[3];
	const int signums[3] = { SIGTERM, SIGINT, SIGHUP };

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigs[i] = evsignal_new(b->base, signums[i],
		    signums[i] == SIGHUP ? on_signal_reload : on_signal_stop, b);
		if (sigs[i] == NULL || evsignal_add(sigs[i], NULL) < 0)
			fatalx("cannot watch signal %d", signums[i]);
	}
	if (sd_notify_send("READY=1") < 0)
		log_warn("sd_notify");
	log_notice("ipip-bgpd %s started (pid %ld), control socket %s", PACKAGE_VERSION,
	    (long)getpid(), b->ctl_path);
	event_base_dispatch(b->base);
	sd_notify_send("STOPPING=1");
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		event_free(sigs[i]);
}

/* Whom to become after start-up: 1 drop to *u, 0 stay, -1 refuse to start. */
static int
bgpd_user_pick(const struct opts *o, struct priv_user *u)
{
	char why[256];
	int rv = priv_user_pick(o->user ? o->user : IPIP_USER, o->user != NULL, u, why,
	    sizeof(why));

	if (rv < 0)
		log_err("%s", why);
	else if (why[0] != '\0')
		log_notice("%s", why);
	return rv;
}

/* Say now what the unprivileged user will not be able to do later. */
static void
bgpd_user_check(const struct bgpd *b, const struct priv_user *u)
{
	const char *paths[] = { b->pid_file, b->ctl_path };
	char dir[4096];

	if (b->conf_file != NULL && access(b->conf_file, R_OK) < 0)
		log_warnx("%s is not readable by %s: reload will fail", b->conf_file, u->name);
	if (b->conf_file != NULL) {
		snprintf(dir, sizeof(dir), "%s", b->conf_file);
		if (access(dirname(dir), W_OK | X_OK) < 0)
			log_notice("directory %s is not writable by %s: `write memory` will "
			    "fail (doc/security.md)", dir, u->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		snprintf(dir, sizeof(dir), "%s", paths[i]);
		if (access(dirname(dir), W_OK | X_OK) < 0)
			log_notice("directory %s is not writable by %s: %s will stay after exit",
			    dir, u->name, paths[i]);
	}
}

/* Become u after start-up; what cannot be done as u was done before. */
static int
bgpd_user_drop(const struct bgpd *b, const struct priv_user *u)
{
	char why[256];

	if (priv_drop(u, why, sizeof(why)) < 0) {
		log_err("%s", why);
		return -1;
	}
	log_notice("running as %s (uid %ld gid %ld) with %s only", u->name, (long)u->uid,
	    (long)u->gid, PRIV_CAPS_TEXT);
	bgpd_user_check(b, u);
	return 0;
}

/*
 * Every session, tunnel and shell client is a descriptor: take all the hard
 * limit allows (systemd's default soft limit is 1024) and say once what it
 * is. A listener that runs out anyway pauses (bgpd/accept.h).
 */
static uint64_t
bgpd_nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		log_warn("getrlimit(RLIMIT_NOFILE)");
		return 0;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {	/* hard limit "unlimited": above nr_open */
			log_warn("cannot raise the open files limit from %llu to %llu",
			    (unsigned long long)was, (unsigned long long)rl.rlim_max);
			rl.rlim_cur = was;
		}
	}
	log_info("open files limit: %llu", (unsigned long long)rl.rlim_cur);
	return rl.rlim_cur;
}

/* What main() set up once the daemon claimed its socket, in reverse. */
static void
bgpd_teardown(struct bgpd *b, struct pidfile *pf, struct opts *o)
{
	bgpd_bgp_stop(b);			/* Cease to every peer */
	ctl_server_free(b->ctl);
	pidfile_remove(pf);
	event_base_free(b->base);
	lyd_free_all(b->running);
	conf_ctx_free(b->yang);
	opts_free(o);
}

int
main(int argc, char **argv)
{
	struct bgpd b = { .log_level_cli = -1 };
	struct pidfile *pf = NULL;
	struct lyd_node *tree;
	struct priv_user user;
	struct opts o;
	int rv, drop;

	if (opts_parse(argc, argv, &o) < 0)
		return 2;
	log_init(stderr, "ipip-bgpd", o.log_level >= 0 ? o.log_level : LOG_INFO);
	if (o.check_only)
		log_set_plain();		/* FILE:LINE: message, as a compiler */
	if ((b.yang = conf_ctx_new()) == NULL)
		fatalx("cannot load the built-in YANG model");
	rv = bgpd_conf_read(&o, b.yang, &tree, &b.conf_file);
	if (rv < 0 || o.check_only) {
		if (rv == 0)
			printf("%s: configuration OK\n", b.conf_file ? b.conf_file : o.conf_file);
		lyd_free_all(tree);
		conf_ctx_free(b.yang);
		opts_free(&o);
		return rv < 0 ? 1 : 0;
	}
	if ((drop = bgpd_user_pick(&o, &user)) < 0) {
		lyd_free_all(tree);
		conf_ctx_free(b.yang);
		opts_free(&o);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	b.nofile = bgpd_nofile_raise();
	b.log_level_cli = o.log_level;
	b.ctl_path = o.ctl_path;
	b.pid_file = o.pid_file;
	bgpd_conf_commit(&b, tree);
	if ((b.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	if (bgpd_claim(&b, &pf) < 0) {
		lyd_free_all(b.running);
		conf_ctx_free(b.yang);
		event_base_free(b.base);
		opts_free(&o);
		return 1;
	}
	if (bgpd_bgp_start(&b) < 0 ||		/* BGP sessions (bgpd/peer_conf.c) */
	    (drop == 1 && bgpd_user_drop(&b, &user) < 0)) {
		bgpd_teardown(&b, pf, &o);
		return 1;
	}
	if (!o.foreground || b.conf.log_syslog)
		log_init(NULL, "ipip-bgpd", log_get_level());
	if (!o.foreground && (daemon(0, 0) < 0 || event_reinit(b.base) < 0))
		fatal("cannot detach");
	if (pidfile_write(pf) < 0)
		log_warn("cannot write PID file %s", b.pid_file);
	b.started = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &b.started_mono);
	bgpd_run(&b);
	bgpd_teardown(&b, pf, &o);
	return 0;
}
