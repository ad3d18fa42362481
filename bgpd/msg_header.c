/*
 * bgpd/msg_header.c - the 19-byte message header (RFC 4271 §4.1, §6.1),
 * KEEPALIVE, and the struct bgp_err helpers every parser uses.
 */
#include <stdio.h>
#include <string.h>

#include "bgpd/msg.h"

void
bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode, const void *data,
    size_t len)
{
	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	e->code = code;
	e->subcode = subcode;
	e->len = (uint16_t)len;
	if (len > 0)
		memcpy(e->data, data, len);
}

static const char *const err_codes[] = {
	[BGP_ERR_HEADER] = "Message Header Error", [BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error", [BGP_ERR_HOLD] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error", [BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_REFRESH] = "ROUTE-REFRESH Message Error",
	[BGP_ERR_SEND_HOLD] = "Send Hold Timer Expired",
};
static const char *const hdr_subs[] = { "", "Connection Not Synchronized",
	"Bad Message Length", "Bad Message Type" };
static const char *const open_subs[] = { "", "Unsupported Version Number",
	"Bad Peer AS", "Bad BGP Identifier", "Unsupported Optional Parameter",
	"", "Unacceptable Hold Time", "Unsupported Capability" };
static const char *const upd_subs[] = { "", "Malformed Attribute List",
	"Unrecognized Well-known Attribute", "Missing Well-known Attribute",
	"Attribute Flags Error", "Attribute Length Error", "Invalid ORIGIN Attribute",
	"", "Invalid NEXT_HOP Attribute", "Optional Attribute Error",
	"Invalid Network Field", "Malformed AS_PATH" };
static const char *const cease_subs[] = { "", "Maximum Number of Prefixes Reached",
	"Administrative Shutdown", "Peer De-configured", "Administrative Reset",
	"Connection Rejected", "Other Configuration Change",
	"Connection Collision Resolution", "Out of Resources", "Hard Reset" };

#define PICK(tab, i)	((i) < ARRAY_SIZE(tab) && (tab)[i] && *(tab)[i] ? (tab)[i] : NULL)

const char *
bgp_err_name(uint8_t code, uint8_t subcode, char *buf, size_t len)
{
	const char *c = PICK(err_codes, code), *s = NULL;

	if (code == BGP_ERR_HEADER)
		s = PICK(hdr_subs, subcode);
	else if (code == BGP_ERR_OPEN)
		s = PICK(open_subs, subcode);
	else if (code == BGP_ERR_UPDATE)
		s = PICK(upd_subs, subcode);
	else if (code == BGP_ERR_CEASE)
		s = PICK(cease_subs, subcode);
	if (c == NULL)
		snprintf(buf, len, "error %u/%u", code, subcode);
	else if (s == NULL && subcode == 0)	/* RFC 4271 §4.5: "Unspecific" */
		snprintf(buf, len, "%s/Unspecific", c);
	else if (s == NULL)
		snprintf(buf, len, "%s/%u", c, subcode);
	else
		snprintf(buf, len, "%s/%s", c, s);
	return buf;
}

/* RFC 4271 §6.1 minimum lengths per type; 0 = unknown type. */
static uint16_t
msg_type_min(uint8_t type)
{
	static const uint16_t min[] = { [BGP_OPEN] = 29, [BGP_UPDATE] = 23,
		[BGP_NOTIFICATION] = 21, [BGP_KEEPALIVE] = 19, [BGP_ROUTE_REFRESH] = 23 };

	return type < ARRAY_SIZE(min) ? min[type] : 0;
}

static uint16_t
msg_type_max(uint8_t type, bool extmsg)
{
	if (type == BGP_KEEPALIVE)
		return BGP_HDR_LEN;
	if (type == BGP_OPEN || !extmsg)	/* RFC 8654 §3: not for OPEN */
		return BGP_MAX_LEN;
	return BGP_EXT_MAX_LEN;
}

static int
msg_header_bad_len(uint16_t len, struct bgp_err *err)
{
	uint8_t d[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LEN, d, sizeof(d));
	return -EBADMSG;
}

int
msg_header_parse(struct cursor *c, bool extmsg, struct bgp_hdr *h, struct bgp_err *err)
{
	struct cursor t = *c;
	uint8_t marker[BGP_MARKER_LEN];
	uint16_t min;

	if (cur_left(c) < BGP_HDR_LEN)
		return -EAGAIN;
	if (cur_bytes(&t, marker, sizeof(marker)) < 0 || cur_u16(&t, &h->len) < 0 ||
	    cur_u8(&t, &h->type) < 0)
		return -EAGAIN;
	for (size_t i = 0; i < sizeof(marker); i++)
		if (marker[i] != 0xff) {
			bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_SYNC, NULL, 0);
			return -EBADMSG;
		}
	if ((min = msg_type_min(h->type)) == 0) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_TYPE, &h->type, 1);
		return -EBADMSG;
	}
	if (h->len < min || h->len > msg_type_max(h->type, extmsg))
		return msg_header_bad_len(h->len, err);
	*c = t;
	return 0;
}

size_t
msg_header_write(struct wbuf *w, uint8_t type)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t off = wbuf_len(w);

	wbuf_put(w, marker, sizeof(marker));
	wbuf_put_u16(w, 0);
	wbuf_put_u8(w, type);
	return off;
}

int
msg_header_close(struct wbuf *w, size_t off)
{
	size_t len = wbuf_len(w) - off;

	if (wbuf_error(w) != 0)
		return wbuf_error(w);
	if (len > BGP_EXT_MAX_LEN)
		return -EMSGSIZE;
	return wbuf_set_u16_at(w, off + BGP_MARKER_LEN, (uint16_t)len);
}

int
msg_keepalive_write(struct wbuf *w)
{
	return msg_header_close(w, msg_header_write(w, BGP_KEEPALIVE));
}
