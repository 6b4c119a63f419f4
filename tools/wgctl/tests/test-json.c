// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/json.c: the exact bytes of "wgctl show
 * --json" and of the configuration-only document, string escaping, and
 * that every document printed is valid JSON. The validity check is a
 * strict parser of its own (RFC 8259, UTF-8 included) so that the test
 * needs nothing installed; the VM test reads the same output with jq.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "unit.h"

#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define KEY_11 "ERERERERERERERERERERERERERERERERERERERERERE="
#define KEY_22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="
#define KEY_33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="
#define KEY_44 "REREREREREREREREREREREREREREREREREREREREREQ="

#define NOW 1700000000

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t alice_priv[WGC_KEY_LEN] = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16,
	0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87,
	0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
	0x2c, 0x2a };
static const uint8_t alice_pub[WGC_KEY_LEN] = {
	0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b,
	0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d,
	0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b,
	0x4e, 0x6a };
static const uint8_t bob_pub[WGC_KEY_LEN] = {
	0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b,
	0x61, 0xc2, 0xec, 0xe4, 0x35, 0x37, 0x3f, 0x83, 0x43, 0xc8,
	0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88,
	0x2b, 0x4f };

/* ---- A strict JSON checker ---- */

struct checker {
	const unsigned char *p, *end;
	const char *why;
	size_t at;
	int depth;
};

static bool bad(struct checker *c, const char *why)
{
	if (!c->why) {
		c->why = why;
		c->at = 0;
	}
	return false;
}

static void skip_ws(struct checker *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool literal(struct checker *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
		return bad(c, "bad literal");
	c->p += n;
	return true;
}

static int hex(unsigned char x)
{
	if (x >= '0' && x <= '9')
		return x - '0';
	if (x >= 'a' && x <= 'f')
		return x - 'a' + 10;
	if (x >= 'A' && x <= 'F')
		return x - 'A' + 10;
	return -1;
}

/* Appends code point cp to out as UTF-8 (out has room for 4 more). */
static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool read_u4(struct checker *c, unsigned long *cp)
{
	int i, h;

	*cp = 0;
	if (c->end - c->p < 4)
		return bad(c, "short \\u escape");
	for (i = 0; i < 4; i++) {
		h = hex(c->p[i]);
		if (h < 0)
			return bad(c, "bad \\u escape");
		*cp = *cp << 4 | (unsigned long)h;
	}
	c->p += 4;
	return true;
}

/* After "\\u": a code point, surrogates only as a pair. */
static bool escape_u(struct checker *c, unsigned long *cp)
{
	unsigned long lo;

	if (!read_u4(c, cp))
		return false;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return bad(c, "lone low surrogate");
	if (*cp < 0xd800 || *cp > 0xdbff)
		return true;
	if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
		return bad(c, "lone high surrogate");
	c->p += 2;
	if (!read_u4(c, &lo))
		return false;
	if (lo < 0xdc00 || lo > 0xdfff)
		return bad(c, "lone high surrogate");
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return true;
}

/*
 * A string, decoded into out (size bytes, may be NULL). Raw bytes must
 * be well-formed UTF-8 and not control characters; escapes must be
 * JSON's, surrogates only in pairs.
 */
static bool string(struct checker *c, char *out, size_t size)
{
	char buf[4];
	size_t len = 0, n, i;
	unsigned long cp;
	unsigned char b;

	c->p++;	/* the opening quote */
	for (;;) {
		if (c->p >= c->end)
			return bad(c, "unterminated string");
		b = *c->p;
		if (b == '"') {
			c->p++;
			break;
		}
		if (b < 0x20)
			return bad(c, "raw control character in string");
		if (b == '\\') {
			if (++c->p >= c->end)
				return bad(c, "unterminated escape");
			switch (*c->p++) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (!escape_u(c, &cp))
					return false;
				break;
			default:
				return bad(c, "bad escape");
			}
			n = put_utf8(buf, cp);
		} else {
			/* The same table of well-formed sequences, again. */
			unsigned char lo_b = 0x80, hi_b = 0xbf;

			if (b < 0x80)
				n = 1;
			else if (b >= 0xc2 && b <= 0xdf)
				n = 2;
			else if (b >= 0xe0 && b <= 0xef)
				n = 3;
			else if (b >= 0xf0 && b <= 0xf4)
				n = 4;
			else
				return bad(c, "invalid UTF-8 lead byte");
			if (b == 0xe0)
				lo_b = 0xa0;
			if (b == 0xed)
				hi_b = 0x9f;
			if (b == 0xf0)
				lo_b = 0x90;
			if (b == 0xf4)
				hi_b = 0x8f;
			if ((size_t)(c->end - c->p) < n)
				return bad(c, "truncated UTF-8");
			for (i = 1; i < n; i++) {
				unsigned char lo_i = i == 1 ? lo_b : 0x80;
				unsigned char hi_i = i == 1 ? hi_b : 0xbf;

				if (c->p[i] < lo_i || c->p[i] > hi_i)
					return bad(c, "ill-formed UTF-8");
			}
			memcpy(buf, c->p, n);
			c->p += n;
		}
		if (out && len + n < size)
			memcpy(out + len, buf, n);
		len += n;
	}
	if (out && size)
		out[len < size ? len : size - 1] = '\0';
	return true;
}

