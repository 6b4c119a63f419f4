// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/show.c and pretty.c: the exact output of
 * "wgctl show", which must match wg(8)'s byte for byte. The expected
 * texts with peers are what wg 1.0.20210914 printed for the same state
 * (fed to it through a stand-in userspace implementation, with its clock
 * pinned to NOW).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "show.h"
#include "unit.h"

/* RFC 7748 Alice: private and public key. */
#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define KEY_11 "ERERERERERERERERERERERERERERERERERERERERERE="
#define KEY_22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="
#define KEY_33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="
#define KEY_44 "REREREREREREREREREREREREREREREREREREREREREQ="

/* The wall clock the handshake times are shown against. */
#define NOW 1700000000

static struct wgctl_device full = {
	.name = "wgc0",
	.ifindex = 5,
	.listen_port = 51820,
	.fwmark = 0xca6c,
	.private_key = {
		0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16,
		0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87,
		0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
		0x2c, 0x2a },
	.public_key = {
		0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b,
		0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d,
		0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b,
		0x4e, 0x6a },
	.has_public_key = true,
	.has_private_key = true,
};

static struct wgctl_device bare = { .name = "wgc1", .ifindex = 6 };

static char *out_buf;
static size_t out_len;

static FILE *out_open(void)
{
	free(out_buf);
	out_buf = NULL;
	return open_memstream(&out_buf, &out_len);
}

static void expect(const char *name, FILE *f, const char *want)
{
	fclose(f);
	unit_check(name, out_buf && !strcmp(out_buf, want),
		   "got \"%s\"", out_buf ? out_buf : "(null)");
}

