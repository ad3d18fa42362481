/*
 * lib/pidfile.c - locked PID file. See pidfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/pidfile.h"

struct pidfile {
	int	 fd;
	char	*path;
};

static pid_t
pidfile_read_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long v;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 ? (pid_t)v : 0;
}

int
pidfile_open(const char *path, struct pidfile **out, pid_t *holder)
{
	struct pidfile *pf;
	int fd, rv;

	*holder = 0;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rv = -errno;
		*holder = pidfile_read_holder(fd);
		close(fd);
		return rv;
	}
	if ((pf = malloc(sizeof(*pf))) == NULL || (pf->path = strdup(path)) == NULL) {
		free(pf);
		close(fd);
		return -ENOMEM;
	}
	pf->fd = fd;
	*out = pf;
	return 0;
}

int
pidfile_write(struct pidfile *pf)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void
pidfile_remove(struct pidfile *pf)
{
	if (pf == NULL)
		return;
	/*
	 * After dropping root the directory may not be ours to change: then the
	 * file stays, empty and unlocked, naming no process (doc/security.md).
	 */
	if (unlink(pf->path) < 0 && errno != ENOENT)
		(void)!ftruncate(pf->fd, 0);
	close(pf->fd);
	free(pf->path);
	free(pf);
}
