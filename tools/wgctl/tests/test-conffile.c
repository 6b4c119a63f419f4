// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/conffile.c, showconf.c and syncconf.c:
 * configuration files parsed (every refusal with its file:line message),
 * printed back as showconf prints them, and the least change syncconf
 * computes. Host names go to a stand-in resolver; nothing talks to the
 * kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conffile.h"
#include "encoding.h"
#include "keys.h"
#include "showconf.h"
#include "syncconf.h"
#include "unit.h"
#include "wgctl.h"

#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PRIV_CLAMPED "cAdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LGo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define KEY_22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="
#define KEY_33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="

static struct wgctl_device change;
static char *err_text;
static size_t resolve_calls;

/* ---- A resolver that knows two names and takes numeric hosts ---- */

static int fake_resolve(const char *host, const char *port,
			const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo numeric = *hints;

	resolve_calls++;
	numeric.ai_flags |= AI_NUMERICHOST;
	if (!strcmp(host, "relay.example"))
		host = "198.51.100.7";
	else if (!strcmp(host, "v6.example"))
		host = "2001:db8::7";
	return getaddrinfo(host, port, &numeric, res);
}

static void no_pause(unsigned int usec)
{
	(void)usec;
}

static const struct config_resolver resolver = {
	.resolve = fake_resolve,
	.release = freeaddrinfo,
	.pause = no_pause,
	.retries = 0,
};

/* Parse text as file "t.conf"; messages land in err_text. */
static int parse_mode(const char *text, enum conf_mode mode, bool *secrets)
{
	struct conf_text t = { "t.conf", text, strlen(text) };
	size_t len;
	FILE *err;
	int ret;

	wgctl_device_free(&change);
	free(err_text);
	err = open_memstream(&err_text, &len);
	resolve_calls = 0;
	strcpy(change.name, "wgc0");
	ret = conf_parse(&t, mode, &resolver, err, &change, secrets);
	fclose(err);
	return ret;
}

static int parse(const char *text)
{
	return parse_mode(text, CONF_REPLACE, NULL);
}

static bool key_is(const uint8_t key[WGC_KEY_LEN], const char *b64)
{
	uint8_t want[WGC_KEY_LEN];

	return key_from_base64(want, b64) && !memcmp(key, want, WGC_KEY_LEN);
}

static struct wgctl_peer *peer_at(size_t i)
{
	return i < change.peers.count ? &change.peers.peers[i] : NULL;
}

/* ---- showconf: the printer, and parse-then-print round trips ---- */

/* Whether device_from_change() clamps, as the kernel does. */
static bool clamp_private_key;

/* The device a change would make, as the kernel would report it. */
static void device_from_change(struct wgctl_device *dev)
{
	size_t i, j;

	memset(dev, 0, sizeof(*dev));
	dev->listen_port = change.listen_port;
	dev->fwmark = change.fwmark;
	dev->has_private_key = !key_is_zero(change.private_key);
	memcpy(dev->private_key, change.private_key, WGC_KEY_LEN);
	if (clamp_private_key && dev->has_private_key)
		keys_clamp(dev->private_key);
	for (i = 0; i < change.peers.count; i++) {
		struct wgctl_peer *from = &change.peers.peers[i];
		struct wgctl_peer *to = wgctl_peers_add(&dev->peers);

		*to = *from;
		to->allowedips = NULL;
		to->num_allowedips = to->cap_allowedips = 0;
		to->has_preshared_key = from->has_preshared_key &&
					!key_is_zero(from->preshared_key);
		for (j = 0; j < from->num_allowedips; j++)
			*wgctl_peer_add_allowedip(to) = from->allowedips[j];
	}
}

static char *print_device(const struct wgctl_device *dev)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	showconf_print(f, dev);
	fclose(f);
	return out;
}

static const char canonical[] =
	"[Interface]\n"
	"ListenPort = 51820\n"
	"FwMark = 0x2a\n"
	"PrivateKey = " ALICE_PRIV "\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " BOB_PUB "\n"
	"PresharedKey = " KEY_33 "\n"
	"AllowedIPs = 10.0.0.0/8, fd00::/64, 192.168.1.1/32, 0.0.0.0/0, ::/0\n"
	"Endpoint = [2001:db8::1]:443\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " KEY_22 "\n"
	"AllowedIPs = 255.255.255.255/32, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n"
	"Endpoint = 192.0.2.1:51820\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " ALICE_PUB "\n";

