/*
 * bgpd/conf.h - the daemon's configuration: the running YANG tree (conf/),
 * loaded from the file at start, and every later change - SIGHUP, the
 * control request 'reload', the shell's config commands - taking one path:
 * parse into a candidate, validate, diff against running, apply only the
 * difference (STYLE 2, 11). A candidate with any error changes nothing.
 *
 * The BGP speaker reads neighbors from b->running with conf_bgp_neighbors()
 * and hears of changes through bgpd_conf_watch().
 */
#ifndef IPIP_BGPD_CONF_H
#define IPIP_BGPD_CONF_H

#include <stddef.h>

#include "bgpd/bgpd.h"
#include "conf/conf.h"
#include "lib/compiler.h"

/*
 * Load and validate a file (FRR text, or YANG .json/.xml) into *out.
 * 0; -EINVAL after logging every error as "FILE:LINE: PATH: reason";
 * -errno (-ENOENT, -EACCES) when it cannot be opened (logged).
 */
MUST_USE int bgpd_conf_load(struct ly_ctx *, const char *path, struct lyd_node **out);
/* The daemon-wide settings of a tree. */
void	bgpd_conf_derive(const struct lyd_node *, struct bgpd_conf *);
/*
 * Make candidate (owned; NULL = empty) the running configuration: diff,
 * tell each change, apply what the daemon owns (hostname, log). Returns the
 * number of changes.
 */
size_t	bgpd_conf_commit(struct bgpd *, struct lyd_node *candidate);
/*
 * Hear of every change a commit makes, after b->running is the new tree
 * (so conf_bgp_neighbors(b->running, ...) reads the new settings), then
 * done (may be NULL) once after the commit's last change, so a watcher can
 * gather the changes and act once per neighbor. One watcher: the BGP
 * speaker, which resets or updates in place by c->kind (bgpd/peer_conf.c).
 */
void	bgpd_conf_watch(struct bgpd *, conf_change_fn *, void (*done)(void *), void *arg);
/*
 * Asked before a commit: can candidate replace running now, as the daemon
 * runs? 0, or -1 with why filled ("overlay driver: bpf -> userspace needs a
 * restart ..."). One checker: the BGP speaker (bgpd/peer_conf.c), for what
 * it cannot change at run time, so running-config never shows what is not
 * in effect.
 */
typedef int bgpd_conf_check_fn(const struct lyd_node *running,
    const struct lyd_node *candidate, char *why, size_t len, void *arg);
void	bgpd_conf_check_set(struct bgpd *, bgpd_conf_check_fn *, void *arg);
/*
 * candidate (owned; NULL = empty) becomes running if the checker lets it:
 * 0 and *changes; else -EBUSY with why, candidate freed, nothing changed.
 */
MUST_USE int bgpd_conf_apply(struct bgpd *, struct lyd_node *candidate, size_t *changes,
    char *why, size_t len);
/*
 * Reload b->conf_file. 0, or with the running config untouched (logged):
 * -ENOENT (no file given), -errno (cannot open it), -EINVAL (it has
 * errors), -EBUSY (a change needs a restart). errs (may be NULL) then says
 * why: the file's errors, one "FILE:LINE: PATH: reason" a line, as many as
 * fit, or one line for the other cases.
 */
int	bgpd_conf_reload(struct bgpd *, const char *who, char *errs, size_t errlen);
/*
 * Apply text lines as the shell sends them (context lines, then the command).
 * 0, or the number of errors, each one line in errs (NUL-separated lines).
 */
int	bgpd_conf_edit(struct bgpd *, const char *text, size_t len, char *errs, size_t errlen);
/* Write the running configuration to b->conf_file atomically. 0 or -errno. */
int	bgpd_conf_write(struct bgpd *, char *msg, size_t len);

#endif
