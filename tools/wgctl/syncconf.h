/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "wgctl syncconf": the least change that makes a device what a
 * configuration file says.
 */
#ifndef WGCTL_SYNCCONF_H
#define WGCTL_SYNCCONF_H

#include "device.h"

/*
 * What syncconf sends: the least change that turns cur (read from the
 * kernel) into want (parsed with CONF_SYNC). Peers that already match
 * are left out, so their sessions, counters and timers are untouched;
 * peers only in cur are removed. Returns 0 or -ENOMEM; free out with
 * wgctl_device_free() either way.
 */
int syncconf_change(const struct wgctl_device *cur,
		    const struct wgctl_device *want,
		    struct wgctl_device *out);

#endif /* WGCTL_SYNCCONF_H */
