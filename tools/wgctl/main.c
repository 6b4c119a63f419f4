// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl: configure wgc tunnel devices, in the syntax of wg(8).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "wgctl.h"

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *description;
} commands[] = {
	{ "show", show_main,
	  "Shows the current configuration of wgc interfaces" },
	{ "showconf", showconf_main,
	  "Shows the current configuration of an interface in the format of a configuration file" },
	{ "set", set_main,
	  "Changes the configuration of an interface, adds and removes peers" },
	{ "setconf", setconf_main,
	  "Applies a configuration file to an interface, replacing all it had" },
	{ "addconf", addconf_main,
	  "Adds and updates the peers of a configuration file, keeping the others" },
	{ "syncconf", syncconf_main,
	  "Makes an interface match a configuration file, changing only what differs" },
	{ "monitor", monitor_main,
	  "Shows events of wgc interfaces as they happen (peers, sessions, endpoints)" },
	{ "genkey", genkey_main,
	  "Generates a new private key and writes it to stdout" },
	{ "genpsk", genpsk_main,
	  "Generates a new preshared key and writes it to stdout" },
	{ "pubkey", pubkey_main,
	  "Reads a private key from stdin and writes its public key to stdout" },
};

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s <cmd> [<args>]\n\n", PROG_NAME);
	fputs("Available subcommands:\n", out);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %s: %s\n", commands[i].name,
			commands[i].description);
	fputs("  help: Shows this help\n", out);
	fputs("You may pass `--help' to any of these subcommands to view usage.\n",
	      out);
	fprintf(out, "Without a subcommand, %s runs `show'.\n", PROG_NAME);
}

static bool is_any(const char *arg, const char *a, const char *b,
		   const char *c)
{
	return !strcmp(arg, a) || !strcmp(arg, b) || !strcmp(arg, c);
}

static int dispatch(int argc, char *argv[])
{
	char show_cmd[] = "show";
	char *show_argv[] = { show_cmd, NULL };
	size_t i;

	/* Plain "wgctl" is "wgctl show", as with wg(8). */
	if (argc < 2)
		return show_main(1, show_argv);

	if (argc == 2 && is_any(argv[1], "--version", "-v", "version")) {
		printf("%s %s\n", PROG_NAME, WGCTL_VERSION);
		return 0;
	}
	if (argc == 2 && is_any(argv[1], "--help", "-h", "help")) {
		print_usage(stdout);
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);

	fprintf(stderr, "%s: Invalid subcommand: `%s'\n", PROG_NAME, argv[1]);
	print_usage(stderr);
	return 1;
}

int main(int argc, char *argv[])
{
	int ret;

	if (sodium_init() < 0) {
		fprintf(stderr, "%s: Unable to initialise libsodium\n",
			PROG_NAME);
		return 1;
	}

	ret = dispatch(argc, argv);

	/* Output that never arrived (full disk, closed pipe) is a failure. */
	if (fflush(stdout) || ferror(stdout)) {
		if (!ret)
			fprintf(stderr, "%s: Unable to write output: %s\n",
				PROG_NAME, strerror(errno));
		ret = 1;
	}
	return ret;
}
