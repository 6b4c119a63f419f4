// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/config.c: listen-port and fwmark parsing,
 * key files (in a private temporary directory), and the peer values:
 * keepalive intervals, allowed IPs, endpoints (resolved by a stand-in
 * for getaddrinfo() to play out retries, or numeric, so no network).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"
#include "wgctl.h"

static const char alice_b64[] = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
static char tmpdir[256];

static void test_port(void)
{
	static const struct {
		const char *in;
		long want;	/* -1: must be rejected */
	} cases[] = {
		{ "0", 0 }, { "1", 1 }, { "51820", 51820 }, { "65535", 65535 },
		{ "00080", 80 },
		{ "65536", -1 }, { "70000", -1 }, { "-1", -1 }, { "", -1 },
		{ "12a", -1 }, { "0x10", -1 }, { " 1", -1 }, { "1 ", -1 },
		{ "+1", -1 }, { "1.0", -1 }, { "domain", -1 },
		{ "99999999999999999999999", -1 }, { "18446744073709551617", -1 },
	};
	char name[96];
	uint16_t port;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		port = 4242;
		ok = config_parse_port(cases[i].in, &port);
		snprintf(name, sizeof(name), "config/port-%s-\"%s\"",
			 cases[i].want < 0 ? "reject" : "accept", cases[i].in);
		if (cases[i].want < 0)
			unit_check(name, !ok && port == 4242, "accepted as %u",
				   port);
		else
			unit_check(name, ok && port == cases[i].want,
				   "ok=%d port=%u", ok, port);
	}
}

static void test_fwmark(void)
{
	static const struct {
		const char *in;
		long long want;	/* -1: must be rejected */
	} cases[] = {
		{ "off", 0 }, { "OFF", 0 }, { "Off", 0 }, { "0", 0 },
		{ "1", 1 }, { "0x10", 16 }, { "16", 16 }, { "010", 10 },
		{ "08", 8 }, { "0xffffffff", 0xffffffffLL },
		{ "4294967295", 0xffffffffLL },
		{ "", -1 }, { "-1", -1 }, { "0x100000000", -1 },
		{ "4294967296", -1 }, { "12a", -1 }, { "0x", -1 }, { "0X10", -1 },
		{ "off ", -1 }, { " 1", -1 }, { "+1", -1 },
		{ "0x-1", -1 }, { "none", -1 },
		{ "99999999999999999999999", -1 },
	};
	char name[96];
	uint32_t mark;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mark = 4242;
		ok = config_parse_fwmark(cases[i].in, &mark);
		snprintf(name, sizeof(name), "config/fwmark-%s-\"%s\"",
			 cases[i].want < 0 ? "reject" : "accept", cases[i].in);
		if (cases[i].want < 0)
			unit_check(name, !ok && mark == 4242,
				   "accepted as 0x%x", mark);
		else
			unit_check(name, ok && mark == cases[i].want,
				   "ok=%d mark=0x%x", ok, mark);
	}
}

/* Write a file in tmpdir with the given content and mode; return path. */
static const char *make_file(const char *name, const void *data, size_t len,
			     mode_t mode)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
	chmod(path, mode);
	return path;
}

static bool is_alice(const uint8_t key[WGC_KEY_LEN])
{
	return key[0] == 0x77 && key[1] == 0x07 && key[31] == 0x2a;
}

static bool is_zero(const uint8_t key[WGC_KEY_LEN])
{
	for (int i = 0; i < WGC_KEY_LEN; i++)
		if (key[i])
			return false;
	return true;
}

static void check_good_file(const char *name, const char *content,
			    size_t len)
{
	uint8_t key[WGC_KEY_LEN] = { 0 };
	const char *path = make_file(name, content, len, 0600);
	bool exposed = true;
	int ret = config_read_key_file(path, key, &exposed);

	unit_check(name, !ret && is_alice(key) && !exposed,
		   "ret=%d exposed=%d", ret, exposed);
}

static void check_bad_file(const char *name, const char *content,
			   size_t len)
{
	uint8_t key[WGC_KEY_LEN];
	const char *path = make_file(name, content, len, 0600);
	int ret = config_read_key_file(path, key, NULL);

	unit_check(name, ret == -EBADMSG, "ret=%d", ret);
}