static bool number(struct checker *c)
{
	const unsigned char *start;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return bad(c, "bad number");
	if (*c->p == '0') {
		c->p++;
	} else {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	if (c->p < c->end && *c->p == '.') {
		start = ++c->p;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
		if (c->p == start)
			return bad(c, "bad fraction");
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		start = c->p;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
		if (c->p == start)
			return bad(c, "bad exponent");
	}
	return true;
}

static bool value(struct checker *c);

/* An object or array: '{' or '[' already seen. */
static bool container(struct checker *c, bool object)
{
	unsigned char close = object ? '}' : ']';

	if (++c->depth > 64)
		return bad(c, "nested too deep");
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		skip_ws(c);
		if (object) {
			if (c->p >= c->end || *c->p != '"')
				return bad(c, "object key is not a string");
			if (!string(c, NULL, 0))
				return false;
			skip_ws(c);
			if (c->p >= c->end || *c->p != ':')
				return bad(c, "no colon after key");
			c->p++;
		}
		if (!value(c))
			return false;
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == close) {
			c->p++;
			c->depth--;
			return true;
		}
		return bad(c, "no comma or end of container");
	}
}

static bool value(struct checker *c)
{
	skip_ws(c);
	if (c->p >= c->end)
		return bad(c, "value missing");
	switch (*c->p) {
	case '{':
		return container(c, true);
	case '[':
		return container(c, false);
	case '"':
		return string(c, NULL, 0);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	default:
		return number(c);
	}
}

/* NULL if text is exactly one JSON document, else why not. */
static const char *json_invalid(const char *text, size_t len)
{
	struct checker c = {
		.p = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
	};

	if (value(&c)) {
		skip_ws(&c);
		if (c.p != c.end)
			bad(&c, "trailing text");
	}
	return c.why;
}

/* The checker must be able to say no, or the validity tests prove nothing. */
static void test_checker(void)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\\u00e9\\ud83d\\ude00\"",
		"{\"a\": [1, true, false, null, \"x\"]}\n", "\"\xc3\xa9\"",
	};
	static const char *const wrong[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-",
		"\"\x01\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "\"\\x41\"",
		"\"\\ud800\"", "\"\\udc00\"", "{} {}", "tru", "[1 2]", "'a'",
		"{1: 2}", "\"abc",
	};

	const char *why = NULL, *refused = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good) && !why; i++) {
		why = json_invalid(good[i], strlen(good[i]));
		refused = good[i];
	}
	unit_check("json/checker-accepts-valid", !why, "refused \"%s\": %s",
		   refused, why);
	for (i = 0; i < ARRAY_SIZE(wrong); i++)
		if (!json_invalid(wrong[i], strlen(wrong[i])))
			break;
	unit_check("json/checker-refuses-invalid", i == ARRAY_SIZE(wrong),
		   "accepted case %zu", i);
}

/* ---- Output capture ---- */

static char *out_buf;
static size_t out_len;

static FILE *out_open(void)
{
	free(out_buf);
	out_buf = NULL;
	return open_memstream(&out_buf, &out_len);
}

/* Exactly want, and (checked apart, to say which is wrong) valid JSON. */
static void expect(const char *name, FILE *f, const char *want)
{
	char valid_name[128];
	const char *why;

	fclose(f);
	unit_check(name, out_buf && !strcmp(out_buf, want), "got \"%s\"",
		   out_buf ? out_buf : "(null)");
	why = out_buf ? json_invalid(out_buf, out_len) : "no output";
	snprintf(valid_name, sizeof(valid_name), "%s-valid", name);
	unit_check(valid_name, !why, "%s", why);
}

static void show_one(const char *name, const struct wgctl_device *dev,
		     const char *want)
{
	struct json_writer w;
	FILE *f = out_open();

	json_show_begin(&w, f);
	json_show_device(&w, dev, NOW);
	json_show_end(&w);
	expect(name, f, want);
}

static void config_one(const char *name, const struct wgctl_device *dev,
		       const char *want)
{
	FILE *f = out_open();

	json_print_config(f, dev);
	expect(name, f, want);
}

/* ---- Devices ---- */

static void base_device(struct wgctl_device *dev)
{
	*dev = (struct wgctl_device){
		.name = "wgc0",
		.ifindex = 5,
		.listen_port = 51820,
		.fwmark = 0xca6c,
		.has_public_key = true,
		.has_private_key = true,
	};
	memcpy(dev->private_key, alice_priv, WGC_KEY_LEN);
	memcpy(dev->public_key, alice_pub, WGC_KEY_LEN);
}

