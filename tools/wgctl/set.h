/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl set": turning the command line into a device change.
 */
#ifndef WGCTL_SET_H
#define WGCTL_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "device.h"

/*
 * Key files that group or others may read. Warned about only once the
 * whole command line is known good, and then used anyway, as wg(8) does.
 */
struct set_warnings {
	const char **exposed;	/* paths, pointing into argv */
	size_t num_exposed;
};

struct config_resolver;
/*
 * The command line into change. resolver looks endpoint host names up;
 * NULL is getaddrinfo() with WG_ENDPOINT_RESOLUTION_RETRIES, which the
 * fuzzer (fuzz/) replaces to stay off the network.
 */
int set_parse_args(int argc, char *argv[],
		   const struct config_resolver *resolver,
		   struct wgctl_device *change,
		   struct set_warnings *warnings);
void set_warnings_free(struct set_warnings *warnings);

struct wgctl_nl_error;
/* "Unable to modify interface: ...", saying how much of a split request
 * was applied. */
void set_print_error(const struct wgctl_nl_error *e);

#endif /* WGCTL_SET_H */