static void test_key_files(void)
{
	char text[8192];
	uint8_t key[WGC_KEY_LEN];
	const char *path;
	bool exposed;
	int ret;

	snprintf(text, sizeof(text), "%s\n", alice_b64);
	check_good_file("config/keyfile-newline", text, strlen(text));
	check_good_file("config/keyfile-no-newline", alice_b64, 44);
	snprintf(text, sizeof(text), "%s\r\n", alice_b64);
	check_good_file("config/keyfile-crlf", text, strlen(text));
	snprintf(text, sizeof(text), "%s \t\n\n\n", alice_b64);
	check_good_file("config/keyfile-trailing-whitespace", text,
			strlen(text));

	path = make_file("config/keyfile-empty", "", 0, 0600);
	memset(key, 0xaa, sizeof(key));
	ret = config_read_key_file(path, key, NULL);
	unit_check("config/keyfile-empty-is-zero-key", !ret && is_zero(key),
		   "ret=%d", ret);
	memset(key, 0xaa, sizeof(key));
	ret = config_read_key_file("/dev/null", key, &exposed);
	unit_check("config/keyfile-dev-null-is-zero-key",
		   !ret && is_zero(key) && !exposed, "ret=%d", ret);

	check_bad_file("config/keyfile-only-newline", "\n", 1);
	snprintf(text, sizeof(text), " %s\n", alice_b64);
	check_bad_file("config/keyfile-leading-space", text, strlen(text));
	snprintf(text, sizeof(text), "%s junk\n", alice_b64);
	check_bad_file("config/keyfile-trailing-junk", text, strlen(text));
	snprintf(text, sizeof(text), "%s\n%s\n", alice_b64, alice_b64);
	check_bad_file("config/keyfile-two-keys", text, strlen(text));
	check_bad_file("config/keyfile-43-chars", alice_b64, 43);
	check_bad_file("config/keyfile-junk", "hello world\n", 12);
	check_bad_file("config/keyfile-nul", "\0\0\0\0", 4);
	/* Larger than we are willing to read at all. */
	memset(text, 'A', sizeof(text));
	check_bad_file("config/keyfile-huge", text, sizeof(text));
	/* Exactly at the limit, all whitespace after the key: still a key. */
	memset(text, '\n', KEY_TEXT_MAX);
	memcpy(text, alice_b64, 44);
	check_good_file("config/keyfile-at-limit", text, KEY_TEXT_MAX);
	text[KEY_TEXT_MAX] = '\n';
	check_bad_file("config/keyfile-over-limit", text, KEY_TEXT_MAX + 1);

	snprintf(text, sizeof(text), "%s\n", alice_b64);
	path = make_file("config-keyfile-mode-0640", text, 45, 0640);
	ret = config_read_key_file(path, key, &exposed);
	unit_check("config/keyfile-group-readable-warns", !ret && exposed,
		   "ret=%d exposed=%d", ret, exposed);
	path = make_file("config-keyfile-mode-0604", text, 45, 0604);
	ret = config_read_key_file(path, key, &exposed);
	unit_check("config/keyfile-other-readable-warns", !ret && exposed,
		   "ret=%d exposed=%d", ret, exposed);
	path = make_file("config-keyfile-mode-0400", text, 45, 0400);
	ret = config_read_key_file(path, key, &exposed);
	unit_check("config/keyfile-owner-only-quiet", !ret && !exposed,
		   "ret=%d exposed=%d", ret, exposed);

	snprintf(text, sizeof(text), "%s/does-not-exist", tmpdir);
	ret = config_read_key_file(text, key, NULL);
	unit_check("config/keyfile-missing", ret == -ENOENT, "ret=%d", ret);
	ret = config_read_key_file(tmpdir, key, NULL);
	unit_check("config/keyfile-directory", ret == -EISDIR, "ret=%d", ret);
}

/* What bash's <(echo ...) hands us: a /dev/fd/N path onto a pipe. */
static void test_key_pipe(void)
{
	uint8_t key[WGC_KEY_LEN] = { 0 };
	char path[64], text[64];
	bool exposed = true;
	int fds[2], ret;

	if (pipe(fds)) {
		unit_check("config/keyfile-pipe", false, "pipe: %m");
		return;
	}
	snprintf(text, sizeof(text), "%s\n", alice_b64);
	if (write(fds[1], text, strlen(text)) != (ssize_t)strlen(text))
		ret = -EIO;
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	ret = config_read_key_file(path, key, &exposed);
	close(fds[0]);
	unit_check("config/keyfile-pipe", !ret && is_alice(key) && !exposed,
		   "ret=%d exposed=%d", ret, exposed);
}