static void add_ip(struct wgctl_peer *peer, const char *addr, uint8_t cidr)
{
	struct wgctl_allowedip *aip = wgctl_peer_add_allowedip(peer);

	aip->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(aip->family, addr, &aip->ip6);
	aip->cidr = cidr;
}

static void set_endpoint(struct wgctl_peer *peer, const char *addr,
			 uint16_t port)
{
	union wgctl_endpoint *ep = &peer->endpoint;

	if (strchr(addr, ':')) {
		ep->addr6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &ep->addr6.sin6_addr);
		ep->addr6.sin6_port = htons(port);
	} else {
		ep->addr4.sin_family = AF_INET;
		inet_pton(AF_INET, addr, &ep->addr4.sin_addr);
		ep->addr4.sin_port = htons(port);
	}
}

/*
 * The four peers of test-show.c, in the kernel's order: never a
 * handshake; an hour ago with a PSK; in the future; right now, IPv6.
 */
/* Stats whose counters count up from first, in the order of the struct. */
static struct wgctl_peer_stats *numbered_stats(uint64_t first,
					       int64_t last_rekey)
{
	struct wgctl_peer_stats *st = calloc(1, sizeof(*st));
	uint64_t *c[] = {
		&st->rx_packets,
		&st->tx_packets,
		&st->rx_keepalives,
		&st->tx_keepalives,
		&st->rx_dropped_replay,
		&st->rx_dropped_auth,
		&st->rx_dropped_source,
		&st->rx_dropped_no_session,
		&st->tx_dropped_no_session,
		&st->tx_dropped_too_big,
		&st->initiations_sent,
		&st->initiations_received,
		&st->responses_sent,
		&st->responses_received,
		&st->cookies_sent,
		&st->cookies_received,
		&st->handshakes_given_up,
		&st->rekeys,
	};
	size_t i;

	if (!st)
		abort();
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		*c[i] = first == UINT64_MAX ? UINT64_MAX : first + i;
	st->last_rekey_sec = last_rekey;
	return st;
}

static void build_peers(struct wgctl_device *dev)
{
	struct wgctl_peer *p;

	base_device(dev);

	p = wgctl_peers_add(&dev->peers);
	memset(p->public_key, 0x33, WGC_KEY_LEN);

	p = wgctl_peers_add(&dev->peers);
	memcpy(p->public_key, bob_pub, WGC_KEY_LEN);
	memset(p->preshared_key, 0x11, WGC_KEY_LEN);
	p->has_preshared_key = true;
	set_endpoint(p, "192.0.2.1", 51820);
	add_ip(p, "10.0.0.0", 8);
	add_ip(p, "192.168.1.1", 32);
	p->last_handshake_sec = NOW - 3725;
	p->last_handshake_nsec = 123456789;
	p->rx_bytes = 1536;
	p->tx_bytes = 1099511627776ULL;
	p->persistent_keepalive = 25;
	p->stats = numbered_stats(1, NOW - 60);

	p = wgctl_peers_add(&dev->peers);
	memset(p->public_key, 0x44, WGC_KEY_LEN);
	add_ip(p, "0.0.0.0", 0);
	p->last_handshake_sec = NOW + 10;
	p->rx_bytes = 5726623061ULL;
	p->tx_bytes = 1;

	p = wgctl_peers_add(&dev->peers);
	memset(p->public_key, 0x22, WGC_KEY_LEN);
	set_endpoint(p, "2001:db8::1", 443);
	add_ip(p, "fd00::", 64);
	add_ip(p, "::", 0);
	p->last_handshake_sec = NOW;
	p->tx_bytes = 1048575;
	p->persistent_keepalive = 3661;
}

static const struct wgctl_handshake_stats flood = {
	.processed = 25,
	.invalid = 3,
	.ratelimited = 975,
	.invalid_mac1 = 12,
	.missing_cookie = 2999,
	.cookie_replies_sent = 3000,
	.cookies_received = 2,
	.queue_full = 40,
	.ratelimiter_entries = 17,
	.under_load = true,
};

#define EMPTY_DOC \
	"{\n" \
	"  \"version\": 1,\n" \
	"  \"interfaces\": []\n" \
	"}\n"

#define DOC_HEAD \
	"{\n" \
	"  \"version\": 1,\n" \
	"  \"interfaces\": [\n"

#define DOC_TAIL \
	"  ]\n" \
	"}\n"

/* wgc0 of base_device() up to its statistics, at the depth of "show". */
#define IFACE_WGC0 \
	"    {\n" \
	"      \"name\": \"wgc0\",\n" \
	"      \"public_key\": \"" ALICE_PUB "\",\n" \
	"      \"private_key\": \"" ALICE_PRIV "\",\n" \
	"      \"listen_port\": 51820,\n" \
	"      \"fwmark\": 51820,\n"

