// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/set.c: the "wgctl set" command line turned
 * into a device change, peers included, and every refusal with its
 * message. Nothing here talks to the kernel: set_parse_args() only reads
 * the command line, key files and (numeric) endpoints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encoding.h"
#include "set.h"
#include "unit.h"

#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define KEY_22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="

#define MAX_ARGS 40

static char tmpdir[256];
static char psk_path[300], exposed_path[300], junk_path[300];
static char err[4096];

static struct wgctl_device change;
static struct set_warnings warnings;

/* An anonymous file in tmpdir to catch stderr in. */
static int open_scratch(void)
{
	char path[320];
	int fd;

	snprintf(path, sizeof(path), "%s/stderr.XXXXXX", tmpdir);
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	unlink(path);
	return fd;
}

/*
 * Run set_parse_args() on "set wgc0" followed by args (NULL-terminated),
 * with stderr caught in err. Returns what it returned.
 */
static int parse(const char *const args[])
{
	char *argv[MAX_ARGS] = { "set", "wgc0" };
	int argc = 2, saved, fd, ret;
	ssize_t n;

	while (*args && argc < MAX_ARGS - 1)
		argv[argc++] = (char *)*args++;

	wgctl_device_free(&change);
	set_warnings_free(&warnings);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open_scratch();
	dup2(fd, STDERR_FILENO);
	ret = set_parse_args(argc, argv, NULL, &change, &warnings);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, err, sizeof(err) - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

static struct wgctl_peer *peer_at(size_t i)
{
	return i < change.peers.count ? &change.peers.peers[i] : NULL;
}

static bool key_is(const uint8_t key[WGC_KEY_LEN], const char *b64)
{
	uint8_t want[WGC_KEY_LEN];

	return key_from_base64(want, b64) && !memcmp(key, want, WGC_KEY_LEN);
}

/* Whether allowed IP i of p is addr/cidr with flags (WGC_ALLOWEDIP_F_*). */
static bool ip_flags_is(const struct wgctl_peer *p, size_t i, const char *addr,
			unsigned int cidr, uint32_t flags)
{
	struct wgctl_allowedip want = { 0 };

	if (!p || i >= p->num_allowedips)
		return false;
	want.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(want.family, addr, &want.ip6);
	want.cidr = (uint8_t)cidr;
	want.flags = flags;
	return !memcmp(&p->allowedips[i], &want, sizeof(want));
}

static bool ip_is(const struct wgctl_peer *p, size_t i, const char *addr,
		  unsigned int cidr)
{
	return ip_flags_is(p, i, addr, cidr, 0);
}

static bool endpoint4_is(const struct wgctl_peer *p, const char *addr,
			 uint16_t port)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	return p && p->endpoint.addr4.sin_family == AF_INET &&
	       p->endpoint.addr4.sin_addr.s_addr == a.s_addr &&
	       ntohs(p->endpoint.addr4.sin_port) == port;
}

static bool endpoint6_is(const struct wgctl_peer *p, const char *addr,
			 uint16_t port)
{
	struct in6_addr a;

	inet_pton(AF_INET6, addr, &a);
	return p && p->endpoint.addr6.sin6_family == AF_INET6 &&
	       !memcmp(&p->endpoint.addr6.sin6_addr, &a, sizeof(a)) &&
	       ntohs(p->endpoint.addr6.sin6_port) == port &&
	       !p->endpoint.addr6.sin6_scope_id;
}

/* ---- Accepted command lines ---- */

