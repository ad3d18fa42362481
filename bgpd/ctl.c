/*
 * bgpd/ctl.c - control-socket server: listen, check credentials, frame,
 * dispatch. What each request means lives in ctl_show.c; this file knows
 * only frames and connections.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bgpd/accept.h"
#include "bgpd/bgpd.h"
#include "bgpd/ctl.h"
#include "lib/log.h"

struct ctl_conn {
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	struct ctl_conn		*next;
	pid_t			 pid;		/* of the client, for log lines */
	bool			 closing;	/* flush what is queued, then close */
	bool			 overflow;	/* does not read: free after dispatch */
	ctl_more_fn		*more;		/* a deferred answer, or NULL */
	void			*more_arg;	/* owned: free()d with it */
};

struct ctl_server {
	struct bgpd		*bgpd;
	struct evconnlistener	*listener;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_conn		*conns;
	unsigned		 nconns;
	gid_t			 group;		/* CTL_GROUP, or (gid_t)-1 */
	struct log_ratelimit	 refused_rl;
	struct accept_guard	 guard;		/* pauses the listener when accept() fails */
	uint64_t		 accept_paused;	/* times that happened */
};

static void ctl_conn_free(struct ctl_conn *);
static void ctl_conn_read_cb(struct bufferevent *, void *);

/* -EADDRINUSE when a daemon answers at path; 0 when free (stale file removed). */
static int
ctl_path_claim(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rv;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rv = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rv == 0)
		return -EADDRINUSE;
	if (errno != ECONNREFUSED)
		return -errno;
	return unlink(path) < 0 ? -errno : 0;
}

/*
 * Bind with the file born in group (when it is not CTL_GROUP's, -1): the
 * socket takes the creator's fsgid. Root switches it with CAP_SETGID, which
 * it has for the drop anyway, so it needs no CAP_CHOWN, which systemd's
 * bounding set (contrib/ipip-bgpd.service.in) leaves out (doc/security.md).
 */
static int
ctl_socket_bind_group(int fd, const struct sockaddr_un *sun, gid_t group)
{
	gid_t was = group != (gid_t)-1 ? (gid_t)setfsgid(group) : (gid_t)-1;
	int rv = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	int err = errno;

	if (group != (gid_t)-1)
		(void)setfsgid(was);
	errno = err;
	return rv;
}

/* Not born in the group (no CAP_SETGID: not root): a member may still chown it. */
static void
ctl_socket_group_check(const char *path, gid_t group)
{
	struct stat st;

	if (group == (gid_t)-1 || (stat(path, &st) == 0 && st.st_gid == group))
		return;
	if (chown(path, (uid_t)-1, group) < 0)
		log_warn("control socket %s: cannot give it to group %s", path, CTL_GROUP);
}

