// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl setconf  <interface> <configuration file>
 * wgctl addconf  <interface> <configuration file>
 * and what syncconf shares with them.
 *
 * The file is read and checked whole, host names looked up included,
 * before the kernel hears of it: a bad file changes nothing. Messages name
 * the file and line; WGCTL_CONFIG_NAME, if set, is the name they use, so
 * that wgctl-quick(8) can pass a copy and still name the user's file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "netlink.h"
#include "set.h"
#include "setconf.h"
#include "wgctl.h"

static int usage(FILE *out, const char *cmd)
{
	fprintf(out, "Usage: %s %s <interface> <configuration filename>\n",
		PROG_NAME, cmd);
	return out == stdout ? 0 : 1;
}

static int read_error(const char *path, int err)
{
	if (err == -EFBIG)
		fprintf(stderr,
			"%s: Unable to read configuration file `%s': larger than %u MiB\n",
			PROG_NAME, path, CONF_FILE_MAX >> 20);
	else
		fprintf(stderr,
			"%s: Unable to read configuration file `%s': %s\n",
			PROG_NAME, path, strerror(-err));
	return -1;
}

/*
 * Read and parse path into change. Returns 0, or -1 after printing why
 * not; free change with wgctl_device_free() either way.
 */
static int load_config(const char *path, enum conf_mode mode,
		       struct wgctl_device *change)
{
	const char *name = getenv("WGCTL_CONFIG_NAME");
	struct config_resolver resolver;
	bool exposed, secrets = false;
	struct conf_text text;
	char *data;
	size_t len;
	int ret;

	ret = conf_read_file(path, &data, &len, &exposed);
	if (ret < 0)
		return read_error(path, ret);
	text.name = name && *name ? name : path;
	text.data = data;
	text.len = len;
	ret = config_resolver_from_env(&resolver);
	if (!ret)
		ret = conf_parse(&text, mode, &resolver, stderr, change,
				 &secrets);
	conf_free_text(data, len);
	if (!ret && exposed && secrets)
		fprintf(stderr,
			"Warning: `%s' holds keys and is readable by group or others\n",
			text.name);
	return ret;
}

int setconf_send(const struct wgctl_device *change)
{
	struct wgctl_nl_error e;

	if (wgctl_set_device(change, &e) < 0) {
		set_print_error(&e);
		return -1;
	}
	return 0;
}

int setconf_command(int argc, char *argv[], enum conf_mode mode,
		    int (*apply)(const struct wgctl_device *change))
{
	struct wgctl_device change = { 0 };
	int ret;

	if (argc == 2 && is_help_arg(argv[1]))
		return usage(stdout, argv[0]);
	if (argc != 3)
		return usage(stderr, argv[0]);
	if (!valid_ifname(argv[1]))
		return 1;

	strcpy(change.name, argv[1]);
	ret = load_config(argv[2], mode, &change);
	if (!ret)
		ret = apply(&change);
	wgctl_device_free(&change);
	return ret ? 1 : 0;
}

int setconf_main(int argc, char *argv[])
{
	return setconf_command(argc, argv, CONF_REPLACE, setconf_send);
}

int addconf_main(int argc, char *argv[])
{
	return setconf_command(argc, argv, CONF_APPEND, setconf_send);
}