static void test_read_fd(void)
{
	char buf[16];
	int fds[2];
	ssize_t n;

	if (pipe(fds))
		return;
	n = write(fds[1], "0123456789abcdef", 16);
	close(fds[1]);
	n = config_read_fd(fds[0], buf, sizeof(buf));
	close(fds[0]);
	unit_check("config/read-fd-exactly-full", n == 16, "got %zd", n);

	if (pipe(fds))
		return;
	n = write(fds[1], "0123456789abcdefX", 17);
	close(fds[1]);
	n = config_read_fd(fds[0], buf, sizeof(buf));
	close(fds[0]);
	unit_check("config/read-fd-overflow", n == -EFBIG, "got %zd", n);
}


/* ---- Peer values ---- */

static void test_keepalive(void)
{
	static const struct {
		const char *in;
		long want;	/* -1: must be rejected */
	} cases[] = {
		{ "off", 0 }, { "OFF", 0 }, { "Off", 0 }, { "0", 0 },
		{ "1", 1 }, { "25", 25 }, { "010", 10 }, { "65535", 65535 },
		{ "65536", -1 }, { "-1", -1 }, { "", -1 }, { " 1", -1 },
		{ "1 ", -1 }, { "+1", -1 }, { "0x10", -1 }, { "25s", -1 },
		{ "of", -1 }, { "offf", -1 }, { "99999999999999999999", -1 },
	};
	char name[96];
	uint16_t v;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 4242;
		ok = config_parse_keepalive(cases[i].in, &v);
		snprintf(name, sizeof(name), "config/keepalive-%s-\"%s\"",
			 cases[i].want < 0 ? "reject" : "accept", cases[i].in);
		if (cases[i].want < 0)
			unit_check(name, !ok && v == 4242, "accepted as %u", v);
		else
			unit_check(name, ok && v == cases[i].want,
				   "ok=%d v=%u", ok, v);
	}
}

