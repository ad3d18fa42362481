/*
 * bench/feeder.c - the benchmark's BGP peer: pre-encodes UPDATEs into a file
 * once, then replays that file over one session at full speed (a benchmark
 * tool, not part of the daemon).
 *
 *   feeder encode -o FILE -n N -h NEXTHOP -a AS [-s 20.0.0.0] [-k 1000] [-A "AS AS.."]
 *   feeder run    -f FILE -c PEER_ADDR -a AS -i ROUTER_ID [-p 179] [-b LOCAL_ADDR] [-x]
 *   feeder sink   -c LISTEN_ADDR -a AS -i ROUTER_ID [-p 179]
 *
 * encode writes N consecutive /24s, about k per UPDATE (IPv4 NLRI field,
 * RFC 4271 §4.3), ORIGIN IGP, a 4-octet AS_PATH (RFC 6793 §3; the session
 * negotiates the capability), NEXT_HOP, then an End-of-RIB (RFC 4724 §2).
 * run connects, exchanges OPEN (4-octet AS and MP IPv4 unicast capabilities,
 * RFC 6793 §3, RFC 4760 §8) and KEEPALIVE, prints "established NS", writes the
 * file, prints "replayed NS BYTES", then keeps the session up (KEEPALIVE
 * every hold/3) until SIGTERM/SIGINT/SIGUSR1: it then sends a Cease
 * NOTIFICATION (RFC 4486 §4, administrative shutdown), prints "dropped NS"
 * and exits. -x closes right after the replay (for the rate alone). sink
 * accepts one session, counts UPDATEs and prefixes until the peer closes and
 * prints one line "sink established NS last_update NS updates U prefixes P
 * bytes B". NS are CLOCK_MONOTONIC nanoseconds (one clock for all namespaces).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/clock.h"

#include "bench/bgpmsg.h"

#define HOLD_TIME	240
#define AS_TRANS	23456	/* RFC 6793 §9 */
#define MAX_PATH_AS	16

struct opts {
	const char	*file, *addr, *bind, *aspath;
	uint32_t	 as, id, nexthop, start;
	unsigned	 n, per_update, port;
	int		 exit_after;
};

struct session {
	int		 fd;
	int		 got_open, established;
	uint16_t	 hold;
	uint8_t		 in[2 * BGPMSG_MAX];
	size_t		 inlen;
	uint64_t	 t_est, t_last_update, updates, prefixes, bytes;
};

static volatile sig_atomic_t drop_requested;

static void
on_drop_signal(int sig)
{
	(void)sig;
	drop_requested = 1;
}

static NORETURN void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* ---- encoding ---------------------------------------------------------- */

/* Path attributes shared by every UPDATE of the file (RFC 4271 §4.3, §5.1). */
static int
attrs_encode(struct wbuf *w, const struct opts *o)
{
	uint32_t path[MAX_PATH_AS];
	size_t n = 0;
	char *s, *tok, *save = NULL;

	if (o->aspath) {
		if (!(s = strdup(o->aspath)))
			return -ENOMEM;
		for (tok = strtok_r(s, " ,", &save); tok && n < MAX_PATH_AS;
		     tok = strtok_r(NULL, " ,", &save))
			path[n++] = (uint32_t)strtoul(tok, NULL, 10);
		free(s);
	}
	if (n == 0)
		path[n++] = o->as;
	wbuf_put_u8(w, 0x40), wbuf_put_u8(w, 1), wbuf_put_u8(w, 1), wbuf_put_u8(w, 0);
	wbuf_put_u8(w, 0x40), wbuf_put_u8(w, 2), wbuf_put_u8(w, (uint8_t)(2 + 4 * n));
	wbuf_put_u8(w, 2), wbuf_put_u8(w, (uint8_t)n);		/* AS_SEQUENCE */
	for (size_t i = 0; i < n; i++)
		wbuf_put_u32(w, path[i]);
	wbuf_put_u8(w, 0x40), wbuf_put_u8(w, 3), wbuf_put_u8(w, 4);
	wbuf_put_u32(w, o->nexthop);
	return wbuf_error(w);
}