static void test_everything(void)
{
	const char *args[] = {
		"private-key", psk_path, "listen-port", "51820",
		"fwmark", "0x10",
		"peer", ALICE_PUB, "preshared-key", psk_path,
		"endpoint", "192.0.2.1:51820", "persistent-keepalive", "25",
		"allowed-ips", " 10.0.0.0/8 , fd00::/64,192.168.1.1",
		"peer", BOB_PUB, "remove",
		"peer", KEY_22, "allowed-ips", "", "persistent-keepalive",
		"off", "endpoint", "[2001:db8::1]:443", "preshared-key",
		"/dev/null", NULL,
	};
	struct wgctl_peer *a, *b, *c;
	int ret = parse(args);

	a = peer_at(0);
	b = peer_at(1);
	c = peer_at(2);
	unit_check("set/everything-accepted", ret == 0 && !err[0] &&
		   change.peers.count == 3, "ret=%d err=%s", ret, err);
	unit_check("set/everything-device", change.set_private_key &&
		   key_is(change.private_key, ALICE_PRIV) &&
		   change.set_listen_port && change.listen_port == 51820 &&
		   change.set_fwmark && change.fwmark == 0x10 &&
		   !change.replace_peers, "device fields wrong");
	unit_check("set/everything-peer-a", a && key_is(a->public_key, ALICE_PUB) &&
		   a->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   a->has_preshared_key &&
		   key_is(a->preshared_key, ALICE_PRIV) &&
		   endpoint4_is(a, "192.0.2.1", 51820) && a->has_keepalive &&
		   a->persistent_keepalive == 25 && a->num_allowedips == 3 &&
		   ip_is(a, 0, "10.0.0.0", 8) && ip_is(a, 1, "fd00::", 64) &&
		   ip_is(a, 2, "192.168.1.1", 32), "peer a wrong");
	unit_check("set/everything-peer-b-removed", b &&
		   key_is(b->public_key, BOB_PUB) &&
		   b->flags == WGC_PEER_F_REMOVE_ME && !b->has_preshared_key &&
		   !b->has_keepalive && !b->num_allowedips &&
		   !b->endpoint.addr.sa_family, "peer b wrong");
	unit_check("set/everything-peer-c-clears", c &&
		   key_is(c->public_key, KEY_22) &&
		   c->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   !c->num_allowedips && c->has_keepalive &&
		   !c->persistent_keepalive && c->has_preshared_key &&
		   key_is_zero(c->preshared_key) &&
		   endpoint6_is(c, "2001:db8::1", 443), "peer c wrong");
}

/* A peer named alone changes nothing but makes sure it exists. */
static void test_bare_peer(void)
{
	const char *args[] = { "peer", ALICE_PUB, NULL };
	struct wgctl_peer *p;
	int ret = parse(args);

	p = peer_at(0);
	unit_check("set/bare-peer", !ret && change.peers.count == 1 && p &&
		   !p->flags && !p->has_preshared_key && !p->has_keepalive &&
		   !p->num_allowedips && !p->endpoint.addr.sa_family &&
		   !change.set_private_key && !change.set_listen_port &&
		   !change.set_fwmark, "ret=%d err=%s", ret, err);
}

/* wgctl's own switch; the last one given wins, as for other options. */
static void test_keylog(void)
{
	const char *on[] = { "keylog", "off", "keylog", "on", NULL };
	const char *off[] = { "keylog", "off", NULL };
	int ret;

	ret = parse(on);
	unit_check("set/keylog-on", !ret && change.set_keylog && change.keylog &&
		   !change.peers.count, "ret=%d err=%s", ret, err);
	ret = parse(off);
	unit_check("set/keylog-off", !ret && change.set_keylog &&
		   !change.keylog, "ret=%d err=%s", ret, err);
}

