/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels wgc builds for. Nothing outside this file
 * tests LINUX_VERSION_CODE (which is why .checkpatch.conf tolerates it).
 */

#ifndef _WGC_COMPAT_H
#define _WGC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>

/* 6.5 moved the GSO helpers into a header of their own. */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif

/* 6.12 moved the unaligned access helpers out of asm/. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

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

/* 6.2 renamed prandom_u32_max() to get_random_u32_below(). */
static inline u32 wgc_compat_random_below(u32 ceil)
{
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
	return get_random_u32_below(ceil);
#else
	return prandom_u32_max(ceil);
#endif
}

/*
 * 6.6 let the core allocate a device's per-CPU counters, and the UDP tunnel
 * transmit path then insists on that: before it, drivers allocated them.
 */
static inline void wgc_compat_setup_tstats(struct net_device *dev)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
}

static inline int wgc_compat_alloc_tstats(struct net_device *dev)
{
#if KERNEL_VERSION(6, 6, 0) > LINUX_VERSION_CODE
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	return 0;
}

static inline void wgc_compat_free_tstats(struct net_device *dev)
{
#if KERNEL_VERSION(6, 6, 0) > LINUX_VERSION_CODE
	free_percpu(dev->tstats);
	dev->tstats = NULL;
#endif
}

/* 6.11 widened the skb's one-bit mono_delivery_time into tstamp_type. */
static inline u8 wgc_compat_tstamp_type(const struct sk_buff *skb)
{
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
	return skb->tstamp_type;
#else
	return skb->mono_delivery_time;
#endif
}

static inline void wgc_compat_set_tstamp_type(struct sk_buff *skb, u8 type)
{
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
	skb->tstamp_type = type;
#else
	skb->mono_delivery_time = type;
#endif
}

/*
 * Since 6.14 kthread_create_worker() leaves the thread asleep and
 * kthread_run_worker() (a macro) wakes it; before, the first did both.
 */
#ifndef kthread_run_worker
#define kthread_run_worker kthread_create_worker
#endif

#endif /* _WGC_COMPAT_H */