#define STATS_FLOOD \
	"      \"handshake_stats\": {\n" \
	"        \"processed\": 25,\n" \
	"        \"invalid\": 3,\n" \
	"        \"rate_limited\": 975,\n" \
	"        \"invalid_mac1\": 12,\n" \
	"        \"missing_cookie\": 2999,\n" \
	"        \"cookie_replies_sent\": 3000,\n" \
	"        \"cookies_received\": 2,\n" \
	"        \"queue_full\": 40,\n" \
	"        \"under_load\": true,\n" \
	"        \"ratelimiter_entries\": 17\n" \
	"      },\n" \
	"      \"event_stats\": null,\n" \
	"      \"keylog\": null,\n"

#define PEERS_SHOW \
	"      \"peers\": [\n" \
	"        {\n" \
	"          \"public_key\": \"" KEY_33 "\",\n" \
	"          \"preshared_key\": null,\n" \
	"          \"endpoint\": null,\n" \
	"          \"allowed_ips\": [],\n" \
	"          \"latest_handshake\": 0,\n" \
	"          \"latest_handshake_age\": null,\n" \
	"          \"transfer_rx\": 0,\n" \
	"          \"transfer_tx\": 0,\n" \
	"          \"persistent_keepalive\": 0,\n" \
	"          \"stats\": null\n" \
	"        },\n" \
	"        {\n" \
	"          \"public_key\": \"" BOB_PUB "\",\n" \
	"          \"preshared_key\": \"" KEY_11 "\",\n" \
	"          \"endpoint\": \"192.0.2.1:51820\",\n" \
	"          \"allowed_ips\": [\n" \
	"            \"10.0.0.0/8\",\n" \
	"            \"192.168.1.1/32\"\n" \
	"          ],\n" \
	"          \"latest_handshake\": 1699996275,\n" \
	"          \"latest_handshake_age\": 3725,\n" \
	"          \"transfer_rx\": 1536,\n" \
	"          \"transfer_tx\": 1099511627776,\n" \
	"          \"persistent_keepalive\": 25,\n" \
	"          \"stats\": {\n" \
	"            \"rx_bytes\": 1536,\n" \
	"            \"tx_bytes\": 1099511627776,\n" \
	"            \"rx_packets\": 1,\n" \
	"            \"tx_packets\": 2,\n" \
	"            \"rx_keepalives\": 3,\n" \
	"            \"tx_keepalives\": 4,\n" \
	"            \"rx_dropped_replay\": 5,\n" \
	"            \"rx_dropped_auth\": 6,\n" \
	"            \"rx_dropped_source\": 7,\n" \
	"            \"rx_dropped_no_session\": 8,\n" \
	"            \"tx_dropped_no_session\": 9,\n" \
	"            \"tx_dropped_too_big\": 10,\n" \
	"            \"initiations_sent\": 11,\n" \
	"            \"initiations_received\": 12,\n" \
	"            \"responses_sent\": 13,\n" \
	"            \"responses_received\": 14,\n" \
	"            \"cookies_sent\": 15,\n" \
	"            \"cookies_received\": 16,\n" \
	"            \"handshakes_given_up\": 17,\n" \
	"            \"rekeys\": 18,\n" \
	"            \"last_rekey\": 1699999940\n" \
	"          }\n" \
	"        },\n" \
	"        {\n" \
	"          \"public_key\": \"" KEY_44 "\",\n" \
	"          \"preshared_key\": null,\n" \
	"          \"endpoint\": null,\n" \
	"          \"allowed_ips\": [\n" \
	"            \"0.0.0.0/0\"\n" \
	"          ],\n" \
	"          \"latest_handshake\": 1700000010,\n" \
	"          \"latest_handshake_age\": -10,\n" \
	"          \"transfer_rx\": 5726623061,\n" \
	"          \"transfer_tx\": 1,\n" \
	"          \"persistent_keepalive\": 0,\n" \
	"          \"stats\": null\n" \
	"        },\n" \
	"        {\n" \
	"          \"public_key\": \"" KEY_22 "\",\n" \
	"          \"preshared_key\": null,\n" \
	"          \"endpoint\": \"[2001:db8::1]:443\",\n" \
	"          \"allowed_ips\": [\n" \
	"            \"fd00::/64\",\n" \
	"            \"::/0\"\n" \
	"          ],\n" \
	"          \"latest_handshake\": 1700000000,\n" \
	"          \"latest_handshake_age\": 0,\n" \
	"          \"transfer_rx\": 0,\n" \
	"          \"transfer_tx\": 1048575,\n" \
	"          \"persistent_keepalive\": 3661,\n" \
	"          \"stats\": null\n" \
	"        }\n" \
	"      ]\n"

