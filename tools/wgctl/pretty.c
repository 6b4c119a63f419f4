// SPDX-License-Identifier: GPL-2.0
/*
 * The form of "wgctl show" meant for people: an interface block, then one
 * block per peer, most recent handshake first, with times and byte counts
 * spelled out. Byte for byte what wg(8) prints, colours included, but for
 * the handshake statistics of a device whose defences against handshake
 * floods have been at work (wg has none to show).
 *
 * The formatting helpers take the time "now" and a colour switch rather
 * than looking them up, so that tests can pin the output down exactly.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "show.h"
#include "wgctl.h"

#define COLOR_RESET "\x1b[0m"
#define COLOR_BOLD "\x1b[1m"
#define COLOR_RED "\x1b[31m"
#define COLOR_GREEN "\x1b[32m"
#define COLOR_YELLOW "\x1b[33m"
#define COLOR_CYAN "\x1b[36m"

/* An escape sequence, or nothing when not colouring. */
static const char *paint(bool color, const char *code)
{
	return color ? code : "";
}

/* ---- Durations, times, sizes ---- */

static const struct {
	const char *name;
	uint64_t seconds;
} units[] = {
	{ "year", 365 * 24 * 60 * 60 },	/* wg's year: no leap days */
	{ "day", 24 * 60 * 60 },
	{ "hour", 60 * 60 },
	{ "minute", 60 },
	{ "second", 1 },
};

/*
 * "1 year, 2 days, 1 minute": each non-zero unit, largest first, unit
 * names in cyan. Zero seconds make an empty string. Returns the length.
 */
size_t show_format_duration(char *buf, size_t size, uint64_t seconds,
			    bool color)
{
	size_t len = 0, i;
	uint64_t n;
	int ret;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		n = seconds / units[i].seconds;
		seconds %= units[i].seconds;
		if (!n)
			continue;
		ret = snprintf(buf + len, size - len, "%s%llu %s%s%s%s",
			       len ? ", " : "", (unsigned long long)n,
			       paint(color, COLOR_CYAN), units[i].name,
			       n == 1 ? "" : "s", paint(color, COLOR_RESET));
		if (ret < 0 || (size_t)ret >= size - len)
			break;
		len += (size_t)ret;
	}
	return len;
}

/* When the latest handshake was, seen from now. */
void show_format_ago(char *buf, size_t size, int64_t then, time_t now,
		     bool color)
{
	size_t len;

	if (then == now) {
		snprintf(buf, size, "Now");
	} else if (then > now) {
		snprintf(buf, size,
			 "(%sSystem clock wound backward; connection problems may ensue.%s)",
			 paint(color, COLOR_RED), paint(color, COLOR_RESET));
	} else {
		/* In 64 bits unsigned: then may be too far back for signed. */
		len = show_format_duration(buf, size,
					   (uint64_t)now - (uint64_t)then,
					   color);
		snprintf(buf + len, size - len, " ago");
	}
}

/* Below 1 KiB in whole bytes, above in binary units with two decimals. */
void show_format_bytes(char *buf, size_t size, uint64_t bytes, bool color)
{
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB" };
	double value = (double)bytes;
	size_t i = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%u %sB%s", (unsigned int)bytes,
			 paint(color, COLOR_CYAN), paint(color, COLOR_RESET));
		return;
	}
	/* TiB is as far as it goes: 1 PiB shows as "1024.00 TiB". */
	value /= 1024;
	while (i + 1 < ARRAY_SIZE(names) && value >= 1024) {
		value /= 1024;
		i++;
	}
	snprintf(buf, size, "%.2f %s%s%s", value, paint(color, COLOR_CYAN),
		 names[i], paint(color, COLOR_RESET));
}

/*
 * The decimal digits of n at buf, NUL-terminated (room for 21 bytes);
 * returns how many. What printf("%llu") writes, at a small part of its
 * cost: a dump of 100,000 peers prints half a million numbers.
 */
