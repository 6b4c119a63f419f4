// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output of "wgctl show --json", and of the configuration alone.
 *
 * The layout is fixed, and is what "jq ." prints: two spaces of indent
 * per level, one member or element per line, "key": value, empty
 * containers as [] and {}, a newline after the document. Values are
 * those of "show dump" (keys shown, peers in the kernel's order), with
 * null where dump prints "(none)" and numbers where it prints "off".
 */
#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "json.h"
#include "metrics.h"
#include "show.h"

/* ---- Strings ---- */

void json_write_string(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	fputc('"', out);
	while (i < len) {
		switch (p[i]) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				fprintf(out, "\\u%04x", p[i]);
				break;
			}
			n = utf8_sequence_len(p + i, len - i);
			if (!n) {
				fputs("\xef\xbf\xbd", out);	/* U+FFFD */
				break;
			}
			fwrite(p + i, 1, n, out);
			i += n;
			continue;
		}
		i++;
	}
	fputc('"', out);
}

/* ---- Layout ---- */

/* Start a member (key) or an array element (key NULL) on its own line. */
static void member(struct json_writer *w, const char *key)
{
	unsigned int i;

	if (w->depth) {
		fputs(w->empty ? "\n" : ",\n", w->out);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	w->empty = false;
	if (key)
		fprintf(w->out, "\"%s\": ", key);
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->out);
	w->depth++;
	w->empty = true;
}

static void close_container(struct json_writer *w, char c)
{
	unsigned int i;

	w->depth--;
	if (!w->empty) {
		fputc('\n', w->out);
		for (i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	fputc(c, w->out);
	w->empty = false;
	if (!w->depth)
		fputc('\n', w->out);
}

static void put_u64(struct json_writer *w, const char *key, uint64_t v)
{
	member(w, key);
	fprintf(w->out, "%" PRIu64, v);
}

static void put_i64(struct json_writer *w, const char *key, int64_t v)
{
	member(w, key);
	fprintf(w->out, "%" PRId64, v);
}

static void put_bool(struct json_writer *w, const char *key, bool v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->out);
}

static void put_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}

static void put_string(struct json_writer *w, const char *key, const char *s)
{
	member(w, key);
	json_write_string(w->out, s, strlen(s));
}

/* A key in base64, or null where dump prints "(none)". */
static void put_key(struct json_writer *w, const char *key,
		    const uint8_t k[WGC_KEY_LEN], bool present)
{
	char b64[WGC_KEY_B64_LEN + 1];

	if (!present || key_is_zero(k)) {
		put_null(w, key);
		return;
	}
	key_to_base64(b64, k);
	put_string(w, key, b64);
	sodium_memzero(b64, sizeof(b64));
}

/* ---- The document ---- */

/* Which members an object gets: the whole state, or the configuration. */
enum json_form {
	JSON_SHOW,
	JSON_CONFIG,
};

static void put_endpoint(struct json_writer *w, const union wgctl_endpoint *ep)
{
	char buf[SHOW_BUF_SIZE];

	if (ep->addr.sa_family != AF_INET && ep->addr.sa_family != AF_INET6) {
		put_null(w, "endpoint");
		return;
	}
	show_format_endpoint(buf, sizeof(buf), ep);
	put_string(w, "endpoint", buf);
}

static void put_allowedips(struct json_writer *w, const struct wgctl_peer *peer)
{
	char buf[SHOW_BUF_SIZE];
	size_t i;

	open_container(w, "allowed_ips", '[');
	for (i = 0; i < peer->num_allowedips; i++) {
		show_format_allowedip(buf, sizeof(buf), &peer->allowedips[i],
				      false);
		put_string(w, NULL, buf);
	}
	close_container(w, ']');
}

static void put_handshake_stats(struct json_writer *w,
				const struct wgctl_device *dev)
{
	const struct wgctl_handshake_stats *hs = &dev->handshake_stats;

	if (!dev->has_handshake_stats) {
		put_null(w, "handshake_stats");
		return;
	}
	open_container(w, "handshake_stats", '{');
	put_u64(w, "processed", hs->processed);
	put_u64(w, "invalid", hs->invalid);
	put_u64(w, "rate_limited", hs->ratelimited);
	put_u64(w, "invalid_mac1", hs->invalid_mac1);
	put_u64(w, "missing_cookie", hs->missing_cookie);
	put_u64(w, "cookie_replies_sent", hs->cookie_replies_sent);
	put_u64(w, "cookies_received", hs->cookies_received);
	put_u64(w, "queue_full", hs->queue_full);
	put_bool(w, "under_load", hs->under_load);
	put_u64(w, "ratelimiter_entries", hs->ratelimiter_entries);
	close_container(w, '}');
}

