/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl set": turning the command line into a device change.
 */
#ifndef WGCTL_SET_H
#define WGCTL_SET_H

#include <stdbool.h>

#include "netlink.h"

/* Where the private key came from, for the permissions warning. */
struct set_key_source {
	const char *path;
	bool exposed;
};

int set_parse_args(int argc, char *argv[], struct wgc_device_change *change,
		   struct set_key_source *key_source);

#endif /* WGCTL_SET_H */