static int
ctl_socket_bind(const char *path, gid_t group, char *why, size_t whylen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, rv;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(why, whylen, "control socket path %s is longer than %zu bytes",
		    path, sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if ((rv = ctl_path_claim(path, &sun)) < 0) {
		if (rv == -EADDRINUSE)
			snprintf(why, whylen, "another ipip-bgpd is already running on %s", path);
		else if (rv == -EEXIST)
			snprintf(why, whylen, "%s exists and is not a socket; not replacing it", path);
		else
			snprintf(why, whylen, "control socket %s: %s", path, strerror(-rv));
		return rv;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	old = umask(0117);
	rv = ctl_socket_bind_group(fd, &sun, group);
	umask(old);
	if (rv < 0 || chmod(path, 0660) < 0 || listen(fd, 16) < 0)
		goto fail;
	ctl_socket_group_check(path, group);
	return fd;
fail:
	rv = -errno;
	snprintf(why, whylen, "cannot create control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rv;
}

/* Is uid a member of gid (primary or supplementary)? */
static bool
ctl_uid_in_group(uid_t uid, gid_t pgid, gid_t gid)
{
	gid_t groups[64];
	int n = (int)ARRAY_SIZE(groups);
	struct passwd *pw;

	if (pgid == gid)
		return true;
	if ((pw = getpwuid(uid)) == NULL)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static bool
ctl_peer_allowed(struct ctl_server *s, int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);

	*uc = (struct ucred){ .pid = -1, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) < 0 || len != sizeof(*uc))
		return false;
	if (uc->uid == 0 || uc->uid == geteuid())
		return true;
	return s->group != (gid_t)-1 && ctl_uid_in_group(uc->uid, uc->gid, s->group);
}

/* Say why in one frame (best effort: the socket is fresh and empty), close. */
static void
ctl_refuse(struct ctl_server *s, int fd, const char *why, const struct ucred *uc)
{
	struct ctl_error e;
	unsigned dropped;
	struct wbuf w;

	if (log_ratelimit_ok(&s->refused_rl, time(NULL), 5, 60, &dropped))
		log_warnx("control: refused client pid %d uid %d: %s%s", (int)uc->pid,
		    (int)uc->uid, why, dropped ? " (more refusals were not logged)" : "");
	memset(&e, 0, sizeof(e));
	snprintf(e.msg, sizeof(e.msg), "%s", why);
	wbuf_init(&w, CTL_FRAME_MAX);
	if (ctl_frame_write(&w, CTL_ERROR, 0, &e, sizeof(e)) == 0 &&
	    send(fd, wbuf_data(&w), wbuf_len(&w), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("control: could not tell the refused client why: %s", strerror(errno));
	wbuf_free(&w);
	close(fd);
}

/* Queue bytes; a client whose backlog passes CTL_OUT_MAX is dropped. */
static void
ctl_conn_queue(struct ctl_conn *c, const struct wbuf *w)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (c->closing)
		return;
	if (evbuffer_get_length(out) + wbuf_len(w) > CTL_OUT_MAX) {
		log_warnx("control: client pid %d does not read its answers; dropping it", (int)c->pid);
		c->closing = c->overflow = true;
		evbuffer_drain(out, evbuffer_get_length(out));
		return;
	}
	evbuffer_add(out, wbuf_data(w), wbuf_len(w));
}

void
ctl_conn_record(struct ctl_conn *c, uint16_t type, uint32_t seq, const void *rec, size_t len)
{
	struct wbuf w;

	wbuf_init(&w, CTL_FRAME_MAX);
	if (ctl_frame_write(&w, type, seq, rec, len) < 0)
		fatalx("control: record of type %u does not fit a frame", type);
	ctl_conn_queue(c, &w);
	wbuf_free(&w);
}

void
ctl_conn_end(struct ctl_conn *c, uint32_t seq)
{
	ctl_conn_record(c, CTL_END, seq, NULL, 0);
}

void
ctl_conn_error(struct ctl_conn *c, uint32_t seq, const char *fmt, ...)
{
	struct ctl_error e;
	va_list ap;

	memset(&e, 0, sizeof(e));
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	ctl_conn_record(c, CTL_ERROR, seq, &e, sizeof(e));
}

static void
ctl_conn_free(struct ctl_conn *c)
{
	struct ctl_conn **pp;

	for (pp = &c->srv->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			c->srv->nconns--;
			break;
		}
	bufferevent_free(c->bev);
	free(c->more_arg);
	free(c);
}

/*
 * The write callback runs the next chunk once what is queued has been
 * written; a chunk that queued nothing (a filtered walk that met no match)
 * would wait for a write that never comes, so the callback is run next turn.
 */
static void
ctl_conn_kick(struct ctl_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		bufferevent_trigger(c->bev, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
}

void
ctl_conn_defer(struct ctl_conn *c, ctl_more_fn *fn, void *arg)
{
	c->more = fn;
	c->more_arg = arg;
	ctl_conn_kick(c);
}

/* The client read what was queued: the next chunk, or the next request. */
static void
ctl_conn_more(struct ctl_conn *c)
{
	if (c->more(c, c->more_arg)) {
		ctl_conn_kick(c);
		return;
	}
	free(c->more_arg);
	c->more = NULL;
	c->more_arg = NULL;
	ctl_conn_read_cb(c->bev, c);
}

/* A protocol error: say why, flush, close. */
static void
ctl_conn_fail(struct ctl_conn *c, uint32_t seq, const char *why)
{
	log_warnx("control: client pid %d: %s; closing", (int)c->pid, why);
	ctl_conn_error(c, seq, "%s", why);
	c->closing = true;
	bufferevent_disable(c->bev, EV_READ);
}

static void
ctl_dispatch(struct ctl_conn *c, const struct ctl_frame *f)
{
	ctl_handler_fn *fn = ctl_handler_for(f->type);

	if (fn == NULL) {
		ctl_conn_error(c, f->seq, "unknown request type %u", f->type);
		return;
	}
	fn(c->srv->bgpd, c, f);
}

/* Take every whole frame that has arrived. */
static void
ctl_conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct ctl_frame f;
	size_t avail, used;
	const uint8_t *p;
	int rv;

	while (!c->closing && c->more == NULL && (avail = evbuffer_get_length(in)) >= CTL_HDR_LEN) {
		p = evbuffer_pullup(in, CTL_HDR_LEN);
		rv = ctl_frame_parse(p, CTL_HDR_LEN, &f, &used);
		if (rv == -EAGAIN && used > 0 && avail >= CTL_HDR_LEN + used) {
			p = evbuffer_pullup(in, (ssize_t)(CTL_HDR_LEN + used));
			rv = ctl_frame_parse(p, CTL_HDR_LEN + used, &f, &used);
		}
		if (rv == -EAGAIN)
			return;		/* the rest of the frame is on its way */
		if (rv < 0) {
			ctl_conn_fail(c, 0, rv == -EPROTONOSUPPORT ?
			    "control protocol version mismatch (shell and daemon from different builds?)" :
			    "malformed control frame");
			return;
		}
		ctl_dispatch(c, &f);
		if (c->overflow) {
			ctl_conn_free(c);
			return;
		}
		if (c->closing)
			return;
		evbuffer_drain(in, used);	/* before a deferred answer resumes reading */
	}
}

static void
ctl_conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;

	if (c->closing)
		ctl_conn_free(c);
	else if (c->more != NULL)
		ctl_conn_more(c);
}

static void
ctl_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_conn *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		ctl_conn_free(c);
}

static void
ctl_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ctl_server *s = arg;
	struct ctl_conn *c;
	struct ucred uc;

	if (!ctl_peer_allowed(s, fd, &uc)) {
		char why[128];

		snprintf(why, sizeof(why), "permission denied: uid %d is neither root nor a member of group %s",
		    (int)uc.uid, CTL_GROUP);
		ctl_refuse(s, fd, why, &uc);
		return;
	}
	if (s->nconns >= CTL_CLIENTS_MAX) {
		ctl_refuse(s, fd, "too many control connections", &uc);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("control: accept");
	c->srv = s;
	c->pid = uc.pid;
	c->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("control: cannot make a bufferevent");
	bufferevent_setcb(c->bev, ctl_conn_read_cb, ctl_conn_write_cb, ctl_conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_FRAME_MAX * 4);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = s->conns;
	s->conns = c;
	s->nconns++;
	log_debug("control: client pid %d uid %d connected", (int)uc.pid, (int)uc.uid);
}

/* accept() failed in a way libevent does not retry (EMFILE, ENFILE...): pause. */
static void
ctl_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct ctl_server *s = arg;

	accept_guard_error(&s->guard, EVUTIL_SOCKET_ERROR());
}