static void put_event_stats(struct json_writer *w,
			    const struct wgctl_device *dev)
{
	const struct wgctl_event_stats *es = &dev->event_stats;

	if (!dev->has_event_stats) {
		put_null(w, "event_stats");
		return;
	}
	open_container(w, "event_stats", '{');
	put_u64(w, "sent", es->sent);
	put_u64(w, "dropped", es->dropped);
	put_u64(w, "suppressed", es->suppressed);
	close_container(w, '}');
}

/*
 * "stats": the peer's counters as "wgctl show IF stats" names them, with
 * underscores for dashes; null if the kernel sent none.
 */
static void put_peer_stats(struct json_writer *w,
			   const struct wgctl_peer *peer)
{
	struct peer_counter c[PEER_COUNTERS];
	char key[32];
	size_t i, j, n;

	n = peer_counters(peer, c);
	if (!n) {
		put_null(w, "stats");
		return;
	}
	open_container(w, "stats", '{');
	for (i = 0; i < n; i++) {
		for (j = 0; c[i].name[j] && j + 1 < sizeof(key); j++)
			key[j] = c[i].name[j] == '-' ? '_' : c[i].name[j];
		key[j] = '\0';
		if (c[i].is_time)
			put_i64(w, key, (int64_t)c[i].value);
		else
			put_u64(w, key, c[i].value);
	}
	close_container(w, '}');
}

/*
 * now - then, saturated: the kernel's handshake time is any 64-bit
 * value to us, and one far enough from now would overflow.
 */
static int64_t age_of(int64_t then, time_t now)
{
	int64_t age;

	if (__builtin_sub_overflow((int64_t)now, then, &age))
		return then < 0 ? INT64_MAX : INT64_MIN;
	return age;
}

/*
 * The members of show come in the order of dump's columns; the
 * configuration's are a subset of them, in the same order.
 */
static void put_peer(struct json_writer *w, const struct wgctl_peer *peer,
		     enum json_form form, time_t now)
{
	open_container(w, NULL, '{');
	put_key(w, "public_key", peer->public_key, true);
	put_key(w, "preshared_key", peer->preshared_key,
		peer->has_preshared_key);
	put_endpoint(w, &peer->endpoint);
	put_allowedips(w, peer);
	if (form == JSON_SHOW) {
		put_i64(w, "latest_handshake", peer->last_handshake_sec);
		/* Negative if the clock was wound back past the handshake. */
		if (peer->last_handshake_sec)
			put_i64(w, "latest_handshake_age",
				age_of(peer->last_handshake_sec, now));
		else
			put_null(w, "latest_handshake_age");
		put_u64(w, "transfer_rx", peer->rx_bytes);
		put_u64(w, "transfer_tx", peer->tx_bytes);
	}
	put_u64(w, "persistent_keepalive", peer->persistent_keepalive);
	if (form == JSON_SHOW)
		put_peer_stats(w, peer);
	close_container(w, '}');
}

static void put_device(struct json_writer *w,
		       const struct wgctl_device *dev, enum json_form form,
		       time_t now)
{
	size_t i;

	open_container(w, NULL, '{');
	member(w, "name");
	json_write_string(w->out, dev->name, strnlen(dev->name,
						     sizeof(dev->name)));
	if (form == JSON_SHOW)
		put_key(w, "public_key", dev->public_key, dev->has_public_key);
	put_key(w, "private_key", dev->private_key, dev->has_private_key);
	put_u64(w, "listen_port", dev->listen_port);
	put_u64(w, "fwmark", dev->fwmark);
	if (form == JSON_SHOW) {
		put_handshake_stats(w, dev);
		put_event_stats(w, dev);
		if (dev->has_keylog)
			put_bool(w, "keylog", dev->keylog);
		else
			put_null(w, "keylog");
	}
	open_container(w, "peers", '[');
	for (i = 0; i < dev->peers.count; i++)
		put_peer(w, &dev->peers.peers[i], form, now);
	close_container(w, ']');
	close_container(w, '}');
}

static void begin(struct json_writer *w, FILE *out)
{
	*w = (struct json_writer){ .out = out };
	open_container(w, NULL, '{');
	put_u64(w, "version", JSON_VERSION);
	open_container(w, "interfaces", '[');
}

static void end(struct json_writer *w)
{
	close_container(w, ']');
	close_container(w, '}');
}

void json_show_begin(struct json_writer *w, FILE *out)
{
	begin(w, out);
}

void json_show_device(struct json_writer *w,
		      const struct wgctl_device *dev, time_t now)
{
	put_device(w, dev, JSON_SHOW, now);
}

void json_show_end(struct json_writer *w)
{
	end(w);
}

void json_print_config(FILE *out, const struct wgctl_device *dev)
{
	struct json_writer w;

	begin(&w, out);
	put_device(&w, dev, JSON_CONFIG, 0);
	end(&w);
}