static void test_repeats(void)
{
	const char *twice_ips[] = {
		"peer", ALICE_PUB, "allowed-ips", "10.0.0.1",
		"allowed-ips", "10.0.0.2/31,::1", NULL,
	};
	const char *last_wins[] = {
		"peer", ALICE_PUB, "endpoint", "1.2.3.4:5",
		"persistent-keepalive", "7", "endpoint", "[::2]:6",
		"persistent-keepalive", "OFF", "preshared-key", psk_path,
		"preshared-key", "/dev/null", NULL,
	};
	const char *same_peer_twice[] = {
		"peer", ALICE_PUB, "allowed-ips", "10.0.0.1",
		"peer", ALICE_PUB, "remove", "remove", NULL,
	};
	const char *empty_then_more[] = {
		"peer", ALICE_PUB, "allowed-ips", "", "allowed-ips",
		"10.9.0.0/16", NULL,
	};
	struct wgctl_peer *p;

	parse(twice_ips);
	p = peer_at(0);
	unit_check("set/allowed-ips-twice-add-up", p && p->num_allowedips == 3 &&
		   ip_is(p, 0, "10.0.0.1", 32) && ip_is(p, 1, "10.0.0.2", 31) &&
		   ip_is(p, 2, "::1", 128) &&
		   p->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS, "err=%s", err);

	parse(last_wins);
	p = peer_at(0);
	unit_check("set/peer-options-last-wins", p &&
		   endpoint6_is(p, "::2", 6) && p->has_keepalive &&
		   !p->persistent_keepalive && p->has_preshared_key &&
		   key_is_zero(p->preshared_key), "err=%s", err);

	parse(same_peer_twice);
	unit_check("set/same-peer-twice-kept-in-order",
		   change.peers.count == 2 &&
		   peer_at(0)->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   peer_at(1)->flags == WGC_PEER_F_REMOVE_ME, "err=%s", err);

	parse(empty_then_more);
	p = peer_at(0);
	unit_check("set/empty-then-more-allowed-ips", p &&
		   p->num_allowedips == 1 && ip_is(p, 0, "10.9.0.0", 16),
		   "err=%s", err);
}

/*
 * Entries marked `+' or `-' change the peer's list instead of replacing
 * it: no WGC_PEER_F_REPLACE_ALLOWEDIPS, and `-' entries flagged.
 */
static void test_incremental(void)
{
	const char *add_remove[] = {
		"peer", ALICE_PUB, "allowed-ips", "+10.0.0.0/24,-10.1.0.0/24",
		"endpoint", "1.2.3.4:5", NULL,
	};
	const char *only_remove[] = {
		"peer", ALICE_PUB, "allowed-ips", "-10.1.0.0/24",
		"peer", BOB_PUB, "allowed-ips", "10.1.0.0/24", NULL,
	};
	const char *bare_then_marked[] = {
		"peer", ALICE_PUB, "allowed-ips", "10.2.0.0/16", "allowed-ips",
		"- fd00::/64", NULL,
	};
	const char *blocks[] = {
		"peer", ALICE_PUB, "allowed-ips", "+10.3.0.0/16",
		"peer", ALICE_PUB, "allowed-ips", "10.4.0.0/16", NULL,
	};
	struct wgctl_peer *p;
	int ret;

	ret = parse(add_remove);
	p = peer_at(0);
	unit_check("set/allowed-ips-add-remove", !ret && p && !p->flags &&
		   p->num_allowedips == 2 && ip_is(p, 0, "10.0.0.0", 24) &&
		   ip_flags_is(p, 1, "10.1.0.0", 24,
			       WGC_ALLOWEDIP_F_REMOVE_ME) &&
		   endpoint4_is(p, "1.2.3.4", 5), "ret=%d err=%s", ret, err);

	ret = parse(only_remove);
	unit_check("set/allowed-ips-remove-per-peer", !ret &&
		   change.peers.count == 2 && !peer_at(0)->flags &&
		   ip_flags_is(peer_at(0), 0, "10.1.0.0", 24,
			       WGC_ALLOWEDIP_F_REMOVE_ME) &&
		   peer_at(1)->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   ip_is(peer_at(1), 0, "10.1.0.0", 24), "ret=%d err=%s", ret,
		   err);

	/* As wg(8): a marked list makes the lists before it add too. */
	ret = parse(bare_then_marked);
	p = peer_at(0);
	unit_check("set/allowed-ips-bare-then-marked", !ret && p &&
		   !p->flags && ip_is(p, 0, "10.2.0.0", 16) &&
		   ip_flags_is(p, 1, "fd00::", 64, WGC_ALLOWEDIP_F_REMOVE_ME),
		   "ret=%d err=%s", ret, err);

	/* Each "peer" starts afresh: the kernel applies the two in order. */
	ret = parse(blocks);
	unit_check("set/allowed-ips-marks-per-peer-block", !ret &&
		   change.peers.count == 2 && !peer_at(0)->flags &&
		   peer_at(1)->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS,
		   "ret=%d err=%s", ret, err);
}

