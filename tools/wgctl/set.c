// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl set <interface> [listen-port <port>] [fwmark <mark>]
 *                       [private-key <file path>]
 *
 * Every argument, key files included, is checked before the kernel hears
 * of anything: a half-applied command line is harder to reason about than
 * a refused one. As with wg(8), an option given twice takes its last value.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "set.h"
#include "wgctl.h"

static void set_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s set <interface> [listen-port <port>] [fwmark <mark>] [private-key <file path>]\n",
		PROG_NAME);
}

static int parse_private_key(const char *path,
			     struct wgc_device_change *change,
			     struct set_key_source *key_source)
{
	int ret;

	ret = config_read_key_file(path, change->private_key,
				   &key_source->exposed);
	if (ret == -EBADMSG) {
		fprintf(stderr,
			"%s: Key is not the correct length or format: `%s'\n",
			PROG_NAME, path);
		return -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: Unable to read private key file `%s': %s\n",
			PROG_NAME, path, strerror(-ret));
		return -1;
	}
	change->set_private_key = true;
	key_source->path = path;
	return 0;
}

static int parse_option(const char *opt, const char *value,
			struct wgc_device_change *change,
			struct set_key_source *key_source)
{
	if (!strcmp(opt, "listen-port")) {
		if (!config_parse_port(value, &change->listen_port)) {
			fprintf(stderr,
				"%s: Invalid listen port: `%s' (expected 0 to 65535)\n",
				PROG_NAME, value);
			return -1;
		}
		change->set_listen_port = true;
		return 0;
	}
	if (!strcmp(opt, "fwmark")) {
		if (!config_parse_fwmark(value, &change->fwmark)) {
			fprintf(stderr,
				"%s: Invalid fwmark: `%s' (expected `off' or 0 to 0xffffffff)\n",
				PROG_NAME, value);
			return -1;
		}
		change->set_fwmark = true;
		return 0;
	}
	return parse_private_key(value, change, key_source);
}

static bool known_option(const char *opt)
{
	return !strcmp(opt, "listen-port") || !strcmp(opt, "fwmark") ||
	       !strcmp(opt, "private-key");
}

/*
 * Fill change from argv (argv[0] is "set"). Returns 0, or 1 after
 * printing why not; change may then hold key material and must be wiped.
 */
int set_parse_args(int argc, char *argv[], struct wgc_device_change *change,
		   struct set_key_source *key_source)
{
	int i;

	memset(change, 0, sizeof(*change));
	memset(key_source, 0, sizeof(*key_source));
	if (argc < 2) {
		set_usage(stderr);
		return 1;
	}
	change->name = argv[1];
	if (!*argv[1] || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "%s: Invalid interface name: `%s'\n",
			PROG_NAME, argv[1]);
		return 1;
	}

	for (i = 2; i < argc; i += 2) {
		if (!known_option(argv[i])) {
			fprintf(stderr, "%s: Invalid argument: `%s'\n",
				PROG_NAME, argv[i]);
			set_usage(stderr);
			return 1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: Missing value for `%s'\n",
				PROG_NAME, argv[i]);
			set_usage(stderr);
			return 1;
		}
		if (parse_option(argv[i], argv[i + 1], change, key_source))
			return 1;
	}
	return 0;
}

int set_main(int argc, char *argv[])
{
	struct set_key_source key_source;
	struct wgc_device_change change;
	struct wgc_nl_error e;
	int ret;

	if (argc == 2 && is_help_arg(argv[1])) {
		set_usage(stdout);
		return 0;
	}

	ret = set_parse_args(argc, argv, &change, &key_source);
	if (ret)
		goto out;

	/* Only warn once the command line is known good, and proceed. */
	if (change.set_private_key && key_source.exposed)
		fprintf(stderr, "Warning: `%s' is readable by group or others\n",
			key_source.path);

	if (wgc_set_device(&change, &e) < 0) {
		wgc_nl_perror("Unable to modify interface", &e);
		ret = 1;
	}
out:
	sodium_memzero(&change, sizeof(change));
	return ret;
}