static void test_round_trip(void)
{
	struct wgctl_device dev;
	char *out;
	int ret = parse(canonical);

	unit_check("conf/canonical-accepted", !ret && !*err_text &&
		   change.peers.count == 3, "ret=%d err=%s", ret, err_text);
	device_from_change(&dev);
	out = print_device(&dev);
	unit_check("conf/round-trip", !strcmp(out, canonical),
		   "printed:\n%s", out);
	free(out);
	wgctl_device_free(&dev);
}

static void test_print_empty(void)
{
	struct wgctl_device dev = { 0 };
	char *out = print_device(&dev);

	unit_check("conf/print-empty-device", !strcmp(out, "[Interface]\n\n"),
		   "printed: %s", out);
	free(out);
}

/* What wg(8) accepts: any case, spaces anywhere, comments, CRLF. */
static void test_relaxed_syntax(void)
{
	static const char relaxed[] =
		"# a comment line\r\n"
		"   \r\n"
		"[iNtErFaCe] # trailing comment\r\n"
		"privatekey=" ALICE_PRIV "\r\n"
		"  Listen Port =  51820   \r\n"
		"FWMARK = 42\n"
		"[PEER]\n"
		"publickey = " BOB_PUB "\n"
		"allowedips = 10.0.0.0/8 , fd00::/64\n"
		"AllowedIPs = 192.168.1.1\n"
		"AllowedIPs =\n"
		"AllowedIPs = 0.0.0.0/0,::/0\n"
		"presharedkey = " KEY_33 "\n"
		"endpoint = [2001:db8::1]:443\n"
		"persistentkeepalive = 25\n"
		"\t[Peer]\n"
		"Endpoint = 192.0.2.1:51820 # resolved once\n"
		"AllowedIPs = 255.255.255.255/32, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n"
		"PublicKey = " KEY_22 "\n"
		"[Peer]\n"
		"PublicKey = " ALICE_PUB;	/* no final newline */
	struct wgctl_device dev;
	char *out;
	int ret = parse(relaxed);

	unit_check("conf/relaxed-accepted", !ret && !*err_text,
		   "ret=%d err=%s", ret, err_text);
	device_from_change(&dev);
	out = print_device(&dev);
	unit_check("conf/relaxed-means-canonical", !strcmp(out, canonical),
		   "printed:\n%s", out);
	free(out);
	wgctl_device_free(&dev);
}

/* ---- What each command makes of a file ---- */

static void test_modes(void)
{
	static const char text[] =
		"[Peer]\nPublicKey = " BOB_PUB "\n"
		"[Interface]\nListenPort = 7\n";
	bool secrets = true;
	struct wgctl_peer *p;
	int ret;

	ret = parse_mode(text, CONF_REPLACE, &secrets);
	p = peer_at(0);
	unit_check("conf/replace-resets-the-rest", !ret &&
		   change.replace_peers && change.set_private_key &&
		   key_is_zero(change.private_key) && change.set_fwmark &&
		   !change.fwmark && change.set_listen_port &&
		   change.listen_port == 7 && p &&
		   p->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   !p->has_keepalive && !p->has_preshared_key && !secrets,
		   "ret=%d err=%s", ret, err_text);

	ret = parse_mode(text, CONF_APPEND, &secrets);
	p = peer_at(0);
	unit_check("conf/append-changes-only-what-is-named", !ret &&
		   !change.replace_peers && !change.set_private_key &&
		   !change.set_fwmark && change.set_listen_port && p &&
		   p->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS,
		   "ret=%d err=%s", ret, err_text);

	ret = parse_mode("[Interface]\nPrivateKey=" ALICE_PRIV "\n",
			 CONF_APPEND, &secrets);
	unit_check("conf/secrets-private-key", !ret && secrets &&
		   key_is(change.private_key, ALICE_PRIV), "ret=%d", ret);
	ret = parse_mode("[Peer]\nPublicKey=" BOB_PUB "\nPresharedKey=" KEY_33
			 "\n", CONF_APPEND, &secrets);
	unit_check("conf/secrets-preshared-key", !ret && secrets,
		   "ret=%d", ret);
	ret = parse_mode("", CONF_REPLACE, &secrets);
	unit_check("conf/empty-file-is-empty-config", !ret && !secrets &&
		   change.replace_peers && !change.peers.count,
		   "ret=%d err=%s", ret, err_text);
}

/* ---- AllowedIPs entries marked `+' or `-' ---- */

