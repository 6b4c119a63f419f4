// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool's view of a wgc device.
 *
 * The offloads are private flags rather than netdev features: a feature
 * says what a device takes from the stack above it, while these say what
 * the tunnel hands to the stack below it, the UDP socket and the device
 * the route picks. Each can be switched off at any time (ethtool
 * --set-priv-flags wg0 tx-udp-gso off), say to compare, or to rule it out
 * when hunting a problem; packets in flight finish the way they started.
 */

#include "ethtool.h"
#include "device.h"
#include "socket.h"

#include <linux/string.h>

static const char wgc_offload_names[][ETH_GSTRING_LEN] = {
	[WGC_OFFLOAD_TX_UDP_GSO] = "tx-udp-gso",
	[WGC_OFFLOAD_RX_UDP_GRO] = "rx-udp-gro",
};

static const char wgc_stat_names[][ETH_GSTRING_LEN] = {
	[WGC_STAT_TX_GSO_PACKETS] = "tx_udp_gso_packets",
	[WGC_STAT_TX_GSO_SEGMENTS] = "tx_udp_gso_segments",
	[WGC_STAT_TX_SINGLE] = "tx_single_packets",
	[WGC_STAT_RX_GRO_PACKETS] = "rx_udp_gro_packets",
	[WGC_STAT_RX_GRO_SEGMENTS] = "rx_udp_gro_segments",
	[WGC_STAT_RX_SINGLE] = "rx_single_packets",
};

static_assert(ARRAY_SIZE(wgc_stat_names) == __WGC_NR_STATS);
static_assert(WGC_STAT_TX_SINGLE - WGC_STAT_TX_GSO_PACKETS == 2);
static_assert(WGC_STAT_RX_SINGLE - WGC_STAT_RX_GRO_PACKETS == 2);

static void wgc_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, WGC_VERSION, sizeof(info->version));
}

static int wgc_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return __WGC_NR_STATS;
	case ETH_SS_PRIV_FLAGS:
		return __WGC_OFFLOADS;
	default:
		return -EOPNOTSUPP;
	}
}

static void wgc_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	switch (sset) {
	case ETH_SS_STATS:
		memcpy(data, wgc_stat_names, sizeof(wgc_stat_names));
		break;
	case ETH_SS_PRIV_FLAGS:
		memcpy(data, wgc_offload_names, sizeof(wgc_offload_names));
		break;
	}
}

static void wgc_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct wgc_device *wgc = netdev_priv(dev);
	u64 sum[__WGC_NR_STATS] = {}, v[__WGC_NR_STATS];
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct wgc_offload_stats *s =
			per_cpu_ptr(wgc->offload_stats, cpu);
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __WGC_NR_STATS; i++)
				v[i] = u64_stats_read(&s->stat[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __WGC_NR_STATS; i++)
			sum[i] += v[i];
	}
	memcpy(data, sum, sizeof(sum));
}

static u32 wgc_get_priv_flags(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	return READ_ONCE(wgc->offload_flags);
}

/*
 * Under RTNL; the packet path reads the flags without a lock. The sockets'
 * GRO changes under device_update_lock, which socket changes hold too.
 */
static int wgc_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct wgc_device *wgc = netdev_priv(dev);

	if (flags & ~(BIT(__WGC_OFFLOADS) - 1))
		return -EINVAL;
	mutex_lock(&wgc->device_update_lock);
	WRITE_ONCE(wgc->offload_flags, flags);
	wgc_socket_apply_offloads(wgc);
	mutex_unlock(&wgc->device_update_lock);
	return 0;
}

const struct ethtool_ops wgc_ethtool_ops = {
	.get_drvinfo		= wgc_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= wgc_get_sset_count,
	.get_strings		= wgc_get_strings,
	.get_ethtool_stats	= wgc_get_ethtool_stats,
	.get_priv_flags		= wgc_get_priv_flags,
	.set_priv_flags		= wgc_set_priv_flags,
};

struct wgc_offload_stats __percpu *wgc_offload_stats_alloc(void)
{
	struct wgc_offload_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct wgc_offload_stats);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}