/* "addr/cidr" as parsed, or NULL if it must be refused with reason. */
static void check_allowedip(const char *in, const char *want_addr,
			    int want_cidr, const char *reason)
{
	struct wgctl_allowedip aip, want = { 0 };
	char name[128], why[128] = "";
	bool ok = config_parse_allowedip(in, &aip, why, sizeof(why));

	snprintf(name, sizeof(name), "config/allowedip-%s-\"%s\"",
		 want_addr ? "accept" : "reject", in);
	if (!want_addr) {
		unit_check(name, !ok && strstr(why, reason), "ok=%d why=%s",
			   ok, why);
		return;
	}
	want.family = strchr(want_addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(want.family, want_addr, &want.ip6);
	want.cidr = (uint8_t)want_cidr;
	unit_check(name, ok && !memcmp(&aip, &want, sizeof(want)),
		   "ok=%d why=%s cidr=%u", ok, why, aip.cidr);
}

static void test_allowedip(void)
{
	check_allowedip("10.0.0.0/8", "10.0.0.0", 8, NULL);
	check_allowedip("10.1.2.3", "10.1.2.3", 32, NULL);
	check_allowedip("0.0.0.0/0", "0.0.0.0", 0, NULL);
	check_allowedip("255.255.255.255/32", "255.255.255.255", 32, NULL);
	check_allowedip("10.1.2.3/08", "10.1.2.3", 8, NULL);
	check_allowedip("::/0", "::", 0, NULL);
	check_allowedip("fd00::1", "fd00::1", 128, NULL);
	check_allowedip("2001:db8::/128", "2001:db8::", 128, NULL);
	check_allowedip("::ffff:1.2.3.4/96", "::ffff:1.2.3.4", 96, NULL);
	check_allowedip("10.0.0.0/33", NULL, 0, "prefix length must be 0 to 32");
	check_allowedip("::/129", NULL, 0, "prefix length must be 0 to 128");
	check_allowedip("10.0.0.0/", NULL, 0, "prefix length");
	check_allowedip("10.0.0.0/-1", NULL, 0, "prefix length");
	check_allowedip("10.0.0.0/+8", NULL, 0, "prefix length");
	check_allowedip("10.0.0.0/8/8", NULL, 0, "prefix length");
	check_allowedip("10.0.0.0/0x8", NULL, 0, "prefix length");
	check_allowedip("10.0.0.0/99999999999999999999", NULL, 0,
			"prefix length");
	check_allowedip("/8", NULL, 0, "missing address");
	check_allowedip("", NULL, 0, "missing address");
	check_allowedip("1.2.3/8", NULL, 0, "not an IPv4 or IPv6 address");
	check_allowedip("1.2.3.256", NULL, 0, "not an IPv4 or IPv6 address");
	check_allowedip("010.1.2.3", NULL, 0, "not an IPv4 or IPv6 address");
	check_allowedip("example.com/32", NULL, 0, "not an IPv4");
	check_allowedip(":::/64", NULL, 0, "not an IPv4 or IPv6 address");
	check_allowedip("fe80::1%eth0/64", NULL, 0,
			"IPv6 zone ids are not supported");
	check_allowedip("fe80::1%1", NULL, 0, "zone ids");
	check_allowedip("1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
			NULL, 0, "not an IPv4 or IPv6 address");
}

static void test_allowedips_list(void)
{
	struct wgctl_peer peer = { 0 };
	char why[128] = "";
	bool ok;

	ok = config_parse_allowedips(" 10.0.0.0/8,\tfd00::/64 , 1.2.3.4\n",
				     &peer, why, sizeof(why));
	unit_check("config/allowedips-list-spaces", ok &&
		   peer.num_allowedips == 3 && peer.allowedips[0].cidr == 8 &&
		   peer.allowedips[1].family == AF_INET6 &&
		   peer.allowedips[2].cidr == 32, "ok=%d why=%s n=%zu", ok,
		   why, peer.num_allowedips);
	ok = config_parse_allowedips("", &peer, why, sizeof(why));
	unit_check("config/allowedips-empty-adds-nothing",
		   ok && peer.num_allowedips == 3, "ok=%d", ok);
	ok = config_parse_allowedips("   ", &peer, why, sizeof(why));
	unit_check("config/allowedips-blank-adds-nothing",
		   ok && peer.num_allowedips == 3, "ok=%d", ok);
	ok = config_parse_allowedips("10.0.0.0/8,,10.0.0.1", &peer, why,
				     sizeof(why));
	unit_check("config/allowedips-empty-entry", !ok &&
		   !strcmp(why, "`10.0.0.0/8,,10.0.0.1': empty entry in the list"),
		   "ok=%d why=%s", ok, why);
	ok = config_parse_allowedips(",", &peer, why, sizeof(why));
	unit_check("config/allowedips-lone-comma", !ok, "ok=%d", ok);
	ok = config_parse_allowedips("10.0.0.0/8, 10.0.0.1/33", &peer, why,
				     sizeof(why));
	unit_check("config/allowedips-names-bad-entry", !ok &&
		   !strcmp(why, "`10.0.0.1/33': prefix length must be 0 to 32"),
		   "why=%s", why);
	free(peer.allowedips);
}

/* Whether entry i of peer is addr/cidr with flags. */
static bool entry_is(const struct wgctl_peer *peer, size_t i, const char *addr,
		     unsigned int cidr, uint32_t flags)
{
	struct wgctl_allowedip want = { 0 };

	if (i >= peer->num_allowedips)
		return false;
	want.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(want.family, addr, &want.ip6);
	want.cidr = (uint8_t)cidr;
	want.flags = flags;
	return !memcmp(&peer->allowedips[i], &want, sizeof(want));
}

/* Parse each list in turn into a fresh peer; the last one's result. */
static bool parse_lists(struct wgctl_peer *peer, uint32_t start_flags,
			const char *const lists[], char *why, size_t why_size)
{
	bool ok = true;

	free(peer->allowedips);
	memset(peer, 0, sizeof(*peer));
	peer->flags = start_flags;
	why[0] = '\0';
	for (; ok && *lists; lists++)
		ok = config_parse_allowedips(*lists, peer, why, why_size);
	return ok;
}

#define REPLACE WGC_PEER_F_REPLACE_ALLOWEDIPS
#define REMOVE WGC_ALLOWEDIP_F_REMOVE_ME
#define LISTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Entries marked `+' and `-': incremental lists, as wg(8) 1.0.20250521. */
static void test_allowedips_marks(void)
{
	struct wgctl_peer peer = { 0 };
	char why[256];
	bool ok;

	ok = parse_lists(&peer, 0, LISTS("+10.0.0.0/24,-10.1.0.0/24"), why,
			 sizeof(why));
	unit_check("config/allowedips-marks-flags", ok &&
		   peer.num_allowedips == 2 &&
		   entry_is(&peer, 0, "10.0.0.0", 24, 0) &&
		   entry_is(&peer, 1, "10.1.0.0", 24, REMOVE) &&
		   !(peer.flags & REPLACE) &&
		   config_allowedips_incremental(&peer),
		   "ok=%d why=%s n=%zu flags=%#x", ok, why, peer.num_allowedips,
		   peer.flags);

	/* A bare entry in a marked list is added, as with `+'. */
	ok = parse_lists(&peer, 0, LISTS("10.0.0.0/24, -fd00::/64"), why,
			 sizeof(why));
	unit_check("config/allowedips-marks-bare-entry-adds", ok &&
		   entry_is(&peer, 0, "10.0.0.0", 24, 0) &&
		   entry_is(&peer, 1, "fd00::", 64, REMOVE) &&
		   !(peer.flags & REPLACE), "ok=%d why=%s", ok, why);

	/* Whitespace goes wherever it is, as everywhere in a list. */
	ok = parse_lists(&peer, 0, LISTS(" + 10.0.0.0/8 ,\t- fd00::1 \n"),
			 why, sizeof(why));
	unit_check("config/allowedips-marks-spaces", ok &&
		   entry_is(&peer, 0, "10.0.0.0", 8, 0) &&
		   entry_is(&peer, 1, "fd00::1", 128, REMOVE) &&
		   !(peer.flags & REPLACE), "ok=%d why=%s", ok, why);

	/* The [Peer] section sets the flag first; a mark still clears it. */
	ok = parse_lists(&peer, REPLACE, LISTS("+10.0.0.0/8"), why,
			 sizeof(why));
	unit_check("config/allowedips-marks-clear-section-replace", ok &&
		   !(peer.flags & REPLACE), "ok=%d flags=%#x", ok, peer.flags);

	/* Without marks: replace, as before, however many lists. */
	ok = parse_lists(&peer, 0, LISTS("10.0.0.0/8", "fd00::/8", ""), why,
			 sizeof(why));
	unit_check("config/allowedips-bare-lists-replace", ok &&
		   peer.num_allowedips == 2 && (peer.flags & REPLACE) &&
		   entry_is(&peer, 1, "fd00::", 8, 0) &&
		   !config_allowedips_incremental(&peer), "ok=%d why=%s", ok,
		   why);

	/* A bare list before a marked one: all incremental, as wg(8). */
	ok = parse_lists(&peer, 0, LISTS("10.0.0.0/8", "-10.1.0.0/16"), why,
			 sizeof(why));
	unit_check("config/allowedips-bare-then-marked", ok &&
		   !(peer.flags & REPLACE) &&
		   entry_is(&peer, 0, "10.0.0.0", 8, 0) &&
		   entry_is(&peer, 1, "10.1.0.0", 16, REMOVE), "ok=%d why=%s",
		   ok, why);
	ok = parse_lists(&peer, 0, LISTS("+10.0.0.0/8", "-10.1.0.0/16"), why,
			 sizeof(why));
	unit_check("config/allowedips-marked-twice", ok &&
		   peer.num_allowedips == 2 && !(peer.flags & REPLACE),
		   "ok=%d why=%s", ok, why);

	/* ...but not after one: wg(8) would replace the whole list again. */
	ok = parse_lists(&peer, 0, LISTS("+10.0.0.0/8", "10.1.0.0/16"), why,
			 sizeof(why));
	unit_check("config/allowedips-marked-then-bare", !ok && !strcmp(why,
		   "a list with no `+' or `-' entry replaces the peer's allowed IPs, so it may not follow one with such entries (mark entries to add with `+')"),
		   "ok=%d why=%s", ok, why);
	ok = parse_lists(&peer, REPLACE, LISTS("-10.0.0.0/8", " "), why,
			 sizeof(why));
	unit_check("config/allowedips-marked-then-empty", !ok && !strcmp(why,
		   "an empty list removes all of the peer's allowed IPs, so it may not follow one with `+' or `-' entries"),
		   "ok=%d why=%s", ok, why);
	free(peer.allowedips);
}

/* A mark needs exactly one address after it. */
static void test_allowedips_bad_marks(void)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
		{ "+", "`+': no address after `+'" },
		{ "-", "`-': no address after `-'" },
		{ " - ", "`-': no address after `-'" },
		{ "+,", "`+': no address after `+'" },
		{ "10.0.0.0/8,-", "`-': no address after `-'" },
		{ "-10.0.0.0/8,", "`-10.0.0.0/8,': empty entry in the list" },
		{ ",+10.0.0.0/8", "`,+10.0.0.0/8': empty entry in the list" },
		{ "+10.0.0.0/8,,-10.1.0.0/16",
		  "`+10.0.0.0/8,,-10.1.0.0/16': empty entry in the list" },
		{ "--10.0.0.0/8", "`--10.0.0.0/8': more than one `+' or `-'" },
		{ "++10.0.0.0/8", "`++10.0.0.0/8': more than one `+' or `-'" },
		{ "+-10.0.0.0/8", "`+-10.0.0.0/8': more than one `+' or `-'" },
		{ "- -fd00::/8", "`--fd00::/8': more than one `+' or `-'" },
		{ "-/8", "`/8': missing address" },
		{ "-10.0.0.0/33", "`10.0.0.0/33': prefix length must be 0 to 32" },
		{ "10.0.0.0/8-", "`10.0.0.0/8-': prefix length must be 0 to 32" },
		{ "10.0.0.0-/8", "`10.0.0.0-': not an IPv4 or IPv6 address" },
		{ "*10.0.0.0/8", "`*10.0.0.0': not an IPv4 or IPv6 address" },
	};
	struct wgctl_peer peer = { 0 };
	char name[96], why[256];
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ok = parse_lists(&peer, 0, LISTS(cases[i].in), why,
				 sizeof(why));
		snprintf(name, sizeof(name), "config/allowedips-reject-\"%s\"",
			 cases[i].in);
		unit_check(name, !ok && !strcmp(why, cases[i].why),
			   "ok=%d why=%s", ok, why);
	}
	free(peer.allowedips);
}