static void test_pretty(void)
{
	struct show_style plain = { .color = false, .hide_keys = true };
	struct show_style shown = { .color = false, .hide_keys = false };
	struct show_style color = { .color = true, .hide_keys = true };
	struct wgctl_device no_priv = full;
	FILE *f;

	f = out_open();
	show_pretty(f, &full, &plain, NOW);
	expect("show/pretty-full", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: (hidden)\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	f = out_open();
	show_pretty(f, &full, &shown, NOW);
	expect("show/pretty-hide-keys-never", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: " ALICE_PRIV "\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	/* The keylog switch is shown only when on: wg has no such line. */
	no_priv = full;
	no_priv.has_keylog = true;
	no_priv.keylog = true;
	f = out_open();
	show_pretty(f, &no_priv, &plain, NOW);
	expect("show/pretty-keylog-on", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: (hidden)\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n"
	       "  keylog: on (new sessions' keys go to event listeners)\n");
	no_priv.keylog = false;
	f = out_open();
	show_pretty(f, &no_priv, &plain, NOW);
	expect("show/pretty-keylog-off", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  private key: (hidden)\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");
	no_priv = full;

	/*
	 * A reply without the private key (wgc's kernels send it to every
	 * caller they answer, but the printer must not invent one).
	 */
	no_priv.has_private_key = false;
	memset(no_priv.private_key, 0, sizeof(no_priv.private_key));
	f = out_open();
	show_pretty(f, &no_priv, &plain, NOW);
	expect("show/pretty-no-private-key", f,
	       "interface: wgc0\n"
	       "  public key: " ALICE_PUB "\n"
	       "  listening port: 51820\n"
	       "  fwmark: 0xca6c\n");

	f = out_open();
	show_pretty(f, &bare, &plain, NOW);
	expect("show/pretty-bare", f, "interface: wgc1\n");

	f = out_open();
	show_pretty(f, &full, &color, NOW);
	/* wg starts each interface with a reset, so we do too. */
	expect("show/pretty-color", f,
	       "\x1b[0m\x1b[32m\x1b[1minterface\x1b[0m: \x1b[32mwgc0\x1b[0m\n"
	       "  \x1b[1mpublic key\x1b[0m: " ALICE_PUB "\n"
	       "  \x1b[1mprivate key\x1b[0m: (hidden)\n"
	       "  \x1b[1mlistening port\x1b[0m: 51820\n"
	       "  \x1b[1mfwmark\x1b[0m: 0xca6c\n");
}

static void field(const char *name, const struct wgctl_device *dev,
		  const char *field_name, bool with_name, const char *want)
{
	enum show_field fld;
	FILE *f;

	if (!show_parse_field(field_name, &fld)) {
		unit_check(name, false, "field %s not known", field_name);
		return;
	}
	f = out_open();
	show_field(f, dev, fld, with_name);
	expect(name, f, want);
}

static void test_fields(void)
{
	field("show/field-public-key", &full, "public-key", false,
	      ALICE_PUB "\n");
	field("show/field-private-key", &full, "private-key", false,
	      ALICE_PRIV "\n");
	field("show/field-listen-port", &full, "listen-port", false,
	      "51820\n");
	field("show/field-fwmark", &full, "fwmark", false, "0xca6c\n");
	field("show/field-dump", &full, "dump", false,
	      ALICE_PRIV "\t" ALICE_PUB "\t51820\t0xca6c\n");

	field("show/field-public-key-none", &bare, "public-key", false,
	      "(none)\n");
	field("show/field-private-key-none", &bare, "private-key", false,
	      "(none)\n");
	field("show/field-listen-port-zero", &bare, "listen-port", false,
	      "0\n");
	field("show/field-fwmark-off", &bare, "fwmark", false, "off\n");
	field("show/field-dump-bare", &bare, "dump", false,
	      "(none)\t(none)\t0\toff\n");

	field("show/all-public-key", &full, "public-key", true,
	      "wgc0\t" ALICE_PUB "\n");
	field("show/all-fwmark", &bare, "fwmark", true, "wgc1\toff\n");
	field("show/all-dump", &bare, "dump", true,
	      "wgc1\t(none)\t(none)\t0\toff\n");
}

static void test_parse_field(void)
{
	static const char *const bad[] = {
		"", "peer", "Public-key", "public-key ", "endpoint",
		"handshakes", "dump2", "private_key", "allowed_ips", "Dump",
		"latest-handshake", "preshared-key", "showconf",
		"handshake_stats", "handshake-stat", "Handshake-stats",
		"handshakes-stats", "stat", "peer-stats",
	};
	enum show_field f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (show_parse_field(bad[i], &f))
			break;
	unit_check("show/reject-unknown-fields",
		   i == sizeof(bad) / sizeof(bad[0]), "accepted \"%s\"",
		   i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : "");
}

static void test_env(void)
{
	struct show_style s;

	setenv("WG_COLOR_MODE", "always", 1);
	unsetenv("WG_HIDE_KEYS");
	s = show_style_from_env();
	unit_check("show/env-color-always", s.color && s.hide_keys,
		   "color=%d hide=%d", s.color, s.hide_keys);

	setenv("WG_COLOR_MODE", "never", 1);
	setenv("WG_HIDE_KEYS", "never", 1);
	s = show_style_from_env();
	unit_check("show/env-color-never-hide-never",
		   !s.color && !s.hide_keys, "color=%d hide=%d", s.color,
		   s.hide_keys);

	/* Anything else: keys hidden, colour only on a terminal. */
	setenv("WG_COLOR_MODE", "auto", 1);
	setenv("WG_HIDE_KEYS", "always", 1);
	s = show_style_from_env();
	unit_check("show/env-defaults", s.hide_keys &&
		   s.color == (bool)isatty(STDOUT_FILENO),
		   "color=%d hide=%d", s.color, s.hide_keys);
}


/* ---- Peers ---- */

static void fill_key(uint8_t key[WGC_KEY_LEN], uint8_t byte)
{
	memset(key, byte, WGC_KEY_LEN);
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
 * Four peers, in the order the kernel lists them: one that never had a
 * handshake, one an hour ago, one from the future, one right now.
 */
static void build_peers(struct wgctl_device *dev)
{
	static const uint8_t bob[WGC_KEY_LEN] = {
		0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b,
		0x61, 0xc2, 0xec, 0xe4, 0x35, 0x37, 0x3f, 0x83, 0x43, 0xc8,
		0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88,
		0x2b, 0x4f };
	struct wgctl_peer *p;

	*dev = full;
	memset(&dev->peers, 0, sizeof(dev->peers));

	p = wgctl_peers_add(&dev->peers);
	fill_key(p->public_key, 0x33);

	p = wgctl_peers_add(&dev->peers);
	memcpy(p->public_key, bob, WGC_KEY_LEN);
	fill_key(p->preshared_key, 0x11);
	p->has_preshared_key = true;
	set_endpoint(p, "192.0.2.1", 51820);
	add_ip(p, "10.0.0.0", 8);
	add_ip(p, "192.168.1.1", 32);
	p->last_handshake_sec = NOW - 3725;
	p->rx_bytes = 1536;
	p->tx_bytes = 1099511627776ULL;
	p->persistent_keepalive = 25;

	p = wgctl_peers_add(&dev->peers);
	fill_key(p->public_key, 0x44);
	add_ip(p, "0.0.0.0", 0);
	p->last_handshake_sec = NOW + 10;
	p->rx_bytes = 5726623061ULL;
	p->tx_bytes = 1;

	p = wgctl_peers_add(&dev->peers);
	fill_key(p->public_key, 0x22);
	set_endpoint(p, "2001:db8::1", 443);
	add_ip(p, "fd00::", 64);
	add_ip(p, "::", 0);
	p->last_handshake_sec = NOW;
	p->tx_bytes = 1048575;
	p->persistent_keepalive = 3661;
}

#define IFACE_PLAIN \
	"interface: wgc0\n" \
	"  public key: " ALICE_PUB "\n" \
	"  private key: (hidden)\n" \
	"  listening port: 51820\n" \
	"  fwmark: 0xca6c\n"

/* The peers of build_peers(), as show_pretty() prints them (keys hidden). */
#define PEERS_PRETTY_HIDDEN \
	"\n" \
	"peer: " KEY_44 "\n" \
	"  allowed ips: 0.0.0.0/0\n" \
	"  latest handshake: (System clock wound backward; connection problems may ensue.)\n" \
	"  transfer: 5.33 GiB received, 1 B sent\n" \
	"\n" \
	"peer: " KEY_22 "\n" \
	"  endpoint: [2001:db8::1]:443\n" \
	"  allowed ips: fd00::/64, ::/0\n" \
	"  latest handshake: Now\n" \
	"  transfer: 0 B received, 1024.00 KiB sent\n" \
	"  persistent keepalive: every 1 hour, 1 minute, 1 second\n" \
	"\n" \
	"peer: " BOB_PUB "\n" \
	"  preshared key: (hidden)\n" \
	"  endpoint: 192.0.2.1:51820\n" \
	"  allowed ips: 10.0.0.0/8, 192.168.1.1/32\n" \
	"  latest handshake: 1 hour, 2 minutes, 5 seconds ago\n" \
	"  transfer: 1.50 KiB received, 1.00 TiB sent\n" \
	"  persistent keepalive: every 25 seconds\n" \
	"\n" \
	"peer: " KEY_33 "\n" \
	"  allowed ips: (none)\n"

static void test_peers_pretty(void)
{
	struct show_style plain = { .color = false, .hide_keys = true };
	struct show_style color = { .color = true, .hide_keys = false };
	struct wgctl_device dev;
	FILE *f;

	build_peers(&dev);
	f = out_open();
	show_pretty(f, &dev, &plain, NOW);
	expect("show/peers-pretty", f, IFACE_PLAIN
	       PEERS_PRETTY_HIDDEN);

	f = out_open();
	show_pretty(f, &dev, &color, NOW);
	expect("show/peers-pretty-color-keys-shown", f,
	       "\x1b[0m\x1b[32m\x1b[1minterface\x1b[0m: \x1b[32mwgc0\x1b[0m\n"
	       "  \x1b[1mpublic key\x1b[0m: " ALICE_PUB "\n"
	       "  \x1b[1mprivate key\x1b[0m: " ALICE_PRIV "\n"
	       "  \x1b[1mlistening port\x1b[0m: 51820\n"
	       "  \x1b[1mfwmark\x1b[0m: 0xca6c\n"
	       "\n"
	       "\x1b[33m\x1b[1mpeer\x1b[0m: \x1b[33m" KEY_44 "\x1b[0m\n"
	       "  \x1b[1mallowed ips\x1b[0m: 0.0.0.0\x1b[36m/\x1b[0m0\n"
	       "  \x1b[1mlatest handshake\x1b[0m: (\x1b[31mSystem clock wound backward; connection problems may ensue.\x1b[0m)\n"
	       "  \x1b[1mtransfer\x1b[0m: 5.33 \x1b[36mGiB\x1b[0m received, 1 \x1b[36mB\x1b[0m sent\n"
	       "\n"
	       "\x1b[33m\x1b[1mpeer\x1b[0m: \x1b[33m" KEY_22 "\x1b[0m\n"
	       "  \x1b[1mendpoint\x1b[0m: [2001:db8::1]:443\n"
	       "  \x1b[1mallowed ips\x1b[0m: fd00::\x1b[36m/\x1b[0m64, ::\x1b[36m/\x1b[0m0\n"
	       "  \x1b[1mlatest handshake\x1b[0m: Now\n"
	       "  \x1b[1mtransfer\x1b[0m: 0 \x1b[36mB\x1b[0m received, 1024.00 \x1b[36mKiB\x1b[0m sent\n"
	       "  \x1b[1mpersistent keepalive\x1b[0m: every 1 \x1b[36mhour\x1b[0m, 1 \x1b[36mminute\x1b[0m, 1 \x1b[36msecond\x1b[0m\n"
	       "\n"
	       "\x1b[33m\x1b[1mpeer\x1b[0m: \x1b[33m" BOB_PUB "\x1b[0m\n"
	       "  \x1b[1mpreshared key\x1b[0m: " KEY_11 "\n"
	       "  \x1b[1mendpoint\x1b[0m: 192.0.2.1:51820\n"
	       "  \x1b[1mallowed ips\x1b[0m: 10.0.0.0\x1b[36m/\x1b[0m8, 192.168.1.1\x1b[36m/\x1b[0m32\n"
	       "  \x1b[1mlatest handshake\x1b[0m: 1 \x1b[36mhour\x1b[0m, 2 \x1b[36mminutes\x1b[0m, 5 \x1b[36mseconds\x1b[0m ago\n"
	       "  \x1b[1mtransfer\x1b[0m: 1.50 \x1b[36mKiB\x1b[0m received, 1.00 \x1b[36mTiB\x1b[0m sent\n"
	       "  \x1b[1mpersistent keepalive\x1b[0m: every 25 \x1b[36mseconds\x1b[0m\n"
	       "\n"
	       "\x1b[33m\x1b[1mpeer\x1b[0m: \x1b[33m" KEY_33 "\x1b[0m\n"
	       "  \x1b[1mallowed ips\x1b[0m: (none)\n");
	wgctl_device_free(&dev);
}

/* The script-friendly forms list peers in the kernel's order. */
static void test_peer_fields(void)
{
	struct wgctl_device dev;

	build_peers(&dev);
	field("show/peers-peers", &dev, "peers", false,
	      KEY_33 "\n" BOB_PUB "\n" KEY_44 "\n" KEY_22 "\n");
	field("show/peers-preshared-keys", &dev, "preshared-keys", false,
	      KEY_33 "\t(none)\n" BOB_PUB "\t" KEY_11 "\n"
	      KEY_44 "\t(none)\n" KEY_22 "\t(none)\n");
	field("show/peers-endpoints", &dev, "endpoints", false,
	      KEY_33 "\t(none)\n" BOB_PUB "\t192.0.2.1:51820\n"
	      KEY_44 "\t(none)\n" KEY_22 "\t[2001:db8::1]:443\n");
	field("show/peers-allowed-ips", &dev, "allowed-ips", false,
	      KEY_33 "\t(none)\n" BOB_PUB "\t10.0.0.0/8 192.168.1.1/32\n"
	      KEY_44 "\t0.0.0.0/0\n" KEY_22 "\tfd00::/64 ::/0\n");
	field("show/peers-latest-handshakes", &dev, "latest-handshakes", false,
	      KEY_33 "\t0\n" BOB_PUB "\t1699996275\n"
	      KEY_44 "\t1700000010\n" KEY_22 "\t1700000000\n");
	field("show/peers-persistent-keepalive", &dev, "persistent-keepalive",
	      false, KEY_33 "\toff\n" BOB_PUB "\t25\n"
	      KEY_44 "\toff\n" KEY_22 "\t3661\n");
	field("show/peers-transfer", &dev, "transfer", false,
	      KEY_33 "\t0\t0\n" BOB_PUB "\t1536\t1099511627776\n"
	      KEY_44 "\t5726623061\t1\n" KEY_22 "\t0\t1048575\n");
	field("show/peers-dump", &dev, "dump", false,
	      ALICE_PRIV "\t" ALICE_PUB "\t51820\t0xca6c\n"
	      KEY_33 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
	      BOB_PUB "\t" KEY_11 "\t192.0.2.1:51820\t10.0.0.0/8,192.168.1.1/32\t1699996275\t1536\t1099511627776\t25\n"
	      KEY_44 "\t(none)\t(none)\t0.0.0.0/0\t1700000010\t5726623061\t1\toff\n"
	      KEY_22 "\t(none)\t[2001:db8::1]:443\tfd00::/64,::/0\t1700000000\t0\t1048575\t3661\n");
	field("show/peers-all-dump", &dev, "dump", true,
	      "wgc0\t" ALICE_PRIV "\t" ALICE_PUB "\t51820\t0xca6c\n"
	      "wgc0\t" KEY_33 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
	      "wgc0\t" BOB_PUB "\t" KEY_11 "\t192.0.2.1:51820\t10.0.0.0/8,192.168.1.1/32\t1699996275\t1536\t1099511627776\t25\n"
	      "wgc0\t" KEY_44 "\t(none)\t(none)\t0.0.0.0/0\t1700000010\t5726623061\t1\toff\n"
	      "wgc0\t" KEY_22 "\t(none)\t[2001:db8::1]:443\tfd00::/64,::/0\t1700000000\t0\t1048575\t3661\n");
	field("show/peers-all-peers", &dev, "peers", true,
	      "wgc0\t" KEY_33 "\nwgc0\t" BOB_PUB "\nwgc0\t" KEY_44
	      "\nwgc0\t" KEY_22 "\n");
	field("show/peers-all-transfer", &dev, "transfer", true,
	      "wgc0\t" KEY_33 "\t0\t0\nwgc0\t" BOB_PUB
	      "\t1536\t1099511627776\nwgc0\t" KEY_44
	      "\t5726623061\t1\nwgc0\t" KEY_22 "\t0\t1048575\n");
	field("show/peers-public-key-unchanged", &dev, "public-key", false,
	      ALICE_PUB "\n");
	wgctl_device_free(&dev);

	/* No peers: the per-peer forms print nothing at all. */
	field("show/no-peers-peers", &bare, "peers", false, "");
	field("show/no-peers-endpoints", &bare, "endpoints", true, "");
	field("show/no-peers-allowed-ips", &bare, "allowed-ips", false, "");
}

/* ---- Handshake statistics ---- */

/* A flood's aftermath: every counter set, under load. */
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

static struct wgctl_device
with_stats(const struct wgctl_device *base,
	   const struct wgctl_handshake_stats *hs)
{
	struct wgctl_device dev = *base;

	dev.has_handshake_stats = true;
	dev.handshake_stats = *hs;
	return dev;
}

static void pretty(const char *name, const struct wgctl_device *dev,
		   const struct show_style *style, const char *want)
{
	FILE *f = out_open();

	show_pretty(f, dev, style, NOW);
	expect(name, f, want);
}

#define IFACE_FULL \
	"interface: wgc0\n" \
	"  public key: " ALICE_PUB "\n" \
	"  private key: (hidden)\n" \
	"  listening port: 51820\n" \
	"  fwmark: 0xca6c\n"

static void test_stats_pretty(void)
{
	static const char *const triggers[] = {
		"ratelimited", "invalid-mac1", "missing-cookie",
		"cookie-replies-sent", "cookies-received", "queue-full",
		"under-load",
	};
	struct show_style plain = { .color = false, .hide_keys = true };
	struct show_style color = { .color = true, .hide_keys = true };
	struct wgctl_handshake_stats hs = { 0 };
	struct wgctl_device dev;
	char name[80], want[SHOW_BUF_SIZE];
	size_t i;

	dev = with_stats(&full, &flood);
	pretty("show/stats-pretty-under-load", &dev, &plain, IFACE_FULL
	       "  handshakes: 25 processed, 3 invalid, 975 rate-limited\n"
	       "  handshake drops: 12 bad mac1, 40 queue full\n"
	       "  cookies: 2999 missing, 3000 replies sent, 2 received, under load\n");

	hs = flood;
	hs.under_load = false;
	dev = with_stats(&full, &hs);
	pretty("show/stats-pretty-not-under-load", &dev, &plain, IFACE_FULL
	       "  handshakes: 25 processed, 3 invalid, 975 rate-limited\n"
	       "  handshake drops: 12 bad mac1, 40 queue full\n"
	       "  cookies: 2999 missing, 3000 replies sent, 2 received\n");

	dev = with_stats(&full, &flood);
	pretty("show/stats-pretty-color", &dev, &color,
	       "\x1b[0m\x1b[32m\x1b[1minterface\x1b[0m: \x1b[32mwgc0\x1b[0m\n"
	       "  \x1b[1mpublic key\x1b[0m: " ALICE_PUB "\n"
	       "  \x1b[1mprivate key\x1b[0m: (hidden)\n"
	       "  \x1b[1mlistening port\x1b[0m: 51820\n"
	       "  \x1b[1mfwmark\x1b[0m: 0xca6c\n"
	       "  \x1b[1mhandshakes\x1b[0m: 25 processed, 3 invalid, 975 rate-limited\n"
	       "  \x1b[1mhandshake drops\x1b[0m: 12 bad mac1, 40 queue full\n"
	       "  \x1b[1mcookies\x1b[0m: 2999 missing, 3000 replies sent, 2 received, under load\n");

	/* No port, no fwmark: straight after the name; zeros all shown. */
	hs = (struct wgctl_handshake_stats){
		.queue_full = 18446744073709551615ULL,
	};
	dev = with_stats(&bare, &hs);
	pretty("show/stats-pretty-bare-zeros-shown", &dev, &plain,
	       "interface: wgc1\n"
	       "  handshakes: 0 processed, 0 invalid, 0 rate-limited\n"
	       "  handshake drops: 0 bad mac1, 18446744073709551615 queue full\n"
	       "  cookies: 0 missing, 0 replies sent, 0 received\n");

	/* An untroubled device looks exactly as under wg. */
	hs = (struct wgctl_handshake_stats){ 0 };
	dev = with_stats(&full, &hs);
	pretty("show/stats-pretty-all-zero-hidden", &dev, &plain, IFACE_FULL);

	hs = (struct wgctl_handshake_stats){
		.processed = 1000000, .invalid = 999, .ratelimiter_entries = 5,
	};
	dev = with_stats(&full, &hs);
	pretty("show/stats-pretty-only-processed-hidden", &dev, &plain,
	       IFACE_FULL);

	/* Without stats from the kernel, whatever the struct holds. */
	dev = full;
	dev.has_handshake_stats = false;
	dev.handshake_stats = flood;
	pretty("show/stats-pretty-absent-hidden", &dev, &plain, IFACE_FULL);

	/* Any one of the defence counters, or the load, is enough. */
	for (i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
		hs = (struct wgctl_handshake_stats){ .processed = 7 };
		switch (i) {
		case 0: hs.ratelimited = 1; break;
		case 1: hs.invalid_mac1 = 1; break;
		case 2: hs.missing_cookie = 1; break;
		case 3: hs.cookie_replies_sent = 1; break;
		case 4: hs.cookies_received = 1; break;
		case 5: hs.queue_full = 1; break;
		default: hs.under_load = true; break;
		}
		dev = with_stats(&bare, &hs);
		snprintf(name, sizeof(name), "show/stats-pretty-shown-by-%s",
			 triggers[i]);
		snprintf(want, sizeof(want),
			 "interface: wgc1\n"
			 "  handshakes: 7 processed, 0 invalid, %d rate-limited\n"
			 "  handshake drops: %d bad mac1, %d queue full\n"
			 "  cookies: %d missing, %d replies sent, %d received%s\n",
			 i == 0, i == 1, i == 5, i == 2, i == 3, i == 4,
			 i == 6 ? ", under load" : "");
		pretty(name, &dev, &plain, want);
	}
}

/* The interface block with the stats, then the peers as ever. */
static void test_stats_pretty_peers(void)
{
	struct show_style plain = { .color = false, .hide_keys = true };
	struct wgctl_device dev;

	build_peers(&dev);
	dev.has_handshake_stats = true;
	dev.handshake_stats = flood;
	pretty("show/stats-pretty-before-peers", &dev, &plain, IFACE_FULL
	       "  handshakes: 25 processed, 3 invalid, 975 rate-limited\n"
	       "  handshake drops: 12 bad mac1, 40 queue full\n"
	       "  cookies: 2999 missing, 3000 replies sent, 2 received, under load\n"
	       PEERS_PRETTY_HIDDEN);

	/* Quiet stats leave the wg-identical output of show/peers-pretty. */
	dev.handshake_stats = (struct wgctl_handshake_stats){ .processed = 4 };
	pretty("show/stats-pretty-quiet-with-peers", &dev, &plain, IFACE_FULL
	       PEERS_PRETTY_HIDDEN);

	/* A per-peer field, and dump, know nothing of the stats. */
	dev.handshake_stats = flood;
	field("show/stats-dump-unchanged", &dev, "dump", false,
	      ALICE_PRIV "\t" ALICE_PUB "\t51820\t0xca6c\n"
	      KEY_33 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
	      BOB_PUB "\t" KEY_11 "\t192.0.2.1:51820\t10.0.0.0/8,192.168.1.1/32\t1699996275\t1536\t1099511627776\t25\n"
	      KEY_44 "\t(none)\t(none)\t0.0.0.0/0\t1700000010\t5726623061\t1\toff\n"
	      KEY_22 "\t(none)\t[2001:db8::1]:443\tfd00::/64,::/0\t1700000000\t0\t1048575\t3661\n");
	/* The field has no peer lines, however many peers there are. */
	field("show/field-handshake-stats-with-peers", &dev,
	      "handshake-stats", false,
	      "processed\t25\ninvalid\t3\nrate-limited\t975\n"
	      "invalid-mac1\t12\nmissing-cookie\t2999\n"
	      "cookie-replies-sent\t3000\ncookies-received\t2\n"
	      "queue-full\t40\nunder-load\t1\nratelimiter-entries\t17\n");
	wgctl_device_free(&dev);
}

static void test_stats_field(void)
{
	struct wgctl_handshake_stats hs;
	struct wgctl_device dev;

	dev = with_stats(&full, &flood);
	field("show/field-handshake-stats", &dev, "handshake-stats", false,
	      "processed\t25\n"
	      "invalid\t3\n"
	      "rate-limited\t975\n"
	      "invalid-mac1\t12\n"
	      "missing-cookie\t2999\n"
	      "cookie-replies-sent\t3000\n"
	      "cookies-received\t2\n"
	      "queue-full\t40\n"
	      "under-load\t1\n"
	      "ratelimiter-entries\t17\n");
	field("show/all-handshake-stats", &dev, "handshake-stats", true,
	      "wgc0\tprocessed\t25\n"
	      "wgc0\tinvalid\t3\n"
	      "wgc0\trate-limited\t975\n"
	      "wgc0\tinvalid-mac1\t12\n"
	      "wgc0\tmissing-cookie\t2999\n"
	      "wgc0\tcookie-replies-sent\t3000\n"
	      "wgc0\tcookies-received\t2\n"
	      "wgc0\tqueue-full\t40\n"
	      "wgc0\tunder-load\t1\n"
	      "wgc0\tratelimiter-entries\t17\n");

	/* Present but quiet: every line, zeros and all, largest u64 too. */
	hs = (struct wgctl_handshake_stats){
		.processed = 18446744073709551615ULL,
		.ratelimiter_entries = 4294967295U,
	};
	dev = with_stats(&bare, &hs);
	field("show/field-handshake-stats-quiet", &dev, "handshake-stats",
	      false,
	      "processed\t18446744073709551615\n"
	      "invalid\t0\n"
	      "rate-limited\t0\n"
	      "invalid-mac1\t0\n"
	      "missing-cookie\t0\n"
	      "cookie-replies-sent\t0\n"
	      "cookies-received\t0\n"
	      "queue-full\t0\n"
	      "under-load\t0\n"
	      "ratelimiter-entries\t4294967295\n");

	/* No stats from the kernel: nothing, with or without the name. */
	dev = full;
	dev.handshake_stats = flood;
	field("show/field-handshake-stats-absent", &dev, "handshake-stats",
	      false, "");
	field("show/all-handshake-stats-absent", &dev, "handshake-stats",
	      true, "");
}

static void test_duration(void)
{
	static const struct {
		unsigned long long seconds;
		const char *want;
	} cases[] = {
		{ 0, "" },
		{ 1, "1 second" },
		{ 59, "59 seconds" },
		{ 60, "1 minute" },
		{ 61, "1 minute, 1 second" },
		{ 3600, "1 hour" },
		{ 3725, "1 hour, 2 minutes, 5 seconds" },
		{ 86400, "1 day" },
		{ 90061, "1 day, 1 hour, 1 minute, 1 second" },
		{ 65535, "18 hours, 12 minutes, 15 seconds" },
		{ 31536000, "1 year" },
		/* wg's years have no leap days: 366 days is a year and a day. */
		{ 31622400, "1 year, 1 day" },
		{ 2 * 31536000ULL + 2 * 86400 + 2 * 3600 + 2 * 60 + 2,
		  "2 years, 2 days, 2 hours, 2 minutes, 2 seconds" },
		{ 1700000000, "53 years, 330 days, 22 hours, 13 minutes, 20 seconds" },
	};
	char buf[SHOW_BUF_SIZE], name[64];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = show_format_duration(buf, sizeof(buf),
					   cases[i].seconds, false);
		snprintf(name, sizeof(name), "show/duration-%llu",
			 cases[i].seconds);
		unit_check(name, !strcmp(buf, cases[i].want) &&
			   len == strlen(buf), "got \"%s\"", buf);
	}
	show_format_duration(buf, sizeof(buf), 3601, true);
	unit_check("show/duration-color", !strcmp(buf,
		   "1 \x1b[36mhour\x1b[0m, 1 \x1b[36msecond\x1b[0m"),
		   "got \"%s\"", buf);
}

static void test_ago(void)
{
	char buf[SHOW_BUF_SIZE];

	show_format_ago(buf, sizeof(buf), NOW, NOW, false);
	unit_check("show/ago-now", !strcmp(buf, "Now"), "got \"%s\"", buf);
	show_format_ago(buf, sizeof(buf), NOW - 65, NOW, false);
	unit_check("show/ago-65s", !strcmp(buf, "1 minute, 5 seconds ago"),
		   "got \"%s\"", buf);
	show_format_ago(buf, sizeof(buf), NOW - 1, NOW, true);
	unit_check("show/ago-1s-color",
		   !strcmp(buf, "1 \x1b[36msecond\x1b[0m ago"),
		   "got \"%s\"", buf);
	show_format_ago(buf, sizeof(buf), NOW + 1, NOW, false);
	unit_check("show/ago-future", !strcmp(buf,
		   "(System clock wound backward; connection problems may ensue.)"),
		   "got \"%s\"", buf);
	/* now - then overflowed a signed 64 bits (found by fuzz-reply). */
	show_format_ago(buf, sizeof(buf), INT64_MIN, NOW, false);
	unit_check("show/ago-far-past", !strcmp(buf,
		   "292471208731 years, 161 days, 13 hours, 43 minutes, 28 seconds ago"),
		   "got \"%s\"", buf);
}

static void test_bytes(void)
{
	static const struct {
		unsigned long long bytes;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 1, "1 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.00 KiB" },
		{ 1536, "1.50 KiB" },
		{ 1048575, "1024.00 KiB" },
		{ 1048576, "1.00 MiB" },
		{ 1073741823, "1024.00 MiB" },
		{ 1073741824, "1.00 GiB" },
		{ 5726623061ULL, "5.33 GiB" },
		{ 1099511627775ULL, "1024.00 GiB" },
		{ 1099511627776ULL, "1.00 TiB" },
		{ 1125899906842624ULL, "1024.00 TiB" },
		{ 18446744073709551615ULL, "16777216.00 TiB" },
	};
	char buf[SHOW_BUF_SIZE], name[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		show_format_bytes(buf, sizeof(buf), cases[i].bytes, false);
		snprintf(name, sizeof(name), "show/bytes-%llu", cases[i].bytes);
		unit_check(name, !strcmp(buf, cases[i].want), "got \"%s\"",
			   buf);
	}
	show_format_bytes(buf, sizeof(buf), 2048, true);
	unit_check("show/bytes-color", !strcmp(buf, "2.00 \x1b[36mKiB\x1b[0m"),
		   "got \"%s\"", buf);
}

static void test_endpoints(void)
{
	struct wgctl_peer peer = { 0 };
	char buf[SHOW_BUF_SIZE];

	set_endpoint(&peer, "::ffff:1.2.3.4", 1);
	show_format_endpoint(buf, sizeof(buf), &peer.endpoint);
	unit_check("show/endpoint-v4-mapped", !strcmp(buf, "[::ffff:1.2.3.4]:1"),
		   "got \"%s\"", buf);
	set_endpoint(&peer, "255.255.255.255", 65535);
	show_format_endpoint(buf, sizeof(buf), &peer.endpoint);
	unit_check("show/endpoint-v4-max", !strcmp(buf, "255.255.255.255:65535"),
		   "got \"%s\"", buf);
	set_endpoint(&peer, "fe80::1", 0);
	peer.endpoint.addr6.sin6_scope_id = 1;	/* lo */
	show_format_endpoint(buf, sizeof(buf), &peer.endpoint);
	unit_check("show/endpoint-v6-scope", !strcmp(buf, "[fe80::1%lo]:0"),
		   "got \"%s\"", buf);
}

/*
 * IPv4 endpoints, allowed IPs and numbers are formatted by hand (printf()
 * was most of a big dump's cost): the same text as libc's, for the edges
 * and for many random values.
 */
static void test_fast_formats(void)
{
	static const uint64_t edges[] = {
		0, 1, 9, 10, 99, 100, 65535, 4294967295ULL, 4294967296ULL,
		9999999999999999999ULL, 18446744073709551615ULL,
	};
	char got[SHOW_BUF_SIZE], want[SHOW_BUF_SIZE], addr[INET_ADDRSTRLEN];
	struct wgctl_allowedip aip = { .family = AF_INET };
	struct wgctl_peer peer = { 0 };
	size_t i, bad = 0, len;
	uint64_t n;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]) + 10000; i++) {
		n = i < sizeof(edges) / sizeof(edges[0]) ? edges[i] :
			(uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^
			(uint64_t)random() >> (i % 64 % 31);
		len = show_format_u64(got, n);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)n);
		bad += strcmp(got, want) || len != strlen(want);
	}
	unit_check("show/format-u64-like-printf", !bad, "%zu differ", bad);

	bad = 0;
	for (i = 0; i < 20000; i++) {
		/* First the extremes: 0.0.0.0:0, 255.255.255.255:65535. */
		uint32_t ip = i == 0 ? 0 : i == 1 ? UINT32_MAX :
			(uint32_t)random() << 1 ^ (uint32_t)random();
		uint16_t port = i == 0 ? 0 : i == 1 ? UINT16_MAX :
			(uint16_t)random();

		peer.endpoint.addr4.sin_family = AF_INET;
		peer.endpoint.addr4.sin_addr.s_addr = ip;
		peer.endpoint.addr4.sin_port = htons(port);
		inet_ntop(AF_INET, &ip, addr, sizeof(addr));
		snprintf(want, sizeof(want), "%s:%u", addr, port);
		show_format_endpoint(got, sizeof(got), &peer.endpoint);
		bad += !!strcmp(got, want);

		aip.ip4.s_addr = ip;
		aip.cidr = (uint8_t)(i % 33);
		snprintf(want, sizeof(want), "%s/%u", addr, aip.cidr);
		show_format_allowedip(got, sizeof(got), &aip, false);
		bad += !!strcmp(got, want);
	}
	unit_check("show/ipv4-like-inet-ntop", !bad, "%zu differ", bad);

	/* Cut to the buffer, as snprintf() cut it. */
	peer.endpoint.addr4.sin_addr.s_addr = htonl(0xc0000201);
	peer.endpoint.addr4.sin_port = htons(51820);
	show_format_endpoint(got, 8, &peer.endpoint);
	unit_check("show/endpoint-v4-cut", !strcmp(got, "192.0.2"),
		   "got \"%s\"", got);
	aip.ip4.s_addr = htonl(0x0a000000);
	aip.cidr = 8;
	show_format_allowedip(got, sizeof(got), &aip, true);
	unit_check("show/allowedip-v4-color",
		   !strcmp(got, "10.0.0.0\x1b[36m/\x1b[0m8"), "got \"%s\"",
		   got);
}

