/*
 * lib/pidfile.h - a locked PID file: held (flock) for the daemon's life, so
 * a second daemon with the same file is refused and a stale file from a
 * crash is simply taken over.
 */
#ifndef IPIP_LIB_PIDFILE_H
#define IPIP_LIB_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/compiler.h"

struct pidfile;

/*
 * Open and lock path. -EWOULDBLOCK: another process holds it, its PID in
 * *holder (0 if unreadable). Other -errno: cannot create it.
 */
MUST_USE int pidfile_open(const char *path, struct pidfile **, pid_t *holder);
/* Write the current PID (call after fork). 0 or -errno. */
MUST_USE int pidfile_write(struct pidfile *);
/* Remove the file (else empty it) and release the lock. NULL is fine. */
void	pidfile_remove(struct pidfile *);

#endif