static void test_host_bits(void)
{
	static const struct {
		const char *in;
		bool host_bits;
	} cases[] = {
		{ "10.0.0.0/8", false }, { "10.1.0.0/8", true },
		{ "10.1.2.3/32", false }, { "10.1.2.3/31", true },
		{ "10.1.2.2/31", false }, { "0.0.0.0/0", false },
		{ "1.0.0.0/0", true }, { "fd00::/8", false },
		{ "fc00::/7", false }, { "fd00::/7", true },
		{ "2001:db8::1/64", true }, { "2001:db8::1/128", false },
		{ "::/0", false },
	};
	struct wgctl_allowedip aip;
	char name[96];
	size_t i;
	bool got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		config_parse_allowedip(cases[i].in, &aip, NULL, 0);
		got = config_allowedip_has_host_bits(&aip);
		snprintf(name, sizeof(name), "config/host-bits-\"%s\"",
			 cases[i].in);
		unit_check(name, got == cases[i].host_bits, "got %d", got);
	}
}

static void test_retries(void)
{
	int r = 0;

	unit_check("config/retries-unset", config_parse_retries(NULL, &r) &&
		   r == CONFIG_RESOLVE_RETRIES, "r=%d", r);
	unit_check("config/retries-number", config_parse_retries("3", &r) &&
		   r == 3, "r=%d", r);
	unit_check("config/retries-zero", config_parse_retries("0", &r) &&
		   r == 0, "r=%d", r);
	unit_check("config/retries-infinity",
		   config_parse_retries("infinity", &r) && r == -1, "r=%d", r);
	unit_check("config/retries-reject-negative",
		   !config_parse_retries("-1", &r), "accepted");
	unit_check("config/retries-reject-junk",
		   !config_parse_retries("lots", &r), "accepted");
	unit_check("config/retries-reject-huge",
		   !config_parse_retries("2147483648", &r), "accepted");
}

