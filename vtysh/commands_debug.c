/*
 * vtysh/commands_debug.c - debug topics at run time: ask the daemon to turn
 * them on or off (CTL_DEBUG) or to list them (CTL_SHOW_DEBUGGING), render
 * the answer. Topic names come from lib/debug.h, as the grammar's do.
 */
#include <string.h>

#include "lib/ctlmsg.h"
#include "lib/debug.h"
#include "vtysh/commands_debug.h"
#include "vtysh/render.h"
#include "vtysh/vty.h"

/* The words after "debug" (or "undebug"), keywords in full: "bgp updates in". */
static void
debug_words(const struct cmd_args *a, char *buf, size_t len)
{
	size_t off = 0;
	bool after = false;

	buf[0] = '\0';
	for (int i = 0; i < a->n && off < len; i++) {
		if (after)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "",
			    a->v[i].word);
		after = after || strcmp(a->v[i].word, "debug") == 0 ||
		    strcmp(a->v[i].word, "undebug") == 0;
	}
}

static int
debugging_request(struct vty *v, uint16_t type, const void *req, size_t len,
    struct ctl_debugging *d)
{
	if (vty_request_one_with(v, type, req, len, d, sizeof(*d)) < 0)
		return -1;
	CTL_STR_FIX(d->log_level_name);
	return 0;
}

int
cmd_debug(struct vty *v, const struct cmd_args *a)
{
	struct ctl_debug_req req = { 0 };
	struct ctl_debugging d;
	char words[128];
	uint32_t mask;

	debug_words(a, words, sizeof(words));
	if ((mask = debug_match(words)) == 0)
		return vty_error(v, "no debug topic is named '%s'", words);
	if (strcmp(a->v[0].word, "debug") == 0)
		req.on = mask;
	else
		req.off = mask;		/* no debug ..., undebug all */
	return debugging_request(v, CTL_DEBUG, &req, sizeof(req), &d);
}

int
cmd_show_debugging(struct vty *v, const struct cmd_args *a)
{
	struct ctl_debugging d;

	if (debugging_request(v, CTL_SHOW_DEBUGGING, NULL, 0, &d) < 0)
		return -1;
	render_debugging(v->out, &d, cmd_has(a, "json"));
	return 0;
}