static void test_show(void)
{
	struct wgctl_device dev, bare = { .name = "wgc1" };
	struct json_writer w;
	FILE *f;

	f = out_open();
	json_show_begin(&w, f);
	json_show_end(&w);
	expect("json/show-no-interfaces", f, EMPTY_DOC);

	/* No keys, no port, no stats, no peers: nulls, zeros and []. */
	show_one("json/show-bare", &bare, DOC_HEAD
		 "    {\n"
		 "      \"name\": \"wgc1\",\n"
		 "      \"public_key\": null,\n"
		 "      \"private_key\": null,\n"
		 "      \"listen_port\": 0,\n"
		 "      \"fwmark\": 0,\n"
		 "      \"handshake_stats\": null,\n"
		 "      \"event_stats\": null,\n"
		 "      \"keylog\": null,\n"
		 "      \"peers\": []\n"
		 "    }\n"
		 DOC_TAIL);

	/* Keys flagged present but all zero are "(none)" in dump: null. */
	base_device(&dev);
	memset(dev.private_key, 0, WGC_KEY_LEN);
	memset(dev.public_key, 0, WGC_KEY_LEN);
	dev.fwmark = 0xffffffff;
	dev.listen_port = 65535;
	show_one("json/show-zero-keys-max-port-fwmark", &dev, DOC_HEAD
		 "    {\n"
		 "      \"name\": \"wgc0\",\n"
		 "      \"public_key\": null,\n"
		 "      \"private_key\": null,\n"
		 "      \"listen_port\": 65535,\n"
		 "      \"fwmark\": 4294967295,\n"
		 "      \"handshake_stats\": null,\n"
		 "      \"event_stats\": null,\n"
		 "      \"keylog\": null,\n"
		 "      \"peers\": []\n"
		 "    }\n"
		 DOC_TAIL);

	build_peers(&dev);
	dev.has_handshake_stats = true;
	dev.handshake_stats = flood;
	show_one("json/show-peers-and-stats", &dev, DOC_HEAD
		 IFACE_WGC0 STATS_FLOOD PEERS_SHOW
		 "    }\n"
		 DOC_TAIL);

	/* "show all": one document, interfaces in the order given. */
	f = out_open();
	json_show_begin(&w, f);
	json_show_device(&w, &dev, NOW);
	json_show_device(&w, &bare, NOW);
	json_show_end(&w);
	expect("json/show-all-two-interfaces", f, DOC_HEAD
	       IFACE_WGC0 STATS_FLOOD PEERS_SHOW
	       "    },\n"
	       "    {\n"
	       "      \"name\": \"wgc1\",\n"
	       "      \"public_key\": null,\n"
	       "      \"private_key\": null,\n"
	       "      \"listen_port\": 0,\n"
	       "      \"fwmark\": 0,\n"
	       "      \"handshake_stats\": null,\n"
	       "      \"event_stats\": null,\n"
	       "      \"keylog\": null,\n"
	       "      \"peers\": []\n"
	       "    }\n"
	       DOC_TAIL);
	wgctl_device_free(&dev);
}

