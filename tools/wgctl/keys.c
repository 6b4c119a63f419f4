// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl genkey, genpsk and pubkey.
 *
 * Keys are written with write(2) rather than stdio so that no copy is left
 * behind in a stdio buffer we cannot wipe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "encoding.h"
#include "keys.h"
#include "wgctl.h"

/* Fill key from the kernel's CSPRNG. Returns 0 or -errno. */
int keys_random(uint8_t key[WGC_KEY_LEN])
{
	size_t done = 0;
	ssize_t n;

	/* Requests this small do not come back short, but be safe. */
	while (done < WGC_KEY_LEN) {
		n = getrandom(key + done, WGC_KEY_LEN - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Curve25519 scalar clamping (RFC 7748 section 5): clear the cofactor
 * bits, clear bit 255 and set bit 254. The kernel clamps again anyway, but
 * a printed key that is already clamped reads the same everywhere.
 */
void keys_clamp(uint8_t key[WGC_KEY_LEN])
{
	key[0] &= 248;
	key[31] &= 127;
	key[31] |= 64;
}

int keys_generate_private(uint8_t key[WGC_KEY_LEN])
{
	int ret = keys_random(key);

	if (!ret)
		keys_clamp(key);
	return ret;
}

/* The public key is the private scalar times the base point, X25519. */
int keys_public_from_private(uint8_t pub[WGC_KEY_LEN],
			     const uint8_t priv[WGC_KEY_LEN])
{
	if (sodium_init() < 0)
		return -EIO;
	return crypto_scalarmult_curve25519_base(pub, priv) ? -EINVAL : 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Print key as base64 and a newline on stdout. */
static int print_key(const uint8_t key[WGC_KEY_LEN])
{
	char line[WGC_KEY_B64_LEN + 2];
	int ret;

	key_to_base64(line, key);
	line[WGC_KEY_B64_LEN] = '\n';
	ret = write_all(STDOUT_FILENO, line, WGC_KEY_B64_LEN + 1);
	sodium_memzero(line, sizeof(line));
	if (ret)
		fprintf(stderr, "%s: Unable to write key: %s\n", PROG_NAME,
			strerror(-ret));
	return ret;
}

/* Redirecting a fresh key into a file anyone can read defeats the point. */
static void warn_if_exposed_stdout(void)
{
	struct stat st;

	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0077))
		fputs("Warning: writing to world accessible file.\n"
		      "Consider setting the umask to 077 and trying again.\n",
		      stderr);
}

static int no_args_usage(int argc, char *argv[])
{
	FILE *out = stderr;

	if (argc == 1)
		return -1;
	if (argc == 2 && is_help_arg(argv[1]))
		out = stdout;
	fprintf(out, "Usage: %s %s\n", PROG_NAME, argv[0]);
	return out == stdout ? 0 : 1;
}

static int generate_main(int argc, char *argv[], bool clamp)
{
	uint8_t key[WGC_KEY_LEN];
	int ret;

	ret = no_args_usage(argc, argv);
	if (ret >= 0)
		return ret;

	ret = clamp ? keys_generate_private(key) : keys_random(key);
	if (ret) {
		fprintf(stderr, "%s: Unable to generate random key: %s\n",
			PROG_NAME, strerror(-ret));
		return 1;
	}
	warn_if_exposed_stdout();
	ret = print_key(key);
	sodium_memzero(key, sizeof(key));
	return ret ? 1 : 0;
}

int genkey_main(int argc, char *argv[])
{
	return generate_main(argc, argv, true);
}

int genpsk_main(int argc, char *argv[])
{
	return generate_main(argc, argv, false);
}

int pubkey_main(int argc, char *argv[])
{
	uint8_t priv[WGC_KEY_LEN], pub[WGC_KEY_LEN];
	char text[KEY_TEXT_MAX];
	ssize_t len;
	int ret;

	ret = no_args_usage(argc, argv);
	if (ret >= 0)
		return ret;

	len = config_read_fd(STDIN_FILENO, text, sizeof(text));
	if (len < 0 && len != -EFBIG) {
		fprintf(stderr, "%s: Unable to read private key: %s\n",
			PROG_NAME, strerror((int)-len));
		return 1;
	}
	ret = 1;
	if (len < 0 || !key_from_text(priv, text, (size_t)len)) {
		fprintf(stderr, "%s: Key is not the correct length or format\n",
			PROG_NAME);
		goto out;
	}
	if (keys_public_from_private(pub, priv)) {
		fprintf(stderr, "%s: Unable to compute public key\n",
			PROG_NAME);
		goto out;
	}
	ret = print_key(pub) ? 1 : 0;
out:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(priv, sizeof(priv));
	sodium_memzero(pub, sizeof(pub));
	return ret;
}
