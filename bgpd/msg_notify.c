/*
 * bgpd/msg_notify.c - NOTIFICATION (RFC 4271 §4.5) and the shutdown
 * communication carried by Cease/Administrative Shutdown and Reset
 * (RFC 9003, which obsoletes RFC 8203): a length byte then up to 255 bytes
 * of UTF-8. Received text is validated and made safe for one log line.
 */
#include <stdio.h>
#include <string.h>

#include "bgpd/msg.h"

int
msg_notify_parse(struct cursor *c, struct bgp_err *n)
{
	size_t len;

	if (cur_u8(c, &n->code) < 0 || cur_u8(c, &n->subcode) < 0)
		return -EBADMSG;
	len = cur_left(c);
	if (len > BGP_ERR_DATA_MAX)		/* extended message: keep what fits */
		len = BGP_ERR_DATA_MAX;
	n->len = (uint16_t)len;
	if (cur_bytes(c, n->data, len) < 0)
		return -EBADMSG;
	return cur_skip(c, cur_left(c));
}

int
msg_notify_write(struct wbuf *w, const struct bgp_err *n)
{
	size_t off = msg_header_write(w, BGP_NOTIFICATION);
	size_t len = n->len > BGP_ERR_DATA_MAX ? BGP_ERR_DATA_MAX : n->len;

	wbuf_put_u8(w, n->code);
	wbuf_put_u8(w, n->subcode);
	wbuf_put(w, n->data, len);
	return msg_header_close(w, off);
}

/* Length of the UTF-8 sequence starting at s[0..n), or 0 if invalid (RFC 3629). */
static size_t
utf8_seq_len(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* The longest prefix of s[0..n) that is whole UTF-8 characters. */
static size_t
utf8_cut(const uint8_t *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && (k = utf8_seq_len(s + i, n - i)) != 0)
		i += k;
	return i;
}

void
notify_shutdown_set(struct bgp_err *n, uint8_t subcode, const char *text)
{
	size_t len = text ? strlen(text) : 0;

	if (len > SHUTDOWN_COMM_MAX)
		len = SHUTDOWN_COMM_MAX;
	len = utf8_cut((const uint8_t *)text, len);
	n->code = BGP_ERR_CEASE;
	n->subcode = subcode;
	n->data[0] = (uint8_t)len;
	if (len > 0)
		memcpy(n->data + 1, text, len);
	n->len = (uint16_t)(len + 1);
}

/* Copy valid UTF-8 s[0..n) into buf, control characters as \xNN. */
static void
shutdown_text_escape(const uint8_t *s, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 <= len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", s[i]);
		else
			buf[o++] = (char)s[i];
	}
	if (len > 0)
		buf[o < len ? o : len - 1] = '\0';
}

int
notify_shutdown_text(const struct bgp_err *n, char *buf, size_t len)
{
	struct cursor c = cur_init(n->data, n->len);
	const uint8_t *text;
	uint8_t l;

	if (n->code != BGP_ERR_CEASE || (n->subcode != BGP_CEASE_ADMIN_SHUTDOWN &&
	    n->subcode != BGP_CEASE_ADMIN_RESET) || cur_u8(&c, &l) < 0 || l == 0)
		return -ENOENT;
	text = c.p;
	if (cur_skip(&c, l) < 0 || utf8_cut(text, l) != l)
		return -EBADMSG;	/* RFC 9003 §4: log that it was malformed */
	shutdown_text_escape(text, l, buf, len);
	return 0;
}
