// SPDX-License-Identifier: GPL-2.0
/*
 * Keypairs and a peer's slots for them.
 *
 * Everything here but wgc_keypair_create() may run in process or softirq
 * context: the receive path promotes "next" from the peer's NAPI poll, and
 * the last reference may go there or in a crypto worker. Slot writers take
 * keypair_update_lock with BH off; readers hold rcu_read_lock_bh(). A
 * keypair leaves the index table with its last reference, or as soon as it
 * leaves a slot, and is freed after a grace period.
 */

#include "keypair.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

#include <linux/module.h>
#include <linux/slab.h>

static atomic64_t wgc_keypair_counter = ATOMIC64_INIT(0);

#ifdef WGC_DEBUG
/*
 * Where a session's message counter starts. Reaching 2^60 or 2^64 messages
 * takes years, so the selftests start sessions near those limits instead.
 */
static u64 send_counter_start;
module_param(send_counter_start, ullong, 0644);
MODULE_PARM_DESC(send_counter_start,
		 "first message counter of new sessions (debug builds)");

static u64 wgc_send_counter_start(void)
{
	return READ_ONCE(send_counter_start);
}
#else
static u64 wgc_send_counter_start(void)
{
	return 0;
}
#endif

struct wgc_keypair *wgc_keypair_create(struct wgc_peer *peer)
{
	struct wgc_keypair *keypair;

	might_sleep();
	keypair = kzalloc(sizeof(*keypair), GFP_KERNEL);
	if (unlikely(!keypair))
		return NULL;
	kref_init(&keypair->refcount);
	keypair->entry.type = WGC_INDEX_KEYPAIR;
	keypair->entry.peer = peer;
	keypair->internal_id = atomic64_inc_return(&wgc_keypair_counter);
	atomic64_set(&keypair->sending_counter, wgc_send_counter_start());
	wgc_replay_counter_init(&keypair->receiving_counter);
	return keypair;
}

static void wgc_keypair_free_rcu(struct rcu_head *rcu)
{
	kfree_sensitive(container_of(rcu, struct wgc_keypair, rcu));
}

static void wgc_keypair_free_kref(struct kref *kref)
{
	struct wgc_keypair *keypair = container_of(kref, struct wgc_keypair,
						   refcount);
	struct wgc_peer *peer = keypair->entry.peer;

	net_dbg_ratelimited("%s: keypair %llu destroyed for peer %llu\n",
			    peer->wgc->dev->name, keypair->internal_id,
			    peer->internal_id);
	wgc_index_remove(peer->wgc->index_table, &keypair->entry);
	call_rcu(&keypair->rcu, wgc_keypair_free_rcu);
}

void wgc_keypair_put(struct wgc_keypair *keypair, bool unreference_now)
{
	if (unlikely(!keypair))
		return;
	if (unlikely(unreference_now))
		wgc_index_remove(keypair->entry.peer->wgc->index_table,
				 &keypair->entry);
	kref_put(&keypair->refcount, wgc_keypair_free_kref);
}

struct wgc_keypair *wgc_keypair_get(struct wgc_keypair *keypair)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_bh_held(),
			 "taking a keypair reference outside RCU");
	if (unlikely(!keypair || !kref_get_unless_zero(&keypair->refcount)))
		return NULL;
	return keypair;
}

void wgc_keypairs_init(struct wgc_keypairs *keypairs)
{
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);
	spin_lock_init(&keypairs->keypair_update_lock);
}

/* A slot's value, for its writers. */
static struct wgc_keypair *wgc_slot(struct wgc_keypairs *keypairs,
				    struct wgc_keypair __rcu **slot)
{
	return rcu_dereference_protected(*slot,
					 lockdep_is_held(&keypairs->keypair_update_lock));
}

/* Empties a slot, dropping its keypair. */
static void wgc_slot_clear(struct wgc_keypairs *keypairs,
			   struct wgc_keypair __rcu **slot)
{
	struct wgc_keypair *old = wgc_slot(keypairs, slot);

	RCU_INIT_POINTER(*slot, NULL);
	wgc_keypair_put(old, true);
}

