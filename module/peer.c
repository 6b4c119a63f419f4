// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: creation, lookup by public key, reference counting and removal.
 */

#include "peer.h"
#include "allowedips.h"
#include "device.h"
#include "encrypt.h"
#include "events.h"
#include "index.h"
#include "send.h"
#include "receive.h"
#include "timers.h"

#include <crypto/algapi.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/slab.h>

static atomic64_t wgc_peer_counter = ATOMIC64_INIT(0);

/*
 * The device's peers by public key, for the handshake path to find who sent
 * an initiation. Writers hold device_update_lock; readers use RCU. Keyed
 * with a secret so that chosen public keys cannot pile into one bucket.
 */
struct wgc_peer_hashtable {
	DECLARE_HASHTABLE(buckets, 11);
	siphash_key_t key;
};

int wgc_peer_table_init(struct wgc_device *wgc)
{
	struct wgc_peer_hashtable *table = kvmalloc(sizeof(*table), GFP_KERNEL);

	if (!table)
		return -ENOMEM;
	hash_init(table->buckets);
	get_random_bytes(&table->key, sizeof(table->key));
	wgc->peer_hashtable = table;
	return 0;
}

void wgc_peer_table_uninit(struct wgc_device *wgc)
{
	kvfree(wgc->peer_hashtable);
	wgc->peer_hashtable = NULL;
}

static u64 wgc_pubkey_hash(struct wgc_peer_hashtable *table,
			   const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	return siphash(public_key, WGC_NOISE_PUBLIC_KEY_LEN, &table->key);
}

static struct hlist_head *
wgc_pubkey_bucket(struct wgc_peer_hashtable *table,
		  const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	return &table->buckets[hash_min(wgc_pubkey_hash(table, public_key),
					HASH_BITS(table->buckets))];
}

struct wgc_peer *wgc_peer_lookup(struct wgc_device *wgc,
				 const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	struct wgc_peer_hashtable *table = wgc->peer_hashtable;
	struct wgc_peer *peer;

	lockdep_assert_held(&wgc->device_update_lock);
	hlist_for_each_entry(peer, wgc_pubkey_bucket(table, public_key),
			     pubkey_node) {
		if (!memcmp(peer->handshake.remote_static, public_key,
			    WGC_NOISE_PUBLIC_KEY_LEN))
			return peer;
	}
	return NULL;
}

struct wgc_peer *
wgc_peer_lookup_rcu(struct wgc_device *wgc,
		    const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	struct wgc_peer_hashtable *table = wgc->peer_hashtable;
	struct wgc_peer *peer, *found = NULL;

	rcu_read_lock_bh();
	hlist_for_each_entry_rcu_bh(peer, wgc_pubkey_bucket(table, public_key),
				    pubkey_node) {
		if (!crypto_memneq(peer->handshake.remote_static, public_key,
				   WGC_NOISE_PUBLIC_KEY_LEN)) {
			found = wgc_peer_get_maybe_zero(peer);
			break;
		}
	}
	rcu_read_unlock_bh();
	return found;
}

/*
 * Peers come from a cache of their own: at about 1.5 KB a peer would take
 * a 2 KB object of the general kmalloc caches, a third of it unused, which
 * adds up on a server with 100,000 of them.
 */
static struct kmem_cache *wgc_peer_cache;

int __init wgc_peer_slab_init(void)
{
	wgc_peer_cache = KMEM_CACHE(wgc_peer, 0);
	return wgc_peer_cache ? 0 : -ENOMEM;
}

void wgc_peer_slab_uninit(void)
{
	/* Peers are freed after a grace period: let the last ones go. */
	rcu_barrier();
	kmem_cache_destroy(wgc_peer_cache);
}