static int
cmd_encode(const struct opts *o)
{
	struct wbuf attrs, w;
	unsigned per, done = 0;
	size_t eorlen;
	FILE *f;

	wbuf_init(&attrs, 256);
	if (attrs_encode(&attrs, o) < 0)
		die("encode attributes");
	per = bgpmsg_update_room(wbuf_len(&attrs));
	if (o->per_update && o->per_update < per)
		per = o->per_update;
	if (!(f = fopen(o->file, "w")))
		die(o->file);
	wbuf_init(&w, 64 * BGPMSG_MAX);
	while (done < o->n) {
		unsigned k = o->n - done < per ? o->n - done : per;

		wbuf_reset(&w);
		if (bgpmsg_update_put(&w, wbuf_data(&attrs), wbuf_len(&attrs),
		    o->start + (done << 8), k) < 0 ||
		    fwrite(wbuf_data(&w), 1, wbuf_len(&w), f) != wbuf_len(&w))
			die("encode update");
		done += k;
	}
	wbuf_reset(&w);
	bgpmsg_begin(&w, BGPMSG_UPDATE, &eorlen);		/* End-of-RIB: RFC 4724 §2 */
	wbuf_put_u16(&w, 0), wbuf_put_u16(&w, 0);
	if (bgpmsg_end(&w, 0, eorlen) < 0 || fwrite(wbuf_data(&w), 1, wbuf_len(&w), f) != wbuf_len(&w))
		die("encode end-of-rib");
	if (fclose(f) != 0)
		die(o->file);
	fprintf(stderr, "feeder: %u prefixes, %u per UPDATE, into %s\n", o->n, per, o->file);
	wbuf_free(&w), wbuf_free(&attrs);
	return 0;
}

/* ---- session ----------------------------------------------------------- */

static void
send_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	while (len > 0) {
		ssize_t r = write(fd, b, len);

		if (r > 0) {
			b += r, len -= (size_t)r;
		} else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
				die("poll");
		} else {
			die("write");
		}
	}
}

static void
send_open(int fd, const struct opts *o)
{
	struct wbuf w;
	size_t lenoff;

	wbuf_init(&w, BGPMSG_MAX);
	bgpmsg_begin(&w, BGPMSG_OPEN, &lenoff);
	wbuf_put_u8(&w, 4);
	wbuf_put_u16(&w, o->as > 0xffff ? AS_TRANS : (uint16_t)o->as);
	wbuf_put_u16(&w, HOLD_TIME);
	wbuf_put_u32(&w, o->id);
	wbuf_put_u8(&w, 16);			/* optional parameters length */
	wbuf_put_u8(&w, 2), wbuf_put_u8(&w, 6);	/* capabilities: MP IPv4 unicast */
	wbuf_put_u8(&w, 1), wbuf_put_u8(&w, 4);
	wbuf_put_u16(&w, 1), wbuf_put_u8(&w, 0), wbuf_put_u8(&w, 1);
	wbuf_put_u8(&w, 2), wbuf_put_u8(&w, 6);	/* 4-octet AS */
	wbuf_put_u8(&w, 65), wbuf_put_u8(&w, 4);
	wbuf_put_u32(&w, o->as);
	if (bgpmsg_end(&w, 0, lenoff) < 0)
		die("encode open");
	send_all(fd, wbuf_data(&w), wbuf_len(&w));
	wbuf_free(&w);
}

static void
send_simple(int fd, uint8_t type, uint8_t code, uint8_t subcode)
{
	uint8_t m[BGPMSG_HDR + 2];
	size_t len = type == BGPMSG_NOTIFICATION ? BGPMSG_HDR + 2 : BGPMSG_HDR;

	memset(m, 0xff, 16);
	m[16] = 0, m[17] = (uint8_t)len, m[18] = type;
	m[19] = code, m[20] = subcode;
	send_all(fd, m, len);
}

