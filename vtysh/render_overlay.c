/*
 * vtysh/render_overlay.c - `show overlay [json]`: mode and driver, then per
 * next hop its decision, device, MTU ('-' and no "mtu" key when it has no
 * device), prefix count and the reason.
 */
#include <json-c/json.h>

#include "vtysh/render.h"
#include "vtysh/render_overlay.h"

#define J_STR(o, k, v)	json_object_object_add((o), (k), json_object_new_string(v))
#define J_INT(o, k, v)	json_object_object_add((o), (k), json_object_new_int64((int64_t)(v)))

static void
render_overlay_json(FILE *out, const struct ctl_overlay_rec *h,
    const struct ctl_overlay_rec *nhs, size_t n)
{
	json_object *top = json_object_new_object(), *arr = json_object_new_array();

	J_STR(top, "mode", h->mode);
	J_STR(top, "driver", h->driver);
	J_STR(top, "driverReason", h->reason);
	json_object_object_add(top, "running", json_object_new_boolean(h->running));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		J_STR(o, "nexthop", nhs[i].nexthop);
		J_STR(o, "local", nhs[i].local);
		J_STR(o, "mode", nhs[i].mode);
		J_STR(o, "modeSource", nhs[i].mode_source);
		J_STR(o, "decision", nhs[i].decision);
		J_STR(o, "reason", nhs[i].reason);
		J_STR(o, "device", nhs[i].device);
		if (nhs[i].mtu != 0)		/* none: no device, no MTU */
			J_INT(o, "mtu", nhs[i].mtu);
		J_INT(o, "prefixes", nhs[i].prefixes);
		json_object_array_add(arr, o);
	}
	json_object_object_add(top, "nexthops", arr);
	render_json_print(out, top);
}

static void
render_overlay_nh_text(FILE *out, const struct ctl_overlay_rec *r)
{
	char mtu[16] = "-";

	if (r->mtu != 0)
		snprintf(mtu, sizeof(mtu), "%u", r->mtu);
	fprintf(out, "%-15s %-12s %-20s %-8s %-15s %5s %8u  %s\n", r->nexthop, r->mode,
	    r->mode_source, r->decision, r->device[0] ? r->device : "-", mtu, r->prefixes,
	    r->reason);
}

void
render_overlay(FILE *out, const struct ctl_overlay_rec *h,
    const struct ctl_overlay_rec *nhs, size_t n, bool json)
{
	if (json)
		return render_overlay_json(out, h, nhs, n);
	if (!h->running) {
		fprintf(out, "Overlay not running (no router bgp, or the kernel FIB failed)\n");
		return;
	}
	fprintf(out, "Overlay mode %s, driver %s%s%s%s\n", h->mode, h->driver,
	    h->reason[0] ? " (" : "", h->reason, h->reason[0] ? ")" : "");
	if (n == 0)
		return;
	fprintf(out, "%-15s %-12s %-20s %-8s %-15s %5s %8s  %s\n", "Next Hop", "Mode", "From",
	    "Decision", "Device", "MTU", "Prefixes", "Reason");
	for (size_t i = 0; i < n; i++)
		render_overlay_nh_text(out, &nhs[i]);
}