/*
 * A stand-in for getaddrinfo(): fails with the next code of a script,
 * then answers with the address in fake_answer, and counts its calls and
 * the pauses asked for in between.
 */
static const int *fake_script;
static size_t fake_calls, fake_pauses;
static unsigned int fake_delays[64];
static struct sockaddr_in6 fake_answer;
static socklen_t fake_answer_len;

static int fake_resolve(const char *host, const char *port,
			const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo *ai;
	int code = fake_script[fake_calls++];

	(void)host;
	(void)port;
	(void)hints;
	if (code)
		return code;
	ai = calloc(1, sizeof(*ai) + sizeof(fake_answer));
	ai->ai_family = ((struct sockaddr *)&fake_answer)->sa_family;
	ai->ai_addrlen = fake_answer_len;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	memcpy(ai->ai_addr, &fake_answer, fake_answer_len);
	*res = ai;
	return 0;
}

static void fake_release(struct addrinfo *res)
{
	free(res);
}

static void fake_pause(unsigned int usec)
{
	if (fake_pauses < 64)
		fake_delays[fake_pauses] = usec;
	fake_pauses++;
}

static enum config_endpoint_result resolve_with(const int *script,
						int retries,
						union wgctl_endpoint *ep,
						char *why, size_t why_size)
{
	struct config_resolver r = {
		.resolve = fake_resolve,
		.release = fake_release,
		.pause = fake_pause,
		.retries = retries,
	};
	enum config_endpoint_result res;
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	fake_script = script;
	fake_calls = fake_pauses = 0;
	/* The "Trying again" lines are not what is being tested here. */
	dup2(null, STDERR_FILENO);
	res = config_parse_endpoint("host.example:51820", ep, &r, why,
				    why_size);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	return res;
}