/* One whole message body of type t; returns -1 when the session must end. */
static int
session_handle(struct session *s, uint8_t type, struct cursor *body)
{
	uint16_t hold;
	uint8_t code = 0, sub = 0;

	switch (type) {
	case BGPMSG_OPEN:
		if (bgpmsg_open_hold(*body, &hold) < 0)
			return -1;
		s->hold = hold < HOLD_TIME ? hold : HOLD_TIME;
		s->got_open = 1;
		send_simple(s->fd, BGPMSG_KEEPALIVE, 0, 0);
		return 0;
	case BGPMSG_KEEPALIVE:
		if (s->got_open && !s->established) {
			s->established = 1;
			s->t_est = bench_now_ns();
		}
		return 0;
	case BGPMSG_UPDATE:
		s->updates++;
		s->t_last_update = bench_now_ns();
		return bgpmsg_update_count(*body, &s->prefixes) < 0 ? -1 : 0;
	case BGPMSG_NOTIFICATION:
		if (cur_u8(body, &code) < 0 || cur_u8(body, &sub) < 0)
			code = sub = 0;
		fprintf(stderr, "feeder: NOTIFICATION %u/%u from peer\n", code, sub);
		return -1;
	}
	return -1;
}

/* Read what is there; parse every whole message. 0 ok, -1 session over. */
static int
session_read(struct session *s)
{
	ssize_t r = read(s->fd, s->in + s->inlen, sizeof(s->in) - s->inlen);
	struct cursor c, body;
	uint8_t type;
	int rv;

	if (r == 0)
		return -1;
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	s->bytes += (uint64_t)r;
	s->inlen += (size_t)r;
	c = cur_init(s->in, s->inlen);
	while ((rv = bgpmsg_next(&c, &type, &body)) == 0)
		if (session_handle(s, type, &body) < 0)
			return -1;
	if (rv != -EAGAIN)
		return -1;
	memmove(s->in, c.p, cur_left(&c));
	s->inlen = cur_left(&c);
	return 0;
}

static void
session_wait_established(struct session *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint64_t end = bench_now_ns() + 30 * 1000000000ull;

	while (!s->established) {
		if (bench_now_ns() > end || drop_requested)
			exit(1);
		/* one read may hold the whole session: OPEN, KEEPALIVE ... NOTIFICATION */
		if (poll(&pfd, 1, 100) > 0 && session_read(s) < 0 && !s->established) {
			fprintf(stderr, "feeder: session closed before Established\n");
			exit(1);
		}
	}
	printf("established %llu\n", (unsigned long long)s->t_est);
}

/* Write the file while reading (and discarding) what the peer sends. */
static void
session_replay(struct session *s, const uint8_t *p, size_t len)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN | POLLOUT };
	size_t off = 0;

	while (off < len && !drop_requested) {
		ssize_t r = write(s->fd, p + off, len - off);

		if (r > 0)
			off += (size_t)r;
		else if (r < 0 && errno != EAGAIN && errno != EINTR)
			die("replay write");
		if (off < len && poll(&pfd, 1, 1000) > 0 && (pfd.revents & POLLIN) &&
		    session_read(s) < 0) {
			fprintf(stderr, "feeder: peer closed during replay\n");
			exit(1);
		}
	}
	printf("replayed %llu %zu\n", (unsigned long long)bench_now_ns(), off);
}

static void
session_keep(struct session *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	int ka_ms = (s->hold ? s->hold : HOLD_TIME) * 1000 / 3;
	uint64_t next_ka = bench_now_ns() + (uint64_t)ka_ms * 1000000ull;

	while (!drop_requested) {
		if (poll(&pfd, 1, 200) > 0 && session_read(s) < 0) {
			fprintf(stderr, "feeder: peer closed the session\n");
			exit(1);
		}
		if (bench_now_ns() >= next_ka) {
			send_simple(s->fd, BGPMSG_KEEPALIVE, 0, 0);
			next_ka = bench_now_ns() + (uint64_t)ka_ms * 1000000ull;
		}
	}
}

static int
sock_addr(const struct opts *o, const char *a, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)o->port);
	return a && inet_pton(AF_INET, a, &sa->sin_addr) == 1 ? 0 : -1;
}

static int
session_connect(const struct opts *o)
{
	struct sockaddr_in peer, local;
	int fd, one = 1;
	uint64_t end = bench_now_ns() + 20 * 1000000000ull;

	if (sock_addr(o, o->addr, &peer) < 0)
		die("peer address");
	for (;;) {			/* the DUT may need a moment to listen */
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			die("socket");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (o->bind && (sock_addr(o, o->bind, &local) < 0 ||
		    (local.sin_port = 0, bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)))
			die("bind");
		if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) == 0)
			break;
		close(fd);
		if (bench_now_ns() > end || drop_requested)
			die("connect");
		usleep(50000);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
