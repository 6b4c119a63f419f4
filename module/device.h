/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wgc network device.
 */

#ifndef _WGC_DEVICE_H
#define _WGC_DEVICE_H

#include "noise.h"

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>

struct sock;

/*
 * Locking:
 *  - RTNL serialises open/stop, link deletion and namespace exit with
 *    configuration changes, and protects creating_net_node.
 *  - device_update_lock (taken after RTNL where both are held) protects the
 *    configuration: static_identity, listen_port, fwmark, and the writer side
 *    of sock4/sock6. Netlink dumps take only this lock.
 *  - sock4/sock6 are read under RCU on the packet path.
 */
struct wgc_device {
	struct net_device *dev;

	/*
	 * Where the UDP sockets live. Not refcounted: the device is deleted
	 * when this namespace exits (wgc_net_exit_batch), so it always
	 * outlives the device.
	 */
	struct net *creating_net;
	/* In the per-namespace list of devices created there. */
	struct list_head creating_net_node;

	struct mutex device_update_lock;	/* see "Locking" above */
	struct wgc_static_identity static_identity;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	/*
	 * Port to bind while up; once bound, the port actually in use, so that
	 * a configured 0 reads back as what the kernel chose.
	 */
	u16 listen_port;
	u32 fwmark;
};

bool wgc_device_is_wgc(const struct net_device *dev);

int wgc_device_init(void);
void wgc_device_uninit(void);

#endif /* _WGC_DEVICE_H */