/*
 * Most recent first (seconds, then nanoseconds), never last, and ties in
 * the kernel's order, as glibc's (stable) qsort leaves them for wg.
 */
static void test_sort(void)
{
	static const struct {
		int64_t sec, nsec;
	} hs[] = {
		{ 0, 0 }, { 100, 0 }, { 200, 0 }, { 0, 0 }, { 200, 0 },
		{ 150, 999 }, { 150, 1000 }, { 0, 5 },
	};
	static const size_t want[] = { 2, 4, 6, 5, 1, 7, 0, 3 };
	const struct wgctl_peer **order;
	struct wgctl_peer_list list = { 0 };
	struct wgctl_peer *p;
	size_t i, bad = 0;

	for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		p = wgctl_peers_add(&list);
		p->last_handshake_sec = hs[i].sec;
		p->last_handshake_nsec = hs[i].nsec;
	}
	order = show_sort_peers(&list);
	for (i = 0; order && i < list.count; i++)
		if (order[i] != &list.peers[want[i]])
			bad++;
	unit_check("show/sort-by-handshake", order && !bad,
		   "%zu peers out of place", bad);
	free(order);
	wgctl_peers_free(&list);
}

int main(void)
{
	unit_init();
	test_pretty();
	test_fields();
	test_parse_field();
	test_env();
	test_peers_pretty();
	test_peer_fields();
	test_duration();
	test_ago();
	test_bytes();
	test_endpoints();
	test_fast_formats();
	test_sort();
	test_stats_pretty();
	test_stats_pretty_peers();
	test_stats_field();
	free(out_buf);
	return unit_exit();
}