session_drop(struct session *s)
{
	send_simple(s->fd, BGPMSG_NOTIFICATION, 6, 2);	/* Cease, Administrative Shutdown */
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	printf("dropped %llu\n", (unsigned long long)bench_now_ns());
}

static int
cmd_run(const struct opts *o)
{
	static struct session s;
	struct stat st;
	uint8_t *p;
	int ffd;

	if ((ffd = open(o->file, O_RDONLY)) < 0 || fstat(ffd, &st) < 0)
		die(o->file);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, ffd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	s.fd = session_connect(o);
	send_open(s.fd, o);
	session_wait_established(&s);
	session_replay(&s, p, (size_t)st.st_size);
	if (!o->exit_after)
		session_keep(&s);
	session_drop(&s);
	munmap(p, (size_t)st.st_size);
	close(ffd);
	return 0;
}

static int
cmd_sink(const struct opts *o)
{
	static struct session s;
	struct sockaddr_in sa;
	struct pollfd pfd;
	int lfd, one = 1;

	if (sock_addr(o, o->addr, &sa) < 0 || (lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("sink address");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0)
		die("sink listen");
	printf("listening\n");
	pfd = (struct pollfd){ .fd = lfd, .events = POLLIN };
	if (poll(&pfd, 1, 30000) <= 0 || (s.fd = accept(lfd, NULL, NULL)) < 0)
		die("sink accept");
	send_open(s.fd, o);
	session_wait_established(&s);
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLIN };
	for (int idle = 0; idle < 300 && !drop_requested; ) {	/* 30 s without data */
		int r = poll(&pfd, 1, 100);

		if (r == 0)
			idle++;
		else if (r > 0 && (idle = 0, session_read(&s) < 0))
			break;
	}
	printf("sink established %llu last_update %llu updates %llu prefixes %llu bytes %llu\n",
	    (unsigned long long)s.t_est, (unsigned long long)s.t_last_update,
	    (unsigned long long)s.updates, (unsigned long long)s.prefixes,
	    (unsigned long long)s.bytes);
	close(s.fd), close(lfd);
	return 0;
}

static uint32_t
addr_parse(const char *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, a, &in) != 1) {
		fprintf(stderr, "feeder: bad address %s\n", a);
		exit(2);
	}
	return ntohl(in.s_addr);
}

static void
opts_parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .n = 1000, .start = 20u << 24, .port = 179 };
	while ((c = getopt(argc, argv, "o:f:n:h:a:s:k:A:c:i:p:b:x")) != -1) {
		switch (c) {
		case 'o': case 'f': o->file = optarg; break;
		case 'n': o->n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': o->nexthop = addr_parse(optarg); break;
		case 'a': o->as = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': o->start = addr_parse(optarg); break;
		case 'k': o->per_update = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'A': o->aspath = optarg; break;
		case 'c': o->addr = optarg; break;
		case 'i': o->id = addr_parse(optarg); break;
		case 'p': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'b': o->bind = optarg; break;
		case 'x': o->exit_after = 1; break;
		default: exit(2);
		}
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_drop_signal };
	struct opts o;
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	opts_parse(argc - 1, argv + 1, &o);
	if (!strcmp(cmd, "encode") && o.file && o.nexthop && o.as)
		return cmd_encode(&o);
	if (!strcmp(cmd, "run") && o.file && o.addr && o.as && o.id)
		return cmd_run(&o);
	if (!strcmp(cmd, "sink") && o.addr && o.as && o.id)
		return cmd_sink(&o);
	fprintf(stderr, "usage: feeder encode -o FILE -n N -h NEXTHOP -a AS [-s START] [-k PER] [-A PATH]\n"
	    "       feeder run -f FILE -c PEER -a AS -i ID [-p PORT] [-b LOCAL] [-x]\n"
	    "       feeder sink -c LISTEN -a AS -i ID [-p PORT]\n");
	return 2;
}
