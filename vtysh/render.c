/*
 * vtysh/render.c - text and JSON printers. See render.h.
 */
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "lib/debug.h"
#include "vtysh/render.h"

const char *
render_uptime(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 86400)
		snprintf(buf, len, "%02lld:%02lld:%02lld", (long long)s / 3600,
		    (long long)s / 60 % 60, (long long)s % 60);
	else if (s < 7 * 86400)
		snprintf(buf, len, "%lldd%02lldh%02lldm", (long long)s / 86400,
		    (long long)s / 3600 % 24, (long long)s / 60 % 60);
	else
		snprintf(buf, len, "%lldw%lldd%02lldh", (long long)s / (7 * 86400),
		    (long long)s / 86400 % 7, (long long)s / 3600 % 24);
	return buf;
}

static void
json_print(FILE *out, json_object *o)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void
render_json_print(FILE *out, struct json_object *o)
{
	json_print(out, o);
}

static void
json_add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
json_add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void
render_version(FILE *out, const struct ctl_version *v, bool json)
{
	json_object *o, *feat;
	char buf[sizeof(v->features)], *save = NULL, *w;

	if (!json) {
		fprintf(out, "ipip-bgpd %s (%s)\n", v->version, v->git_rev);
		fprintf(out, "Built with: %s\n", v->features);
		return;
	}
	o = json_object_new_object();
	feat = json_object_new_array();
	json_add_str(o, "version", v->version);
	json_add_str(o, "gitRevision", v->git_rev);
	memcpy(buf, v->features, sizeof(buf));
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		json_object_array_add(feat, json_object_new_string(w));
	json_object_object_add(o, "features", feat);
	json_print(out, o);
}

static const char *
render_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", localtime_r(&tt, &tm));
	return buf;
}

void
render_daemon(FILE *out, const struct ctl_daemon *d, bool json)
{
	char up[32], since[40];
	json_object *o;

	render_uptime(d->uptime, up, sizeof(up));
	render_time(d->started, since, sizeof(since));
	if (!json) {
		fprintf(out, "ipip-bgpd pid %lld, up %s (since %s)\n", (long long)d->pid, up, since);
		fprintf(out, "  Hostname:        %s\n", d->hostname);
		fprintf(out, "  Config file:     %s\n", d->config_file[0] ? d->config_file : "(none)");
		fprintf(out, "  Log level:       %s\n", d->log_level_name);
		fprintf(out, "  Control socket:  %s\n", d->ctl_socket);
		fprintf(out, "  PID file:        %s\n", d->pid_file);
		fprintf(out, "  Open files limit: %llu\n", (unsigned long long)d->nofile);
		fprintf(out, "  Control socket paused: %llu times (accept failed: out of file "
		    "descriptors)\n", (unsigned long long)d->ctl_accept_paused);
		return;
	}
	o = json_object_new_object();
	json_add_int(o, "pid", d->pid);
	json_add_int(o, "uptimeSec", d->uptime);
	json_add_str(o, "uptime", up);
	json_add_str(o, "started", since);
	json_add_str(o, "hostname", d->hostname);
	if (d->config_file[0])
		json_add_str(o, "configFile", d->config_file);
	else
		json_object_object_add(o, "configFile", NULL);
	json_add_str(o, "logLevel", d->log_level_name);
	json_add_str(o, "controlSocket", d->ctl_socket);
	json_add_str(o, "pidFile", d->pid_file);
	json_add_int(o, "openFilesLimit", (int64_t)d->nofile);
	json_add_int(o, "controlAcceptPaused", (int64_t)d->ctl_accept_paused);
	json_print(out, o);
}

/* FRR's words: "BGP debugging status:" then "  BGP updates debugging is on (inbound)". */
static void
debugging_text(FILE *out, const struct ctl_debugging *d)
{
	const uint32_t upd = DEBUG_BIT(DEBUG_BGP_UPDATES_IN) | DEBUG_BIT(DEBUG_BGP_UPDATES_OUT);
	uint32_t on = d->on;

	fprintf(out, "BGP debugging status:\n");
	if (on & DEBUG_BIT(DEBUG_BGP_NEIGHBOR_EVENTS))
		fprintf(out, "  BGP neighbor-events debugging is on\n");
	if (on & upd)
		fprintf(out, "  BGP updates debugging is on%s\n", (on & upd) == upd ? "" :
		    on & DEBUG_BIT(DEBUG_BGP_UPDATES_IN) ? " (inbound)" : " (outbound)");
	if (on & DEBUG_BIT(DEBUG_BGP_KEEPALIVES))
		fprintf(out, "  BGP keepalives debugging is on\n");
	fprintf(out, "FIB debugging status:\n");
	if (on & DEBUG_BIT(DEBUG_FIB))
		fprintf(out, "  FIB kernel route and nexthop debugging is on\n");
	fprintf(out, "Tunnel debugging status:\n");
	if (on & DEBUG_BIT(DEBUG_TUNNEL))
		fprintf(out, "  Tunnel create and remove debugging is on\n");
	if (on != 0 && d->log_level < LOG_DEBUG)
		fprintf(out, "(these lines are logged although the log level is %s)\n",
		    d->log_level_name);
}

void
render_debugging(FILE *out, const struct ctl_debugging *d, bool json)
{
	json_object *o, *t, *c;

	if (!json) {
		debugging_text(out, d);
		return;
	}
	o = json_object_new_object();
	t = json_object_new_object();
	c = json_object_new_array();
	for (unsigned i = 0; i < DEBUG_NTOPICS; i++) {
		json_object_object_add(t, debug_topic(i)->json,
		    json_object_new_boolean((d->on & DEBUG_BIT(i)) != 0));
		if (d->configured & DEBUG_BIT(i))
			json_object_array_add(c, json_object_new_string(debug_topic(i)->words));
	}
	json_object_object_add(o, "debugging", t);
	json_object_object_add(o, "configured", c);
	json_add_str(o, "logLevel", d->log_level_name);
	json_print(out, o);
}
