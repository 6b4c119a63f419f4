// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl setconf  <interface> <configuration file>
 * wgctl addconf  <interface> <configuration file>
 * wgctl syncconf <interface> <configuration file>
 * wgctl showconf [--json] <interface>
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

#include "conf.h"
#include "json.h"
#include "netlink.h"
#include "set.h"
#include "wgctl.h"

static int usage(FILE *out, const char *cmd)
{
	if (!strcmp(cmd, "showconf"))
		fprintf(out, "Usage: %s %s [--json] <interface>\n", PROG_NAME,
			cmd);
	else
		fprintf(out, "Usage: %s %s <interface> <configuration filename>\n",
			PROG_NAME, cmd);
	return out == stdout ? 0 : 1;
}

static bool valid_ifname(const char *name)
{
	if (*name && strlen(name) < IFNAMSIZ)
		return true;
	fprintf(stderr, "%s: Invalid interface name: `%s'\n", PROG_NAME, name);
	return false;
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
 * not; free change with wgc_device_change_free() either way.
 */
static int load_config(const char *path, enum conf_mode mode,
		       struct wgc_device_change *change)
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

static int send_change(const struct wgc_device_change *change)
{
	struct wgc_nl_error e;

	if (wgc_set_device(change, &e) < 0) {
		set_print_error(&e);
		return -1;
	}
	return 0;
}

static bool nothing_to_change(const struct wgc_device_change *c)
{
	return !c->set_private_key && !c->set_listen_port && !c->set_fwmark &&
	       !c->replace_peers && !c->peers.count;
}

/* The least change that makes the device what want says. */
static int sync_device(const struct wgc_device_change *want)
{
	struct wgc_device_change change;
	struct wgc_device_info cur;
	struct wgc_nl_error e;
	int ret;

	if (wgc_get_device(want->name, &cur, &e) < 0) {
		wgc_nl_perror("Unable to access interface", &e);
		return -1;
	}
	ret = conf_sync_change(&cur, want, &change);
	wgc_device_info_free(&cur);
	if (ret < 0)
		fprintf(stderr, "%s: Out of memory\n", PROG_NAME);
	else if (!nothing_to_change(&change))
		ret = send_change(&change);
	wgc_device_change_free(&change);
	return ret;
}

static int conf_command(int argc, char *argv[], enum conf_mode mode)
{
	struct wgc_device_change change = { 0 };
	int ret;

	if (argc == 2 && is_help_arg(argv[1]))
		return usage(stdout, argv[0]);
	if (argc != 3)
		return usage(stderr, argv[0]);
	if (!valid_ifname(argv[1]))
		return 1;

	change.name = argv[1];
	ret = load_config(argv[2], mode, &change);
	if (!ret)
		ret = mode == CONF_SYNC ? sync_device(&change) :
					  send_change(&change);
	wgc_device_change_free(&change);
	return ret ? 1 : 0;
}

int setconf_main(int argc, char *argv[])
{
	return conf_command(argc, argv, CONF_REPLACE);
}

int addconf_main(int argc, char *argv[])
{
	return conf_command(argc, argv, CONF_APPEND);
}

int syncconf_main(int argc, char *argv[])
{
	return conf_command(argc, argv, CONF_SYNC);
}

/* --json may come before or after the interface, as for show. */
int showconf_main(int argc, char *argv[])
{
	struct wgc_device_info dev;
	const char *name = NULL;
	struct wgc_nl_error e;
	bool json = false;
	int i;

	if (argc == 2 && is_help_arg(argv[1]))
		return usage(stdout, argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json)
			json = true;
		else if (!name)
			name = argv[i];
		else
			return usage(stderr, argv[0]);
	}
	if (!name)
		return usage(stderr, argv[0]);
	if (!valid_ifname(name))
		return 1;
	if (wgc_get_device(name, &dev, &e) < 0) {
		wgc_nl_perror("Unable to access interface", &e);
		return 1;
	}
	if (json)
		json_print_config(stdout, &dev);
	else
		conf_print(stdout, &dev);
	wgc_device_info_free(&dev);
	return 0;
}