/* Every counter at its largest, as a plain integer, never a float. */
static void test_huge(void)
{
	struct wgctl_device dev;
	struct wgctl_peer *p;

	base_device(&dev);
	dev.has_event_stats = true;
	dev.event_stats = (struct wgctl_event_stats){
		.sent = UINT64_MAX, .dropped = UINT64_MAX,
		.suppressed = UINT64_MAX,
	};
	dev.has_handshake_stats = true;
	dev.handshake_stats = (struct wgctl_handshake_stats){
		.processed = UINT64_MAX, .invalid = UINT64_MAX,
		.ratelimited = UINT64_MAX, .invalid_mac1 = UINT64_MAX,
		.missing_cookie = UINT64_MAX,
		.cookie_replies_sent = UINT64_MAX,
		.cookies_received = UINT64_MAX, .queue_full = UINT64_MAX,
		.ratelimiter_entries = UINT32_MAX,
	};
	p = wgctl_peers_add(&dev.peers);
	memcpy(p->public_key, bob_pub, WGC_KEY_LEN);
	p->last_handshake_sec = INT64_MAX;
	p->rx_bytes = UINT64_MAX;
	p->tx_bytes = 9007199254740993ULL;	/* 2^53 + 1 */
	p->persistent_keepalive = 65535;
	p->stats = numbered_stats(UINT64_MAX, INT64_MIN);
	set_endpoint(p, "255.255.255.255", 65535);
	/* Its age overflowed a signed 64 bits (found by fuzz-reply). */
	p = wgctl_peers_add(&dev.peers);
	memcpy(p->public_key, alice_pub, WGC_KEY_LEN);
	p->last_handshake_sec = INT64_MIN;
	show_one("json/show-huge-counters", &dev, DOC_HEAD
		 IFACE_WGC0
		 "      \"handshake_stats\": {\n"
		 "        \"processed\": 18446744073709551615,\n"
		 "        \"invalid\": 18446744073709551615,\n"
		 "        \"rate_limited\": 18446744073709551615,\n"
		 "        \"invalid_mac1\": 18446744073709551615,\n"
		 "        \"missing_cookie\": 18446744073709551615,\n"
		 "        \"cookie_replies_sent\": 18446744073709551615,\n"
		 "        \"cookies_received\": 18446744073709551615,\n"
		 "        \"queue_full\": 18446744073709551615,\n"
		 "        \"under_load\": false,\n"
		 "        \"ratelimiter_entries\": 4294967295\n"
		 "      },\n"
		 "      \"event_stats\": {\n"
		 "        \"sent\": 18446744073709551615,\n"
		 "        \"dropped\": 18446744073709551615,\n"
		 "        \"suppressed\": 18446744073709551615\n"
		 "      },\n"
		 "      \"keylog\": null,\n"
		 "      \"peers\": [\n"
		 "        {\n"
		 "          \"public_key\": \"" BOB_PUB "\",\n"
		 "          \"preshared_key\": null,\n"
		 "          \"endpoint\": \"255.255.255.255:65535\",\n"
		 "          \"allowed_ips\": [],\n"
		 "          \"latest_handshake\": 9223372036854775807,\n"
		 "          \"latest_handshake_age\": -9223372035154775807,\n"
		 "          \"transfer_rx\": 18446744073709551615,\n"
		 "          \"transfer_tx\": 9007199254740993,\n"
		 "          \"persistent_keepalive\": 65535,\n"
		 "          \"stats\": {\n"
		 "            \"rx_bytes\": 18446744073709551615,\n"
		 "            \"tx_bytes\": 9007199254740993,\n"
		 "            \"rx_packets\": 18446744073709551615,\n"
		 "            \"tx_packets\": 18446744073709551615,\n"
		 "            \"rx_keepalives\": 18446744073709551615,\n"
		 "            \"tx_keepalives\": 18446744073709551615,\n"
		 "            \"rx_dropped_replay\": 18446744073709551615,\n"
		 "            \"rx_dropped_auth\": 18446744073709551615,\n"
		 "            \"rx_dropped_source\": 18446744073709551615,\n"
		 "            \"rx_dropped_no_session\": 18446744073709551615,\n"
		 "            \"tx_dropped_no_session\": 18446744073709551615,\n"
		 "            \"tx_dropped_too_big\": 18446744073709551615,\n"
		 "            \"initiations_sent\": 18446744073709551615,\n"
		 "            \"initiations_received\": 18446744073709551615,\n"
		 "            \"responses_sent\": 18446744073709551615,\n"
		 "            \"responses_received\": 18446744073709551615,\n"
		 "            \"cookies_sent\": 18446744073709551615,\n"
		 "            \"cookies_received\": 18446744073709551615,\n"
		 "            \"handshakes_given_up\": 18446744073709551615,\n"
		 "            \"rekeys\": 18446744073709551615,\n"
		 "            \"last_rekey\": -9223372036854775808\n"
		 "          }\n"
		 "        },\n"
		 "        {\n"
		 "          \"public_key\": \"" ALICE_PUB "\",\n"
		 "          \"preshared_key\": null,\n"
		 "          \"endpoint\": null,\n"
		 "          \"allowed_ips\": [],\n"
		 "          \"latest_handshake\": -9223372036854775808,\n"
		 "          \"latest_handshake_age\": 9223372036854775807,\n"
		 "          \"transfer_rx\": 0,\n"
		 "          \"transfer_tx\": 0,\n"
		 "          \"persistent_keepalive\": 0,\n"
		 "          \"stats\": null\n"
		 "        }\n"
		 "      ]\n"
		 "    }\n"
		 DOC_TAIL);
	wgctl_device_free(&dev);
}