static void test_endpoint_forms(void)
{
	static const struct {
		const char *in, *addr;
		uint16_t port;
	} cases[] = {
		{ "1.2.3.4:0", "1.2.3.4", 0 },
		{ "1.2.3.4:65535", "1.2.3.4", 65535 },
		{ "[1.2.3.4]:5", "1.2.3.4", 5 },
		{ "[::1]:51820", "::1", 51820 },
		/* Unbracketed, the port follows the last colon (as wg). */
		{ "::1:77", "::1", 77 },
		{ "2001:db8::1:51820", "2001:db8::1", 51820 },
		{ "[::ffff:1.2.3.4]:5", "::ffff:1.2.3.4", 5 },
		{ "[fe80::1]:5", "fe80::1", 5 },
		{ "127.0.0.1:00080", "127.0.0.1", 80 },
	};
	const char *args[] = { "peer", ALICE_PUB, "endpoint", NULL, NULL };
	char name[96];
	bool ok;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		args[3] = cases[i].in;
		ok = !parse(args);
		ok = ok && (strchr(cases[i].addr, ':') ?
			    endpoint6_is(peer_at(0), cases[i].addr,
					 cases[i].port) :
			    endpoint4_is(peer_at(0), cases[i].addr,
					 cases[i].port));
		snprintf(name, sizeof(name), "set/endpoint-\"%s\"", cases[i].in);
		unit_check(name, ok, "err=%s", err);
	}
}

static void test_exposed_psk(void)
{
	const char *args[] = {
		"private-key", exposed_path, "peer", ALICE_PUB,
		"preshared-key", exposed_path, "preshared-key", psk_path, NULL,
	};
	int ret = parse(args);

	unit_check("set/exposed-key-files-noted", !ret &&
		   warnings.num_exposed == 2 &&
		   !strcmp(warnings.exposed[0], exposed_path) &&
		   !strcmp(warnings.exposed[1], exposed_path) && !err[0],
		   "ret=%d count=%zu err=%s", ret, warnings.num_exposed, err);
}

/* ---- Refused command lines: status 1 and the exact message ---- */

static void refused(const char *name, const char *const args[],
		    const char *want)
{
	int ret = parse(args);
	size_t len = strlen(want);

	/* want is the first line; a usage line may follow. */
	unit_check(name, ret == 1 && !strncmp(err, want, len) &&
		   err[len] == '\n', "ret=%d err=\"%s\"", ret, err);
}

#define REFUSED(name, want, ...) \
	refused("set/refuse-" name, (const char *const[]){ __VA_ARGS__, NULL }, \
		want)

