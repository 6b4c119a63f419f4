/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels wgc builds for (Linux 6.1 and newer).
 * Kbuild probes the kernel's headers for each feature and defines
 * WGC_HAVE_<feature>: a version number would miss the backports. Nothing
 * else in module/ depends on the kernel's version or features.
 */

#ifndef _WGC_COMPAT_H
#define _WGC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/gro.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "wgc needs Linux 6.1 or newer"
#endif

/*
 * 6.7 let a generic netlink multicast group require CAP_NET_ADMIN, and
 * stable kernels took it back to 6.1. Without it anyone could listen to
 * the events group, which tells where every peer is: no fallback.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "wgc needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.7, or a stable kernel with its backport)"
#endif

/* 6.5 moved the GSO helpers into a header of their own. */
#ifdef WGC_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* 6.12 moved the unaligned access helpers out of asm/. */
#ifdef WGC_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.6 embedded a struct genl_info in struct genl_dumpit_info. */
static inline struct nlattr **wgc_compat_dump_attrs(struct netlink_callback *cb)
{
#ifdef WGC_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.11 turned NETIF_F_LLTX into a private flag bit of its own. */
static inline void wgc_compat_set_lltx(struct net_device *dev)
{
#ifdef WGC_HAVE_LLTX_FIELD
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* 6.2 renamed prandom_u32_max() to get_random_u32_below(). */
static inline u32 wgc_compat_random_below(u32 ceil)
{
#ifdef WGC_HAVE_RANDOM_U32_BELOW
	return get_random_u32_below(ceil);
#else
	return prandom_u32_max(ceil);
#endif
}

/*
 * 6.6 let the core allocate a device's per-CPU counters (Debian's 6.1 has
 * it too), and the UDP tunnel transmit path then insists on that: before
 * it, drivers allocated them.
 */
static inline void wgc_compat_setup_tstats(struct net_device *dev)
{
#ifdef WGC_HAVE_PCPU_STAT_TYPE
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
}

static inline int wgc_compat_alloc_tstats(struct net_device *dev)
{
#ifndef WGC_HAVE_PCPU_STAT_TYPE
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	return 0;
}

static inline void wgc_compat_free_tstats(struct net_device *dev)
{
#ifndef WGC_HAVE_PCPU_STAT_TYPE
	free_percpu(dev->tstats);
	dev->tstats = NULL;
#endif
}

/* 6.11 widened the skb's one-bit mono_delivery_time into tstamp_type. */
static inline u8 wgc_compat_tstamp_type(const struct sk_buff *skb)
{
#ifdef WGC_HAVE_TSTAMP_TYPE
	return skb->tstamp_type;
#else
	return skb->mono_delivery_time;
#endif
}

static inline void wgc_compat_set_tstamp_type(struct sk_buff *skb, u8 type)
{
#ifdef WGC_HAVE_TSTAMP_TYPE
	skb->tstamp_type = type;
#else
	skb->mono_delivery_time = type;
#endif
}

/*
 * The outer network header of a GRO packet being completed: 6.10 keeps
 * its offset in the GRO control block, before that the skb's network
 * header is set to it.
 */
static inline void *wgc_compat_gro_network_header(struct sk_buff *skb)
{
#ifdef WGC_HAVE_GRO_NETWORK_OFFSETS
	return skb->data + NAPI_GRO_CB(skb)->network_offsets[0];
#else
	return skb_network_header(skb);
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