/* Endpoints and allowed IPs exactly as dump writes them. */
static void test_addresses(void)
{
	struct wgctl_device dev = { .name = "wgc2" };
	struct wgctl_peer *p;

	p = wgctl_peers_add(&dev.peers);
	memset(p->public_key, 0x22, WGC_KEY_LEN);
	set_endpoint(p, "::ffff:192.0.2.9", 9);
	add_ip(p, "2001:db8:0:0:1:0:0:1", 128);
	add_ip(p, "::ffff:10.0.0.0", 104);
	add_ip(p, "10.1.2.3", 32);
	p = wgctl_peers_add(&dev.peers);
	memset(p->public_key, 0x33, WGC_KEY_LEN);
	set_endpoint(p, "fe80::1", 51820);
	p->endpoint.addr6.sin6_scope_id = 1;	/* lo */
	config_one("json/config-addresses", &dev,
		   DOC_HEAD
		   "    {\n"
		   "      \"name\": \"wgc2\",\n"
		   "      \"private_key\": null,\n"
		   "      \"listen_port\": 0,\n"
		   "      \"fwmark\": 0,\n"
		   "      \"peers\": [\n"
		   "        {\n"
		   "          \"public_key\": \"" KEY_22 "\",\n"
		   "          \"preshared_key\": null,\n"
		   "          \"endpoint\": \"[::ffff:192.0.2.9]:9\",\n"
		   "          \"allowed_ips\": [\n"
		   "            \"2001:db8::1:0:0:1/128\",\n"
		   "            \"::ffff:10.0.0.0/104\",\n"
		   "            \"10.1.2.3/32\"\n"
		   "          ],\n"
		   "          \"persistent_keepalive\": 0\n"
		   "        },\n"
		   "        {\n"
		   "          \"public_key\": \"" KEY_33 "\",\n"
		   "          \"preshared_key\": null,\n"
		   "          \"endpoint\": \"[fe80::1%lo]:51820\",\n"
		   "          \"allowed_ips\": [],\n"
		   "          \"persistent_keepalive\": 0\n"
		   "        }\n"
		   "      ]\n"
		   "    }\n"
		   DOC_TAIL);
	wgctl_device_free(&dev);
}

/*
 * The configuration: show's document with the state left out, member
 * for member, in the same order.
 */
static void test_config(void)
{
	struct wgctl_device dev, bare = { .name = "wgc1" };

	build_peers(&dev);
	dev.has_handshake_stats = true;
	dev.handshake_stats = flood;
	config_one("json/config-peers", &dev, DOC_HEAD
		   "    {\n"
		   "      \"name\": \"wgc0\",\n"
		   "      \"private_key\": \"" ALICE_PRIV "\",\n"
		   "      \"listen_port\": 51820,\n"
		   "      \"fwmark\": 51820,\n"
		   "      \"peers\": [\n"
		   "        {\n"
		   "          \"public_key\": \"" KEY_33 "\",\n"
		   "          \"preshared_key\": null,\n"
		   "          \"endpoint\": null,\n"
		   "          \"allowed_ips\": [],\n"
		   "          \"persistent_keepalive\": 0\n"
		   "        },\n"
		   "        {\n"
		   "          \"public_key\": \"" BOB_PUB "\",\n"
		   "          \"preshared_key\": \"" KEY_11 "\",\n"
		   "          \"endpoint\": \"192.0.2.1:51820\",\n"
		   "          \"allowed_ips\": [\n"
		   "            \"10.0.0.0/8\",\n"
		   "            \"192.168.1.1/32\"\n"
		   "          ],\n"
		   "          \"persistent_keepalive\": 25\n"
		   "        },\n"
		   "        {\n"
		   "          \"public_key\": \"" KEY_44 "\",\n"
		   "          \"preshared_key\": null,\n"
		   "          \"endpoint\": null,\n"
		   "          \"allowed_ips\": [\n"
		   "            \"0.0.0.0/0\"\n"
		   "          ],\n"
		   "          \"persistent_keepalive\": 0\n"
		   "        },\n"
		   "        {\n"
		   "          \"public_key\": \"" KEY_22 "\",\n"
		   "          \"preshared_key\": null,\n"
		   "          \"endpoint\": \"[2001:db8::1]:443\",\n"
		   "          \"allowed_ips\": [\n"
		   "            \"fd00::/64\",\n"
		   "            \"::/0\"\n"
		   "          ],\n"
		   "          \"persistent_keepalive\": 3661\n"
		   "        }\n"
		   "      ]\n"
		   "    }\n"
		   DOC_TAIL);
	wgctl_device_free(&dev);

	config_one("json/config-bare", &bare, DOC_HEAD
		   "    {\n"
		   "      \"name\": \"wgc1\",\n"
		   "      \"private_key\": null,\n"
		   "      \"listen_port\": 0,\n"
		   "      \"fwmark\": 0,\n"
		   "      \"peers\": []\n"
		   "    }\n"
		   DOC_TAIL);
}

/* ---- Strings ---- */

static void string_case(const char *name, const char *in, size_t len,
			const char *want)
{
	char full[96];
	FILE *f = out_open();

	json_write_string(f, in, len);
	snprintf(full, sizeof(full), "json/string-%s", name);
	expect(full, f, want);
}

#define STR(name, in, want) string_case(name, in, sizeof(in) - 1, want)