struct wgc_peer *wgc_peer_create(struct wgc_device *wgc,
				 const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN],
				 const u8 preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN])
{
	struct wgc_peer *peer;

	lockdep_assert_held(&wgc->device_update_lock);

	if (wgc->num_peers >= WGC_MAX_PEERS_PER_DEVICE)
		return ERR_PTR(-ENOSPC);
	peer = kmem_cache_zalloc(wgc_peer_cache, GFP_KERNEL);
	if (unlikely(!peer))
		return ERR_PTR(-ENOMEM);
	if (dst_cache_init(&peer->endpoint_cache, GFP_KERNEL)) {
		kmem_cache_free(wgc_peer_cache, peer);
		return ERR_PTR(-ENOMEM);
	}

	peer->wgc = wgc;
	peer->internal_id = atomic64_inc_return(&wgc_peer_counter);
	kref_init(&peer->refcount);
	INIT_LIST_HEAD(&peer->allowedips_list);
	wgc_noise_handshake_init(&peer->handshake, peer, public_key,
				 preshared_key);
	wgc_keypairs_init(&peer->keypairs);
	wgc_cookie_init(&peer->latest_cookie, public_key);
	rwlock_init(&peer->endpoint_lock);
	u64_stats_init(&peer->rx_stats.syncp);
	u64_stats_init(&peer->tx_stats.syncp);
	skb_queue_head_init(&peer->staged_queue);
	wgc_serial_queue_init(&peer->tx_queue);
	wgc_serial_queue_init(&peer->rx_queue);
	INIT_WORK(&peer->transmit_packet_work, wgc_packet_tx_worker);
	INIT_WORK(&peer->transmit_handshake_work,
		  wgc_packet_handshake_send_worker);
	INIT_WORK(&peer->clear_peer_work, wgc_timers_clear_peer_worker);
	peer->serial_work_cpu = nr_cpumask_bits;
	/* The first handshake may go out at once. */
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns() -
		     (u64)(WGC_REKEY_TIMEOUT + 1) * NSEC_PER_SEC);
	wgc_timers_init(peer);

	netif_napi_add(wgc->dev, &peer->napi, wgc_packet_rx_poll);
	napi_enable(&peer->napi);

	list_add_tail(&peer->peer_list, &wgc->peer_list);
	wgc->num_peers++;
	hash_add_rcu(wgc->peer_hashtable->buckets, &peer->pubkey_node,
		     wgc_pubkey_hash(wgc->peer_hashtable, public_key));
	netdev_dbg(wgc->dev, "peer %llu created\n", peer->internal_id);
	return peer;
}

struct wgc_peer *wgc_peer_get_maybe_zero(struct wgc_peer *peer)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_bh_held(),
			 "taking a peer reference outside RCU");
	if (unlikely(!peer || !kref_get_unless_zero(&peer->refcount)))
		return NULL;
	return peer;
}

static void wgc_peer_free_rcu(struct rcu_head *rcu)
{
	struct wgc_peer *peer = container_of(rcu, struct wgc_peer, rcu);

	dst_cache_destroy(&peer->endpoint_cache);
	/* Every queued packet held a reference: the queues are empty. */
	WARN_ON(!skb_queue_empty_lockless(&peer->tx_queue.packets) ||
		!skb_queue_empty_lockless(&peer->rx_queue.packets));
	/* The handshake's keys and the preshared key live in the peer. */
	memzero_explicit(peer, sizeof(*peer));
	kmem_cache_free(wgc_peer_cache, peer);
}

/*
 * The last reference is gone. Whoever inserts the handshake's index entry
 * holds one, so nothing can put it back now; a reader that found it in the
 * table a moment ago gets no reference (the count is zero) and lets go
 * within its RCU read section, before the memory is freed.
 */
static void wgc_peer_release(struct kref *kref)
{
	struct wgc_peer *peer = container_of(kref, struct wgc_peer, refcount);

	netdev_dbg(peer->wgc->dev, "peer %llu destroyed\n", peer->internal_id);
	wgc_index_remove(peer->wgc->index_table, &peer->handshake.entry);
	/* Staged packets hold no reference; drop them with the peer. */
	skb_queue_purge(&peer->staged_queue);
	call_rcu(&peer->rcu, wgc_peer_free_rcu);
}

void wgc_peer_put(struct wgc_peer *peer)
{
	if (unlikely(!peer))
		return;
	kref_put(&peer->refcount, wgc_peer_release);
}

/*
 * First half of removal: nothing can find the peer any more, by public key,
 * by allowed IP or (once its sessions are cleared) by index. Caller holds
 * device_update_lock.
 */
static void wgc_peer_make_dead(struct wgc_peer *peer)
{
	struct wgc_device *wgc = peer->wgc;

	lockdep_assert_held(&wgc->device_update_lock);
	wgc_allowedips_remove_by_peer(&wgc->peer_allowedips, peer,
				      &wgc->device_update_lock);
	list_del_init(&peer->peer_list);
	hash_del_rcu(&peer->pubkey_node);
	wgc->num_peers--;
	WRITE_ONCE(peer->is_dead, true);
}

/*
 * After a grace period made sure no packet path still sees the peer as
 * alive: stop what could start new work for it. Nothing queues new work
 * for a dead peer, so afterwards only what is already in flight remains.
 */
