/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels wgc builds for. Nothing outside this file
 * tests LINUX_VERSION_CODE (which is why .checkpatch.conf tolerates it).
 */

#ifndef _WGC_COMPAT_H
#define _WGC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

/* 6.6 embedded a struct genl_info in struct genl_dumpit_info. */
static inline struct nlattr **wgc_compat_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.11 turned NETIF_F_LLTX into a private flag bit of its own. */
static inline void wgc_compat_set_lltx(struct net_device *dev)
{
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

#endif /* _WGC_COMPAT_H */