static void test_strings(void)
{
	STR("plain", "wg0", "\"wg0\"");
	STR("empty", "", "\"\"");
	STR("quote-backslash", "a\"b\\c", "\"a\\\"b\\\\c\"");
	STR("short-escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	STR("control", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	STR("nul", "a\0b", "\"a\\u0000b\"");
	STR("slash-kept", "a/b", "\"a/b\"");
	/* Well-formed UTF-8 is copied as it is, 2, 3 and 4 bytes long. */
	STR("utf8", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	STR("utf8-edges", "\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf",
	    "\"\xc2\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"");
	/* Anything else: U+FFFD for each byte that is not part of one. */
	STR("latin1", "caf\xe9", "\"caf\xef\xbf\xbd\"");
	STR("lone-continuation", "\x80x", "\"\xef\xbf\xbdx\"");
	STR("overlong", "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("overlong-3", "\xe0\x80\xaf",
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("surrogate", "\xed\xa0\x80",
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("above-max", "\xf4\x90\x80\x80",
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("lead-f5-ff", "\xf5\xfe\xff",
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("truncated-at-end", "a\xe2\x82", "\"a\xef\xbf\xbd\xef\xbf\xbd\"");
	STR("truncated-then-ascii", "\xf0\x9f\x98\"",
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\\\"\"");
}

/* An interface name with every kind of byte, in a whole document. */
static void test_name_escaped(void)
{
	struct wgctl_device dev = { .name = "a\"\\\x01\x7f\xc3\xa9\xff" };

	config_one("json/name-escaped", &dev, DOC_HEAD
		   "    {\n"
		   "      \"name\": "
		   "\"a\\\"\\\\\\u0001\\u007f\xc3\xa9\xef\xbf\xbd\",\n"
		   "      \"private_key\": null,\n"
		   "      \"listen_port\": 0,\n"
		   "      \"fwmark\": 0,\n"
		   "      \"peers\": []\n"
		   "    }\n"
		   DOC_TAIL);
}

/*
 * Every name the kernel could allow (1 to 15 bytes, anything but NUL,
 * '/' and whitespace), random: the document stays valid, and a name
 * that is valid UTF-8 reads back exactly.
 */
static void test_random_names(void)
{
	struct wgctl_device dev;
	struct json_writer w;
	struct checker c;
	char got[IFNAMSIZ * 4 + 1], quoted[IFNAMSIZ * 6 + 3];
	const char *why = NULL, *last_why = NULL, *at;
	unsigned int seed = 12345, bad_docs = 0, bad_names = 0;
	unsigned int utf8_names = 0, i;
	size_t len, j, q;
	FILE *f;

	for (i = 0; i < 20000; i++) {
		memset(&dev, 0, sizeof(dev));
		len = 1 + rand_r(&seed) % (IFNAMSIZ - 1);
		for (j = 0; j < len; j++) {
			unsigned char b;

			do {
				/* Half ASCII, half any byte. */
				b = (unsigned char)(rand_r(&seed) %
						    (i % 2 ? 256 : 128));
			} while (!b || b == '/' || b == ' ' ||
				 (b >= '\t' && b <= '\r'));
			dev.name[j] = (char)b;
		}
		f = out_open();
		json_show_begin(&w, f);
		json_show_device(&w, &dev, NOW);
		json_show_end(&w);
		fclose(f);
		why = json_invalid(out_buf, out_len);
		if (why) {
			last_why = why;
			bad_docs++;
			continue;
		}
		/* The name, decoded from the document. */
		at = strstr(out_buf, "\"name\": ");
		if (!at) {
			bad_names++;
			continue;
		}
		c = (struct checker){
			.p = (const unsigned char *)at + 8,
			.end = (const unsigned char *)out_buf + out_len,
		};
		if (!string(&c, got, sizeof(got))) {
			bad_names++;
			continue;
		}
		/*
		 * Whether the name is well-formed UTF-8: what the checker
		 * says of it, quoted with every '"', '\\' and control
		 * escaped the test's own way. Such a name must come back
		 * unchanged.
		 */
		q = 0;
		quoted[q++] = '"';
		for (j = 0; j < len; j++) {
			unsigned char b = (unsigned char)dev.name[j];

			if (b == '"' || b == '\\' || b < 0x20 || b == 0x7f)
				q += (size_t)sprintf(quoted + q, "\\u%04X", b);
			else
				quoted[q++] = (char)b;
		}
		quoted[q++] = '"';
		c = (struct checker){
			.p = (const unsigned char *)quoted,
			.end = (const unsigned char *)quoted + q,
		};
		if (!string(&c, NULL, 0))
			continue;
		utf8_names++;
		if (strcmp(got, dev.name))
			bad_names++;
	}
	unit_check("json/random-names-valid", !bad_docs,
		   "%u of 20000 documents invalid (last: %s)", bad_docs,
		   last_why);
	unit_check("json/random-names-read-back",
		   !bad_names && utf8_names > 1000,
		   "%u names differ, %u UTF-8 names tried", bad_names,
		   utf8_names);
}

int main(void)
{
	unit_init();
	test_checker();
	test_show();
	test_huge();
	test_addresses();
	test_config();
	test_strings();
	test_name_escaped();
	test_random_names();
	free(out_buf);
	return unit_exit();
}