uint64_t
ctl_server_accept_paused(const struct ctl_server *s)
{
	return s != NULL ? s->accept_paused : 0;
}

int
ctl_server_new(struct bgpd *b, const char *path, struct ctl_server **out,
    char *why, size_t whylen)
{
	struct ctl_server *s;
	struct group *gr;
	int fd;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("control");
	s->bgpd = b;
	s->group = (gr = getgrnam(CTL_GROUP)) ? gr->gr_gid : (gid_t)-1;
	if ((fd = ctl_socket_bind(path, s->group, why, whylen)) < 0) {
		free(s);
		return fd;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->listener = evconnlistener_new(b->base, ctl_accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (s->listener == NULL)
		fatalx("control: cannot listen on %s", path);
	evconnlistener_set_error_cb(s->listener, ctl_accept_error_cb);
	accept_guard_init(&s->guard, b->base, s->listener, "control socket", &s->accept_paused);
	*out = s;
	return 0;
}

void
ctl_server_free(struct ctl_server *s)
{
	if (s == NULL)
		return;
	while (s->conns)
		ctl_conn_free(s->conns);
	accept_guard_fini(&s->guard);
	evconnlistener_free(s->listener);
	if (unlink(s->path) < 0 && errno != ENOENT)
		log_warn("control: cannot remove %s", s->path);
	free(s);
}
