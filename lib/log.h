/*
 * lib/log.h - one line per event, to stderr or syslog.
 *
 * Levels are syslog's (LOG_ERR ... LOG_DEBUG) and are named as FRR names them
 * ("informational", "debugging", ...). log_warn() appends strerror(errno),
 * log_warnx() does not. fatal()/fatalx() are for out-of-memory and broken
 * invariants only. A message that names an object starts with it
 * ("neighbor 10.0.0.2: ..."); the caller, who knows the context, logs once.
 *
 * The logger's own state (destination, level, and the debug topics of
 * lib/debug.h) is the one process-wide state in lib/: it is set by the
 * daemon's main() and read everywhere.
 */
#ifndef IPIP_LIB_LOG_H
#define IPIP_LIB_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "lib/compiler.h"

/*
 * How a line looks on a stream: STAMP "TIME LEVEL: message" (a terminal, a
 * file); JOURNAL "<N>message", the sd-daemon(3) priority prefix, chosen by
 * log_init when the stream is the one $JOURNAL_STREAM names (the journal
 * adds the time); PLAIN "message", for one-shot output such as `-C`.
 */
enum log_style { LOG_STYLE_STAMP, LOG_STYLE_JOURNAL, LOG_STYLE_PLAIN };

/* to == NULL: syslog with this ident; otherwise lines go to that stream. */
void	log_init(FILE *to, const char *ident, int level);
/* Lines without time and level from now on, unless they go to the journal. */
void	log_set_plain(void);
enum log_style log_get_style(void);
void	log_set_level(int level);
int	log_get_level(void);
/* "informational" for LOG_INFO; NULL if out of range. */
const char *log_level_name(int level);
/* Accepts FRR's names and the usual short ones; -1 if unknown. */
int	log_level_parse(const char *);

void	log_debug(const char *, ...) PRINTF_LIKE(1, 2);
void	log_info(const char *, ...) PRINTF_LIKE(1, 2);
void	log_notice(const char *, ...) PRINTF_LIKE(1, 2);
void	log_warn(const char *, ...) PRINTF_LIKE(1, 2);
void	log_warnx(const char *, ...) PRINTF_LIKE(1, 2);
void	log_err(const char *, ...) PRINTF_LIKE(1, 2);
/* At a level chosen at run time; LOG_WARNING and above are warnings (as log_warnx). */
void	log_at(int level, const char *, ...) PRINTF_LIKE(2, 3);
NORETURN void fatal(const char *, ...) PRINTF_LIKE(1, 2);
NORETURN void fatalx(const char *, ...) PRINTF_LIKE(1, 2);

/*
 * Rate limit for what a remote party can trigger: at most burst events per
 * interval; the first event of a new interval reports how many were dropped.
 */
struct log_ratelimit {
	time_t		start;
	unsigned	count;
	unsigned	suppressed;
};
/* true: log this one. *dropped (may be NULL) gets the count suppressed before it. */
bool	log_ratelimit_ok(struct log_ratelimit *, time_t now, unsigned burst,
	    unsigned interval, unsigned *dropped);

#endif