static void test_refusals(void)
{
	char want[400];

	REFUSED("bad-peer-key",
		"wgctl: Invalid peer public key: `AAAA' (expected 44 characters of base64)",
		"peer", "AAAA");
	REFUSED("peer-key-missing", "wgctl: Missing value for `peer'",
		"peer");
	REFUSED("remove-before-peer",
		"wgctl: Invalid argument: `remove' (peer options must follow `peer <public key>')",
		"remove");
	REFUSED("endpoint-before-peer",
		"wgctl: Invalid argument: `endpoint' (peer options must follow `peer <public key>')",
		"listen-port", "1", "endpoint", "1.2.3.4:5");
	REFUSED("interface-option-after-peer",
		"wgctl: Invalid argument: `fwmark' (interface options must come before the first `peer')",
		"peer", ALICE_PUB, "fwmark", "1");
	REFUSED("update-only-unknown", "wgctl: Invalid argument: `update-only'",
		"peer", ALICE_PUB, "update-only");
	REFUSED("keylog-value", "wgctl: Invalid keylog: `yes' (expected `on' or `off')",
		"keylog", "yes");
	REFUSED("keylog-after-peer",
		"wgctl: Invalid argument: `keylog' (interface options must come before the first `peer')",
		"peer", ALICE_PUB, "keylog", "on");
	REFUSED("psk-missing-value", "wgctl: Missing value for `preshared-key'",
		"peer", ALICE_PUB, "preshared-key");
	snprintf(want, sizeof(want),
		 "wgctl: Key is not the correct length or format: `%s'",
		 junk_path);
	REFUSED("psk-junk", want, "peer", ALICE_PUB, "preshared-key",
		junk_path);
	REFUSED("psk-missing-file",
		"wgctl: Unable to read preshared key file `/nonexistent/psk': No such file or directory",
		"peer", ALICE_PUB, "preshared-key", "/nonexistent/psk");
	REFUSED("keepalive-65536",
		"wgctl: Invalid persistent keepalive interval: `65536' (expected `off' or 0 to 65535)",
		"peer", ALICE_PUB, "persistent-keepalive", "65536");
	REFUSED("keepalive-negative",
		"wgctl: Invalid persistent keepalive interval: `-1' (expected `off' or 0 to 65535)",
		"peer", ALICE_PUB, "persistent-keepalive", "-1");
	REFUSED("keepalive-hex",
		"wgctl: Invalid persistent keepalive interval: `0x10' (expected `off' or 0 to 65535)",
		"peer", ALICE_PUB, "persistent-keepalive", "0x10");
	REFUSED("endpoint-port-65536",
		"wgctl: Invalid endpoint: `1.2.3.4:65536': port `65536' is not a number from 0 to 65535",
		"peer", ALICE_PUB, "endpoint", "1.2.3.4:65536");
	REFUSED("endpoint-service-name",
		"wgctl: Invalid endpoint: `1.2.3.4:domain': port `domain' is not a number from 0 to 65535",
		"peer", ALICE_PUB, "endpoint", "1.2.3.4:domain");
	REFUSED("endpoint-no-port",
		"wgctl: Invalid endpoint: `1.2.3.4': missing `:<port>' (write IPv6 addresses as [<ip>]:<port>)",
		"peer", ALICE_PUB, "endpoint", "1.2.3.4");
	REFUSED("endpoint-empty-port",
		"wgctl: Invalid endpoint: `[::1]:': missing `:<port>' after `]'",
		"peer", ALICE_PUB, "endpoint", "[::1]:");
	REFUSED("endpoint-no-bracket",
		"wgctl: Invalid endpoint: `[::1:5': missing `]'",
		"peer", ALICE_PUB, "endpoint", "[::1:5");
	REFUSED("endpoint-empty", "wgctl: Invalid endpoint: `': empty endpoint",
		"peer", ALICE_PUB, "endpoint", "");
	REFUSED("endpoint-no-host", "wgctl: Invalid endpoint: `[]:5': missing host",
		"peer", ALICE_PUB, "endpoint", "[]:5");
	REFUSED("endpoint-zone-bracketed",
		"wgctl: Invalid endpoint: `[fe80::1%eth0]:51820': IPv6 zone ids are not supported",
		"peer", ALICE_PUB, "endpoint", "[fe80::1%eth0]:51820");
	REFUSED("endpoint-zone-bare",
		"wgctl: Invalid endpoint: `fe80::1%1:51820': IPv6 zone ids are not supported",
		"peer", ALICE_PUB, "endpoint", "fe80::1%1:51820");
	REFUSED("allowed-ips-cidr-33",
		"wgctl: Invalid allowed IPs: `10.1.2.3/33': prefix length must be 0 to 32",
		"peer", ALICE_PUB, "allowed-ips", "10.0.0.0/8,10.1.2.3/33");
	REFUSED("allowed-ips-cidr-129",
		"wgctl: Invalid allowed IPs: `::/129': prefix length must be 0 to 128",
		"peer", ALICE_PUB, "allowed-ips", "::/129");
	REFUSED("allowed-ips-zone",
		"wgctl: Invalid allowed IPs: `fe80::1%eth0': IPv6 zone ids are not supported",
		"peer", ALICE_PUB, "allowed-ips", "fe80::1%eth0/64");
	REFUSED("allowed-ips-trailing-comma",
		"wgctl: Invalid allowed IPs: `10.0.0.0/8,': empty entry in the list",
		"peer", ALICE_PUB, "allowed-ips", "10.0.0.0/8,");
	REFUSED("allowed-ips-short-v4",
		"wgctl: Invalid allowed IPs: `1.2.3': not an IPv4 or IPv6 address",
		"peer", ALICE_PUB, "allowed-ips", "1.2.3/8");
	REFUSED("allowed-ips-hostname",
		"wgctl: Invalid allowed IPs: `localhost': not an IPv4 or IPv6 address",
		"peer", ALICE_PUB, "allowed-ips", "localhost");
	REFUSED("allowed-ips-lone-plus",
		"wgctl: Invalid allowed IPs: `+': no address after `+'",
		"peer", ALICE_PUB, "allowed-ips", "+");
	REFUSED("allowed-ips-lone-minus",
		"wgctl: Invalid allowed IPs: `-': no address after `-'",
		"peer", ALICE_PUB, "allowed-ips", "10.0.0.0/8, -");
	REFUSED("allowed-ips-plus-comma",
		"wgctl: Invalid allowed IPs: `+': no address after `+'",
		"peer", ALICE_PUB, "allowed-ips", "+,");
	REFUSED("allowed-ips-double-minus",
		"wgctl: Invalid allowed IPs: `--10.0.0.0/8': more than one `+' or `-'",
		"peer", ALICE_PUB, "allowed-ips", "--10.0.0.0/8");
	REFUSED("allowed-ips-marked-trailing-comma",
		"wgctl: Invalid allowed IPs: `-10.0.0.0/8,': empty entry in the list",
		"peer", ALICE_PUB, "allowed-ips", "-10.0.0.0/8,");
	REFUSED("allowed-ips-bare-after-marked",
		"wgctl: Invalid allowed IPs: a list with no `+' or `-' entry replaces the peer's allowed IPs, so it may not follow one with such entries (mark entries to add with `+')",
		"peer", ALICE_PUB, "allowed-ips", "-10.0.0.0/8",
		"allowed-ips", "10.1.0.0/16");
	REFUSED("allowed-ips-empty-after-marked",
		"wgctl: Invalid allowed IPs: an empty list removes all of the peer's allowed IPs, so it may not follow one with `+' or `-' entries",
		"peer", ALICE_PUB, "allowed-ips", "+10.0.0.0/8",
		"allowed-ips", "");
	REFUSED("allowed-ips-missing-value",
		"wgctl: Missing value for `allowed-ips'",
		"peer", ALICE_PUB, "allowed-ips");
	/* A bad peer option late on still stops everything before it. */
	REFUSED("late-error", "wgctl: Invalid endpoint: `x': missing `:<port>' (write IPv6 addresses as [<ip>]:<port>)",
		"listen-port", "1", "peer", ALICE_PUB, "allowed-ips", "::/0",
		"peer", BOB_PUB, "endpoint", "x");
}

