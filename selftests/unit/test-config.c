// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/config.c: listen-port and fwmark parsing and
 * private key files, using files in a private temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

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
		{ "off", 0 }, { "0", 0 }, { "1", 1 }, { "0x10", 16 },
		{ "0X10", 16 }, { "16", 16 }, { "010", 8 },
		{ "0xffffffff", 0xffffffffLL }, { "4294967295", 0xffffffffLL },
		{ "", -1 }, { "-1", -1 }, { "0x100000000", -1 },
		{ "4294967296", -1 }, { "12a", -1 }, { "0x", -1 }, { "08", -1 },
		{ "OFF", -1 }, { "off ", -1 }, { " 1", -1 }, { "+1", -1 },
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
	cleanup();
	return unit_exit();
}
