/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bits shared by all wgctl subcommands.
 */
#ifndef WGCTL_H
#define WGCTL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* From the top-level VERSION file, as the module's MODULE_VERSION is. */
#ifndef WGCTL_VERSION
#error "WGCTL_VERSION is not defined: build wgctl with its Makefile"
#endif

/*
 * Messages always say "wgctl", however the binary was invoked, so that
 * scripts and tests can match them.
 */
#define PROG_NAME "wgctl"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A subcommand's own --help. "help" alone is not taken here, since it is
 * also a perfectly good interface name.
 */
static inline bool is_help_arg(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* An interface name the kernel could know; if not, say so on stderr. */
static inline bool valid_ifname(const char *name)
{
	if (*name && strlen(name) < IFNAMSIZ)
		return true;
	fprintf(stderr, "%s: Invalid interface name: `%s'\n", PROG_NAME, name);
	return false;
}

int show_main(int argc, char *argv[]);
int set_main(int argc, char *argv[]);
int showconf_main(int argc, char *argv[]);
int setconf_main(int argc, char *argv[]);
int addconf_main(int argc, char *argv[]);
int syncconf_main(int argc, char *argv[]);
int genkey_main(int argc, char *argv[]);
int genpsk_main(int argc, char *argv[]);
int pubkey_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);

#endif /* WGCTL_H */