static void wgc_peer_stop(struct wgc_peer *peer)
{
	wgc_timers_stop(peer);
	wgc_keypairs_clear(&peer->keypairs);
	wgc_noise_handshake_clear(&peer->handshake);
}

/*
 * Waits for what is already in flight: encryption and decryption first,
 * then the serial transmit works they queued, and the handshake works.
 */
static void wgc_peers_flush_in_flight(struct wgc_device *wgc)
{
	flush_workqueue(wgc->packet_crypt_wq);
	flush_workqueue(wgc->packet_crypt_wq);
	flush_workqueue(wgc->handshake_send_wq);
}

/*
 * Last, once the in-flight work is done: the receive poll goes, whatever it
 * had not delivered yet is dropped with its references, and the list's own
 * reference is put. Works and packets that still hold references keep the
 * memory valid until they are done.
 *
 * __netif_napi_del(), not netif_napi_del(), which waits out a grace period
 * per peer: the one the napi needs before its memory is freed is the
 * call_rcu() in wgc_peer_release().
 */
static void wgc_peer_finish_removal(struct wgc_peer *peer)
{
	napi_disable(&peer->napi);
	__netif_napi_del(&peer->napi);
	wgc_serial_queue_purge(&peer->rx_queue);
	wgc_serial_queue_purge(&peer->tx_queue);
	skb_queue_purge(&peer->staged_queue);
	wgc_peer_put(peer);
}

void wgc_peer_remove(struct wgc_peer *peer)
{
	struct wgc_device *wgc = peer->wgc;

	lockdep_assert_held(&wgc->device_update_lock);
	if (unlikely(READ_ONCE(peer->is_dead)))
		return;
	wgc->config_seq++;
	wgc_peer_make_dead(peer);
	synchronize_net();
	wgc_peer_stop(peer);
	wgc_peers_flush_in_flight(wgc);
	/* Last: nothing can send another event about it now. */
	wgc_event_peer(peer, WGC_CMD_PEER_REMOVED, GFP_KERNEL);
	wgc_peer_finish_removal(peer);
}

void wgc_peer_remove_all(struct wgc_device *wgc, bool announce)
{
	struct wgc_peer *peer, *next;
	LIST_HEAD(dead);

	lockdep_assert_held(&wgc->device_update_lock);
	if (list_empty(&wgc->peer_list))
		return;
	wgc->config_seq++;
	/* One grace period and one flush for all of them, not per peer. */
	list_for_each_entry_safe(peer, next, &wgc->peer_list, peer_list) {
		wgc_peer_make_dead(peer);
		list_add_tail(&peer->peer_list, &dead);
	}
	synchronize_net();
	list_for_each_entry(peer, &dead, peer_list)
		wgc_peer_stop(peer);
	wgc_peers_flush_in_flight(wgc);
	list_for_each_entry_safe(peer, next, &dead, peer_list) {
		if (announce)
			wgc_event_peer(peer, WGC_CMD_PEER_REMOVED, GFP_KERNEL);
		list_del_init(&peer->peer_list);
		wgc_peer_finish_removal(peer);
	}
}

void wgc_peer_set_preshared_key(struct wgc_peer *peer,
				const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN])
{
	lockdep_assert_held(&peer->wgc->device_update_lock);
	wgc_noise_set_preshared_key(&peer->handshake, key);
}

void wgc_peer_read_endpoint(struct wgc_peer *peer,
			    struct wgc_endpoint *endpoint)
{
	read_lock_bh(&peer->endpoint_lock);
	*endpoint = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
}

void wgc_peer_set_endpoint(struct wgc_peer *peer,
			   const struct wgc_endpoint *endpoint,
			   struct wgc_endpoint *old)
{
	write_lock_bh(&peer->endpoint_lock);
	if (old)
		*old = peer->endpoint;
	peer->endpoint = *endpoint;
	dst_cache_reset(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}

void wgc_peer_set_persistent_keepalive(struct wgc_peer *peer, u16 interval)
{
	bool switched_on = !peer->persistent_keepalive_interval && interval;

	lockdep_assert_held(&peer->wgc->device_update_lock);
	WRITE_ONCE(peer->persistent_keepalive_interval, interval);
	if (switched_on && netif_running(peer->wgc->dev))
		wgc_packet_send_keepalive(peer);
}

void wgc_peer_config_done(struct wgc_peer *peer)
{
	lockdep_assert_held(&peer->wgc->device_update_lock);
	if (netif_running(peer->wgc->dev))
		wgc_packet_send_staged_packets(peer);
}