/* Whether allowed IP i of p is addr/cidr with flags. */
static bool ip_is(const struct wgctl_peer *p, size_t i, const char *addr,
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

/*
 * A section whose AllowedIPs mark entries changes the peer's list rather
 * than replacing it, over all its lines; the other sections still
 * replace. setconf takes the file too (the marks are moot there: each
 * peer starts afresh).
 */
static void test_incremental(void)
{
	static const char text[] =
		"[Peer]\nPublicKey = " BOB_PUB "\n"
		"AllowedIPs = 10.2.0.0/16\n"
		"AllowedIPs = +10.0.0.0/24, -10.1.0.0/24 # a comment\n"
		"AllowedIPs = - fd00::/64\n"
		"[Peer]\nPublicKey = " KEY_22 "\nAllowedIPs = 10.1.0.0/24\n"
		"[Peer]\nPublicKey = " KEY_33 "\n";
	static const enum conf_mode modes[] = { CONF_APPEND, CONF_REPLACE };
	static const char *const names[] = {
		"conf/incremental-addconf", "conf/incremental-setconf",
	};
	struct wgctl_peer *bob, *k22, *k33;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ret = parse_mode(text, modes[i], NULL);
		bob = peer_at(0);
		k22 = peer_at(1);
		k33 = peer_at(2);
		unit_check(names[i], !ret && bob && !bob->flags &&
			   bob->num_allowedips == 4 &&
			   ip_is(bob, 0, "10.2.0.0", 16, 0) &&
			   ip_is(bob, 1, "10.0.0.0", 24, 0) &&
			   ip_is(bob, 2, "10.1.0.0", 24,
				 WGC_ALLOWEDIP_F_REMOVE_ME) &&
			   ip_is(bob, 3, "fd00::", 64,
				 WGC_ALLOWEDIP_F_REMOVE_ME) && k22 &&
			   k22->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
			   ip_is(k22, 0, "10.1.0.0", 24, 0) && k33 &&
			   k33->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
			   !k33->num_allowedips && !*err_text,
			   "ret=%d err=%s", ret, err_text);
	}

	/* A removal with host bits is warned about like an addition. */
	ret = parse_mode("[Peer]\nPublicKey = " BOB_PUB "\n"
			 "AllowedIPs = -10.1.2.3/8\n", CONF_APPEND, NULL);
	unit_check("conf/incremental-warn-host-bits", !ret &&
		   !strcmp(err_text, "Warning: t.conf:3: AllowedIPs `10.1.2.3/8' has a nonzero host part\n"),
		   "ret=%d err=%s", ret, err_text);

	/* syncconf refuses marks, at the first line with one... */
	ret = parse_mode(text, CONF_SYNC, NULL);
	unit_check("conf/incremental-syncconf-refused", ret == -1 &&
		   !strcmp(err_text, "wgctl: t.conf:4: AllowedIPs: syncconf takes the file as the peer's whole list, so entries may not be marked with `+' or `-' (use addconf to change a list)\n"),
		   "ret=%d err=%s", ret, err_text);
	/* ...and is setconf otherwise. */
	ret = parse_mode("[Interface]\nListenPort = 7\n[Peer]\nPublicKey = "
			 BOB_PUB "\nAllowedIPs = 10.2.0.0/16\n", CONF_SYNC,
			 NULL);
	unit_check("conf/syncconf-as-setconf", !ret && change.replace_peers &&
		   change.set_private_key && change.set_fwmark &&
		   change.listen_port == 7 && peer_at(0) &&
		   peer_at(0)->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS,
		   "ret=%d err=%s", ret, err_text);
}

/* ---- Endpoints: looked up once, and only once the file is good ---- */

static void test_endpoints(void)
{
	struct wgctl_peer *a, *b;
	char addr[INET6_ADDRSTRLEN];
	int ret;

	ret = parse("[Peer]\nPublicKey=" BOB_PUB "\nEndpoint=relay.example:51820\n"
		    "[Peer]\nPublicKey=" KEY_22 "\nEndpoint=[v6.example]:1\n");
	a = peer_at(0);
	b = peer_at(1);
	unit_check("conf/endpoint-names-resolved-once", !ret &&
		   resolve_calls == 2 && a && b &&
		   a->endpoint.addr.sa_family == AF_INET &&
		   ntohs(a->endpoint.addr4.sin_port) == 51820 &&
		   !strcmp(inet_ntop(AF_INET, &a->endpoint.addr4.sin_addr,
				     addr, sizeof(addr)), "198.51.100.7") &&
		   b->endpoint.addr.sa_family == AF_INET6,
		   "ret=%d calls=%zu err=%s", ret, resolve_calls, err_text);

	ret = parse("[Peer]\nPublicKey=" BOB_PUB "\nEndpoint=relay.example:1\n"
		    "Endpoint=[::1]:2\n");
	a = peer_at(0);
	unit_check("conf/endpoint-last-one-counts-and-only-it-is-looked-up",
		   !ret && resolve_calls == 1 && a &&
		   a->endpoint.addr.sa_family == AF_INET6 &&
		   ntohs(a->endpoint.addr6.sin6_port) == 2 &&
		   strstr(err_text, "Warning: t.conf:4: Endpoint given again (first on line 3)"),
		   "ret=%d calls=%zu err=%s", ret, resolve_calls, err_text);

	ret = parse("[Peer]\nPublicKey=" BOB_PUB "\nEndpoint=relay.example:1\n"
		    "[Peer]\nPublicKey=" KEY_22 "\nListenPort=1\n");
	unit_check("conf/no-lookup-before-the-whole-file-is-checked",
		   ret && resolve_calls == 0,
		   "ret=%d calls=%zu", ret, resolve_calls);
}

