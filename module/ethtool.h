/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ethtool shows of a wgc device and lets one switch: the offloads the
 * packet path may use (private flags), and which way packets went (ethtool
 * -S). See ethtool.c.
 */

#ifndef _WGC_ETHTOOL_H
#define _WGC_ETHTOOL_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/* Bits of wgc_device.offload_flags, each a private flag of the device. */
enum wgc_offload {
	/* Equal-length messages leave as one UDP GSO packet (encrypt.c). */
	WGC_OFFLOAD_TX_UDP_GSO,
	/* UDP GRO on the sockets; trains reach the encap hook whole (gro.c). */
	WGC_OFFLOAD_RX_UDP_GRO,
	__WGC_OFFLOADS
};

#define WGC_OFFLOADS_DEFAULT \
	(BIT(WGC_OFFLOAD_TX_UDP_GSO) | BIT(WGC_OFFLOAD_RX_UDP_GRO))

/*
 * Which way messages went, ethtool -S's figures; indices of stat[]. Each
 * direction's three in this order (wgc_device_count_path()).
 */
enum wgc_offload_stat {
	WGC_STAT_TX_GSO_PACKETS,	/* UDP GSO packets sent (trains) */
	WGC_STAT_TX_GSO_SEGMENTS,	/* the messages in them */
	WGC_STAT_TX_SINGLE,		/* messages sent one by one */
	WGC_STAT_RX_GRO_PACKETS,	/* trains received whole (gro.c) */
	WGC_STAT_RX_GRO_SEGMENTS,	/* the messages in them */
	WGC_STAT_RX_SINGLE,		/* messages received one by one */
	__WGC_NR_STATS
};

/* Per CPU, written with BHs off. */
struct wgc_offload_stats {
	u64_stats_t stat[__WGC_NR_STATS];
	struct u64_stats_sync syncp;
};

extern const struct ethtool_ops wgc_ethtool_ops;

struct wgc_offload_stats __percpu *wgc_offload_stats_alloc(void);

#endif /* _WGC_ETHTOOL_H */
