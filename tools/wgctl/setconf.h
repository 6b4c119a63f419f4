/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What setconf, addconf and syncconf share: reading the file named on the
 * command line, and sending a change.
 */
#ifndef WGCTL_SETCONF_H
#define WGCTL_SETCONF_H

#include "conffile.h"
#include "device.h"

/*
 * "wgctl <cmd> <interface> <file>": parse the file in mode, then hand the
 * change to apply (which prints its own errors and returns 0 or -1).
 * Returns the exit status.
 */
int setconf_command(int argc, char *argv[], enum conf_mode mode,
		    int (*apply)(const struct wgctl_device *change));

/* Send change to the kernel: 0, or -1 after printing why not. */
int setconf_send(const struct wgctl_device *change);

#endif /* WGCTL_SETCONF_H */