/* As with wg(8), "set <interface>" alone is a usage error. */
static void test_nothing_to_set(void)
{
	const char *args[] = { NULL };
	int ret = parse(args);

	unit_check("set/refuse-nothing-to-set", ret == 1 &&
		   !strncmp(err, "Usage: wgctl set <interface> ", 29),
		   "ret=%d err=%s", ret, err);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		perror(path);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/wgctl-set.XXXXXX",
		 base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(psk_path, sizeof(psk_path), "%s/psk", tmpdir);
	snprintf(exposed_path, sizeof(exposed_path), "%s/exposed", tmpdir);
	snprintf(junk_path, sizeof(junk_path), "%s/junk", tmpdir);
	write_file(psk_path, ALICE_PRIV "\n", 0600);
	write_file(exposed_path, ALICE_PRIV "\n", 0644);
	write_file(junk_path, "not a key\n", 0600);
}

static void teardown(void)
{
	unlink(psk_path);
	unlink(exposed_path);
	unlink(junk_path);
	rmdir(tmpdir);
	wgctl_device_free(&change);
	set_warnings_free(&warnings);
}

int main(void)
{
	unit_init();
	setup();
	test_everything();
	test_bare_peer();
	test_keylog();
	test_repeats();
	test_incremental();
	test_endpoint_forms();
	test_exposed_psk();
	test_refusals();
	test_nothing_to_set();
	teardown();
	return unit_exit();
}
