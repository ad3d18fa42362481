/*
 * lib/log.c - logging to a stream or syslog. See log.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "lib/debug.h"
#include "lib/log.h"

static FILE	*log_stream = NULL;	/* NULL: syslog */
static int	 log_level = LOG_INFO;
static enum log_style log_style = LOG_STYLE_STAMP;

static const struct {
	const char *name, *alias;
} level_names[] = {
	[LOG_EMERG] = { "emergencies", "emerg" },
	[LOG_ALERT] = { "alerts", "alert" },
	[LOG_CRIT] = { "critical", "crit" },
	[LOG_ERR] = { "errors", "error" },
	[LOG_WARNING] = { "warnings", "warning" },
	[LOG_NOTICE] = { "notifications", "notice" },
	[LOG_INFO] = { "informational", "info" },
	[LOG_DEBUG] = { "debugging", "debug" },
};

/*
 * systemd connects stderr to the journal and says so in $JOURNAL_STREAM,
 * "DEV:INODE" of that stream (systemd.exec(5)); the descriptor may have been
 * redirected since, hence the fstat() comparison, as sd-daemon(3) advises.
 */
static bool
log_fd_is_journal(int fd)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int n = 0;

	if (fd < 0 || env == NULL || sscanf(env, "%llu:%llu%n", &dev, &ino, &n) != 2 ||
	    env[n] != '\0' || fstat(fd, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_init(FILE *to, const char *ident, int level)
{
	log_stream = to;
	log_level = level;
	log_style = to != NULL && log_fd_is_journal(fileno(to)) ? LOG_STYLE_JOURNAL :
	    LOG_STYLE_STAMP;
	if (to == NULL)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_plain(void)
{
	if (log_style == LOG_STYLE_STAMP)
		log_style = LOG_STYLE_PLAIN;
}

enum log_style
log_get_style(void)
{
	return log_style;
}

void
log_set_level(int level)
{
	if (level >= LOG_EMERG && level <= LOG_DEBUG)
		log_level = level;
}

int
log_get_level(void)
{
	return log_level;
}

const char *
log_level_name(int level)
{
	if (level < LOG_EMERG || level > LOG_DEBUG)
		return NULL;
	return level_names[level].name;
}

int
log_level_parse(const char *s)
{
	for (int i = LOG_EMERG; i <= LOG_DEBUG; i++)
		if (strcasecmp(s, level_names[i].name) == 0 ||
		    strcasecmp(s, level_names[i].alias) == 0)
			return i;
	return -1;
}

static void log_vemit(int, const char *, const char *, va_list) PRINTF_LIKE(3, 0);
static void log_vwrite(int, const char *, const char *, va_list) PRINTF_LIKE(3, 0);

static void
log_vemit(int level, const char *err, const char *fmt, va_list ap)
{
	if (level <= log_level)
		log_vwrite(level, err, fmt, ap);
}

/* "2026-01-02T03:04:05.678 warning: " */
static void
log_stamp(FILE *f, int level)
{
	char ts[32];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03ld %s: ", ts, (long)tv.tv_usec / 1000, level_names[level].alias);
}

/* One line whatever the level. */
static void
log_vwrite(int level, const char *err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stream == NULL) {
		if (err)
			syslog(level, "%s: %s", msg, err);
		else
			syslog(level, "%s", msg);
		return;
	}
	if (log_style == LOG_STYLE_JOURNAL)
		fprintf(log_stream, "<%d>", level);	/* the journal keeps its own time */
	else if (log_style == LOG_STYLE_STAMP)
		log_stamp(log_stream, level);
	fprintf(log_stream, "%s%s%s\n", msg, err ? ": " : "", err ? err : "");
	fflush(log_stream);
}

#define LOG_FN(fn, level)						\
void									\
fn(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vemit(level, NULL, fmt, ap);				\
	va_end(ap);							\
}
LOG_FN(log_debug, LOG_DEBUG)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_notice, LOG_NOTICE)
LOG_FN(log_warnx, LOG_WARNING)
LOG_FN(log_err, LOG_ERR)

void
log_at(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(level > LOG_DEBUG ? LOG_DEBUG : level < LOG_WARNING ? LOG_WARNING : level,
	    NULL, fmt, ap);
	va_end(ap);
}

/* A debug topic's line (lib/debug.h): the caller checked that the topic is on. */
void
log_topic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

bool
log_ratelimit_ok(struct log_ratelimit *rl, time_t now, unsigned burst,
    unsigned interval, unsigned *dropped)
{
	if (dropped)
		*dropped = 0;
	if (now - rl->start >= (time_t)interval || now < rl->start) {
		if (dropped)
			*dropped = rl->suppressed;
		rl->start = now;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count < burst) {
		rl->count++;
		return true;
	}
	rl->suppressed++;
	return false;
}