/* ---- Refusals: one message, naming file and line ---- */

static void expect_error(const char *name, const char *text,
			 const char *message)
{
	int ret = parse(text);

	unit_check(name, ret == -1 && !strcmp(err_text, message),
		   "ret=%d, message:\n%s\nwanted:\n%s", ret, err_text,
		   message);
}

static void test_errors(void)
{
	static const struct {
		const char *name, *text, *message;
	} cases[] = {
		{ "conf/error-unknown-section", "[Interface]\n[Peers]\n",
		  "wgctl: t.conf:2: unknown section `[Peers]' (expected [Interface] or [Peer])\n" },
		{ "conf/error-key-before-section", "\nListenPort=1\n",
		  "wgctl: t.conf:2: `ListenPort' comes before any [Interface] or [Peer] section\n" },
		{ "conf/error-key-before-section-not-echoed", ALICE_PRIV "\n[Interface]\n",
		  "wgctl: t.conf:1: a line before any [Interface] or [Peer] section (not shown, in case it is a key)\n" },
		{ "conf/error-unknown-interface-key", "[Interface]\nListenPorts=1\n",
		  "wgctl: t.conf:2: unknown key `ListenPorts' in an [Interface] section\n" },
		{ "conf/error-unknown-peer-key", "[Peer]\nPublicKey=" BOB_PUB "\nAddress=10.0.0.1\n",
		  "wgctl: t.conf:3: unknown key `Address' in a [Peer] section\n" },
		{ "conf/error-quick-key", "[Interface]\n# x\nmtu = 1420\n",
		  "wgctl: t.conf:3: `mtu' is a setting of wgctl-quick(8), not of wgctl (`wgctl-quick strip' leaves it out)\n" },
		{ "conf/error-quick-key-saveconfig", "[Interface]\nSaveConfig = true\n",
		  "wgctl: t.conf:2: `SaveConfig' is a setting of wgctl-quick(8), not of wgctl (`wgctl-quick strip' leaves it out)\n" },
		{ "conf/error-interface-key-in-peer", "[Peer]\nPublicKey=" BOB_PUB "\nlistenport=1\n",
		  "wgctl: t.conf:3: `ListenPort' belongs in an [Interface] section\n" },
		{ "conf/error-peer-key-in-interface", "[Interface]\nEndpoint=1.2.3.4:5\n",
		  "wgctl: t.conf:2: `Endpoint' belongs in a [Peer] section\n" },
		{ "conf/error-no-equals-no-echo", "[Interface]\nPrivateKey " ALICE_PRIV "\n",
		  "wgctl: t.conf:2: PrivateKey is followed by something other than `=' (not shown, in case it is a key)\n" },
		{ "conf/error-no-equals-psk-no-echo", "[Peer]\nPublicKey=" BOB_PUB "\nPresharedKey: MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM\n",
		  "wgctl: t.conf:3: neither a [Section] nor a `Key = Value' line\n" },
		{ "conf/error-long-unknown-key-no-echo", "[Interface]\n" ALICE_PRIV "\n",
		  "wgctl: t.conf:2: unknown key in an [Interface] section (not shown, in case it is a key)\n" },
		{ "conf/error-no-key", "[Interface]\n = 5\n",
		  "wgctl: t.conf:2: a value with no key before its `='\n" },
		{ "conf/error-bad-private-key-not-echoed", "[Interface]\nPrivateKey = " ALICE_PRIV "x\n",
		  "wgctl: t.conf:2: PrivateKey is not a valid key (expected 44 characters of base64)\n" },
		{ "conf/error-empty-private-key", "[Interface]\nPrivateKey =\n",
		  "wgctl: t.conf:2: PrivateKey is not a valid key (expected 44 characters of base64)\n" },
		{ "conf/error-bad-preshared-key", "[Peer]\nPublicKey=" BOB_PUB "\nPresharedKey = abc\n",
		  "wgctl: t.conf:3: PresharedKey is not a valid key (expected 44 characters of base64)\n" },
		{ "conf/error-bad-public-key", "[Peer]\nPublicKey = abc=\n",
		  "wgctl: t.conf:2: PublicKey `abc=' is not a valid key (expected 44 characters of base64)\n" },
		{ "conf/error-port-65536", "[Interface]\nListenPort = 65536\n",
		  "wgctl: t.conf:2: ListenPort `65536' is not a number from 0 to 65535\n" },
		{ "conf/error-port-negative", "[Interface]\nListenPort = -1\n",
		  "wgctl: t.conf:2: ListenPort `-1' is not a number from 0 to 65535\n" },
		{ "conf/error-port-name", "[Interface]\nListenPort = domain\n",
		  "wgctl: t.conf:2: ListenPort `domain' is not a number from 0 to 65535\n" },
		{ "conf/error-fwmark", "[Interface]\nFwMark = 0x100000000\n",
		  "wgctl: t.conf:2: FwMark `0x100000000' is neither `off' nor a number from 0 to 0xffffffff\n" },
		{ "conf/error-keepalive", "[Peer]\nPublicKey=" BOB_PUB "\nPersistentKeepalive = 65536\n",
		  "wgctl: t.conf:3: PersistentKeepalive `65536' is neither `off' nor a number from 0 to 65535\n" },
		{ "conf/error-allowedip-prefix-v4", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = 10.0.0.0/33\n",
		  "wgctl: t.conf:3: AllowedIPs: `10.0.0.0/33': prefix length must be 0 to 32\n" },
		{ "conf/error-allowedip-prefix-v6", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = ::/129\n",
		  "wgctl: t.conf:3: AllowedIPs: `::/129': prefix length must be 0 to 128\n" },
		{ "conf/error-allowedip-zone-id", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = fe80::1%eth0/64\n",
		  "wgctl: t.conf:3: AllowedIPs: `fe80::1%eth0': IPv6 zone ids are not supported\n" },
		{ "conf/error-allowedip-empty-entry", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = 10.0.0.1,,10.0.0.2\n",
		  "wgctl: t.conf:3: AllowedIPs: `10.0.0.1,,10.0.0.2': empty entry in the list\n" },
		{ "conf/error-allowedip-not-an-address", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = 10.1/16\n",
		  "wgctl: t.conf:3: AllowedIPs: `10.1': not an IPv4 or IPv6 address\n" },
		{ "conf/error-endpoint-no-port", "[Peer]\nPublicKey=" BOB_PUB "\nEndpoint = 192.0.2.1\n",
		  "wgctl: t.conf:3: Endpoint `192.0.2.1': missing `:<port>' (write IPv6 addresses as [<ip>]:<port>)\n" },
		{ "conf/error-endpoint-port", "[Peer]\nPublicKey=" BOB_PUB "\nEndpoint = [::1]:70000\n",
		  "wgctl: t.conf:3: Endpoint `[::1]:70000': port `70000' is not a number from 0 to 65535\n" },
		{ "conf/error-endpoint-zone-id", "[Peer]\nPublicKey=" BOB_PUB "\nEndpoint = [fe80::1%eth0]:1\n",
		  "wgctl: t.conf:3: Endpoint `[fe80::1%eth0]:1': IPv6 zone ids are not supported\n" },
		{ "conf/error-endpoint-bracket", "[Peer]\nPublicKey=" BOB_PUB "\nEndpoint = [::1:1\n",
		  "wgctl: t.conf:3: Endpoint `[::1:1': missing `]'\n" },
		{ "conf/error-endpoint-unresolved", "[Peer]\nPublicKey=" BOB_PUB "\n\nEndpoint = nowhere.invalid:1\n",
		  "wgctl: t.conf:4: unable to resolve Endpoint `nowhere.invalid:1': Name or service not known\n" },
		{ "conf/error-allowedip-lone-plus", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = +\n",
		  "wgctl: t.conf:3: AllowedIPs: `+': no address after `+'\n" },
		{ "conf/error-allowedip-lone-minus", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = 10.0.0.1, -  # gone\n",
		  "wgctl: t.conf:3: AllowedIPs: `-': no address after `-'\n" },
		{ "conf/error-allowedip-plus-comma", "[Peer]\nPublicKey=" BOB_PUB "\n\nAllowedIPs = +,\n",
		  "wgctl: t.conf:4: AllowedIPs: `+': no address after `+'\n" },
		{ "conf/error-allowedip-double-minus", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = --10.0.0.0/8\n",
		  "wgctl: t.conf:3: AllowedIPs: `--10.0.0.0/8': more than one `+' or `-'\n" },
		{ "conf/error-allowedip-marked-empty-entry", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = -10.0.0.0/8,,+10.1.0.0/16\n",
		  "wgctl: t.conf:3: AllowedIPs: `-10.0.0.0/8,,+10.1.0.0/16': empty entry in the list\n" },
		{ "conf/error-allowedip-bare-after-marked", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = -10.0.0.0/8\nAllowedIPs = 10.1.0.0/16\n",
		  "wgctl: t.conf:4: AllowedIPs: a list with no `+' or `-' entry replaces the peer's allowed IPs, so it may not follow one with such entries (mark entries to add with `+')\n" },
		{ "conf/error-allowedip-empty-after-marked", "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = +10.0.0.0/8\n# nothing\nAllowedIPs =\n",
		  "wgctl: t.conf:5: AllowedIPs: an empty list removes all of the peer's allowed IPs, so it may not follow one with `+' or `-' entries\n" },
		{ "conf/error-peer-without-key", "[Interface]\n[Peer]\nAllowedIPs = 10.0.0.0/8\n[Peer]\nPublicKey=" BOB_PUB "\n",
		  "wgctl: t.conf:2: this [Peer] section has no PublicKey\n" },
		{ "conf/error-last-peer-without-key", "[Peer]\nPublicKey=" BOB_PUB "\n[Peer]\n",
		  "wgctl: t.conf:3: this [Peer] section has no PublicKey\n" },
		{ "conf/error-second-public-key", "[Peer]\nPublicKey=" BOB_PUB "\nPublicKey=" KEY_22 "\n",
		  "wgctl: t.conf:3: a second PublicKey in one [Peer] section (the first is on line 2)\n" },
		{ "conf/error-duplicate-peer", "[Peer]\nPublicKey=" BOB_PUB "\n[Peer]\nPublicKey=" KEY_22 "\n\n[Peer]\npublickey=" BOB_PUB "\n",
		  "wgctl: t.conf:6: peer " BOB_PUB " already has a [Peer] section, on line 1\n" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_error(cases[i].name, cases[i].text, cases[i].message);
}

/* A NUL byte cannot be written in a C string literal's middle above. */
static void test_nul_byte(void)
{
	static const char text[] = "[Interface]\nListenPort=1\0\n";
	struct conf_text t = { "t.conf", text, sizeof(text) - 1 };
	size_t len;
	FILE *err;
	int ret;

	wgctl_device_free(&change);
	free(err_text);
	err = open_memstream(&err_text, &len);
	ret = conf_parse(&t, CONF_REPLACE, &resolver, err, &change, NULL);
	fclose(err);
	unit_check("conf/error-nul-byte", ret == -1 &&
		   !strcmp(err_text, "wgctl: t.conf:2: a NUL byte (is this a text file?)\n"),
		   "ret=%d err=%s", ret, err_text);
}

/* ---- Warnings: after a good parse only ---- */

static void test_warnings(void)
{
	int ret;

	ret = parse("[Interface]\nListenPort = 1\nListenPort = 2\n"
		    "[Peer]\nPublicKey=" BOB_PUB "\nAllowedIPs = 10.1.2.3/8\n");
	unit_check("conf/warn-repeated-key-last-counts", !ret &&
		   change.listen_port == 2 &&
		   strstr(err_text, "Warning: t.conf:3: ListenPort given again (first on line 2); the last value counts\n"),
		   "ret=%d err=%s", ret, err_text);
	unit_check("conf/warn-host-bits", !ret &&
		   strstr(err_text, "Warning: t.conf:6: AllowedIPs `10.1.2.3/8' has a nonzero host part\n"),
		   "err=%s", err_text);

	ret = parse("[Interface]\nListenPort = 1\nListenPort = 2\nFwMark = x\n");
	unit_check("conf/no-warnings-when-the-file-is-refused", ret == -1 &&
		   !strstr(err_text, "Warning") &&
		   strstr(err_text, "t.conf:4:"), "err=%s", err_text);

	ret = parse("[Interface]\nListenPort = 1\n[Peer]\nPublicKey=" BOB_PUB
		    "\n[Interface]\nListenPort = 3\n[Peer]\nPublicKey=" KEY_22
		    "\nPersistentKeepalive=1\n");
	unit_check("conf/interface-twice-keys-still-repeat", !ret &&
		   change.listen_port == 3 &&
		   strstr(err_text, "t.conf:6: ListenPort given again (first on line 2)") &&
		   !strstr(err_text, "PersistentKeepalive"),
		   "ret=%d err=%s", ret, err_text);
}

/* ---- Many peers ---- */

static void test_many_peers(void)
{
	const size_t n = 10000;
	char *text = malloc(n * 128 + 64), *p = text;
	uint8_t key[WGC_KEY_LEN] = { 0 };
	char b64[WGC_KEY_B64_LEN + 1];
	size_t i;
	int ret;

	p += sprintf(p, "[Interface]\nListenPort = 51820\n");
	for (i = 0; i < n; i++) {
		key[0] = (uint8_t)(i >> 8);
		key[1] = (uint8_t)i;
		key[2] = 1;
		key_to_base64(b64, key);
		p += sprintf(p, "[Peer]\nPublicKey = %s\nAllowedIPs = 10.%zu.%zu.0/24\n",
			     b64, i >> 8, i & 255);
	}
	ret = parse(text);
	unit_check("conf/ten-thousand-peers", !ret && change.peers.count == n &&
		   change.peers.peers[n - 1].num_allowedips == 1,
		   "ret=%d count=%zu err=%s", ret, change.peers.count,
		   err_text);
	/* The same key again, at the very end. */
	sprintf(p, "[Peer]\nPublicKey = %s\n", b64);
	ret = parse(text);
	unit_check("conf/ten-thousand-peers-duplicate-found", ret == -1 &&
		   strstr(err_text, ":30003: peer ") &&
		   strstr(err_text, "on line 30000\n"), "err=%s", err_text);
	free(text);
}

/* ---- Reading files ---- */

static void test_read_file(void)
{
	char dir[] = "/tmp/wgctl-conf.XXXXXX", path[64];
	bool exposed;
	char *data;
	size_t len;
	int fd, ret;

	if (!mkdtemp(dir)) {
		unit_check("conf/read-file-setup", false, "mkdtemp failed");
		return;
	}
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ret = write(fd, canonical, strlen(canonical)) < 0;
	close(fd);
	ret = conf_read_file(path, &data, &len, &exposed);
	unit_check("conf/read-file", !ret && len == strlen(canonical) &&
		   !memcmp(data, canonical, len) && !exposed,
		   "ret=%d len=%zu", ret, len);
	conf_free_text(data, len);

	chmod(path, 0644);
	ret = conf_read_file(path, &data, &len, &exposed);
	unit_check("conf/read-file-exposed", !ret && exposed, "ret=%d", ret);
	conf_free_text(data, len);

	/* Sparse: no disk needed to be too large. */
	ret = truncate(path, CONF_FILE_MAX + 1);
	ret = conf_read_file(path, &data, &len, &exposed);
	unit_check("conf/read-file-too-large", ret == -EFBIG && !data,
		   "ret=%d", ret);
	unlink(path);

	ret = conf_read_file(path, &data, &len, &exposed);
	unit_check("conf/read-file-missing", ret == -ENOENT, "ret=%d", ret);
	ret = conf_read_file(dir, &data, &len, &exposed);
	unit_check("conf/read-file-directory", ret == -EISDIR, "ret=%d", ret);
	rmdir(dir);
}

/* ---- syncconf: the least change ---- */

static struct wgctl_device cur;
static struct wgctl_device diff;

static int sync_against(const char *device_text, const char *file_text)
{
	int ret;

	wgctl_device_free(&cur);
	wgctl_device_free(&diff);
	if (parse(device_text))
		return -100;
	clamp_private_key = true;
	device_from_change(&cur);
	clamp_private_key = false;
	if (parse(file_text))
		return -101;
	ret = syncconf_change(&cur, &change, &diff);
	return ret;
}

static bool diff_is_empty(void)
{
	return !diff.set_private_key && !diff.set_listen_port &&
	       !diff.set_fwmark && !diff.replace_peers && !diff.peers.count;
}

static struct wgctl_peer *diff_peer(size_t i)
{
	return i < diff.peers.count ? &diff.peers.peers[i] : NULL;
}

static void test_sync_same(void)
{
	static const char reordered[] =
		"[Interface]\n"
		"PrivateKey = " ALICE_PRIV "\n"
		"FwMark = 42\n"
		"ListenPort = 51820\n"
		"[Peer]\n"
		"PublicKey = " ALICE_PUB "\n"
		"[Peer]\n"
		"PublicKey = " KEY_22 "\n"
		"AllowedIPs = ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 255.255.255.255\n"
		"[Peer]\n"
		"PublicKey = " BOB_PUB "\n"
		"PresharedKey = " KEY_33 "\n"
		"AllowedIPs = ::/0, 0.0.0.0/0, 192.168.1.1/32, 192.168.1.1\n"
		"AllowedIPs = fd00::1/64, 10.9.9.9/8\n"
		"PersistentKeepalive = 25\n";
	int ret = sync_against(canonical, reordered);

	/* The device holds ALICE_PRIV_CLAMPED; the file says ALICE_PRIV. */
	unit_check("conf/sync-same-config-changes-nothing",
		   !ret && diff_is_empty() &&
		   key_is(cur.private_key, ALICE_PRIV_CLAMPED),
		   "ret=%d peers=%zu key=%d", ret, diff.peers.count,
		   diff.set_private_key);
}

static void test_sync_changes(void)
{
	static const char file[] =
		"[Interface]\n"
		"PrivateKey = " ALICE_PRIV "\n"
		"FwMark = off\n"
		"[Peer]\n"			/* was: psk, keepalive, endpoint */
		"PublicKey = " BOB_PUB "\n"
		"AllowedIPs = 10.0.0.0/8, fd00::/64, 192.168.1.1/32, 0.0.0.0/0, ::/0\n"
		"[Peer]\n"			/* new */
		"PublicKey = " KEY_33 "\n"
		"AllowedIPs = 10.33.0.0/16\n"
		"Endpoint = 192.0.2.33:1\n"
		"[Peer]\n"			/* endpoint and IPs change */
		"PublicKey = " KEY_22 "\n"
		"Endpoint = 192.0.2.2:2\n"
		"AllowedIPs = 255.255.255.255/32\n";
	struct wgctl_peer *gone, *bob, *new, *k22;
	int ret = sync_against(canonical, file);

	gone = diff_peer(0);
	bob = diff_peer(1);
	new = diff_peer(2);
	k22 = diff_peer(3);
	unit_check("conf/sync-interface", !ret && !diff.set_private_key &&
		   !diff.set_listen_port && diff.set_fwmark && !diff.fwmark &&
		   !diff.replace_peers && diff.peers.count == 4,
		   "ret=%d count=%zu", ret, diff.peers.count);
	unit_check("conf/sync-removes-first", gone &&
		   key_is(gone->public_key, ALICE_PUB) &&
		   gone->flags == WGC_PEER_F_REMOVE_ME, "first is not the removal");
	unit_check("conf/sync-drops-psk-and-keepalive-left-out", bob &&
		   key_is(bob->public_key, BOB_PUB) &&
		   bob->flags == WGC_PEER_F_UPDATE_ONLY &&
		   bob->has_preshared_key && key_is_zero(bob->preshared_key) &&
		   bob->has_keepalive && !bob->persistent_keepalive &&
		   !bob->endpoint.addr.sa_family && !bob->num_allowedips,
		   "bob's update is wrong");
	unit_check("conf/sync-adds-new-peer-whole", new &&
		   key_is(new->public_key, KEY_33) &&
		   new->flags == WGC_PEER_F_REPLACE_ALLOWEDIPS &&
		   new->num_allowedips == 1 &&
		   new->endpoint.addr.sa_family == AF_INET,
		   "new peer is wrong");
	unit_check("conf/sync-updates-endpoint-and-ips", k22 &&
		   key_is(k22->public_key, KEY_22) &&
		   k22->flags == (WGC_PEER_F_UPDATE_ONLY |
				  WGC_PEER_F_REPLACE_ALLOWEDIPS) &&
		   k22->num_allowedips == 1 &&
		   ntohs(k22->endpoint.addr4.sin_port) == 2 &&
		   !k22->has_preshared_key && !k22->has_keepalive,
		   "k22's update is wrong");

	ret = sync_against(canonical,
			   "[Interface]\nPrivateKey = " ALICE_PRIV "\nFwMark=42\n"
			   "[Peer]\nPublicKey = " KEY_22 "\nAllowedIPs = 255.255.255.255/32, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n");
	unit_check("conf/sync-port-zero-keeps-the-bound-port-and-endpoint-left-out-is-kept",
		   !ret && !diff.set_listen_port && diff.peers.count == 2 &&
		   diff_peer(0)->flags == WGC_PEER_F_REMOVE_ME &&
		   diff_peer(1)->flags == WGC_PEER_F_REMOVE_ME,
		   "ret=%d count=%zu", ret, diff.peers.count);

	ret = sync_against(canonical, "[Interface]\nListenPort = 1\n");
	unit_check("conf/sync-removes-key-and-all-peers", !ret &&
		   diff.set_private_key && key_is_zero(diff.private_key) &&
		   diff.set_listen_port && diff.listen_port == 1 &&
		   diff.peers.count == 3, "ret=%d", ret);
}

int main(void)
{
	unit_init();
	test_round_trip();
	test_print_empty();
	test_relaxed_syntax();
	test_modes();
	test_incremental();
	test_endpoints();
	test_errors();
	test_nul_byte();
	test_warnings();
	test_many_peers();
	test_read_file();
	test_sync_same();
	test_sync_changes();
	wgctl_device_free(&change);
	wgctl_device_free(&diff);
	wgctl_device_free(&cur);
	free(err_text);
	return unit_exit();
}
