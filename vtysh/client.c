/*
 * vtysh/client.c - blocking control-socket client. See client.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vtysh/client.h"

struct ctl_client {
	int		fd;		/* -1 after the daemon closed it: reconnect first */
	char		path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint32_t	seq;
	uint8_t		buf[2 * CTL_FRAME_MAX];
	size_t		len;		/* bytes in buf not yet consumed */
	bool		lost;		/* the last reconnect failed: the daemon is gone */
};

/* A connected socket to path; fd, or -errno with why. */
static int
sock_connect(const char *path, char *why, size_t whylen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(why, whylen, "control socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	e = errno;
	snprintf(why, whylen, "cannot connect to ipip-bgpd at %s: %s%s", path, strerror(e),
	    e == ENOENT || e == ECONNREFUSED ? " (is the daemon running?)" : "");
	if (fd >= 0)
		close(fd);
	return -e;
}

int
ctl_client_connect(const char *path, struct ctl_client **out, char *why, size_t whylen)
{
	struct ctl_client *c;
	int fd;

	if ((fd = sock_connect(path, why, whylen)) < 0)
		return fd;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	c->fd = fd;
	snprintf(c->path, sizeof(c->path), "%s", path);
	*out = c;
	return 0;
}

void
ctl_client_free(struct ctl_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static int
send_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read more bytes into the buffer; 0, -ETIMEDOUT, -ECONNRESET on EOF. */
static int
fill(struct ctl_client *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t r;
	int rv;

	if ((rv = poll(&pfd, 1, CTL_CLIENT_TIMEOUT_MS)) == 0)
		return -ETIMEDOUT;
	if (rv < 0)
		return errno == EINTR ? 0 : -errno;
	r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (r == 0)
		return -ECONNRESET;
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	c->len += (size_t)r;
	return 0;
}

/* Drop the bytes of the frames read so far. */
static void
consume(struct ctl_client *c, size_t consumed)
{
	memmove(c->buf, c->buf + consumed, c->len - consumed);
	c->len -= consumed;
}

/* The next whole frame, whose bytes stay valid until the next call. */
static int
next_frame(struct ctl_client *c, struct ctl_frame *f, size_t *consumed)
{
	int rv;

	consume(c, *consumed);
	*consumed = 0;
	for (;;) {
		rv = ctl_frame_parse(c->buf, c->len, f, consumed);
		if (rv != -EAGAIN)
			return rv;
		if ((rv = fill(c)) < 0)
			return rv;
	}
}

static int
answer_error(const struct ctl_frame *f, char *err, size_t errlen)
{
	struct ctl_error e;

	if (ctl_record_get(f, &e, sizeof(e)) < 0) {
		snprintf(err, errlen, "malformed error answer from the daemon");
		return -1;
	}
	CTL_STR_FIX(e.msg);
	snprintf(err, errlen, "%s", e.msg);
	return -1;
}

/* Write one request frame; 0 or -errno (-EPIPE: the daemon closed the connection). */
static int
send_request(struct ctl_client *c, uint16_t type, uint32_t seq, const void *payload, size_t len)
{
	struct wbuf w;
	int rv;

	wbuf_init(&w, CTL_FRAME_MAX);
	rv = ctl_frame_write(&w, type, seq, payload, len);
	if (rv == 0)
		rv = send_all(c->fd, wbuf_data(&w), wbuf_len(&w));
	wbuf_free(&w);
	return rv;
}

static bool
is_broken(int rv)
{
	return rv == -EPIPE || rv == -ECONNRESET || rv == -ENOTCONN;
}

static void
drop(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/*
 * Send, reconnecting once when the connection is known dead or the send
 * finds it so: the daemon was restarted since the last command. The daemon
 * never saw a request whose send failed, so sending it again is safe.
 * 0, or -1 with err.
 */
static int
send_or_reconnect(struct ctl_client *c, uint16_t type, uint32_t seq, const void *payload,
    size_t len, char *err, size_t errlen)
{
	struct ctl_frame f;
	size_t consumed = 0;
	int rv = c->fd < 0 ? -ENOTCONN : send_request(c, type, seq, payload, len);

	/* A daemon that refused us wrote why before closing: read it. */
	if (rv == -EPIPE && next_frame(c, &f, &consumed) == 0 && f.type == CTL_ERROR) {
		drop(c);
		return answer_error(&f, err, errlen);
	}
	if (is_broken(rv)) {
		drop(c);
		if ((c->fd = sock_connect(c->path, err, errlen)) < 0) {
			c->lost = true;
			return -1;
		}
		c->lost = false;
		rv = send_request(c, type, seq, payload, len);
	}
	if (rv < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(-rv));
		return -1;
	}
	return 0;
}

int
ctl_client_request(struct ctl_client *c, uint16_t type, const void *payload, size_t len,
    ctl_record_fn *fn, void *arg, char *err, size_t errlen)
{
	uint32_t seq = ++c->seq;
	struct ctl_frame f;
	size_t consumed = 0;
	int rv, answer = 0;

	if (send_or_reconnect(c, type, seq, payload, len, err, errlen) < 0)
		return -1;
	while ((rv = next_frame(c, &f, &consumed)) == 0) {
		if (f.seq != seq && !(f.type == CTL_ERROR && f.seq == 0))
			continue;	/* late answer to an abandoned request; seq 0 = the connection */
		if (f.type == CTL_END)
			break;
		if (f.type == CTL_ERROR) {
			answer = answer_error(&f, err, errlen);	/* f points into the buffer */
			break;
		}
		if (f.type != type || fn(&f, arg) != 0) {
			snprintf(err, errlen, "unexpected answer from the daemon (type %u)", f.type);
			answer = -1;
			break;
		}
	}
	if (rv < 0) {		/* consumed may count bytes still missing: keep the buffer */
		if (is_broken(rv))
			drop(c);	/* the next request connects again */
		snprintf(err, errlen, "control socket: %s", rv == -ECONNRESET ?
		    "the daemon closed the connection" : strerror(-rv));
		return -1;
	}
	/*
	 * Drop the frames read, an error too: one left in the buffer would be
	 * read first after the daemon closes the connection and taken for its
	 * refusal.
	 */
	consume(c, consumed);
	return answer;
}

bool
ctl_client_lost(const struct ctl_client *c)
{
	return c != NULL && c->lost;
}