void wgc_keypairs_clear(struct wgc_keypairs *keypairs)
{
	spin_lock_bh(&keypairs->keypair_update_lock);
	wgc_slot_clear(keypairs, &keypairs->previous_keypair);
	wgc_slot_clear(keypairs, &keypairs->next_keypair);
	wgc_slot_clear(keypairs, &keypairs->current_keypair);
	spin_unlock_bh(&keypairs->keypair_update_lock);
}

void wgc_keypairs_stop_sending(struct wgc_keypairs *keypairs)
{
	struct wgc_keypair *keypair;

	spin_lock_bh(&keypairs->keypair_update_lock);
	keypair = wgc_slot(keypairs, &keypairs->next_keypair);
	if (keypair)
		WRITE_ONCE(keypair->sending.is_valid, false);
	keypair = wgc_slot(keypairs, &keypairs->current_keypair);
	if (keypair)
		WRITE_ONCE(keypair->sending.is_valid, false);
	spin_unlock_bh(&keypairs->keypair_update_lock);
}

/* Whether @keypair still carries traffic: a new session replacing it rekeys. */
static bool wgc_keypair_in_use(const struct wgc_keypair *keypair)
{
	return keypair && READ_ONCE(keypair->sending.is_valid) &&
	       !wgc_birthdate_has_expired(keypair->sending.birthdate,
					  WGC_REJECT_AFTER_TIME);
}

/*
 * The initiator knows the responder has the same keys (the response proved
 * it), so it starts sending on a new keypair at once. The responder must
 * wait for the initiator's first data packet before it may send on it, so
 * the keypair waits in "next"; meanwhile "current" keeps carrying traffic.
 * Returns whether the new keypair replaced a "current" still in use (a
 * rekey): only the initiator's does here; the responder's, once confirmed
 * (wgc_keypairs_received_with()).
 */
bool wgc_keypairs_add(struct wgc_keypairs *keypairs, struct wgc_keypair *new)
{
	struct wgc_keypair *previous, *next, *current_kp;
	bool rekey = false;

	spin_lock_bh(&keypairs->keypair_update_lock);
	previous = wgc_slot(keypairs, &keypairs->previous_keypair);
	next = wgc_slot(keypairs, &keypairs->next_keypair);
	current_kp = wgc_slot(keypairs, &keypairs->current_keypair);
	if (new->i_am_the_initiator) {
		rekey = wgc_keypair_in_use(current_kp);
		/*
		 * An unconfirmed "next" from an earlier responder role is
		 * newer than "current": keep it as the previous session, so
		 * that packets the peer already sent on it still decrypt.
		 */
		if (next) {
			RCU_INIT_POINTER(keypairs->next_keypair, NULL);
			rcu_assign_pointer(keypairs->previous_keypair, next);
			wgc_keypair_put(current_kp, true);
		} else {
			rcu_assign_pointer(keypairs->previous_keypair,
					   current_kp);
		}
		wgc_keypair_put(previous, true);
		rcu_assign_pointer(keypairs->current_keypair, new);
	} else {
		rcu_assign_pointer(keypairs->next_keypair, new);
		wgc_keypair_put(next, true);
		/* "previous" would be two sessions back once "next" counts. */
		RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
		wgc_keypair_put(previous, true);
	}
	spin_unlock_bh(&keypairs->keypair_update_lock);
	return rekey;
}

bool wgc_keypairs_received_with(struct wgc_keypairs *keypairs,
				struct wgc_keypair *keypair, bool *rekey)
{
	struct wgc_keypair *old_previous, *current_kp;
	bool promoted = false;

	/* The common case, decided without the lock. */
	if (likely(keypair != rcu_access_pointer(keypairs->next_keypair)))
		return false;

	spin_lock_bh(&keypairs->keypair_update_lock);
	if (keypair == wgc_slot(keypairs, &keypairs->next_keypair)) {
		old_previous = wgc_slot(keypairs, &keypairs->previous_keypair);
		current_kp = wgc_slot(keypairs, &keypairs->current_keypair);
		*rekey = wgc_keypair_in_use(current_kp);
		rcu_assign_pointer(keypairs->previous_keypair, current_kp);
		wgc_keypair_put(old_previous, true);
		rcu_assign_pointer(keypairs->current_keypair, keypair);
		RCU_INIT_POINTER(keypairs->next_keypair, NULL);
		promoted = true;
	}
	spin_unlock_bh(&keypairs->keypair_update_lock);
	return promoted;
}
