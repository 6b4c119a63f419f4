/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl showconf": a device's configuration as a configuration file.
 */
#ifndef WGCTL_SHOWCONF_H
#define WGCTL_SHOWCONF_H

#include <stdio.h>

#include "device.h"

/* The configuration in dev, as "wgctl showconf" prints it. */
void showconf_print(FILE *out, const struct wgctl_device *dev);

#endif /* WGCTL_SHOWCONF_H */
