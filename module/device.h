/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wgc network device.
 */

#ifndef _WGC_DEVICE_H
#define _WGC_DEVICE_H

#include "allowedips.h"
#include "cookie.h"
#include "ethtool.h"
#include "events.h"
#include "noise.h"
#include "queueing.h"

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rwsem.h>
#include <linux/workqueue.h>

struct sock;
struct wgc_ratelimiter;

struct wgc_peer_hashtable;

/*
 * What the defences against handshake floods did: see the uapi header's
 * WGC_HANDSHAKE_STATS_A_*. Counted where it happens, read by dumps.
 */
struct wgc_handshake_stats {
	atomic64_t processed;
	atomic64_t invalid;
	atomic64_t ratelimited;
	atomic64_t invalid_mac1;
	atomic64_t missing_cookie;
	atomic64_t cookie_replies_sent;
	atomic64_t cookies_received;
	atomic64_t queue_full;
};

/*
 * Locking:
 *  - RTNL serialises open/stop, link deletion and namespace exit with
 *    configuration changes, and protects creating_net_node.
 *  - device_update_lock (taken after RTNL where both are held) protects the
 *    configuration: listen_port, fwmark, the writer side of sock4/sock6, the
 *    peer list and the allowed IPs, and config_seq. Netlink dumps take only
 *    this lock.
 *  - identity_lock (taken after device_update_lock) protects
 *    static_identity and the cookie checker's keys derived from it: the
 *    handshake works read them concurrently, configuration writes them.
 *  - sock4/sock6 are read under RCU on the packet path; so are the allowed
 *    IPs, the index table and the peer hash table.
 */
struct wgc_device {
	struct net_device *dev;
	/*
	 * Names the device while the module is loaded: never given to another
	 * one, unlike its ifindex and its memory. A dump keeps it between
	 * passes to know the device it finds again is the same, as it holds
	 * no reference.
	 */
	u64 id;

	/*
	 * Where the UDP sockets live. Not refcounted: the device is deleted
	 * when this namespace exits (wgc_net_exit_batch), so it always
	 * outlives the device.
	 */
	struct net *creating_net;
	/* In the per-namespace list of devices created there. */
	struct list_head creating_net_node;

	struct mutex device_update_lock;	/* see "Locking" above */
	struct rw_semaphore identity_lock;	/* see "Locking" above */
	struct wgc_static_identity static_identity;
	struct wgc_cookie_checker cookie_checker;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	/*
	 * Port to bind while up; once bound, the port actually in use, so that
	 * a configured 0 reads back as what the kernel chose.
	 */
	u16 listen_port;
	u32 fwmark;
	/*
	 * Each new session's keys go to the events group (WGC_DEVICE_A_KEYLOG,
	 * for debugging). Written under device_update_lock, read locklessly
	 * (READ_ONCE): a handshake racing the switch may or may not log.
	 */
	bool keylog;

	struct list_head peer_list;
	unsigned int num_peers;
	struct wgc_peer_hashtable *peer_hashtable;
	struct wgc_index_table *index_table;
	struct wgc_allowedips peer_allowedips;
	/*
	 * Bumped by every configuration change, before anything is freed: a
	 * dump that finds it unchanged can trust the peer it stopped at.
	 */
	u64 config_seq;

	struct wgc_crypt_queue encrypt_queue;
	struct wgc_crypt_queue decrypt_queue;
	struct wgc_handshake_queue handshake_queue;
	/* Handshake messages waiting in handshake_queue, for load checks. */
	atomic_t handshake_queue_len;
	/*
	 * When the queue was last seen long enough to mean "under load", in
	 * coarse boot time (ns); 0 if never. Racy by design: workers only
	 * ever move it forward, and being off by one message is harmless.
	 */
	u64 last_under_load;
	/* Shared with the other devices whose sockets live in creating_net. */
	struct wgc_ratelimiter *ratelimiter;
	struct wgc_handshake_stats handshake_stats;
	struct wgc_event_state events;
	struct workqueue_struct *packet_crypt_wq;
	struct workqueue_struct *handshake_send_wq;

	/*
	 * BIT(enum wgc_offload)s: written under RTNL and device_update_lock,
	 * read without a lock.
	 */
	u32 offload_flags;
	struct wgc_offload_stats __percpu *offload_stats;
};

bool wgc_device_is_wgc(const struct net_device *dev);

/* Whether the device was under load at @now or within the second before. */
static inline bool wgc_device_was_under_load(const struct wgc_device *wgc,
					     u64 now)
{
	u64 last = READ_ONCE(wgc->last_under_load);

	/* A clock read earlier on another CPU may trail the last mark. */
	return last && (now < last || now - last < NSEC_PER_SEC);
}

static inline bool wgc_device_tx_gso(const struct wgc_device *wgc)
{
	return READ_ONCE(wgc->offload_flags) & BIT(WGC_OFFLOAD_TX_UDP_GSO);
}

static inline bool wgc_device_rx_gro(const struct wgc_device *wgc)
{
	return READ_ONCE(wgc->offload_flags) & BIT(WGC_OFFLOAD_RX_UDP_GRO);
}

/*
 * Counts @segs messages that went as one packet: a train (the stats @first
 * and @first + 1: trains, their messages) if more than one, else a message
 * alone (@first + 2). Caller has BHs off.
 */
static inline void wgc_device_count_path(struct wgc_device *wgc,
					 enum wgc_offload_stat first,
					 unsigned int segs)
{
	struct wgc_offload_stats *stats = this_cpu_ptr(wgc->offload_stats);

	u64_stats_update_begin(&stats->syncp);
	if (segs > 1) {
		u64_stats_inc(&stats->stat[first]);
		u64_stats_add(&stats->stat[first + 1], segs);
	} else {
		u64_stats_inc(&stats->stat[first + 2]);
	}
	u64_stats_update_end(&stats->syncp);
}

/*
 * Counts @segs messages sent as one packet, a UDP GSO one if more than
 * one. The tunnel's own transmit counter (iptunnel_xmit_stats()) counted
 * the packet once: the device's packets are the datagrams on the wire.
 * Caller has BHs off.
 */
static inline void wgc_device_count_tx(struct wgc_device *wgc,
				       unsigned int segs)
{
	wgc_device_count_path(wgc, WGC_STAT_TX_GSO_PACKETS, segs);
	if (segs > 1)
		dev_sw_netstats_tx_add(wgc->dev, segs - 1, 0);
}

/* Counts @segs messages received as one packet (softirq). */
static inline void wgc_device_count_rx(struct wgc_device *wgc,
				       unsigned int segs)
{
	wgc_device_count_path(wgc, WGC_STAT_RX_GRO_PACKETS, segs);
}

/*
 * Makes @identity the device's (emptying @identity): removes a peer whose
 * public key is the new one's, rederives every peer's static-static secret
 * and the cookie keys, and retires current sessions, which were made with
 * the old key. Caller holds device_update_lock. Cannot fail.
 */
void wgc_device_install_identity(struct wgc_device *wgc,
				 struct wgc_static_identity *identity);

int wgc_device_init(void);
void wgc_device_uninit(void);

#endif /* _WGC_DEVICE_H */
