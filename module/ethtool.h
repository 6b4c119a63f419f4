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
	/* UDP GRO on the sockets (socket.c). */
	WGC_OFFLOAD_RX_UDP_GRO,
	__WGC_OFFLOADS
};

#define WGC_OFFLOADS_DEFAULT \
	(BIT(WGC_OFFLOAD_TX_UDP_GSO) | BIT(WGC_OFFLOAD_RX_UDP_GRO))

/* Which way data messages went; per CPU, written with BHs off. */
struct wgc_offload_stats {
	u64_stats_t tx_gso_packets;	/* UDP GSO packets sent */
	u64_stats_t tx_gso_segments;	/* the messages in them */
	u64_stats_t tx_single;		/* messages sent one by one */
	struct u64_stats_sync syncp;
};

extern const struct ethtool_ops wgc_ethtool_ops;

struct wgc_offload_stats __percpu *wgc_offload_stats_alloc(void);

#endif /* _WGC_ETHTOOL_H */
