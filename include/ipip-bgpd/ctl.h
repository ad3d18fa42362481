/*
 * include/ipip-bgpd/ctl.h - the control protocol between ipip-bgpd and its
 * clients (ipip-vtysh). This header is the whole contract: the shell links
 * no daemon module.
 *
 * Transport: a unix stream socket. Every message is a frame:
 *
 *	u32 len		whole frame, header included, network byte order
 *	u8  version	CTL_VERSION; a mismatch is refused, never guessed at
 *	u8  flags	0
 *	u16 type	enum ctl_type, network byte order
 *	u32 seq		chosen by the client, echoed in every answer
 *	... payload	len - CTL_HDR_LEN bytes, at most CTL_PAYLOAD_MAX
 *
 * A request is one frame. The daemon answers with zero or more record frames
 * of the request's own type, then CTL_END, or CTL_ERROR (a struct ctl_error)
 * instead of CTL_END. Records are the plain structs below in host byte order
 * (both ends run on one machine and are built from one tree); a record whose
 * payload size differs from its struct is refused. Strings are NUL-padded
 * and the reader terminates them itself. The daemon never prints text for
 * `show` commands: the shell renders records as text or JSON.
 */
#ifndef IPIP_BGPD_CTL_H
#define IPIP_BGPD_CTL_H

#include <stdint.h>

#define CTL_VERSION	1
#define CTL_HDR_LEN	12
#define CTL_FRAME_MAX	(64 * 1024)
#define CTL_PAYLOAD_MAX	(CTL_FRAME_MAX - CTL_HDR_LEN)
/* Group whose members may use the control socket besides root. */
#define CTL_GROUP	"ipipbgpd"

enum ctl_type {
	CTL_ERROR = 1,		/* answer: struct ctl_error; ends the request */
	CTL_END = 2,		/* answer: no payload; ends the request */
	CTL_SHOW_VERSION = 3,	/* request: no payload; answer: struct ctl_version */
	CTL_SHOW_DAEMON = 4,	/* request: no payload; answer: struct ctl_daemon */
	/* Configuration (issue 7); numbered apart so other requests can grow below. */
	CTL_SHOW_RUNNING = 32,	/* request: no payload; answer: struct ctl_text records
				   whose concatenation is the running config as YANG JSON */
	CTL_CONFIG = 33,	/* request: text lines, the shell's block context then the
				   command; answer: CTL_END when applied, else ctl_text
				   records (one error per line) then CTL_ERROR */
	CTL_RELOAD = 34,	/* request: no payload; reload the config file as SIGHUP
				   does; answer: CTL_END or CTL_ERROR */
	CTL_WRITE = 35,		/* request: no payload; write the running config to the
				   file (temp file + rename); answer: a ctl_text, CTL_END */
	CTL_TYPE_MAX
};

struct ctl_error {
	char	msg[256];
};

/* A piece of text; len bytes of text[] are meaningful. */
#define CTL_TEXT_MAX	8192
struct ctl_text {
	uint32_t	len;
	char		text[CTL_TEXT_MAX];
};

struct ctl_version {
	char	version[32];	/* "0.1.0" */
	char	git_rev[64];	/* git describe at build time */
	char	features[128];	/* space-separated build features */
};

struct ctl_daemon {
	int64_t	pid;
	int64_t	started;	/* unix time the daemon started */
	int64_t	uptime;		/* seconds, monotonic */
	int32_t	log_level;	/* syslog level */
	char	log_level_name[16];
	char	hostname[64];
	char	config_file[256];	/* "" when none */
	char	ctl_socket[108];
	char	pid_file[256];
};

#endif
