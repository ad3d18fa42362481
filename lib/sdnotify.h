/*
 * lib/sdnotify.h - tell systemd (Type=notify) the daemon's state, without
 * linking libsystemd: one datagram to $NOTIFY_SOCKET, as sd_notify(3) does.
 */
#ifndef IPIP_LIB_SDNOTIFY_H
#define IPIP_LIB_SDNOTIFY_H

/* 0 when sent or when not run by systemd; -errno on failure. */
int	sd_notify_send(const char *state);

#endif