size_t show_format_u64(char *buf, uint64_t n)
{
	char rev[20];
	size_t len = 0, i;

	do {
		rev[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (i = 0; i < len; i++)
		buf[i] = rev[len - 1 - i];
	buf[len] = '\0';
	return len;
}

/* "192.0.2.1", as inet_ntop() writes it (which goes through sprintf()). */
static size_t format_ipv4(char buf[INET_ADDRSTRLEN], const struct in_addr *addr)
{
	const uint8_t *byte = (const uint8_t *)&addr->s_addr;
	size_t len = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			buf[len++] = '.';
		len += show_format_u64(buf + len, byte[i]);
	}
	return len;
}

/* text (len bytes) into buf, cut to fit size and NUL-terminated. */
static void copy_text(char *buf, size_t size, const char *text, size_t len)
{
	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
}

/*
 * "1.2.3.4:51820" or "[2001:db8::1]:51820". getnameinfo() rather than
 * inet_ntop() for IPv6, so that a scope shows as wg(8) shows it; for IPv4
 * it would write what format_ipv4() does, by way of sprintf().
 */
void show_format_endpoint(char *buf, size_t size,
			  const union wgctl_endpoint *ep)
{
	char host[128], port[16];
	size_t len;
	int ret;

	if (ep->addr.sa_family == AF_INET) {
		len = format_ipv4(host, &ep->addr4.sin_addr);
		host[len++] = ':';
		len += show_format_u64(host + len, ntohs(ep->addr4.sin_port));
		copy_text(buf, size, host, len);
		return;
	}
	ret = getnameinfo(&ep->addr, sizeof(ep->addr6), host, sizeof(host),
			  port, sizeof(port),
			  NI_DGRAM | NI_NUMERICSERV | NI_NUMERICHOST);
	if (ret)
		snprintf(buf, size, "%s", gai_strerror(ret));
	else if (strchr(host, ':'))
		snprintf(buf, size, "[%s]:%s", host, port);
	else
		snprintf(buf, size, "%s:%s", host, port);
}

/* "10.0.0.0/8", the slash in cyan when colouring. */
void show_format_allowedip(char *buf, size_t size,
			   const struct wgctl_allowedip *aip, bool color)
{
	char text[INET6_ADDRSTRLEN + 4];
	size_t len;

	if (aip->family == AF_INET)
		len = format_ipv4(text, &aip->ip4);
	else if (inet_ntop(aip->family, &aip->ip6, text, INET6_ADDRSTRLEN))
		len = strlen(text);
	else
		len = 0;
	if (color) {
		text[len] = '\0';
		snprintf(buf, size, "%s%s/%s%u", text, COLOR_CYAN, COLOR_RESET,
			 aip->cidr);
		return;
	}
	text[len++] = '/';
	len += show_format_u64(text + len, aip->cidr);
	copy_text(buf, size, text, len);
}

/* ---- Peer order ---- */

static bool handshake_never(const struct wgctl_peer *p)
{
	return !p->last_handshake_sec && !p->last_handshake_nsec;
}

/* qsort() is not stable: ties keep the kernel's order by address. */
static int by_handshake(const void *a, const void *b)
{
	const struct wgctl_peer *x = *(const struct wgctl_peer *const *)a;
	const struct wgctl_peer *y = *(const struct wgctl_peer *const *)b;

	if (handshake_never(x) != handshake_never(y))
		return handshake_never(x) ? 1 : -1;
	if (x->last_handshake_sec != y->last_handshake_sec)
		return x->last_handshake_sec > y->last_handshake_sec ? -1 : 1;
	if (x->last_handshake_nsec != y->last_handshake_nsec)
		return x->last_handshake_nsec > y->last_handshake_nsec ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The peers as wg(8) lists them: most recent handshake first, those that
 * never had one last. Returns a malloc()ed array of list->count
 * pointers, or NULL if the list is empty or memory ran out (then the
 * kernel's order will do).
 */
const struct wgctl_peer **show_sort_peers(const struct wgctl_peer_list *list)
{
	const struct wgctl_peer **order;
	size_t i;

	if (!list->count)
		return NULL;
	order = calloc(list->count, sizeof(*order));
	if (!order)
		return NULL;
	for (i = 0; i < list->count; i++)
		order[i] = &list->peers[i];
	qsort(order, list->count, sizeof(*order), by_handshake);
	return order;
}

/* ---- The blocks ---- */

/* "  <label>: " with the label in bold when colouring. */
static void label(FILE *out, const struct show_style *style,
		  const char *name)
{
	fprintf(out, "  %s%s%s: ", paint(style->color, COLOR_BOLD), name,
		paint(style->color, COLOR_RESET));
}

/* A key as base64, or "(hidden)" unless WG_HIDE_KEYS=never. */
static void secret(FILE *out, const struct show_style *style,
		   const uint8_t key[WGC_KEY_LEN])
{
	char b64[WGC_KEY_B64_LEN + 1];

	if (style->hide_keys) {
		fputs("(hidden)\n", out);
		return;
	}
	key_to_base64(b64, key);
	fprintf(out, "%s\n", b64);
	sodium_memzero(b64, sizeof(b64));
}

/*
 * Whether the handshake defences have had anything to do: then (and only
 * then, so that an untroubled device looks just as it does under wg) the
 * interface block says what they did.
 */
static bool handshakes_troubled(const struct wgctl_device *dev)
{
	const struct wgctl_handshake_stats *hs = &dev->handshake_stats;

	return dev->has_handshake_stats &&
	       (hs->ratelimited || hs->invalid_mac1 || hs->missing_cookie ||
		hs->cookie_replies_sent || hs->cookies_received ||
		hs->queue_full || hs->under_load);
}

static void pretty_handshake_stats(FILE *out,
				   const struct wgctl_device *dev,
				   const struct show_style *style)
{
	const struct wgctl_handshake_stats *hs = &dev->handshake_stats;

	if (!handshakes_troubled(dev))
		return;
	label(out, style, "handshakes");
	fprintf(out, "%llu processed, %llu invalid, %llu rate-limited\n",
		(unsigned long long)hs->processed,
		(unsigned long long)hs->invalid,
		(unsigned long long)hs->ratelimited);
	label(out, style, "handshake drops");
	fprintf(out, "%llu bad mac1, %llu queue full\n",
		(unsigned long long)hs->invalid_mac1,
		(unsigned long long)hs->queue_full);
	label(out, style, "cookies");
	fprintf(out, "%llu missing, %llu replies sent, %llu received%s\n",
		(unsigned long long)hs->missing_cookie,
		(unsigned long long)hs->cookie_replies_sent,
		(unsigned long long)hs->cookies_received,
		hs->under_load ? ", under load" : "");
}

static void pretty_interface(FILE *out, const struct wgctl_device *dev,
			     const struct show_style *style)
{
	char b64[WGC_KEY_B64_LEN + 1];
	bool c = style->color;

	fprintf(out, "%s%s%sinterface%s: %s%s%s\n", paint(c, COLOR_RESET),
		paint(c, COLOR_GREEN), paint(c, COLOR_BOLD),
		paint(c, COLOR_RESET), paint(c, COLOR_GREEN), dev->name,
		paint(c, COLOR_RESET));
	if (dev->has_public_key) {
		label(out, style, "public key");
		key_to_base64(b64, dev->public_key);
		fprintf(out, "%s\n", b64);
	}
	if (dev->has_private_key) {
		label(out, style, "private key");
		secret(out, style, dev->private_key);
	}
	if (dev->listen_port) {
		label(out, style, "listening port");
		fprintf(out, "%u\n", dev->listen_port);
	}
	if (dev->fwmark) {
		label(out, style, "fwmark");
		fprintf(out, "0x%x\n", dev->fwmark);
	}
	/* Only when on: it is a warning, and wg has no such line. */
	if (dev->keylog) {
		label(out, style, "keylog");
		fputs("on (new sessions' keys go to event listeners)\n", out);
	}
	pretty_handshake_stats(out, dev, style);
}

static void pretty_allowedips(FILE *out, const struct wgctl_peer *peer,
			      const struct show_style *style)
{
	char buf[SHOW_BUF_SIZE];
	size_t i;

	label(out, style, "allowed ips");
	if (!peer->num_allowedips)
		fputs("(none)", out);
	for (i = 0; i < peer->num_allowedips; i++) {
		show_format_allowedip(buf, sizeof(buf), &peer->allowedips[i],
				      style->color);
		fprintf(out, "%s%s", i ? ", " : "", buf);
	}
	fputc('\n', out);
}

/* The lines that only appear once there has been traffic. */
static void pretty_activity(FILE *out, const struct wgctl_peer *peer,
			    const struct show_style *style, time_t now)
{
	char buf[SHOW_BUF_SIZE];

	if (peer->last_handshake_sec) {
		label(out, style, "latest handshake");
		show_format_ago(buf, sizeof(buf), peer->last_handshake_sec,
				now, style->color);
		fprintf(out, "%s\n", buf);
	}
	if (peer->rx_bytes || peer->tx_bytes) {
		label(out, style, "transfer");
		show_format_bytes(buf, sizeof(buf), peer->rx_bytes,
				  style->color);
		fprintf(out, "%s received, ", buf);
		show_format_bytes(buf, sizeof(buf), peer->tx_bytes,
				  style->color);
		fprintf(out, "%s sent\n", buf);
	}
}

static void pretty_peer(FILE *out, const struct wgctl_peer *peer,
			const struct show_style *style, time_t now)
{
	char buf[SHOW_BUF_SIZE], b64[WGC_KEY_B64_LEN + 1];
	bool c = style->color;

	key_to_base64(b64, peer->public_key);
	fprintf(out, "%s%speer%s: %s%s%s\n", paint(c, COLOR_YELLOW),
		paint(c, COLOR_BOLD), paint(c, COLOR_RESET),
		paint(c, COLOR_YELLOW), b64, paint(c, COLOR_RESET));
	if (peer->has_preshared_key) {
		label(out, style, "preshared key");
		secret(out, style, peer->preshared_key);
	}
	if (peer->endpoint.addr.sa_family == AF_INET ||
	    peer->endpoint.addr.sa_family == AF_INET6) {
		label(out, style, "endpoint");
		show_format_endpoint(buf, sizeof(buf), &peer->endpoint);
		fprintf(out, "%s\n", buf);
	}
	pretty_allowedips(out, peer, style);
	pretty_activity(out, peer, style, now);
	if (peer->persistent_keepalive) {
		label(out, style, "persistent keepalive");
		show_format_duration(buf, sizeof(buf),
				     peer->persistent_keepalive, c);
		fprintf(out, "every %s\n", buf);
	}
}

/*
 * The interface block, then a blank line and the peers, each block
 * separated from the next by a blank line. now is the wall clock time
 * the handshake times are measured against.
 */
void show_pretty(FILE *out, const struct wgctl_device *dev,
		 const struct show_style *style, time_t now)
{
	const struct wgctl_peer **order = show_sort_peers(&dev->peers);
	size_t i;

	pretty_interface(out, dev, style);
	for (i = 0; i < dev->peers.count; i++) {
		fputc('\n', out);
		pretty_peer(out, order ? order[i] : &dev->peers.peers[i],
			    style, now);
	}
	free(order);
}