static void fake_answer_v4(void)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&fake_answer;

	memset(&fake_answer, 0, sizeof(fake_answer));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.7", &sin->sin_addr);
	fake_answer_len = sizeof(*sin);
}

static void test_resolve_retries(void)
{
	static const int again_twice[] = { EAI_AGAIN, EAI_AGAIN, 0 };
	static const int noname[] = { EAI_NONAME, 0 };
	static const int fail_hard[] = { EAI_FAIL, 0 };
	static const int always_again[] = {
		EAI_AGAIN, EAI_AGAIN, EAI_AGAIN, EAI_AGAIN, 0,
	};
	int many[40];
	union wgctl_endpoint ep;
	char why[128];
	enum config_endpoint_result res;
	size_t i;

	fake_answer_v4();
	res = resolve_with(again_twice, 15, &ep, why, sizeof(why));
	unit_check("config/resolve-retries-transient", res == ENDPOINT_OK &&
		   fake_calls == 3 && fake_pauses == 2 &&
		   fake_delays[0] == 1000000 && fake_delays[1] == 1200000 &&
		   ep.addr4.sin_family == AF_INET &&
		   ntohs(ep.addr4.sin_port) == 51820,
		   "res=%d calls=%zu pauses=%zu", res, fake_calls, fake_pauses);

	res = resolve_with(noname, 15, &ep, why, sizeof(why));
	unit_check("config/resolve-no-retry-on-noname",
		   res == ENDPOINT_UNRESOLVED && fake_calls == 1 &&
		   !fake_pauses && !strcmp(why, gai_strerror(EAI_NONAME)) &&
		   !ep.addr.sa_family, "res=%d calls=%zu why=%s", res,
		   fake_calls, why);

	res = resolve_with(fail_hard, 15, &ep, why, sizeof(why));
	unit_check("config/resolve-no-retry-on-fail",
		   res == ENDPOINT_UNRESOLVED && fake_calls == 1,
		   "res=%d calls=%zu", res, fake_calls);

	res = resolve_with(always_again, 2, &ep, why, sizeof(why));
	unit_check("config/resolve-gives-up-after-retries",
		   res == ENDPOINT_UNRESOLVED && fake_calls == 3 &&
		   fake_pauses == 2 && !strcmp(why, gai_strerror(EAI_AGAIN)),
		   "res=%d calls=%zu", res, fake_calls);

	res = resolve_with(always_again, 0, &ep, why, sizeof(why));
	unit_check("config/resolve-zero-retries", res == ENDPOINT_UNRESOLVED &&
		   fake_calls == 1 && !fake_pauses, "calls=%zu", fake_calls);

	/* "infinity": keeps going; the wait grows by 20% up to 20 s. */
	for (i = 0; i < 39; i++)
		many[i] = EAI_AGAIN;
	many[39] = 0;
	res = resolve_with(many, -1, &ep, why, sizeof(why));
	unit_check("config/resolve-infinity", res == ENDPOINT_OK &&
		   fake_calls == 40 && fake_delays[1] == 1200000 &&
		   fake_delays[2] == 1440000 && fake_delays[38] == 20000000,
		   "res=%d calls=%zu last delay=%u", res, fake_calls,
		   fake_delays[38]);
}

