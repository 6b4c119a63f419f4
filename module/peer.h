/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer: a remote public key, its sessions, its endpoint and its queues.
 */

#ifndef _WGC_PEER_H
#define _WGC_PEER_H

#include "cookie.h"
#include "keypair.h"
#include "noise.h"
#include "queueing.h"
#include "stats.h"

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

struct wgc_device;

/*
 * The one early retry a cookie reply allows (see
 * wgc_packet_send_initiation_after_cookie()):
 * COOKIE_RETRY_ALLOWED: the latest initiation was sent for the timers or
 * the data path, so a cookie reply to it may send the next one at once.
 * COOKIE_RETRY_PENDING: that next one is queued; it does not wait for
 * REKEY_TIMEOUT.
 */
enum wgc_peer_handshake_flag {
	WGC_PEER_COOKIE_RETRY_ALLOWED,
	WGC_PEER_COOKIE_RETRY_PENDING,
};

/*
 * Where a peer is reached: its address, and the local source address (and
 * for IPv4 the interface) that the last packet from it arrived on, so that
 * replies leave from the address the peer talked to.
 */
struct wgc_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		struct {
			struct in_addr src4;
			int src_if4;
		};
		struct in6_addr src6;
	};
};

/*
 * Lifetime: a peer is created by configuration and held by the device's
 * peer list; every other user (packet path, timers, works) takes a
 * reference. wgc_peer_remove() unlinks it and marks it dead, waits a grace
 * period, stops everything that could take new references, flushes what is
 * in flight, and drops the list's reference. Whatever queues packets or
 * work for the peer checks is_dead in the same RCU read section, so nothing
 * is queued after that grace period. The last reference takes the
 * handshake's index entry out of the table; the peer is freed after an RCU
 * grace period.
 *
 * Locking:
 *  - peer_list, pubkey_node, allowedips_list, is_dead: the device's
 *    device_update_lock (is_dead is also read locklessly: READ_ONCE).
 *  - endpoint: endpoint_lock (a reader-writer spinlock, taken with BH off).
 *  - handshake: its own rw_semaphore; keypairs: their own spinlock.
 *  - persistent_keepalive_interval: written under device_update_lock, read
 *    locklessly (READ_ONCE).
 *  - timer_handshake_attempts, timer_need_another_keepalive and
 *    sent_lastminute_handshake: no lock, racy by design. The timers, the
 *    timer hooks and the packet path write them from any context
 *    (READ_ONCE/WRITE_ONCE), as in WireGuard. A lost update costs a
 *    keepalive more or less, or ends a handshake's retries early (the
 *    next packet staged for the peer then starts a new handshake).
 */
struct wgc_peer {
	struct wgc_device *wgc;
	struct list_head peer_list;
	struct hlist_node pubkey_node;
	struct list_head allowedips_list;
	struct kref refcount;
	/*
	 * Next to a 4-byte field, as serial_work_cpu is: no holes (1,640
	 * bytes, 19 peers to a 32 KiB slab, on x86-64 with 6.1).
	 */
	bool is_dead;
	struct rcu_head rcu;
	/* A number that names the peer in debug messages. */
	u64 internal_id;

	struct wgc_handshake handshake;
	struct wgc_keypairs keypairs;
	struct wgc_cookie latest_cookie;

	rwlock_t endpoint_lock;
	struct wgc_endpoint endpoint;
	/* The CPU that runs the peer's serial work (wgc_peer_serial_cpu()). */
	int serial_work_cpu;
	struct dst_cache endpoint_cache;

	/* Packets waiting for a session (bounded). */
	struct sk_buff_head staged_queue;
	/* Packets in flight in submission order, see queueing.h. */
	struct wgc_serial_queue tx_queue;
	struct wgc_serial_queue rx_queue;
	struct work_struct transmit_packet_work;
	/* Next to what their writers touch anyway (see stats.h). */
	struct wgc_peer_tx_stats tx_stats;
	struct work_struct transmit_handshake_work;
	struct work_struct clear_peer_work;
	struct napi_struct napi;
	struct wgc_peer_rx_stats rx_stats;
	struct wgc_peer_event_counts counts;

	/* When the last initiation was sent (ktime_get_coarse_boottime_ns()). */
	atomic64_t last_sent_handshake;
	/* enum wgc_peer_handshake_flag bits; atomic bit operations only. */
	unsigned long handshake_flags;
	/* Wall clock of the last completed handshake, ns; 0: never. */
	atomic64_t walltime_last_handshake;

	struct timer_list timer_retransmit_handshake;
	struct timer_list timer_send_keepalive;
	struct timer_list timer_new_handshake;
	struct timer_list timer_zero_key_material;
	struct timer_list timer_persistent_keepalive;
	unsigned int timer_handshake_attempts;
	u16 persistent_keepalive_interval;	/* seconds; 0: off */
	bool timer_need_another_keepalive;
	bool sent_lastminute_handshake;
};

/*
 * Configuration side. Caller holds the device's device_update_lock for all
 * of these.
 */
int wgc_peer_slab_init(void);
void wgc_peer_slab_uninit(void);
struct wgc_peer *wgc_peer_create(struct wgc_device *wgc,
				 const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN],
				 const u8 preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN]);
struct wgc_peer *wgc_peer_lookup(struct wgc_device *wgc,
				 const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN]);
/*
 * Removing a peer sends its peer-removed event once nothing else can send
 * one about it; removing them all does when @announce (not when the device
 * itself goes).
 */
void wgc_peer_remove(struct wgc_peer *peer);
void wgc_peer_remove_all(struct wgc_device *wgc, bool announce);
void wgc_peer_set_preshared_key(struct wgc_peer *peer,
				const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN]);
/* Also sends a keepalive at once when the interval is switched on. */
void wgc_peer_set_persistent_keepalive(struct wgc_peer *peer, u16 interval);
/* Sends what was staged for @peer, now that its configuration changed. */
void wgc_peer_config_done(struct wgc_peer *peer);

/*
 * Packet side, any context. The endpoint is set by configuration too, and
 * follows a roaming peer (wgc_socket_set_peer_endpoint()). @old, unless
 * NULL, gets the endpoint replaced.
 */
void wgc_peer_set_endpoint(struct wgc_peer *peer,
			   const struct wgc_endpoint *endpoint,
			   struct wgc_endpoint *old);
/* A consistent copy: the packet path may be moving the peer meanwhile. */
void wgc_peer_read_endpoint(struct wgc_peer *peer,
			    struct wgc_endpoint *endpoint);
struct wgc_peer *__must_check wgc_peer_get_maybe_zero(struct wgc_peer *peer);
static inline struct wgc_peer *wgc_peer_get(struct wgc_peer *peer)
{
	kref_get(&peer->refcount);
	return peer;
}

void wgc_peer_put(struct wgc_peer *peer);

/* All of the peer's counters (see stats.h); any context. */
static inline void wgc_peer_read_stats(const struct wgc_peer *peer,
				       struct wgc_peer_stats *out)
{
	wgc_stats_read(&peer->rx_stats, &peer->tx_stats,
		       &peer->counts, out);
}

/* Finds a peer by public key for the handshake path; returns a reference. */
struct wgc_peer *
wgc_peer_lookup_rcu(struct wgc_device *wgc,
		    const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN]);

/* The peers' hash table by public key, per device. */
int wgc_peer_table_init(struct wgc_device *wgc);
void wgc_peer_table_uninit(struct wgc_device *wgc);

#endif /* _WGC_PEER_H */
