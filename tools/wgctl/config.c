// SPDX-License-Identifier: GPL-2.0
/*
 * Value parsers for "wgctl set". They are strict on purpose: wg(8) wraps a
 * port of 65536 to 0 and strtoul() happily takes "-1", and a tunnel quietly
 * listening somewhere other than where the admin asked is worse than an
 * error message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "encoding.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal 0..65535 and nothing else: no sign, no spaces, no hex. */
bool config_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!is_digit(*s))
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		/* Stop before v can overflow on a very long string. */
		if (v > UINT16_MAX)
			return false;
	}
	*port = (uint16_t)v;
	return true;
}

/*
 * "off", or a number in strtoul() base-0 syntax (decimal, 0x hex, 0
 * octal) that fits 32 bits. strtoul() itself skips leading spaces and
 * negates "-1" into a huge value, so insist on a leading digit.
 */
bool config_parse_fwmark(const char *s, uint32_t *fwmark)
{
	unsigned long v;
	char *end;

	if (!strcmp(s, "off")) {
		*fwmark = 0;
		return true;
	}
	if (!is_digit(*s))
		return false;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*fwmark = (uint32_t)v;
	return true;
}

/*
 * Read everything from fd into buf. Returns the byte count, -EFBIG if
 * there is more than size bytes, or another -errno on a read error.
 */
ssize_t config_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char extra;
	ssize_t n;

	for (;;) {
		/* Once buf is full, probe for one more byte to spot overflow. */
		if (len < size)
			n = read(fd, buf + len, size - len);
		else
			n = read(fd, &extra, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)len;
		if (len == size)
			return -EFBIG;
		len += (size_t)n;
	}
}

/*
 * Read a private key file: a base64 key and optional trailing whitespace.
 * A completely empty file (e.g. /dev/null) yields the all-zero key, which
 * the kernel takes as "remove the key"; a file holding only a newline is
 * NOT empty, so that a forgotten shell variable cannot wipe the identity.
 *
 * Returns 0, -EBADMSG if the content is not a key, or -errno if the file
 * could not be read. *exposed (if given) tells whether it is a regular
 * file that group or others may read.
 */
int config_read_key_file(const char *path, uint8_t key[WGC_KEY_LEN],
			 bool *exposed)
{
	char text[KEY_TEXT_MAX];
	struct stat st;
	ssize_t len;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;

	if (exposed)
		/* 0044: readable by group or by others. */
		*exposed = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
			   (st.st_mode & 0044);

	len = config_read_fd(fd, text, sizeof(text));
	close(fd);

	if (len == -EFBIG)
		ret = -EBADMSG;
	else if (len < 0)
		ret = (int)len;
	else if (len == 0)
		memset(key, 0, WGC_KEY_LEN);
	else if (!key_from_text(key, text, (size_t)len))
		ret = -EBADMSG;

	sodium_memzero(text, sizeof(text));
	return ret;
}