/* A name that resolves to a link-local address with a scope is refused. */
static void test_resolve_scoped(void)
{
	static const int ok_now[] = { 0 };
	union wgctl_endpoint ep;
	char why[128];
	enum config_endpoint_result res;

	memset(&fake_answer, 0, sizeof(fake_answer));
	fake_answer.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fe80::1", &fake_answer.sin6_addr);
	fake_answer.sin6_scope_id = 2;
	fake_answer_len = sizeof(fake_answer);
	res = resolve_with(ok_now, 15, &ep, why, sizeof(why));
	unit_check("config/resolve-scoped-refused", res == ENDPOINT_INVALID &&
		   strstr(why, "zone ids") && !ep.addr.sa_family,
		   "res=%d why=%s", res, why);

	fake_answer.sin6_scope_id = 0;
	res = resolve_with(ok_now, 15, &ep, why, sizeof(why));
	unit_check("config/resolve-v6", res == ENDPOINT_OK &&
		   ep.addr6.sin6_family == AF_INET6, "res=%d why=%s", res,
		   why);
}

/* The real getaddrinfo(), on numeric addresses only: no network needed. */
static void test_endpoint_syntax(void)
{
	static const struct {
		const char *in;
		const char *reason;	/* NULL: accepted */
	} cases[] = {
		{ "192.0.2.1:51820", NULL },
		{ "[2001:db8::1]:0", NULL },
		{ "2001:db8::1:65535", NULL },
		{ "[192.0.2.1]:1", NULL },
		{ "192.0.2.1:65536", "is not a number from 0 to 65535" },
		{ "192.0.2.1:-1", "is not a number from 0 to 65535" },
		{ "192.0.2.1:0x10", "is not a number from 0 to 65535" },
		{ "192.0.2.1: 1", "is not a number from 0 to 65535" },
		{ "192.0.2.1", "missing `:<port>'" },
		{ "192.0.2.1:", "missing `:<port>'" },
		{ "[2001:db8::1]", "missing `:<port>' after `]'" },
		{ "[2001:db8::1]51820", "missing `:<port>' after `]'" },
		{ "[2001:db8::1:51820", "missing `]'" },
		{ "[]:1", "missing host" },
		{ ":1", "missing host" },
		{ "", "empty endpoint" },
		{ "[fe80::1%eth0]:1", "IPv6 zone ids are not supported" },
		{ "fe80::1%eth0:1", "IPv6 zone ids are not supported" },
		{ "[fe80::1%1]:1", "IPv6 zone ids are not supported" },
	};
	struct config_resolver r;
	union wgctl_endpoint ep;
	char name[96], why[128];
	enum config_endpoint_result res;
	size_t i;

	config_resolver_init(&r);
	r.retries = 0;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		res = config_parse_endpoint(cases[i].in, &ep, &r, why,
					    sizeof(why));
		snprintf(name, sizeof(name), "config/endpoint-%s-\"%s\"",
			 cases[i].reason ? "reject" : "accept", cases[i].in);
		if (cases[i].reason)
			unit_check(name, res == ENDPOINT_INVALID &&
				   strstr(why, cases[i].reason),
				   "res=%d why=%s", res, why);
		else
			unit_check(name, res == ENDPOINT_OK, "res=%d why=%s",
				   res, why);
	}
}

static void cleanup(void)
{
	char cmd[300];

	/* tmpdir came from mkdtemp(): no quoting surprises. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	char dir[300];

	unit_init();
	snprintf(tmpdir, sizeof(tmpdir), "%s/wgctl-unit.XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/config", tmpdir);
	mkdir(dir, 0700);

	test_port();
	test_fwmark();
	test_key_files();
	test_key_pipe();
	test_read_fd();
	test_keepalive();
	test_allowedip();
	test_allowedips_list();
	test_allowedips_marks();
	test_allowedips_bad_marks();
	test_host_bits();
	test_retries();
	test_resolve_retries();
	test_resolve_scoped();
	test_endpoint_syntax();
	cleanup();
	return unit_exit();
}
